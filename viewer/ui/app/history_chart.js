// The small chart of the utilization that led to a trigger: the agent's history
// ring from the sidecar (cpu, memory and throttle as fractions of their limits,
// one point per watcher tick) drawn as lines on a canvas, with the trigger's
// threshold as a dashed line and the capture's start as a vertical mark.
//
//   const chart = historyChart(meta.history, meta.trigger, meta.start_unix_ms);
//   panel.append(chart);   // a <figure>, or null when there is no history

import { h } from './dom.js';
import { fraction } from './format.js';

export const SERIES = [
  { key: 'cpu', label: 'CPU', color: '#1f5fae' },
  { key: 'memory', label: 'memory', color: '#2e7d32' },
  { key: 'throttle', label: 'throttle', color: '#c05600' },
];
const THRESHOLD_COLOR = '#b2182b';
const WIDTH = 380, HEIGHT = 150;
const PAD = { left: 40, right: 10, top: 10, bottom: 22 };

export function historyChart(history, trigger, startMs) {
  const points = (Array.isArray(history) ? history : [])
    .filter((p) => p && typeof p.unix_ms === 'number')
    .sort((a, b) => a.unix_ms - b.unix_ms);
  if (points.length === 0) return null;
  const series = SERIES.filter((s) => points.some((p) => typeof p[s.key] === 'number'));
  const threshold = trigger && typeof trigger.threshold === 'number' ? trigger.threshold : null;
  const canvas = h('canvas', { class: 'app-history', role: 'img',
    'aria-label': 'utilization history before the capture' });
  const legend = h('figcaption', { class: 'app-history-legend' },
    series.map((s) => {
      const sw = h('span', { class: 'app-line-swatch' });
      sw.style.backgroundColor = s.color;
      return h('span', {}, sw, s.label);
    }),
    threshold !== null ? h('span', {}, h('span', { class: 'app-line-swatch app-dashed' }),
      `threshold ${fraction(threshold)} (${trigger.reason})`) : null);
  draw(canvas, points, series, threshold, startMs);
  return h('figure', { class: 'app-history-figure' }, canvas, legend);
}

function draw(canvas, points, series, threshold, startMs) {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(WIDTH * dpr);
  canvas.height = Math.round(HEIGHT * dpr);
  canvas.style.width = `${WIDTH}px`;
  canvas.style.height = `${HEIGHT}px`;
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.font = '11px system-ui, sans-serif';

  const t0 = points[0].unix_ms;
  const end = typeof startMs === 'number' && startMs > points[points.length - 1].unix_ms ? startMs : points[points.length - 1].unix_ms;
  const span = Math.max(1, end - t0);
  let top = threshold !== null ? threshold : 0;
  for (const p of points) for (const s of series) if (typeof p[s.key] === 'number') top = Math.max(top, p[s.key]);
  top = top <= 1 ? 1 : Math.ceil(top * 4) / 4;
  const w = WIDTH - PAD.left - PAD.right, hgt = HEIGHT - PAD.top - PAD.bottom;
  const x = (ms) => PAD.left + ((ms - t0) / span) * w;
  const y = (v) => PAD.top + hgt - (v / top) * hgt;

  // Grid and axes.
  ctx.strokeStyle = '#e3e3e3';
  ctx.fillStyle = '#555';
  ctx.lineWidth = 1;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (let k = 0; k <= 4; k++) {
    const v = (top * k) / 4;
    ctx.beginPath();
    ctx.moveTo(PAD.left, Math.round(y(v)) + 0.5);
    ctx.lineTo(PAD.left + w, Math.round(y(v)) + 0.5);
    ctx.stroke();
    ctx.fillText(fraction(v), PAD.left - 4, y(v));
  }
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  ctx.fillText(`−${Math.round(span / 1000)} s`, PAD.left, PAD.top + hgt + 5);
  ctx.textAlign = 'right';
  ctx.fillText(typeof startMs === 'number' ? 'capture' : 'last tick', PAD.left + w, PAD.top + hgt + 5);

  if (typeof startMs === 'number' && startMs >= t0) {
    ctx.strokeStyle = '#888';
    ctx.beginPath();
    ctx.moveTo(Math.round(x(startMs)) - 0.5, PAD.top);
    ctx.lineTo(Math.round(x(startMs)) - 0.5, PAD.top + hgt);
    ctx.stroke();
  }
  if (threshold !== null) {
    ctx.save();
    ctx.strokeStyle = THRESHOLD_COLOR;
    ctx.setLineDash([5, 3]);
    ctx.beginPath();
    ctx.moveTo(PAD.left, y(threshold));
    ctx.lineTo(PAD.left + w, y(threshold));
    ctx.stroke();
    ctx.restore();
  }
  ctx.lineWidth = 2;
  ctx.lineJoin = 'round';
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.beginPath();
    let pen = false;
    for (const p of points) {
      const v = p[s.key];
      if (typeof v !== 'number') { pen = false; continue; }
      if (pen) ctx.lineTo(x(p.unix_ms), y(v)); else ctx.moveTo(x(p.unix_ms), y(v));
      pen = true;
    }
    if (points.length === 1) ctx.arc(x(points[0].unix_ms), y(points[0][s.key] || 0), 2, 0, 2 * Math.PI);
    ctx.stroke();
  }
}
