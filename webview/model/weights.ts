// The details panel's weights section: per tensor, its statistics and a histogram drawn as SVG bars
// (each bar says its range and count on hover; the whole chart has a text summary for screen readers).
import type { WeightStats } from '../../src/protocol/model-view';
import { h, svg } from '../shared/dom';

export type WeightsState = 'loading' | { tensors: WeightStats[] } | { error: string };

const WIDTH = 260;
const HEIGHT = 72;

/** Four significant digits, no float noise, exponent only for very small or large magnitudes. */
export function num(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e6 ? String(Number(v.toPrecision(4))) : v.toExponential(3);
}

function histogram(t: WeightStats): SVGSVGElement {
  const peak = Math.max(1, ...t.histogram);
  const bins = t.histogram.length;
  const width = (t.max - t.min) / Math.max(1, bins);
  const barWidth = WIDTH / Math.max(1, bins);
  return svg(
    'svg',
    {
      class: 'histogram',
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      width: WIDTH,
      height: HEIGHT,
      role: 'img',
      'aria-label': `Histogram of ${t.name}: ${t.count} values from ${num(t.min)} to ${num(t.max)}`,
    },
    ...t.histogram.map((count, i) => {
      const height = (count / peak) * (HEIGHT - 2);
      const from = t.min + i * width;
      const last = i === bins - 1;
      return svg(
        'rect',
        { x: i * barWidth, y: HEIGHT - height, width: Math.max(1, barWidth - 1), height },
        svg('title', {}, `[${num(from)}, ${num(from + width)}${last ? ']' : ')'}: ${count}`),
      );
    }),
  );
}

function tensor(t: WeightStats): HTMLElement {
  const facts: [string, string][] = [
    ['count', t.count.toLocaleString('en-US')],
    ['mean', num(t.mean)],
    ['std', num(t.std)],
    ['min', num(t.min)],
    ['max', num(t.max)],
    ['zeros', `${Number((t.zeros * 100).toPrecision(3))}%`],
    ...(t.nonFinite > 0 ? [['NaN / ∞', t.nonFinite.toLocaleString('en-US')] as [string, string]] : []),
  ];
  return h(
    'div',
    { class: 'weight-tensor' },
    h('h4', { class: 'mono', title: t.name }, `${t.name} [${t.shape.join(', ')}]`),
    h('dl', { class: 'facts' }, ...facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    t.count > 0 ? histogram(t) : null,
    t.count > 0
      ? h(
          'div',
          { class: 'histogram-axis muted small' },
          h('span', {}, num(t.min)),
          h('span', {}, num(t.max)),
        )
      : null,
  );
}

export function renderWeights(state: WeightsState): HTMLElement {
  const body =
    state === 'loading'
      ? [h('p', { class: 'muted', role: 'status' }, 'Reading weights…')]
      : 'error' in state
        ? [h('p', { class: 'error-box' }, state.error)]
        : state.tensors.length === 0
          ? [h('p', { class: 'muted' }, 'No weights in the file for this layer.')]
          : state.tensors.map(tensor);
  return h('section', { class: 'weights', 'aria-label': 'Weights' }, h('h3', {}, 'Weights'), ...body);
}
