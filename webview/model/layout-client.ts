// Starts the layout worker once and turns its replies into promises. A worker script must come from
// the page's own origin, so the bundle is fetched from the webview's resources and run from a blob.
import type { LayoutRequest, LayoutResponse } from './layout-protocol';

type Reply = Extract<LayoutResponse, { width: number }>;

let worker: Promise<Worker> | undefined;
let nextId = 1;
const pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();

function start(): Promise<Worker> {
  const url = document.body.dataset.workerModelLayout;
  if (!url) return Promise.reject(new Error('the layout worker script is not configured'));
  return fetch(url)
    .then((r) => {
      if (!r.ok) throw new Error(`cannot load the layout worker (${r.status})`);
      return r.text();
    })
    .then((code) => {
      const w = new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
      w.onmessage = (event: MessageEvent<LayoutResponse>) => {
        const job = pending.get(event.data.id);
        if (!job) return;
        pending.delete(event.data.id);
        if ('error' in event.data) job.reject(new Error(event.data.error));
        else job.resolve(event.data);
      };
      return w;
    });
}

/** Starts the worker ahead of the first layout, while the extension is still reading the model. */
export function prepareLayout(): void {
  worker ??= start();
  // A failed start is reported by the layout that needs it.
  worker.catch(() => undefined);
}

export async function layoutGraph(graph: Omit<LayoutRequest, 'id'>): Promise<Reply> {
  prepareLayout();
  const w = await (worker as Promise<Worker>);
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.postMessage({ ...graph, id } satisfies LayoutRequest);
  });
}
