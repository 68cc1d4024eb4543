// The list of profiles, newest first, with filters (app, kind, trigger reason,
// time range, labels) kept in the URL, and picks for a comparison: any profile
// can be put on the base or the target side; the picks live in the URL too
// (pick.base, pick.target), and "Compare" opens #/compare with them.

import { getJson, listUrl } from './api.js';
import { h, errorLine } from './dom.js';
import { bytes, labelPairs, parseLabelList, profileTime, shortId, triggerText, utcTime } from './format.js';
import { routeOf } from './route.js';

const KINDS = ['', 'cpu', 'heap'];
const REASONS = ['', 'cpu', 'memory', 'throttle', 'manual', 'baseline'];
const FILTER_KEYS = ['app', 'kind', 'reason', 'from', 'to'];

function select(name, options, value, label) {
  return h('select', { name, 'aria-label': label },
    options.map((o) => h('option', { value: o, selected: o === value }, o || 'any')));
}

// '2026-11-24T21:40:00Z' <-> the value of a datetime-local input, read as UTC.
const toInputTime = (iso) => (iso && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(iso) ? iso.slice(0, 16) : '');
const fromInputTime = (v) => (v ? `${v.length === 16 ? v + ':00' : v}Z` : '');

export function renderList(container, route, router) {
  const filters = Object.fromEntries(FILTER_KEYS.map((k) => [k, route.get(k)]));
  const labels = route.getAll('label');
  const picks = {
    base: new Set(route.get('pick.base').split(',').filter((s) => s)),
    target: new Set(route.get('pick.target').split(',').filter((s) => s)),
  };

  const form = h('form', { class: 'app-filters', role: 'search' },
    h('label', {}, 'app ', h('input', { name: 'app', value: filters.app, size: 14, list: 'app-apps' })),
    h('datalist', { id: 'app-apps' }),
    h('label', {}, 'kind ', select('kind', KINDS, filters.kind, 'kind')),
    h('label', {}, 'trigger ', select('reason', REASONS, filters.reason, 'trigger reason')),
    h('label', {}, 'from ', h('input', { name: 'from', type: 'datetime-local', value: toInputTime(filters.from) })),
    h('label', {}, 'to ', h('input', { name: 'to', type: 'datetime-local', value: toInputTime(filters.to) })),
    h('span', { class: 'app-hint' }, '(UTC)'),
    h('label', {}, 'labels ', h('input', { name: 'label', value: labels.join(', '), size: 22, placeholder: 'version:1.5, pod:web-1' })),
    h('button', { type: 'submit' }, 'Filter'),
    h('a', { href: '#/profiles', class: 'app-clear' }, 'clear'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const f = new FormData(form);
    router.go(routeOf('/profiles', {
      app: f.get('app').trim(), kind: f.get('kind'), reason: f.get('reason'),
      from: fromInputTime(f.get('from')), to: fromInputTime(f.get('to')),
      label: parseLabelList(f.get('label')),
      'pick.base': [...picks.base].join(','), 'pick.target': [...picks.target].join(','),
    }));
  });

  const compareInfo = h('span', { class: 'app-pick-info' });
  const compareLink = h('a', { class: 'app-button', href: '#/compare' }, 'Compare');
  const clearPicks = h('button', { type: 'button', class: 'app-link-button' }, 'clear picks');
  const bar = h('div', { class: 'app-compare-bar' }, compareInfo, compareLink, clearPicks);
  const status = h('div', { class: 'app-status', 'aria-live': 'polite' }, 'Loading…');
  const tbody = h('tbody');
  const table = h('table', { class: 'app-table app-list' },
    h('thead', {}, h('tr', {},
      h('th', { title: 'use as the base of a comparison' }, 'base'),
      h('th', { title: 'use as the target of a comparison' }, 'target'),
      h('th', {}, 'time (UTC)'), h('th', {}, 'app'), h('th', {}, 'kind'), h('th', {}, 'trigger'),
      h('th', {}, 'labels'), h('th', {}, 'host'), h('th', { class: 'num' }, 'size'))),
    tbody);
  container.append(h('section', { class: 'app-list-view' }, h('h1', {}, 'Profiles'), form, bar, status, table));

  const updatePicks = () => {
    const b = picks.base.size, t = picks.target.size;
    compareInfo.textContent = `Comparison: ${b} base, ${t} target profile${t === 1 ? '' : 's'} picked`;
    compareLink.href = routeOf('/compare', { 'base.ids': [...picks.base].join(','), 'target.ids': [...picks.target].join(',') }).format();
    compareLink.classList.toggle('app-disabled', b === 0 || t === 0);
    compareLink.setAttribute('aria-disabled', String(b === 0 || t === 0));
    const params = route.params.filter(([k]) => k !== 'pick.base' && k !== 'pick.target');
    if (b) params.push(['pick.base', [...picks.base].join(',')]);
    if (t) params.push(['pick.target', [...picks.target].join(',')]);
    router.replace(route.path, params);
  };
  clearPicks.addEventListener('click', () => {
    picks.base.clear();
    picks.target.clear();
    for (const box of tbody.querySelectorAll('input[type=checkbox]')) box.checked = false;
    updatePicks();
  });
  updatePicks();

  const pickBox = (side, id) => {
    const box = h('input', { type: 'checkbox', checked: picks[side].has(id), 'aria-label': `${side}: ${shortId(id)}`, 'data-side': side });
    box.addEventListener('change', () => {
      if (box.checked) picks[side].add(id); else picks[side].delete(id);
      updatePicks();
    });
    return box;
  };

  const row = (meta) => {
    const href = `#/profile/${encodeURIComponent(meta.id)}`;
    const labelCell = labelPairs(meta.labels).map(([k, v]) =>
      h('a', { class: 'app-chip', href: routeOf('/profiles', { label: `${k}:${v}` }).format(), title: `filter by ${k}:${v}` }, `${k}:${v}`));
    return h('tr', { 'data-id': meta.id },
      h('td', { class: 'pick' }, pickBox('base', meta.id)),
      h('td', { class: 'pick' }, pickBox('target', meta.id)),
      h('td', { class: 'time' }, h('a', { href }, utcTime(profileTime(meta)))),
      h('td', {}, h('a', { href, class: 'app-name' }, meta.app || '—')),
      h('td', {}, meta.kind || '—'),
      h('td', { class: 'trigger' }, triggerText(meta.trigger)),
      h('td', { class: 'labels' }, labelCell),
      h('td', {}, meta.host || '—'),
      h('td', { class: 'num' }, bytes(meta.size_bytes)));
  };

  let alive = true;
  getJson(listUrl({ ...filters, label: labels })).then((list) => {
    if (!alive) return;
    status.textContent = list.length ? `${list.length} profile${list.length === 1 ? '' : 's'}, newest first` : 'No profiles match these filters.';
    tbody.replaceChildren(...list.map(row));
    const apps = [...new Set(list.map((m) => m.app).filter((a) => a))].sort();
    form.querySelector('datalist').replaceChildren(...apps.map((a) => h('option', { value: a })));
    container.dataset.ready = 'true';
  }, (e) => {
    if (!alive) return;
    status.replaceChildren(errorLine(e.message));
    container.dataset.ready = 'true';
  });
  return { destroy() { alive = false; } };
}
