// A table of functions whose rows focus that function in a flame graph when
// clicked (or on Enter): the profile's top table and the comparison's table of
// biggest changes share it. The row whose function is the graph's current
// search is marked (aria-selected), so the link between both stays visible.
//
//   const t = functionTable(['function', 'flat'], rows, (r) => [r.function, fmt(r.flat)],
//                           (name) => graph.focusFunction(name));
//   t.markSearch(graph.getState().search);

import { h } from './dom.js';

// columns: [{label, num}], cells(row) -> array of strings or nodes, name(row) -> function name.
export function functionTable(caption, columns, rows, cells, name, onPick) {
  const trs = rows.map((r) => {
    const tr = h('tr', { tabindex: 0 },
      cells(r).map((c, i) => h('td', { class: columns[i].num ? 'num' : 'fn', title: columns[i].num ? null : name(r) }, c)));
    tr.dataset.function = name(r);
    tr.addEventListener('click', () => onPick(name(r)));
    tr.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); onPick(name(r)); }
    });
    return tr;
  });
  const table = h('table', { class: 'app-table app-fn-table' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { class: c.num ? 'num' : '', title: c.title || null }, c.label)))),
    h('tbody', {}, trs));
  return {
    element: table,
    markSearch(text) {
      for (const tr of trs) tr.setAttribute('aria-selected', String(tr.dataset.function === text));
    },
  };
}
