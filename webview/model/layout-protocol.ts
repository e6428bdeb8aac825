// Messages between the model view and its layout Web Worker (the layered layout runs there, off the UI thread).
import { isArrayOf, isNum, isObj, isStr } from '../../src/protocol/guards';

export interface LayoutRequest {
  id: number;
  nodes: { id: string; width: number; height: number }[];
  edges: [from: string, to: string][];
}

export interface Point {
  x: number;
  y: number;
}

export type LayoutResponse =
  | {
      id: number;
      width: number;
      height: number;
      /** Node centres. */
      nodes: (Point & { id: string })[];
      edges: { from: string; to: string; points: Point[] }[];
    }
  | { id: number; error: string };

const isNode = (v: unknown) =>
  isObj(v) && isStr(v.id) && isNum(v.width) && isNum(v.height) && v.width >= 0 && v.height >= 0;

/** The request if well formed: dagre assumes finite sizes and string ids. */
export function isLayoutRequest(v: unknown): v is LayoutRequest {
  return (
    isObj(v) &&
    isNum(v.id) &&
    isArrayOf(v.nodes, (n): n is LayoutRequest['nodes'][number] => isNode(n)) &&
    isArrayOf(v.edges, (e): e is [string, string] => isArrayOf(e, isStr) && e.length === 2)
  );
}
