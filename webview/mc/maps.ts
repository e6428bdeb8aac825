// The uncertainty maps on 2-D data: three small canvases over the same grid — the MC decision boundary
// (the Train panel's drawing of the predictive mean), predictive entropy and mutual information — with
// the evaluated points on top. A map's colour is one theme chart colour, transparent at 0 and opaque at
// the scale's top, so it reads on light, dark and high-contrast themes alike; a legend gives the scale.
import type { McGrid } from '../../src/protocol/mc-panel';
import { drawBoundary, paintGrid, rgb } from '../shared/boundary';
import { themeColour } from '../shared/chart';

const MAP_PX = 180;

function canvasFor(id: string, label: string): HTMLCanvasElement {
  const canvas = Object.assign(document.createElement('canvas'), { id, width: MAP_PX, height: MAP_PX });
  canvas.className = 'map';
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  return canvas;
}

const fmt = (v: number) => Number(v.toPrecision(3)).toString();

/** A colour bar from 0 to `max` with its end values. */
function legend(colour: [number, number, number], max: number, unit: string, id: string): HTMLElement {
  const bar = Object.assign(document.createElement('canvas'), { width: 120, height: 10 });
  bar.setAttribute('aria-hidden', 'true');
  const ctx = bar.getContext('2d');
  if (ctx) {
    const gradient = ctx.createLinearGradient(0, 0, 120, 0);
    gradient.addColorStop(0, `rgba(${colour.join(',')},0)`);
    gradient.addColorStop(1, `rgba(${colour.join(',')},1)`);
    ctx.fillStyle = gradient;
    ctx.fillRect(0, 0, 120, 10);
    ctx.strokeStyle = themeColour('--vscode-panel-border', '#555');
    ctx.strokeRect(0.5, 0.5, 119, 9);
  }
  const top = Object.assign(document.createElement('span'), { id, textContent: fmt(max) });
  const wrap = document.createElement('div');
  wrap.className = 'legend';
  wrap.append('0 ', bar, ' ', top, ` ${unit}`);
  return wrap;
}

function figure(title: string, canvas: HTMLCanvasElement, ...extra: HTMLElement[]): HTMLElement {
  const f = document.createElement('figure');
  const caption = Object.assign(document.createElement('figcaption'), { textContent: title });
  f.append(caption, canvas, ...extra);
  return f;
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);

/** Paints `values` over the grid in `colour`, 0 transparent and `max` opaque. */
function drawScalar(
  canvas: HTMLCanvasElement,
  grid: McGrid,
  values: number[],
  max: number,
  colour: [number, number, number],
) {
  paintGrid(canvas, grid, (cell) => [...colour, Math.round(255 * Math.min(1, (values[cell] ?? 0) / max))]);
}

/** The three maps side by side; `classes` sets the entropy scale (its top is log classes). */
export function uncertaintyMaps(grid: McGrid, classes: number): HTMLElement {
  const hMax = Math.log(Math.max(2, classes));
  // MI is at most the entropy but usually far below it: scale it to its own largest value.
  const miMax = Math.max(1e-6, ...grid.mutualInfo);
  const orange = rgb(themeColour('--vscode-charts-orange', '#d18616'));
  const purple = rgb(themeColour('--vscode-charts-purple', '#b180d7'));
  const boundary = canvasFor(
    'map-boundary',
    'MC decision boundary: each cell in its predicted class colour, paler where the mean probability is lower',
  );
  const entropy = canvasFor(
    'map-entropy',
    `Predictive entropy over the plane: largest ${fmt(Math.max(...grid.entropy))}, mean ${fmt(mean(grid.entropy))} nats (scale 0 to ${fmt(hMax)})`,
  );
  const mi = canvasFor(
    'map-mi',
    `Mutual information over the plane: largest ${fmt(miMax)}, mean ${fmt(mean(grid.mutualInfo))} nats`,
  );
  const row = document.createElement('div');
  row.className = 'maps';
  row.append(
    figure('Decision boundary (MC mean)', boundary),
    figure('Predictive entropy', entropy, legend(orange, hMax, 'nats', 'map-entropy-max')),
    figure('Mutual information (BALD)', mi, legend(purple, miMax, 'nats', 'map-mi-max')),
  );
  drawBoundary(boundary, grid);
  drawScalar(entropy, grid, grid.entropy, hMax, orange);
  drawScalar(mi, grid, grid.mutualInfo, miMax, purple);
  return row;
}
