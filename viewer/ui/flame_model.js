// The flame tree as typed arrays, from the JSON of autoprof/flame.h: layout (x
// offset and width in value units), depth, subtree sizes for child iteration,
// and, for a diff, each normalization's widths and changes.

export const FLAG_BASE_ONLY = 1;
export const FLAG_TARGET_ONLY = 2;
export const FLAG_AGGREGATE = 4;
const FLAG_SIGNIFICANT = { absolute: 8, share: 16, 'per-second': 32 };
export const NORMALIZATIONS = ['absolute', 'share', 'per-second'];

function column(nodes, key, n, Type) {
  const src = nodes[key];
  if (!Array.isArray(src) || src.length !== n) {
    throw new Error(`flame data: nodes.${key} must be an array of ${n} numbers`);
  }
  return Type.from(src);
}

export class FlameModel {
  constructor(data) {
    if (!data || typeof data !== 'object' || !data.nodes || !Array.isArray(data.names)) {
      throw new Error('flame data: expected {names: [...], nodes: {...}}');
    }
    if (data.kind !== 'flame' && data.kind !== 'diff') {
      throw new Error(`flame data: unknown kind ${JSON.stringify(data.kind)}`);
    }
    this.kind = data.kind;
    this.data = data;
    this.names = data.names.map(String);
    this.unit = (data.sample_type && data.sample_type.unit) || '';
    this.type = (data.sample_type && data.sample_type.type) || '';
    const n = Array.isArray(data.nodes.name) ? data.nodes.name.length : 0;
    if (n === 0) throw new Error('flame data: the tree has no nodes');
    this.n = n;
    this.nameIdx = column(data.nodes, 'name', n, Uint32Array);
    this.parent = column(data.nodes, 'parent', n, Int32Array);
    this.flags = column(data.nodes, 'flags', n, Uint32Array);
    if (this.kind === 'flame') {
      this.self = column(data.nodes, 'self', n, Float64Array);
      this.total = column(data.nodes, 'total', n, Float64Array);
    } else {
      this.beforeSelf = column(data.nodes, 'before_self', n, Float64Array);
      this.beforeTotal = column(data.nodes, 'before_total', n, Float64Array);
      this.afterSelf = column(data.nodes, 'after_self', n, Float64Array);
      this.afterTotal = column(data.nodes, 'after_total', n, Float64Array);
    }
    this.depth = new Int32Array(n);
    this.size = new Int32Array(n).fill(1);
    if (this.parent[0] !== -1) throw new Error('flame data: node 0 must be the root');
    for (let i = 1; i < n; i++) {
      const p = this.parent[i];
      if (!(p >= 0 && p < i)) throw new Error(`flame data: node ${i} has parent ${p}, not an earlier node`);
      if (this.nameIdx[i] >= this.names.length) throw new Error(`flame data: node ${i} names no name`);
      this.depth[i] = this.depth[p] + 1;
    }
    this.maxDepth = 0;
    for (let i = n - 1; i > 0; i--) {
      this.size[this.parent[i]] += this.size[i];
      if (this.depth[i] > this.maxDepth) this.maxDepth = this.depth[i];
    }
    this.value = new Float64Array(n);
    this.x = new Float64Array(n);
    this.delta = new Float64Array(n);   // diff: after - before, normalized
    this.before = new Float64Array(n);  // diff: normalized totals
    this.after = new Float64Array(n);
    this.normalization = this.kind === 'diff' ? (data.normalization || 'share') : null;
    if (this.kind === 'diff' && !this.availableNormalizations().includes(this.normalization)) {
      this.normalization = 'absolute';
    }
    this.setNormalization(this.normalization);
  }

  name(i) { return this.names[this.nameIdx[i]]; }

  // Children of node i, in drawing order.
  *children(i) {
    const end = i + this.size[i];
    for (let c = i + 1; c < end; c += this.size[c]) yield c;
  }

  availableNormalizations() {
    if (this.kind !== 'diff') return [];
    const d = this.data;
    return NORMALIZATIONS.filter((k) => k !== 'per-second' ||
      (d.base && d.base.duration_seconds > 0 && d.target && d.target.duration_seconds > 0));
  }

  scales(norm) {
    const b = this.data.base || {}, t = this.data.target || {};
    if (norm === 'share') return [b.total > 0 ? 1 / b.total : 0, t.total > 0 ? 1 / t.total : 0];
    if (norm === 'per-second') {
      return [b.duration_seconds > 0 ? 1 / b.duration_seconds : 0,
        t.duration_seconds > 0 ? 1 / t.duration_seconds : 0];
    }
    return [1, 1];
  }

  // Recomputes widths and offsets. A diff frame is as wide as the mean of its
  // normalized base and target values, so frames of either side keep a width.
  setNormalization(norm) {
    const n = this.n;
    if (this.kind === 'diff') {
      this.normalization = norm;
      const [sb, st] = this.scales(norm);
      this.scaleBefore = sb;
      this.scaleAfter = st;
      for (let i = 0; i < n; i++) {
        this.before[i] = this.beforeTotal[i] * sb;
        this.after[i] = this.afterTotal[i] * st;
        this.value[i] = (this.before[i] + this.after[i]) / 2;
        this.delta[i] = this.after[i] - this.before[i];
      }
    } else {
      this.value.set(this.total);
    }
    const cursor = new Float64Array(n);
    this.x[0] = 0;
    for (let i = 1; i < n; i++) {
      const p = this.parent[i];
      this.x[i] = cursor[p] + this.x[p];
      cursor[p] += this.value[i];
    }
    // The whole profile, against which a diff's changes are measured.
    this.whole = this.kind === 'diff' ? Math.max(this.before[0], this.after[0]) : this.value[0];
  }

  significant(i) {
    return (this.flags[i] & (FLAG_SIGNIFICANT[this.normalization] || 0)) !== 0;
  }

  // The largest significant change (share of the whole) below the root, for the scale.
  maxSignificantChange() {
    let m = 0;
    if (!(this.whole > 0)) return 0;
    for (let i = 1; i < this.n; i++) {
      if (!this.significant(i)) continue;
      const d = Math.abs(this.delta[i]) / this.whole;
      if (d > m) m = d;
    }
    return m;
  }

  // The node reached from the root by a path of names, and how much of it matched.
  resolvePath(names) {
    let node = 0;
    let matched = 0;
    for (const want of names) {
      let next = -1;
      for (const c of this.children(node)) {
        if (this.name(c) === want) { next = c; break; }
      }
      if (next < 0) break;
      node = next;
      matched++;
    }
    return { node, matched };
  }

  pathOf(i) {
    const path = [];
    for (let a = i; a > 0; a = this.parent[a]) path.push(this.name(a));
    return path.reverse();
  }

  // Node i's child containing value offset `vx`, or -1.
  childAt(i, vx) {
    for (const c of this.children(i)) {
      if (vx >= this.x[c] && vx < this.x[c] + this.value[c]) return c;
    }
    return -1;
  }
}
