// Compare: a base and a target, each either profile ids or a group chosen by
// app, kind and labels (e.g. version:1.4 against version:1.5; the group's newest
// 32 profiles are merged), drawn as a differential flame graph with its legend,
// and the table of the biggest changes by function. The normalization (the
// graph's toolbar) re-asks the server for the table. URL:
//   #/compare&base.app=demo&base.label=version:1.4&target.app=demo&target.label=version:1.5&norm=share
//   #/compare&base.ids=<id>,<id>&target.ids=<id>

import { formatNormalized, formatValue } from '../flame_text.js';
import { getJson, listUrl, query } from './api.js';
import { h, errorLine } from './dom.js';
import { FlameHost } from './flame_host.js';
import { functionTable } from './top_table.js';
import { parseLabelList, shortId } from './format.js';
import { Route, routeOf } from './route.js';

const MAX_PER_SIDE = 32;  // the server's limit per side of /api/v1/diff
const SIDES = ['base', 'target'];

function readSide(route, side) {
  return {
    ids: route.get(`${side}.ids`).split(',').map((s) => s.trim()).filter((s) => s),
    app: route.get(`${side}.app`),
    kind: route.get(`${side}.kind`),
    labels: route.getAll(`${side}.label`),
  };
}

function describeGroup(s) {
  return [s.app && `app ${s.app}`, s.kind && `kind ${s.kind}`, ...s.labels].filter((x) => x).join(', ');
}

// The ids of one side: given, or the newest profiles of its group.
async function resolveSide(name, s) {
  if (s.ids.length) return { ids: s.ids.slice(0, MAX_PER_SIDE), more: s.ids.length > MAX_PER_SIDE, what: 'picked' };
  if (!s.app && !s.kind && !s.labels.length) {
    throw new Error(`${name}: give profile ids or a group (app, kind, labels)`);
  }
  const list = await getJson(listUrl({ app: s.app, kind: s.kind, label: s.labels, limit: MAX_PER_SIDE + 1 }));
  if (!list.length) throw new Error(`${name}: no profile matches ${describeGroup(s)}`);
  return { ids: list.slice(0, MAX_PER_SIDE).map((m) => m.id), more: list.length > MAX_PER_SIDE, what: describeGroup(s) };
}

function sideFieldset(side, s) {
  const mode = s.ids.length ? 'ids' : 'group';
  const modeSelect = h('select', { name: `${side}.mode`, 'aria-label': `${side} chosen by` },
    h('option', { value: 'group', selected: mode === 'group' }, 'a group by label'),
    h('option', { value: 'ids', selected: mode === 'ids' }, 'profile ids'));
  const group = h('span', { class: 'app-side-group', hidden: mode !== 'group' },
    h('label', {}, 'app ', h('input', { name: `${side}.app`, value: s.app, size: 10 })),
    h('label', {}, 'kind ', h('select', { name: `${side}.kind` },
      ['', 'cpu', 'heap'].map((k) => h('option', { value: k, selected: k === s.kind }, k || 'any')))),
    h('label', {}, 'labels ', h('input', { name: `${side}.label`, value: s.labels.join(', '), size: 16, placeholder: side === 'base' ? 'version:1.4' : 'version:1.5' })));
  const ids = h('span', { class: 'app-side-ids', hidden: mode !== 'ids' },
    h('label', {}, 'ids ', h('input', { name: `${side}.ids`, value: s.ids.join(','), size: 40, placeholder: 'id,id,…' })));
  modeSelect.addEventListener('change', () => {
    group.hidden = modeSelect.value !== 'group';
    ids.hidden = modeSelect.value !== 'ids';
  });
  return h('fieldset', { class: `app-cmp-side app-cmp-side-${side}` }, h('legend', {}, side), modeSelect, group, ids);
}

export function renderCompare(container, route, router) {
  const sides = { base: readSide(route, 'base'), target: readSide(route, 'target') };
  const sample = route.get('sample');
  const form = h('form', { class: 'app-compare-form' },
    sideFieldset('base', sides.base), sideFieldset('target', sides.target),
    h('div', { class: 'app-form-actions' },
      h('button', { type: 'submit' }, 'Compare'),
      h('button', { type: 'button', class: 'app-link-button', onclick: () => swap() }, 'swap sides')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    router.go(formRoute(new FormData(form)));
  });
  const formRoute = (f, swapSides = false) => {
    const values = {};
    for (const side of SIDES) {
      const to = swapSides ? (side === 'base' ? 'target' : 'base') : side;
      if (f.get(`${side}.mode`) === 'ids') {
        values[`${to}.ids`] = String(f.get(`${side}.ids`)).split(/[\s,]+/).filter((x) => x).join(',');
      } else {
        values[`${to}.app`] = String(f.get(`${side}.app`)).trim();
        values[`${to}.kind`] = f.get(`${side}.kind`);
        values[`${to}.label`] = parseLabelList(f.get(`${side}.label`));
      }
    }
    values.sample = sample;
    values.norm = route.get('norm');
    return routeOf('/compare', values);
  };
  const swap = () => router.go(formRoute(new FormData(form), true));

  const summary = h('div', { class: 'app-compare-summary', 'aria-live': 'polite' }, 'Resolving profiles…');
  const sampleSelect = h('select', { 'aria-label': 'sample type' });
  const sampleLabel = h('label', { hidden: true }, 'sample ', sampleSelect);
  const flameBox = h('div', { class: 'app-flame-host' });
  const changes = h('section', { class: 'app-changes', 'aria-label': 'biggest changes' });
  const split = h('div', { class: 'app-split' }, flameBox, h('aside', { class: 'app-side' }, changes));
  container.append(h('section', { class: 'app-compare-view' },
    h('header', { class: 'app-view-head' }, h('div', { class: 'app-titles' }, h('h1', {}, 'Compare')),
      h('div', { class: 'app-actions' }, sampleLabel)),
    form, summary, split));

  sampleSelect.addEventListener('change', () => {
    const params = route.params.filter(([k]) => k !== 'sample' && k !== 'zoom');
    params.push(['sample', sampleSelect.value]);
    router.go(new Route(route.path, params));
  });

  const host = new FlameHost(flameBox);
  let alive = true;
  let ids = null;
  let tableNorm = null;
  let table = null;
  host.graph.addStateListener((s) => {
    if (table) table.markSearch(s.search);
    if (s.norm && s.norm !== tableNorm) loadTable(s.norm);
  });

  const diffUrl = (norm) => `/api/v1/diff${query({ base: ids.base.join(','), target: ids.target.join(','), normalize: norm, sample_index: sample, n: 50 })}`;

  // The table for `norm`; the tree already holds every normalization.
  const loadTable = (norm, json) => {
    tableNorm = norm;
    const answer = json ? Promise.resolve(json) : getJson(diffUrl(norm));
    return answer.then((d) => {
      if (!alive || tableNorm !== norm) return;
      showTable(d.table);
    }, (e) => alive && changes.replaceChildren(errorLine(e.message)));
  };

  const showTable = (t) => {
    const unit = (t.sample_type && t.sample_type.unit) || '';
    const norm = t.normalization;
    const signed = (v, f) => (v > 0 ? '+' : v < 0 ? '−' : '') + f(Math.abs(v));
    const deltaCell = (v, text) => h('span', { class: v > 0 ? 'app-up' : v < 0 ? 'app-down' : '' }, text);
    table = functionTable(`Biggest changes by function (self; ${norm === 'share' ? 'share of each total' : norm === 'per-second' ? 'per second of profile' : 'absolute'})`,
      [{ label: 'function' }, { label: 'before', num: true }, { label: 'after', num: true },
        { label: 'delta', num: true }, { label: 'norm. delta', num: true, title: `the change after ${norm} normalization` }],
      t.rows || [],
      (r) => [r.function, formatValue(r.before, unit), formatValue(r.after, unit),
        deltaCell(r.delta, signed(r.delta, (v) => formatValue(v, unit))),
        deltaCell(r.normalized_delta, signed(r.normalized_delta, (v) => formatNormalized(v, unit, norm)))],
      (r) => r.function,
      (name) => host.graph.focusFunction(name));
    changes.replaceChildren(table.element);
    table.markSearch(host.graph.getState().search);
  };

  const sideLine = (name, r) => h('div', { class: `app-side-line app-side-line-${name}` },
    h('strong', {}, name), `: ${r.ids.length} profile${r.ids.length === 1 ? '' : 's'} (${r.what}${r.more ? `; newest ${MAX_PER_SIDE} used` : ''}) `,
    r.ids.map((id) => h('a', { href: `#/profile/${encodeURIComponent(id)}`, class: 'app-id' }, shortId(id))));

  const empty = (s) => !s.ids.length && !s.app && !s.kind && !s.labels.length;
  if (empty(sides.base) || empty(sides.target)) {
    const missing = empty(sides.base) && empty(sides.target) ? 'a base and a target' : empty(sides.base) ? 'a base' : 'a target';
    summary.textContent = `Choose ${missing} above: profile ids, or groups by app, kind and labels ` +
      '(e.g. version:1.4 against version:1.5). Profiles can also be picked in the list.';
    split.hidden = true;
    container.dataset.ready = 'true';
    return { destroy() { alive = false; host.destroy(); } };
  }

  Promise.all(SIDES.map((s) => resolveSide(s, sides[s]))).then(async ([b, t]) => {
    if (!alive) return;
    ids = { base: b.ids, target: t.ids };
    summary.replaceChildren(sideLine('base', b), sideLine('target', t));
    const norm = route.get('norm') || 'absolute';
    const json = await getJson(diffUrl(norm));
    if (!alive) return;
    host.show(json.tree);
    const types = Array.isArray(json.tree.sample_types) ? json.tree.sample_types : [];
    if (types.length > 1) {
      sampleSelect.replaceChildren(...types.map((x) => h('option', { value: x, selected: json.tree.sample_type && x === json.tree.sample_type.type }, x)));
      sampleLabel.hidden = false;
    }
    await loadTable(host.graph.getState().norm || norm, host.graph.getState().norm === norm ? json : null);
  }).catch((e) => {
    if (!alive) return;
    if (!ids) summary.replaceChildren(errorLine(e.message));
    host.showError(e.message);
  }).finally(() => { if (alive) container.dataset.ready = 'true'; });

  return {
    destroy() {
      alive = false;
      host.destroy();
    },
    // Back/forward that only changed the flame keys: bindHash moved the graph;
    // the table follows the normalization.
    onRoute(next) {
      const norm = next.get('norm');
      if (ids && norm && norm !== tableNorm) loadTable(norm);
    },
  };
}
