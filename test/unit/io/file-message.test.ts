// namingFile: an error about a file names it once, whatever form the message's own naming takes.
import * as assert from 'node:assert/strict';
import { namingFile } from '../../../src/core/io/file-message';

describe('namingFile', () => {
  it('keeps a message that starts with the path, adds the path to one that does not', () => {
    const path = 'models/m.nn.json';
    for (const named of [`${path}: not JSON`, `${path}:3:14: version: must be 1`, `${path} is 3 MB (…)`])
      assert.equal(namingFile(path, named), named);
    assert.equal(namingFile(path, 'ENOENT: no such file'), `${path}: ENOENT: no such file`);
    // Another file whose name merely starts with this one's is not this file.
    assert.equal(namingFile(path, `${path}.bak: not JSON`), `${path}: ${path}.bak: not JSON`);
  });
});
