// The per-file report of `dropout-lens lint` (the JSON output; text and SARIF are written from it). Its
// ranges are the ones the editor shows: both come from toWireLintResult's projection.
import type { WireLintResult, WireRange } from '../core/lint/wire-lint';

export interface JsonFileReport {
  file: string;
  format: string | null;
  findings: { rule: string; severity: string; message: string; layer: string; range?: WireRange }[];
  error?: string;
}

// A copy with the keys in the JSON output's order.
const jsonRange = ({ start, end, offset, length }: WireRange): WireRange => ({ start, end, offset, length });

export function toJsonReport(result: WireLintResult, file: string): JsonFileReport {
  return {
    file,
    format: result.format ?? null,
    findings: result.findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      message: f.message,
      layer: f.layer,
      ...(f.range ? { range: jsonRange(f.range) } : {}),
    })),
    ...(result.error ? { error: result.error.message } : {}),
  };
}
