// Runs every enabled rule over a graph and returns findings with their final severity and range.
import { GraphIndex } from '../model/graph-index';
import type { Graph } from '../model/ir';
import type { LintConfig } from './config';
import type { Finding } from './rule';
import { RULES } from './rules';

export function lintGraph(graph: Graph, config: LintConfig = { rules: {} }): Finding[] {
  const context = { graph, index: new GraphIndex(graph) };
  const findings: Finding[] = [];
  for (const rule of RULES) {
    const setting = config.rules[rule.meta.id] ?? rule.meta.severity;
    if (setting === 'off') continue;
    for (const report of rule.check(context)) {
      findings.push({
        ...report,
        range: report.range ?? report.layer.source.range,
        rule: rule.meta.id,
        severity: setting,
      });
    }
  }
  return findings;
}

export const RULE_IDS: ReadonlySet<string> = new Set(RULES.map((r) => r.meta.id));
