// Finds the dropout subgraphs TensorFlow writes into a graph, so a graph model's dropout shows up as one
// layer. tf.nn.dropout (TF 2): RandomUniform → GreaterEqual(rate) → Cast → Mul with x * 1/(1-rate), or
// Select/SelectV2 in place of Cast+Mul. The TF 1 keep_prob form: RandomUniform (scaled) → Add(keep_prob)
// → Floor → Mul with x / keep_prob (RealDiv).

/** The parts of a GraphDef node this module needs. */
export interface TfNode {
  name: string;
  op: string;
  /** Data inputs, with `^control` inputs dropped and `:N` output suffixes removed. */
  inputs: string[];
  /** The scalar value of a Const node, when the file holds it inline. */
  scalar?: number;
}

export interface DropoutMatch {
  /** The node whose output is the dropout's output: consumers of it read the dropout layer. */
  output: string;
  /** The node that feeds the dropout (x). */
  input: string;
  /** Probability of dropping; NaN when the constant is not inline (converters move it to the weights). */
  rate: number;
  /** The Const node the rate (or keep probability) was read from. */
  rateNode?: string;
  keepProbability: boolean;
  /** Every node the dropout replaces, in graph order. */
  nodes: string[];
  /** The ops along the mask's path, e.g. RandomUniform → GreaterEqual → Cast → Mul. */
  chain: string[];
}

/** Ops that carry the random mask from RandomUniform to where it meets x. */
const MASK_OPS = new Set(['Mul', 'Add', 'AddV2', 'Sub', 'GreaterEqual', 'Greater', 'Cast', 'Floor']);
const JOIN_OPS = new Set(['Mul', 'Select', 'SelectV2']);
/** Ops whose output is constant when all their inputs are (random_uniform/sub = max - min ...). */
const FOLDABLE = new Set(['Const', 'Sub', 'Add', 'AddV2', 'Mul', 'RealDiv', 'Identity']);

export function findDropoutSubgraphs(nodes: readonly TfNode[]): DropoutMatch[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const consumers = new Map<string, TfNode[]>();
  for (const n of nodes) for (const i of n.inputs) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  const constant = new Map<string, boolean>();
  const isConstant = (name: string, depth = 0): boolean => {
    const known = constant.get(name);
    if (known !== undefined) return known;
    const n = byName.get(name);
    const result =
      n !== undefined &&
      depth < 16 &&
      FOLDABLE.has(n.op) &&
      (n.op === 'Const' || (n.inputs.length > 0 && n.inputs.every((i) => isConstant(i, depth + 1))));
    constant.set(name, result);
    return result;
  };
  const matches: DropoutMatch[] = [];
  for (const random of nodes.filter((n) => n.op === 'RandomUniform')) {
    const path: TfNode[] = [random];
    const constants: string[] = [];
    let join: { node: TfNode; x: string } | undefined;
    // Follow the single path forward while the other operands are constants (scale, min, rate, keep_prob).
    while (join === undefined && path.length < 16) {
      const current = path[path.length - 1] as TfNode;
      const next = consumers.get(current.name) ?? [];
      if (next.length !== 1) break;
      const node = next[0] as TfNode;
      const others = node.inputs.filter((i) => i !== current.name);
      const data = others.filter((i) => !isConstant(i));
      if (JOIN_OPS.has(node.op) && data.length === 1) join = { node, x: data[0] as string };
      else if (!MASK_OPS.has(node.op) || data.length > 0) break;
      constants.push(...others.filter((i) => isConstant(i)));
      if (join === undefined) path.push(node);
    }
    if (join !== undefined) matches.push(describe(path, constants, join, byName));
  }
  return matches;
}

function describe(
  path: TfNode[],
  constants: string[],
  join: { node: TfNode; x: string },
  byName: Map<string, TfNode>,
): DropoutMatch {
  const parts = new Set([...path.map((n) => n.name), ...constants]);
  // Constant operands computed from other constants (random_uniform/sub = max - min) come along.
  const addFolded = (name: string): void => {
    for (const i of byName.get(name)?.inputs ?? []) if (!parts.has(i) && parts.add(i)) addFolded(i);
  };
  constants.forEach(addFolded);
  // x is usually pre-scaled: Mul(x, 1/(1-rate)) or RealDiv(x, keep_prob); that node belongs to dropout.
  let input = join.x;
  const scaled = byName.get(join.x);
  const scale = scaled?.inputs.find((i) => byName.get(i)?.op === 'Const');
  if (scaled && scale && (scaled.op === 'Mul' || scaled.op === 'RealDiv') && scaled.inputs.length === 2) {
    parts.add(scaled.name);
    parts.add(scale);
    input = scaled.inputs.find((i) => i !== scale) as string;
  }
  // The Shape(x) feeding RandomUniform belongs to it too.
  for (const i of path[0]?.inputs ?? []) if (byName.get(i)?.op === 'Shape') parts.add(i);
  // TF 2 compares with the rate; TF 1 adds the keep probability just before Floor.
  const chain = [...path.map((n) => n.op), join.node.op];
  const floor = path.findIndex((n) => n.op === 'Floor');
  const keepProbability = floor > 0;
  const holder = keepProbability
    ? path[floor - 1]
    : path.find((n) => n.op === 'GreaterEqual' || n.op === 'Greater');
  const rateNode = holder?.inputs.map((i) => byName.get(i)).find((n) => n?.op === 'Const');
  const value = rateNode?.scalar;
  const rate = value === undefined ? Number.NaN : keepProbability ? 1 - value : value;
  parts.add(join.node.name);
  return {
    output: join.node.name,
    input,
    rate,
    ...(rateNode ? { rateNode: rateNode.name } : {}),
    keepProbability,
    nodes: [...byName.keys()].filter((n) => parts.has(n)),
    chain,
  };
}
