// inspect says for how many layers the shapes are known, and which dropout layers the rank rules could not
// check (they look at no other layer).
import * as assert from 'node:assert/strict';
import { run } from './run-cli';
import type { InspectReport } from '../../../src/cli/inspect-command';
import { shapeCoverageText } from '../../../src/core/lint/shape-coverage';

// Conv → com.example.Mystery → Dropout → Relu: no tool knows a shape after the other domain's op
// (onnx.shape_inference neither: test/fixtures/onnx-shapes/custom-op.expected.json). Constant nodes
// (the Dropout's ratio and training_mode) are not counted.
const CUSTOM = 'test/fixtures/onnx-shapes/custom-op.onnx';

describe('dropout-lens inspect: shapes known', () => {
  it('gives the count in the JSON report', async () => {
    const { code, out } = await run('inspect', CUSTOM, '--format', 'json');
    assert.equal(code, 0);
    const report = JSON.parse(out) as InspectReport;
    assert.deepEqual(report.shapes, { known: 1, layers: 4, unrankedDropouts: ['dropped'] });
  });

  it('names the dropout layers left unchecked by the rules that need a rank, and only those', async () => {
    const { code, out } = await run('inspect', CUSTOM);
    assert.equal(code, 0);
    assert.match(
      out,
      /^Shapes known for 1 of 4 layers \(inputs and constants not counted\): 3 layers have no known shape\. 1 dropout layer has no known rank \(dropped\): the rules that need a tensor's rank \(conv-standard-dropout, conv-rate-too-high, spatial-dropout-rank\) could not check it\.$/m,
    );
  });

  it('says all are known for a model whose every shape is', async () => {
    const { out } = await run('inspect', 'samples/digits-mlp.nn.json');
    assert.match(out, /^Shapes known for 5 of 5 layers \(inputs and constants not counted\)\.$/m);
    const json = JSON.parse((await run('inspect', 'samples/digits-mlp.nn.json', '--format', 'json')).out);
    assert.deepEqual((json as InspectReport).shapes, { known: 5, layers: 5, unrankedDropouts: [] });
  });

  it('claims nothing unchecked when every dropout layer has a rank, and names at most five', () => {
    const rules =
      "the rules that need a tensor's rank (conv-standard-dropout, conv-rate-too-high, spatial-dropout-rank)";
    assert.equal(
      shapeCoverageText({ known: 40, layers: 42, unrankedDropouts: [] }),
      `Shapes known for 40 of 42 layers (inputs and constants not counted): 2 layers have no known shape; every dropout layer's rank is known, so ${rules} checked them all.`,
    );
    assert.equal(
      shapeCoverageText({ known: 40, layers: 42, unrankedDropouts: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] }),
      `Shapes known for 40 of 42 layers (inputs and constants not counted): 2 layers have no known shape. 7 dropout layers have no known rank (a, b, c, d, e and 2 more): ${rules} could not check them.`,
    );
  });
});
