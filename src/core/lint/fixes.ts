// Builders for the fixes rules offer. Each gives text edits where the file has text and ranges (JSON
// formats) and the same change as graph edits (for writers of binary formats). Structural edits (remove,
// move, insert a layer) are text edits on the `.nn.json` layers array, where layer order is the graph.
import type { DropoutSpec, DropoutVariant, Layer, SourceRange } from '../model/ir';
import { formatRate } from './format-number';
import { rateRange } from './predicates';
import type { GraphEdit } from '../model/graph-edit';
import type { Fix, RuleContext, TextEdit } from './rule';

/** Sets a dropout's rate. Writes the file's own unit: a stored keep probability gets 1 − rate. */
export function setRateFix(layer: Layer, spec: DropoutSpec, rate: number, title: string, safe = false): Fix {
  const range = rateRange(layer, spec);
  const stored = spec.origin.keepProbability === true ? 1 - rate : rate;
  return {
    title,
    safe,
    edits: range ? [{ ...range, newText: formatRate(stored) }] : [],
    graphEdits: [
      { kind: 'set-attribute', layer: layer.id, name: spec.origin.property ?? 'rate', value: rate },
    ],
  };
}

/** Replaces a property's value with JSON text, e.g. `is_test` or `noise_shape`. */
export function setPropertyFix(layer: Layer, name: string, value: unknown, title: string, safe = false): Fix {
  const range = layer.source.properties?.[name];
  return {
    title,
    safe,
    edits: range ? [{ ...range, newText: JSON.stringify(value) }] : [],
    graphEdits: [{ kind: 'set-attribute', layer: layer.id, name, value }],
  };
}

const NN_JSON_TYPES: Partial<Record<DropoutVariant, string>> = {
  standard: 'dropout',
  spatial: 'spatial-dropout',
  alpha: 'alpha-dropout',
  gaussian: 'gaussian-dropout',
};

/** Keras class names; spatial dropout is named by the rank of its input (SpatialDropout1D for rank 3). */
function kerasClass(variant: DropoutVariant, rank: number | undefined): string | undefined {
  if (variant === 'spatial') return rank && rank >= 3 && rank <= 5 ? `SpatialDropout${rank - 2}D` : undefined;
  return { standard: 'Dropout', alpha: 'AlphaDropout', gaussian: 'GaussianDropout' }[variant as string];
}

/** Turns a dropout layer into another variant (its rate is kept): the `type` / `class_name` is rewritten. */
export function setVariantFix(
  { graph }: RuleContext,
  layer: Layer,
  variant: DropoutVariant,
  rank: number | undefined,
  title: string,
  safe = false,
): Fix {
  const properties = layer.source.properties ?? {};
  const edits: TextEdit[] = [];
  const nnType = NN_JSON_TYPES[variant];
  const kerasName = kerasClass(variant, rank);
  if (graph.format === 'nn-json' && properties.type && nnType) {
    edits.push({ ...properties.type, newText: JSON.stringify(nnType) });
  } else if (graph.format === 'tfjs-layers' && properties.class_name && kerasName) {
    edits.push({ ...properties.class_name, newText: JSON.stringify(kerasName) });
  }
  return { title, safe, edits, graphEdits: [{ kind: 'set-variant', layer: layer.id, variant }] };
}

/** The layers array of a `.nn.json` model with the text around it, or undefined for other formats. */
function layerArray(context: RuleContext): { text: string; elements: Layer[] } | undefined {
  if (context.graph.format !== 'nn-json' || context.text === undefined) return undefined;
  return { text: context.text, elements: context.graph.layers.filter((l) => l.source.range !== undefined) };
}

const end = (r: SourceRange) => r.offset + r.length;
const rangeOf = (l: Layer) => l.source.range as SourceRange;

/** The text between two neighbouring elements (`,\n    `), so moved or inserted layers match the file. */
function separator(text: string, elements: Layer[], i: number): string {
  const [a, b] = i > 0 ? [elements[i - 1], elements[i]] : [elements[i], elements[i + 1]];
  return a && b ? text.slice(end(rangeOf(a)), rangeOf(b).offset) : ', ';
}

/** Deletes an element with one separator next to it. */
function deleteElement(elements: Layer[], i: number): TextEdit {
  const self = rangeOf(elements[i] as Layer);
  const before = elements[i - 1];
  const after = elements[i + 1];
  if (before) return { offset: end(rangeOf(before)), length: end(self) - end(rangeOf(before)), newText: '' };
  if (after) return { offset: self.offset, length: rangeOf(after).offset - self.offset, newText: '' };
  return { offset: self.offset, length: self.length, newText: '' };
}

/** Inserts element text before element `j`, or after the last one when `j` is past the end. */
function insertAt(elements: Layer[], j: number, newText: string, sep: string): TextEdit {
  const target = elements[j];
  if (target) return { offset: rangeOf(target).offset, length: 0, newText: newText + sep };
  return { offset: end(rangeOf(elements[elements.length - 1] as Layer)), length: 0, newText: sep + newText };
}

export function removeLayerFix(context: RuleContext, layer: Layer, title: string, safe = false): Fix {
  const array = layerArray(context);
  const i = array ? array.elements.indexOf(layer) : -1;
  return {
    title,
    safe,
    edits: array && i >= 0 ? [deleteElement(array.elements, i)] : [],
    graphEdits: [{ kind: 'remove-layer', layer: layer.id }],
  };
}

/** Moves a layer to just before or after another one (the anchor). */
export function moveLayerFix(
  context: RuleContext,
  layer: Layer,
  position: 'before' | 'after',
  anchor: Layer,
  title: string,
  safe = false,
): Fix {
  const graphEdits: GraphEdit[] = [{ kind: 'move-layer', layer: layer.id, position, anchor: anchor.id }];
  const array = layerArray(context);
  const i = array ? array.elements.indexOf(layer) : -1;
  const a = array ? array.elements.indexOf(anchor) : -1;
  if (!array || i < 0 || a < 0) return { title, safe, edits: [], graphEdits };
  const { text, elements } = array;
  const j = position === 'before' ? a : a + 1;
  if (j === i || j === i + 1) return { title, safe, edits: [], graphEdits };
  const self = rangeOf(layer);
  const edits = [
    insertAt(elements, j, text.slice(self.offset, end(self)), separator(text, elements, i)),
    deleteElement(elements, i),
  ];
  return { title, safe, edits, graphEdits };
}

/** Inserts a standard dropout layer after a layer. */
export function insertDropoutFix(context: RuleContext, after: Layer, rate: number, title: string): Fix {
  const graphEdits: GraphEdit[] = [{ kind: 'insert-dropout', after: after.id, rate }];
  const array = layerArray(context);
  const a = array ? array.elements.indexOf(after) : -1;
  if (!array || a < 0) return { title, safe: false, edits: [], graphEdits };
  const layerText = `{ "type": "dropout", "rate": ${formatRate(rate)} }`;
  const edit = insertAt(array.elements, a + 1, layerText, separator(array.text, array.elements, a));
  return { title, safe: false, edits: [edit], graphEdits };
}

/** Several fixes' changes as one fix (merge = set one rate + remove the other layer); text only if all have it. */
export function combineFixes(title: string, safe: boolean, ...fixes: Fix[]): Fix {
  return {
    title,
    safe,
    edits: fixes.every((f) => f.edits.length > 0) ? fixes.flatMap((f) => f.edits) : [],
    graphEdits: fixes.flatMap((f) => f.graphEdits ?? []),
  };
}
