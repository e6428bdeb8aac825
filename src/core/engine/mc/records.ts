// What an MC run keeps of each sample once its batch is done: a few scalars, so 10,000 samples of a
// 1,000-class model cost kilobytes, not the n × classes means and variances of McStats. The summary
// (report.ts) is computed from these records alone, whether the samples came in one batch or many.
import { argmaxOf, mutualInformation, predictiveEntropy, statsFromPasses, type McStats } from './uncertainty';

/** One sample's figures (label −1: the data carry none). */
export interface McRecord {
  label: number;
  pred: number;
  /** Mean probability of the predicted class. */
  confidence: number;
  /** Mean probability of the label (NaN without one). */
  labelProb: number;
  entropy: number;
  expectedEntropy: number;
  mutualInfo: number;
  /** Mean over classes of the probability variance. */
  variance: number;
}

/** Records of samples 0, 1, …, columnar; capacity grows as samples are added. */
export class McRecords {
  n = 0;
  label = new Int32Array(0);
  pred = new Int32Array(0);
  confidence = new Float64Array(0);
  labelProb = new Float64Array(0);
  entropy = new Float64Array(0);
  expectedEntropy = new Float64Array(0);
  mutualInfo = new Float64Array(0);
  variance = new Float64Array(0);

  constructor(capacity = 0) {
    this.reserve(capacity);
  }

  /** Writes the records of `stats`' samples (labels: one per sample) at `offset`; n becomes offset + count. */
  write(offset: number, stats: McStats, labels: ArrayLike<number>): void {
    const { n, classes: c } = stats;
    this.reserve(offset + n);
    const h = predictiveEntropy(stats);
    const mi = mutualInformation(stats);
    for (let r = 0; r < n; r++) {
      const i = offset + r;
      const k = argmaxOf(stats.mean, r * c, c);
      const label = labels[r] as number;
      let v = 0;
      for (let j = 0; j < c; j++) v += stats.variance[r * c + j] as number;
      this.label[i] = label;
      this.pred[i] = k;
      this.confidence[i] = stats.mean[r * c + k] as number;
      this.labelProb[i] = label >= 0 && label < c ? (stats.mean[r * c + label] as number) : Number.NaN;
      this.entropy[i] = h[r] as number;
      this.expectedEntropy[i] = stats.expectedEntropy[r] as number;
      this.mutualInfo[i] = mi[r] as number;
      this.variance[i] = v / c;
    }
    this.n = offset + n;
  }

  /** Writes one deterministic pass's probabilities (n × classes) at `offset`, as a one-pass run. */
  writeProbs(offset: number, probs: ArrayLike<number>, classes: number, labels: ArrayLike<number>): void {
    this.write(offset, statsFromPasses(probs, 1, labels.length, classes), labels);
  }

  record(i: number): McRecord {
    return {
      label: this.label[i] as number,
      pred: this.pred[i] as number,
      confidence: this.confidence[i] as number,
      labelProb: this.labelProb[i] as number,
      entropy: this.entropy[i] as number,
      expectedEntropy: this.expectedEntropy[i] as number,
      mutualInfo: this.mutualInfo[i] as number,
      variance: this.variance[i] as number,
    };
  }

  /** Every sample has a label. */
  get labelled(): boolean {
    for (let i = 0; i < this.n; i++) if ((this.label[i] as number) < 0) return false;
    return this.n > 0;
  }

  private reserve(capacity: number): void {
    if (capacity <= this.label.length) return;
    const size = Math.max(capacity, 2 * this.label.length);
    const grow = <T extends Int32Array | Float64Array>(a: T, make: new (n: number) => T): T => {
      const b = new make(size);
      b.set(a);
      return b;
    };
    this.label = grow(this.label, Int32Array);
    this.pred = grow(this.pred, Int32Array);
    this.confidence = grow(this.confidence, Float64Array);
    this.labelProb = grow(this.labelProb, Float64Array);
    this.entropy = grow(this.entropy, Float64Array);
    this.expectedEntropy = grow(this.expectedEntropy, Float64Array);
    this.mutualInfo = grow(this.mutualInfo, Float64Array);
    this.variance = grow(this.variance, Float64Array);
  }
}
