// Opens a TensorFlow.js model (layers or graph) on TensorFlow.js itself for MC dropout: the runtime for the
// tfjs models the own engine cannot run (any layer tfjs knows: ZeroPadding2D, DepthwiseConv2D, ReLU6 …).
import { EngineError } from '../../engine/engine-error';
import { dataSampleShape } from '../../engine/mc/graph';
import type { McEngine, McModel } from '../../engine/mc/runtime';
import type { ModelSource } from '../../formats/reader';
import type { Graph } from '../../model/ir';
import type { TfjsBackend } from './library';
import { loadTfjs, type TfjsLibrary } from './load-library';
import { modelSourceHandler, parseModelJson } from './model-source-io';
import { TfjsLayersMcModel } from './layers-model';
import { TfjsGraphMcModel } from './graph-model';

export interface TfjsRuntimeOptions {
  /** Compute threads asked for; the WebAssembly backend runs one in Node (said in the notes). */
  threads?: number;
  /** Run a layers model whole every pass, without the deterministic prefix split (tests compare the two). */
  wholeModel?: boolean;
  /** The sample shape the data has, for a model input with free dimensions (a sequence of any length). */
  inputShape?: number[];
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** A layer class tfjs does not know, named with the layers of that class in the file. */
function unknownLayerError(path: string, json: object, e: unknown): EngineError | undefined {
  const cls = /Unknown layer: (\w+)/.exec(messageOf(e))?.[1];
  if (!cls) return undefined;
  const names: string[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      const o = v as { class_name?: unknown; config?: { name?: unknown } };
      if (o.class_name === cls && typeof o.config?.name === 'string') names.push(o.config.name);
      Object.values(v).forEach(visit);
    }
  };
  visit(json);
  const which =
    names.length > 0
      ? `layer "${names[0]}"${names.length > 1 ? ` (and ${names.length - 1} more)` : ''}`
      : 'a layer';
  return new EngineError(
    `${path}: ${which} is of class "${cls}", which TensorFlow.js does not know (a custom layer of the program that made the model); MC dropout cannot run it`,
  );
}

const engineOf = (lib: TfjsLibrary, backend: TfjsBackend): McEngine => ({
  name: backend.name === 'wasm' ? 'tfjs-wasm' : 'tfjs-cpu',
  version: lib.core.version_core,
  threads: backend.threads,
});

/** A kernel the WebAssembly backend lacks shows as "Kernel 'X' not registered for backend 'wasm'". */
const missingKernel = (e: unknown) => /not registered for backend/i.exec(messageOf(e)) !== null;

export async function openTfjsRuntimeModel(
  source: ModelSource,
  graph: Graph,
  options: TfjsRuntimeOptions = {},
): Promise<McModel> {
  const lib = await loadTfjs();
  let backend = await lib.startBackend();
  const json = parseModelJson(source);
  const isGraph = graph.format === 'tfjs-graph' || json.format === 'graph-model';
  const handler = modelSourceHandler(lib, source, json);
  const open = async (): Promise<McModel> => {
    const notes: string[] = [];
    if (backend.fallback) notes.push(`TensorFlow.js on its JS backend: ${backend.fallback}`);
    if ((options.threads ?? 1) > 1)
      notes.push(`${options.threads} threads asked; TensorFlow.js runs one thread in Node`);
    // A constructor that refuses the model leaves its loaded weights to be released here.
    if (isGraph) {
      const model = await lib.converter.loadGraphModel(handler);
      try {
        return new TfjsGraphMcModel(lib, model, json, engineOf(lib, backend), source.path, notes);
      } catch (e) {
        model.dispose();
        throw e;
      }
    }
    let model;
    try {
      model = await lib.layers.loadLayersModel(handler, { strict: true });
    } catch (e) {
      throw unknownLayerError(source.path, json, e) ?? e;
    }
    try {
      return new TfjsLayersMcModel(
        lib,
        model,
        engineOf(lib, backend),
        notes,
        dataSampleShape(graph, options.inputShape),
        options.wholeModel,
      );
    } catch (e) {
      model.dispose();
      throw e;
    }
  };
  let model = await open();
  // One row through the model finds a kernel the WebAssembly backend lacks before the real work starts.
  const probe = {
    data: new Float32Array(model.inputShape.reduce((a, d) => a * d, 1)),
    shape: [1, ...model.inputShape],
  };
  try {
    await model.deterministic(probe);
  } catch (e) {
    await model.dispose();
    if (!(backend.name === 'wasm' && missingKernel(e))) throw wrap(source.path, e);
    backend = await lib.useCpuBackend(
      `the WebAssembly backend lacks a kernel the model needs (${messageOf(e)})`,
    );
    model = await open();
  }
  return model;
}

function wrap(path: string, e: unknown): Error {
  return e instanceof EngineError
    ? e
    : new EngineError(`${path}: TensorFlow.js could not run the model (${messageOf(e)})`);
}
