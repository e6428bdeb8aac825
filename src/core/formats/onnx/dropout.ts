// ONNX Dropout in each of its op set forms, normalised to a DropoutSpec (docs/Changelog.md, Dropout-1
// to Dropout-22):
//   1, 6:   `ratio` attribute (default 0.5) and `is_test` attribute (default 0);
//   7, 10:  `ratio` attribute only: the op is an identity at inference;
//   12, 13, 22: `ratio` and `training_mode` are optional inputs (defaults 0.5 and false), which may come
//           from an initializer, a Constant node or a graph input the caller feeds.
// Every form scales kept units by 1 / (1 - ratio) while training ("inverted" dropout).
import type { DropoutOrigin, DropoutSpec } from '../../model/ir';
import { shortestFloat32 } from './tensors';

export type ConstantOrigin = 'initializer' | 'constant';

/** What the Dropout normaliser needs to know about the node and the tensors it reads. */
export interface DropoutNode {
  opsetVersion: number;
  attributes: Record<string, unknown>;
  /** The node's input names ('' for an omitted optional input). */
  inputs: string[];
  /** A small constant's values and where it comes from, or undefined when the tensor is not constant. */
  constant(name: string): { values: number[] | undefined; from: ConstantOrigin } | undefined;
  isGraphInput(name: string): boolean;
}

const DEFAULT_RATIO = 0.5;

export function onnxDropoutSpec(node: DropoutNode): DropoutSpec {
  const origin: DropoutOrigin = {
    op: 'Dropout',
    opsetVersion: node.opsetVersion,
    // Set by the reader once every node is known: another node or a graph output reads the mask.
    maskConsumed: false,
  };
  const spec: DropoutSpec = {
    variant: 'standard',
    rate: DEFAULT_RATIO,
    scaling: 'inverted',
    mode: 'train-only',
    origin,
  };
  if (node.opsetVersion < 12) {
    readRatioAttribute(node, spec);
    // Dropout-1/-6 run in training mode unless is_test is set; runtimes treat them as identities at
    // inference anyway (onnxruntime starts at op set 7), so the flag is kept for the legacy-is-test
    // rule instead of changing the mode.
    if (node.opsetVersion < 7)
      origin.isTest = typeof node.attributes.is_test === 'number' ? node.attributes.is_test : null;
    return spec;
  }
  readRatioInput(node, spec);
  readTrainingMode(node, spec);
  return spec;
}

function readRatioAttribute(node: DropoutNode, spec: DropoutSpec): void {
  const ratio = node.attributes.ratio;
  if (ratio === undefined) {
    spec.origin.rateSource = 'default';
  } else {
    spec.origin.rateSource = 'attribute';
    setRate(spec, ratio);
  }
}

function readRatioInput(node: DropoutNode, spec: DropoutSpec): void {
  const name = node.inputs[1] ?? '';
  if (name === '') {
    spec.origin.rateSource = 'default';
    return;
  }
  const constant = node.constant(name);
  if (constant) {
    spec.origin.rateSource = constant.from;
    setRate(
      spec,
      constant.values?.length === 1 ? shortestFloat32(constant.values[0] as number) : constant.values,
    );
  } else {
    // Fed at run time (a graph input) or computed by other nodes: unknown here.
    if (node.isGraphInput(name)) spec.origin.rateSource = 'graph-input';
    spec.rate = NaN;
    spec.rawRate = { tensor: name };
  }
}

function readTrainingMode(node: DropoutNode, spec: DropoutSpec): void {
  const name = node.inputs[2] ?? '';
  if (name === '') {
    spec.origin.trainingModeSource = 'default';
    return;
  }
  const constant = node.constant(name);
  if (constant) {
    spec.origin.trainingModeSource = constant.from;
    // training_mode = true makes the node random when the graph runs for inference.
    if (constant.values?.length === 1 && constant.values[0] !== 0) spec.mode = 'inference-active';
  } else if (node.isGraphInput(name)) {
    spec.origin.trainingModeSource = 'graph-input';
  }
}

function setRate(spec: DropoutSpec, value: unknown): void {
  if (typeof value === 'number' && Number.isFinite(value)) {
    spec.rate = value;
  } else {
    spec.rate = NaN;
    spec.rawRate = value;
  }
}
