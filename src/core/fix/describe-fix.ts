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
