// uPlot in the theme's colours, for the charts of every panel: axes, grid and legend in the theme's
// foreground, series in its chart colours (--vscode-charts-*). Colours are read when a chart is built,
// so panels rebuild their charts when the theme changes (`onThemeChange`).
import uPlot from 'uplot';

/** A theme colour by CSS custom property, or `fallback` outside VS Code. */
export function themeColour(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

const PALETTE = ['blue', 'red', 'green', 'yellow', 'purple', 'orange'];

/** The theme's i-th chart colour (runs, classes), cycling through VS Code's six. */
export function chartColour(i: number): string {
  return themeColour(`--vscode-charts-${PALETTE[i % PALETTE.length]}`, '#3794ff');
}

/** An axis in the theme's foreground with a faint grid. */
export function themeAxis(options: uPlot.Axis = {}): uPlot.Axis {
  const foreground = getComputedStyle(document.body).color;
  return {
    stroke: foreground,
    grid: { stroke: 'rgba(128,128,128,0.2)' },
    ticks: { stroke: 'rgba(128,128,128,0.4)' },
    ...options,
  };
}

/** The theme: VS Code sets the body's class (vscode-light, vscode-dark, vscode-high-contrast…). */
export const themeKey = (): string => document.body.className;

/** Calls `redraw` when VS Code switches the theme. */
export function onThemeChange(redraw: () => void): void {
  new MutationObserver(redraw).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
