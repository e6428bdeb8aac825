// Every rule has meta, a docs page with the fixed headings, a test file, an entry in the settings, and an
// id from the catalogue; the registry is sorted.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { RULES } from '../../../src/core/lint/rules';
import { ruleDocsPath, ruleDocsUrl } from '../../../src/core/lint/rule-docs';

/** The catalogue's static rule ids (the two mc-* rules belong to the MC panel, not the linter). */
const CATALOGUE = [
  'alpha-dropout-without-selu',
  'alpha-rate-too-high',
  'attention-rate-unusual',
  'batchnorm-training-mode',
  'consecutive-dropout',
  'conv-rate-too-high',
  'conv-standard-dropout',
  'dropconnect-deterministic',
  'dropout-active-at-inference',
  'dropout-after-output',
  'dropout-before-batchnorm',
  'dropout-before-maxpool',
  'dropout-mask-consumed',
  'dropout-on-logits',
  'gaussian-rate-invalid',
  'inference-noop-dropout',
  'inference-scaling-mismatch',
  'input-rate-too-high',
  'keep-prob-confusion',
  'large-dense-without-dropout',
  'legacy-is-test',
  'random-op-at-inference',
  'rate-out-of-range',
  'rate-too-high',
  'rate-zero',
  'recurrent-dropout',
  'selu-needs-alpha-dropout',
  'small-layer-heavy-dropout',
  'spatial-dropout-rank',
];

const HEADINGS = [
  '## What it does',
  '## Why is this bad?',
  '## Why this severity',
  '## Example',
  '## Fix',
  '## Source',
];

interface RulesSetting {
  properties: Record<string, { enum: string[]; default: string; markdownDescription: string }>;
}

describe('rule registry', () => {
  const ids = RULES.map((r) => r.meta.id);

  it('holds exactly the catalogue, sorted', () => {
    assert.deepEqual(ids, CATALOGUE);
    assert.deepEqual([...ids].sort(), ids);
  });

  it('has no rule file outside the registry', () => {
    const files = readdirSync('src/core/lint/rules')
      .filter((f) => f !== 'index.ts')
      .map((f) => f.replace(/\.ts$/, ''));
    assert.deepEqual(files.sort(), ids);
  });

  for (const rule of RULES) {
    const { id } = rule.meta;
    describe(id, () => {
      it('has kebab-case id, one-sentence docs and a severity', () => {
        assert.match(id, /^[a-z]+(-[a-z]+)*$/);
        assert.match(rule.meta.docs, /^[A-Z].*\.$/);
        assert.ok(['error', 'warning', 'info', 'hint'].includes(rule.meta.severity));
      });

      it('has a docs page with the six headings, in order, and its default severity', () => {
        const page = readFileSync(ruleDocsPath(id), 'utf8');
        assert.ok(page.startsWith(`# ${id}\n`));
        const positions = HEADINGS.map((h) => page.indexOf(`\n${h}\n`));
        assert.ok(
          positions.every((p) => p > 0),
          `headings in ${ruleDocsPath(id)}`,
        );
        assert.deepEqual(
          [...positions].sort((a, b) => a - b),
          positions,
        );
        assert.ok(page.includes(`Default severity: **${rule.meta.severity}**`));
        // The index lists the rule with the same default severity as its page and its meta.
        assert.ok(
          readFileSync('docs/rules/README.md', 'utf8').includes(
            `[\`${id}\`](${id}.md) | ${rule.meta.severity} |`,
          ),
        );
      });

      it('has a test file with firing and non-firing cases', () => {
        const path = `test/unit/rules/${id}.test.ts`;
        assert.ok(existsSync(path), path);
        const text = readFileSync(path, 'utf8');
        assert.match(text, /it\('fires/);
        assert.match(text, /it\('(does not fire|accepts)/);
      });

      it('is a setting with its severities, default and docs link', () => {
        const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
        const setting = pkg.contributes.configuration.properties['dropoutLens.rules'] as RulesSetting;
        const entry = setting.properties[id];
        assert.ok(entry, `dropoutLens.rules.${id}`);
        assert.deepEqual(entry.enum, ['off', 'hint', 'info', 'warning', 'error']);
        assert.equal(entry.default, rule.meta.severity);
        assert.ok(entry.markdownDescription.includes(`(${ruleDocsUrl(id)})`));
      });
    });
  }
});
