// Web Worker of the model view: lays out the graph top to bottom with dagre, which takes long enough
// on graphs of a few hundred nodes to freeze the page if it ran there.
import { isLayoutRequest, type LayoutRequest, type LayoutResponse } from '../model/layout-protocol';

// dagre is an ES module and this file is typed as CommonJS: a dynamic import bridges the two, and
// esbuild still inlines it into the worker bundle.
const dagreModule = import('@dagrejs/dagre');

async function layout(request: LayoutRequest): Promise<LayoutResponse> {
  const { default: dagre } = await dagreModule;
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 36, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of request.nodes) g.setNode(n.id, { width: n.width, height: n.height });
  for (const [from, to] of request.edges) g.setEdge(from, to);
  dagre.layout(g);
  const graph = g.graph();
  return {
    id: request.id,
    width: graph.width ?? 0,
    height: graph.height ?? 0,
    nodes: request.nodes.map((n) => ({ id: n.id, x: g.node(n.id).x, y: g.node(n.id).y })),
    edges: request.edges.map(([from, to]) => ({ from, to, points: g.edge(from, to)?.points ?? [] })),
  };
}

self.onmessage = async (event: MessageEvent<unknown>) => {
  const request = event.data;
  if (!isLayoutRequest(request)) {
    console.error('Dropout Lens layout worker: malformed request');
    // The page waits for an answer to each id it sent.
    const id = (request as { id?: unknown } | null)?.id;
    if (typeof id === 'number') self.postMessage({ id, error: 'malformed layout request' });
    return;
  }
  let response: LayoutResponse;
  try {
    response = await layout(request);
  } catch (e) {
    response = { id: request.id, error: e instanceof Error ? e.message : String(e) };
  }
  self.postMessage(response);
};
