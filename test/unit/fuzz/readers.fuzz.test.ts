// Fuzzes every reader with its seeds: truncations, byte flips, random JSON, hostile values in place of
// real ones (NaN, strings, huge sizes, 20,000-level nesting). FUZZ_RUNS scales the number of cases.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { h5Reader } from '../../../src/core/formats/keras/h5-reader';
import { kerasReader } from '../../../src/core/formats/keras/keras-reader';
import { nnJsonReader } from '../../../src/core/formats/nnjson/reader';
import { onnxReader } from '../../../src/core/formats/onnx/reader';
import { tfjsGraphReader } from '../../../src/core/formats/tfjs/graph-reader';
import { tfjsLayersReader } from '../../../src/core/formats/tfjs/layers-reader';
import {
  RUNS,
  checkRead,
  runs,
  hostileTokens,
  loadSeeds,
  replacedValue,
  utf8,
  type FuzzTarget,
  FUZZ_TIMEOUT_MS,
} from './fuzz-support';

const samples = (suffix: string) =>
  readdirSync('samples')
    .filter((f) => f.endsWith(suffix))
    .map((f) => join('samples', f));

const onnxFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.onnx'))
    .map((f) => join(dir, f));
const kerasFiles = (ext: string) =>
  readdirSync('test/fixtures/keras')
    .filter((f) => f.endsWith(ext))
    .map((f) => join('test/fixtures/keras', f));
const tfjsLayers = ['mlp', 'functional', 'cnn', 'rnn', 'selu', 'quantized'].map(
  (m) => `test/fixtures/tfjs/${m}/model.json`,
);

/** One line per format. */
const TARGETS: FuzzTarget[] = [
  { reader: nnJsonReader, seeds: samples('.nn.json') },
  {
    reader: onnxReader,
    seeds: [
      ...onnxFiles('test/fixtures/onnx-torch'),
      'test/fixtures/onnx-node-tests/test_dropout_default_mask_ratio/model.onnx',
    ],
  },
  { reader: tfjsLayersReader, seeds: tfjsLayers },
  { reader: tfjsGraphReader, seeds: ['test/fixtures/tfjs-graph-dropout/model.json'] },
  { reader: kerasReader, seeds: kerasFiles('.keras') },
  { reader: h5Reader, seeds: kerasFiles('.h5') },
];

for (const target of TARGETS) {
  describe(`fuzz: ${target.reader.format} reader (${RUNS} inputs)`, function () {
    this.timeout(FUZZ_TIMEOUT_MS);
    const seeds = loadSeeds(target);
    const seed = fc.constantFrom(...seeds);
    const json = seeds.some((s) => s.json !== undefined);
    // Byte mutations of small seeds are cheap; hostile values in JSON (deep, long) are not.
    const byteRuns = runs(json ? 0.35 : 0.4);
    const otherRuns = runs(json ? 0.15 : 0.2);
    const firstPath = (seeds[0] as { path: string }).path;

    // The first read of a format loads and compiles its code (schemas, protobuf types): not a hang.
    before(() => {
      for (const s of seeds) {
        try {
          target.reader.open({ path: s.path, bytes: s.bytes });
        } catch {
          // Checked by the first test.
        }
      }
    });

    it('has seeds that open', () => {
      for (const s of seeds) checkRead(target.reader, s.path, s.bytes, 'seed files');
    });

    it('survives truncation at any byte', () => {
      fc.assert(
        fc.property(seed, fc.nat(), (s, n) =>
          checkRead(target.reader, s.path, s.bytes.subarray(0, n % (s.bytes.length + 1)), 'truncated'),
        ),
        byteRuns,
      );
    });

    it('survives random byte flips', () => {
      const flips = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 8,
      });
      fc.assert(
        fc.property(seed, flips, (s, changes) => {
          const bytes = s.bytes.slice();
          for (const [at, value] of changes) bytes[at % bytes.length] = value;
          checkRead(target.reader, s.path, bytes, 'bytes flipped');
        }),
        byteRuns,
      );
    });

    it('survives random JSON documents', () => {
      const documents = fc.oneof(
        fc.json(),
        fc.anything().map((v) => JSON.stringify(v) ?? 'undefined'),
      );
      fc.assert(
        fc.property(documents, (text) => checkRead(target.reader, firstPath, utf8(text), 'random JSON')),
        otherRuns,
      );
    });

    if (json) {
      it('survives hostile values in place of real ones (NaN, strings, huge sizes, deep nesting)', () => {
        fc.assert(
          fc.property(replacedValue(seeds, hostileTokens), fc.constantFrom(...seeds), (text, s) =>
            checkRead(target.reader, s.path, utf8(text), 'hostile value in a real file'),
          ),
          otherRuns,
        );
      });

      it('survives 10,000 levels of nesting anywhere', () => {
        const deep = (open: string, close: string) => open.repeat(10_000) + close.repeat(10_000);
        for (const token of [deep('[', ']'), deep('{"a":', '}'), '['.repeat(10_000)]) {
          checkRead(target.reader, firstPath, utf8(token), '10,000-level nesting');
          for (const s of seeds.filter((x) => x.json !== undefined))
            checkRead(target.reader, s.path, utf8(withFirstValue(s.json, token)), '10,000-level nesting');
        }
      });
    }
  });
}

/** The seed with its first property's value replaced by `token`. */
function withFirstValue(json: unknown, token: string): string {
  const key = Object.keys(json as object)[0] as string;
  return JSON.stringify({ ...(json as object), [key]: '\u0001' }).replace('"\\u0001"', () => token);
}
