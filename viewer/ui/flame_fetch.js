// Loads a flame graph from the viewer's API into a container: the one call a
// page of the viewer needs.
//
//   import { loadFlameGraph } from './flame_fetch.js';
//   const graph = await loadFlameGraph(el, `/api/v1/profiles/${id}/flamegraph`);
//   const diff = await loadFlameGraph(el, `/api/v1/diff?base=${a}&target=${b}`,
//                                     { select: (json) => json.tree });
//
// Options: `select` picks the tree out of a larger response; `init` is passed to
// fetch (headers such as Authorization); `bindUrl` (default true) keeps zoom,
// search and normalization in location.hash. An HTTP error or a body that is not
// a tree is shown in place of the graph, as one line.

import { FlameGraph } from './flame.js';
import { bindHash } from './flame_hash.js';

export async function loadFlameGraph(container, url, options = {}) {
  const graph = new FlameGraph(container, options);
  let json;
  try {
    const res = await fetch(url, { headers: { Accept: 'application/json' }, ...(options.init || {}) });
    if (!res.ok) {
      const reason = (await res.text()).split('\n')[0].slice(0, 300);
      graph.showError(`${url}: HTTP ${res.status}${reason ? ': ' + reason : ''}`);
      return graph;
    }
    json = await res.json();
  } catch (e) {
    graph.showError(`${url}: ${e.message || e}`);
    return graph;
  }
  graph.setData(options.select ? options.select(json) : json);
  if (options.bindUrl !== false) bindHash(graph);
  return graph;
}
