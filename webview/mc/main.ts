// The MC-uncertainty panel (browser side). Settings → run request; partial and final views → charts.
// Everything the panel shows is in its saved state, so it redraws the same after being hidden.
import type uPlot from 'uplot';
import {
  MC_PASSES,
  isToMcPanel,
  type FromMcPanel,
  type McSettings,
  type ToMcPanel,
  type WireMcView,
} from '../../src/protocol/mc-panel';
import { onThemeChange, themeColour } from '../shared/chart';
import { button, labelled, singleSelect, textField } from '../shared/controls';
import { dataChooser } from '../shared/data-chooser';
import { h } from '../shared/dom';
import { connect } from '../shared/host';
import { histogram, lines, reliabilityDiagram } from './charts';
import { uncertaintyMaps } from './maps';
import { preprocessingFields, preprocessingText } from './preprocessing-form';
import { sampleItem } from './samples';
import { apply, initialMcState, type McViewState } from './view-state';

const host = connect<ToMcPanel, FromMcPanel, McViewState>(isToMcPanel);
let state: McViewState = { ...initialMcState(), ...host.getState() };
/** The charts drawn last, destroyed before the next drawing (uPlot listens on the window). */
let plots: uPlot[] = [];

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
/** A figure, or a dash where there is none (unlabelled data have no accuracy, NLL or ECE). */
const fix = (v: number | undefined, d = 4) => (v === undefined ? '—' : v.toFixed(d));
function controls(): HTMLElement {
  const s = state.settings;
  const passes = textField('passes', {
    type: 'number',
    value: s.passes,
    min: MC_PASSES.min,
    max: MC_PASSES.max,
    step: 10,
  });
  const seed = textField('seed', { type: 'number', value: s.seed, min: 0, step: 1 });
  const masks = singleSelect(
    'masks',
    [
      ['fresh', 'fresh masks per sample'],
      ['consistent', 'one mask per pass (consistent)'],
    ],
    s.masks,
  );
  const read = (): Omit<McSettings, 'data'> => ({
    passes: Math.min(
      MC_PASSES.max,
      Math.max(MC_PASSES.min, Math.round(Number(passes.value) || MC_PASSES.default)),
    ),
    seed: Math.max(0, Math.floor(Number(seed.value) || 0)),
    masks: masks.value as McSettings['masks'],
  });
  const data = dataChooser({
    offer: state.data,
    pick: s,
    disabled: state.running,
    folders: true,
    onChange: (pick, dataChanged) => {
      state.settings = { ...read(), data: pick.data ?? '', labelColumn: pick.labelColumn };
      if (dataChanged) render();
      else host.setState(state);
    },
    onBrowse: (target) => host.post({ type: 'browse', target }),
  });
  // Images take preprocessing: its fields, checked as they are typed; Run waits until they are valid.
  const images = data.choice?.kind === 'images';
  const offer = state.preprocessing;
  const pre =
    images && offer
      ? preprocessingFields({
          offer,
          form: state.preprocessingForm,
          disabled: state.running,
          onChange: (form, valid) => {
            state.preprocessingForm = form;
            host.setState(state);
            runButton.toggleAttribute('disabled', state.running || !valid);
          },
        })
      : undefined;
  const run = () => {
    const pick = data.read();
    const preprocessing = pre?.read();
    if (!pick || (pre && !preprocessing)) return;
    state.settings = { ...read(), ...pick, ...(preprocessing ? { preprocessing } : {}) };
    state.convergence = [];
    state.view = undefined;
    host.post({ type: 'run', settings: state.settings });
  };
  const ready = data.choice !== undefined && (!images || (pre?.read() ?? undefined) !== undefined);
  const runButton = button('Run', { id: 'run', disabled: state.running || !ready }, run);
  return h(
    'div',
    { class: 'controls', role: 'group', 'aria-label': 'MC settings' },
    labelled(`Passes T (${MC_PASSES.min}–${MC_PASSES.max})`, passes),
    labelled('Seed', seed),
    labelled('Masks', masks),
    ...data.fields,
    images && !offer
      ? h(
          'p',
          { class: 'data-message', role: 'status' },
          "The model's input is not an image's shape: pick data with its features per sample.",
        )
      : undefined,
    pre?.element,
    runButton,
    button('Cancel', { id: 'cancel', secondary: true, disabled: !state.running }, () =>
      host.post({ type: 'cancel' }),
    ),
  );
}

/** Accuracy, NLL and ECE need labels: on unlabelled data their rows are left out. */
function scores(view: WireMcView): HTMLElement {
  const s = view.summary;
  const d = view.deterministic;
  const row = (name: string, id: string, mc: number | undefined, det?: number) =>
    mc === undefined
      ? undefined
      : h(
          'tr',
          {},
          h('th', { scope: 'row' }, name),
          h('td', { id }, fix(mc)),
          h('td', {}, det === undefined ? '' : fix(det)),
        );
  return h(
    'table',
    { class: 'scores' },
    h('caption', {}, `MC dropout (${s.passes} passes, ${s.n} samples) vs one deterministic pass`),
    h(
      'thead',
      {},
      h('tr', {}, h('th'), h('th', { scope: 'col' }, 'MC'), h('th', { scope: 'col' }, 'deterministic')),
    ),
    h(
      'tbody',
      {},
      ...(hasLabels(view)
        ? [
            row('accuracy', 'mc-accuracy', s.accuracy, d.accuracy),
            row('NLL', 'mc-nll', s.nll, d.nll),
            row('ECE', 'ece', s.ece, d.ece),
          ]
        : []),
      row('mean entropy', 'mean-entropy', s.meanEntropy),
      row('mean mutual information', 'mean-mi', s.meanMutualInfo),
      row('mean variance', 'mean-variance', s.meanVariance),
    ),
  );
}

const hasLabels = (view: WireMcView) => view.data?.labelled ?? true;

/** Which engine ran, how much of the graph ran once, and the data with their preprocessing. */
function runFacts(view: WireMcView): HTMLElement {
  const e = view.engine;
  const engine = e
    ? `${e.name}${e.version ? ` ${e.version}` : ''}${e.threads ? `, ${e.threads} thread${e.threads === 1 ? '' : 's'}` : ''}`
    : undefined;
  const d = view.data;
  return h(
    'dl',
    { class: 'facts' },
    engine ? h('dt', {}, 'Engine') : undefined,
    engine ? h('dd', { id: 'engine' }, engine) : undefined,
    h('dt', {}, 'Run once'),
    h(
      'dd',
      { id: 'prefix' },
      view.notes?.length ? view.notes.join(' ') : `${view.prefixLayers} layers before the first dropout`,
    ),
    d ? h('dt', {}, 'Data') : undefined,
    d
      ? h(
          'dd',
          { id: 'data-facts' },
          `${d.name}: ${d.count} samples${d.classNames ? `, ${d.classNames.length} classes` : ''}${d.labelled ? '' : ', unlabelled'}`,
        )
      : undefined,
    d?.preprocessing ? h('dt', {}, 'Preprocessing') : undefined,
    d?.preprocessing ? h('dd', { id: 'preprocessing-used' }, preprocessingText(d.preprocessing)) : undefined,
  );
}

function chart(id: string, title: string): HTMLElement {
  return h('figure', {}, h('figcaption', {}, title), h('div', { id, class: 'chart', role: 'img' }));
}

/**
 * The controls drawn last and the state they were drawn from. A redraw that changes none of it (a run's
 * progress, a resize) keeps them in place, so the keyboard focus, a field being typed in and a Cancel being
 * clicked are not replaced under the user's hand.
 */
let drawn: { key: string; element: HTMLElement } | undefined;

function currentControls(): HTMLElement {
  const key = JSON.stringify([state.settings, state.data, state.preprocessing, state.running]);
  if (drawn?.key !== key) drawn = { key, element: controls() };
  return drawn.element;
}

function render(): void {
  host.setState(state);
  for (const p of plots.splice(0)) p.destroy();
  const app = $('root');
  app.setAttribute('aria-busy', 'false');
  const heading = h('h1', {}, `MC dropout uncertainty${state.model ? `: ${state.model}` : ''}`);
  const form = currentControls();
  // No data picked: the data chooser says why and what to do.
  const status = h(
    'p',
    { id: 'status', class: 'status', role: 'status' },
    state.settings.data ? state.status : '',
  );
  if (form.parentElement === app) {
    // Everything around the kept controls is drawn again.
    while (app.firstChild !== form) app.firstChild?.remove();
    while (form.nextSibling) form.nextSibling.remove();
    app.prepend(heading);
    app.append(status);
  } else app.replaceChildren(heading, form, status);
  if (state.noStochasticLayer) {
    const add = button('Add dropout after the first hidden layer', { id: 'add-dropout' }, () =>
      host.post({ type: 'addDropout' }),
    );
    app.append(
      h(
        'div',
        { class: 'notice', role: 'alert' },
        h(
          'p',
          {},
          'This model has no stochastic layer, so every MC pass is the same (rule mc-no-stochastic-layer).',
        ),
        add,
      ),
    );
  }
  const view = state.view;
  if (!view) return;
  const s = view.summary;
  if (view.trained)
    app.append(
      h(
        'p',
        { class: 'note' },
        'The model had no weights sidecar: it was trained first with its own training spec.',
      ),
    );
  app.append(runFacts(view), scores(view));
  if (view.grid)
    app.append(
      h('h2', {}, 'Uncertainty over the plane'),
      uncertaintyMaps(view.grid, s.classes),
      h(
        'p',
        { class: 'note' },
        `Each cell: ${s.passes} passes at its centre (masks of its own). Dots: the evaluated points in their label's colour${state.model?.endsWith('.nn.json') ? ', on standardised axes' : ''}.`,
      ),
    );
  // Without labels nothing is right or wrong: one histogram each, no reliability or rejection curve.
  const known = hasLabels(view);
  const versus = known ? ', correct vs wrong' : '';
  app.append(
    h(
      'div',
      { class: 'grid' },
      chart('entropy-chart', `Predictive entropy${versus}`),
      chart('mi-chart', `Mutual information (BALD)${versus}`),
      known ? chart('reliability-chart', `Reliability (15 bins), ECE ${fix(s.ece)}`) : undefined,
      known ? chart('rejection-chart', 'Accuracy after rejecting the most uncertain') : undefined,
      chart('convergence-chart', 'Convergence as passes accumulate'),
    ),
    h('h2', {}, 'Most uncertain samples (class probabilities; ticks: single passes)'),
    h(
      'ol',
      { class: 'samples', id: 'samples' },
      ...view.uncertain.map((u, i) => sampleItem(u, view.featureShape, i, view.data)),
    ),
  );
  const split = (values: number[]) =>
    known
      ? correctVsWrong(values)
      : [
          {
            label: 'all samples',
            color: themeColour('--vscode-charts-blue', '#3794ff'),
            points: values.map((v) => [v, 0] as [number, number]),
          },
        ];
  const correct = s.correct ?? [];
  const correctVsWrong = (values: number[]) => [
    {
      label: 'correct',
      color: themeColour('--vscode-charts-green', '#89d185'),
      points: values.filter((_, i) => correct[i]).map((v) => [v, 0] as [number, number]),
    },
    {
      label: 'wrong',
      color: themeColour('--vscode-charts-red', '#f14c4c'),
      points: values.filter((_, i) => !correct[i]).map((v) => [v, 0] as [number, number]),
    },
  ];
  const conv = state.convergence;
  const maxE = Math.max(1e-9, ...conv.map((c) => c[1]));
  const maxV = Math.max(1e-12, ...conv.map((c) => c[2]));
  plots = [
    histogram($('entropy-chart'), split(s.entropy), Math.log(s.classes), 20, 'entropy (nats)'),
    histogram(
      $('mi-chart'),
      split(s.mutualInfo),
      Math.max(1e-3, ...s.mutualInfo),
      20,
      'mutual information (nats)',
    ),
    ...(known
      ? [
          reliabilityDiagram($('reliability-chart'), s.bins, s.ece),
          lines(
            $('rejection-chart'),
            [
              {
                label: 'accuracy',
                color: themeColour('--vscode-charts-blue', '#3794ff'),
                points: s.rejection.map((r) => [r.fraction, r.accuracy]),
              },
            ],
            1,
            1,
            'fraction rejected',
            'accuracy',
          ),
        ]
      : []),
    lines(
      $('convergence-chart'),
      [
        {
          label: 'mean entropy',
          color: themeColour('--vscode-charts-orange', '#d18616'),
          points: conv.map((c) => [c[0], c[1] / maxE]),
        },
        {
          label: 'mean variance',
          color: themeColour('--vscode-charts-purple', '#b180d7'),
          points: conv.map((c) => [c[0], c[2] / maxV]),
        },
      ],
      view.passesRequested,
      1,
      'passes',
      'relative to max',
    ),
  ];
}

host.onMessage((m) => {
  state = apply(state, m);
  render();
});
// Charts and maps read theme colours when drawn: redraw when the theme changes.
onThemeChange(render);
window.addEventListener('resize', () => render());
render();
host.post({ type: 'ready' });
