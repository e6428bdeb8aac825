// The graph's details panel: everything the view knows about one layer, its weight statistics included.
import type { LayerRow } from '../../src/protocol/model-view';
import { h, icon } from '../shared/dom';
import { SEVERITY_ICON } from './table';
import { dropoutText } from './table-model';
import { renderWeights, type WeightsState } from './weights';

export function renderDetails(row: LayerRow | undefined, weights?: WeightsState): HTMLElement {
  if (!row) return h('p', { class: 'muted' }, 'Select a node to see its details.');
  const facts: [string, string][] = [
    ['op', row.op === row.originalOp ? row.op : `${row.op} (${row.originalOp})`],
    ['output shape', row.outputShape],
    ['params', row.params.toLocaleString('en-US')],
    ['inputs', row.inputs.join(', ') || '—'],
    ...row.dropout.map((d): [string, string] => ['dropout', dropoutText(d)]),
  ];
  return h(
    'div',
    {},
    h('h2', { class: 'mono' }, row.name),
    h('dl', { class: 'facts' }, ...facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    ...row.findings.map((f) =>
      h(
        'p',
        { class: 'finding-detail' },
        icon(SEVERITY_ICON[f.severity], `sev-${f.severity}`),
        ' ',
        h('strong', {}, f.rule),
        ': ',
        f.message,
      ),
    ),
    row.attributes.length > 0 ? h('h3', {}, 'Attributes') : null,
    h(
      'dl',
      { class: 'facts attributes' },
      ...row.attributes.flatMap(([k, v]) => [h('dt', {}, k), h('dd', { class: 'mono' }, v)]),
    ),
    weights ? renderWeights(weights) : null,
  );
}
