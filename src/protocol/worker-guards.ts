// Validation of the messages the engine worker receives. The extension host is the only sender, but a
// malformed request must become an error reply naming the field, never an exception inside a job.
import {
  isArrayOf,
  isBool,
  isInt,
  isObj,
  isRecordOf,
  isShortString,
  isStr,
  optional,
  preview,
  type Obj,
} from './guards';
import { isExperiment } from './train-panel';
import type { EngineFault, FromWorker, JobKind, ToWorker } from './worker';

const SEVERITIES = ['off', 'hint', 'info', 'warning', 'error'];
const MAX_SEED = 2 ** 32 - 1;

const isLintConfig = (v: unknown) =>
  isObj(v) && isRecordOf(v.rules, (s): s is string => isStr(s) && SEVERITIES.includes(s));
const isNumbers = (v: unknown): v is number[] => isArrayOf(v, (x): x is number => typeof x === 'number');

const FAULTS: readonly EngineFault[] = ['throw', 'exit', 'oom', 'hang'];

/** Per job kind: each field's check (fields the job does not read are left alone). */
const REQUESTS: { [K in JobKind]: Record<string, (v: unknown) => boolean> } = {
  lint: { files: (v) => isArrayOf(v, isShortString), config: isLintConfig },
  train: {
    model: isShortString,
    data: (v) => optional(v, isShortString),
    labelColumn: (v) => optional(v, isShortString),
    epochs: (v) => optional(v, (x) => isInt(x, 1, 100_000)),
    seed: (v) => optional(v, (x) => isInt(x, 0, MAX_SEED)),
    experiment: (v) => optional(v, isExperiment),
    boundary: (v) => optional(v, (b) => isObj(b) && isInt(b.size, 2, 512) && isInt(b.every, 1, 100_000)),
  },
  evaluate: {
    model: isShortString,
    data: (v) => optional(v, isShortString),
    seed: (v) => optional(v, (x) => isInt(x, 0, MAX_SEED)),
    weights: (v) => isRecordOf(v, isNumbers),
  },
  model: {
    path: isShortString,
    bytes: (v) => optional(v, (b) => b instanceof Uint8Array),
    config: isLintConfig,
  },
  weights: { path: isShortString, layerId: isShortString },
  mc: {
    model: isShortString,
    data: (v) => optional(v, isShortString),
    passes: (v) => isInt(v, 1, 10_000_000),
    seed: (v) => isInt(v, 0, MAX_SEED),
    masks: (v) => v === 'fresh' || v === 'consistent',
    weights: (v) => optional(v, isShortString),
    train: (v) => optional(v, isBool),
  },
  fault: { fault: (v) => FAULTS.includes(v as EngineFault) },
  probe: { gc: isBool },
};

export type ParsedToWorker = { message: ToWorker } | { error: string; jobId?: number };

/** The message if it is a well-formed start or cancel, else what is wrong (and the job id, if it has one). */
export function parseToWorker(v: unknown): ParsedToWorker {
  if (!isObj(v)) return { error: 'a worker message must be an object' };
  const jobId = isInt(v.jobId, 1, Number.MAX_SAFE_INTEGER) ? v.jobId : undefined;
  if (jobId === undefined) return { error: 'a worker message needs a positive integer "jobId"' };
  if (v.type === 'cancel') return { message: { type: 'cancel', jobId } };
  if (v.type !== 'start') return { error: `unknown worker message type ${preview(v.type)}`, jobId };
  // A string first: Object.hasOwn converts any other key, and an object can refuse to convert.
  const kind = v.kind;
  if (typeof kind !== 'string' || !Object.hasOwn(REQUESTS, kind))
    return { error: `unknown job kind ${preview(kind)}`, jobId };
  if (!optional(v.maxFileBytes, (x) => isInt(x, 1, Number.MAX_SAFE_INTEGER)))
    return { error: '"maxFileBytes" must be a positive integer', jobId };
  const problem = requestProblem(kind as JobKind, v.request);
  if (problem) return { error: `${kind} request: ${problem}`, jobId };
  return { message: v as ToWorker };
}

function requestProblem(kind: JobKind, request: unknown): string | undefined {
  if (!isObj(request)) return 'the request must be an object';
  const fields = REQUESTS[kind];
  for (const [key, check] of Object.entries(fields))
    if (!check((request as Obj)[key])) return `field "${key}" is missing or invalid`;
  return undefined;
}

/** A reply from the worker names a job and one of the four outcomes (payloads are the worker's own). */
export function isFromWorker(v: unknown): v is FromWorker {
  if (!isObj(v) || !isInt(v.jobId, 1, Number.MAX_SAFE_INTEGER)) return false;
  switch (v.type) {
    case 'progress':
      return 'progress' in v;
    case 'done':
      return 'result' in v;
    case 'cancelled':
      return true;
    case 'error':
      return isStr(v.message);
    default:
      return false;
  }
}
