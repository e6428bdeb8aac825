// The rule registry, sorted by id. A unit test checks that every rule has docs and tests.
import type { Rule } from '../rule';
import { alphaDropoutWithoutSelu } from './alpha-dropout-without-selu';
import { alphaRateTooHigh } from './alpha-rate-too-high';
import { attentionRateUnusual } from './attention-rate-unusual';
import { batchnormTrainingMode } from './batchnorm-training-mode';
import { consecutiveDropout } from './consecutive-dropout';
import { convRateTooHigh } from './conv-rate-too-high';
import { convStandardDropout } from './conv-standard-dropout';
import { dropconnectDeterministic } from './dropconnect-deterministic';
import { dropoutActiveAtInference } from './dropout-active-at-inference';
import { dropoutAfterOutput } from './dropout-after-output';
import { dropoutBeforeBatchnorm } from './dropout-before-batchnorm';
import { dropoutBeforeMaxpool } from './dropout-before-maxpool';
import { dropoutMaskConsumed } from './dropout-mask-consumed';
import { dropoutOnLogits } from './dropout-on-logits';
import { gaussianRateInvalid } from './gaussian-rate-invalid';
import { inferenceNoopDropout } from './inference-noop-dropout';
import { inferenceScalingMismatch } from './inference-scaling-mismatch';
import { inputRateTooHigh } from './input-rate-too-high';
import { keepProbConfusion } from './keep-prob-confusion';
import { largeDenseWithoutDropout } from './large-dense-without-dropout';
import { legacyIsTest } from './legacy-is-test';
import { randomOpAtInference } from './random-op-at-inference';
import { rateOutOfRange } from './rate-out-of-range';
import { rateTooHigh } from './rate-too-high';
import { rateZero } from './rate-zero';
import { recurrentDropout } from './recurrent-dropout';
import { seluNeedsAlphaDropout } from './selu-needs-alpha-dropout';
import { smallLayerHeavyDropout } from './small-layer-heavy-dropout';
import { spatialDropoutRank } from './spatial-dropout-rank';

export const RULES: readonly Rule[] = [
  alphaDropoutWithoutSelu,
  alphaRateTooHigh,
  attentionRateUnusual,
  batchnormTrainingMode,
  consecutiveDropout,
  convRateTooHigh,
  convStandardDropout,
  dropconnectDeterministic,
  dropoutActiveAtInference,
  dropoutAfterOutput,
  dropoutBeforeBatchnorm,
  dropoutBeforeMaxpool,
  dropoutMaskConsumed,
  dropoutOnLogits,
  gaussianRateInvalid,
  inferenceNoopDropout,
  inferenceScalingMismatch,
  inputRateTooHigh,
  keepProbConfusion,
  largeDenseWithoutDropout,
  legacyIsTest,
  randomOpAtInference,
  rateOutOfRange,
  rateTooHigh,
  rateZero,
  recurrentDropout,
  seluNeedsAlphaDropout,
  smallLayerHeavyDropout,
  spatialDropoutRank,
].sort((a, b) => a.meta.id.localeCompare(b.meta.id));
