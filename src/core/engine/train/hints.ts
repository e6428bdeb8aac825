// Training-time hints read off the curves of finished runs (RULES.md, "Training-time hints"):
//   underfitting with dropout (train ≈ validation, both poor) → lower the rate or use early dropout
//     (Liu et al., "Dropout Reduces Underfitting", ICML 2023);
//   overfitting without dropout → add dropout or late dropout (Liu et al. 2023; Srivastava et al. 2014);
//   a large learning rate with dropout and no max-norm → max-norm c ≈ 3–4 (Srivastava et al., JMLR 2014).
import type { EpochMetrics, OptimizerSpec } from './train';

export interface HintRun {
  name: string;
  epochs: EpochMetrics[];
  /** The highest dropout rate in the network (0 = no dropout). */
  maxRate: number;
  optimizer: OptimizerSpec;
  maxNorm?: number;
}

export type HintKind =
  'underfitting-with-dropout' | 'overfitting-without-dropout' | 'large-lr-without-max-norm';

export interface TrainHint {
  kind: HintKind;
  run: string;
  message: string;
}

/** Train − validation accuracy above which a run overfits. */
export const OVERFIT_GAP = 0.05;
/** Train and validation accuracy this close count as "train ≈ validation". */
const CLOSE = 0.02;
/** A run is poor when its validation accuracy trails the best run's by this much, or stays below POOR_ACC. */
const TRAILS = 0.02;
const POOR_ACC = 0.9;
/** Learning rates that count as large for dropout nets without max-norm. */
const LARGE_LR = { adam: 0.01, sgd: 0.1 };

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

function final(run: HintRun): { train: number; val: number } | undefined {
  const last = run.epochs[run.epochs.length - 1];
  return last && last.valAcc !== null ? { train: last.trainAcc, val: last.valAcc } : undefined;
}

/** Validation loss rose by 10% or more above its minimum while the training loss kept falling. */
function valLossTurned(run: HintRun): boolean {
  const val = run.epochs.map((e) => e.valLoss).filter((v): v is number => v !== null);
  if (val.length < 5) return false;
  const min = Math.min(...val);
  const at = val.indexOf(min);
  const first = run.epochs[at]?.trainLoss ?? Infinity;
  const last = run.epochs[run.epochs.length - 1]?.trainLoss ?? Infinity;
  return (val[val.length - 1] as number) >= 1.1 * min && last < first;
}

export function deriveHints(runs: HintRun[]): TrainHint[] {
  const hints: TrainHint[] = [];
  const bestVal = Math.max(...runs.map((r) => final(r)?.val ?? 0));
  for (const run of runs) {
    const f = final(run);
    if (!f) continue;
    if (run.maxRate > 0 && f.train - f.val <= CLOSE && (f.val < POOR_ACC || f.val <= bestVal - TRAILS))
      hints.push({
        kind: 'underfitting-with-dropout',
        run: run.name,
        message:
          `"${run.name}" underfits: training accuracy ${pct(f.train)} is no better than validation ` +
          `${pct(f.val)}${f.val <= bestVal - TRAILS ? `, and another run reaches ${pct(bestVal)}` : ''}. ` +
          `Dropout (rate up to ${run.maxRate}) holds the network back: lower the rate, or switch dropout ` +
          `on for the first epochs only (early dropout, Liu et al. 2023).`,
      });
    if (run.maxRate === 0 && (f.train - f.val >= OVERFIT_GAP || valLossTurned(run)))
      hints.push({
        kind: 'overfitting-without-dropout',
        run: run.name,
        message:
          `"${run.name}" overfits: training accuracy ${pct(f.train)} against validation ${pct(f.val)}` +
          `${valLossTurned(run) ? ', and the validation loss climbs again while the training loss falls' : ''}. ` +
          `Add dropout (0.2–0.5 after the hidden layers, Srivastava et al. 2014), or switch it on for the ` +
          `last epochs only (late dropout, Liu et al. 2023).`,
      });
    const lr = run.optimizer.learningRate ?? (run.optimizer.type === 'adam' ? 1e-3 : 0);
    if (run.maxRate > 0 && run.maxNorm === undefined && lr >= LARGE_LR[run.optimizer.type])
      hints.push({
        kind: 'large-lr-without-max-norm',
        run: run.name,
        message:
          `"${run.name}" uses dropout with a large learning rate (${lr}) and no max-norm constraint: ` +
          `the weights can grow without bound. Add "maxNorm": 3 (c ≈ 3–4, Srivastava et al. 2014) to the ` +
          `training block.`,
      });
  }
  return hints;
}
