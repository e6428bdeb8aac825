// The most uncertain samples: each with its picture (an image's thumbnail, a digit, or its numbers), its
// entropy and mutual information, and its predictive distribution as bars with a tick per pass. With many
// classes only the most probable ones are listed, by class name when the data name them.
import type { WireMcData, WireMcSample } from '../../src/protocol/worker';
import { h } from '../shared/dom';
import { digitImage } from './digit';
import { thumbnailImage } from './thumbnail';

/** Classes listed per sample: the most probable ones. */
const TOP_CLASSES = 5;
/** Passes drawn as ticks on a bar. */
const MAX_TICKS = 200;

const fix = (v: number, d: number) => v.toFixed(d);

/** A bar per class: the mean probability, with a tick for each single pass (positions by CSSOM: the CSP
 * blocks inline style attributes). */
function classBar(mean: number, passes: number[]): HTMLElement {
  const fill = h('span', { class: 'fill' });
  fill.style.width = `${100 * mean}%`;
  const ticks = passes.map((p) => {
    const tick = h('i');
    tick.style.left = `${100 * p}%`;
    return tick;
  });
  return h('div', { class: 'bar' }, fill, ...ticks);
}

function picture(s: WireMcSample, shape: number[], caption: string): HTMLElement {
  if (s.thumbnail) return thumbnailImage(s.thumbnail, caption);
  const size = shape.reduce((a, b) => a * b, 1);
  const side = Math.round(Math.sqrt(size));
  return size === 64 && side * side === size && s.features.length === size
    ? digitImage(s.features, side)
    : h('code', {}, s.features.map((v) => Number(v.toPrecision(3))).join(', '));
}

export function sampleItem(
  s: WireMcSample,
  shape: number[],
  rank: number,
  data: WireMcData | undefined,
): HTMLElement {
  const className = (k: number) => data?.classNames?.[k] ?? String(k);
  const labelled = data?.labelled ?? true;
  const where = s.name ? ` ${s.name}` : '';
  const head = labelled
    ? `#${s.index}${where}: label ${className(s.label)}, predicted ${className(s.pred)}, entropy ${fix(s.entropy, 3)}, MI ${fix(s.mutualInfo, 3)}`
    : `#${s.index}${where}: predicted ${className(s.pred)}, entropy ${fix(s.entropy, 3)}, MI ${fix(s.mutualInfo, 3)}`;
  const std = s.variance.map(Math.sqrt);
  const passes = (s.passes ?? []).slice(0, MAX_TICKS);
  // Entry j of mean, variance and each pass is class s.classes[j] when the run listed only some classes.
  const listed = s.mean
    .map((p, j) => ({ p, j, k: s.classes?.[j] ?? j }))
    .sort((a, b) => b.p - a.p)
    .slice(0, TOP_CLASSES);
  // Few classes keep their order (the bars line up from sample to sample); many show the top ones.
  if (s.mean.length <= TOP_CLASSES && !s.classes) listed.sort((a, b) => a.k - b.k);
  const bars = h(
    'div',
    { class: 'bars' },
    ...listed.map(({ p, j, k }) => {
      const spread = `${fix(p, 3)} ± ${fix(std[j] ?? 0, 3)}`;
      return h(
        'div',
        { class: 'class-row', title: `class ${className(k)}: mean ${spread}` },
        h('span', { class: 'class-name' }, className(k)),
        classBar(
          p,
          passes.map((pass) => pass[j] ?? 0),
        ),
        h('span', {}, spread),
      );
    }),
  );
  return h(
    'li',
    { id: rank === 0 ? 'top-sample' : undefined, tabindex: 0, class: 'sample' },
    h('div', { class: 'sample-head' }, head),
    h('div', { class: 'sample-body' }, picture(s, shape, `${s.name ?? `sample ${s.index}`}`), bars),
  );
}
