// The image preprocessing each model ran with is remembered in the workspace's state under the model's
// URI, offered again for that model only, and dropped when the model's input no longer fits it.
import * as assert from 'node:assert/strict';
import {
  PreprocessingMemory,
  type PreprocessingStore,
} from '../../../src/extension/data/preprocessing-memory';
import { imagenetRgb } from '../data/helpers';

/** A Memento of a Map, as the workspace state keeps JSON. */
function store(): PreprocessingStore & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return {
    values,
    get: <T>(key: string) => (values.has(key) ? (JSON.parse(values.get(key)!) as T) : undefined),
    update: (key, value) => {
      values.set(key, JSON.stringify(value));
      return Promise.resolve();
    },
  };
}

const guessed = imagenetRgb(16, 16);
const imagenet = { mean: guessed.mean, std: guessed.std };
const A = 'file:///w/a.onnx';
const B = 'file:///w/b.onnx';

describe('PreprocessingMemory', () => {
  it("offers the model's default until a run remembers another, per model", async () => {
    const s = store();
    const memory = new PreprocessingMemory(s);
    const input = { inputShape: [3, 16, 16], preprocessing: guessed };
    assert.deepEqual(memory.offer(A, input, imagenet)?.current, guessed);
    const mine = { ...guessed, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };
    await memory.remember(A, mine);
    assert.deepEqual(memory.offer(A, input, imagenet), {
      current: mine,
      default: guessed,
      imagenet,
      inputShape: [3, 16, 16],
    });
    assert.deepEqual(memory.offer(B, input, imagenet)?.current, guessed, 'another model keeps its own');
    assert.deepEqual([...s.values.keys()], [`dropoutLens.preprocessing:${A}`]);
  });

  it("drops what no longer fits the model's input, and anything malformed", async () => {
    const s = store();
    const memory = new PreprocessingMemory(s);
    await memory.remember(A, { ...guessed, height: 32, width: 32 });
    // The model was re-exported for 16×16 inputs: the remembered 32×32 would not run.
    const input = { inputShape: [3, 16, 16], preprocessing: guessed };
    assert.deepEqual(memory.offer(A, input, imagenet)?.current, guessed);
    await s.update(`dropoutLens.preprocessing:${A}`, { ...guessed, std: [0, 1, 1] });
    assert.equal(memory.recall(A), undefined);
    await s.update(`dropoutLens.preprocessing:${A}`, 'nchw');
    assert.equal(memory.recall(A), undefined);
  });

  it('offers nothing for a model that takes no images', () => {
    const memory = new PreprocessingMemory(store());
    assert.equal(memory.offer(A, { inputShape: [64] }, imagenet), undefined);
  });
});
