// Words and numbers of the viewer's pages, from the profile metadata JSON (the
// agent's sidecar plus id, size_bytes and received_time; see
// agent/src/capture_record.h). Any field may be missing (Pyroscope ingests carry
// little), so every function accepts undefined and answers '—' or ''.

import { formatValue, percent } from '../flame_text.js';

const METRIC = { cpu: 'CPU', memory: 'Memory', throttle: 'Throttle' };

// "CPU 91% ≥ 75%", "manual", "baseline", or '—'.
export function triggerText(trigger) {
  if (!trigger || !trigger.reason) return '—';
  const name = METRIC[trigger.reason];
  if (!name) return trigger.reason;
  const has = (v) => typeof v === 'number' && isFinite(v);
  if (!has(trigger.value)) return name;
  return `${name} ${fraction(trigger.value)}` + (has(trigger.threshold) ? ` ≥ ${fraction(trigger.threshold)}` : '');
}

// 0.912 -> "91%", 0.0512 -> "5.1%".
export function fraction(f) {
  if (typeof f !== 'number' || !isFinite(f)) return '—';
  const p = f * 100;
  return `${Math.abs(p) >= 10 || p === 0 ? Math.round(p) : p.toFixed(1)}%`;
}

export function bytes(n) {
  return typeof n === 'number' && isFinite(n) ? formatValue(n, 'bytes') : '—';
}

export function seconds(s) {
  if (typeof s !== 'number' || !isFinite(s)) return '—';
  if (s >= 1) return `${s >= 100 ? Math.round(s) : +s.toFixed(1)} s`;
  return `${+(s * 1000).toFixed(1)} ms`;
}

// "2026-11-24 21:40:05 UTC" from an RFC 3339 time; the raw text if it does not parse.
export function utcTime(text) {
  if (!text) return '—';
  const d = new Date(text);
  if (isNaN(d.getTime())) return String(text);
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC');
}

// The time a profile is about: when it started, else when the server got it.
export function profileTime(meta) {
  return meta.start_time || meta.received_time || '';
}

// [["pod", "web-1"], ...] from the labels object, sorted by key.
export function labelPairs(labels) {
  if (!labels || typeof labels !== 'object') return [];
  return Object.entries(labels).map(([k, v]) => [k, String(v)]).sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
}

// "0.5 cores · 256 MiB" from the limits object.
export function limitsText(limits) {
  if (!limits) return '—';
  const parts = [];
  if (typeof limits.cpu_cores === 'number') parts.push(`CPU ${+limits.cpu_cores.toFixed(3)} cores`);
  if (typeof limits.memory_bytes === 'number') parts.push(`memory ${bytes(limits.memory_bytes)}`);
  return parts.length ? parts.join(' · ') : 'none';
}

// The agent's own CPU time, and its share of the capture's duration.
export function agentCostText(meta) {
  const s = meta.agent_cpu_seconds;
  if (typeof s !== 'number') return '—';
  const d = meta.duration_seconds;
  return seconds(s) + (typeof d === 'number' && d > 0 ? ` (${percent(s / d)} of one core over the capture)` : '');
}

export function shortId(id) {
  return String(id || '').slice(0, 12);
}

// "k:v" (or "k=v") -> "k:v"; '' when the text is no label.
export function normalizeLabel(text) {
  const t = String(text).trim();
  const m = /^([^:=\s]+)\s*[:=]\s*(.*)$/.exec(t);
  return m ? `${m[1]}:${m[2].trim()}` : '';
}

// "version:1.4, pod=web-1" -> ["version:1.4", "pod:web-1"].
export function parseLabelList(text) {
  return String(text || '').split(',').map(normalizeLabel).filter((s) => s);
}
