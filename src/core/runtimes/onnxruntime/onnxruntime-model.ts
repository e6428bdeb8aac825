// An ONNX file as an McModel on onnxruntime-node: the in-memory MC and inference copies of the model
// (model-copies.ts), split into the deterministic prefix, run once per batch of inputs, and the rest,
// run once per pass at the same batch size (prefix-split.ts). When nothing can be split off, the whole
// graph runs per pass. Sessions are created on first use and released by dispose().
import { onnx } from 'onnx-proto';
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { EngineError } from '../../engine/engine-error';
import { endsInSoftmax, graphInputShape } from '../../engine/mc/graph';
import { McNoStochasticLayerError, type McOptions, type McPasses } from '../../engine/mc/mc';
import type { McEngine, McModel } from '../../engine/mc/runtime';
import { softmaxRows } from '../../engine/layers/activations';
import { sizeOf, type Tensor } from '../../engine/tensor';
import type { ModelSource } from '../../formats/reader';
import { dtypeName } from '../../formats/onnx/tensors';
import type { Graph } from '../../model/ir';
import { loadOrt, type OrtModule } from './load-ort';
import { modelCopies, type ModelCopies } from './model-copies';
import { ortError } from './ort-error';
import { extractModel, splitAtRandom, type PrefixSplit } from './prefix-split';

export interface OnnxRuntimeOptions {
  /** onnxruntime's intra-op threads (default 1). */
  threads?: number;
  /** Run the whole graph every pass, no prefix split: what the split is checked and measured against. */
  wholeGraph?: boolean;
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
  const inputShape = graphInputShape(graph);
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
  return new OnnxRuntimeModel(ort, {
    file: source.path,
    inputShape,
    threads,
    copies,
    input,
    output,
    split,
    notes,
    probabilities: endsInSoftmax(graph),
  });
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
  /** The output is probabilities already (the graph ends in a softmax). */
  probabilities: boolean;
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
  private readonly probabilities: boolean;
  private readonly sessions = new Map<string, Promise<InferenceSession>>();
  private mcSeed: number | undefined;
  /** The prefix outputs of the last rows run (deterministic and passes usually get the same rows). */
  private lastPrefix: { x: Tensor['data']; feeds: Feeds } | undefined;

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
      probabilities: this.probabilities,
    } = parts);
    this.engine = { name: 'onnxruntime-node', version: ort.env.versions.node, threads: parts.threads };
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

  /** The rest (or the whole graph) of the MC copy for `seed`, or of the inference copy. */
  private async tail(kind: 'mc' | 'inference', seed = 0): Promise<InferenceSession> {
    if (kind === 'mc' && this.mcSeed !== seed) {
      const old = this.sessions.get('mc');
      this.sessions.delete('mc');
      await old?.then((s) => s.release()).catch(() => undefined);
      this.mcSeed = seed;
    }
    return this.session(kind, async () => {
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

  private tensor(x: Tensor): OrtTensor {
    const data = x.data instanceof Float32Array ? x.data : Float32Array.from(x.data);
    return new this.ort.Tensor('float32', data, x.shape);
  }

  /** What the tail reads for the rows of `x`: the prefix outputs (run once per x) and the input. */
  private async feeds(x: Tensor): Promise<Feeds> {
    const inputName = this.input.name ?? '';
    if (!this.split) return { [inputName]: this.tensor(x) };
    if (this.lastPrefix?.x !== x.data) {
      const xs = this.tensor(x);
      const out = await this.run(await this.prefixSession(), { [inputName]: xs });
      const feeds: Feeds = {};
      for (const name of this.split.handedOn)
        feeds[name] = name === inputName ? xs : (out[name] as OrtTensor);
      this.lastPrefix = { x: x.data, feeds };
    }
    return this.lastPrefix.feeds;
  }

  private outputOf(result: Record<string, OrtTensor>): OrtTensor {
    const out = result[this.output.name ?? ''];
    if (!out || out.type !== 'float32')
      throw new EngineError(`${this.file}: the output "${this.output.name}" is not a float32 tensor`);
    return out;
  }

  async deterministic(x: Tensor): Promise<Float32Array> {
    const out = this.outputOf(await this.run(await this.tail('inference'), await this.feeds(x)));
    const logits = out.data as Float32Array;
    if (this.probabilities) return Float32Array.from(logits);
    const probs = new Float32Array(logits.length);
    softmaxRows(probs, logits, sizeOf(out.dims.slice(1)));
    return probs;
  }

  async passes(x: Tensor, options: McOptions): Promise<McPasses> {
    const n = x.shape[0] as number;
    const session = await this.tail('mc', options.seed);
    const feeds = await this.feeds(x);
    // The base the pass loop tiles: the first float32 row tensor handed on (else the input itself).
    const baseName =
      Object.keys(feeds).find((name) => feeds[name]?.type === 'float32' && feeds[name]?.dims[0] === n) ??
      (this.input.name as string);
    const baseFeed = feeds[baseName] ?? this.tensor(x);
    const base: Tensor = { data: baseFeed.data as Float32Array, shape: [...baseFeed.dims] };
    const width = sizeOf(base.shape.slice(1));
    const classes = await this.classes(session, feeds);
    return {
      base,
      classes,
      probabilities: this.probabilities,
      rowBudget: n,
      prefixLayers: this.split?.prefixNodes ?? 0,
      forward: async (tiled: Tensor) => {
        const k = (tiled.shape[0] as number) / n;
        const data = new Float32Array(k * n * classes);
        for (let p = 0; p < k; p++) {
          const rows = tiled.data.subarray(p * n * width, (p + 1) * n * width) as Float32Array;
          const pass = { ...feeds, [baseName]: new this.ort.Tensor('float32', rows, base.shape) };
          const out = this.outputOf(await this.run(session, pass));
          data.set(out.data as Float32Array, p * n * classes);
        }
        return { data, shape: [k * n, classes] };
      },
    };
  }

  /** Classes per row: from the output's declared shape, else from one deterministic run. */
  private async classes(session: InferenceSession, feeds: Feeds): Promise<number> {
    const meta = session.outputMetadata.find((m) => m.name === this.output.name);
    const dims = meta?.isTensor ? meta.shape.slice(1) : [];
    if (dims.length > 0 && dims.every((d) => typeof d === 'number')) return sizeOf(dims as number[]);
    const out = this.outputOf(await this.run(await this.tail('inference'), feeds));
    return sizeOf(out.dims.slice(1));
  }

  async dispose(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    this.lastPrefix = undefined;
    await Promise.all(sessions.map((s) => s.then((x) => x.release()).catch(() => undefined)));
  }
}
