// Model file names: which files are models, and what a model with no name of its own is called.
import * as assert from 'node:assert/strict';
import {
  isBinaryModelFileName,
  isModelFileName,
  modelNameFromPath,
  MODEL_FILE_GLOB,
  nameClaimsModel,
} from '../../../src/core/formats/model-file-name';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { openModel } from '../../../src/core/formats/detect';

describe('model file names', () => {
  it('knows model files by name alone', () => {
    for (const name of ['a.nn.json', 'net.onnx', 'model.json', 'mobilenet.model.json'])
      assert.ok(isModelFileName(name), name);
    for (const name of ['package.json', 'a.json', 'weights.bin', 'model.json.bak'])
      assert.ok(!isModelFileName(name), name);
  });

  it('tells binary model files (ONNX, Keras zip and HDF5) from text ones, and which names claim a model', () => {
    for (const name of ['net.onnx', 'net.keras', 'net.h5']) {
      assert.ok(isModelFileName(name) && isBinaryModelFileName(name), name);
      assert.ok(MODEL_FILE_GLOB.includes(`*${name.slice(3)}`), name);
    }
    for (const name of ['a.nn.json', 'model.json', 'net.keras.bak', 'weights.bin'])
      assert.ok(!isBinaryModelFileName(name), name);
    // Errors are shown for these; a model.json or an .h5 may as well be other JSON or HDF5 data.
    assert.deepEqual(
      ['a.nn.json', 'net.onnx', 'net.keras', 'model.json', 'a.model.json', 'data.h5'].filter(nameClaimsModel),
      ['a.nn.json', 'net.onnx', 'net.keras'],
    );
  });

  it('calls a nameless model by its file stem, a TensorFlow.js model.json by its folder', () => {
    assert.equal(modelNameFromPath('/w/models/resnet.onnx'), 'resnet');
    assert.equal(modelNameFromPath('/w/models/small.nn.json'), 'small');
    assert.equal(modelNameFromPath('/w/nsfwjs/model.json'), 'nsfwjs');
    assert.equal(modelNameFromPath('C:\\models\\mobilenet\\model.json'), 'mobilenet');
    assert.equal(modelNameFromPath('model.json'), 'model');
    assert.equal(modelNameFromPath('/w/m/my.model.json'), 'my');
  });

  it('names the converter-made nsfwjs graph model (it has no name of its own) after its folder', () => {
    const graph = openModel(nodeModelSource('test/fixtures/tfjs-graph-nsfwjs-mobilenet_v2_mid/model.json'));
    assert.equal(graph.name, 'tfjs-graph-nsfwjs-mobilenet_v2_mid');
  });
});
