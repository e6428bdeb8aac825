// MC uncertainty as a user gets it: a model trained with the CLI, the panel opened from the palette, a
// run of T = 30 passes, and the ECE, mean entropy and most uncertain sample read from the webview —
// the same figures `dropout-lens mc` prints for the same weights and seed.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { openWorkbench, quickOpen, screenshot, type Workbench } from './workbench';
import { runCommand } from './webview';

const CLI = resolve(__dirname, '../../../dist/cli.js');

async function panelFrame(page: Page): Promise<Frame> {
  for (let i = 0; i < 200; i++) {
    for (const frame of page.frames())
      if (
        (await frame
          .locator('#app')
          .count()
          .catch(() => 0)) > 0
      )
        return frame;
    await page.waitForTimeout(100);
  }
  throw new Error('the MC panel webview did not appear');
}

describe('e2e: MC uncertainty panel', () => {
  let wb: Workbench;
  let expected: { ece: number; meanEntropy: number; samples: { index: number; entropy: number }[] };
  before(async () => {
    wb = await openWorkbench();
    const model = join(wb.workspace, 'digits-trained.nn.json');
    const weights = join(wb.workspace, 'digits-trained.weights.json');
    const spec = JSON.parse(readFileSync(join(wb.workspace, 'digits-mlp.nn.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    writeFileSync(
      model,
      JSON.stringify({ ...spec, name: 'digits-trained', weights: 'digits-trained.weights.json' }, null, 2),
    );
    const train = spawnSync('node', [
      CLI,
      'train',
      join(wb.workspace, 'digits-mlp.nn.json'),
      '--epochs',
      '5',
      '--out',
      weights,
    ]);
    assert.equal(train.status, 0, String(train.stderr));
    const mc = spawnSync('node', [CLI, 'mc', model, '--passes', '30', '--seed', '0', '--json'], {
      maxBuffer: 1 << 26,
    });
    assert.equal(mc.status, 0, String(mc.stderr));
    expected = JSON.parse(String(mc.stdout)) as typeof expected;
  });
  after(async () => {
    await wb?.close();
  });

  it('runs 30 passes from the palette and shows the CLI figures', async () => {
    const { page } = wb;
    await quickOpen(page, 'digits-trained.nn.json');
    await runCommand(page, 'Dropout Lens: Show MC Uncertainty');
    const frame = await panelFrame(page);
    await frame.locator('#run').waitFor();
    await frame.locator('#run').focus();
    await page.keyboard.press('Enter');
    await frame.locator('#status', { hasText: 'Done: 30 passes' }).waitFor({ timeout: 60_000 });

    const ece = Number(await frame.locator('#ece').innerText());
    const meanEntropy = Number(await frame.locator('#mean-entropy').innerText());
    const top = await frame.locator('#top-sample .sample-head').innerText();
    const mostUncertain = [...expected.samples].sort((a, b) => b.entropy - a.entropy)[0]!;
    assert.equal(ece, Number(expected.ece.toFixed(4)));
    assert.equal(meanEntropy, Number(expected.meanEntropy.toFixed(4)));
    assert.match(top, new RegExp(`^#${mostUncertain.index}: .*entropy ${mostUncertain.entropy.toFixed(3)}`));
    assert.equal(
      await frame.locator('canvas.digit').count(),
      8,
      'the most uncertain digits drawn as 8×8 images',
    );
    await screenshot(page, 'mc-panel');
    await frame.locator('#reliability-chart').scrollIntoViewIfNeeded();
    await screenshot(page, 'mc-panel-charts');
  });
});
