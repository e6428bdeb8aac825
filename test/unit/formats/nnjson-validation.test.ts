// The reader validates with the editor's schema and points each problem at the exact text; shape
// problems the schema cannot see get their own located errors; rate problems are left to the linter.
import * as assert from 'node:assert/strict';
import schema from '../../../media/nn.schema.json';
import { readNnJson } from '../../../src/core/formats/nnjson/reader';
import { ModelFormatError } from '../../../src/core/formats/reader';

const model = (layers: string, extra = '') => `{
  "format": "dropout-lens/nn",
  "version": 1,
  "input": { "shape": [1, 8, 8] },
  "layers": [
    ${layers}
  ]${extra}
}`;

/** The error's message and the exact text its location covers. */
function failure(text: string): { message: string; at: string } {
  try {
    readNnJson(text, 'm.nn.json');
  } catch (e) {
    assert.ok(e instanceof ModelFormatError, `not a ModelFormatError: ${String(e)}`);
    const r = e.location as { offset: number; length: number };
    return { message: e.message, at: text.slice(r.offset, r.offset + r.length) };
  }
  assert.fail('expected a ModelFormatError');
}

describe('.nn.json validation', () => {
  it('names the property, its line and column, and the bound for a schema violation', () => {
    const f = failure(model('{ "type": "conv2d", "filters": 0, "kernelSize": 3 }'));
    assert.equal(f.at, '0');
    assert.equal(f.message, 'm.nn.json:6:36: layers[0].filters: must be >= 1 (found 0)');
  });

  it('points an unknown property at its key and lists the allowed ones', () => {
    const f = failure(model('{ "type": "conv2d", "filters": 4, "kernal": 3 }'));
    assert.equal(f.at, '"kernal"');
    assert.match(
      f.message,
      /layers\[0\]: unknown property "kernal"; allowed here: type, name, filters, kernelSize/,
    );
  });

  it('locates problems inside the training block', () => {
    const lr = failure(
      model(
        '{ "type": "flatten" }',
        ',\n  "training": { "data": "builtin:digits", "optimizer": { "type": "adam", "learningRate": -1 } }',
      ),
    );
    assert.equal(lr.at, '-1');
    assert.match(lr.message, /training\.optimizer\.learningRate: must be > 0/);
    const data = failure(model('{ "type": "flatten" }', ',\n  "training": { "data": "builtin:mnist" }'));
    assert.equal(data.at, '"builtin:mnist"');
    assert.match(
      data.message,
      /training\.data: Use builtin:digits, .* or a path to a \.csv file\. Found "builtin:mnist"/,
    );
    const sgd = failure(
      model(
        '{ "type": "flatten" }',
        ',\n  "training": { "data": "d.csv", "optimizer": { "type": "sgd", "beta1": 0.9 } }',
      ),
    );
    assert.equal(sgd.at, '"beta1"');
  });

  it('asks for the epoch of an early or late schedule', () => {
    const f = failure(
      model('{ "type": "flatten" }, { "type": "dropout", "rate": 0.1, "schedule": { "kind": "early" } }'),
    );
    assert.equal(f.at, '{ "kind": "early" }');
    assert.match(f.message, /layers\[1\]\.schedule: missing required property "epoch"/);
  });

  it('names the schedule\'s "kind" when a file still says "type"', () => {
    const f = failure(
      model(
        '{ "type": "flatten" }, { "type": "dropout", "rate": 0.1, "schedule": { "type": "early", "epoch": 3 } }',
      ),
    );
    assert.equal(f.at, '"type"');
    assert.match(f.message, /layers\[1\]\.schedule: unknown property "type"; allowed here: kind, epoch/);
  });

  it('explains a dense layer on a feature map without flatten', () => {
    const layer = '{ "type": "dense", "units": 10 }';
    const f = failure(model(`{ "type": "conv2d", "filters": 4, "kernelSize": 3 },\n    ${layer}`));
    assert.equal(f.at, layer);
    assert.match(
      f.message,
      /layers\[1\] \(dense\): needs a flat input but gets \[4,6,6\] from layers\[0\] \(conv2d\); add \{ "type": "flatten" \}/,
    );
  });

  for (const [what, layers, message, at] of [
    [
      'conv on a flat input',
      '{ "type": "flatten" }, { "type": "conv2d", "filters": 2, "kernelSize": 3 }',
      /needs a \[channels, height, width\] input but gets \[64\]/,
      '{ "type": "conv2d", "filters": 2, "kernelSize": 3 }',
    ],
    [
      'a kernel larger than its input',
      '{ "type": "conv2d", "filters": 2, "kernelSize": [3, 9] }',
      /kernel 3×9 is larger than its 8×8 input/,
      '[3, 9]',
    ],
    [
      'a pool larger than its input',
      '{ "type": "avgpool2d", "poolSize": 9 }',
      /pool 9×9 is larger than its 8×8 input/,
      '9',
    ],
    [
      'a reshape that changes the size',
      '{ "type": "reshape", "shape": [7, 9] }',
      /cannot reshape \[1,8,8\] from the input \(64 values\) into \[7,9\]/,
      '[7, 9]',
    ],
    ['a reshape with two -1', '{ "type": "reshape", "shape": [-1, -1] }', /at most one -1/, '[-1, -1]'],
    [
      'a noise shape of the wrong rank',
      '{ "type": "dropout", "rate": 0.2, "noiseShape": [1, 1] }',
      /"noiseShape" \[1,1\] does not fit the input \[1,8,8\]/,
      '[1, 1]',
    ],
    [
      'alpha on relu',
      '{ "type": "activation", "activation": "relu", "alpha": 0.1 }',
      /"alpha" applies to leaky-relu and elu only, not relu/,
      '0.1',
    ],
    [
      'sizes too large to count exactly',
      '{ "type": "flatten" }, { "type": "dense", "units": 2147483647 }, { "type": "dense", "units": 2147483647 }',
      /too large to compute exactly/,
      '{ "type": "dense", "units": 2147483647 }',
    ],
  ] as const) {
    it(`rejects ${what} at the offending text`, () => {
      const f = failure(model(layers));
      assert.match(f.message, message);
      assert.equal(f.at, at);
    });
  }

  it('leaves bad or missing dropout rates to the linter', () => {
    const rate = (g: ReturnType<typeof readNnJson>) => g.layers[1]?.dropout;
    assert.equal(rate(readNnJson(model('{ "type": "dropout", "rate": 1.5 }')))?.rate, 1.5);
    const text = rate(readNnJson(model('{ "type": "dropout", "rate": "0.5" }')));
    assert.ok(Number.isNaN(text?.rate));
    assert.equal(text?.rawRate, '0.5');
    assert.ok(Number.isNaN(rate(readNnJson(model('{ "type": "alpha-dropout" }')))?.rate));
    const dc = readNnJson(
      model('{ "type": "flatten" }, { "type": "dense", "units": 2, "dropconnect": -0.5 }'),
    );
    assert.equal(dc.layers[2]?.innerDropout?.[0]?.rate, -0.5);
  });

  it('refuses deep nesting before the parser can overflow its stack', () => {
    const deep = `{ "format": "dropout-lens/nn", "x": ${'['.repeat(10_000)}${']'.repeat(10_000)} }`;
    const f = failure(deep);
    assert.match(f.message, /nested more than 256 levels deep/);
    assert.equal(f.at, '[');
  });

  it('keeps the training block and the weights path in meta', () => {
    const training = {
      data: 'builtin:moons',
      epochs: 5,
      optimizer: { type: 'sgd', learningRate: 0.1, momentum: 0.9 },
    };
    const g = readNnJson(
      model('{ "type": "flatten" }', `, "training": ${JSON.stringify(training)}, "weights": "m.weights.bin"`),
    );
    assert.deepEqual(g.meta.training, training);
    assert.equal(g.meta.weights, 'm.weights.bin');
  });
});

describe('nn.schema.json', () => {
  /** Every property schema reachable from `node`, with its JSON path. */
  function properties(node: unknown, path: string, found: [string, unknown][] = []): [string, unknown][] {
    if (Array.isArray(node)) node.forEach((n, i) => properties(n, `${path}/${i}`, found));
    else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'properties' && path.split('/').pop() !== 'if') {
          for (const [name, prop] of Object.entries(value as object))
            found.push([`${path}/properties/${name}`, prop]);
        }
        if (key !== 'defaultSnippets') properties(value, `${path}/${key}`, found);
      }
    }
    return found;
  }

  it('describes every property (the editor shows it on hover)', () => {
    const definitions = schema.definitions as Record<string, { description?: string }>;
    const undocumented = properties(schema, '#')
      .filter(([, prop]) => {
        // `true` re-admits a property an enclosing schema already documents.
        if (prop === true) return false;
        const p = prop as { description?: string; $ref?: string };
        return !p.description && !(p.$ref && definitions[p.$ref.split('/').pop() as string]?.description);
      })
      .map(([path]) => path);
    assert.deepEqual(undocumented, []);
  });

  it('offers a completion snippet for every layer type', () => {
    const snippetTypes = new Set(schema.definitions.layer.defaultSnippets.map((s) => s.body.type));
    assert.deepEqual([...snippetTypes].sort(), [...schema.definitions.layerType.enum].sort());
  });
});
