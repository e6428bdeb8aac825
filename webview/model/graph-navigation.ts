// Moving through the graph with the keyboard: down to a layer that reads this one, up to one it reads,
// sideways to the nearest layer drawn in the same row. Among several candidates the one in the nearest
// row wins (a skip connection is not the next step), then the one closest horizontally, so the arrows
// follow the drawing the user sees.

export interface NavNode {
  id: string;
  /** Centre of the drawn node. */
  x: number;
  y: number;
  inputs: readonly string[];
}

export type NavKey = 'ArrowUp' | 'ArrowDown' | 'ArrowLeft' | 'ArrowRight' | 'Home' | 'End';

export const NAV_KEYS: readonly string[] = ['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End'];

export class GraphNavigation {
  private readonly byId: Map<string, NavNode>;
  private readonly consumers = new Map<string, string[]>();

  /** `nodes` in graph order (the first is where Home goes). */
  constructor(private readonly nodes: readonly NavNode[]) {
    this.byId = new Map(nodes.map((n) => [n.id, n]));
    for (const n of nodes)
      for (const input of n.inputs) {
        if (!this.byId.has(input)) continue;
        const list = this.consumers.get(input);
        if (list) list.push(n.id);
        else this.consumers.set(input, [n.id]);
      }
  }

  /** The node a key moves to from `from` (the first node when nothing is current yet), if any. */
  next(from: string | undefined, key: NavKey): string | undefined {
    const first = this.nodes[0]?.id;
    const last = this.nodes.at(-1)?.id;
    if (key === 'Home') return first;
    if (key === 'End') return last;
    const at = from === undefined ? undefined : this.byId.get(from);
    if (!at) return first;
    switch (key) {
      case 'ArrowDown':
        return this.closest(at, this.consumers.get(at.id) ?? []);
      case 'ArrowUp':
        return this.closest(at, at.inputs);
      case 'ArrowLeft':
      case 'ArrowRight': {
        const sign = key === 'ArrowLeft' ? -1 : 1;
        const row = this.nodes.filter((n) => n.y === at.y && (n.x - at.x) * sign > 0).map((n) => n.id);
        return this.closest(at, row);
      }
    }
  }

  private closest(at: NavNode, ids: readonly string[]): string | undefined {
    let best: NavNode | undefined;
    for (const id of ids) {
      const n = this.byId.get(id);
      if (!n) continue;
      const dy = Math.abs(n.y - at.y) - (best ? Math.abs(best.y - at.y) : 0);
      if (!best || dy < 0 || (dy === 0 && Math.abs(n.x - at.x) < Math.abs(best.x - at.x))) best = n;
    }
    return best?.id;
  }
}
