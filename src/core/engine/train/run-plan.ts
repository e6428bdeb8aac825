// What one run of an experiment changes about the model's network and training: dropout removed, every
// rate set to one value, another variant or scaling, or a schedule (Liu et al., "Dropout Reduces
// Underfitting", ICML 2023). Experiments are lists of plans, trained one after another from one seed.
import type { DropoutSchedule, DropoutSpec } from '../../model/ir';
import type { DropoutLayerVariant, LayerSpec } from '../../model/network-spec';
import { EngineError } from '../engine-error';

/** The changes use DropoutSpec's names; each applies to every dropout layer (not to Gaussian noise). */
export interface RunPlan {
  /** Shown in legends and tables; unique within an experiment. */
  name: string;
  /** Remove every dropout-family layer and DropConnect. */
  removeDropout?: boolean;
  rate?: number;
  variant?: Exclude<DropoutLayerVariant, 'gaussian-noise'>;
  scaling?: DropoutSpec['scaling'];
  schedule?: DropoutSchedule;
}

/** The run every experiment starts from: the model as its file describes it. */
export const AS_IS: RunPlan = { name: 'dropout' };
/** The same network without any dropout, for the with / without comparison. */
export const WITHOUT_DROPOUT: RunPlan = { name: 'no-dropout', removeDropout: true };

const isDropout = (s: LayerSpec) => s.type === 'dropout' && s.variant !== 'gaussian-noise';

/** The layer specs a plan trains. Changing dropout on a model without any is an error, not a no-op. */
export function applyPlan(specs: LayerSpec[], plan: RunPlan): LayerSpec[] {
  if (plan.removeDropout)
    return specs
      .filter((s) => s.type !== 'dropout')
      .map((s) => (s.type === 'dense' && s.dropConnect !== undefined ? { ...s, dropConnect: undefined } : s));
  const changes =
    plan.rate !== undefined ||
    plan.variant !== undefined ||
    plan.scaling !== undefined ||
    plan.schedule !== undefined;
  if (!changes) return specs;
  if (!specs.some(isDropout))
    throw new EngineError(`run "${plan.name}": the model has no dropout layer to change; add one first`);
  return specs.map((s) => {
    if (s.type !== 'dropout' || !isDropout(s)) return s;
    const variant = plan.variant ?? s.variant;
    return {
      ...s,
      variant,
      rate: plan.rate ?? s.rate,
      scaling: variant === 'standard' ? (plan.scaling ?? s.scaling ?? 'inverted') : 'inverted',
      ...(plan.schedule ? { schedule: plan.schedule } : {}),
    };
  });
}
