// Messages between the MC-uncertainty panel's webview and the extension. Both sides validate what they
// receive: a webview is a web page and its messages are untrusted input.
import { isDataOffer, parseDataPick, type BrowseTarget, type DataOffer, type DataPick } from './data-choice';
import { isArrayOf, isBool, isInt, isJsonNumber, isObj, isStr, optional } from './guards';
import {
  isImagePreprocessing,
  isPreprocessingOffer,
  parseImagePreprocessing,
  type ImagePreprocessing,
  type PreprocessingOffer,
} from './preprocessing';
import type { WireMcView } from './worker';
import { isBoundary } from './train-panel';

/** Core's plain data the panel draws, named here so the page imports the protocol only. */
export type { McGrid } from '../core/engine/mc/grid';
export type { WireMcSample, WireMcView } from './worker';

/** `data`: one of the data the extension offered ("" until it has offered any). */
export interface McSettings extends DataPick {
  passes: number;
  seed: number;
  masks: 'fresh' | 'consistent';
  /** For a folder of images: how they become model input (the extension checks it against the model). */
  preprocessing?: ImagePreprocessing;
}

export const MC_PASSES = { min: 10, max: 200, default: 30 } as const;

export type ToMcPanel =
  /** `file`: the absolute path (kept in the webview state for the serializer); `running`: a job is under way. */
  | { type: 'model'; name: string; path: string; file: string; running: boolean }
  /** The data chooser's offer; `browsed`: after Browse…, with the file picked selected. */
  | { type: 'data'; data: DataOffer; browsed: boolean }
  /** The preprocessing for images: remembered for this model or guessed from its input shape. */
  | { type: 'preprocessing'; offer: PreprocessingOffer }
  | { type: 'running'; settings: McSettings; training: boolean }
  | { type: 'training'; epoch: number; epochs: number }
  | { type: 'partial'; view: WireMcView }
  | { type: 'done'; view: WireMcView }
  | { type: 'cancelled' }
  | { type: 'error'; message: string; noStochasticLayer: boolean };

export type FromMcPanel =
  | { type: 'run'; settings: McSettings }
  | { type: 'cancel' }
  | { type: 'addDropout' }
  | { type: 'browse'; target: BrowseTarget }
  | { type: 'ready' };

/** The settings if `v` is a valid run request's settings, else undefined. */
function parseSettings(v: unknown): McSettings | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const s = v as Record<string, unknown>;
  const passes = s.passes;
  const seed = s.seed;
  if (
    typeof passes !== 'number' ||
    !Number.isInteger(passes) ||
    passes < MC_PASSES.min ||
    passes > MC_PASSES.max
  )
    return undefined;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) return undefined;
  if (s.masks !== 'fresh' && s.masks !== 'consistent') return undefined;
  // Which data it names, the extension checks against what it offered.
  const pick = parseDataPick(s);
  if (!pick) return undefined;
  // Against the model's input shape, the extension checks it too (it knows the shape).
  const preprocessing = s.preprocessing === undefined ? undefined : parseImagePreprocessing(s.preprocessing);
  if (s.preprocessing !== undefined && !preprocessing) return undefined;
  return { passes, seed, masks: s.masks, ...pick, ...(preprocessing ? { preprocessing } : {}) };
}

/** The page's message if it is well formed (a run's settings copied field by field), else undefined. */
export function parseFromMcPanel(v: unknown): FromMcPanel | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const m = v as Record<string, unknown>;
  if (m.type === 'cancel' || m.type === 'addDropout' || m.type === 'ready') return { type: m.type };
  if (m.type === 'browse')
    return m.target === 'file' || m.target === 'folder' ? { type: 'browse', target: m.target } : undefined;
  if (m.type === 'run') {
    const settings = parseSettings(m.settings);
    return settings ? { type: 'run', settings } : undefined;
  }
  return undefined;
}

/** The extension's message if it is well formed: every field the panel draws from is checked. */
export function parseToMcPanel(v: unknown): ToMcPanel | undefined {
  if (!isObj(v)) return undefined;
  switch (v.type) {
    case 'model':
      return isStr(v.name) && isStr(v.path) && isStr(v.file) && isBool(v.running)
        ? (v as ToMcPanel)
        : undefined;
    case 'data':
      return isDataOffer(v.data) && isBool(v.browsed) ? (v as ToMcPanel) : undefined;
    case 'preprocessing':
      return isPreprocessingOffer(v.offer) ? (v as ToMcPanel) : undefined;
    case 'running':
      return parseSettings(v.settings) && isBool(v.training) ? (v as ToMcPanel) : undefined;
    case 'training':
      return isJsonNumber(v.epoch) && isJsonNumber(v.epochs) ? (v as ToMcPanel) : undefined;
    case 'partial':
    case 'done':
      return isMcView(v.view) ? (v as ToMcPanel) : undefined;
    case 'cancelled':
      return { type: 'cancelled' };
    case 'error':
      return isStr(v.message) && isBool(v.noStochasticLayer) ? (v as ToMcPanel) : undefined;
    default:
      return undefined;
  }
}

export const isToMcPanel = (v: unknown): v is ToMcPanel => parseToMcPanel(v) !== undefined;

const isNumbers = (v: unknown): v is number[] => isArrayOf(v, isJsonNumber);
const hasNumbers = (o: Record<string, unknown>, keys: string[]) => keys.every((k) => isJsonNumber(o[k]));

/** Accuracy, NLL and ECE: all three with labels, none without. */
const isScores = (v: unknown): v is Record<string, unknown> =>
  isObj(v) &&
  (hasNumbers(v, ['accuracy', 'nll', 'ece']) || ['accuracy', 'nll', 'ece'].every((k) => v[k] === undefined));

/** Per-sample arrays agree with `n`: the panel splits them by the `correct` flags. */
const isSummary = (v: unknown) =>
  isScores(v) &&
  hasNumbers(v, ['passes', 'meanEntropy', 'meanMutualInfo', 'meanVariance']) &&
  isInt(v.n, 0, 2 ** 31) &&
  isInt(v.classes, 1, 1_000_000) &&
  isArrayOf(
    v.bins,
    (b): b is object => isObj(b) && hasNumbers(b, ['lo', 'hi', 'count', 'confidence', 'accuracy']),
  ) &&
  isArrayOf(v.rejection, (r): r is object => isObj(r) && hasNumbers(r, ['fraction', 'kept', 'accuracy'])) &&
  isNumbers(v.entropy) &&
  isNumbers(v.mutualInfo) &&
  optional(v.correct, (c) => isArrayOf(c, isBool) && c.length === v.n) &&
  v.entropy.length === v.n &&
  v.mutualInfo.length === v.n;

/** A thumbnail's bytes are its width × height RGBA pixels (base64: 4 characters per 3 bytes). */
const isThumbnail = (v: unknown) =>
  isObj(v) &&
  isInt(v.width, 1, 512) &&
  isInt(v.height, 1, 512) &&
  isStr(v.rgba) &&
  v.rgba.length === 4 * Math.ceil((v.width * v.height * 4) / 3);

const isSample = (v: unknown): v is object =>
  isObj(v) &&
  hasNumbers(v, ['index', 'label', 'pred', 'entropy', 'mutualInfo']) &&
  isNumbers(v.mean) &&
  isNumbers(v.variance) &&
  isNumbers(v.features) &&
  optional(v.classes, isNumbers) &&
  optional(v.passes, (p) => isArrayOf(p, isNumbers)) &&
  optional(v.name, isStr) &&
  optional(v.thumbnail, isThumbnail);

const isEngine = (v: unknown) =>
  isObj(v) && isStr(v.name) && optional(v.version, isStr) && optional(v.threads, (t) => isInt(t, 1, 1024));

const isData = (v: unknown) =>
  isObj(v) &&
  isStr(v.name) &&
  isInt(v.count, 0, 2 ** 31) &&
  isBool(v.labelled) &&
  optional(v.classNames, (c) => isArrayOf(c, isStr)) &&
  optional(v.preprocessing, isImagePreprocessing);

const isProgress = (v: unknown) =>
  isObj(v) &&
  hasNumbers(v, [
    'batch',
    'batches',
    'samplesDone',
    'samples',
    'batchSamples',
    'passesDone',
    'passes',
    'fraction',
    'elapsedMs',
  ]);

const isMcView = (v: unknown) =>
  isObj(v) &&
  isJsonNumber(v.passesRequested) &&
  isSummary(v.summary) &&
  isArrayOf(v.uncertain, isSample) &&
  isScores(v.deterministic) &&
  isBool(v.trained) &&
  isArrayOf(v.featureShape, (d): d is number => isInt(d, 0, 1_000_000)) &&
  isJsonNumber(v.prefixLayers) &&
  optional(v.grid, isGrid) &&
  optional(v.engine, isEngine) &&
  optional(v.notes, (n) => isArrayOf(n, isStr)) &&
  optional(v.data, isData) &&
  optional(v.progress, isProgress);

/** The maps over the plane: a decision grid with an entropy and an MI value per cell. */
const isGrid = (v: unknown) =>
  isBoundary(v) &&
  isNumbers(v.entropy) &&
  isNumbers(v.mutualInfo) &&
  v.entropy.length === v.size * v.size &&
  v.mutualInfo.length === v.entropy.length;
