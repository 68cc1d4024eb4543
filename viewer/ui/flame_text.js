// Numbers and words of the flame graph: values in their unit, percentages, and
// the legend of the differential colours (DOM nodes; text only via textContent).

import { DIFF_BLUE, DIFF_NEUTRAL, DIFF_RED, NOT_SIGNIFICANT, rgb } from './flame_colors.js';

export function percent(f) {
  if (!isFinite(f)) return '—';
  const p = f * 100;
  return (Math.abs(p) >= 10 || p === 0 ? p.toFixed(1) : Math.abs(p) >= 0.1 ? p.toFixed(2) : p.toPrecision(2)) + '%';
}

function scaled(v, steps) {
  let k = 0;
  while (k + 1 < steps.length && Math.abs(v) >= steps[k + 1][0]) k++;
  const [div, suffix] = steps[k];
  const x = v / div;
  return `${Math.abs(x) >= 100 || Number.isInteger(x) ? x.toFixed(0) : x.toFixed(Math.abs(x) >= 10 ? 1 : 2)}${suffix}`;
}

const TIME = [[1, ' ns'], [1e3, ' µs'], [1e6, ' ms'], [1e9, ' s'], [60e9, ' min']];
const BYTES = [[1, ' B'], [1024, ' KiB'], [1024 ** 2, ' MiB'], [1024 ** 3, ' GiB']];
const COUNT = [[1, ''], [1e3, 'k'], [1e6, 'M'], [1e9, 'G']];

export function formatValue(v, unit) {
  if (unit === 'nanoseconds') return scaled(v, TIME);
  if (unit === 'microseconds') return scaled(v * 1e3, TIME);
  if (unit === 'milliseconds') return scaled(v * 1e6, TIME);
  if (unit === 'seconds') return scaled(v * 1e9, TIME);
  if (unit === 'bytes') return scaled(v, BYTES);
  return scaled(v, COUNT) + (unit && unit !== 'count' ? ` ${unit}` : '');
}

// A normalized value: a share, a rate per second, or a raw value.
export function formatNormalized(v, unit, norm) {
  if (norm === 'share') return percent(v);
  if (norm === 'per-second') return `${formatValue(v, unit)}/s`;
  return formatValue(v, unit);
}

function swatch(color, stripes, dashed) {
  const s = document.createElement('span');
  s.className = 'ap-swatch' + (dashed ? ' ap-swatch-dashed' : '');
  s.style.backgroundColor = rgb(color);
  if (stripes) {
    s.style.backgroundImage =
      `repeating-linear-gradient(135deg, ${rgb(stripes)} 0 2px, transparent 2px 5px)`;
  }
  return s;
}

function item(children) {
  const span = document.createElement('span');
  span.className = 'ap-legend-item';
  span.append(...children);
  return span;
}

// Legend nodes: the scale from -fullScale (blue) to +fullScale (red) as a share of
// the whole profile, and the meaning of grey and hatched frames.
export function buildLegend(fullScale, alpha) {
  const bar = document.createElement('span');
  bar.className = 'ap-legend-scale';
  bar.style.background = `linear-gradient(to right, ${rgb(DIFF_BLUE)}, ${rgb(DIFF_NEUTRAL)}, ${rgb(DIFF_RED)})`;
  const lo = document.createElement('span');
  lo.textContent = `−${percent(fullScale)} smaller / faster`;
  const hi = document.createElement('span');
  hi.textContent = `+${percent(fullScale)} bigger / slower`;
  const caption = document.createElement('span');
  caption.className = 'ap-legend-caption';
  caption.textContent = 'change as a share of the whole profile; width: mean of base and target';
  return [
    item([lo, bar, hi]),
    item([swatch(NOT_SIGNIFICANT), document.createTextNode(`not significant (p ≥ ${alpha})`)]),
    item([swatch(DIFF_NEUTRAL, DIFF_BLUE, true), document.createTextNode('only in base (dashed)')]),
    item([swatch(DIFF_NEUTRAL, DIFF_RED, false), document.createTextNode('only in target')]),
    caption,
  ];
}
