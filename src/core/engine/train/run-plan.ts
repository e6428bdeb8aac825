// What one run of an experiment changes about the model's network and training: dropout removed, every
// rate set to one value, another variant or scaling, or a schedule (Liu et al., "Dropout Reduces
// Underfitting", ICML 2023). Experiments are lists of plans, trained one after another from one seed.
import type { DropoutKind, DropoutSchedule } from '../layers/dropout';
import { EngineError } from '../layers/layer';
import type { LayerSpec } from '../network';

export interface RunPlan {
  /** Shown in legends and tables; unique within an experiment. */
  name: string;
  /** Remove every dropout-family layer and DropConnect. */
  removeDropout?: boolean;
  rate?: number;
  variant?: Exclude<DropoutKind, 'gaussian-noise'>;
  scaling?: 'inverted' | 'classic';
  schedule?: DropoutSchedule;
}

export type ExperimentKind = 'as-is' | 'compare' | 'sweep' | 'variants' | 'scaling' | 'schedules';
export const EXPERIMENT_KINDS: readonly ExperimentKind[] = [
  'as-is',
  'compare',
  'sweep',
  'variants',
  'scaling',
  'schedules',
];

export const DEFAULT_SWEEP = [0, 0.1, 0.3, 0.5];

/** The runs of an experiment. `epochs` places the schedules' switch points. */
export function experimentPlans(kind: ExperimentKind, epochs: number, rates = DEFAULT_SWEEP): RunPlan[] {
  switch (kind) {
    case 'as-is':
      return [{ name: 'dropout' }];
    case 'compare':
      return [{ name: 'dropout' }, { name: 'no-dropout', removeDropout: true }];
    case 'sweep':
      return rates.map((rate) => ({ name: `rate ${rate}`, rate }));
    case 'variants':
      return (['standard', 'gaussian', 'alpha'] as const).map((variant) => ({ name: variant, variant }));
    case 'scaling':
      return (['inverted', 'classic'] as const).map((scaling) => ({ name: scaling, scaling }));
    case 'schedules': {
      // Early dropout: the first quarter of training; late dropout: the second half.
      const early = Math.max(1, Math.round(epochs / 4));
      const late = Math.max(1, Math.round(epochs / 2));
      return [
        { name: 'constant' },
        { name: `early (1–${early})`, schedule: { kind: 'early', epochs: early } },
        { name: `late (${late + 1}–)`, schedule: { kind: 'late', epochs: late } },
      ];
    }
  }
}

const isDropout = (s: LayerSpec) => s.type === 'dropout' && s.variant !== 'gaussian-noise';

/** The layer specs a plan trains. Changing dropout on a model without any is an error, not a no-op. */
export function applyPlan(specs: LayerSpec[], plan: RunPlan): LayerSpec[] {
  if (plan.removeDropout)
    return specs
      .filter((s) => s.type !== 'dropout')
      .map((s) => (s.type === 'dense' && s.dropConnect !== undefined ? { ...s, dropConnect: undefined } : s));
  const changes = plan.rate !== undefined || plan.variant !== undefined || plan.scaling !== undefined;
  if (!changes && plan.schedule === undefined) return specs;
  if (!specs.some(isDropout))
    throw new EngineError(`run "${plan.name}": the model has no dropout layer to change; add one first`);
  return specs.map((s) => {
    if (s.type !== 'dropout' || !isDropout(s)) return s;
    const variant = plan.variant ?? s.variant;
    return {
      ...s,
      variant,
      rate: plan.rate ?? s.rate,
      scaling: variant === 'standard' ? (plan.scaling ?? s.scaling ?? 'inverted') : undefined,
    };
  });
}
