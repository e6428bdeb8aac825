// The MC panel's state as plain JSON (what `setState` keeps) and `apply`, which folds one message from
// the extension into it. Pure, so it is tested in Node and a restored panel redraws from it.
import { pickIn, type DataOffer } from '../../src/protocol/data-choice';
import { MC_PASSES, type McSettings, type ToMcPanel, type WireMcView } from '../../src/protocol/mc-panel';
import { progressText } from '../../src/protocol/mc-progress';
import type { PreprocessingForm, PreprocessingOffer } from '../../src/protocol/preprocessing';

export interface McViewState {
  settings: McSettings;
  /** The data the extension offered (undefined until it has). */
  data?: DataOffer;
  /** The image preprocessing the extension offered, for a model that takes images. */
  preprocessing?: PreprocessingOffer;
  /** The preprocessing fields' text as the user left it (undefined: the offer's). */
  preprocessingForm?: PreprocessingForm;
  model?: string;
  /** The model's absolute path: the serializer reopens the panel on it after a window reload. */
  file?: string;
  status: string;
  view?: WireMcView;
  /** (passes, mean entropy, mean variance) at each partial result. */
  convergence: [number, number, number][];
  noStochasticLayer?: boolean;
  running: boolean;
}

export const initialMcState = (): McViewState => ({
  settings: { passes: MC_PASSES.default, seed: 0, masks: 'fresh', data: '' },
  status: 'Choose the settings and press Run.',
  convergence: [],
  running: false,
});

function withView(state: McViewState, view: WireMcView): McViewState {
  const s = view.summary;
  const convergence =
    state.convergence.at(-1)?.[0] !== s.passes
      ? [...state.convergence, [s.passes, s.meanEntropy, s.meanVariance] as [number, number, number]]
      : state.convergence;
  return { ...state, view, convergence };
}

export function apply(state: McViewState, m: ToMcPanel): McViewState {
  switch (m.type) {
    case 'model':
      // Saved mid-run, and the run is gone (the window reloaded).
      if (state.running && !m.running)
        return {
          ...state,
          model: m.path,
          file: m.file,
          running: false,
          status: `${state.status} Interrupted: press Run to run again.`,
        };
      return { ...state, model: m.path, file: m.file };
    case 'data': {
      // The user's data stays while offered, except that a file just browsed to takes its place.
      const pick = pickIn(m.data, m.browsed ? undefined : state.settings);
      return {
        ...state,
        data: m.data,
        settings: { ...state.settings, data: pick?.data ?? '', labelColumn: pick?.labelColumn },
      };
    }
    case 'preprocessing':
      return { ...state, preprocessing: m.offer };
    case 'running':
      return {
        ...state,
        running: true,
        noStochasticLayer: false,
        status: `Running ${m.settings.passes} passes…`,
      };
    case 'training':
      return { ...state, status: `No weights sidecar: training first, epoch ${m.epoch} / ${m.epochs}…` };
    case 'partial':
      return {
        ...withView(state, m.view),
        status: m.view.progress
          ? `${progressText(m.view.progress)}…`
          : `${m.view.summary.passes} / ${m.view.passesRequested} passes…`,
      };
    case 'done':
      return {
        ...withView(state, m.view),
        running: false,
        status: `Done: ${m.view.summary.passes} passes (layers before the first dropout computed once: ${m.view.prefixLayers}).`,
      };
    case 'cancelled':
      return { ...state, running: false, status: 'Cancelled.' };
    case 'error':
      return { ...state, running: false, status: m.message, noStochasticLayer: m.noStochasticLayer };
  }
}
