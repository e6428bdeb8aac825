// What the exporters share: walking a trained network's record layer by layer with the shapes each layer
// sees, finding its tensors, packing the weights into one base64 little-endian float32 blob the Python
// scripts decode, Python number literals and the script's docstring title.
import type { LayerSpec, NetworkRecord } from '../model/network-spec';

/** A network the target framework cannot express; the message names the framework and the layer. */
export class ScriptExportError extends Error {
  constructor(framework: string, message: string) {
    super(`${framework} export: ${message}`);
  }
}

/** A Python float literal (`2.0`, not `2`, so the value stays a float). */
/**
 * The end both scripts share: build() makes the model and loads its weights; run as a program,
 * `--predict rows.json` prints inference-mode predictions as JSON, anything else describes the model.
 * `predict` lines run inside the `if`, with `rows` holding the input batch.
 */
export function pyMain(framework: {
  ready: string;
  rows: string;
  predict: string[];
  describe: string;
}): string {
  return `

def build():
    model = make_model()
    load_weights(model)
    return ${framework.ready}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--predict", metavar="ROWS_JSON", help="JSON list of raw input rows; prints the predictions as JSON")
    args = parser.parse_args()
    model = build()
    if args.predict:
        with open(args.predict) as f:
            rows = ${framework.rows}
${framework.predict.map((line) => `        ${line}\n`).join('')}    else:
        ${framework.describe}
`;
}

export const pyFloat = (v: number): string => (Number.isInteger(v) ? `${v}.0` : String(v));

/** A name for a Python docstring: no quote or backslash can end it early. */
export const docTitle = (name: string): string => name.replace(/["\\]/g, '_');

export interface WalkStep {
  spec: LayerSpec;
  inputShape: number[];
  outputShape: number[];
  /** The layer's trained tensor `<layer>.<suffix>` (e.g. "weight", "running_var"), row-major. */
  tensor(suffix: string): { shape: number[]; value: Float32Array };
}

/** The layers in order with the per-sample shapes flowing in and out of each. */
export function walkNetwork(net: NetworkRecord, framework: string): WalkStep[] {
  const tensors = new Map(net.tensors.map((t) => [t.name, t]));
  let shape = net.inputShape;
  return net.layers.map(({ outputShape, ...layer }) => {
    const spec = layer as LayerSpec;
    const inputShape = shape;
    shape = outputShape;
    return {
      spec,
      inputShape,
      outputShape,
      tensor(suffix) {
        const t = tensors.get(`${spec.name}.${suffix}`);
        if (!t) throw new ScriptExportError(framework, `weights: "${spec.name}.${suffix}" is missing`);
        return { shape: t.shape, value: Float32Array.from(t.values) };
      },
    };
  });
}

/** Float32 arrays appended one after another; `add` returns where each starts (in floats). */
export class WeightBlob {
  private readonly chunks: Float32Array[] = [];
  private length = 0;

  add(values: Float32Array): number {
    const offset = this.length;
    this.chunks.push(values);
    this.length += values.length;
    return offset;
  }

  /** `WEIGHTS = ("..." ...)`: base64 of the blob in 100-character lines. */
  python(): string {
    const blob = new Float32Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      blob.set(c, at);
      at += c.length;
    }
    // Float32Array is little-endian on every platform VS Code runs on; the scripts read it the same way.
    const bytes = new Uint8Array(blob.buffer);
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000)
      binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    const lines = btoa(binary).match(/.{1,100}/g) ?? [];
    return `WEIGHTS = (\n    ""\n${lines.map((l) => `    "${l}"\n`).join('')})\n`;
  }
}
