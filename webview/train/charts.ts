// Live loss and accuracy curves with uPlot: one colour per run, training solid and validation dashed,
// values at the cursor in the legend. Charts are rebuilt when the set of runs or the theme changes, else
// updated.
import uPlot from 'uplot';
import { chartColour, themeAxis, themeKey } from '../shared/chart';
import type { RunView } from './view-state';

type Metric = 'loss' | 'acc';

function series(runs: RunView[]): uPlot.Series[] {
  return [
    { label: 'epoch' },
    ...runs.flatMap((r, i) => [
      { label: `${r.name} train`, stroke: chartColour(i), width: 2 },
      { label: `${r.name} val`, stroke: chartColour(i), width: 2, dash: [6, 4] },
    ]),
  ];
}

function data(runs: RunView[], metric: Metric): uPlot.AlignedData {
  const n = Math.max(1, ...runs.map((r) => r.epochs.length));
  const x = Array.from({ length: n }, (_, i) => i + 1);
  const column = (r: RunView, key: 'trainLoss' | 'valLoss' | 'trainAcc' | 'valAcc') =>
    x.map((_, i) => (r.epochs[i]?.[key] ?? null) as number | null);
  return [
    x,
    ...runs.flatMap((r) =>
      metric === 'loss'
        ? [column(r, 'trainLoss'), column(r, 'valLoss')]
        : [column(r, 'trainAcc'), column(r, 'valAcc')],
    ),
  ] as uPlot.AlignedData;
}

export class Chart {
  private plot?: uPlot;
  private key = '';

  constructor(
    private readonly host: HTMLElement,
    private readonly metric: Metric,
  ) {}

  update(runs: RunView[]): void {
    const key = [themeKey(), ...runs.map((r) => r.name)].join('\u0000');
    const width = Math.max(280, this.host.clientWidth);
    if (!this.plot || key !== this.key) {
      this.plot?.destroy();
      this.key = key;
      this.plot = new uPlot(
        {
          title: this.metric === 'loss' ? 'Loss' : 'Accuracy',
          width,
          height: 220,
          series: series(runs),
          axes: [
            themeAxis({ label: 'epoch', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500] }),
            themeAxis({
              values: (_u, v) =>
                v.map((t) => (this.metric === 'acc' ? `${Math.round(100 * t)}%` : t.toFixed(2))),
            }),
          ],
          scales: { x: { time: false } },
          legend: { live: true },
          cursor: { drag: { x: false, y: false } },
        },
        data(runs, this.metric),
        this.host,
      );
      return;
    }
    if (Math.abs(this.plot.width - width) > 4) this.plot.setSize({ width, height: 220 });
    this.plot.setData(data(runs, this.metric));
  }
}
