// One profile: the interactive flame graph, the top table beside it (a click
// focuses that function in the graph), the metadata panel with the utilization
// history that led to the trigger, and the pprof download. URL:
//   #/profile/<id>&sample=<sample type>&zoom=...&search=...
// (min_fraction and max_nodes, when present, are passed to the server.)

import { formatValue, percent } from '../flame_text.js';
import { getJson, profileUrl, query } from './api.js';
import { h, errorLine } from './dom.js';
import { FlameHost } from './flame_host.js';
import { historyChart } from './history_chart.js';
import { functionTable } from './top_table.js';
import {
  agentCostText, bytes, labelPairs, limitsText, profileTime, seconds, shortId, triggerText, utcTime,
} from './format.js';
import { Route, routeOf } from './route.js';

export function renderProfile(container, route, router, id) {
  const sample = route.get('sample');
  // min_fraction and max_nodes (the server's pruning) pass through from the URL.
  const flameQuery = query({ sample_index: sample, min_fraction: route.get('min_fraction'), max_nodes: route.get('max_nodes') });
  const title = h('h1', {}, `Profile ${shortId(id)}`);
  const subtitle = h('div', { class: 'app-subtitle' });
  const sampleSelect = h('select', { 'aria-label': 'sample type', hidden: true });
  const download = h('a', { class: 'app-button', href: `${profileUrl(id)}/pprof`, download: '' }, 'Download pprof');
  const compare = h('a', { class: 'app-button app-secondary', href: routeOf('/compare', { 'target.ids': id }).format(),
    title: 'a comparison with this profile as the target; choose the base there' }, 'Compare…');
  const head = h('header', { class: 'app-view-head' },
    h('div', { class: 'app-titles' }, title, subtitle),
    h('div', { class: 'app-actions' }, h('label', { hidden: true }, 'sample ', sampleSelect), compare, download));
  const flameBox = h('div', { class: 'app-flame-host' });
  const metaBox = h('section', { class: 'app-meta', 'aria-label': 'profile metadata' }, h('h2', {}, 'Capture'));
  const topBox = h('section', { class: 'app-top', 'aria-label': 'top functions' });
  container.append(h('section', { class: 'app-profile-view' }, head,
    h('div', { class: 'app-split' }, flameBox, h('aside', { class: 'app-side' }, metaBox, topBox))));

  const host = new FlameHost(flameBox);
  let table = null;
  host.graph.addStateListener((s) => table && table.markSearch(s.search));
  let alive = true;

  sampleSelect.addEventListener('change', () => {
    const params = route.params.filter(([k]) => k !== 'sample' && k !== 'zoom');
    params.push(['sample', sampleSelect.value]);
    router.go(new Route(route.path, params));
  });

  const flame = getJson(`${profileUrl(id)}/flamegraph${flameQuery}`).then((json) => {
    if (!alive) return;
    host.show(json);
    if (table) table.markSearch(host.graph.getState().search);  // the URL's search, applied by show()
    const types = Array.isArray(json.sample_types) ? json.sample_types : [];
    if (types.length > 1) {
      sampleSelect.replaceChildren(...types.map((t) => h('option', { value: t, selected: json.sample_type && t === json.sample_type.type }, t)));
      sampleSelect.hidden = false;
      sampleSelect.parentElement.hidden = false;
    }
  }, (e) => alive && host.showError(e.message));

  const meta = getJson(profileUrl(id)).then((m) => {
    if (!alive) return;
    title.textContent = `${m.app || 'unknown app'} · ${m.kind || 'profile'}`;
    subtitle.textContent = `${triggerText(m.trigger)} · ${utcTime(profileTime(m))}`;
    metaBox.append(metadataList(m));
    const chart = historyChart(m.history, m.trigger, m.start_unix_ms);
    if (chart) metaBox.append(h('h3', {}, 'Utilization before the capture'), chart);
  }, (e) => alive && metaBox.append(errorLine(e.message)));

  const top = getJson(`${profileUrl(id)}/top${query({ n: 50, sample_index: sample })}`).then((t) => {
    if (!alive) return;
    const unit = t.unit || '';
    const total = t.total || 0;
    const share = (v) => (total > 0 ? percent(v / total) : '—');
    table = functionTable(`Top functions (of ${formatValue(total, unit)})`,
      [{ label: 'function' }, { label: 'flat', num: true, title: 'in the function itself' }, { label: 'flat%', num: true },
        { label: 'cum', num: true, title: 'in the function and its callees' }, { label: 'cum%', num: true }],
      t.rows || [],
      (r) => [r.function, formatValue(r.flat, unit), share(r.flat), formatValue(r.cum, unit), share(r.cum)],
      (r) => r.function,
      (name) => host.graph.focusFunction(name));
    topBox.append(table.element);
    table.markSearch(host.graph.getState().search);
  }, (e) => alive && topBox.append(errorLine(e.message)));

  Promise.allSettled([flame, meta, top]).then(() => { if (alive) container.dataset.ready = 'true'; });
  return {
    destroy() {
      alive = false;
      host.destroy();
    },
  };
}

// The capture's facts as a <dl>; fields the profile lacks are left out.
function metadataList(m) {
  const rows = [
    ['app', m.app], ['kind', m.kind], ['trigger', m.trigger && m.trigger.reason ? triggerText(m.trigger) : null],
    ['started', m.start_time ? utcTime(m.start_time) : null],
    ['duration', typeof m.duration_seconds === 'number' ? seconds(m.duration_seconds) : null],
    ['host', m.host], ['pid', m.pid],
    ['labels', labelPairs(m.labels).map(([k, v]) => h('span', { class: 'app-chip' }, `${k}:${v}`))],
    ['limits', m.limits ? limitsText(m.limits) : null],
    ['agent CPU', typeof m.agent_cpu_seconds === 'number' ? agentCostText(m) : null],
    ['dropped', typeof m.dropped_profiles === 'number' && m.dropped_profiles > 0 ? `${m.dropped_profiles} profiles` : null],
    ['size', typeof m.size_bytes === 'number' ? bytes(m.size_bytes) : null],
    ['received', m.received_time ? utcTime(m.received_time) : null],
    ['id', m.id],
  ];
  return h('dl', { class: 'app-facts' }, rows
    .filter(([, v]) => v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => [h('dt', {}, k), h('dd', { 'data-field': k }, v)]));
}
