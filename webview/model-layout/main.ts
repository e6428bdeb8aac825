// Web Worker of the model view: lays out the graph off the UI thread, so even a graph of thousands of
// nodes never freezes the page while the table is already in use.
import { isLayoutRequest, type LayoutResponse } from '../model/layout-protocol';
import { layeredLayout } from './layered';

self.onmessage = (event: MessageEvent<unknown>) => {
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
    response = layeredLayout(request);
  } catch (e) {
    response = { id: request.id, error: e instanceof Error ? e.message : String(e) };
  }
  self.postMessage(response);
};
