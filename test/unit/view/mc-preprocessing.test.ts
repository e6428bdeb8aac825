// The MC panel's image preprocessing as the protocol checks it: the form's text read into numbers, each
// field's error (NaN, std 0, wrong counts, a size or layout the model's fixed input shape refuses), and the
// run request's settings and Browse targets, which the extension only accepts well formed.
import * as assert from 'node:assert/strict';
import { parseFromMcPanel } from '../../../src/protocol/mc-panel';
import {
  parseImagePreprocessing,
  preprocessingForm,
  preprocessingProblems,
  readPreprocessingForm,
} from '../../../src/protocol/preprocessing';
import { imagenetRgb } from '../data/helpers';

const rgb = imagenetRgb(16, 16);
const form = (edit: Partial<ReturnType<typeof preprocessingForm>>) =>
  readPreprocessingForm({ ...preprocessingForm(rgb), ...edit });

describe('MC panel: image preprocessing', () => {
  it('reads the form back into the preprocessing it shows', () => {
    assert.deepEqual(form({}), rgb);
    assert.deepEqual(preprocessingProblems(form({})), {});
    assert.deepEqual(form({ size: '224' }).height, 224, 'one number is a square');
    assert.deepEqual(form({ size: '224 × 160' }).width, 160);
    assert.deepEqual(form({ mean: '0.5,0.5  0.5' }).mean, [0.5, 0.5, 0.5]);
  });

  it('names the field of every mistake', () => {
    assert.deepEqual(Object.keys(preprocessingProblems(form({ size: '16xabc' }))), ['size']);
    assert.deepEqual(Object.keys(preprocessingProblems(form({ size: '0x16' }))), ['size']);
    assert.deepEqual(Object.keys(preprocessingProblems(form({ size: '16.5' }))), ['size']);
    assert.match(preprocessingProblems(form({ mean: '0.5, x, 0.5' })).mean ?? '', /numbers only/);
    assert.match(
      preprocessingProblems(form({ mean: '0.5, 0.5' })).mean ?? '',
      /3 values for 3 channels, not 2/,
    );
    assert.match(preprocessingProblems(form({ std: '0.2, 0, 0.2' })).std ?? '', /above 0/);
    assert.match(preprocessingProblems(form({ std: '0.2, -1, 0.2' })).std ?? '', /above 0/);
    assert.match(preprocessingProblems(form({ channels: '1' })).mean ?? '', /1 value for 1 channel, not 3/);
    assert.deepEqual(Object.keys(preprocessingProblems(form({ layout: 'nhcw' }))), ['layout']);
    assert.deepEqual(Object.keys(preprocessingProblems(form({ size: '', mean: '', std: 'NaN' }))).sort(), [
      'mean',
      'size',
      'std',
    ]);
    assert.deepEqual(preprocessingProblems(form({ channels: '1', mean: '0.5', std: '0.25' })), {});
  });

  it("checks the size, channels and layout against the model's fixed input", () => {
    assert.deepEqual(preprocessingProblems(rgb, [3, 16, 16]), {});
    assert.match(preprocessingProblems({ ...rgb, height: 32 }, [3, 16, 16]).size ?? '', /takes 16x16 images/);
    // The same numbers read channels-last: [3, 16, 16] as NHWC is 3×16 pixels of 16 channels.
    assert.match(preprocessingProblems({ ...rgb, layout: 'nhwc' }, [3, 16, 16]).channels ?? '', /takes 16/);
    assert.deepEqual(preprocessingProblems({ ...rgb, layout: 'nhwc' }, [16, 16, 3]), {});
    // A dimension that is not fixed (0) takes any size.
    assert.deepEqual(preprocessingProblems({ ...rgb, height: 300, width: 200 }, [3, 0, 0]), {});
    assert.equal(parseImagePreprocessing({ ...rgb, height: 32 }, [3, 16, 16]), undefined);
    assert.deepEqual(parseImagePreprocessing({ ...rgb, extra: 1 }, [3, 16, 16]), rgb, 'a copy of the fields');
  });

  it('accepts run requests with valid preprocessing and Browse with a target only', () => {
    const settings = { passes: 30, seed: 1, masks: 'fresh', data: '/w/images' };
    assert.deepEqual(parseFromMcPanel({ type: 'run', settings: { ...settings, preprocessing: rgb } }), {
      type: 'run',
      settings: { ...settings, preprocessing: rgb },
    });
    for (const bad of [
      { ...rgb, std: [0.2, 0, 0.2] },
      { ...rgb, mean: [NaN, 0, 0] },
      { ...rgb, channels: 2 },
      'rgb',
    ])
      assert.equal(
        parseFromMcPanel({ type: 'run', settings: { ...settings, preprocessing: bad } }),
        undefined,
      );
    assert.deepEqual(parseFromMcPanel({ type: 'browse', target: 'folder' }), {
      type: 'browse',
      target: 'folder',
    });
    assert.equal(parseFromMcPanel({ type: 'browse' }), undefined);
    assert.equal(parseFromMcPanel({ type: 'browse', target: '/etc' }), undefined);
  });
});
