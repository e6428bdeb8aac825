// An ONNX file as an McModel on onnxruntime-node: the in-memory MC and inference copies of the model
// (model-copies.ts), split into the deterministic prefix, run once per batch of inputs, and the rest,
// run once per pass at the same batch size (prefix-split.ts). When nothing can be split off, the whole
// graph runs per pass. Sessions are created on first use and released by dispose().
import { onnx } from 'onnx-proto';
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { EngineError } from '../../engine/engine-error';
import { dataSampleShape, outputActivation, wholeInputSample } from '../../engine/mc/graph';
import { McNoStochasticLayerError, type McOptions, type McPasses, type PassSpan } from '../../engine/mc/mc';
import { outputKindOf, type OutputKind } from '../../engine/mc/output-kind';
import type { McEngine, McModel } from '../../engine/mc/runtime';
import { softmaxRows } from '../../engine/layers/activations';
import { sizeOf, type Tensor } from '../../engine/tensor';
import type { ModelSource } from '../../formats/reader';
import { dtypeName, int64 } from '../../formats/onnx/tensors';
import type { Graph } from '../../model/ir';
import { loadOrt, type OrtModule } from './load-ort';
import { modelCopies, type ModelCopies } from './model-copies';
import { ortError } from './ort-error';
import { integerInput, isIntegerInput } from './integer-input';
import { extractModel, splitAtRandom, type PrefixSplit } from './prefix-split';

export interface OnnxRuntimeOptions {
  /** onnxruntime's intra-op threads (default 1). */
  threads?: number;
  /** Run the whole graph every pass, no prefix split: what the split is checked and measured against. */
  wholeGraph?: boolean;
  /** The data's sample shape: fills the input's free dimensions (a sequence of any length). */
  inputShape?: number[];
}

type Feeds = Record<string, OrtTensor>;

const DTYPES = new Map(Array.from({ length: 16 }, (_, i) => [dtypeName(i + 1), i + 1]));

/** A rest-model input typed as the prefix session says its output is. */
function valueInfo(meta: InferenceSession.ValueMetadata): onnx.IValueInfoProto {
  if (!meta.isTensor) throw new EngineError(`the prefix hands on "${meta.name}", which is not a tensor`);
  const dim = meta.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return {
    name: meta.name,
    type: { tensorType: { elemType: DTYPES.get(meta.type) ?? 0, shape: { dim } } },
  };
}

export async function openOnnxRuntimeModel(
  source: ModelSource,
  graph: Graph,
  options: OnnxRuntimeOptions = {},
): Promise<McModel> {
  const inputShape = dataSampleShape(graph, options.inputShape);
  const threads = Math.max(1, Math.floor(options.threads ?? 1));
  const ort = await loadOrt();
  const copies = await modelCopies(source, graph);
  if (copies.dropouts === 0) throw new McNoStochasticLayerError();
  const main = copies.inference.graph as onnx.IGraphProto;
  const input = main.input?.find((v) => v.name === graph.inputs[0]?.name) as onnx.IValueInfoProto;
  const output = (main.output ?? [])[0] as onnx.IValueInfoProto;
  const notes = [...copies.notes];
  if ((main.output ?? []).length > 1) notes.push(`MC runs on the first output, "${output.name}"`);
  let split: PrefixSplit | undefined;
  try {
    split = splitAtRandom(copies.mc(0).graph as onnx.IGraphProto, output.name ?? '');
  } catch (e) {
    if (e instanceof EngineError) throw new McNoStochasticLayerError();
    throw e;
  }
  if (options.wholeGraph) split = undefined;
  notes.push(
    split
      ? `prefix: ${split.prefixNodes} of ${split.prefixNodes + split.restNodes} nodes run once per batch of inputs, ${split.restNodes} per pass`
      : options.wholeGraph
        ? 'whole graph per pass, as asked'
        : 'whole graph per pass: a random node reads the model input, so nothing runs once',
  );
  const model = new OnnxRuntimeModel(ort, {
    file: source.path,
    inputShape,
    threads,
    copies,
    input,
    output,
    split,
    notes,
    activation: outputActivation(graph),
    wholeInput: wholeInputSample(graph),
  });
  // The inference sessions now, so a model onnxruntime cannot load is reported when it is opened.
  await model.load().catch(async (e: unknown) => {
    await model.dispose();
    throw e;
  });
  return model;
}

interface Parts {
  file: string;
  inputShape: number[];
  threads: number;
  copies: ModelCopies;
  input: onnx.IValueInfoProto;
  output: onnx.IValueInfoProto;
  split: PrefixSplit | undefined;
  notes: string[];
  /** The activation the output ends in: softmax gives probabilities, one sigmoid unit a binary classifier. */
  activation: string | undefined;
  /** One sample is the whole input tensor (wholeInputSample): fed one at a time, in its declared shape. */
  wholeInput: boolean;
}

class OnnxRuntimeModel implements McModel {
  readonly engine: McEngine;
  readonly inputShape: number[];
  readonly notes: string[];
  private readonly file: string;
  private readonly copies: ModelCopies;
  private readonly input: onnx.IValueInfoProto;
  private readonly output: onnx.IValueInfoProto;
  private readonly split: PrefixSplit | undefined;
  private readonly activation: string | undefined;
  private readonly sessions = new Map<string, Promise<InferenceSession>>();
  /** The prefix outputs of the last rows run (deterministic and passes usually get the same rows). */
  private lastPrefix: { x: Tensor['data']; blocks: Feeds[] } | undefined;
  /** The model's fixed batch size, when its input declares one (then rows run in blocks of it). */
  private readonly batch: number | undefined;
  private readonly wholeInput: boolean;

  constructor(
    private readonly ort: OrtModule,
    parts: Parts,
  ) {
    ({
      file: this.file,
      inputShape: this.inputShape,
      copies: this.copies,
      input: this.input,
      output: this.output,
      split: this.split,
      notes: this.notes,
      activation: this.activation,
      wholeInput: this.wholeInput,
    } = parts);
    this.engine = { name: 'onnxruntime-node', version: ort.env.versions.node, threads: parts.threads };
    const declared = this.input.type?.tensorType?.shape?.dim ?? [];
    const batch = this.wholeInput ? 1 : int64(declared[0]?.dimValue);
    this.batch = batch > 0 ? batch : undefined;
    if (this.wholeInput)
      this.notes.push(
        `one sample per run: the input [${this.inputShape.join(', ')}] has no batch axis first, the output does`,
      );
    else if (this.batch) this.notes.push(`rows run in blocks of ${this.batch}, the model's fixed batch size`);
  }

  private async create(model: onnx.IModelProto): Promise<InferenceSession> {
    const bytes = onnx.ModelProto.encode(model as onnx.ModelProto).finish();
    try {
      return await this.ort.InferenceSession.create(bytes, {
        intraOpNumThreads: this.engine.threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        logSeverityLevel: 3,
        // Idle pool threads sleep instead of spinning: the editor, the worker's other jobs and the
        // user's programs share the cores, and spinning threads then starve the ones doing the work.
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      });
    } catch (e) {
      throw ortError(e, this.file, 'load the model');
    }
  }

  /** A session made once per key (and per seed for the MC one). */
  private session(key: string, make: () => Promise<onnx.IModelProto>): Promise<InferenceSession> {
    let session = this.sessions.get(key);
    if (!session) {
      session = make().then((model) => this.create(model));
      this.sessions.set(key, session);
      session.catch(() => this.sessions.delete(key));
    }
    return session;
  }

  private prefixSession(): Promise<InferenceSession> {
    const split = this.split as PrefixSplit;
    const outputs = split.handedOn.filter((name) => name !== this.input.name).map((name) => ({ name }));
    return this.session('prefix', async () => extractModel(this.copies.inference, [this.input], outputs));
  }

  async load(): Promise<void> {
    await this.tail('inference');
  }

  /**
   * The rest (or the whole graph) of the MC copy for `seed`, or of the inference copy. One MC session per
   * seed, kept until dispose(): a run's main passes and its grid's (seed + 1) use theirs side by side.
   */
  private tail(kind: 'mc' | 'inference', seed = 0): Promise<InferenceSession> {
    return this.session(kind === 'mc' ? `mc:${seed}` : kind, async () => {
      const model = kind === 'mc' ? this.copies.mc(seed) : this.copies.inference;
      if (!this.split) return model;
      const prefix = await this.prefixSession();
      const typed = new Map(prefix.outputMetadata.map((m) => [m.name, valueInfo(m)]));
      const inputs = this.split.handedOn.map((name) => typed.get(name) ?? this.input);
      return extractModel(model, inputs, [this.output]);
    });
  }

  private async run(session: InferenceSession, feeds: Feeds): Promise<Record<string, OrtTensor>> {
    try {
      return await session.run(feeds);
    } catch (e) {
      throw ortError(e, this.file, 'run the model');
    }
  }

  /**
   * Rows `from`..`from + rows` of `x` as the input's element type (an integer type for token ids, each
   * value checked by integerInput), padded with copies of the last row.
   */
  private inputTensor(x: Tensor, from: number, rows: number): OrtTensor {
    const width = sizeOf(x.shape.slice(1));
    const n = x.shape[0] as number;
    const count = Math.min(rows, n - from);
    const padded = new Float32Array(rows * width);
    padded.set(x.data.subarray(from * width, (from + count) * width));
    for (let r = count; r < rows; r++) padded.copyWithin(r * width, (count - 1) * width, count * width);
    const dims = this.wholeInput ? x.shape.slice(1) : [rows, ...x.shape.slice(1)];
    const type = dtypeName(this.input.type?.tensorType?.elemType) as OrtTensor.Type;
    return isIntegerInput(type)
      ? new this.ort.Tensor(
          type,
          integerInput(padded, type, { input: this.input.name ?? '', file: this.file, first: from, width }),
          dims,
        )
      : new this.ort.Tensor('float32', padded, dims);
  }

  /**
   * What the tail reads for the rows of `x`, one feed set per block of rows (the model's fixed batch
   * size, or all n rows at once): the prefix outputs, run once per x, and the input.
   */
  private async feeds(x: Tensor): Promise<Feeds[]> {
    if (this.lastPrefix?.x === x.data) return this.lastPrefix.blocks;
    const n = x.shape[0] as number;
    const rows = this.batch ?? n;
    const inputName = this.input.name ?? '';
    const blocks: Feeds[] = [];
    for (let from = 0; from < n; from += rows) {
      const xs = this.inputTensor(x, from, rows);
      if (!this.split) {
        blocks.push({ [inputName]: xs });
        continue;
      }
      const out = await this.run(await this.prefixSession(), { [inputName]: xs });
      const feeds: Feeds = {};
      for (const name of this.split.handedOn)
        feeds[name] = name === inputName ? xs : (out[name] as OrtTensor);
      blocks.push(feeds);
    }
    this.lastPrefix = { x: x.data, blocks };
    return blocks;
  }

  private outputOf(result: Record<string, OrtTensor>): OrtTensor {
    const out = result[this.output.name ?? ''];
    if (!out || out.type !== 'float32')
      throw new EngineError(`${this.file}: the output "${this.output.name}" is not a float32 tensor`);
    return out;
  }

  /**
   * One run of `session` over every block, the outputs of the n real rows written to `into` at `at`; one
   * output unit p becomes the two columns [1 − p, p] (p a sigmoid's, or the unit's sigmoid).
   */
  private async runBlocks(
    session: InferenceSession,
    blocks: Feeds[],
    n: number,
    into: Float32Array,
    at: number,
    kind: OutputKind,
  ) {
    let row = 0;
    for (const feeds of blocks) {
      const out = this.outputOf(await this.run(session, feeds));
      const data = out.data as Float32Array;
      const rows = Math.min(out.dims[0] as number, n - row);
      if (kind.binary) {
        for (let r = 0; r < rows; r++) {
          const v = data[r] as number;
          const p = kind.binary === 'logit' ? 1 / (1 + Math.exp(-v)) : v;
          into[at + 2 * (row + r)] = 1 - p;
          into[at + 2 * (row + r) + 1] = p;
        }
      } else into.set(data.subarray(0, rows * kind.classes), at + row * kind.classes);
      row += rows;
    }
  }

  async deterministic(x: Tensor): Promise<Float32Array> {
    const n = x.shape[0] as number;
    const blocks = await this.feeds(x);
    const session = await this.tail('inference');
    const kind = await this.kind(session, blocks);
    const logits = new Float32Array(n * kind.classes);
    await this.runBlocks(session, blocks, n, logits, 0, kind);
    if (kind.probabilities) return logits;
    const probs = new Float32Array(logits.length);
    softmaxRows(probs, logits, kind.classes);
    return probs;
  }

  async passes(x: Tensor, options: McOptions): Promise<McPasses> {
    if (options.masks === 'consistent')
      throw new EngineError(
        `${this.file}: onnxruntime draws a fresh mask for every sample; one mask per pass ("consistent") runs on the own engine only`,
      );
    const n = x.shape[0] as number;
    const session = await this.tail('mc', options.seed);
    const blocks = await this.feeds(x);
    const kind = await this.kind(session, blocks);
    const classes = kind.classes;
    return {
      base: this.base(x, blocks),
      classes,
      probabilities: kind.probabilities,
      rowBudget: n,
      prefixLayers: this.split?.prefixNodes ?? 0,
      ...(this.split ? { layers: this.split.prefixNodes + this.split.restNodes } : {}),
      // The blocks' feeds hold the prefix output already: each pass feeds those, so nothing is tiled.
      untiled: true,
      forward: async (_tiled: Tensor, span: PassSpan) => {
        const k = span.passes;
        const data = new Float32Array(k * n * classes);
        for (let p = 0; p < k; p++) await this.runBlocks(session, blocks, n, data, p * n * classes, kind);
        return { data, shape: [k * n, classes] };
      },
    };
  }

  /** The prefix output the pass loop tiles: the first float32 row tensor handed on, else the input. */
  private base(x: Tensor, blocks: Feeds[]): Tensor {
    const first = blocks[0] ?? {};
    const rows = this.batch ?? (x.shape[0] as number);
    const name = Object.keys(first).find((k) => first[k]?.type === 'float32' && first[k]?.dims[0] === rows);
    if (!name || name === this.input.name) return x;
    const n = x.shape[0] as number;
    const dims = (first[name] as OrtTensor).dims;
    const width = sizeOf(dims.slice(1));
    const data = new Float32Array(n * width);
    blocks.forEach((b, i) => {
      const part = (b[name] as OrtTensor).data as Float32Array;
      data.set(part.subarray(0, Math.min(rows, n - i * rows) * width), i * rows * width);
    });
    return { data, shape: [n, ...dims.slice(1)] };
  }

  /** The output's kind: its width from the declared shape, else from one deterministic run. */
  private async kind(session: InferenceSession, blocks: Feeds[]): Promise<OutputKind> {
    const meta = session.outputMetadata.find((m) => m.name === this.output.name);
    const dims = meta?.isTensor ? meta.shape.slice(1) : [];
    let width: number;
    if (dims.length > 0 && dims.every((d) => typeof d === 'number')) width = sizeOf(dims as number[]);
    else
      width = sizeOf(
        this.outputOf(await this.run(await this.tail('inference'), blocks[0] ?? {})).dims.slice(1),
      );
    return outputKindOf(width, this.activation);
  }

  async dispose(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    this.lastPrefix = undefined;
    await Promise.all(sessions.map((s) => s.then((x) => x.release()).catch(() => undefined)));
  }
}
