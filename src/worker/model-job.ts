// The model view's data: parse, lint and flatten one model in the worker, so a big graph never blocks
// the extension host.
import { lintSource } from '../core/lint/lint-source';
import { toWireModel } from '../protocol/wire-model';
import type { Jobs } from '../protocol/worker-messages';

export async function modelView(request: Jobs['model']['request']): Promise<Jobs['model']['result']> {
  const { path, bytes, config } = request;
  const result = lintSource({ path, bytes }, config);
  if (!result.graph) return { error: result.error?.message ?? `${path}: not a model file` };
  const name = path.slice(path.lastIndexOf('/') + 1);
  return { model: toWireModel(result.graph, result.findings, { name, size: bytes.byteLength }) };
}
