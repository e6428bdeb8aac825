// A Keras user's own file in real VS Code: a `.keras` opens in the model view (its default editor), its
// finding is in the Problems panel naming the layer, and a click on it selects that layer in the view.
import * as assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { webviewFrame } from './webview';
import { openWithProblem, problemRows, screenshot, openWorkbench, type Workbench } from './workbench';

const FIXTURE = resolve(__dirname, '../../../test/fixtures/keras/mnist_cnn.keras');
const MODEL = 'mnist_cnn.keras';
/** The TensorFlow.js version of this model reports the same finding on its first Dropout. */
const FINDING = 'dropout: Element-wise dropout on a convolutional feature map';

describe('e2e: a .keras file', () => {
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench();
    cpSync(FIXTURE, join(wb.workspace, MODEL));
  });
  after(async () => {
    await wb?.close();
  });

  it('opens in the model view with its finding in the Problems panel; a click selects the layer', async () => {
    const { page } = wb;
    await openWithProblem(page, MODEL, FINDING);
    await webviewFrame(page, `.model-header .muted:text-is("${MODEL}")`);
    assert.equal(await problemRows(page, 'conv-standard-dropout').count(), 1, 'one finding');
    await problemRows(page, FINDING).first().click();
    const view = await webviewFrame(page, 'svg.graph g.node.selected[data-id="dropout"]');
    assert.match(await view.locator('.details h2').innerText(), /dropout/);
    await screenshot(page, 'keras-model-view');
  });
});
