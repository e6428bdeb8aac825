// The MC-uncertainty panel (browser side). Settings → run request; partial and final views → charts.
// Everything the panel shows is in its saved state, so it redraws the same after being hidden.
import {
  MC_DATA_CHOICES,
  MC_PASSES,
  parseToMcPanel,
  type FromMcPanel,
  type McSettings,
} from '../../src/protocol/mc-panel';
import type { WireMcSample, WireMcView } from '../../src/protocol/worker';
import { css, histogram, image, lines, reliabilityDiagram } from './charts';
import { uncertaintyMaps } from './maps';
import { apply, initialMcState, type McViewState } from './view-state';

declare function acquireVsCodeApi(): {
  postMessage(m: FromMcPanel): void;
  getState(): unknown;
  setState(s: unknown): void;
};
const vscode = acquireVsCodeApi();

let state: McViewState = (vscode.getState() as McViewState | undefined) ?? initialMcState();

/** An element with properties (`style` is an object: inline style attributes are blocked by the CSP). */
function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Record<string, unknown> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const { style, ...rest } = props;
  const e = Object.assign(document.createElement(tag), rest);
  if (style) Object.assign(e.style, style);
  e.append(...children);
  return e;
}
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const fix = (v: number, d = 4) => v.toFixed(d);

function controls(): HTMLElement {
  const s = state.settings;
  const passes = el('input', {
    id: 'passes',
    type: 'range',
    min: String(MC_PASSES.min),
    max: String(MC_PASSES.max),
    value: String(s.passes),
  });
  const passesOut = el('output', {
    id: 'passes-value',
    htmlFor: 'passes',
    value: String(s.passes),
  });
  passes.addEventListener('input', () => (passesOut.value = passes.value));
  const seed = el('input', { id: 'seed', type: 'number', min: '0', step: '1', value: String(s.seed) });
  const masks = el(
    'select',
    { id: 'masks' },
    el('option', { value: 'fresh', textContent: 'fresh masks per sample' }),
    el('option', { value: 'consistent', textContent: 'one mask per pass (consistent)' }),
  );
  masks.value = s.masks;
  const data = el(
    'select',
    { id: 'data' },
    ...MC_DATA_CHOICES.map((d) => el('option', { value: d, textContent: d || "model's validation split" })),
  );
  data.value = s.data;
  const run = el('button', { id: 'run', textContent: 'Run', disabled: state.running });
  const cancel = el('button', { id: 'cancel', textContent: 'Cancel', disabled: !state.running });
  run.addEventListener('click', () => {
    state.settings = {
      passes: Number(passes.value),
      seed: Math.max(0, Math.floor(Number(seed.value) || 0)),
      masks: masks.value as McSettings['masks'],
      data: data.value,
    };
    state.convergence = [];
    state.view = undefined;
    vscode.postMessage({ type: 'run', settings: state.settings });
  });
  cancel.addEventListener('click', () => vscode.postMessage({ type: 'cancel' }));
  const label = (text: string, input: HTMLElement, ...extra: Node[]) =>
    el('label', {}, text, input, ...extra);
  return el(
    'form',
    { className: 'controls', onsubmit: (e: Event) => e.preventDefault() },
    label('Passes T ', passes, passesOut),
    label('Seed ', seed),
    label('Masks ', masks),
    label('Data ', data),
    run,
    cancel,
  );
}

function scores(view: WireMcView): HTMLElement {
  const s = view.summary;
  const d = view.deterministic;
  const row = (name: string, mc: number, det: number, id: string, digits = 4) =>
    el(
      'tr',
      {},
      el('th', { scope: 'row', textContent: name }),
      el('td', { id, textContent: fix(mc, digits) }),
      el('td', { textContent: fix(det, digits) }),
    );
  return el(
    'table',
    { className: 'scores' },
    el('caption', {
      textContent: `MC dropout (${s.passes} passes, ${s.n} samples) vs one deterministic pass`,
    }),
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th'),
        el('th', { scope: 'col', textContent: 'MC' }),
        el('th', { scope: 'col', textContent: 'deterministic' }),
      ),
    ),
    el(
      'tbody',
      {},
      row('accuracy', s.accuracy, d.accuracy, 'mc-accuracy'),
      row('NLL', s.nll, d.nll, 'mc-nll'),
      row('ECE', s.ece, d.ece, 'ece'),
      el(
        'tr',
        {},
        el('th', { scope: 'row', textContent: 'mean entropy' }),
        el('td', { id: 'mean-entropy', textContent: fix(s.meanEntropy) }),
        el('td'),
      ),
      el(
        'tr',
        {},
        el('th', { scope: 'row', textContent: 'mean mutual information' }),
        el('td', { id: 'mean-mi', textContent: fix(s.meanMutualInfo) }),
        el('td'),
      ),
    ),
  );
}

function sample(s: WireMcSample, shape: number[], rank: number): HTMLElement {
  const size = shape.reduce((a, b) => a * b, 1);
  const side = Math.round(Math.sqrt(size));
  const picture =
    size === 64 && side * side === size
      ? (() => {
          const c = el('canvas', { width: 48, height: 48, className: 'digit' });
          c.setAttribute('role', 'img');
          image(c, s.features, side, side);
          return c;
        })()
      : el('code', { textContent: s.features.map((v) => Number(v.toPrecision(3))).join(', ') });
  const std = s.variance.map(Math.sqrt);
  const bars = el(
    'div',
    { className: 'bars' },
    ...s.mean.map((p, k) => {
      const bar = el(
        'div',
        { className: 'bar' },
        el('span', { className: 'fill', style: { width: `${100 * p}%` } }),
      );
      for (const pass of (s.passes ?? []).slice(0, 200))
        bar.append(el('i', { style: { left: `${100 * (pass[k] ?? 0)}%` } }));
      return el(
        'div',
        { className: 'class-row', title: `class ${k}: mean ${fix(p, 3)} ± ${fix(std[k] ?? 0, 3)}` },
        el('span', { textContent: String(k) }),
        bar,
        el('span', { textContent: `${fix(p, 3)} ± ${fix(std[k] ?? 0, 3)}` }),
      );
    }),
  );
  return el(
    'li',
    { id: rank === 0 ? 'top-sample' : '', tabIndex: 0, className: 'sample' },
    el('div', {
      className: 'sample-head',
      textContent: `#${s.index}: label ${s.label}, predicted ${s.pred}, entropy ${fix(s.entropy, 3)}, MI ${fix(s.mutualInfo, 3)}`,
    }),
    picture,
    bars,
  );
}

function chart(id: string, title: string): HTMLElement {
  const canvas = el('canvas', { id, className: 'chart' });
  canvas.setAttribute('role', 'img');
  return el('figure', {}, el('figcaption', { textContent: title }), canvas);
}

function render(): void {
  vscode.setState(state);
  const app = $('app');
  app.replaceChildren(
    el('h1', { textContent: `MC dropout uncertainty${state.model ? `: ${state.model}` : ''}` }),
    controls(),
    el('p', { id: 'status', className: 'status', textContent: state.status }),
  );
  if (state.noStochasticLayer) {
    const add = el('button', { id: 'add-dropout', textContent: 'Add dropout after the first hidden layer' });
    add.addEventListener('click', () => vscode.postMessage({ type: 'addDropout' }));
    app.append(
      el(
        'div',
        { className: 'notice', role: 'alert' },
        el('p', {
          textContent:
            'This model has no stochastic layer, so every MC pass is the same (rule mc-no-stochastic-layer).',
        }),
        add,
      ),
    );
  }
  const view = state.view;
  if (!view) return;
  const s = view.summary;
  if (view.trained)
    app.append(
      el('p', {
        className: 'note',
        textContent: 'The model had no weights sidecar: it was trained first with its own training spec.',
      }),
    );
  app.append(scores(view));
  if (view.grid)
    app.append(
      el('h2', { textContent: 'Uncertainty over the plane' }),
      uncertaintyMaps(view.grid, s.classes),
      el('p', {
        className: 'note',
        textContent: `Each cell: ${s.passes} passes at its centre (masks of its own). Dots: the evaluated points in their label's colour${state.model?.endsWith('.nn.json') ? ', on standardised axes' : ''}.`,
      }),
    );
  app.append(
    el(
      'div',
      { className: 'grid' },
      chart('entropy-chart', 'Predictive entropy, correct vs wrong'),
      chart('mi-chart', 'Mutual information (BALD), correct vs wrong'),
      chart('reliability-chart', `Reliability (15 bins), ECE ${fix(s.ece)}`),
      chart('rejection-chart', 'Accuracy after rejecting the most uncertain'),
      chart('convergence-chart', 'Convergence as passes accumulate'),
    ),
    el('h2', { textContent: 'Most uncertain samples (class probabilities; ticks: single passes)' }),
    el('ol', { className: 'samples' }, ...view.uncertain.map((u, i) => sample(u, view.featureShape, i))),
  );
  const ok = css('--vscode-charts-green', '#89d185');
  const bad = css('--vscode-charts-red', '#f14c4c');
  const split = (values: number[]) => [
    {
      label: 'correct',
      color: ok,
      points: values.filter((_, i) => s.correct[i]).map((v) => [v, 0] as [number, number]),
    },
    {
      label: 'wrong',
      color: bad,
      points: values.filter((_, i) => !s.correct[i]).map((v) => [v, 0] as [number, number]),
    },
  ];
  histogram($('entropy-chart'), split(s.entropy), Math.log(s.classes), 20, 'entropy (nats)');
  histogram(
    $('mi-chart'),
    split(s.mutualInfo),
    Math.max(1e-3, ...s.mutualInfo),
    20,
    'mutual information (nats)',
  );
  reliabilityDiagram($('reliability-chart'), s.bins, s.ece);
  const rej = s.rejection.map((r) => [r.fraction, r.accuracy] as [number, number]);
  lines(
    $('rejection-chart'),
    [{ label: 'accuracy', color: css('--vscode-charts-blue', '#3794ff'), points: rej }],
    1,
    1,
    'fraction rejected',
    'accuracy',
  );
  const conv = state.convergence;
  const maxE = Math.max(1e-9, ...conv.map((c) => c[1]));
  const maxV = Math.max(1e-12, ...conv.map((c) => c[2]));
  lines(
    $('convergence-chart'),
    [
      {
        label: 'mean entropy',
        color: css('--vscode-charts-orange', '#d18616'),
        points: conv.map((c) => [c[0], c[1] / maxE]),
      },
      {
        label: 'mean variance',
        color: css('--vscode-charts-purple', '#b180d7'),
        points: conv.map((c) => [c[0], c[2] / maxV]),
      },
    ],
    view.passesRequested,
    1,
    'passes',
    'relative to max',
  );
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const m = parseToMcPanel(event.data);
  if (!m) return console.warn('Dropout Lens: unexpected message from the extension', event.data);
  state = apply(state, m);
  render();
});
// Charts read theme colours when drawn: redraw when the theme changes (VS Code swaps the body's class).
new MutationObserver(() => render()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
window.addEventListener('resize', () => render());
render();
vscode.postMessage({ type: 'ready' });
