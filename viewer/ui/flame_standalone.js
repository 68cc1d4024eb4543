// Entry point of the self-contained HTML that `autoprof flame` writes: the tree
// JSON sits in <script type="application/json" id="autoprof-data">, and the view
// state (zoom, search, normalization) in the URL hash.

import { FlameGraph } from './flame.js';
import { bindHash } from './flame_hash.js';

const dataElement = document.getElementById('autoprof-data');
const standaloneGraph = new FlameGraph(document.getElementById('app'));
try {
  standaloneGraph.setData(JSON.parse(dataElement.textContent));
} catch (e) {
  standaloneGraph.showError(`the embedded flame data is not JSON: ${e.message || e}`);
}
bindHash(standaloneGraph);
window.autoprofFlame = standaloneGraph;  // for the browser tests and the console
