// Shape inference on the real-architecture corpus (test/fixtures/architectures): every file has at least
// as many layers of known rank as onnx.shape_inference gave it (truth.json), the dims agree with its
// shapes wherever it knows them, and DenseNet-121's dropouts all sit on known feature maps, so
// conv-standard-dropout checks every one of them.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readOnnx } from '../../../src/core/formats/onnx/reader';
import { shapeCoverage } from '../../../src/core/lint/shape-coverage';
import { lintGraph } from '../../../src/core/lint/engine';

const ROOT = 'test/fixtures/architectures';
interface Truth {
  nonConstantNodes: number;
  knownRankNonConstantNodes: number;
}
const truth = JSON.parse(readFileSync(`${ROOT}/truth.json`, 'utf8')) as Record<string, Truth>;
const open = (file: string) => readOnnx({ path: file, bytes: readFileSync(`${ROOT}/${file}`) });

describe('ONNX shape inference on the real-architecture corpus', () => {
  it('knows the rank of at least as many layers as onnx.shape_inference, in every file', () => {
    const files = Object.keys(truth).filter((f) => f.endsWith('.onnx'));
    assert.ok(files.length >= 90, `${files.length} files`);
    const short: string[] = [];
    for (const file of files) {
      const t = truth[file] as Truth;
      const { known, layers } = shapeCoverage(open(file));
      assert.equal(layers, t.nonConstantNodes, `${file}: layers counted as onnx counts non-Constant nodes`);
      if (known < t.knownRankNonConstantNodes)
        short.push(`${file}: ${known} < ${t.knownRankNonConstantNodes}`);
    }
    assert.deepEqual(short, []);
  });

  // test/fixtures/onnx-shapes/generate.py keeps onnx.shape_inference's shapes of twelve corpus files.
  const expected = JSON.parse(
    readFileSync('test/fixtures/onnx-shapes/corpus.expected.json', 'utf8'),
  ) as Record<string, Record<string, (number | string | null)[]>>;
  for (const [file, shapes] of Object.entries(expected)) {
    it(`${file}: every shape onnx.shape_inference knows, with the same dims`, () => {
      const wrong: string[] = [];
      let compared = 0;
      for (const layer of open(file).layers) {
        const want = shapes[layer.tensors?.outputs[0] ?? ''];
        if (!want) continue;
        compared++;
        const got = layer.outputShape;
        // onnx names the dims it cannot tell apart unk__N: any size fits those.
        const same =
          got?.length === want.length &&
          want.every((d, i) => (typeof d === 'string' && d.startsWith('unk__')) || d === got[i]);
        if (!same) wrong.push(`${layer.name}: ${JSON.stringify(got)}, onnx ${JSON.stringify(want)}`);
      }
      assert.deepEqual(wrong, []);
      assert.ok(compared >= 40, `${compared} compared`);
    });
  }

  for (const opset of [9, 11, 13]) {
    it(`DenseNet-121 (drop_rate 0.2) at op set ${opset}: conv-standard-dropout on all 58 dropouts`, () => {
      const graph = open(`densenet121_opset${opset}_train.onnx`);
      const dropouts = graph.layers.filter((l) => l.op === 'dropout');
      assert.equal(dropouts.length, 58);
      const flagged = new Set(
        lintGraph(graph)
          .filter((f) => f.rule === 'conv-standard-dropout')
          .map((f) => f.layer.id),
      );
      assert.deepEqual(
        dropouts.filter((d) => !flagged.has(d.id)).map((d) => d.name),
        [],
      );
      assert.ok(dropouts.every((d) => d.outputShape?.length === 4));
    });
  }
});
