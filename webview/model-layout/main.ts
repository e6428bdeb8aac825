// Web Worker of the model view: lays out the graph off the UI thread, so even a graph of thousands of
// nodes never freezes the page while the table is already in use.
import type { LayoutRequest, LayoutResponse } from '../model/layout-protocol';
import { layeredLayout } from './layered';

self.onmessage = (event: MessageEvent<LayoutRequest>) => {
  const request = event.data;
  let response: LayoutResponse;
  try {
    response = layeredLayout(request);
  } catch (e) {
    response = { id: request.id, error: e instanceof Error ? e.message : String(e) };
  }
  self.postMessage(response);
};
