// The three panels (model view, Train with Dropout, MC Uncertainty) in the light, dark and both
// high-contrast themes, switched live through Preferences: Color Theme as a user does. In each theme every
// panel is screenshot (test-results/screenshots/theme-*.png) and its page colours are read: the background
// and text are the theme's editor background and foreground, the charts' series are the theme's chart
// colours, and the colours differ from theme to theme. A panel with a colour of its own fails here. In the
// high-contrast themes every button shows a border (what tells a button from text there).
import * as assert from 'node:assert/strict';
import type { Frame, Page } from 'playwright-core';
import { openQuickInput, openWorkbench, quickOpen, screenshot, type Workbench } from './workbench';
import { dataPicked, runCommand, showMcOfOnnx, webviewFrame } from './webview';

const THEMES = [
  { label: 'Light Modern', kind: 'vscode-light' },
  { label: 'Dark Modern', kind: 'vscode-dark' },
  { label: 'Dark High Contrast', kind: 'vscode-high-contrast' },
  { label: 'Light High Contrast', kind: 'vscode-high-contrast-light' },
] as const;

interface Panel {
  name: string;
  tab: string;
  /** What only this panel's page shows. */
  selector: string;
  /** What the screenshot shows (CSS selector), scrolled into view. */
  shows?: string;
  /** A chart series of the panel (its legend label) and the theme colour it is drawn in. */
  chart?: { series: string; colour: string };
}

const PANELS: Panel[] = [
  { name: 'model-view', tab: 'Model: digits-mlp.nn.json', selector: 'h1:text("digits-mlp")' },
  {
    name: 'train',
    tab: 'Train: moons-early-dropout.nn.json',
    selector: 'header:has-text("moons-early-dropout") ~ #charts .uplot',
    shows: '#charts',
    chart: { series: 'dropout train', colour: '--vscode-charts-blue' },
  },
  {
    name: 'mc',
    tab: 'MC Uncertainty: moons-mc.onnx',
    selector: '#root:has(h1:has-text("moons-mc.onnx")) #entropy-chart .uplot',
    shows: '.grid',
    chart: { series: 'correct', colour: '--vscode-charts-green' },
  },
];

interface Colours {
  theme: string;
  background: string;
  foreground: string;
  editorBackground: string;
  themeForeground: string;
  marker: string | null;
  chart: string | null;
  /** Each visible button's id or label with its border colour and width. */
  buttons: { name: string; border: string; width: string; background: string }[];
}

/** The page's colours and the theme's, all resolved to rgb() by the page's own style engine. */
function readColours(frame: Frame, chart: Panel['chart']): Promise<Colours> {
  return frame.evaluate((chart) => {
    const resolve = (name: string) => {
      const probe = document.createElement('span');
      probe.style.color = `var(${name})`;
      document.body.append(probe);
      const colour = getComputedStyle(probe).color;
      probe.remove();
      return colour;
    };
    const body = getComputedStyle(document.body);
    // The legend marker of the series: uPlot draws it in the series' stroke colour.
    const row = [...document.querySelectorAll('.u-legend .u-series')].find(
      (r) => r.querySelector('.u-label')?.textContent === chart?.series,
    );
    const marker = row?.querySelector<HTMLElement>('.u-marker');
    return {
      theme: document.body.className,
      background: body.backgroundColor,
      foreground: body.color,
      editorBackground: resolve('--vscode-editor-background'),
      themeForeground: resolve('--vscode-foreground'),
      marker: marker ? getComputedStyle(marker).borderTopColor : null,
      chart: chart ? resolve(chart.colour) : null,
      buttons: [...document.querySelectorAll('vscode-button')]
        .filter((b) => b.getClientRects().length > 0)
        .map((b) => {
          // The button draws itself in its shadow root's base part.
          const style = getComputedStyle(b.shadowRoot?.querySelector('[part="base"]') ?? b);
          return {
            name: b.id || (b.textContent ?? '').trim(),
            border: style.borderTopColor,
            width: style.borderTopWidth,
            background: style.backgroundColor,
          };
        }),
    };
  }, chart);
}

/** Preferences: Color Theme, then the theme picked by its label. */
async function setTheme(page: Page, label: string): Promise<void> {
  await page.locator('.monaco-workbench .part.statusbar').click();
  // The command itself, not the best match of its title (Browse Color Themes in Marketplace, offline here).
  const palette = await openQuickInput(page, 'F1');
  await palette.fill('>Preferences: Color Theme');
  await page
    .locator('.quick-input-list .monaco-list-row[aria-label^="Preferences: Color Theme"]')
    .first()
    .click();
  // The theme picker replaces the palette in the same quick input, whose text then no longer starts with ">".
  await page.waitForFunction(() => {
    const input = document.querySelector<HTMLInputElement>('.quick-input-widget input');
    return input !== null && input.offsetParent !== null && !input.value.startsWith('>');
  });
  await page.locator('.quick-input-widget input').fill(label);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
  await row.waitFor({ timeout: 10_000 }).catch(async (e: Error) => {
    await screenshot(page, 'theme-picker');
    const rows = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
    throw new Error(`${e.message}\nthe picker lists: ${rows.join(' | ')}`);
  });
  await row.click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

describe('e2e: the panels in light, dark and high-contrast themes', () => {
  let wb: Workbench;
  const seen = new Map<string, Colours[]>();
  before(async () => {
    wb = await openWorkbench();
    const { page } = wb;
    // The model view of a JSON model.
    await quickOpen(page, 'digits-mlp.nn.json');
    await runCommand(page, 'Dropout Lens: Show Model');
    await webviewFrame(page, PANELS[0]!.selector, 60_000);
    // A short training run, so that the Train panel has charts.
    await page.locator('.monaco-workbench .part.statusbar').click();
    await quickOpen(page, 'moons-early-dropout.nn.json');
    await runCommand(page, 'Dropout Lens: Train with Dropout');
    const train = await webviewFrame(page, 'vscode-button[data-experiment="as-is"]:not([disabled])', 60_000);
    await train.locator('#epochs input').fill('3');
    await train.locator('vscode-button[data-experiment="as-is"]').click();
    await train
      .locator('#status[data-running="false"]', { hasText: 'Finished' })
      .waitFor({ timeout: 60_000 });
    // An MC run on built-in data, so that the MC panel has charts.
    await page.locator('.monaco-workbench .part.statusbar').click();
    const mc = await showMcOfOnnx(page, 'moons-mc.onnx');
    // The data that fits the model's input (the built-in moons) is chosen for the user.
    await dataPicked(mc, 'builtin:moons');
    await mc.locator('#run').click();
    await mc.locator('#status', { hasText: 'Done: 30 passes' }).waitFor({ timeout: 60_000 });
    // One editor group: each panel, when its tab is picked, has the whole editor area.
    await page.locator('.monaco-workbench .part.statusbar').click();
    await runCommand(page, 'View: Join All Editor Groups');
  });
  after(async () => {
    await wb?.close();
  });

  for (const theme of THEMES) {
    it(`follows ${theme.label}`, async () => {
      const { page } = wb;
      await setTheme(page, theme.label);
      for (const panel of PANELS) {
        await page.locator('.tab', { hasText: panel.tab }).first().click();
        const frame = await webviewFrame(page, panel.selector, 30_000);
        // VS Code restyles a shown page; the charts are rebuilt on the theme's change.
        let colours = await readColours(frame, panel.chart);
        for (
          let i = 0;
          i < 50 && !(colours.theme.includes(theme.kind) && colours.marker === colours.chart);
          i++
        ) {
          await page.waitForTimeout(100);
          colours = await readColours(frame, panel.chart);
        }
        // The page's top (its controls), then what the panel shows further down. The MC page redraws
        // itself when resized: scroll in the page, not through a held element.
        if (panel.shows) {
          await frame.evaluate(() => window.scrollTo(0, 0));
          await screenshot(page, `theme-${theme.kind}-${panel.name}-top`);
          await frame.evaluate((css) => document.querySelector(css)?.scrollIntoView(), panel.shows);
        }
        await screenshot(page, `theme-${theme.kind}-${panel.name}`);
        const what = `${panel.name} in ${theme.label}: ${JSON.stringify(colours)}`;
        assert.ok(colours.theme.split(' ').includes(theme.kind), what);
        assert.equal(colours.background, colours.editorBackground, what);
        assert.equal(colours.foreground, colours.themeForeground, what);
        if (panel.chart) assert.equal(colours.marker, colours.chart, `chart colour: ${what}`);
        if (theme.kind.startsWith('vscode-high-contrast')) {
          assert.ok(colours.buttons.length > 0, what);
          for (const b of colours.buttons)
            assert.ok(
              b.width !== '0px' &&
                !/^rgba\(.*, 0\)$|transparent/.test(b.border) &&
                b.border !== colours.background,
              `${panel.name} button "${b.name}" has no visible border in ${theme.label}: ${JSON.stringify(b)}`,
            );
        }
        seen.set(panel.name, [...(seen.get(panel.name) ?? []), colours]);
      }
    });
  }

  it('gives every panel different colours (and chart colours) in each theme', () => {
    for (const panel of PANELS) {
      for (const c of seen.get(panel.name) ?? [])
        console.log(`      ${panel.name} ${c.theme}: ${c.background} ${c.foreground} ${c.marker ?? ''}`);
      // Light Modern and Light High Contrast share a white background; their text colours differ.
      const colours = (seen.get(panel.name) ?? []).map((c) => `${c.background} ${c.foreground}`);
      assert.equal(colours.length, THEMES.length, `${panel.name}: every theme was checked`);
      assert.equal(new Set(colours).size, THEMES.length, `${panel.name}: ${colours.join(', ')}`);
      // The light and dark themes' chart colours differ too (blue 26,133,255 against 55,148,255).
      const [light, dark] = seen.get(panel.name) ?? [];
      if (panel.chart) assert.notEqual(light?.marker, dark?.marker, `${panel.name}: chart colours`);
    }
  });
});
