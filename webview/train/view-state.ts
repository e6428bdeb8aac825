// The panel's whole state as plain JSON: what `setState` stores and what a restored panel redraws from.
// `apply` folds one message from the extension into it (pure, so the panel can be rebuilt from it).
import type {
  BoundaryGrid,
  DataChoice,
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
  choices: DataChoice[];
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
  choices: [],
  form: { noise: 0.1, rates: '0, 0.1, 0.3, 0.5' },
  running: false,
  runs: [],
  hints: [],
});

const waiting = (name: string): RunView => ({ name, epochs: [], epoch: 0, total: 0, status: 'waiting' });

export function apply(state: ViewState, m: ToTrainPanel): ViewState {
  switch (m.type) {
    case 'init':
      return { ...state, model: m.model, modelPath: m.model.path, choices: m.choices };
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
