// What the data chooser lists, read with asynchronous file access in the extension host: a folder of images with
// its class subfolders, a CSV's header columns and width, nothing for a file that is gone or of a kind the
// panel does not take, and the built-in sets with their widths (iris: 4 features, the 2-D sets: 2).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { builtinChoices, fileChoice, workspaceChoices } from '../../src/extension/data/choices';
import { copyFixture, workspaceFile } from './helpers';

const log = vscode.window.createOutputChannel('Dropout Lens choices test', { log: true });
const ALL = ['builtin', 'synthetic', 'csv', 'npy', 'images'] as const;

describe('data choices', () => {
  before(async () => {
    for (const c of ['circle', 'square', 'stripes'])
      await copyFixture(`test/fixtures/mc-images/images/${c}/${c}-0.png`, `choices/images/${c}/${c}-0.png`);
    await vscode.workspace.fs.writeFile(
      workspaceFile('choices/table.csv'),
      new TextEncoder().encode('a,b,c,label\n1,2,3,0\n'),
    );
  });
  after(() => log.dispose());

  it('lists a folder of images with its classes, only where the panel takes images', async () => {
    const folder = workspaceFile('choices/images').fsPath;
    const choice = await fileChoice(folder, log, ALL);
    assert.equal(choice?.kind, 'images');
    assert.match(choice.label, /^choices\/images\/ \(images, 3 classes\)$/);
    assert.equal(await fileChoice(folder, log, ['builtin', 'csv']), undefined);
  });

  it("lists a CSV with its header's columns and features, and nothing for a file that is gone", async () => {
    const choice = await fileChoice(workspaceFile('choices/table.csv').fsPath, log, ALL);
    assert.deepEqual(
      { kind: choice?.kind, columns: choice?.columns, features: choice?.features },
      { kind: 'csv', columns: ['a', 'b', 'c', 'label'], features: 3 },
    );
    assert.equal(await fileChoice(workspaceFile('choices/gone.csv').fsPath, log, ALL), undefined);
    const listed = await workspaceChoices(log, ['csv']);
    assert.ok(listed.some((c) => c.spec === workspaceFile('choices/table.csv').fsPath));
    assert.ok(listed.every((c) => c.kind === 'csv'));
  });

  it('lists the built-in sets with their widths', async () => {
    const builtins = await builtinChoices();
    const width = (spec: string) => builtins.find((c) => c.spec === spec)?.features;
    assert.equal(width('builtin:iris'), 4);
    assert.equal(width('builtin:digits'), 64);
    assert.equal(width('builtin:moons'), 2);
  });
});
