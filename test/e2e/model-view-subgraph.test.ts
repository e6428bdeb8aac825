// Show Model on ONNX files whose Dropout sits in a subgraph: a scripted PyTorch If (the corpus's
// if_branches export) and a hand-written Dropout in a Loop body inside an If branch. The branch layers
// are rows with their finding and nodes in the laid-out graph, wired to the If that reads them.
import * as assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openWorkbench, quickOpen, screenshot, type Workbench } from './workbench';
import { webviewFrame } from './webview';

const FIXTURES = resolve(__dirname, '../../../test/fixtures');

describe('e2e: model view of subgraphs', () => {
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench();
    cpSync(
      join(FIXTURES, 'architectures/if_branches_opset13_train.onnx'),
      join(wb.workspace, 'if_branches.onnx'),
    );
    cpSync(join(FIXTURES, 'onnx-subgraph/nested_dropout.onnx'), join(wb.workspace, 'nested_dropout.onnx'));
  });
  after(async () => {
    await wb?.close();
  });

  for (const [file, title, dropout, where] of [
    ['if_branches.onnx', 'torch_jit', '/Dropout', '/If/then_branch'],
    ['nested_dropout.onnx', 'nested_dropout', 'body_dropout', 'loop/body'],
  ] as const) {
    it(`${file}: the branch's Dropout has its row, its finding naming the subgraph and its node in the graph`, async () => {
      const { page } = wb;
      await quickOpen(page, file);
      const view = await webviewFrame(page, `h1:text("${title}")`);
      const row = view.locator('tr', { has: view.locator('td.name', { hasText: dropout }) }).first();
      const summary = row.locator('summary');
      assert.match(await summary.innerText(), /dropout-active-at-inference/);
      assert.match((await summary.getAttribute('title')) ?? '', new RegExp(`Inside subgraph ${where}\\.`));
      await screenshot(page, `model-view-subgraph-${title}-table`);
      await view.locator('vscode-tab-header', { hasText: 'Graph' }).click();
      await view.locator('svg.graph g.node.dropout.sev-error').waitFor();
      await screenshot(page, `model-view-subgraph-${title}-graph`);
    });
  }
});
