// onnxruntime's errors as EngineErrors that name the model file and, where onnxruntime says them, the
// op and the node ("Could not find an implementation for Foo(13) node with name 'bar'", "Non-zero status
// code returned while running Conv node. Name:'/conv/Conv' …").
import { EngineError } from '../../engine/engine-error';

export function ortError(e: unknown, file: string, doing: string): EngineError {
  const message = (e instanceof Error ? e.message : String(e)).trim();
  const missing = /implementation for (\w+)\((\d+)\) node with name '([^']*)'/.exec(message);
  const running = /while running (\w+) node\. Name:'([^']*)'/.exec(message);
  const where = missing
    ? `op ${missing[1]} (op set ${missing[2]}), node "${missing[3]}": not supported by onnxruntime. `
    : running
      ? `op ${running[1]}, node "${running[2]}": `
      : '';
  return new EngineError(`${file}: onnxruntime could not ${doing}: ${where}${message}`);
}
