// Checks a parsed .nn.json against media/nn.schema.json, the same schema VS Code uses for completion and
// hover, and turns the first problem into a ModelFormatError at the exact place in the file.
import Ajv, { type AnySchemaObject, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Node } from 'jsonc-parser';
import schema from '../../../../media/nn.schema.json';
import { nodeAtPointer, pointerLabel, propertyKeyNode, type JsonErrors } from '../json-text';
import type { ModelFormatError } from '../reader';

let compiled: ValidateFunction | undefined;

/** Compiled on first use, so loading the reader (e.g. at extension activation) costs nothing. */
function validator(): ValidateFunction {
  if (compiled === undefined) {
    // strictTypes off: `if` sub-schemas test one property without repeating "type": "object".
    const ajv = new Ajv({ allErrors: true, verbose: true, strictTypes: false });
    ajv.addVocabulary(['markdownDescription', 'defaultSnippets', 'patternErrorMessage']);
    compiled = ajv.compile(schema as AnySchemaObject);
  }
  return compiled;
}

/**
 * Dropout rates and noise levels are left to the linter (rate-out-of-range explains the problem and
 * offers a fix), so a rate of 1.5, "0.5", a stddev of -1 or a missing rate still gives a graph; the schema flags them in the editor too.
 */
const NOISE_PROPERTIES: Record<string, true> = { rate: true, stddev: true };

function leftToLinter(e: ErrorObject): boolean {
  if (/^\/layers\/\d+\/(rate|dropconnect|stddev)$/.test(e.instancePath)) return true;
  return (
    e.keyword === 'required' &&
    /^\/layers\/\d+$/.test(e.instancePath) &&
    ((e.params as { missingProperty?: string }).missingProperty ?? '') in NOISE_PROPERTIES
  );
}

/** The first schema violation as a located error, or undefined when the value fits the schema. */
export function schemaError(value: unknown, root: Node, errors: JsonErrors): ModelFormatError | undefined {
  const validate = validator();
  if (validate(value)) return undefined;
  // `if` errors only repeat that a `then` failed; the failure itself is listed too.
  const problems = (validate.errors ?? []).filter((e) => e.keyword !== 'if' && !leftToLinter(e));
  // A wrong "format" means the file is not ours at all: say that first. A misspelt key also shows up as
  // a missing required one: "unknown property" is the more useful of the two.
  const first =
    problems.find((e) => e.instancePath === '/format') ??
    problems.find((e) => e.keyword === 'additionalProperties') ??
    problems[0];
  if (first === undefined) return undefined;
  return locate(first, root, errors);
}

function locate(e: ErrorObject, root: Node, errors: JsonErrors): ModelFormatError {
  const node = nodeAtPointer(root, e.instancePath);
  const label = pointerLabel(e.instancePath) || 'the model';
  const params = e.params as Record<string, unknown>;
  const parent = e.parentSchema as Record<string, unknown> | undefined;
  switch (e.keyword) {
    case 'required':
      return errors.at(node, `${label}: missing required property "${String(params.missingProperty)}"`);
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((parent?.properties as object | undefined) ?? {}).join(', ');
      return errors.at(
        propertyKeyNode(node, key) ?? node,
        `${label}: unknown property "${key}"${allowed ? `; allowed here: ${allowed}` : ''}`,
      );
    }
    case 'enum':
      return errors.at(
        node,
        `${label}: ${show(e.data)} is not one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      );
    case 'const':
      return errors.at(node, `${label}: must be ${JSON.stringify(params.allowedValue)}, not ${show(e.data)}`);
    case 'pattern':
      return errors.at(
        node,
        `${label}: ${String(parent?.patternErrorMessage ?? e.message)} Found ${show(e.data)}.`,
      );
    default:
      return errors.at(node, `${label}: ${e.message ?? 'is invalid'} (found ${show(e.data)})`);
  }
}

/** A short rendering of a JSON value for messages. */
function show(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value !== null && typeof value === 'object') return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
