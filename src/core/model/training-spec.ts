// The training spec: its type (generated, training-spec-types.ts) and its defaults both come from
// media/nn.schema.json, the schema the editor shows for completion and hover; ajv fills the defaults in.
// A model without a training block (ONNX, TensorFlow.js) gets every default and names its data
// elsewhere (the CLI's --data, the panel's choice).
import Ajv, { type AnySchemaObject, type ValidateFunction } from 'ajv';
import schema from '../../../media/nn.schema.json';
import type { Graph } from './ir';
import type { TrainingSpec } from './training-spec-types';

export type { TrainingOptimizer, TrainingSpec } from './training-spec-types';

let compiled: ValidateFunction | undefined;

/** Compiled on first use: loading this module (e.g. at extension activation) costs nothing. */
function validator(): ValidateFunction {
  if (compiled === undefined) {
    const ajv = new Ajv({ allErrors: true, useDefaults: true, strictTypes: false });
    ajv.addVocabulary(['markdownDescription', 'defaultSnippets', 'patternErrorMessage']);
    ajv.addSchema(schema as AnySchemaObject);
    compiled = ajv.compile({ $ref: `${(schema as { $id: string }).$id}#/definitions/training` });
  }
  return compiled;
}

/**
 * The training spec of a model's `training` block (undefined: none) with the schema's defaults filled
 * in. A block the schema refuses is an error naming the field.
 */
export function resolveTraining(training: unknown, model: string): TrainingSpec {
  if (
    training !== undefined &&
    (training === null || typeof training !== 'object' || Array.isArray(training))
  )
    throw new Error(`${model}: "training" must be an object`);
  const spec = structuredClone(training ?? {}) as Record<string, unknown>;
  const validate = validator();
  validate(spec);
  // Only a model file must name its data: without one, the caller names it.
  const problem = (validate.errors ?? []).find(
    (e) =>
      e.keyword !== 'if' &&
      !(e.keyword === 'required' && e.instancePath === '' && e.params.missingProperty === 'data'),
  );
  if (problem)
    throw new Error(
      `${model}: training${problem.instancePath.replaceAll('/', '.')} ${problem.message ?? 'is invalid'}`,
    );
  return spec as unknown as TrainingSpec;
}

/** The training spec of a model read from a file (its `meta.training`, as written). */
export function trainingSpec(graph: Pick<Graph, 'meta' | 'name'>): TrainingSpec {
  return resolveTraining(graph.meta.training, graph.name);
}
