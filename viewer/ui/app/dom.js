// Small DOM helpers of the viewer's pages. Data reaches the page only as text
// nodes and attribute values, never as HTML: h() has no way to set innerHTML.
//
//   import { h } from './dom.js';
//   list.append(h('a', { href: '#/profile/' + id, class: 'id' }, name));

// h(tag, attrs, ...children): attrs keys are attribute names, except `class`
// (className), `on<event>` (a listener) and `hidden`/`disabled`/`checked`/
// `value` (properties). Children are nodes or strings (text nodes); null and
// false are skipped, arrays are flattened.
export function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') e.className = value;
    else if (key.startsWith('on') && typeof value === 'function') e.addEventListener(key.slice(2), value);
    else if (key === 'hidden' || key === 'disabled' || key === 'checked' || key === 'value') e[key] = value;
    else e.setAttribute(key, value === true ? '' : String(value));
  }
  append(e, children);
  return e;
}

function append(parent, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, c);
    else parent.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// A one-line error box (text only).
export function errorLine(message) {
  return h('div', { class: 'app-error', role: 'alert' }, String(message));
}
