// One FlameGraph on a page of the viewer: created in a container, its zoom,
// search and normalization bound to the URL (flame_hash.js), exposed for the
// browser tests as window.autoprofFlame, and a performance mark
// 'autoprof:flame-drawn' set in the animation frame that first draws it (the
// benchmark reads it). destroy() undoes all of it.

import { FlameGraph } from '../flame.js';
import { bindHash } from '../flame_hash.js';

export class FlameHost {
  constructor(container) {
    this.graph = new FlameGraph(container);
    this.unbind = null;
    window.autoprofFlame = this.graph;
  }

  // Shows `json` (a flame or diff tree) and applies the URL's view state.
  show(json) {
    this.graph.setData(json);
    if (!this.unbind && this.graph.model) this.unbind = bindHash(this.graph);
    // setData asked for a frame; ours runs after its draw in the same frame.
    requestAnimationFrame(() => {
      if (!performance.getEntriesByName('autoprof:flame-drawn').length) performance.mark('autoprof:flame-drawn');
    });
  }

  // One line in place of the picture (text only).
  showError(message) {
    if (typeof this.graph.showError === 'function') {
      this.graph.showError(message);
      return;
    }
    // Renderers without showError: its error line, as setData uses it.
    this.graph.model = null;
    this.graph.error.textContent = String(message);
    this.graph.error.hidden = false;
  }

  destroy() {
    if (this.unbind) this.unbind();
    this.graph.destroy();
    if (window.autoprofFlame === this.graph) window.autoprofFlame = null;
  }
}
