// MC dropout in the extension host's worker, as the MC panel runs it, on models as users export them (the
// real-architecture corpus, test/fixtures/architectures): a torchvision SqueezeNet on a folder of images
// (onnxruntime, chosen for its 0.8 billion multiply-adds per image), a GRU classifier on int64 token ids
// from an .npy with labels beside it, and a Keras-example MLP converted to TensorFlow.js. The GRU's
// deterministic figures are checked against onnxruntime on the exporter's own eval-mode file.
import * as assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { WireMcView } from '../../src/protocol/worker';
import { imagenetRgb } from '../unit/data/helpers';
import { writeNpy } from '../unit/cli/npy-file';
import { evalSoftmax } from '../unit/runtimes/eval-reference';
import { loadOrt } from '../../src/core/runtimes/onnxruntime/load-ort';
import { copyFixture, workspaceFile, runMc } from './helpers';

const CORPUS = 'test/fixtures/architectures';
const IMAGES = ['circle', 'square', 'stripes'].flatMap((c) =>
  [0, 1, 2, 3].map((i) => `${c}/${c}-${i}.${i < 2 ? 'png' : 'jpg'}`),
);

function assertSummary(view: WireMcView, n: number, classes: number): void {
  assert.equal(view.summary.n, n);
  assert.equal(view.summary.classes, classes);
  const { meanEntropy, meanMutualInfo } = view.summary;
  assert.ok(meanEntropy > 0 && meanEntropy <= Math.log(classes) + 1e-9, `entropy ${meanEntropy}`);
  assert.ok(meanMutualInfo >= 0 && meanMutualInfo <= meanEntropy, `MI ${meanMutualInfo}`);
}

describe('MC on the corpus exports (worker job)', function () {
  this.timeout(180_000);

  it('torchvision SqueezeNet on a folder of images runs on onnxruntime, with thumbnails', async () => {
    for (const image of IMAGES)
      await copyFixture(`test/fixtures/mc-images/images/${image}`, `mc-corpus/images/${image}`);
    const model = await copyFixture(
      `${CORPUS}/squeezenet1_0_opset13_train.onnx`,
      'mc-corpus/squeezenet.onnx',
    );
    const answer = await runMc({
      model: model.fsPath,
      data: workspaceFile('mc-corpus/images').fsPath,
      passes: 5,
      preprocessing: imagenetRgb(224, 224),
    });
    assert.equal(answer.error, undefined);
    const view = answer.result!;
    assert.equal(view.engine?.name, 'onnxruntime-node');
    assert.ok(
      view.notes?.some((n) => /823 million multiply-adds per sample/.test(n)),
      String(view.notes),
    );
    assertSummary(view, 12, 1000);
    assert.equal(view.uncertain.length, 8);
    for (const s of view.uncertain) assert.ok(s.thumbnail, `a thumbnail of ${s.name}`);
  });

  it('a GRU classifier on int64 token ids has the deterministic figures of its eval export on onnxruntime', async () => {
    const model = await copyFixture(`${CORPUS}/gru_classifier_opset13_train.onnx`, 'mc-corpus/gru.onnx');
    const n = 6;
    const ids = BigInt64Array.from({ length: n * 20 }, (_, i) => BigInt((i * 53 + 7) % 1000));
    const labels = BigInt64Array.from({ length: n }, (_, i) => BigInt(i % 4));
    mkdirSync(workspaceFile('mc-corpus/tokens').fsPath, { recursive: true });
    writeNpy(workspaceFile('mc-corpus/tokens/x.npy').fsPath, [n, 20], ids);
    writeNpy(workspaceFile('mc-corpus/tokens/y.npy').fsPath, [n], labels);
    const answer = await runMc({
      model: model.fsPath,
      data: workspaceFile('mc-corpus/tokens/x.npy').fsPath,
      passes: 20,
    });
    assert.equal(answer.error, undefined);
    const view = answer.result!;
    assert.equal(view.engine?.name, 'onnxruntime-node');
    assert.equal(view.data?.labelled, true);
    assertSummary(view, n, 4);
    const ort = await loadOrt();
    const evalFile = (
      await copyFixture(`${CORPUS}/gru_classifier_opset13_eval.onnx`, 'mc-corpus/gru-eval.onnx')
    ).fsPath;
    const p = await evalSoftmax(
      evalFile,
      n,
      (i) => new ort.Tensor('int64', ids.slice(i * 20, (i + 1) * 20), [1, 20]),
    );
    let nll = 0;
    let right = 0;
    for (let i = 0; i < n; i++) {
      const row = p.slice(i * 4, (i + 1) * 4);
      const label = i % 4;
      nll -= Math.log(row[label]!) / n;
      if (row.indexOf(Math.max(...row)) === label) right++;
    }
    assert.ok(
      Math.abs(view.deterministic.nll! - nll) < 1e-5,
      `NLL ${view.deterministic.nll} vs eval export ${nll}`,
    );
    assert.equal(view.deterministic.accuracy, right / n);
  });

  it('a Keras-example MLP converted to TensorFlow.js runs on an .npy without labels', async () => {
    await copyFixture(`${CORPUS}/tfjs/reuters_mlp_selu/model.json`, 'mc-corpus/reuters/model.json');
    await copyFixture(
      `${CORPUS}/tfjs/reuters_mlp_selu/group1-shard1of1.bin`,
      'mc-corpus/reuters/group1-shard1of1.bin',
    );
    const words = Float32Array.from({ length: 4 * 1000 }, (_, i) => ((i * 7919) % 13 === 0 ? 1 : 0));
    writeNpy(workspaceFile('mc-corpus/reuters/words.npy').fsPath, [4, 1000], words);
    const answer = await runMc({
      model: workspaceFile('mc-corpus/reuters/model.json').fsPath,
      data: workspaceFile('mc-corpus/reuters/words.npy').fsPath,
      passes: 20,
    });
    assert.equal(answer.error, undefined);
    const view = answer.result!;
    assert.equal(view.data?.labelled, false);
    assert.equal(view.deterministic.nll, undefined, 'no NLL without labels');
    assert.equal(view.deterministic.accuracy, undefined, 'no accuracy without labels');
    assertSummary(view, 4, 46);
  });
});
