// What an MC-dropout run reports: the CLI's JSON (DESIGN.md contract) and the richer summary the panel
// draws. The summary is computed from the per-sample records (records.ts) alone, so a run over many
// batches and a run over one give the same figures; unlabelled samples give no accuracy, NLL or ECE.
import { McRecords } from './records';
import {
  NLL_FLOOR,
  argmaxOf,
  calibration,
  mutualInformation,
  predictiveEntropy,
  rejectionCurve,
  type McStats,
  type ReliabilityBin,
} from './uncertainty';

export interface McSample {
  /** Index of the sample in the evaluated data (the validation split unless other data were named). */
  index: number;
  /** −1 when the data carry no label. */
  label: number;
  pred: number;
  /** Mean probability of each class over the passes (of the classes in `classes`, when given). */
  mean: number[];
  entropy: number;
  mutualInfo: number;
  /** Variance of each class probability over the passes (same classes as `mean`). */
  variance: number[];
  /** The classes `mean` and `variance` list, most probable first, when not every class is listed. */
  classes?: number[];
}

export interface McScores {
  accuracy: number;
  nll: number;
  ece: number;
}

/** The scores are absent (not 0, not NaN) when a sample has no label. */
export interface McSummary extends Partial<McScores> {
  passes: number;
  n: number;
  classes: number;
  meanEntropy: number;
  meanMutualInfo: number;
  /** Mean over samples and classes of the probability variance (convergence of the second moment). */
  meanVariance: number;
  /** Reliability bins and the accuracy-vs-rejection curve: empty without labels. */
  bins: ReliabilityBin[];
  rejection: { fraction: number; kept: number; accuracy: number }[];
  /** Per sample, for histograms split correct / wrong (`correct` only with labels). */
  entropy: number[];
  mutualInfo: number[];
  correct?: boolean[];
}

function mean(v: ArrayLike<number>, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += v[i] as number;
  return n > 0 ? s / n : 0;
}

/** Whether each record's prediction is its label; undefined when a sample has no label. */
function correctness(records: McRecords): boolean[] | undefined {
  if (!records.labelled) return undefined;
  return Array.from({ length: records.n }, (_, i) => records.pred[i] === records.label[i]);
}

function scoresWith(records: McRecords, correct: boolean[]): McScores & { bins: ReliabilityBin[] } {
  const n = records.n;
  let loss = 0;
  for (let i = 0; i < n; i++) loss -= Math.log(Math.max(records.labelProb[i] as number, NLL_FLOOR));
  const r = calibration(records.confidence.subarray(0, n), correct);
  return { accuracy: correct.filter(Boolean).length / n, nll: loss / n, ece: r.ece, bins: r.bins };
}

/** Accuracy, NLL and ECE of the records; empty when a sample has no label. */
export function recordScores(records: McRecords): Partial<McScores> {
  const correct = correctness(records);
  if (!correct) return {};
  const { accuracy, nll, ece } = scoresWith(records, correct);
  return { accuracy, nll, ece };
}

/** The summary of `records` (of a run of `passes` passes over `classes` classes). */
export function summaryOf(records: McRecords, passes: number, classes: number): McSummary {
  const n = records.n;
  const entropy = records.entropy.subarray(0, n);
  const correct = correctness(records);
  const common = {
    passes,
    n,
    classes,
    meanEntropy: mean(entropy, n),
    meanMutualInfo: mean(records.mutualInfo, n),
    meanVariance: mean(records.variance, n),
  };
  const perSample = {
    entropy: Array.from(entropy),
    mutualInfo: Array.from(records.mutualInfo.subarray(0, n)),
  };
  if (!correct) return { ...common, bins: [], rejection: [], ...perSample };
  const { bins, ...scores } = scoresWith(records, correct);
  return { ...common, ...scores, bins, rejection: rejectionCurve(entropy, correct), ...perSample, correct };
}

/** The records of every sample of `stats`. */
export function recordsOf(stats: McStats, labels: ArrayLike<number>): McRecords {
  const records = new McRecords(stats.n);
  records.write(0, stats, labels);
  return records;
}

export const summarize = (stats: McStats, labels: ArrayLike<number>): McSummary =>
  summaryOf(recordsOf(stats, labels), stats.passes, stats.classes);

/** Accuracy, NLL and ECE of one pass's probabilities (n × classes); empty without labels. */
export function scores(
  probs: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
): Partial<McScores> {
  const records = new McRecords(labels.length);
  records.writeProbs(0, probs, classes, labels);
  return recordScores(records);
}

/** The classes of row `r` of `mean` to list: all, or the `most` most probable (then named). */
function listed(mean: Float64Array, r: number, classes: number, most: number): number[] | undefined {
  if (classes <= most) return undefined;
  const order = Array.from({ length: classes }, (_, j) => j);
  return order
    .sort((a, b) => (mean[r * classes + b] as number) - (mean[r * classes + a] as number))
    .slice(0, most);
}

/**
 * Every sample, or the `top` with the highest predictive entropy (most uncertain first); each with its
 * distribution over every class, or over its `maxClasses` most probable ones. Indices start at `offset`.
 */
export function samples(
  stats: McStats,
  labels: ArrayLike<number>,
  top?: number,
  { maxClasses = Infinity, offset = 0 }: { maxClasses?: number; offset?: number } = {},
): McSample[] {
  const h = predictiveEntropy(stats);
  const mi = mutualInformation(stats);
  const C = stats.classes;
  let order = Array.from({ length: stats.n }, (_, i) => i);
  if (top !== undefined) order = order.sort((a, b) => (h[b] as number) - (h[a] as number)).slice(0, top);
  return order.map((i) => {
    const classes = listed(stats.mean, i, C, maxClasses);
    const pick = (v: Float64Array) =>
      classes ? classes.map((j) => v[i * C + j] as number) : Array.from(v.subarray(i * C, (i + 1) * C));
    return {
      index: offset + i,
      label: labels[i] as number,
      pred: argmaxOf(stats.mean, i * C, C),
      mean: pick(stats.mean),
      entropy: h[i] as number,
      mutualInfo: mi[i] as number,
      variance: pick(stats.variance),
      ...(classes ? { classes } : {}),
    };
  });
}
