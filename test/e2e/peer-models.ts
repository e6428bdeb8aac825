// The two W4 models of the peer benchmark kit (../shared/bench/gen_models.py, which needs PyTorch),
// written here with onnx-proto so a fresh clone can time them: the same ops, node and initializer
// counts, shapes and opset as PyTorch 1.13's export of them in eval mode with constant folding.
import { writeFileSync } from 'node:fs';
import { onnx } from 'onnx-proto';

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const A = onnx.AttributeProto.AttributeType;

/** Park-Miller LCG: the same weights on every run, with no dependency. */
function uniform(seed: number, bound: number) {
  let state = seed;
  return () => {
    state = (state * 48271) % 2147483647;
    return ((state / 2147483647) * 2 - 1) * bound;
  };
}

function tensor(name: string, dims: number[], fill: () => number): onnx.ITensorProto {
  const values = new Float32Array(dims.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = fill();
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(values.buffer) };
}

function valueInfo(name: string, shape: number[]): onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType: FLOAT, shape: { dim: shape.map((d) => ({ dimValue: d })) } } },
  };
}

const ints = (name: string, v: number[]): onnx.IAttributeProto => ({ name, type: A.INTS, ints: v });
const int = (name: string, v: number): onnx.IAttributeProto => ({ name, type: A.INT, i: v });

function save(path: string, graph: onnx.IGraphProto): void {
  const model: onnx.IModelProto = {
    irVersion: 7,
    producerName: 'pytorch',
    producerVersion: '1.13.0',
    opsetImport: [{ domain: '', version: 13 }],
    graph,
  };
  writeFileSync(path, onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish());
}

/** w4_many_nodes.onnx: 1,667 blocks x = x + relu(Linear16x16_i(x)): 5,001 nodes, 3,334 initializers. */
export function writeManyNodes(path: string, blocks = 1667): void {
  const random = uniform(1, 0.25);
  const node: onnx.INodeProto[] = [];
  const initializer: onnx.ITensorProto[] = [];
  let x = 'x';
  for (let i = 0; i < blocks; i++) {
    const s = i === 0 ? '' : `_${i}`;
    initializer.push(tensor(`lins.${i}.weight`, [16, 16], random), tensor(`lins.${i}.bias`, [16], random));
    const last = i === blocks - 1;
    node.push(
      {
        opType: 'Gemm',
        name: `/lins.${i}/Gemm`,
        input: [x, `lins.${i}.weight`, `lins.${i}.bias`],
        output: [`/lins.${i}/Gemm_output_0`],
        attribute: [
          { name: 'alpha', type: A.FLOAT, f: 1 },
          { name: 'beta', type: A.FLOAT, f: 1 },
          int('transB', 1),
        ],
      },
      {
        opType: 'Relu',
        name: `/Relu${s}`,
        input: [`/lins.${i}/Gemm_output_0`],
        output: [`/Relu${s}_output_0`],
      },
      {
        opType: 'Add',
        name: `/Add${s}`,
        input: [x, `/Relu${s}_output_0`],
        output: [last ? 'y' : `/Add${s}_output_0`],
      },
    );
    x = `/Add${s}_output_0`;
  }
  save(path, {
    name: 'torch_jit',
    node,
    initializer,
    input: [valueInfo('x', [1, 16])],
    output: [valueInfo('y', [1, 16])],
  });
}

/**
 * w4_resnet50like.onnx: bottleneck blocks [3, 4, 6, 3], 3x224x224 -> 1000, batch norms folded into
 * the convolutions (~25.5 M parameters, ~102 MB). Folded biases of equal shape are equal (all zero),
 * and PyTorch keeps one initializer per shape, the others as Identity nodes: 169 nodes.
 */
export function writeResNet50Like(path: string): void {
  const random = uniform(7, 0.05);
  const node: onnx.INodeProto[] = [];
  const identities: onnx.INodeProto[] = [];
  const initializer: onnx.ITensorProto[] = [];
  const biasOf = new Map<number, string>();
  let convs = 0;
  let relus = 0;
  let adds = 0;
  const relu = (input: string, scope: string) => {
    const name = `${scope}/Relu${relus++ === 0 ? '' : `_${relus - 1}`}`;
    node.push({ opType: 'Relu', name, input: [input], output: [`${name}_output_0`] });
    return `${name}_output_0`;
  };
  const conv = (input: string, scope: string, cin: number, cout: number, k: number, stride: number) => {
    const weight = `onnx::Conv_${1000 + 2 * convs}`;
    const bias = `onnx::Conv_${1001 + 2 * convs}`;
    convs++;
    initializer.push(tensor(weight, [cout, cin, k, k], random));
    const shared = biasOf.get(cout);
    if (shared)
      identities.push({
        opType: 'Identity',
        name: `Identity_${identities.length}`,
        input: [shared],
        output: [bias],
      });
    else {
      initializer.push(tensor(bias, [cout], () => 0));
      biasOf.set(cout, bias);
    }
    node.push({
      opType: 'Conv',
      name: `${scope}/Conv`,
      input: [input, weight, bias],
      output: [`${scope}/Conv_output_0`],
      attribute: [
        ints('dilations', [1, 1]),
        int('group', 1),
        ints('kernel_shape', [k, k]),
        ints('pads', Array(4).fill((k - 1) / 2)),
        ints('strides', [stride, stride]),
      ],
    });
    return `${scope}/Conv_output_0`;
  };
  let x = conv('x', '/stem/stem.0', 3, 64, 7, 2);
  x = relu(x, '/stem/stem.2');
  node.push({
    opType: 'MaxPool',
    name: '/stem/stem.3/MaxPool',
    input: [x],
    output: ['/stem/stem.3/MaxPool_output_0'],
    attribute: [ints('kernel_shape', [3, 3]), ints('pads', [1, 1, 1, 1]), ints('strides', [2, 2])],
  });
  x = '/stem/stem.3/MaxPool_output_0';
  let cin = 64;
  let block = 0;
  [3, 4, 6, 3].forEach((count, stage) => {
    const width = 64 * 2 ** stage;
    for (let j = 0; j < count; j++, block++) {
      const stride = j === 0 && stage > 0 ? 2 : 1;
      const scope = `/body/body.${block}`;
      const identity =
        stride !== 1 || cin !== width * 4 ? conv(x, `${scope}/down/down.0`, cin, width * 4, 1, stride) : x;
      let y = relu(conv(x, `${scope}/c1`, cin, width, 1, 1), scope);
      y = relu(conv(y, `${scope}/c2`, width, width, 3, stride), scope);
      y = conv(y, `${scope}/c3`, width, width * 4, 1, 1);
      const add = `${scope}/Add${adds++ === 0 ? '' : `_${adds - 1}`}`;
      node.push({ opType: 'Add', name: add, input: [y, identity], output: [`${add}_output_0`] });
      x = relu(`${add}_output_0`, scope);
      cin = width * 4;
    }
  });
  node.push(
    {
      opType: 'GlobalAveragePool',
      name: '/GlobalAveragePool',
      input: [x],
      output: ['/GlobalAveragePool_output_0'],
    },
    {
      opType: 'Flatten',
      name: '/Flatten',
      input: ['/GlobalAveragePool_output_0'],
      output: ['/Flatten_output_0'],
      attribute: [int('axis', 1)],
    },
    {
      opType: 'Gemm',
      name: '/fc/Gemm',
      input: ['/Flatten_output_0', 'fc.weight', 'fc.bias'],
      output: ['y'],
      attribute: [
        { name: 'alpha', type: A.FLOAT, f: 1 },
        { name: 'beta', type: A.FLOAT, f: 1 },
        int('transB', 1),
      ],
    },
  );
  initializer.push(tensor('fc.weight', [1000, 2048], random), tensor('fc.bias', [1000], random));
  save(path, {
    name: 'torch_jit',
    node: [...identities, ...node],
    initializer,
    input: [valueInfo('x', [1, 3, 224, 224])],
    output: [valueInfo('y', [1, 1000])],
  });
}
