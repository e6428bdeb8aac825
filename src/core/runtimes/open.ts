// Which runtime runs MC on a model file: the own engine when it supports every op (the fast path: it
// computes the deterministic prefix once and runs in-process), else the field's runtime for the format —
// onnxruntime for ONNX, TensorFlow.js for tfjs layers and graph models. `engine` forces one (tests compare
// engines). A model no runtime can run gets an EngineError naming the op and node the engine lacks and
// why the other runtime failed; the lint and the model view do not depend on any of this.
import { EngineError } from '../engine/engine-error';
import { unsupportedLayer } from '../engine/graph/run-graph';
import { runsAsGraph } from '../engine/mc/graph';
import { graphMcModel } from '../engine/mc/own-model';
import type { McModel } from '../engine/mc/runtime';
import type { ModelSource } from '../formats/reader';
import type { Graph } from '../model/ir';
import { openOnnxRuntimeModel } from './onnxruntime/onnxruntime-model';
import { openTfjsRuntimeModel } from './tfjs/open';

export const ENGINE_CHOICES = ['auto', 'own', 'onnxruntime', 'tfjs'] as const;
export type EngineChoice = (typeof ENGINE_CHOICES)[number];

export interface OpenMcOptions {
  engine?: EngineChoice;
  /** Compute threads for a runtime that takes them (the own engine uses one). */
  threads?: number;
  /** The data's sample shape: fills a model input's free dimensions (TensorFlow.js takes them). */
  inputShape?: number[];
}

/** Opens a model file on a runtime outside the engine. */
export type RuntimeOpener = (
  graph: Graph,
  source: ModelSource,
  options: { threads?: number; inputShape?: number[] },
) => Promise<McModel>;

/** The runtimes outside the engine, by choice name. */
export type RuntimeOpeners = Partial<Record<'onnxruntime' | 'tfjs', RuntimeOpener>>;

const RUNTIMES: RuntimeOpeners = {
  onnxruntime: (graph, source, options) => openOnnxRuntimeModel(source, graph, options),
  tfjs: (graph, source, options) => openTfjsRuntimeModel(source, graph, options),
};

/** The field's runtime for a format, if there is one. */
function runtimeFor(graph: Graph): 'onnxruntime' | 'tfjs' | undefined {
  if (graph.format === 'onnx') return 'onnxruntime';
  if (graph.format === 'tfjs-layers' || graph.format === 'tfjs-graph') return 'tfjs';
  return undefined;
}

async function openOn(
  name: 'onnxruntime' | 'tfjs',
  graph: Graph,
  source: ModelSource,
  options: OpenMcOptions,
  runtimes: RuntimeOpeners,
): Promise<McModel> {
  if (runtimeFor(graph) !== name)
    throw new EngineError(`${graph.name}: ${name} does not run ${graph.format} models`);
  const open = runtimes[name];
  if (!open) throw new EngineError(`${graph.name}: the ${name} runtime is not available in this build`);
  // Only free dimensions take the data's shape: a fixed input keeps its own ([28, 28, 1], not the [784]
  // an array may be saved as).
  const free =
    graph.inputs.length === 1 && (graph.inputs[0]?.shape ?? []).slice(1).some((d) => typeof d !== 'number');
  return open(graph, source, {
    threads: options.threads,
    ...(free ? { inputShape: options.inputShape } : {}),
  });
}

/** The McModel for a model file that brings its weights (ONNX, tfjs layers or graph model). */
export async function openMcModel(
  graph: Graph,
  source: ModelSource,
  options: OpenMcOptions = {},
  runtimes: RuntimeOpeners = RUNTIMES,
): Promise<McModel> {
  const engine = options.engine ?? 'auto';
  if (engine === 'onnxruntime' || engine === 'tfjs') return openOn(engine, graph, source, options, runtimes);
  const lacking = runsAsGraph(graph)
    ? unsupportedLayer(graph)
    : `the engine does not run ${graph.format} models`;
  if (!lacking || engine === 'own') return graphMcModel(graph, source);
  const fallback = runtimeFor(graph);
  if (!fallback) throw new EngineError(`${graph.name}: ${lacking}`);
  try {
    return await openOn(fallback, graph, source, options, runtimes);
  } catch (e) {
    throw new EngineError(
      `${graph.name}: ${lacking}, and ${fallback} cannot run it either: ${(e as Error).message}`,
    );
  }
}
