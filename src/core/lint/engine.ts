// Runs every enabled rule over a graph and returns findings with their final severity and range.
import { GraphIndex } from '../model/graph-index';
import type { Graph } from '../model/ir';
import type { LintConfig } from './config';
import type { Finding } from './rule';
import { RULES } from './rules';

/** `text` is the file's text for text formats; fixes that move or insert layers need it. */
export function lintGraph(graph: Graph, config: LintConfig = { rules: {} }, text?: string): Finding[] {
  const context = { graph, index: new GraphIndex(graph), ...(text !== undefined ? { text } : {}) };
  const findings: Finding[] = [];
  for (const rule of RULES) {
    const setting = config.rules[rule.meta.id];
    if (setting === 'off') continue;
    for (const report of rule.check(context)) {
      const where = report.layer.source.subgraph;
      findings.push({
        ...report,
        // A layer of an If / Loop / Scan subgraph: its name alone may not find it in the file.
        ...(where === undefined ? {} : { message: `${report.message} (Inside subgraph ${where}.)` }),
        range: report.range ?? report.layer.source.range,
        rule: rule.meta.id,
        severity: setting ?? report.severity ?? rule.meta.severity,
      });
    }
  }
  return findings;
}

export const RULE_IDS: ReadonlySet<string> = new Set(RULES.map((r) => r.meta.id));
