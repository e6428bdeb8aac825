// Small canvas charts in the theme's colours: histograms, line charts and the reliability diagram.
// Each chart gets an aria-label with its numbers so a screen reader has more than a picture.

export const css = (name: string, fallback: string): string =>
  getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;

export interface Series {
  label: string;
  color: string;
  points: [number, number][];
}

interface Frame {
  ctx: CanvasRenderingContext2D;
  x: (v: number) => number;
  y: (v: number) => number;
}

function frame(canvas: HTMLCanvasElement, xMax: number, yMax: number, xLabel: string, yLabel: string): Frame {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || 320;
  const h = canvas.clientHeight || 180;
  canvas.width = w * dpr;
  canvas.height = h * dpr;
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  ctx.scale(dpr, dpr);
  const fg = css('--vscode-foreground', '#ccc');
  const pad = { l: 40, r: 8, t: 8, b: 28 };
  const x = (v: number) => pad.l + (v / (xMax || 1)) * (w - pad.l - pad.r);
  const y = (v: number) => h - pad.b - (v / (yMax || 1)) * (h - pad.t - pad.b);
  ctx.clearRect(0, 0, w, h);
  ctx.strokeStyle = css('--vscode-panel-border', '#555');
  ctx.fillStyle = fg;
  ctx.font = `11px ${css('--vscode-font-family', 'sans-serif')}`;
  ctx.beginPath();
  ctx.moveTo(pad.l, pad.t);
  ctx.lineTo(pad.l, h - pad.b);
  ctx.lineTo(w - pad.r, h - pad.b);
  ctx.stroke();
  ctx.fillText(fmt(yMax), 2, pad.t + 8);
  ctx.fillText('0', pad.l - 10, h - pad.b);
  ctx.fillText(fmt(xMax), w - pad.r - 30, h - pad.b + 12);
  ctx.fillText(xLabel, pad.l + 4, h - 4);
  ctx.save();
  ctx.translate(10, h / 2 + 20);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(yLabel, 0, 0);
  ctx.restore();
  return { ctx, x, y };
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(3)).toString());

/** Overlaid histograms of `groups` over [0, max] in `bins` bins. */
export function histogram(
  canvas: HTMLCanvasElement,
  groups: Series[],
  max: number,
  bins: number,
  xLabel: string,
): void {
  const counts = groups.map((g) => {
    const c = new Array<number>(bins).fill(0);
    for (const [v] of g.points) c[Math.min(bins - 1, Math.floor((v / (max || 1)) * bins))]!++;
    return c;
  });
  const yMax = Math.max(1, ...counts.flat());
  const { ctx, x, y } = frame(canvas, max, yMax, xLabel, 'samples');
  const width = (x(max) - x(0)) / bins / groups.length;
  groups.forEach((g, k) => {
    ctx.fillStyle = g.color;
    counts[k]!.forEach((c, b) => ctx.fillRect(x((b * max) / bins) + k * width, y(c), width - 1, y(0) - y(c)));
  });
  legend(ctx, groups, canvas);
  canvas.setAttribute(
    'aria-label',
    `${xLabel} histogram: ` + groups.map((g, k) => `${g.label} ${counts[k]!.join(' ')}`).join('; '),
  );
}

export function lines(
  canvas: HTMLCanvasElement,
  series: Series[],
  xMax: number,
  yMax: number,
  xLabel: string,
  yLabel: string,
): void {
  const { ctx, x, y } = frame(canvas, xMax, yMax, xLabel, yLabel);
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    s.points.forEach(([a, b], i) => (i === 0 ? ctx.moveTo(x(a), y(b)) : ctx.lineTo(x(a), y(b))));
    ctx.stroke();
    ctx.lineWidth = 1;
  }
  legend(ctx, series, canvas);
  canvas.setAttribute(
    'aria-label',
    `${yLabel} against ${xLabel}: ` +
      series.map((s) => `${s.label} ${s.points.map((p) => fmt(p[1])).join(' ')}`).join('; '),
  );
}

/** Accuracy per confidence bin (bars) against the diagonal, bin counts written above. */
export function reliabilityDiagram(
  canvas: HTMLCanvasElement,
  bins: { lo: number; hi: number; count: number; accuracy: number; confidence: number }[],
  ece: number,
): void {
  const { ctx, x, y } = frame(canvas, 1, 1, 'confidence', 'accuracy');
  ctx.strokeStyle = css('--vscode-descriptionForeground', '#888');
  ctx.setLineDash([4, 3]);
  ctx.beginPath();
  ctx.moveTo(x(0), y(0));
  ctx.lineTo(x(1), y(1));
  ctx.stroke();
  ctx.setLineDash([]);
  for (const b of bins) {
    if (b.count === 0) continue;
    ctx.fillStyle = css('--vscode-charts-blue', '#3794ff');
    ctx.fillRect(x(b.lo) + 1, y(b.accuracy), x(b.hi) - x(b.lo) - 2, y(0) - y(b.accuracy));
    ctx.fillStyle = css('--vscode-foreground', '#ccc');
    ctx.fillText(String(b.count), x(b.lo) + 1, y(b.accuracy) - 2);
  }
  ctx.fillText(`ECE ${ece.toFixed(4)}`, x(0.02), y(0.95));
  canvas.setAttribute(
    'aria-label',
    `Reliability diagram, ECE ${ece.toFixed(4)}: ` +
      bins
        .filter((b) => b.count > 0)
        .map(
          (b) =>
            `${b.lo.toFixed(2)}–${b.hi.toFixed(2)}: ${b.count} samples, accuracy ${b.accuracy.toFixed(2)}`,
        )
        .join('; '),
  );
}

function legend(ctx: CanvasRenderingContext2D, series: Series[], canvas: HTMLCanvasElement): void {
  let at = (canvas.clientWidth || 320) - 8;
  for (const s of [...series].reverse()) {
    const w = ctx.measureText(s.label).width;
    at -= w + 18;
    ctx.fillStyle = s.color;
    ctx.fillRect(at, 6, 10, 10);
    ctx.fillStyle = css('--vscode-foreground', '#ccc');
    ctx.fillText(s.label, at + 13, 15);
  }
}

/** A grey-scale image of `values` (rows × cols), darkest = largest, as the digits data set is drawn. */
export function image(canvas: HTMLCanvasElement, values: number[], rows: number, cols: number): void {
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  const size = canvas.width / cols;
  const max = Math.max(...values, 1e-9);
  values.forEach((v, i) => {
    const g = Math.round(255 * (1 - Math.max(0, v) / max));
    ctx.fillStyle = `rgb(${g},${g},${g})`;
    ctx.fillRect((i % cols) * size, Math.floor(i / cols) * size, size, size);
  });
  canvas.setAttribute('aria-label', `${rows}×${cols} image`);
}
