// MC uncertainty on a user's own image model and images, as a user gets it: tiny-cnn.onnx (a CNN only a
// runtime runs) opened by Quick Open, Show MC Uncertainty from the palette, its folder of images picked with
// Browse for images… in VS Code's open dialog (in the browser, a quick input that takes a path), the
// preprocessing fields as the model's input shape fills them, std edited from the keyboard with its error
// beside it and Run waiting until it is fixed, and a run with progress whose figures agree with PyTorch's
// (test/fixtures/mc-images/expected.json) and whose most uncertain images show as thumbnails with their
// names. Then Cancel during a run over a larger folder leaves the panel ready to run again.
import * as assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { screenshot, openWorkbench, type Workbench } from './workbench';
import { showMcOfOnnx } from './webview';

const FIXTURE = resolve(__dirname, '../../../test/fixtures/mc-images');

/** A figure of the reference's MC loop: its mean and standard deviation over seeds at the same T. */
interface Spread {
  mean: number;
  sd: number;
}

interface Expected {
  files: string[];
  labels: number[];
  accuracy: number;
  nll: number;
  mc: { passes: number; meanEntropy: Spread; meanMutualInfo: Spread; accuracy: Spread; nll: Spread };
}

/** The panel writes figures with 4 decimals. */
const SHOWN = 5e-5;

/**
 * Picks the folder `path` in VS Code's open dialog (in the browser, a quick input that takes a path). The
 * dialog writes the folder it starts in over the input once it has listed it, so the path is typed after
 * that. OK on a typed folder the dialog has not listed yet lists it rather than accepting it: then the user
 * presses OK once more.
 */
async function pickFolder(page: Page, path: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const rows = page.locator('.quick-input-list .monaco-list-row');
  await rows.filter({ hasText: '..' }).first().waitFor();
  await input.fill(`${path}/`);
  await rows.filter({ hasText: 'circle' }).first().waitFor();
  const ok = page.locator('.quick-input-widget .monaco-button', { hasText: 'Use these images' });
  for (let attempt = 1; ; attempt++) {
    assert.equal(await input.inputValue(), `${path}/`);
    await ok.click();
    const closed = await input.waitFor({ state: 'hidden', timeout: 3_000 }).then(
      () => true,
      () => false,
    );
    if (closed) return;
    if (attempt === 3) throw new Error(`the open dialog did not take ${path}`);
  }
}

const fieldValue = (frame: Frame, id: string) =>
  frame.locator(`#${id}`).evaluate((e) => (e as Element & { value?: string }).value ?? '');

/**
 * Types `text` over the text field `id`'s text, from the keyboard. The text is selected with End and
 * Shift+Home, not Ctrl+A: in a webview, VS Code runs its own Select All for Ctrl+A a moment later, which
 * would select what has been typed by then and let the next key replace it.
 */
async function retype(page: Page, frame: Frame, id: string, text: string): Promise<void> {
  await frame.locator(`#${id} input`).focus();
  await page.keyboard.press('End');
  await page.keyboard.press('Shift+Home');
  await page.keyboard.type(text);
  assert.equal(await fieldValue(frame, id), text);
}

/** The figures of the scores table: the MC column of a row and its deterministic column. */
async function figure(frame: Frame, id: string): Promise<{ mc: number; deterministic: number }> {
  const cells = frame.locator(`tr:has(#${id}) td`);
  return {
    mc: Number(await cells.nth(0).innerText()),
    deterministic: Number(await cells.nth(1).innerText()),
  };
}

/** Records the status line at every redraw of the page (a run's progress comes and goes quickly). */
const recordStatus = (frame: Frame) =>
  frame.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { statusSeen: string[] }).statusSeen = seen;
    new MutationObserver(() => {
      const text = document.getElementById('status')?.textContent ?? '';
      if (text !== seen.at(-1)) seen.push(text);
    }).observe(document.getElementById('root')!, { childList: true, subtree: true, characterData: true });
  });
const statusSeen = (frame: Frame) =>
  frame.evaluate(() => (window as unknown as { statusSeen: string[] }).statusSeen);

describe('e2e: MC uncertainty on a folder of images', () => {
  let wb: Workbench;
  let expected: Expected;
  let frame: Frame;
  before(async () => {
    wb = await openWorkbench();
    const dir = join(wb.workspace, 'mc-images');
    cpSync(join(FIXTURE, 'tiny-cnn.onnx'), join(dir, 'tiny-cnn.onnx'));
    cpSync(join(FIXTURE, 'images'), join(dir, 'images'), { recursive: true });
    expected = JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8')) as Expected;
  });
  after(async () => {
    await wb?.close();
  });

  it('picks the folder, checks the preprocessing as it is typed and runs with PyTorch’s figures', async () => {
    const { page, workspace } = wb;
    frame = await showMcOfOnnx(page, 'tiny-cnn.onnx');
    // No data fits an image model until a folder is picked.
    await frame.locator('#data-message', { hasText: 'The model takes images (input [3, 16, 16])' }).waitFor();
    await frame.locator('#browse-images:not([disabled])').click();
    const images = join(workspace, 'mc-images', 'images');
    await pickFolder(page, images);
    await frame.waitForFunction(
      (want) => (document.querySelector('#data') as (Element & { value?: string }) | null)?.value === want,
      images,
    );

    // The fields as the model's input shape [3, 16, 16] fills them: RGB, channels first, ImageNet's statistics.
    await frame.locator('#preprocessing legend', { hasText: 'model input [3, 16, 16]' }).waitFor();
    assert.equal(await fieldValue(frame, 'pp-size'), '16x16');
    assert.equal(await fieldValue(frame, 'pp-channels'), '3');
    assert.equal(await fieldValue(frame, 'pp-mean'), '0.485, 0.456, 0.406');
    assert.equal(await fieldValue(frame, 'pp-std'), '0.229, 0.224, 0.225');
    assert.equal(await fieldValue(frame, 'pp-layout'), 'nchw');
    assert.deepEqual(await frame.locator('.field-error').allInnerTexts(), ['', '', '', '', ''], 'no error');
    await frame.locator('#run:not([disabled])').waitFor();

    // A std of 0 would divide by zero, and words are no numbers: each says so beside the field, and Run waits.
    const error = frame.locator('#pp-std-error');
    await retype(page, frame, 'pp-std', '0.229, 0.224, 0');
    await error.filter({ hasText: 'std: every value must be above 0' }).waitFor();
    await frame.locator('#run[disabled]').waitFor();
    assert.equal(await frame.locator('#pp-std[invalid]').count(), 1);
    await screenshot(page, 'mc-images-std-error');
    await retype(page, frame, 'pp-std', 'abc');
    await error.filter({ hasText: 'std: numbers only, one per channel' }).waitFor();
    await frame.locator('#run[disabled]').waitFor();
    await retype(page, frame, 'pp-std', '0.229, 0.224, 0.225');
    await frame.locator('#run:not([disabled])').waitFor();
    assert.equal(await error.innerText(), '');
    assert.equal(await frame.locator('#pp-std[invalid]').count(), 0);

    // Run from the keyboard; the status line says how far it is, then that it is done.
    await recordStatus(frame);
    await frame.locator('#run').focus();
    await page.keyboard.press('Enter');
    await frame.locator('#status', { hasText: 'Done: 30 passes' }).waitFor({ timeout: 60_000 });
    const seen = await statusSeen(frame);
    assert.ok(
      seen.some((s) => /^\d+ \/ 30 passes · \d+ s left…$/.test(s)),
      `progress with the time left: ${seen.join(' | ')}`,
    );
    assert.match(await frame.locator('#engine').innerText(), /^onnxruntime-node /);
    assert.equal(await frame.locator('#data-facts').innerText(), `${images}: 12 samples, 3 classes`);
    assert.equal(
      await frame.locator('#preprocessing-used').innerText(),
      '16×16, 3 channels (RGB), mean 0.485, 0.456, 0.406, std 0.229, 0.224, 0.225, NCHW',
    );

    // One deterministic pass: PyTorch's eval mode (NLL within JPEG decoders' difference, as the
    // integration test takes it). MC with T = 30: within 5 standard deviations of PyTorch's MC loop at T = 30.
    const accuracy = await figure(frame, 'mc-accuracy');
    const nll = await figure(frame, 'mc-nll');
    assert.equal(accuracy.deterministic, Number(expected.accuracy.toFixed(4)));
    assert.ok(Math.abs(nll.deterministic - expected.nll) < 5e-3 + SHOWN, `NLL ${nll.deterministic}`);
    const mc = expected.mc;
    assert.equal(mc.passes, 30);
    const near = (what: string, got: number, want: Spread) =>
      assert.ok(
        Math.abs(got - want.mean) <= 5 * want.sd + SHOWN,
        `${what} ${got} vs PyTorch ${want.mean} ± ${want.sd}`,
      );
    near('MC accuracy', accuracy.mc, mc.accuracy);
    near('MC NLL', nll.mc, mc.nll);
    near('mean entropy', Number(await frame.locator('#mean-entropy').innerText()), mc.meanEntropy);
    near('mean MI', Number(await frame.locator('#mean-mi').innerText()), mc.meanMutualInfo);

    // The most uncertain images, most uncertain first, each with its file's name and its pixels.
    const samples = frame.locator('#samples > li');
    assert.equal(await samples.count(), 8);
    let last = Infinity;
    for (let i = 0; i < 8; i++) {
      const head = await samples.nth(i).locator('.sample-head').innerText();
      const m = /^#(\d+) (\S+): label (\w+), predicted \w+, entropy ([\d.]+)/.exec(head);
      assert.ok(m, head);
      const [index, name, label, entropy] = [Number(m[1]), m[2]!, m[3]!, Number(m[4])];
      assert.equal(name, expected.files[index], head);
      assert.equal(label, name.split('/')[0], head);
      assert.ok(entropy <= last, `sorted by entropy: ${head}`);
      last = entropy;
      const thumbnail = samples.nth(i).locator('canvas.thumbnail');
      assert.equal(await thumbnail.getAttribute('aria-label'), name);
      // PNG decodes exactly: the thumbnail of a 16×16 PNG is its pixels.
      if (name.endsWith('.png')) {
        const png = PNG.sync.read(readFileSync(join(FIXTURE, 'images', name)));
        const drawn = await thumbnail.evaluate((c) => {
          const canvas = c as HTMLCanvasElement;
          return Array.from(canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data);
        });
        assert.deepEqual(drawn, Array.from(png.data), `the pixels of ${name}`);
      }
    }
    await frame.locator('.scores').scrollIntoViewIfNeeded();
    await screenshot(page, 'mc-images-results');
    await samples.first().scrollIntoViewIfNeeded();
    await screenshot(page, 'mc-images-thumbnails');
  });

  it('cancels a run over a larger folder and runs again', async () => {
    const { page, workspace } = wb;
    assert.ok(frame, 'the panel of the first run');
    // The same pictures 400 times over: 200 passes over them take over ten seconds, time to press Cancel.
    const large = join(workspace, 'mc-images', 'large');
    for (const kind of readdirSync(join(FIXTURE, 'images'))) {
      mkdirSync(join(large, kind), { recursive: true });
      for (const file of readdirSync(join(FIXTURE, 'images', kind)))
        for (let copy = 0; copy < 400; copy++)
          cpSync(join(FIXTURE, 'images', kind, file), join(large, kind, `${copy}-${file}`));
    }
    await frame.locator('#browse-images:not([disabled])').click();
    await pickFolder(page, large);
    await frame.waitForFunction(
      (want) => (document.querySelector('#data') as (Element & { value?: string }) | null)?.value === want,
      large,
    );
    await retype(page, frame, 'passes', '200');
    await frame.locator('#run:not([disabled])').click();
    // Cancel from the keyboard while the run reports its progress: the focus stays on Cancel while the
    // progress is drawn.
    const progress = frame.locator('#status', { hasText: / \/ 200 passes · / });
    await progress.waitFor({ timeout: 30_000 });
    assert.equal(await frame.locator('#run[disabled]').count(), 1, 'no second run while one runs');
    await frame.locator('#cancel:not([disabled])').focus();
    const before = await progress.innerText();
    await frame.waitForFunction((text) => document.getElementById('status')?.textContent !== text, before);
    assert.equal(await frame.evaluate(() => document.activeElement?.id), 'cancel');
    await page.keyboard.press('Enter');
    await frame.locator('#status', { hasText: 'Cancelled.' }).waitFor({ timeout: 30_000 });
    await screenshot(page, 'mc-images-cancelled');
    // Usable again: the fields and Run are enabled, and a run goes to its end.
    assert.equal(await frame.locator('#cancel[disabled]').count(), 1);
    assert.equal(await frame.locator('#pp-std[disabled]').count(), 0);
    await retype(page, frame, 'passes', '10');
    await frame.locator('#run:not([disabled])').click();
    await frame.locator('#status', { hasText: 'Done: 10 passes' }).waitFor({ timeout: 30_000 });
    assert.match(await frame.locator('.scores caption').innerText(), /10 passes, 4800 samples/);
  });
});
