// Train with Dropout panel: the form, live curves, results table, hints and (2-D data) the decision
// boundary. All state lives in one JSON object, saved with setState so a hidden or reloaded panel
// comes back as it was; the extension does the training and sends messages.
import {
  isToTrainPanel,
  runNumbersProblem,
  type FromTrainPanel,
  type ToTrainPanel,
} from '../../src/protocol/train-panel';
import { onThemeChange } from '../shared/chart';
import { connect } from '../shared/host';
import { drawBoundary } from '../shared/boundary';
import { h } from '../shared/dom';
import { wrapFocus } from '../shared/focus';
import { Chart } from './charts';
import { renderControls } from './controls';
import { renderHints, renderTable } from './results';
import { apply, initialState, type RunView, type ViewState } from './view-state';

const host = connect<ToTrainPanel, FromTrainPanel, ViewState>(isToTrainPanel);
let state: ViewState = { ...initialState(), ...host.getState(), running: false };

const app = document.getElementById('root') as HTMLElement;
app.replaceChildren();
app.setAttribute('aria-busy', 'false');
app.setAttribute('aria-live', 'polite');
const section = (id: string, tag = 'section') => {
  const e = document.createElement(tag);
  e.id = id;
  app.append(e);
  return e;
};
const header = section('header', 'header');
const controls = section('controls');
const status = section('status', 'p');
status.setAttribute('role', 'status');
const notice = section('notice', 'p');
const charts = section('charts');
const lossHost = document.createElement('div');
const accHost = document.createElement('div');
// uPlot's legend names each series; what its line style means is said once for both charts.
const lineKey = (style: string, text: string) =>
  h('span', {}, h('span', { class: `line ${style}`, 'aria-hidden': 'true' }), text);
charts.append(
  lossHost,
  accHost,
  h('p', { id: 'line-key' }, lineKey('solid', 'solid: training'), lineKey('dashed', 'dashed: validation')),
);
const boundaryFigure = section('boundary', 'figure');
const canvas = document.createElement('canvas');
canvas.width = canvas.height = 280;
canvas.setAttribute('role', 'img');
const caption = document.createElement('figcaption');
boundaryFigure.append(canvas, caption);
const hints = section('hints');
hints.setAttribute('aria-label', 'Hints');
const table = section('results');
const lossChart = new Chart(lossHost, 'loss');
const accChart = new Chart(accHost, 'acc');

/** Saves the form; rebuilds it only when the data set changes (the label and noise fields depend on it). */
function setForm(form: ViewState['form'], dataChanged: boolean) {
  // Other data: an error about the data before no longer applies.
  state = { ...state, form, notice: dataChanged ? undefined : state.notice };
  host.setState(state);
  if (!dataChanged) return;
  renderForm();
  if (!frame) frame = requestAnimationFrame(render);
}

function renderForm() {
  renderControls(
    controls,
    state,
    setForm,
    (r) => {
      // A number the extension would refuse is named here, instead of a button that does nothing.
      const problem = runNumbersProblem(r);
      if (problem === undefined) return host.post({ type: 'run', ...r });
      state = { ...state, notice: { level: 'error', message: problem } };
      host.setState(state);
      if (!frame) frame = requestAnimationFrame(render);
    },
    () => host.post({ type: 'cancel' }),
    () => host.post({ type: 'browse' }),
  );
}

function renderStatus() {
  const current =
    state.runs.find((r) => r.status === 'running') ?? state.runs.filter((r) => r.epochs.length > 0).at(-1);
  status.dataset.run = current?.name ?? '';
  status.dataset.epoch = String(current?.epochs.length ?? 0);
  status.dataset.running = String(state.running);
  // No data picked: the data chooser says why and what to do; the status line has nothing to add.
  if (!current) status.textContent = !state.model ? 'Loading…' : state.form.data ? 'Pick an experiment.' : '';
  else if (state.running)
    status.textContent = `${current.name}: epoch ${current.epochs.length}/${current.total}`;
  else {
    const count = (s: RunView['status']) => state.runs.filter((r) => r.status === s).length;
    const [done, cancelled, total] = [count('done'), count('cancelled'), state.runs.length];
    status.textContent =
      cancelled > 0
        ? `Cancelled: ${cancelled} of ${total} runs cut short, ${done} finished`
        : `Finished: ${done} of ${total} runs`;
  }
}

let frame = 0;
function render() {
  frame = 0;
  header.textContent = state.model ? `Train with Dropout — ${state.model.name}` : 'Train with Dropout';
  renderStatus();
  notice.textContent = state.notice?.message ?? '';
  notice.className = state.notice?.level ?? '';
  notice.hidden = !state.notice;
  const runs = state.runs.filter((r) => r.epochs.length > 0);
  charts.hidden = runs.length === 0;
  if (runs.length > 0) {
    lossChart.update(state.runs);
    accChart.update(state.runs);
  }
  boundaryFigure.hidden = !state.boundary;
  if (state.boundary) {
    drawBoundary(canvas, state.boundary.grid);
    const text = `Decision boundary of "${state.boundary.run}" after epoch ${state.boundary.epoch} (training points, standardised axes)`;
    caption.textContent = text;
    canvas.setAttribute('aria-label', text);
    boundaryFigure.dataset.epoch = String(state.boundary.epoch);
  }
  renderHints(hints, state.hints);
  renderTable(table, state.runs, state.running, (kind, run) => host.post({ type: 'save', kind, run }));
}

host.onMessage((m) => {
  const wasRunning = state.running;
  state = apply(state, m);
  host.setState(state);
  if (m.type === 'init' || m.type === 'data' || state.running !== wasRunning) renderForm();
  if (!frame) frame = requestAnimationFrame(render);
});
const redraw = () => {
  if (!frame) frame = requestAnimationFrame(render);
};
window.addEventListener('resize', redraw);
// The charts and the boundary take the theme's colours when drawn.
onThemeChange(redraw);

wrapFocus(app);
renderForm();
render();
host.post({ type: 'ready' });
