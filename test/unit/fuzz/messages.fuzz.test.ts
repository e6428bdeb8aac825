// Fuzzes every message handler across a process boundary: the worker's (extension → worker), the
// extension's for each webview (webview → extension), each webview's for the extension's messages (the
// pure validate-and-fold functions the pages run), the layout worker's, and the worker host's. Inputs are
// random values and real messages with one value replaced by a hostile one. A handler must never throw:
// a message is either accepted and handled, or rejected.
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import type { DataOffer } from '../../../src/protocol/data-choice';
import { parseToMcPanel, parseFromMcPanel, type ToMcPanel } from '../../../src/protocol/mc-panel';
import {
  isFromModelView,
  isToModelView,
  type LayerRow,
  type ToModelView,
} from '../../../src/protocol/model-view';
import { parseFromTrainPanel, parseToTrainPanel, type ToTrainPanel } from '../../../src/protocol/train-panel';
import { isFromWorker, parseToWorker } from '../../../src/protocol/worker';
import type { FromWorker, WireMcView } from '../../../src/protocol/worker';
import { createDispatcher } from '../../../src/worker/dispatch';
import type { JOB_HANDLERS } from '../../../src/worker/jobs';
import { apply as applyMc, initialMcState } from '../../../webview/mc/view-state';
import { toCsv, toMarkdown } from '../../../webview/model/export';
import { SORT_KEYS, visibleRows, worstFinding } from '../../../webview/model/table-model';
import { apply as applyTrain, initialState } from '../../../webview/train/view-state';
import { RUNS, runs, withinTimeLimit, FUZZ_TIMEOUT_MS } from './fuzz-support';
import { tally } from './tally';
import { graphLayout } from '../../../src/worker/wire-layout';

/** Values a hostile or broken peer might put where a real one belongs. */
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    undefined,
    true,
    0,
    -1,
    0.5,
    Number.NaN,
    Infinity,
    -Infinity,
    2 ** 53,
    1e308,
    '',
    '../../etc/passwd',
    'x'.repeat(100_000),
    [],
    {},
    [null],
    new Uint8Array(3),
    // Structured clone carries these too: an object that cannot become a string, a BigInt, an object
    // without a prototype.
    { toString: false },
    10n,
    Object.create(null) as unknown,
  ),
  fc.anything({ maxDepth: 3 }),
  fc.integer({ min: 1, max: 5_000 }).map((n) => Array.from({ length: n }, () => 1)),
  fc.integer({ min: 1, max: 2_000 }).map((n) => JSON.parse('['.repeat(n) + ']'.repeat(n)) as unknown),
);

type Path = (string | number)[];

function paths(value: unknown, at: Path = []): Path[] {
  const here: Path[] = [at];
  if (value instanceof Uint8Array) return here;
  if (Array.isArray(value)) return here.concat(...value.map((v, i) => paths(v, [...at, i])));
  if (value !== null && typeof value === 'object')
    return here.concat(...Object.entries(value).map(([k, v]) => paths(v, [...at, k])));
  return here;
}

/** A copy of `value` with the value at `path` replaced (a structured clone keeps typed arrays). */
function replaced(value: unknown, path: Path, by: unknown): unknown {
  if (path.length === 0) return by;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  parent[path[path.length - 1] as string | number] = by;
  return copy;
}

interface Handler {
  name: string;
  /** Real messages of this channel; each must be accepted. */
  seeds: unknown[];
  /** Validates and handles one message; true when it was accepted. Must never throw. */
  handle(message: unknown): boolean | Promise<boolean>;
}

async function fuzzHandler(h: Handler): Promise<void> {
  const one = async (message: unknown, kind: string) => {
    const started = performance.now();
    let accepted: boolean;
    try {
      accepted = await h.handle(message);
    } catch (e) {
      tally(h.name, kind, `threw ${(e as Error)?.name}`, performance.now() - started);
      throw e;
    }
    tally(h.name, kind, accepted ? 'accepted and handled' : 'rejected', performance.now() - started);
    withinTimeLimit(started, 'the message');
  };
  for (const seed of h.seeds) {
    await one(seed, 'real message');
    assert.ok(await h.handle(seed), `${h.name} accepts ${JSON.stringify(seed)?.slice(0, 100)}`);
  }
  const mutated = fc
    .constantFrom(...h.seeds)
    .chain((seed) => fc.tuple(fc.constant(seed), fc.constantFrom(...paths(seed)), hostile))
    .map(([seed, path, by]) => replaced(seed, path, by));
  await fc.assert(
    fc.asyncProperty(mutated, (m) => one(m, 'real message, one value hostile')),
    runs(0.6),
  );
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.anything(), hostile), (m) => one(m, 'random value')),
    runs(0.4),
  );
}

const flush = () => new Promise((r) => setImmediate(r));

/** The worker's handler with jobs that answer at once: every start gets exactly one reply. */
function workerHandler(): Handler {
  const posted: FromWorker[] = [];
  const started: string[] = [];
  const job = (kind: string) => async () => {
    started.push(kind);
    return {};
  };
  const handlers = {
    lint: job('lint'),
    train: job('train'),
    evaluate: job('evaluate'),
    model: job('model'),
    mc: job('mc'),
    modelInput: job('modelInput'),
  } as unknown as typeof JOB_HANDLERS;
  const dispatch = createDispatcher(
    (m) => posted.push(m),
    handlers,
    () => undefined,
  );
  const config = { rules: { 'consecutive-dropout': 'off' } };
  return {
    name: 'worker ← extension (start/cancel)',
    seeds: [
      { type: 'start', jobId: 1, kind: 'lint', request: { files: ['a.onnx', 'b/model.json'], config } },
      {
        type: 'start',
        jobId: 2,
        kind: 'train',
        maxFileBytes: 2 ** 31,
        request: {
          model: '/w/m.nn.json',
          data: 'builtin:moons',
          labelColumn: 'label',
          epochs: 3,
          seed: 1,
          experiment: { kind: 'sweep', rates: [0, 0.3] },
          boundary: { size: 40, every: 1 },
        },
      },
      {
        type: 'start',
        jobId: 3,
        kind: 'evaluate',
        request: { model: 'm.nn.json', seed: 2, weights: { w: [1, 2] } },
      },
      {
        type: 'start',
        jobId: 4,
        kind: 'model',
        request: { path: 'm.onnx', bytes: new Uint8Array(4), config },
      },
      {
        type: 'start',
        jobId: 5,
        kind: 'mc',
        request: {
          model: 'm.onnx',
          data: '/w/d.csv',
          labelColumn: 'y',
          passes: 30,
          seed: 0,
          masks: 'fresh',
          weights: 'w.bin',
          train: true,
        },
      },
      { type: 'start', jobId: 6, kind: 'modelInput', request: { model: 'm.onnx' } },
      { type: 'cancel', jobId: 7 },
    ],
    async handle(message) {
      posted.length = 0;
      started.length = 0;
      dispatch(message);
      await flush();
      const parsed = parseToWorker(message);
      if ('error' in parsed) {
        assert.equal(started.length, 0, 'no job starts on a malformed message');
        assert.equal(
          posted.length,
          parsed.jobId === undefined ? 0 : 1,
          'one error reply when it has a job id',
        );
        if (posted[0]) assert.equal(posted[0].type, 'error');
        return false;
      }
      if (parsed.message.type === 'cancel') assert.equal(posted.length, 0);
      else {
        assert.deepEqual(started, [parsed.message.kind]);
        assert.deepEqual(
          posted.map((p) => p.type),
          ['done'],
        );
      }
      return true;
    },
  };
}

const dataOffer: DataOffer = {
  choices: [
    { spec: '/w/d.csv', label: 'd.csv', kind: 'csv', features: 1, columns: ['a', 'label'] },
    { spec: 'builtin:moons', label: 'moons', kind: 'synthetic', features: 2 },
  ],
  selected: '/w/d.csv',
  labelColumn: 'label',
};

const imagePreprocessing = {
  height: 16,
  width: 16,
  channels: 3 as const,
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
  layout: 'nchw' as const,
};

/** An MC run on a folder of images: engine, notes, data facts, progress and a thumbnail. */
const imageView = (base: WireMcView): WireMcView => ({
  ...base,
  engine: { name: 'onnxruntime-node', version: '1.30.0', threads: 2 },
  notes: ['prefix: 12 of 15 nodes run once per input'],
  data: {
    name: 'images',
    count: 2,
    labelled: false,
    classNames: ['a', 'b', 'c'],
    preprocessing: imagePreprocessing,
  },
  progress: {
    batch: 0,
    batches: 1,
    samplesDone: 0,
    samples: 2,
    batchSamples: 2,
    passesDone: 10,
    passes: 30,
    fraction: 1 / 3,
    elapsedMs: 100,
  },
  uncertain: base.uncertain.map((u) => ({
    ...u,
    features: [],
    name: 'a/x.png',
    thumbnail: { width: 2, height: 1, rgba: 'AAAAAAAAAAA=' },
  })),
});

const mcView: WireMcView = {
  passesRequested: 30,
  summary: {
    accuracy: 0.9,
    nll: 0.3,
    ece: 0.05,
    passes: 10,
    n: 2,
    classes: 3,
    meanEntropy: 0.4,
    meanMutualInfo: 0.1,
    meanVariance: 0.01,
    bins: [{ lo: 0, hi: 1, count: 2, confidence: 0.8, accuracy: 1 }],
    rejection: [{ fraction: 0.5, kept: 1, accuracy: 1 }],
    entropy: [0.3, 0.5],
    mutualInfo: [0.1, 0.1],
    correct: [true, false],
  },
  uncertain: [
    {
      index: 1,
      label: 0,
      pred: 2,
      mean: [0.2, 0.3, 0.5],
      entropy: 0.5,
      mutualInfo: 0.1,
      variance: [0.01, 0.02, 0.01],
      features: [1, 2],
      passes: [[0.2, 0.3, 0.5]],
    },
  ],
  deterministic: { accuracy: 1, nll: 0.2, ece: 0.1 },
  trained: false,
  featureShape: [2],
  prefixLayers: 1,
};

const row: LayerRow = {
  id: 'l1',
  index: 0,
  name: 'dropout_1',
  op: 'dropout',
  originalOp: 'Dropout',
  outputShape: '[?, 64]',
  params: 0,
  dropout: [
    {
      variant: 'standard',
      rate: 0.5,
      keep: 0.5,
      scaling: 'inverted',
      mode: 'train-only',
      noiseShape: '[1, 64]',
    },
  ],
  findings: [{ rule: 'dropout-on-logits', severity: 'warning', message: 'm' }],
  inputs: ['l0'],
  attributes: [['rate', '0.5']],
  range: { offset: 3, length: 10 },
};
const twoRows = [row, { ...row, id: 'l2', index: 1, dropout: [], findings: [], inputs: ['l1'] }];

const HANDLERS: Handler[] = [
  workerHandler(),
  {
    name: 'extension ← worker (replies)',
    seeds: [
      { type: 'progress', jobId: 1, progress: { done: 1, total: 2 } },
      { type: 'done', jobId: 1, result: { files: 1 } },
      { type: 'cancelled', jobId: 2 },
      { type: 'error', jobId: 3, message: 'm.onnx: bad' },
    ],
    handle: isFromWorker,
  },
  {
    name: 'Train panel ← webview',
    seeds: [
      { type: 'ready' },
      { type: 'cancel' },
      { type: 'browse' },
      {
        type: 'run',
        experiment: 'sweep',
        data: 'builtin:moons',
        epochs: 10,
        seed: 1,
        labelColumn: 'y',
        rates: [0.1, 0.5],
      },
      { type: 'save', kind: 'onnx', run: 'dropout' },
    ],
    handle: (m) => parseFromTrainPanel(m) !== undefined,
  },
  {
    name: 'MC panel ← webview',
    seeds: [
      { type: 'ready' },
      { type: 'cancel' },
      { type: 'addDropout' },
      { type: 'browse', target: 'file' },
      { type: 'browse', target: 'folder' },
      { type: 'run', settings: { passes: 30, seed: 1, masks: 'consistent', data: 'builtin:iris' } },
      {
        type: 'run',
        settings: {
          passes: 30,
          seed: 1,
          masks: 'fresh',
          data: '/w/images',
          preprocessing: imagePreprocessing,
        },
      },
      {
        type: 'run',
        settings: { passes: 30, seed: 1, masks: 'fresh', data: '/w/d.csv', labelColumn: 'label' },
      },
    ],
    handle: (m) => parseFromMcPanel(m) !== undefined,
  },
  {
    name: 'model view ← webview',
    seeds: [
      { type: 'ready' },
      { type: 'reveal', layerId: 'l1' },
      { type: 'selected', layerId: 'l1' },
      { type: 'export', kind: 'csv', content: 'a,b\n' },
    ],
    handle: isFromModelView,
  },
  {
    name: 'Train webview ← extension',
    seeds: [
      {
        type: 'init',
        model: { name: 'm', path: '/w/m.nn.json', epochs: 20, seed: 0 },
        data: dataOffer,
      },
      { type: 'data', data: { choices: dataOffer.choices, message: 'No data with 32 features' } },
      { type: 'experiment', experiment: 'compare' },
      {
        type: 'progress',
        run: 'dropout',
        runs: ['dropout', 'no-dropout'],
        epoch: 1,
        epochs: 3,
        batch: 2,
        batches: 5,
        metrics: { epoch: 1, trainLoss: 0.5, trainAcc: 0.8, valLoss: null, valAcc: 0.7 },
        setup: {
          data: 'builtin:moons',
          trainRows: 80,
          valRows: 20,
          classes: 2,
          features: 2,
          maxRate: 0.5,
          optimizer: { type: 'adam', learningRate: 0.01 },
          seed: 1,
        },
        boundary: {
          size: 2,
          extent: [-1, 1, -1, 1],
          cls: [0, 1, 1, 0],
          prob: [0.9, 0.8, 0.7, 0.6],
          points: [[0, 0, 1]],
        },
      },
      {
        type: 'runDone',
        run: 'dropout',
        seconds: 1.5,
        cancelled: false,
        hints: [{ kind: 'underfitting-with-dropout', run: 'dropout', message: 'lower the rate' }],
      },
      { type: 'experimentDone', cancelled: true },
      { type: 'notice', level: 'error', message: 'no data' },
    ] satisfies ToTrainPanel[],
    handle(m) {
      const parsed = parseToTrainPanel(m);
      if (!parsed) return false;
      const running = applyTrain(initialState(), {
        type: 'experiment',
        experiment: 'as-is',
      });
      const next = applyTrain(running, parsed);
      JSON.stringify(next); // what setState stores
      return true;
    },
  },
  {
    name: 'MC webview ← extension',
    seeds: [
      { type: 'model', name: 'm.onnx', path: 'models/m.onnx', file: '/w/models/m.onnx', running: false },
      { type: 'data', data: dataOffer, browsed: true },
      {
        type: 'preprocessing',
        offer: {
          current: imagePreprocessing,
          default: imagePreprocessing,
          imagenet: { mean: imagePreprocessing.mean, std: imagePreprocessing.std },
          inputShape: [3, 16, 16],
        },
      },
      { type: 'partial', view: imageView(mcView) },
      {
        type: 'running',
        settings: { passes: 30, seed: 0, masks: 'fresh', data: 'builtin:moons' },
        training: true,
      },
      { type: 'training', epoch: 2, epochs: 10 },
      { type: 'partial', view: mcView },
      { type: 'done', view: mcView },
      { type: 'cancelled' },
      { type: 'error', message: 'no dropout', noStochasticLayer: true },
    ] satisfies ToMcPanel[],
    handle(m) {
      const parsed = parseToMcPanel(m);
      if (!parsed) return false;
      JSON.stringify(applyMc(initialMcState(), parsed));
      return true;
    },
  },
  {
    name: 'model webview ← extension',
    seeds: [
      {
        type: 'model',
        uri: 'file:///w/m.onnx',
        version: 3,
        model: {
          fileName: 'm.onnx',
          fileSize: 1234,
          format: 'onnx',
          name: 'm',
          meta: [['producer', 'pytorch']],
          inputs: [{ name: 'x', shape: '[?, 64]', dtype: 'float32' }],
          outputs: [{ name: 'y', shape: '[?, 10]' }],
          params: 100,
          trainableParams: 100,
          shapes: { known: 1, layers: 1 },
          rows: twoRows,
          layout: graphLayout(twoRows),
        },
      },
      { type: 'error', uri: 'file:///w/m.onnx', fileName: 'm.onnx', message: 'bad' },
      { type: 'saved', path: '/w/layers.csv' },
    ] satisfies ToModelView[],
    handle(m) {
      if (!isToModelView(m)) return false;
      if (m.type === 'model') {
        for (const key of SORT_KEYS) {
          const rows = visibleRows(m.model.rows, 'drop', { key, descending: key === 'params' });
          toCsv(rows);
          toMarkdown(m.model, rows);
        }
        m.model.rows.forEach(worstFinding);
      }
      return true;
    },
  },
];

describe(`fuzz: message handlers (${RUNS} inputs each)`, function () {
  this.timeout(FUZZ_TIMEOUT_MS);
  for (const h of HANDLERS) it(h.name, () => fuzzHandler(h));
});
