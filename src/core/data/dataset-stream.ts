// An in-memory Dataset (a CSV, a built-in set) as a DataStream: batches are views into its arrays, not copies.
import type { Dataset } from './dataset';
import type { DataStream, SampleBatch } from './stream';

/** `name`: the data as the user chose them (a CSV path, `builtin:digits`). */
export function datasetStream(data: Dataset, name: string): DataStream {
  const width = data.n === 0 ? 0 : data.x.length / data.n;
  return {
    name,
    count: data.n,
    sampleShape: [...data.shape],
    labelled: data.y.every((label) => label >= 0),
    sampleName: (index) => `row ${index}`,
    async *batches(size: number): AsyncIterable<SampleBatch> {
      checkBatchSize(size);
      for (let start = 0; start < data.n; start += size) {
        const n = Math.min(size, data.n - start);
        yield {
          start,
          n,
          x: data.x.subarray(start * width, (start + n) * width),
          y: data.y.subarray(start, start + n),
        };
      }
    },
  };
}

export function checkBatchSize(size: number): void {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`batch size must be a positive integer, got ${size}`);
}
