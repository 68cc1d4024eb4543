// The page's state in location.hash: a path, then key=value pairs joined by '&'
// (each part percent-encoded), e.g.
//   #/profiles&app=checkout&label=version:1.5
//   #/profile/<id>&sample=cpu&zoom=main/serve&search=parse
//   #/compare&base.label=version:1.4&target.label=version:1.5&norm=share
// The flame graph's own keys (zoom, search, norm) are written by flame_hash.js
// in the same form, so both share one hash without knowing each other.

export const FLAME_KEYS = ['zoom', 'search', 'norm'];

function decode(s) {
  try {
    return decodeURIComponent(s);
  } catch (e) {
    return s;  // a malformed escape: keep the text rather than lose the link
  }
}

export class Route {
  constructor(path, params = []) {
    this.path = path;
    this.params = params;  // [[key, value], ...] in order
  }

  static parse(hash) {
    const parts = (hash || '').replace(/^#/, '').split('&');
    let path = '/profiles';
    const params = [];
    parts.forEach((part, i) => {
      if (!part) return;
      if (i === 0 && part.startsWith('/')) {
        path = decode(part);
        return;
      }
      const eq = part.indexOf('=');
      const key = decode(eq < 0 ? part : part.slice(0, eq));
      const raw = eq < 0 ? '' : part.slice(eq + 1);
      // zoom stays as flame_hash.js wrote it: names encoded one by one, '/' between.
      params.push([key, key === 'zoom' ? raw : decode(raw)]);
    });
    if (path === '/') path = '/profiles';
    return new Route(path, params);
  }

  get(key) {
    const p = this.params.find(([k]) => k === key);
    return p ? p[1] : '';
  }

  getAll(key) {
    return this.params.filter(([k]) => k === key).map(([, v]) => v);
  }

  // The route without the flame graph's keys: what decides which view is shown
  // and what it fetches.
  viewKey() {
    return new Route(this.path, this.params.filter(([k]) => !FLAME_KEYS.includes(k))).format();
  }

  format() {
    const enc = (s) => encodeURIComponent(s).replace(/%3A/gi, ':').replace(/%2C/gi, ',');
    const parts = [this.path.split('/').map(encodeURIComponent).join('/')];
    for (const [k, v] of this.params) {
      if (v === '' || v === null || v === undefined) continue;
      parts.push(`${enc(k)}=${k === 'zoom' ? v : enc(v)}`);
    }
    return '#' + parts.join('&');
  }
}

// Builds a route from a path and an object of values (strings or arrays).
export function routeOf(path, values = {}) {
  const params = [];
  for (const [k, v] of Object.entries(values)) {
    for (const one of Array.isArray(v) ? v : [v]) {
      if (one !== undefined && one !== null && one !== '') params.push([k, String(one)]);
    }
  }
  return new Route(path, params);
}
