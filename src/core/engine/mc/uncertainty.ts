// Uncertainty metrics of MC dropout (Gal & Ghahramani 2016): pure functions of the per-sample statistics
// that T stochastic passes leave behind. `McStats` is what both the batch path (all passes in memory,
// `statsFromPasses`) and the streaming path (Welford in mc.ts) produce, so every metric below works on
// either. Entropies are in nats; variances are population variances over the T passes (divide by T).

export interface McStats {
  /** Passes so far. */
  passes: number;
  n: number;
  classes: number;
  /** n × classes: mean softmax probability over the passes (the predictive distribution). */
  mean: Float64Array;
  /** n × classes: variance of each class probability over the passes. */
  variance: Float64Array;
  /** n: mean over the passes of each pass's entropy, E_t[H[p_t]]. */
  expectedEntropy: Float64Array;
  /** n × classes: how many passes voted for each class (argmax of that pass). */
  votes: Int32Array;
}

/** Entropy of a probability row, in nats; 0·log 0 = 0. */
export function entropyOf(p: ArrayLike<number>, offset: number, classes: number): number {
  let h = 0;
  for (let j = 0; j < classes; j++) {
    const q = p[offset + j] as number;
    if (q > 0) h -= q * Math.log(q);
  }
  return h;
}

/** First index of the largest value of a row (NumPy's argmax tie rule). */
export function argmaxOf(p: ArrayLike<number>, offset: number, classes: number): number {
  let best = 0;
  for (let j = 1; j < classes; j++) if ((p[offset + j] as number) > (p[offset + best] as number)) best = j;
  return best;
}

/** Exact statistics of `passes` (T × n × classes probabilities, pass-major), two-pass variance. */
export function statsFromPasses(passes: ArrayLike<number>, T: number, n: number, classes: number): McStats {
  const size = n * classes;
  const mean = new Float64Array(size);
  const variance = new Float64Array(size);
  const expectedEntropy = new Float64Array(n);
  const votes = new Int32Array(size);
  for (let t = 0; t < T; t++)
    for (let i = 0; i < size; i++) mean[i] = (mean[i] as number) + (passes[t * size + i] as number) / T;
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < size; i++) {
      const d = (passes[t * size + i] as number) - (mean[i] as number);
      variance[i] = (variance[i] as number) + (d * d) / T;
    }
    for (let r = 0; r < n; r++) {
      const o = t * size + r * classes;
      expectedEntropy[r] = (expectedEntropy[r] as number) + entropyOf(passes, o, classes) / T;
      const k = r * classes + argmaxOf(passes, o, classes);
      votes[k] = (votes[k] as number) + 1;
    }
  }
  return { passes: T, n, classes, mean, variance, expectedEntropy, votes };
}

/**
 * The statistics of two disjoint sets of passes over the same samples (e.g. run by two workers), as if
 * accumulated together: Chan, Golub & LeVeque's pairwise update, M2 = M2a + M2b + δ²·na·nb/(na + nb).
 */
export function mergeStats(a: McStats, b: McStats): McStats {
  if (a.n !== b.n || a.classes !== b.classes)
    throw new Error(`mergeStats: ${a.n}×${a.classes} and ${b.n}×${b.classes} statistics do not match`);
  const [na, nb] = [a.passes, b.passes];
  const total = na + nb;
  if (na === 0 || nb === 0) return na === 0 ? b : a;
  const mean = a.mean.map((ma, i) => ma + (((b.mean[i] as number) - ma) * nb) / total);
  const variance = a.variance.map((va, i) => {
    const d = (b.mean[i] as number) - (a.mean[i] as number);
    return (va * na + (b.variance[i] as number) * nb + (d * d * na * nb) / total) / total;
  });
  const expectedEntropy = a.expectedEntropy.map(
    (ea, r) => (ea * na + (b.expectedEntropy[r] as number) * nb) / total,
  );
  const votes = a.votes.map((va, i) => va + (b.votes[i] as number));
  return { passes: total, n: a.n, classes: a.classes, mean, variance, expectedEntropy, votes };
}

const perRow = (s: McStats, f: (r: number) => number) => Float64Array.from({ length: s.n }, (_, r) => f(r));

/** Predicted class per sample: argmax of the predictive mean. */
export const predictions = (s: McStats): Int32Array =>
  Int32Array.from({ length: s.n }, (_, r) => argmaxOf(s.mean, r * s.classes, s.classes));

/** Predictive entropy H[E_t p_t]: total uncertainty. */
export const predictiveEntropy = (s: McStats): Float64Array =>
  perRow(s, (r) => entropyOf(s.mean, r * s.classes, s.classes));

/** Mutual information (BALD, Houlsby et al. 2011): H[E p] − E[H[p]], the model (epistemic) part. */
export function mutualInformation(s: McStats): Float64Array {
  const h = predictiveEntropy(s);
  // Rounding can leave −1e-17 where the passes agree exactly; information is never negative.
  return perRow(s, (r) => Math.max(0, (h[r] as number) - (s.expectedEntropy[r] as number)));
}

/** Largest minus second-largest mean probability. */
export const margin = (s: McStats): Float64Array =>
  perRow(s, (r) => {
    let first = -Infinity;
    let second = -Infinity;
    for (let j = 0; j < s.classes; j++) {
      const q = s.mean[r * s.classes + j] as number;
      if (q > first) [first, second] = [q, first];
      else if (q > second) second = q;
    }
    return s.classes > 1 ? first - second : first;
  });

/** 1 − (passes voting for the most voted class) / T. */
export const variationRatio = (s: McStats): Float64Array =>
  perRow(s, (r) => {
    let top = 0;
    for (let j = 0; j < s.classes; j++) top = Math.max(top, s.votes[r * s.classes + j] as number);
    return 1 - top / s.passes;
  });

/** Mean over classes of each sample's probability variance. */
export const meanVariance = (s: McStats): Float64Array =>
  perRow(s, (r) => {
    let v = 0;
    for (let j = 0; j < s.classes; j++) v += s.variance[r * s.classes + j] as number;
    return v / s.classes;
  });

/** Probabilities below this count as this in NLL, so one confident mistake gives a finite loss. */
export const NLL_FLOOR = 1e-12;

/** Mean negative log-likelihood of the labels under `probs` (n × classes). */
export function nll(probs: ArrayLike<number>, labels: ArrayLike<number>, classes: number): number {
  let total = 0;
  for (let r = 0; r < labels.length; r++)
    total -= Math.log(Math.max(probs[r * classes + (labels[r] as number)] as number, NLL_FLOOR));
  return total / labels.length;
}

export function accuracy(probs: ArrayLike<number>, labels: ArrayLike<number>, classes: number): number {
  let correct = 0;
  for (let r = 0; r < labels.length; r++) if (argmaxOf(probs, r * classes, classes) === labels[r]) correct++;
  return correct / labels.length;
}

export interface ReliabilityBin {
  lo: number;
  hi: number;
  count: number;
  /** Mean confidence and accuracy of the bin's samples (0 when empty). */
  confidence: number;
  accuracy: number;
}

/**
 * Expected calibration error (Guo et al. 2017): confidence = largest probability, `bins` equal-width bins
 * (lo, hi] (the first also takes 0), ECE = Σ_b (n_b / n)·|acc_b − conf_b|.
 */
export function reliability(
  probs: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
  bins = 15,
): { ece: number; bins: ReliabilityBin[] } {
  const n = labels.length;
  const confidence = new Float64Array(n);
  const correct: boolean[] = [];
  for (let r = 0; r < n; r++) {
    const k = argmaxOf(probs, r * classes, classes);
    confidence[r] = probs[r * classes + k] as number;
    correct.push(k === labels[r]);
  }
  return calibration(confidence, correct, bins);
}

/** The reliability bins and ECE of samples given by their confidence and whether they were right. */
export function calibration(
  confidence: ArrayLike<number>,
  correct: ArrayLike<boolean>,
  bins = 15,
): { ece: number; bins: ReliabilityBin[] } {
  const count = new Float64Array(bins);
  const conf = new Float64Array(bins);
  const hit = new Float64Array(bins);
  const n = correct.length;
  for (let r = 0; r < n; r++) {
    const c = confidence[r] as number;
    const b = Math.min(bins - 1, Math.max(0, Math.ceil(c * bins) - 1));
    count[b] = (count[b] as number) + 1;
    conf[b] = (conf[b] as number) + c;
    if (correct[r]) hit[b] = (hit[b] as number) + 1;
  }
  let ece = 0;
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const m = count[b] as number;
    const bin = {
      lo: b / bins,
      hi: (b + 1) / bins,
      count: m,
      confidence: m > 0 ? (conf[b] as number) / m : 0,
      accuracy: m > 0 ? (hit[b] as number) / m : 0,
    };
    ece += (m / n) * Math.abs(bin.accuracy - bin.confidence);
    out.push(bin);
  }
  return { ece, bins: out };
}

/** Rejection fractions of the accuracy-vs-rejection curve: 0, 0.05, …, 0.95. */
export const REJECTION_FRACTIONS = Array.from({ length: 20 }, (_, i) => i / 20);

/**
 * Accuracy on the samples kept after rejecting the `fraction` most uncertain ones (floor(fraction·n)
 * rejected; ties keep the original order). A useful uncertainty makes this curve rise.
 */
export function rejectionCurve(
  uncertainty: ArrayLike<number>,
  correct: ArrayLike<boolean>,
  fractions: readonly number[] = REJECTION_FRACTIONS,
): { fraction: number; kept: number; accuracy: number }[] {
  const n = correct.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (uncertainty[a] as number) - (uncertainty[b] as number),
  );
  const prefix = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = (prefix[i] as number) + (correct[order[i] as number] ? 1 : 0);
  return fractions.map((fraction) => {
    const kept = n - Math.floor(fraction * n);
    return { fraction, kept, accuracy: kept > 0 ? (prefix[kept] as number) / kept : 0 };
  });
}
