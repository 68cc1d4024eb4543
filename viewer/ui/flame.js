// FlameGraph: draws the flame tree JSON of autoprof/flame.h on a canvas.
//
// Root at the top, callees below; width is the frame's total (for a diff, the
// mean of its normalized base and target values). Click a frame to zoom, the
// breadcrumb to go back; type in the search box to highlight matching frames and
// read their share of the total; hover for self and total; keyboard: arrows move
// a selection (up: caller, down: callee, left/right: neighbours), Enter zooms,
// Escape zooms out, '/' jumps to the search box. Only what is on screen is drawn:
// rows outside the scrolled window and frames narrower than a third of a pixel
// are skipped, so a 100,000-node tree stays interactive. Names reach the page
// only through textContent, title and canvas text: never as HTML.
//
// Usage (the data may come from fetch or from an inline <script type="application/json">):
//   import { FlameGraph } from './flame.js';
//   import { bindHash } from './flame_hash.js';
//   const graph = new FlameGraph(document.getElementById('flame'));
//   graph.setData(await (await fetch(`/api/v1/profiles/${id}/flamegraph`)).json());
//   bindHash(graph);   // optional: zoom, search and normalization in the URL

import { FlameModel, FLAG_AGGREGATE, FLAG_BASE_ONLY, FLAG_TARGET_ONLY } from './flame_model.js';
import { AGGREGATE, SEARCH_MATCH, diffColor, flameColor, hatchPattern, hatchStripe, niceCeil, rgb, textColorFor } from './flame_colors.js';
import { buildLegend, formatValue, formatNormalized, percent } from './flame_text.js';

const ROW_HEIGHT = 18;
const MIN_WIDTH_PX = 0.33;
const FONT = '12px ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace';

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

export class FlameGraph {
  constructor(container, options = {}) {
    this.rowHeight = options.rowHeight || ROW_HEIGHT;
    this.listeners = [];
    this.model = null;
    this.zoom = 0;
    this.selected = 0;
    this.hover = -1;
    this.searchText = '';
    this.matchedName = null;
    this.drawPending = false;

    this.root = el('div', 'ap-flame');
    const bar = el('div', 'ap-flame-bar');
    this.crumbs = el('nav', 'ap-crumbs');
    this.crumbs.setAttribute('aria-label', 'zoom path');
    this.searchBox = el('input', 'ap-search');
    this.searchBox.type = 'search';
    this.searchBox.placeholder = 'Search (text or /regex/)';
    this.searchBox.setAttribute('aria-label', 'search frames');
    this.matchInfo = el('span', 'ap-match');
    this.normSelect = el('select', 'ap-norm');
    this.normSelect.setAttribute('aria-label', 'normalization');
    this.normSelect.hidden = true;
    bar.append(this.crumbs, this.searchBox, this.matchInfo, this.normSelect);
    this.summary = el('div', 'ap-summary');
    this.legend = el('div', 'ap-legend');
    this.legend.hidden = true;
    this.scroller = el('div', 'ap-scroll');
    this.sizer = el('div', 'ap-sizer');
    this.canvas = el('canvas', 'ap-canvas');
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'img');
    this.sizer.append(this.canvas);
    this.scroller.append(this.sizer);
    this.tip = el('div', 'ap-tip');
    this.tip.hidden = true;
    this.error = el('div', 'ap-error');
    this.error.hidden = true;
    this.root.append(bar, this.summary, this.legend, this.error, this.scroller, this.tip);
    container.append(this.root);
    this.ctx = this.canvas.getContext('2d');

    this.searchBox.addEventListener('input', () => this.setSearch(this.searchBox.value));
    this.searchBox.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') { this.searchBox.value = ''; this.setSearch(''); this.canvas.focus(); }
      if (e.key === 'Enter') this.canvas.focus();
    });
    this.normSelect.addEventListener('change', () => this.setNormalization(this.normSelect.value));
    this.canvas.addEventListener('mousemove', (e) => this.onMove(e));
    this.canvas.addEventListener('mouseleave', () => { this.hover = -1; this.tip.hidden = true; this.requestDraw(); });
    this.canvas.addEventListener('click', (e) => this.onClick(e));
    this.canvas.addEventListener('keydown', (e) => this.onKey(e));
    this.scroller.addEventListener('scroll', () => this.requestDraw());
    this.onGlobalKey = (e) => {
      if (e.key === '/' && document.activeElement !== this.searchBox) {
        e.preventDefault();
        this.searchBox.focus();
      }
    };
    document.addEventListener('keydown', this.onGlobalKey);
    this.resizeObserver = new ResizeObserver(() => this.requestDraw());
    this.resizeObserver.observe(this.scroller);
  }

  destroy() {
    this.resizeObserver.disconnect();
    document.removeEventListener('keydown', this.onGlobalKey);
    this.root.remove();
  }

  // Called with getState() after every change the user makes.
  addStateListener(fn) { this.listeners.push(fn); }

  // Replaces the picture with a one-line message (textContent, never HTML).
  showError(message) {
    this.model = null;
    this.error.textContent = String(message);
    this.error.hidden = false;
    this.ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
  }

  setData(json) {
    try {
      this.model = new FlameModel(json);
    } catch (e) {
      this.showError(e.message || e);
      return;
    }
    this.error.hidden = true;
    this.zoom = 0;
    this.selected = 0;
    this.hover = -1;
    const norms = this.model.availableNormalizations();
    this.normSelect.replaceChildren(...norms.map((n) => {
      const o = el('option', '', n === 'per-second' ? 'per second' : n === 'share' ? 'share of total' : n);
      o.value = n;
      return o;
    }));
    this.normSelect.hidden = norms.length === 0;
    this.normSelect.value = this.model.normalization || '';
    this.sizer.style.height = `${(this.model.maxDepth + 1) * this.rowHeight}px`;
    this.computeSearch();
    this.updateChrome();
    this.requestDraw();
  }

  getState() {
    return {
      zoom: this.model ? this.model.pathOf(this.zoom) : [],
      search: this.searchText,
      norm: this.model && this.model.kind === 'diff' ? this.model.normalization : null,
    };
  }

  // Applies a state (as from the URL); unknown zoom names stop at the deepest match.
  setState(state) {
    if (!this.model) return;
    if (state.norm && this.model.kind === 'diff' &&
        this.model.availableNormalizations().includes(state.norm)) {
      this.model.setNormalization(state.norm);
      this.normSelect.value = state.norm;
    }
    this.zoom = this.model.resolvePath(state.zoom || []).node;
    this.selected = this.zoom;
    this.searchText = state.search || '';
    this.searchBox.value = this.searchText;
    this.computeSearch();
    this.updateChrome();
    this.requestDraw();
  }

  notify() {
    const s = this.getState();
    for (const fn of this.listeners) fn(s);
  }

  zoomTo(node) {
    if (!this.model) return;
    this.zoom = node;
    this.selected = node;
    this.updateChrome();
    this.requestDraw();
    this.notify();
  }

  zoomOut() {
    if (this.model && this.zoom > 0) this.zoomTo(this.model.parent[this.zoom]);
  }

  // Zooms to the widest frame named exactly `name` and highlights that name.
  focusFunction(name) {
    if (!this.model) return;
    let best = -1;
    for (let i = 0; i < this.model.n; i++) {
      if (this.model.name(i) === name && (best < 0 || this.model.value[i] > this.model.value[best])) best = i;
    }
    this.searchBox.value = name;
    this.setSearch(name, false);
    if (best >= 0) this.zoomTo(best); else this.notify();
  }

  setSearch(text, notify = true) {
    this.searchText = text;
    this.computeSearch();
    this.updateChrome();
    this.requestDraw();
    if (notify) this.notify();
  }

  setNormalization(norm) {
    if (!this.model || this.model.kind !== 'diff') return;
    this.model.setNormalization(norm);
    this.computeSearch();
    this.updateChrome();
    this.requestDraw();
    this.notify();
  }

  // Where node `path` (names below the root) is drawn now, in CSS pixels
  // relative to the canvas, or null when it is not on screen.
  frameRect(path) {
    if (!this.model) return null;
    const { node, matched } = this.model.resolvePath(path);
    if (matched !== path.length) return null;
    const geo = this.geometry();
    const r = this.nodeRect(node, geo);
    if (!r || r.w < MIN_WIDTH_PX) return null;
    return { x: r.x, y: r.y - geo.top, w: r.w, h: this.rowHeight - 1 };
  }

  // --- search ---------------------------------------------------------------

  computeSearch() {
    this.matchedName = null;
    this.matchShare = null;
    const m = this.model;
    const q = this.searchText;
    if (!m || !q) return;
    let test;
    const re = /^\/(.+)\/([a-z]*)$/.exec(q);
    if (re) {
      try {
        const r = new RegExp(re[1], re[2].includes('i') ? 'i' : '');
        test = (s) => r.test(s);
      } catch (e) {
        test = () => false;
      }
    } else {
      const lower = q.toLowerCase();
      test = (s) => s.toLowerCase().includes(lower);
    }
    const matched = new Uint8Array(m.names.length);
    for (let k = 0; k < m.names.length; k++) matched[k] = test(m.names[k]) ? 1 : 0;
    this.matchedName = matched;
    // The share of the total spent in matching frames, each sample counted once:
    // a match below another match adds nothing.
    const inside = new Uint8Array(m.n);
    let sum = 0, before = 0, after = 0;
    for (let i = 0; i < m.n; i++) {
      const p = m.parent[i];
      const hit = matched[m.nameIdx[i]] === 1;
      const covered = p >= 0 && inside[p] === 1;
      if (hit && !covered) {
        sum += m.value[i];
        if (m.kind === 'diff') { before += m.before[i]; after += m.after[i]; }
      }
      inside[i] = hit || covered ? 1 : 0;
    }
    this.matchShare = { value: sum, before, after };
  }

  isMatch(i) {
    return this.matchedName !== null && this.matchedName[this.model.nameIdx[i]] === 1;
  }

  // --- chrome: breadcrumb, summary, match line, legend ---------------------

  updateChrome() {
    const m = this.model;
    if (!m) return;
    const crumbs = [];
    const path = [];
    for (let a = this.zoom; a >= 0; a = m.parent[a]) path.push(a);
    path.reverse();
    for (const node of path) {
      const b = el('button', 'ap-crumb', m.name(node));
      b.type = 'button';
      b.title = m.name(node);
      b.addEventListener('click', () => this.zoomTo(node));
      if (node === this.zoom) b.setAttribute('aria-current', 'true');
      if (crumbs.length) crumbs.push(el('span', 'ap-crumb-sep', '›'));
      crumbs.push(b);
    }
    this.crumbs.replaceChildren(...crumbs);

    if (m.kind === 'flame') {
      this.summary.textContent = `${m.type} — total ${formatValue(m.value[0], m.unit)}` +
        (m.data.pruned && m.data.pruned.nodes ? ` — ${m.data.pruned.nodes} narrow frames folded into "(N pruned)"` : '');
    } else {
      const d = m.data;
      this.summary.textContent = `${m.type}: base ${formatValue(d.base.total, m.unit)} ` +
        `(${d.base.profiles} profile${d.base.profiles === 1 ? '' : 's'}) → target ` +
        `${formatValue(d.target.total, m.unit)} (${d.target.profiles} profile${d.target.profiles === 1 ? '' : 's'}); ` +
        `normalized: ${m.normalization === 'per-second' ? 'per second' : m.normalization === 'share' ? 'share of each total' : 'absolute'}`;
    }

    if (this.matchShare) {
      const whole = m.value[0];
      if (m.kind === 'diff') {
        const b = m.before[0] > 0 ? this.matchShare.before / m.before[0] : 0;
        const a = m.after[0] > 0 ? this.matchShare.after / m.after[0] : 0;
        this.matchInfo.textContent = `matched: ${percent(b)} of base → ${percent(a)} of target`;
      } else {
        this.matchInfo.textContent = `matched: ${percent(whole > 0 ? this.matchShare.value / whole : 0)} of total` +
          ` (${formatValue(this.matchShare.value, m.unit)})`;
      }
    } else {
      this.matchInfo.textContent = '';
    }

    if (m.kind === 'diff') {
      this.fullScale = niceCeil(Math.max(m.maxSignificantChange(), 0.001));
      this.legend.replaceChildren(...buildLegend(this.fullScale, m.data.alpha));
      this.legend.hidden = false;
    } else {
      this.legend.hidden = true;
    }
  }

  // --- drawing --------------------------------------------------------------

  requestDraw() {
    if (this.drawPending) return;
    this.drawPending = true;
    requestAnimationFrame(() => {
      this.drawPending = false;
      this.draw();
    });
  }

  geometry() {
    const m = this.model;
    const width = this.scroller.clientWidth;
    const height = Math.min(this.scroller.clientHeight, (m.maxDepth + 1) * this.rowHeight);
    const z = this.zoom;
    const scale = m.value[z] > 0 ? width / m.value[z] : 0;
    return { width, height, top: this.scroller.scrollTop, x0: m.x[z], scale };
  }

  // A node's rectangle in CSS pixels within the whole (unscrolled) tree. The
  // zoomed frame's ancestors span the full width.
  nodeRect(i, geo) {
    const m = this.model;
    const y = m.depth[i] * this.rowHeight;
    if (m.depth[i] <= m.depth[this.zoom]) {
      let a = this.zoom;
      while (m.depth[a] > m.depth[i]) a = m.parent[a];
      return a === i ? { x: 0, y, w: geo.width } : null;
    }
    let a = i;
    while (m.depth[a] > m.depth[this.zoom]) a = m.parent[a];
    if (a !== this.zoom) return null;
    return { x: (m.x[i] - geo.x0) * geo.scale, y, w: m.value[i] * geo.scale };
  }

  draw() {
    const m = this.model;
    if (!m) return;
    const geo = this.geometry();
    const dpr = window.devicePixelRatio || 1;
    const cw = Math.max(1, Math.round(geo.width * dpr));
    const ch = Math.max(1, Math.round(geo.height * dpr));
    if (this.canvas.width !== cw || this.canvas.height !== ch) {
      this.canvas.width = cw;
      this.canvas.height = ch;
      this.canvas.style.width = `${geo.width}px`;
      this.canvas.style.height = `${geo.height}px`;
    }
    if (!this.hatches || this.hatchDpr !== dpr) {
      this.hatches = new Map();
      this.hatchDpr = dpr;
    }
    const ctx = this.ctx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, geo.width, geo.height);
    ctx.font = FONT;
    ctx.textBaseline = 'middle';
    if (!this.charWidth) this.charWidth = ctx.measureText('m').width || 7;

    const rh = this.rowHeight;
    const firstRow = Math.floor(geo.top / rh);
    const lastRow = Math.ceil((geo.top + geo.height) / rh);
    ctx.save();
    ctx.translate(0, -geo.top);

    // The zoomed frame and its ancestors, full width.
    for (let a = this.zoom; a >= 0; a = m.parent[a]) {
      if (m.depth[a] >= firstRow && m.depth[a] <= lastRow) this.drawFrame(a, 0, geo.width, a !== this.zoom);
    }
    // Everything below the zoomed frame that is wide enough and in view.
    const stack = [this.zoom];
    while (stack.length) {
      const i = stack.pop();
      if (m.depth[i] + 1 > lastRow) continue;
      const end = i + m.size[i];
      for (let c = i + 1; c < end; c += m.size[c]) {
        const w = m.value[c] * geo.scale;
        if (w < MIN_WIDTH_PX) continue;
        const x = (m.x[c] - geo.x0) * geo.scale;
        if (x > geo.width || x + w < 0) continue;
        if (m.depth[c] >= firstRow) this.drawFrame(c, x, w, false);
        if (m.size[c] > 1) stack.push(c);
      }
    }
    for (const [node, style] of [[this.hover, '#333'], [this.selected, '#000']]) {
      if (node < 0 || document.activeElement !== this.canvas && node === this.selected && node === this.zoom) continue;
      const r = this.nodeRect(node, geo);
      if (!r) continue;
      ctx.strokeStyle = style;
      ctx.lineWidth = node === this.selected ? 2 : 1;
      ctx.strokeRect(r.x + 1, r.y + 1, Math.max(1, r.w - 2), rh - 3);
    }
    ctx.restore();
  }

  frameColor(i) {
    const m = this.model;
    if (this.matchedName && this.isMatch(i)) return SEARCH_MATCH;
    if (m.flags[i] & FLAG_AGGREGATE) return AGGREGATE;
    if (m.kind === 'diff') {
      const d = m.whole > 0 ? m.delta[i] / m.whole : 0;
      return diffColor(d, this.fullScale, m.significant(i));
    }
    return flameColor(m.name(i));
  }

  drawFrame(i, x, w, isAncestor) {
    const m = this.model;
    const ctx = this.ctx;
    const rh = this.rowHeight;
    const y = m.depth[i] * rh;
    const color = this.frameColor(i);
    // While searching, frames that do not match fade so the matches stand out.
    const faded = isAncestor || (this.matchedName !== null && !this.isMatch(i));
    const bw = w > 3 ? w - 1 : w;
    ctx.fillStyle = rgb(color, faded ? 0.45 : 1);
    ctx.fillRect(x, y, bw, rh - 1);
    const oneSide = m.flags[i] & (FLAG_BASE_ONLY | FLAG_TARGET_ONLY);
    if (oneSide && bw >= 2) {
      const stripe = hatchStripe(color, (m.flags[i] & FLAG_BASE_ONLY) !== 0);
      if (!this.hatches.has(stripe)) this.hatches.set(stripe, hatchPattern(ctx, this.hatchDpr, stripe));
      ctx.fillStyle = this.hatches.get(stripe);
      ctx.fillRect(x, y, bw, rh - 1);
      ctx.save();
      ctx.setLineDash(m.flags[i] & FLAG_BASE_ONLY ? [3, 2] : []);
      ctx.strokeStyle = '#222';
      ctx.lineWidth = 1;
      ctx.strokeRect(x + 0.5, y + 0.5, Math.max(0, bw - 1), rh - 2);
      ctx.restore();
    }
    if (w < 3 * this.charWidth + 6) return;
    const maxChars = Math.floor((w - 6) / this.charWidth);
    let label = m.name(i);
    if (label.length > maxChars) label = label.slice(0, Math.max(1, maxChars - 1)) + '…';
    ctx.fillStyle = faded ? '#555' : textColorFor(color);
    ctx.fillText(label, x + 3, y + rh / 2);
  }

  // --- interaction ----------------------------------------------------------

  nodeAt(clientX, clientY) {
    const m = this.model;
    if (!m) return -1;
    const rect = this.canvas.getBoundingClientRect();
    const geo = this.geometry();
    const px = clientX - rect.left;
    const row = Math.floor((clientY - rect.top + geo.top) / this.rowHeight);
    if (px < 0 || px > geo.width || row < 0) return -1;
    if (row <= m.depth[this.zoom]) {
      let a = this.zoom;
      while (m.depth[a] > row) a = m.parent[a];
      return a;
    }
    const vx = geo.x0 + px / geo.scale;
    let node = this.zoom;
    while (m.depth[node] < row) {
      node = m.childAt(node, vx);
      if (node < 0) return -1;
    }
    return m.value[node] * geo.scale >= MIN_WIDTH_PX ? node : -1;
  }

  onMove(e) {
    const node = this.nodeAt(e.clientX, e.clientY);
    if (node !== this.hover) {
      this.hover = node;
      this.requestDraw();
    }
    if (node < 0) {
      this.tip.hidden = true;
      this.canvas.style.cursor = '';
      return;
    }
    this.canvas.style.cursor = 'pointer';
    this.fillTip(node);
    this.tip.hidden = false;
    const pad = 14;
    const tw = this.tip.offsetWidth, th = this.tip.offsetHeight;
    let left = e.clientX + pad, top = e.clientY + pad;
    if (left + tw > window.innerWidth) left = Math.max(0, e.clientX - tw - pad);
    if (top + th > window.innerHeight) top = Math.max(0, e.clientY - th - pad);
    this.tip.style.left = `${left}px`;
    this.tip.style.top = `${top}px`;
  }

  fillTip(i) {
    const m = this.model;
    const lines = [el('div', 'ap-tip-name', m.name(i))];
    const line = (text) => lines.push(el('div', '', text));
    if (m.kind === 'flame') {
      const all = m.total[0], zoomTotal = m.total[this.zoom];
      line(`total: ${formatValue(m.total[i], m.unit)} (${percent(m.total[i] / all)} of all` +
        (this.zoom > 0 ? `, ${percent(m.total[i] / zoomTotal)} of zoom)` : ')'));
      line(`self: ${formatValue(m.self[i], m.unit)} (${percent(m.self[i] / all)} of all)`);
    } else {
      const norm = m.normalization;
      line(`base: ${formatNormalized(m.before[i], m.unit, norm)} (${formatValue(m.beforeTotal[i], m.unit)} raw;` +
        ` self ${formatValue(m.beforeSelf[i], m.unit)})`);
      line(`target: ${formatNormalized(m.after[i], m.unit, norm)} (${formatValue(m.afterTotal[i], m.unit)} raw;` +
        ` self ${formatValue(m.afterSelf[i], m.unit)})`);
      const share = m.whole > 0 ? m.delta[i] / m.whole : 0;
      line(`change: ${m.delta[i] >= 0 ? '+' : '−'}${formatNormalized(Math.abs(m.delta[i]), m.unit, norm)}` +
        ` (${share >= 0 ? '+' : '−'}${percent(Math.abs(share))} of the whole)`);
      if (m.flags[i] & FLAG_BASE_ONLY) line('only in base: gone from the target');
      if (m.flags[i] & FLAG_TARGET_ONLY) line('only in target: new');
      line(m.significant(i) ? `significant (p < ${m.data.alpha})` : 'not significant (Poisson counts)');
    }
    if (m.flags[i] & FLAG_AGGREGATE) line('narrow frames folded together');
    this.tip.replaceChildren(...lines);
  }

  onClick(e) {
    const node = this.nodeAt(e.clientX, e.clientY);
    this.canvas.focus();
    if (node >= 0) this.zoomTo(node);
  }

  onKey(e) {
    const m = this.model;
    if (!m) return;
    let next = this.selected;
    const siblings = () => {
      const p = m.parent[this.selected];
      return p < 0 ? [this.selected] : [...m.children(p)];
    };
    switch (e.key) {
      case 'ArrowUp':
        if (m.parent[next] >= 0) next = m.parent[next];
        break;
      case 'ArrowDown': {
        let widest = -1;
        for (const c of m.children(next)) if (widest < 0 || m.value[c] > m.value[widest]) widest = c;
        if (widest >= 0) next = widest;
        break;
      }
      case 'ArrowLeft':
      case 'ArrowRight': {
        const s = siblings();
        const k = s.indexOf(this.selected) + (e.key === 'ArrowLeft' ? -1 : 1);
        if (k >= 0 && k < s.length) next = s[k];
        break;
      }
      case 'Enter':
        this.zoomTo(this.selected);
        e.preventDefault();
        return;
      case 'Escape':
      case 'Backspace':
        this.zoomOut();
        e.preventDefault();
        return;
      default:
        return;
    }
    e.preventDefault();
    this.selected = next;
    const y = m.depth[next] * this.rowHeight;
    if (y < this.scroller.scrollTop) this.scroller.scrollTop = y;
    else if (y + this.rowHeight > this.scroller.scrollTop + this.scroller.clientHeight) {
      this.scroller.scrollTop = y + this.rowHeight - this.scroller.clientHeight;
    }
    this.fillTip(next);
    const r = this.nodeRect(next, this.geometry());
    if (r) {
      const rect = this.canvas.getBoundingClientRect();
      this.tip.style.left = `${rect.left + Math.max(0, r.x) + 8}px`;
      this.tip.style.top = `${rect.top + r.y - this.scroller.scrollTop + this.rowHeight + 4}px`;
      this.tip.hidden = false;
    }
    this.requestDraw();
  }
}
