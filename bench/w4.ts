// W4 of the peer benchmark kit: ONNX load time. Measured as the kit's onnx_load.js measures onnx-proto
// (file in the page cache; fs.readFileSync and decode timed separately; the first, cold repetition and
// the median of the next five), with our IR build (bytes → Graph, protobuf decode included) as
// `decode_ms` and the raw onnx-proto decode alongside as `onnx_proto_decode_ms`.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { onnx } from 'onnx-proto';
import { UsageError } from '../src/cli/io';
import { readOnnx } from '../src/core/formats/onnx/reader';

const MODELS = ['w4_resnet50like.onnx', 'w4_many_nodes.onnx'];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** `--model PATH` (default: both W4 models in $PEER_MODELS or /tmp/peer-models), `--reps N` (default 5). */
export async function runW4(args: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({ args, options: { model: { type: 'string' }, reps: { type: 'string' } } });
  const folder = process.env.PEER_MODELS ?? '/tmp/peer-models';
  const files = values.model ? [values.model] : MODELS.map((m) => join(folder, m));
  const reps = Number(values.reps ?? 5);
  if (!Number.isInteger(reps) || reps < 1) throw new UsageError(`w4: --reps must be a positive integer`);
  for (const file of files) {
    if (!existsSync(file)) {
      throw new Error(`no model at ${file} (the peer kit's gen_models.py writes the W4 models)`);
    }
  }
  const results = files.map((file) => measure(file, reps));
  // Several models: one record each under `models`, printed one line per model.
  return results.length === 1 ? (results[0] as Record<string, unknown>) : { workload: 'w4', models: results };
}

function measure(file: string, reps: number): Record<string, unknown> {
  readFileSync(file); // page cache, as the peers do
  const read: number[] = [];
  const ours: number[] = [];
  const proto: number[] = [];
  let nodes = 0;
  let initializers = 0;
  let layers = 0;
  for (let i = 0; i < reps + 1; i++) {
    const t0 = performance.now();
    const bytes = readFileSync(file);
    read.push(performance.now() - t0);
    // Alternate the order so neither side always runs on a warmer heap; the cold run builds the IR first.
    const steps = [
      () => {
        const t = performance.now();
        layers = readOnnx({ path: file, bytes }).layers.length;
        ours.push(performance.now() - t);
      },
      () => {
        const t = performance.now();
        const g = onnx.ModelProto.decode(bytes).graph;
        proto.push(performance.now() - t);
        nodes = g?.node?.length ?? 0;
        initializers = g?.initializer?.length ?? 0;
      },
    ];
    if (i % 2 === 1) steps.reverse();
    for (const step of steps) step();
  }
  const decodeMs = median(ours.slice(1));
  const protoMs = median(proto.slice(1));
  return {
    peer: 'dropout-lens',
    workload: 'w4',
    model: basename(file),
    bytes: statSync(file).size,
    nodes,
    initializers,
    layers,
    first_read_ms: read[0],
    first_decode_ms: ours[0],
    read_ms: median(read.slice(1)),
    decode_ms: decodeMs,
    total_ms: median(read.slice(1).map((r, i) => r + (ours[i + 1] as number))),
    first_onnx_proto_decode_ms: proto[0],
    onnx_proto_decode_ms: protoMs,
    decode_vs_onnx_proto: decodeMs / protoMs,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
  };
}
