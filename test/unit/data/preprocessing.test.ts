import * as assert from 'node:assert/strict';
import { datasetStream } from '../../../src/core/data/dataset-stream';
import { defaultPreprocessing, parsePreprocessing } from '../../../src/core/data/preprocessing';
import { imagenetRgb } from './helpers';

describe('image preprocessing from the model and from flags', () => {
  it("guesses size, channels and layout from the model's sample shape", () => {
    assert.deepEqual(defaultPreprocessing([3, 224, 224]), imagenetRgb(224, 224));
    assert.deepEqual(defaultPreprocessing([1, 160, 96, 3]), imagenetRgb(160, 96, 'nhwc'));
    const grey = { height: 28, width: 28, channels: 1, mean: [0], std: [1] };
    assert.deepEqual(defaultPreprocessing([1, 28, 28]), { ...grey, layout: 'nchw' });
    assert.deepEqual(defaultPreprocessing([28, 28, 1]), { ...grey, layout: 'nhwc' });
    assert.deepEqual(defaultPreprocessing([28, 28]), { ...grey, layout: 'nhwc' });
    for (const notImage of [[64], [3, 3, 3], [2, 28, 28], [3, -1, 224], [10, 3, 32, 32]])
      assert.equal(defaultPreprocessing(notImage), undefined, JSON.stringify(notImage));
  });

  it('reads --size, --mean, --std, --layout and --channels over the guess', () => {
    const base = defaultPreprocessing([3, 224, 224]);
    assert.deepEqual(parsePreprocessing({ size: '224x160', layout: 'NHWC' }, base), {
      ...base,
      height: 224,
      width: 160,
      layout: 'nhwc',
    });
    assert.deepEqual(parsePreprocessing({ size: '32', mean: '0.5', std: '0.25,0.5,1' }), {
      height: 32,
      width: 32,
      channels: 3,
      mean: [0.5, 0.5, 0.5],
      std: [0.25, 0.5, 1],
      layout: 'nchw',
    });
    assert.deepEqual(parsePreprocessing({ size: '28', channels: '1', mean: '0.1307', std: '0.3081' }), {
      height: 28,
      width: 28,
      channels: 1,
      mean: [0.1307],
      std: [0.3081],
      layout: 'nchw',
    });
    assert.deepEqual(parsePreprocessing({ mean: 'imagenet', std: 'ImageNet' }, base), base);
  });

  it('says which flag is wrong', () => {
    const base = defaultPreprocessing([3, 224, 224]);
    const cases: [Parameters<typeof parsePreprocessing>[0], RegExp][] = [
      [{ size: 'big' }, /--size "big"/],
      [{ size: '0' }, /--size "0"/],
      [{ size: '224x' }, /--size/],
      [{ mean: '0.4,NaN,0.4' }, /--mean "0.4,NaN,0.4"/],
      [{ mean: '0.4,,0.4' }, /--mean/],
      [{ mean: '0.4,0.4' }, /--mean has 2 values; the images have 3 channels/],
      [{ std: '0.2,0,0.2' }, /--std must be positive/],
      [{ std: '-1' }, /--std must be positive/],
      [{ layout: 'chw' }, /--layout "chw": give nchw or nhwc/],
      [{ channels: '4' }, /--channels "4"/],
      [{ channels: '1', mean: 'imagenet' }, /--mean has 3 values; the images have 1 channels/],
    ];
    for (const [flags, message] of cases) assert.throws(() => parsePreprocessing(flags, base), message);
    assert.throws(() => parsePreprocessing({}), /--size is needed/);
  });
});

describe('an in-memory data set as a stream', () => {
  it('gives views of its rows in batches, without copying', async () => {
    const x = Float32Array.from({ length: 10 }, (_, i) => i);
    const y = Int32Array.from([0, 1, 0, 1, 1]);
    const stream = datasetStream({ x, y, n: 5, shape: [2], classes: 2 }, 'builtin:toy');
    assert.deepEqual(
      [stream.count, stream.sampleShape, stream.labelled, stream.sampleName(3)],
      [5, [2], true, 'row 3'],
    );
    const batches = [];
    for await (const b of stream.batches(2)) batches.push(b);
    assert.deepEqual(
      batches.map((b) => [b.start, b.n, [...b.x], [...b.y]]),
      [
        [0, 2, [0, 1, 2, 3], [0, 1]],
        [2, 2, [4, 5, 6, 7], [0, 1]],
        [4, 1, [8, 9], [1]],
      ],
    );
    assert.equal(batches[1]?.x.buffer, x.buffer);
  });
});
