// A flame graph's view state in the URL hash, so a copied link reopens the same
// picture: `#zoom=main/serve/parse&search=alloc&norm=share`. Each zoom name is
// percent-encoded (a '/' inside a name becomes %2F). Keys this module does not
// own are kept as they are, so a page can keep its own state beside it.

const KEYS = ['zoom', 'search', 'norm'];

export function parseHash(hash) {
  const out = { other: [] };
  const text = (hash || '').replace(/^#/, '');
  for (const part of text.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const raw = eq < 0 ? '' : part.slice(eq + 1);
    if (!KEYS.includes(key)) { out.other.push(part); continue; }
    try {
      out[key] = key === 'zoom' ? raw.split('/').filter((s) => s !== '').map(decodeURIComponent)
        : decodeURIComponent(raw);
    } catch (e) {
      // A malformed escape: ignore that key rather than the whole link.
    }
  }
  return out;
}

export function formatHash(state, other = []) {
  const parts = [...other];
  if (state.zoom && state.zoom.length) parts.push('zoom=' + state.zoom.map(encodeURIComponent).join('/'));
  if (state.search) parts.push('search=' + encodeURIComponent(state.search));
  if (state.norm) parts.push('norm=' + encodeURIComponent(state.norm));
  return parts.length ? '#' + parts.join('&') : '';
}

// Keeps `graph` (a FlameGraph) and location.hash in step both ways.
export function bindHash(graph, win = window) {
  let applying = false;
  const apply = () => {
    applying = true;
    try {
      const s = parseHash(win.location.hash);
      graph.setState({ zoom: s.zoom || [], search: s.search || '', norm: s.norm || null });
    } finally {
      applying = false;
    }
  };
  graph.addStateListener((state) => {
    if (applying) return;
    const other = parseHash(win.location.hash).other;
    const next = formatHash(state, other);
    if (next !== win.location.hash && !(next === '' && win.location.hash === '#')) {
      win.history.replaceState(null, '', next || win.location.pathname + win.location.search);
    }
  });
  win.addEventListener('hashchange', apply);
  apply();
  return () => win.removeEventListener('hashchange', apply);
}
