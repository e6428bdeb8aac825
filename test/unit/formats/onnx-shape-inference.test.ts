// Shape inference against the ONNX project's backend node tests (test/fixtures/onnx-node-tests and
// onnx-node-tests-shapes, see PROVENANCE.md): the dims of each case's output_N.pb, which ONNX's
// reference implementation computed, are the truth. The file's declared shapes are removed first.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { onnx } from 'onnx-proto';
import { readOnnx } from '../../../src/core/formats/onnx/reader';
import type { Shape } from '../../../src/core/model/ir';

const ROOTS = ['test/fixtures/onnx-node-tests', 'test/fixtures/onnx-node-tests-shapes'];
/** The ops whose output shapes the reader infers (the generator script selects cases by the same list). */
const COVERED = new Set(
  readFileSync('test/fixtures/onnx-node-tests-shapes/covered-ops.txt', 'utf8').split(/\s+/),
);

interface Case {
  name: string;
  model: onnx.ModelProto;
  inputs: onnx.TensorProto[];
  outputs: (number[] | undefined)[];
}

function load(root: string, name: string): Case {
  const folder = `${root}/${name}`;
  const tensors = (kind: string) => {
    const list: onnx.TensorProto[] = [];
    for (let i = 0; existsSync(`${folder}/test_data_set_0/${kind}_${i}.pb`); i++)
      list.push(onnx.TensorProto.decode(readFileSync(`${folder}/test_data_set_0/${kind}_${i}.pb`)));
    return list;
  };
  const model = onnx.ModelProto.decode(readFileSync(`${folder}/model.onnx`));
  return {
    name,
    model,
    inputs: tensors('input'),
    // An optional or sequence output's .pb is no TensorProto: such outputs have no dims to compare.
    outputs: tensors('output').map((t, i) =>
      model.graph?.output?.[i]?.type?.tensorType ? t.dims.map(Number) : undefined,
    ),
  };
}

const cases = ROOTS.flatMap((root) =>
  readdirSync(root)
    .filter((name) => existsSync(`${root}/${name}/model.onnx`))
    .sort()
    .map((name) => load(root, name)),
);
const covered = (c: Case) => (c.model.graph?.node ?? []).every((n) => COVERED.has(n.opType ?? ''));

/**
 * The case's outputs as the reader infers them with every declared shape removed. `constants`: the
 * graph inputs become initializers holding the case's input data, as an exporter writes the pads, axes,
 * sizes or shapes such ops read.
 */
function inferred(c: Case, constants: boolean): (Shape | undefined)[] {
  const model = onnx.ModelProto.decode(onnx.ModelProto.encode(c.model).finish());
  const graph = model.graph as onnx.GraphProto;
  graph.valueInfo = [];
  for (const o of graph.output) if (o.type?.tensorType) o.type.tensorType.shape = null;
  if (constants) {
    graph.input.forEach((input, i) => {
      const data = c.inputs[i];
      if (data) graph.initializer.push(onnx.TensorProto.create({ ...data, name: input.name }));
    });
    graph.input = graph.input.filter((_, i) => !c.inputs[i]);
  }
  const bytes = Buffer.from(onnx.ModelProto.encode(model).finish());
  return readOnnx({ path: c.name, bytes }).outputs.map((o) => o.shape);
}

describe('ONNX shape inference on the ONNX backend node tests', () => {
  it('has the cases of both folders', () => {
    assert.ok(cases.length >= 800, `${cases.length} cases`);
    assert.ok(cases.filter(covered).length >= 700, `${cases.filter(covered).length} cases of covered ops`);
  });

  it('infers exactly the dims of every output of the covered ops when their inputs are constants', () => {
    const wrong: string[] = [];
    for (const c of cases.filter(covered)) {
      // NonZero and Compress output as many elements as their data selects: that size stays unknown.
      const dataSized = c.model.graph?.node?.some((n) => n.opType === 'NonZero' || n.opType === 'Compress');
      inferred(c, true).forEach((shape, i) => {
        const truth = c.outputs[i];
        if (!truth) return;
        const allowed = dataSized ? shape?.map((d, k) => d ?? truth[k] ?? null) : shape;
        if (JSON.stringify(allowed) !== JSON.stringify(truth)) {
          wrong.push(`${c.name} output ${i}: ${JSON.stringify(shape)}, want ${JSON.stringify(c.outputs[i])}`);
        }
      });
    }
    assert.deepEqual(wrong, []);
  });

  it('never contradicts the truth with inputs fed at run time: same rank, each dim equal or unknown', () => {
    const wrong: string[] = [];
    let exact = 0;
    let ranked = 0;
    for (const c of cases) {
      inferred(c, false).forEach((shape, i) => {
        const truth = c.outputs[i];
        if (!shape || !truth) return;
        ranked++;
        if (JSON.stringify(shape) === JSON.stringify(truth)) exact++;
        const agrees = shape.length === truth.length && shape.every((d, k) => d === null || d === truth[k]);
        if (!agrees)
          wrong.push(`${c.name} output ${i}: ${JSON.stringify(shape)}, want ${JSON.stringify(truth)}`);
      });
    }
    assert.deepEqual(wrong, []);
    // Ops whose sizes are read from inputs (Reshape's shape, Pad's pads ...) keep a rank with unknown dims.
    assert.ok(ranked >= 900 && exact >= 800, `${ranked} outputs with a rank, ${exact} exact`);
  });
});
