// Where a rule's documentation lives: `docs/rules/<id>.md` in the repository, and its public address
// (SARIF helpUri, the settings UI). The address matches package.json's `dropoutLens.rules` links.
export const RULE_DOCS_BASE = 'https://example.invalid/dropout-lens/blob/main/docs/rules/';

export function ruleDocsPath(id: string): string {
  return `docs/rules/${id}.md`;
}

export function ruleDocsUrl(id: string): string {
  return `${RULE_DOCS_BASE}${id}.md`;
}
