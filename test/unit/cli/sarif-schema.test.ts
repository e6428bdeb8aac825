// `dropout-lens lint --format sarif` validated against the official SARIF 2.1.0 JSON schema (OASIS, the
// errata01 schema vendored in test/fixtures/sarif, see PROVENANCE.md; a draft-04 schema, hence
// ajv-draft-04; its language-code pattern is not valid in unicode mode, hence unicodeRegExp: false), and
// against GitHub code scanning's documented upload rules ("SARIF support for code scanning").
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Ajv from 'ajv-draft-04';
import type { Log } from 'sarif';
import { runLint } from '../../../src/cli/lint-command';

const schema = JSON.parse(readFileSync('test/fixtures/sarif/sarif-schema-2.1.0.json', 'utf8')) as object;

/**
 * What GitHub's page lists as required or limited: at most 20 runs, 25,000 rules and 25,000 results a
 * run, 1,000 locations a result; rules with id, short and full descriptions (≤ 1024 characters) and help
 * text; results with a message, a location and `partialFingerprints.primaryLocationLineHash`; file
 * locations relative to the repository (no scheme), under a base id the run defines.
 */
function githubUploadProblems(log: Log): string[] {
  const problems: string[] = [];
  if (log.version !== '2.1.0' || !log.$schema) problems.push('version 2.1.0 and $schema required');
  if (log.runs.length > 20) problems.push('more than 20 runs');
  for (const run of log.runs) {
    const rules = run.tool.driver.rules ?? [];
    if (rules.length === 0 || rules.length > 25_000) problems.push(`${rules.length} rules`);
    for (const r of rules) {
      for (const text of [r.shortDescription?.text, r.fullDescription?.text])
        if (!text || text.length > 1024) problems.push(`rule ${r.id}: description missing or too long`);
      if (!r.help?.text) problems.push(`rule ${r.id}: no help text`);
      if (!/^https:\/\//.test(r.helpUri ?? '')) problems.push(`rule ${r.id}: no help URI`);
    }
    if (!run.automationDetails?.id?.includes('/')) problems.push('no run category (automationDetails.id)');
    const results = run.results ?? [];
    if (results.length > 25_000) problems.push(`${results.length} results`);
    for (const result of results) {
      if (!result.message.text) problems.push('a result without message text');
      if (!result.partialFingerprints?.primaryLocationLineHash) problems.push('a result without fingerprint');
      const locations = result.locations ?? [];
      if (locations.length === 0 || locations.length > 1000) problems.push('locations: 1 to 1000');
      const artifact = locations[0]?.physicalLocation?.artifactLocation;
      if (!artifact?.uri || /^[a-z]+:/i.test(artifact.uri) || !artifact.uriBaseId)
        problems.push(`not a relative URI under a base id: ${JSON.stringify(artifact)}`);
      else if (!run.originalUriBaseIds?.[artifact.uriBaseId])
        problems.push(`undefined ${artifact.uriBaseId}`);
    }
  }
  return problems;
}

describe('SARIF output against the SARIF 2.1.0 schema and GitHub code scanning', () => {
  const validate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false, logger: false }).compile(
    schema,
  );

  for (const paths of [
    ['samples'],
    ['test/fixtures/onnx-torch', 'test/fixtures/tfjs/rules'],
    ['no/such/file.onnx'],
  ]) {
    it(`validates for ${paths.join(' ')}`, async () => {
      const out: string[] = [];
      await runLint({ paths, format: 'sarif' }, { out: (t) => out.push(t), err: () => {} });
      const log = JSON.parse(out.join('\n')) as Log;
      assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
      assert.deepEqual(githubUploadProblems(log), []);
      if (paths[0] !== 'no/such/file.onnx')
        assert.ok((log.runs[0]?.results?.length ?? 0) > 0, 'findings reported');
    });
  }

  it('the checks fail on what GitHub refuses', () => {
    const bad: Log = {
      version: '2.1.0',
      $schema: 'x',
      runs: [
        {
          tool: { driver: { name: 't', rules: [{ id: 'r', shortDescription: { text: 's' } }] } },
          results: [
            {
              message: { text: 'm' },
              locations: [{ physicalLocation: { artifactLocation: { uri: 'file:///abs/a.onnx' } } }],
            },
          ],
        },
      ],
    };
    assert.ok(!validate({ ...bad, version: '2.0.0' }), 'the schema refuses another version');
    assert.deepEqual(githubUploadProblems(bad), [
      'rule r: description missing or too long',
      'rule r: no help text',
      'rule r: no help URI',
      'no run category (automationDetails.id)',
      'a result without fingerprint',
      'not a relative URI under a base id: {"uri":"file:///abs/a.onnx"}',
    ]);
  });
});
