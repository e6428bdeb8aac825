// The MC panel's charts with uPlot, as the Train panel's curves: histograms, line charts and the
// reliability diagram, in the theme's colours. Each chart's host gets an aria-label with its numbers so
// a screen reader has more than a picture. The caller destroys the returned plots before redrawing.
import uPlot from 'uplot';
import { themeAxis, themeColour } from '../shared/chart';
import { h } from '../shared/dom';

export interface Series {
  label: string;
  color: string;
  points: [number, number][];
}

const HEIGHT = 180;
/** The height of the reliability diagram's row of counts above its plot (media/mc.css places them). */
const COUNTS_ROW = 20;
const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(3)).toString());

function plot(
  host: HTMLElement,
  options: Omit<uPlot.Options, 'width' | 'height'>,
  data: uPlot.AlignedData,
): uPlot {
  host.replaceChildren();
  return new uPlot(
    {
      width: Math.max(240, host.clientWidth),
      height: HEIGHT,
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      ...options,
    },
    data,
    host,
  );
}

const axes = (xLabel: string, yLabel: string): uPlot.Axis[] => [
  themeAxis({ label: xLabel }),
  themeAxis({ label: yLabel }),
];

const bars = (color: string, align: -1 | 0 | 1, size: number): uPlot.Series => ({
  stroke: color,
  fill: color,
  paths: uPlot.paths.bars?.({ align, size: [size] }),
  points: { show: false },
});

/** Overlaid histograms of `groups` over [0, max] in `bins` bins, side by side in each bin. */
export function histogram(host: HTMLElement, groups: Series[], max: number, bins: number, xLabel: string) {
  const width = (max || 1) / bins;
  const counts = groups.map((g) => {
    const c = new Array<number>(bins).fill(0);
    for (const [v] of g.points) c[Math.min(bins - 1, Math.floor(v / width))]!++;
    return c;
  });
  host.setAttribute(
    'aria-label',
    `${xLabel} histogram: ` + groups.map((g, k) => `${g.label} ${counts[k]!.join(' ')}`).join('; '),
  );
  const x = Array.from({ length: bins }, (_, b) => (b + 0.5) * width);
  const share = 0.9 / Math.max(1, groups.length);
  return plot(
    host,
    {
      scales: {
        x: { time: false, range: [0, max || 1] },
        y: { range: (_u, _min, top) => [0, Math.max(1, top)] },
      },
      axes: axes(xLabel, 'samples'),
      series: [
        {},
        ...groups.map((g, k) => ({
          label: g.label,
          ...bars(g.color, groups.length === 1 ? 0 : k === 0 ? -1 : 1, share),
        })),
      ],
    },
    [x, ...counts],
  );
}

export function lines(
  host: HTMLElement,
  series: Series[],
  xMax: number,
  yMax: number,
  xLabel: string,
  yLabel: string,
) {
  host.setAttribute(
    'aria-label',
    `${yLabel} against ${xLabel}: ` +
      series.map((s) => `${s.label} ${s.points.map((p) => fmt(p[1])).join(' ')}`).join('; '),
  );
  // One x for all series: the union of their x values, each series null where it has no point.
  const x = [...new Set(series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
  const ys = series.map((s) => {
    const at = new Map(s.points);
    return x.map((v) => at.get(v) ?? null);
  });
  return plot(
    host,
    {
      scales: { x: { time: false, range: [0, xMax || 1] }, y: { range: [0, yMax || 1] } },
      axes: axes(xLabel, yLabel),
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, spanGaps: true }))],
    },
    [x, ...ys],
  );
}

/**
 * Accuracy per confidence bin (bars) against the diagonal of perfect calibration, each bin's sample count
 * in a row above the plot, where no bar reaches.
 */
export function reliabilityDiagram(
  host: HTMLElement,
  bins: { lo: number; hi: number; count: number; accuracy: number; confidence: number }[],
  /** Absent without labels (then there are no bins either). */
  ece: number | undefined,
) {
  const used = bins.filter((b) => b.count > 0);
  host.setAttribute(
    'aria-label',
    `Reliability diagram, ECE ${ece === undefined ? 'none (no labels)' : ece.toFixed(4)}: ` +
      used
        .map(
          (b) =>
            `${b.lo.toFixed(2)}–${b.hi.toFixed(2)}: ${b.count} samples, accuracy ${b.accuracy.toFixed(2)}`,
        )
        .join('; '),
  );
  const centre = (b: { lo: number; hi: number }) => (b.lo + b.hi) / 2;
  // Every bin on the x axis (empty ones null) so that uPlot sizes each bar to one bin.
  const x = bins.map(centre);
  const accuracy = bins.map((b) => (b.count > 0 ? b.accuracy : null));
  const diagonalColour = themeColour('--vscode-descriptionForeground', '#888');
  const counts = h('div', { class: 'bin-counts', 'aria-hidden': 'true' });
  /** The diagonal of perfect calibration, and the bins' counts placed over their bars' centres. */
  const annotate = (u: uPlot) => {
    const ctx = u.ctx;
    const px = (v: number, scale: 'x' | 'y') => u.valToPos(v, scale, true);
    ctx.save();
    ctx.strokeStyle = diagonalColour;
    ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
    ctx.beginPath();
    ctx.moveTo(px(0, 'x'), px(0, 'y'));
    ctx.lineTo(px(1, 'x'), px(1, 'y'));
    ctx.stroke();
    ctx.restore();
    // A count wider than its bin would run into its neighbours' (narrow charts): the aria-label has it.
    // Measured in the counts' own font (media/mc.css), in CSS pixels.
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.font = `11px ${getComputedStyle(host).fontFamily}`;
    const fits = (b: (typeof used)[number]) =>
      ctx.measureText(String(b.count)).width <= u.valToPos(b.hi, 'x') - u.valToPos(b.lo, 'x');
    const shown = used.filter(fits);
    ctx.restore();
    counts.replaceChildren(
      ...shown.map((b) => {
        const label = h('span', {}, String(b.count));
        label.style.left = `${u.valToPos(centre(b), 'x')}px`;
        return label;
      }),
    );
    if (counts.parentElement !== u.over) u.over.append(counts);
  };
  return plot(
    host,
    {
      // Room above the plot for the counts.
      padding: [COUNTS_ROW, null, null, null],
      scales: { x: { time: false, range: [0, 1] }, y: { range: [0, 1] } },
      axes: axes('confidence', 'accuracy'),
      series: [
        {},
        {
          label: 'accuracy (dashed: calibrated)',
          ...bars(themeColour('--vscode-charts-blue', '#3794ff'), 0, 0.9),
        },
      ],
      hooks: { draw: [annotate] },
    },
    [x, accuracy],
  );
}
