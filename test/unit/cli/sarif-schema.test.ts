// `dropout-lens lint --format sarif` validated against the official SARIF 2.1.0 JSON schema (OASIS;
// the copy shipped in @microsoft/jest-sarif, a draft-04 schema, hence ajv-draft-04; its language-code
// pattern is not valid in unicode mode, hence unicodeRegExp: false).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Ajv from 'ajv-draft-04';
import { runLint } from '../../../src/cli/lint-command';

const schema = JSON.parse(
  readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'),
) as object;

describe('SARIF output against the SARIF 2.1.0 schema', () => {
  const validate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false, logger: false }).compile(
    schema,
  );

  for (const paths of [
    ['samples'],
    ['test/fixtures/onnx-torch', 'test/fixtures/tfjs/rules'],
    ['no/such/file.onnx'],
  ]) {
    it(`validates for ${paths.join(' ')}`, () => {
      const out: string[] = [];
      runLint({ paths, format: 'sarif' }, { out: (t) => out.push(t), err: () => {} });
      const log = JSON.parse(out.join('\n')) as { runs: { results: unknown[] }[] };
      assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
      if (paths[0] !== 'no/such/file.onnx')
        assert.ok((log.runs[0]?.results.length ?? 0) > 0, 'findings reported');
    });
  }
});
