// Which runtime runs MC on a model file: the own engine when it supports every op and the model is small
// (the fast path: it computes the deterministic prefix once and runs in-process), else the field's
// runtime for the format — onnxruntime for ONNX, TensorFlow.js for tfjs layers and graph models. Above
// OWN_ENGINE_MAX_MULTIPLY_ADDS per sample (ImageNet CNNs), the runtimes' tuned and threaded convolutions
// win: AlexNet, 4 images, T = 30 took 29 s on the own engine and 3.8 s on onnxruntime. `engine` forces one (tests compare
// engines). A model no runtime can run gets an EngineError naming the op and node the engine lacks and
// why the other runtime failed; the lint and the model view do not depend on any of this.
import { EngineError } from '../engine/engine-error';
import { unsupportedLayer } from '../engine/graph/run-graph';
import { runsAsGraph } from '../engine/mc/graph';
import { graphMcModel } from '../engine/mc/own-model';
import type { McModel } from '../engine/mc/runtime';
import { layersWeights } from '../formats/keras/weights';
import type { ModelSource } from '../formats/reader';
import { isKerasConfig, type Graph } from '../model/ir';
import { openOnnxRuntimeModel } from './onnxruntime/onnxruntime-model';
import { multiplyAddsPerSample } from '../engine/multiply-adds';
import { openTfjsRuntimeModel } from './tfjs/open';

/**
 * Above this many multiply-adds per sample `auto` prefers the format's runtime to the own engine. The
 * Keras-example CNNs (cifar10_cnn about 20 million) ran as fast on the own engine as on TensorFlow.js;
 * SqueezeNet (about 0.35 billion) and AlexNet (0.7 billion) ran several times faster on onnxruntime.
 */
export const OWN_ENGINE_MAX_MULTIPLY_ADDS = 50e6;

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
  // A Keras file runs as the tfjs layers model it holds: its config and its weights as one shard.
  tfjs: (graph, source, options) => openTfjsRuntimeModel(layersWeights(graph, source).source, graph, options),
};

/** The field's runtime for a format, if there is one. */
function runtimeFor(graph: Graph): 'onnxruntime' | 'tfjs' | undefined {
  if (graph.format === 'onnx') return 'onnxruntime';
  if (isKerasConfig(graph.format) || graph.format === 'tfjs-graph') return 'tfjs';
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
  return open(graph, source, {
    threads: options.threads,
    ...(options.inputShape ? { inputShape: options.inputShape } : {}),
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
  if (engine === 'own') return graphMcModel(graph, source);
  const fallback = runtimeFor(graph);
  if (!lacking) {
    const work = multiplyAddsPerSample(graph);
    if (!fallback || !runtimes[fallback] || work <= OWN_ENGINE_MAX_MULTIPLY_ADDS)
      return graphMcModel(graph, source);
    const millions = `${Math.round(work / 1e6)} million multiply-adds per sample`;
    try {
      const model = await openOn(fallback, graph, source, options, runtimes);
      model.notes.push(
        `${fallback} runs it: ${millions}, where its kernels are faster than the own engine's`,
      );
      return model;
    } catch (e) {
      const model = await graphMcModel(graph, source);
      model.notes.push(
        `the own engine runs it (${millions}): ${fallback} could not: ${(e as Error).message}`,
      );
      return model;
    }
  }
  if (!fallback) throw new EngineError(`${graph.name}: ${lacking}`);
  try {
    return await openOn(fallback, graph, source, options, runtimes);
  } catch (e) {
    throw new EngineError(
      `${graph.name}: ${lacking}, and ${fallback} cannot run it either: ${(e as Error).message}`,
    );
  }
}
