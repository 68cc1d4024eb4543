// The viewer's single page: a router over location.hash (route.js) that shows
// one view at a time: the list (#/profiles), a profile (#/profile/<id>) or a
// comparison (#/compare). A hash change that only moves the flame graph (zoom,
// search, normalization) keeps the view; flame_hash.js applies it.

import { h, errorLine } from './dom.js';
import { renderCompare } from './compare_view.js';
import { renderList } from './list_view.js';
import { renderProfile } from './profile_view.js';
import { Route } from './route.js';

class Router {
  constructor(root, nav) {
    this.root = root;
    this.nav = nav;
    this.view = null;
    this.key = null;
    window.addEventListener('hashchange', () => this.render());
  }

  // Navigates (a history entry): the view follows through hashchange.
  go(route) {
    const next = route.format();
    if (next === location.hash) this.render(true); else location.hash = next;
  }

  // Rewrites the URL without a history entry or a re-render (state the view
  // already shows, e.g. comparison picks).
  replace(path, params) {
    const route = new Route(path, params);
    history.replaceState(null, '', route.format());
    this.key = route.viewKey();
    this.markShown();
  }

  // Which view a URL shows (the flame graph's zoom and search aside).
  keyOf(hash) { return Route.parse(hash).viewKey(); }

  // Marks <main> with the view it shows, so a test waiting for data-ready can tell
  // the page of the current URL from the one before a navigation.
  markShown() {
    const main = this.root.querySelector('main');
    if (main) main.dataset.key = this.key;
  }

  render(force = false) {
    const route = Route.parse(location.hash);
    const key = route.viewKey();
    if (!force && key === this.key && this.view) {
      if (this.view.onRoute) this.view.onRoute(route);
      this.markShown();
      return;
    }
    this.key = key;
    if (this.view) this.view.destroy();
    const main = h('main', { class: 'app-main', id: 'app-main' });
    this.root.replaceChildren(main);
    const section = route.path.split('/')[1] || 'profiles';
    for (const a of this.nav.querySelectorAll('a')) {
      a.setAttribute('aria-current', String(a.dataset.section === section));
    }
    const profile = /^\/profile\/([^/]+)$/.exec(route.path);
    document.title = 'autoprof';
    if (route.path === '/profiles') this.view = renderList(main, route, this);
    else if (profile) this.view = renderProfile(main, route, this, profile[1]);
    else if (route.path === '/compare') this.view = renderCompare(main, route, this);
    else {
      main.append(errorLine(`no such page: ${route.path}`), h('a', { href: '#/profiles' }, 'all profiles'));
      main.dataset.ready = 'true';
      this.view = { destroy() {} };
    }
    main.dataset.view = profile ? 'profile' : section;
    this.markShown();
  }
}

const router = new Router(document.getElementById('app'), document.getElementById('app-nav'));
window.autoprofRouter = router;  // for the browser tests and the console
router.render();
