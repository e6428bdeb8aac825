// Writes a trained network (a plain NetworkRecord) as a self-contained PyTorch script: an nn.Sequential with the same
// layers and the same dropout placement (nn.Dropout, nn.Dropout1d/2d for spatial, nn.AlphaDropout, small
// modules for inference-scale and Gaussian dropout and Gaussian noise; MC-dropout layers stay random in
// eval mode), the feature standardisation in front, a softmax the loss absorbed put back at the end, and
// the trained weights embedded as one base64 little-endian float32 blob with a name/shape/offset table,
// DropConnect and dropout schedules for training. The program below the network (pytorch-runner.ts)
// (pytorch-data.ts reads the data) predicts (`--predict rows.json`), trains on one process or under torchrun (`--train DATA`) and runs MC
// dropout (`--mc T --data DATA`), with the model's training spec as its defaults.
import { randomAtInference } from '../model/ir';
import type { LayerSpec, NetworkRecord } from '../model/network-spec';
import { resolveTraining, type TrainingSpec } from '../model/training-spec';
import { PYTORCH_DATA } from './pytorch-data';
import { PYTORCH_RUNNER } from './pytorch-runner';
import { ScriptExportError, WeightBlob, docTitle, pyFloat as num, walkNetwork } from './python-script';

export interface PytorchExportOptions {
  name: string;
  /** Append a Softmax (the network outputs logits because the loss applied it). */
  softmax: boolean;
  standardization?: { mean: number[]; std: number[] };
  /** The defaults of the script's --train (the schema's when absent). */
  training?: TrainingSpec;
}

function activation(spec: Extract<LayerSpec, { type: 'activation' }>): string {
  switch (spec.activation) {
    case 'relu':
      return 'nn.ReLU()';
    case 'leaky-relu':
      return `nn.LeakyReLU(${num(spec.alpha ?? 0.01)})`;
    case 'elu':
      return `nn.ELU(${num(spec.alpha ?? 1)})`;
    case 'selu':
      return 'nn.SELU()';
    case 'gelu':
      return 'nn.GELU()';
    case 'tanh':
      return 'nn.Tanh()';
    case 'sigmoid':
      return 'nn.Sigmoid()';
    case 'softmax':
      return 'nn.Softmax(dim=-1)';
  }
}

function dropout(spec: Extract<LayerSpec, { type: 'dropout' }>, inputShape: number[]): string {
  const p = num(spec.rate);
  let module: string;
  switch (spec.variant) {
    case 'standard':
      module = spec.scaling === 'inference-scale' ? `ClassicDropout(${p})` : `nn.Dropout(${p})`;
      break;
    case 'spatial':
      // One mask per sample and channel: [C, L] → Dropout1d, [C, H, W] → Dropout2d.
      module =
        inputShape.length === 3
          ? `nn.Dropout2d(${p})`
          : inputShape.length === 2
            ? `nn.Dropout1d(${p})`
            : `nn.Dropout(${p})`;
      break;
    case 'alpha':
      module = `nn.AlphaDropout(${p})`;
      break;
    case 'gaussian':
      module = `GaussianDropout(${p})`;
      break;
    case 'gaussian-noise':
      module = `GaussianNoise(${num(spec.stddev ?? 0)})`;
      break;
  }
  if (randomAtInference(spec)) module = `AlwaysOn(${module})`;
  const schedule = spec.schedule;
  return schedule && schedule.kind !== 'constant'
    ? `Scheduled(${module}, "${schedule.kind}", ${schedule.epoch})`
    : module;
}

/** The modules of one layer and which of them holds each engine tensor ("<tensor>": [offset, attribute]). */
function layerModules(
  spec: LayerSpec,
  inputShape: number[],
  outputShape: number[],
): { modules: string[]; params: Record<string, [number, string]> } {
  const n = spec.name;
  const size = inputShape.reduce((a, b) => a * b, 1);
  const bias = 'bias' in spec && spec.bias === false ? 'False' : 'True';
  const own = (offset: number, ...names: string[]) =>
    Object.fromEntries(names.map((s) => [`${n}.${s}`, [offset, s] as [number, string]]));
  switch (spec.type) {
    case 'dense': {
      // The engine's dense layer flattens whatever it gets.
      const flat = inputShape.length > 1 ? ['nn.Flatten()'] : [];
      const params = spec.bias !== false ? ['weight', 'bias'] : ['weight'];
      const linear = spec.dropConnect
        ? `DropConnectLinear(${size}, ${spec.units}, ${num(spec.dropConnect)}, bias=${bias})`
        : `nn.Linear(${size}, ${spec.units}, bias=${bias})`;
      return {
        modules: [...flat, linear],
        params: own(flat.length, ...params),
      };
    }
    case 'conv2d': {
      const k = spec.kernelSize;
      const pad =
        spec.padding === 'same' ? Math.floor(k / 2) : spec.padding === 'valid' ? 0 : (spec.padding ?? 0);
      const params = spec.bias !== false ? ['weight', 'bias'] : ['weight'];
      return {
        modules: [
          `nn.Conv2d(${inputShape[0]}, ${spec.filters}, ${k}, stride=${spec.stride ?? 1}, padding=${pad}, bias=${bias})`,
        ],
        params: own(0, ...params),
      };
    }
    case 'pool': {
      if (spec.pool === 'global-avg')
        return { modules: ['nn.AdaptiveAvgPool2d(1)', 'nn.Flatten()'], params: {} };
      const k = spec.poolSize ?? 2;
      const op = spec.pool === 'max' ? 'nn.MaxPool2d' : 'nn.AvgPool2d';
      return { modules: [`${op}(${k}, stride=${spec.stride ?? k})`], params: {} };
    }
    case 'flatten':
      return { modules: ['nn.Flatten()'], params: {} };
    case 'reshape':
      return { modules: [`Reshape(${JSON.stringify(outputShape)})`], params: {} };
    case 'batchnorm': {
      const op = inputShape.length === 3 ? 'nn.BatchNorm2d' : 'nn.BatchNorm1d';
      if (inputShape.length !== 1 && inputShape.length !== 3)
        throw new ScriptExportError(
          'PyTorch',
          `layer "${n}": BatchNorm of a rank-${inputShape.length} feature`,
        );
      return {
        modules: [`${op}(${inputShape[0]}, eps=${num(spec.eps ?? 1e-5)})`],
        params: own(0, 'weight', 'bias', 'running_mean', 'running_var'),
      };
    }
    case 'layernorm':
      return {
        modules: [`nn.LayerNorm(${inputShape[inputShape.length - 1]}, eps=${num(spec.eps ?? 1e-5)})`],
        params: own(0, 'weight', 'bias'),
      };
    case 'activation':
      return { modules: [activation(spec)], params: {} };
    case 'dropout':
      return { modules: [dropout(spec, inputShape)], params: {} };
  }
}

const PRELUDE = `import argparse
import base64
import csv
import json
import math
import os
import re
import sys

import numpy
import torch
import torch.distributed as dist
import torch.distributed.nn as dist_nn
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DistributedSampler


class ClassicDropout(nn.Module):
    """Dropout as first published: training keeps units unscaled, inference multiplies by 1 - p."""

    def __init__(self, p):
        super().__init__()
        self.p = p

    def forward(self, x):
        if self.training:
            return x * torch.bernoulli(torch.full_like(x, 1 - self.p))
        return x * (1 - self.p)


class GaussianDropout(nn.Module):
    """Multiplicative Gaussian noise N(1, p / (1 - p)) in training; identity in eval mode."""

    def __init__(self, p):
        super().__init__()
        self.p = p

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        return x * (1 + math.sqrt(self.p / (1 - self.p)) * torch.randn_like(x))


class GaussianNoise(nn.Module):
    """Additive Gaussian noise of standard deviation sigma in training; identity in eval mode."""

    def __init__(self, sigma):
        super().__init__()
        self.sigma = sigma

    def forward(self, x):
        return x + self.sigma * torch.randn_like(x) if self.training else x


class AlwaysOn(nn.Module):
    """Keeps a dropout layer random in eval mode too (MC dropout)."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        self.inner.train(True)
        return self.inner(x)


class Scheduled(nn.Module):
    """A dropout layer on a schedule (Liu et al., ICML 2023): "early" is on in epochs 0 .. epoch - 1 only,
    "late" from epoch on. --train switches it each epoch; otherwise it is on."""

    def __init__(self, inner, kind, epoch):
        super().__init__()
        self.inner, self.kind, self.epoch, self.on = inner, kind, epoch, True

    def active(self, epoch):
        return epoch < self.epoch if self.kind == "early" else epoch >= self.epoch

    def forward(self, x):
        return self.inner(x) if self.on else x


class DropConnectLinear(nn.Linear):
    """nn.Linear with DropConnect (Wan et al. 2013): in training each weight is dropped with probability p
    and the rest scaled by 1 / (1 - p), one mask a batch, or one a row (per_row, for MC dropout)."""

    def __init__(self, in_features, out_features, p, bias=True):
        super().__init__(in_features, out_features, bias=bias)
        self.p, self.per_row = p, False

    def forward(self, x):
        keep = 1 - self.p
        if not self.training or self.p == 0:
            return super().forward(x)
        if not self.per_row:
            mask = torch.bernoulli(torch.full_like(self.weight, keep))
            return nn.functional.linear(x, self.weight * mask / keep, self.bias)
        masks = torch.bernoulli(torch.full((x.shape[0], *self.weight.shape), keep, device=x.device))
        y = torch.einsum("ni,noi->no", x, masks * self.weight) / keep
        return y if self.bias is None else y + self.bias


class Reshape(nn.Module):
    def __init__(self, shape):
        super().__init__()
        self.shape = shape

    def forward(self, x):
        return x.reshape(x.shape[0], *self.shape)


class Standardize(nn.Module):
    """(x - mean) / std with the training set's per-feature statistics; raw features go in."""

    def __init__(self, mean, std, shape):
        super().__init__()
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32).reshape(shape))
        self.register_buffer("std", torch.tensor(std, dtype=torch.float32).reshape(shape))

    def forward(self, x):
        return (x - self.mean) / self.std
`;

/** The Python source; `net` carries the trained weights. */
export function writePytorch(net: NetworkRecord, options: PytorchExportOptions): string {
  const modules: string[] = [];
  const table: string[] = [];
  const blob = new WeightBlob();
  if (options.standardization) {
    const { mean, std } = options.standardization;
    modules.push(
      `Standardize(${JSON.stringify(mean)}, ${JSON.stringify(std)}, ${JSON.stringify(net.inputShape)})`,
    );
  }
  for (const step of walkNetwork(net, 'PyTorch')) {
    const layer = layerModules(step.spec, step.inputShape, step.outputShape);
    for (const [tensorName, [at, attribute]] of Object.entries(layer.params)) {
      const t = step.tensor(attribute);
      table.push(
        `    ${JSON.stringify(tensorName)}: (${modules.length + at}, "${attribute}", ${JSON.stringify(t.shape)}, ${blob.add(t.value)}),`,
      );
    }
    modules.push(...layer.modules);
  }
  if (options.softmax) modules.push('nn.Softmax(dim=-1)');
  const training = options.training ?? resolveTraining(undefined, options.name);
  const defaults = {
    epochs: training.epochs,
    batchSize: training.batchSize,
    optimizer: training.optimizer,
    l2: training.l2,
    loss: training.loss,
    seed: training.seed,
    validationSplit: training.validationSplit,
    ...(training.maxNorm !== undefined ? { maxNorm: training.maxNorm } : {}),
    ...(training.labelColumn !== undefined ? { labelColumn: training.labelColumn } : {}),
  };
  const doc = `"""${docTitle(options.name)}: a network trained in Dropout Lens, as PyTorch.

Weights are embedded below (WEIGHTS: base64 of little-endian float32 values; WEIGHT_TABLE: tensor name ->
(module index, attribute, shape, offset in floats)). Raw features go in: the model standardises them.
  python3 model.py --predict rows.json         eval-mode predictions of raw input rows, as JSON
  python3 model.py --train data.csv [--epochs N] [--checkpoint model.pt]
  torchrun --nproc_per_node K model.py --train data.csv ...   the same with DistributedDataParallel
  python3 model.py --mc T --data data.csv      MC dropout (also under torchrun): dropout-lens mc's JSON
Data: a CSV (header, class column TRAINING["labelColumn"] or "label"), an .npy (labels from <name>.labels.npy
or x.npy -> y.npy) or .npz (x, y), or a folder of images in class subfolders (resized to the input's H x W
with Pillow's bilinear filter, scaled to [0, 1], channels first). --train defaults come from TRAINING.
Seeds: under torchrun (K processes, gloo on CPU, nccl with CUDA) every process starts from the embedded
weights, takes every K-th row of DistributedSampler's permutation (seed + epoch) in batches of
batchSize / K (K must divide batchSize), normalises batch norm over the global batch, and draws its dropout
masks after torch.manual_seed(seed + rank); process 0 alone prints and writes --checkpoint. Without
dropout, K processes take the one-process steps. --mc draws sample i's masks after torch.manual_seed(seed + i), whichever process
runs it, and all-reduces sums and counts, so 1 and K processes agree within float rounding.
"""
`;
  return [
    doc,
    PRELUDE,
    `\nINPUT_SHAPE = ${JSON.stringify(net.inputShape)}\n`,
    `SOFTMAX_APPENDED = ${options.softmax ? 'True' : 'False'}\n`,
    // A JSON string is a Python string literal too; json.loads keeps JSON's true / false / null readable.
    `TRAINING = json.loads(${JSON.stringify(JSON.stringify(defaults))})\n`,
    `\n\ndef make_model():\n    return nn.Sequential(\n${modules.map((m) => `        ${m},\n`).join('')}    )\n`,
    `\n\nWEIGHT_TABLE = {\n${table.join('\n')}\n}\n`,
    `\n${blob.python()}`,
    PYTORCH_DATA,
    PYTORCH_RUNNER,
  ].join('');
}
