// Property test over random `.nn.json` layer stacks: no rule throws, fix edits never overlap, and every
// fix leaves a model the reader still accepts.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { readNnJson } from '../../../src/core/formats/nnjson/reader';
import { ModelFormatError } from '../../../src/core/formats/reader';
import { lintGraph } from '../../../src/core/lint/engine';
import { applyFix, nn } from './helpers';

const LAYERS = [
  '{ "type": "dense", "units": 16, "activation": "relu" }',
  '{ "type": "dense", "units": 1024, "activation": "selu" }',
  '{ "type": "dense", "units": 10, "activation": "softmax" }',
  '{ "type": "conv2d", "filters": 4, "kernelSize": 3, "padding": "same" }',
  '{ "type": "maxpool2d" }',
  '{ "type": "flatten" }',
  '{ "type": "batchnorm" }',
  '{ "type": "activation", "activation": "relu" }',
  '{ "type": "softmax" }',
  '{ "type": "dropout", "rate": 0.9 }',
  '{ "type": "dropout", "rate": 0 }',
  '{ "type": "dropout", "rate": "0.4" }',
  '{ "type": "spatial-dropout", "rate": 0.5 }',
  '{ "type": "alpha-dropout", "rate": 0.3 }',
  '{ "type": "gaussian-dropout", "rate": 1.5 }',
];

describe('rule fixes on random models', () => {
  it('never throw, never overlap, and keep the model readable', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...LAYERS), { minLength: 1, maxLength: 7 }), (layers) => {
        const text = nn(layers, [1, 8, 8]);
        let graph;
        try {
          graph = readNnJson(text);
        } catch (e) {
          if (e instanceof ModelFormatError) return;
          throw e;
        }
        for (const finding of lintGraph(graph, { rules: {} }, text)) {
          for (const fix of finding.fixes ?? []) {
            if (fix.edits.length === 0) continue;
            const sorted = [...fix.edits].sort((a, b) => a.offset - b.offset);
            sorted.slice(1).forEach((e, i) => assert.ok(e.offset >= sorted[i]!.offset + sorted[i]!.length));
            const fixed = applyFix(text, fix);
            try {
              readNnJson(fixed);
            } catch (e) {
              // A fix may leave shapes a later layer rejects; it must never break the JSON itself.
              assert.ok(
                e instanceof ModelFormatError && !/invalid JSON/.test(e.message),
                `${fix.title}: ${e}`,
              );
            }
          }
        }
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
