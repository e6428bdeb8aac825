// The contract between the lint engine and the rules (one rule a file under rules/).
import type { GraphIndex } from '../model/graph-index';
import type { GraphEdit } from '../model/graph-edit';
import type { Graph, Layer, SourceRange } from '../model/ir';

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type SeveritySetting = Severity | 'off';

/** Replace `length` characters at `offset` with `newText` (text formats). */
export interface TextEdit {
  offset: number;
  length: number;
  newText: string;
}

export interface Fix {
  title: string;
  /** Safe fixes keep the model's meaning apart from the flagged problem; only they are preferred. */
  safe: boolean;
  /** Edits to the model file's text, for JSON formats; empty when the format has no text (ONNX). */
  edits: TextEdit[];
  /** The fix on the IR, when it can be described there (for formats without text). */
  graphEdits?: GraphEdit[];
}

export interface RelatedLocation {
  layer: Layer;
  message: string;
}

/** What a rule reports; the engine adds the rule id, final severity and resolved ranges. */
export interface Report {
  layer: Layer;
  message: string;
  /** The exact place, e.g. the `rate` value; defaults to the layer's range. */
  range?: SourceRange;
  related?: RelatedLocation[];
  fixes?: Fix[];
  /** The flagged layer does nothing (rendered faded in the editor). */
  unnecessary?: boolean;
  /** Overrides the rule's default severity for this finding (a user's setting still wins). */
  severity?: Severity;
}

export interface Finding extends Report {
  rule: string;
  severity: Severity;
}

export interface RuleMeta {
  /** Public, stable, kebab-case id from the rule catalogue. */
  id: string;
  severity: Severity;
  /** One sentence: what the rule checks. */
  docs: string;
  fixable: boolean;
}

export interface RuleContext {
  graph: Graph;
  index: GraphIndex;
  /** The file's text for text formats, so fixes that move or insert layers can copy it. */
  text?: string;
}

export interface Rule {
  meta: RuleMeta;
  check(context: RuleContext): Report[];
}
