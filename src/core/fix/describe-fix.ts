// What a fix did, in words a user can check against the model: each graph edit with the op and name of
// the layer it changed, e.g. "Dropout '/drop1/Dropout': training_mode → false".
import type { GraphEdit } from '../model/graph-edit';
import type { Graph } from '../model/ir';

export function describeEdits(graph: Graph, edits: readonly GraphEdit[]): string {
  const layer = (id: string) => {
    const found = graph.layers.find((l) => l.id === id);
    return found ? `${found.originalOp} '${found.name}'` : `'${id}'`;
  };
  return edits
    .map((e) => {
      switch (e.kind) {
        case 'set-attribute':
          return `${layer(e.layer)}: ${e.name} → ${JSON.stringify(e.value)}`;
        case 'set-variant':
          return `${layer(e.layer)}: variant → ${e.variant}`;
        case 'remove-layer':
          return `${layer(e.layer)} removed`;
        case 'move-layer':
          return `${layer(e.layer)} moved ${e.position} ${layer(e.anchor)}`;
        case 'insert-dropout':
          return `Dropout (rate ${e.rate}) inserted after ${layer(e.after)}`;
      }
    })
    .join(', ');
}

/** Rules with more fixes than this are summed up in one line (an EfficientNet has 49 BatchNorms). */
const LISTED_PER_RULE = 3;

/**
 * The fixes of one Fix and Save As as a short text: each change with its rule, or, for a rule with many
 * fixes, their count, the rule and the first change ("49 × batchnorm-training-mode: BatchNormalization
 * '/bn1/BatchNormalization': training_mode → false, …").
 */
export function summariseFixes(fixed: readonly { change: string; rule: string }[]): string[] {
  const byRule = new Map<string, string[]>();
  for (const { change, rule } of fixed) byRule.set(rule, [...(byRule.get(rule) ?? []), change]);
  return [...byRule].flatMap(([rule, changes]) =>
    changes.length > LISTED_PER_RULE
      ? [`${changes.length} × ${rule}: ${changes[0]}, …`]
      : changes.map((change) => `${change} (${rule})`),
  );
}
