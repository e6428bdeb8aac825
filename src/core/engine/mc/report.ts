// What an MC-dropout run reports: the CLI's JSON (DESIGN.md contract) and the richer summary the panel
// draws, both computed from McStats with the metric functions of uncertainty.ts.
import {
  accuracy,
  mutualInformation,
  nll,
  predictions,
  predictiveEntropy,
  reliability,
  rejectionCurve,
  type McStats,
  type ReliabilityBin,
} from './uncertainty';

export interface McSample {
  /** Row of the evaluated data (the validation split unless other data were named). */
  index: number;
  label: number;
  pred: number;
  /** Mean probability of each class over the passes. */
  mean: number[];
  entropy: number;
  mutualInfo: number;
  /** Variance of each class probability over the passes. */
  variance: number[];
}

export interface McScores {
  accuracy: number;
  nll: number;
  ece: number;
}

export interface McSummary extends McScores {
  passes: number;
  n: number;
  classes: number;
  meanEntropy: number;
  meanMutualInfo: number;
  /** Mean over samples and classes of the probability variance (convergence of the second moment). */
  meanVariance: number;
  bins: ReliabilityBin[];
  rejection: { fraction: number; kept: number; accuracy: number }[];
  /** Per sample, for histograms split correct / wrong. */
  entropy: number[];
  mutualInfo: number[];
  correct: boolean[];
}

function mean(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] as number;
  return v.length > 0 ? s / v.length : 0;
}

export function scores(probs: ArrayLike<number>, labels: Int32Array, classes: number): McScores {
  return {
    accuracy: accuracy(probs, labels, classes),
    nll: nll(probs, labels, classes),
    ece: reliability(probs, labels, classes).ece,
  };
}

export function summarize(stats: McStats, labels: Int32Array): McSummary {
  const h = predictiveEntropy(stats);
  const mi = mutualInformation(stats);
  const pred = predictions(stats);
  const correct = Array.from(pred, (p, i) => p === labels[i]);
  const r = reliability(stats.mean, labels, stats.classes);
  return {
    passes: stats.passes,
    n: stats.n,
    classes: stats.classes,
    ...scores(stats.mean, labels, stats.classes),
    meanEntropy: mean(h),
    meanMutualInfo: mean(mi),
    meanVariance: mean(stats.variance),
    bins: r.bins,
    rejection: rejectionCurve(h, correct),
    entropy: Array.from(h),
    mutualInfo: Array.from(mi),
    correct,
  };
}

/** Every sample, or the `top` with the highest predictive entropy (most uncertain first). */
export function samples(stats: McStats, labels: Int32Array, top?: number): McSample[] {
  const h = predictiveEntropy(stats);
  const mi = mutualInformation(stats);
  const pred = predictions(stats);
  const C = stats.classes;
  let order = Array.from({ length: stats.n }, (_, i) => i);
  if (top !== undefined) order = order.sort((a, b) => (h[b] as number) - (h[a] as number)).slice(0, top);
  return order.map((i) => ({
    index: i,
    label: labels[i] as number,
    pred: pred[i] as number,
    mean: Array.from(stats.mean.subarray(i * C, (i + 1) * C)),
    entropy: h[i] as number,
    mutualInfo: mi[i] as number,
    variance: Array.from(stats.variance.subarray(i * C, (i + 1) * C)),
  }));
}
