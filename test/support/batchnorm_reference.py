#!/usr/bin/python3
"""References for the BatchNormalization Fix and Save As test, from PyTorch and the onnx package:

  export resnet18 OPSET OUT.onnx      torchvision resnet18 (random weights) exported in training mode,
                                      with a dynamic batch axis
  verify ARCH ORIGINAL.onnx FIXED.onnx INPUT.json
                                      {"checked": true, "output": [...]}: onnx.checker.check_model with
                                      full_check (shape inference too) accepts FIXED.onnx, and the output is
                                      the torch model's eval-mode output for INPUT.json, with the weights and
                                      running statistics read from ORIGINAL.onnx's initializers; ARCH is
                                      resnet18 or bn_net (test/fixtures/onnx-torch/rules/generate.py)

Run with Debian's python3-torch, python3-torchvision and python3-onnx (/usr/bin/python3).
"""
import importlib.util
import json
import os
import sys
import warnings

import onnx
import torch
import torchvision
from onnx import numpy_helper

warnings.filterwarnings('ignore')
HERE = os.path.dirname(os.path.abspath(__file__))


def arch(name):
    if name == 'resnet18':
        return torchvision.models.resnet18(weights=None)
    path = os.path.join(HERE, '..', 'fixtures', 'onnx-torch', 'rules', 'generate.py')
    spec = importlib.util.spec_from_file_location('generate', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name)()


def export(name, opset, out):
    torch.manual_seed(0)
    model = arch(name).train()
    torch.onnx.export(model, torch.randn(2, 3, 32, 32), out, opset_version=int(opset),
                      training=torch.onnx.TrainingMode.TRAINING, input_names=['input'], output_names=['output'],
                      dynamic_axes={'input': {0: 'N'}, 'output': {0: 'N'}})


def evaluate(name, path, input_path):
    """The torch model's eval-mode output (a flat list) with the file's weights and statistics."""
    model = arch(name)
    state = model.state_dict()
    initializers = onnx.load(path).graph.initializer
    for t in initializers:
        if t.name in state:
            state[t.name] = torch.from_numpy(numpy_helper.to_array(t).copy())
    # Every weight and running statistic must come from the file; only the batch counter may not.
    names = {t.name for t in initializers}
    missing = [k for k in state if not k.endswith('num_batches_tracked') and k not in names]
    if missing:
        sys.exit(f'initializers missing for {missing[:5]}')
    model.load_state_dict(state)
    with open(input_path) as f:
        data = json.load(f)
    x = torch.tensor(data['values'], dtype=torch.float32).reshape(data['shape'])
    with torch.no_grad():
        return model.eval()(x).flatten().tolist()


def main():
    command, *args = sys.argv[1:]
    if command == 'export':
        export(*args)
    elif command == 'verify':
        name, original, fixed, input_path = args
        onnx.checker.check_model(onnx.load(fixed), full_check=True)
        print(json.dumps({'checked': True, 'output': evaluate(name, original, input_path)}))


if __name__ == '__main__':
    main()
