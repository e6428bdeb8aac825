// The runs of each experiment the Train panel offers, expanded by the worker that trains them one after
// another in one job. Schedules follow Liu et al., "Dropout Reduces Underfitting" (ICML 2023).
import { AS_IS, WITHOUT_DROPOUT, type RunPlan } from '../core/engine/train/run-plan';
import type { ExperimentKind } from '../protocol/train-panel';

const DEFAULT_SWEEP = [0, 0.1, 0.3, 0.5];

/** The runs of an experiment. `epochs` places the schedules' switch points. */
export function experimentPlans(kind: ExperimentKind, epochs: number, rates = DEFAULT_SWEEP): RunPlan[] {
  switch (kind) {
    case 'as-is':
      return [AS_IS];
    case 'compare':
      return [AS_IS, WITHOUT_DROPOUT];
    case 'sweep':
      return rates.map((rate) => ({ name: `rate ${rate}`, rate }));
    case 'variants':
      return (['standard', 'gaussian', 'alpha'] as const).map((variant) => ({ name: variant, variant }));
    case 'scaling':
      return (['inverted', 'inference-scale'] as const).map((scaling) => ({ name: scaling, scaling }));
    case 'schedules': {
      // Early dropout: the first quarter of training; late dropout: the second half.
      const early = Math.max(1, Math.round(epochs / 4));
      const late = Math.max(1, Math.round(epochs / 2));
      return [
        { name: 'constant', schedule: { kind: 'constant' } },
        { name: `early (1–${early})`, schedule: { kind: 'early', epoch: early } },
        { name: `late (${late + 1}–)`, schedule: { kind: 'late', epoch: late } },
      ];
    }
  }
}
