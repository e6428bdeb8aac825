// Lookups over a Graph that rules and views need: producers, consumers, and "what comes next / before"
// looking through shape-only ops (and, when asked, activations or any other ops a rule names), as
// NeuraLint's direct and via-activation rule variants do. Every rule walks the graph with these.
import type { Graph, Layer, LayerOp } from './ir';

const SHAPE_ONLY: ReadonlySet<LayerOp> = new Set(['flatten', 'reshape', 'identity']);

export interface WalkOptions {
  /** Also step over activation layers (not dense/conv with a fused activation: those are real layers). */
  throughActivations?: boolean;
  /** Also step over the layers this accepts: what carries the property a rule follows (e.g. variance). */
  through?: (layer: Layer) => boolean;
}

export class GraphIndex {
  private readonly byId = new Map<string, Layer>();
  private readonly consumers = new Map<string, Layer[]>();
  private readonly outputIds: Set<string>;

  constructor(readonly graph: Graph) {
    for (const layer of graph.layers) {
      this.byId.set(layer.id, layer);
      this.consumers.set(layer.id, []);
    }
    for (const layer of graph.layers) {
      for (const input of layer.inputs) this.consumers.get(input)?.push(layer);
    }
    this.outputIds = new Set(
      graph.outputs.map((o) => o.layerId).filter((id): id is string => id !== undefined),
    );
  }

  layer(id: string): Layer | undefined {
    return this.byId.get(id);
  }

  producersOf(layer: Layer): Layer[] {
    return layer.inputs.map((id) => this.byId.get(id)).filter((l): l is Layer => l !== undefined);
  }

  consumersOf(layer: Layer): Layer[] {
    return this.consumers.get(layer.id) ?? [];
  }

  /** True when the layer's output is one of the graph's outputs. */
  isOutput(layer: Layer): boolean {
    return this.outputIds.has(layer.id);
  }

  /** The layers that read this layer's output, stepping over shape-only ops (and what `options` adds). */
  next(layer: Layer, options: WalkOptions = {}): Layer[] {
    return this.walk(layer, options, (l) => this.consumersOf(l));
  }

  /** The layers this layer reads from, stepping over shape-only ops (and what `options` adds). */
  previous(layer: Layer, options: WalkOptions = {}): Layer[] {
    return this.walk(layer, options, (l) => this.producersOf(l));
  }

  /** True when nothing but shape-only ops (and what `options` adds) lies between the layer and an output. */
  reachesOutputDirectly(layer: Layer, options: WalkOptions = {}): boolean {
    const seen = new Set<string>();
    const stack = [layer];
    while (stack.length > 0) {
      const current = stack.pop() as Layer;
      if (seen.has(current.id)) continue;
      seen.add(current.id);
      if (this.isOutput(current)) return true;
      for (const c of this.consumersOf(current)) if (skippable(c, options)) stack.push(c);
    }
    return false;
  }

  private walk(start: Layer, options: WalkOptions, step: (l: Layer) => Layer[]): Layer[] {
    const found: Layer[] = [];
    const seen = new Set<string>([start.id]);
    const stack = [...step(start)];
    while (stack.length > 0) {
      const current = stack.pop() as Layer;
      if (seen.has(current.id)) continue;
      seen.add(current.id);
      // Constants (ONNX Constant nodes holding a Dropout ratio or a Reshape shape) are parameters of the
      // layer that reads them, not a step on the activation path.
      if (current.op === 'constant') continue;
      if (skippable(current, options)) stack.push(...step(current));
      else found.push(current);
    }
    return found;
  }
}

/** Reshape, Flatten, Identity: they move values around without changing any. */
export const isShapeOnly = (layer: Layer): boolean => SHAPE_ONLY.has(layer.op);

function skippable(layer: Layer, options: WalkOptions): boolean {
  return (
    isShapeOnly(layer) ||
    (options.throughActivations === true && layer.op === 'activation') ||
    options.through?.(layer) === true
  );
}

/** True for every dropout-family layer (including gaussian noise). */
export function isDropoutLayer(layer: Layer): boolean {
  return layer.dropout !== undefined;
}
