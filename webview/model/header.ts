// The model's header: format, producer / opset / version facts, inputs and outputs, size. The facts fold
// away under the model's name (a disclosure), leaving the room to the table and the graph.
import type { WireModel, WireTensor } from '../../src/protocol/model-view';
import { h } from '../shared/dom';

const FORMAT_NAMES: Record<WireModel['format'], string> = {
  onnx: 'ONNX',
  'tfjs-layers': 'TensorFlow.js layers model',
  'tfjs-graph': 'TensorFlow.js graph model',
  'nn-json': 'Dropout Lens .nn.json',
  keras: 'Keras 3 .keras',
  'keras-h5': 'Keras 2 .h5',
};

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = n;
  let unit = -1;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** A TensorFlow.js model's size counts its weight shards, and says so. */
function sizeOnDisk(model: WireModel): string {
  const size = formatBytes(model.fileSize);
  const { shards } = model;
  return shards ? `${size} (${model.fileName} + ${shards} shard${shards === 1 ? '' : 's'})` : size;
}

const tensors = (list: WireTensor[]) =>
  list.map((t) => `${t.name} ${t.shape}${t.dtype ? ` ${t.dtype}` : ''}`).join(', ') || '—';

export function renderHeader(model: WireModel, open: boolean): HTMLDetailsElement {
  const facts: [string, string][] = [
    ['format', FORMAT_NAMES[model.format]],
    ...model.meta,
    ['inputs', tensors(model.inputs)],
    ['outputs', tensors(model.outputs)],
    [
      'parameters',
      `${model.params.toLocaleString('en-US')}${model.paramsIncomplete ? ' (may be incomplete)' : ''}`,
    ],
    ...(model.paramsIncomplete ?? []).map((why): [string, string] => ['not counted', why]),
    ['trainable', model.trainableParams.toLocaleString('en-US')],
    ['size on disk', sizeOnDisk(model)],
    ...(model.shapesNote ? ([['shapes', model.shapesNote]] as [string, string][]) : []),
  ];
  const { known, layers } = model.shapes;
  return h(
    'details',
    { class: 'model-header', open },
    h(
      'summary',
      { title: 'Show or hide the model facts' },
      h('h1', {}, model.name),
      ' ',
      h('span', { class: 'muted' }, model.fileName),
      // Kept in the folded header too: some rules could not check every layer.
      ...(known < layers
        ? [
            ' ',
            h(
              'span',
              { class: 'shapes-known', title: model.shapesNote ?? '' },
              `shapes known for ${known} of ${layers} layers`,
            ),
          ]
        : []),
    ),
    h(
      'dl',
      { class: 'facts' },
      ...facts.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', { class: 'mono' }, v))),
    ),
  );
}
