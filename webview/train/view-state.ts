// The panel's whole state as plain JSON: what `setState` stores and what a restored panel redraws from.
// `apply` folds one message from the extension into it (pure, so the panel can be rebuilt from it).
import { pickIn, type DataOffer, type DataPick } from '../../src/protocol/data-choice';
import type {
  BoundaryGrid,
  EpochMetrics,
  ExperimentKind,
  ModelInfo,
  RunSetup,
  ToTrainPanel,
  TrainHint,
} from '../../src/protocol/train-panel';

export interface RunView {
  name: string;
  epochs: EpochMetrics[];
  /** The epoch being trained and the planned count (for the status line). */
  epoch: number;
  total: number;
  setup?: RunSetup;
  seconds?: number;
  status: 'waiting' | 'running' | 'done' | 'cancelled';
}

export interface ViewState {
  modelPath?: string;
  model?: ModelInfo;
  /** The data the extension offered (undefined until it has). */
  data?: DataOffer;
  form: { data?: string; labelColumn?: string; noise: number; epochs?: number; seed?: number; rates: string };
  experiment?: ExperimentKind;
  running: boolean;
  runs: RunView[];
  /** Training-time hints over the experiment's finished runs (derived by the engine). */
  hints: TrainHint[];
  /** The latest decision grid (2-D data) and the run it belongs to. */
  boundary?: { run: string; epoch: number; grid: BoundaryGrid };
  notice?: { level: 'info' | 'error'; message: string };
}

export const initialState = (): ViewState => ({
  form: { noise: 0.1, rates: '0, 0.1, 0.3, 0.5' },
  running: false,
  runs: [],
  hints: [],
});

/** A new offer: the form keeps the user's data if it is still offered (`current`), else takes the default. */
function withData(state: ViewState, data: DataOffer, current: Partial<DataPick> | undefined): ViewState {
  const pick = pickIn(data, current);
  return { ...state, data, form: { ...state.form, data: pick?.data, labelColumn: pick?.labelColumn } };
}

const waiting = (name: string): RunView => ({ name, epochs: [], epoch: 0, total: 0, status: 'waiting' });

export function apply(state: ViewState, m: ToTrainPanel): ViewState {
  switch (m.type) {
    case 'init':
      return withData({ ...state, model: m.model, modelPath: m.model.path }, m.data, state.form);
    case 'data':
      return withData(state, m.data, undefined);
    case 'experiment':
      return {
        ...state,
        experiment: m.experiment,
        running: true,
        notice: undefined,
        boundary: undefined,
        runs: [],
        hints: [],
      };
    case 'progress':
      return {
        ...state,
        // The worker names the experiment's runs with its first event.
        runs: (m.runs ? m.runs.map(waiting) : state.runs).map((r) =>
          r.name !== m.run
            ? r
            : {
                ...r,
                status: 'running',
                epoch: m.epoch,
                total: m.epochs,
                setup: m.setup ?? r.setup,
                epochs: m.metrics ? [...r.epochs, m.metrics] : r.epochs,
              },
        ),
        boundary: m.boundary ? { run: m.run, epoch: m.epoch, grid: m.boundary } : state.boundary,
      };
    case 'runDone':
      return {
        ...state,
        runs: state.runs.map((r) =>
          r.name === m.run ? { ...r, seconds: m.seconds, status: m.cancelled ? 'cancelled' : 'done' } : r,
        ),
        hints: m.hints,
      };
    case 'experimentDone':
      return { ...state, running: false };
    case 'notice':
      return { ...state, notice: { level: m.level, message: m.message } };
  }
}
