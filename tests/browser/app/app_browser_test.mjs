// The viewer's web app in a real headless Chromium against a real `autoprof
// serve`: the list (newest first, triggers against thresholds, filters in the
// URL, names shown as text), a profile (the flame graph's frames checked by
// PIXELS, search, a top-table row focusing its function, zoom, the metadata and
// its history chart, the pprof download, a copied URL reopening the same view),
// and a comparison of two label groups (faster blue, slower red, legend, table of
// changes, normalization in the URL). Screenshots: $AUTOPROF_BROWSER_WORK/artifacts.
// Started by run.sh, which sets the environment.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { env, ingest, launchChromium, startServer, upload } from './support.mjs';
import { pixel } from '../canvas.mjs';

const work = env('AUTOPROF_BROWSER_WORK');
const profiles = path.join(work, 'profiles');
const artifacts = path.join(work, 'artifacts');
const HOSTILE = '<img src=x onerror="window.__pwned=1">';

let server, browser;
const ids = {};
const pageErrors = [];

// Sidecar metadata as the agent writes it (agent/src/capture_record.h).
function sidecar(app, kind, minutesAgo, labels, trigger, extra = {}) {
  const start = Date.now() - minutesAgo * 60_000;
  return {
    format: 'autoprof-sidecar', version: 1, app, kind, trigger,
    start_time: new Date(start).toISOString(), start_unix_ms: start, duration_seconds: 10,
    host: `${app}-host`, pid: 4242, labels, limits: { cpu_cores: 0.5, memory_bytes: 256 * 1024 * 1024 },
    history: [], agent_cpu_seconds: 0.012, dropped_profiles: 0, ...extra,
  };
}

function incidentHistory(startMs) {
  const points = [];
  for (let k = 12; k >= 1; k--) {
    points.push({ unix_ms: startMs - k * 5000, cpu: 0.3 + (12 - k) * 0.055, memory: 0.4, throttle: k < 4 ? 0.15 : 0, working_set_bytes: 100 << 20 });
  }
  return points;
}

before(async () => {
  server = await startServer(env('AUTOPROF_BIN'));
  const cpu = (value) => ({ reason: 'cpu', value, threshold: 0.75 });
  for (const n of [1, 2]) {
    ids[`before${n}`] = await upload(server, path.join(profiles, `before-${n}.pb.gz`),
      sidecar('demo', 'cpu', 240 - 30 * n, { version: '1.4' }, { reason: 'baseline' }));
    ids[`after${n}`] = await upload(server, path.join(profiles, `after-${n}.pb.gz`),
      sidecar('demo', 'cpu', 120 - 30 * n, { version: '1.5' }, cpu(0.8)));
  }
  ids.heap = await upload(server, path.join(profiles, 'heap.pb.gz'),
    sidecar('checkout', 'heap', 50, { pod: 'web-2' }, { reason: 'memory', value: 0.93, threshold: 0.9 }));
  const meta = sidecar('checkout', 'cpu', 10, { pod: 'web-1', note: HOSTILE }, cpu(0.91));
  meta.history = incidentHistory(meta.start_unix_ms);
  ids.incident = await upload(server, path.join(profiles, 'incident.pb.gz'), meta);
  await ingest(server, path.join(profiles, 'pyroscope.pb.gz'), 'goapp{env=prod}');
  browser = await launchChromium();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  assert.deepEqual(pageErrors, [], 'no script errors or CSP violations on any page');
});

// A new page at `hash`; its script errors and console errors (CSP violations
// among them) fail the run unless the page is expected to meet HTTP errors.
async function open(hash, { httpErrorsExpected = false } = {}) {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => pageErrors.push(`${hash}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !(httpErrorsExpected && /^Failed to load resource/.test(m.text()))) {
      pageErrors.push(`${hash}: ${m.text()}`);
    }
  });
  await page.goto(`${server.url}/${hash}`);
  await ready(page);
  return page;
}

// Waits for the current view to finish loading and two frames to be painted.
// The page of the current URL has drawn (not the one shown before a navigation
// whose hashchange has yet to be handled).
async function ready(page) {
  await page.waitForFunction(() => {
    const main = document.querySelector('main');
    return main && main.dataset.ready === 'true' &&
      main.dataset.key === window.autoprofRouter.keyOf(location.hash);
  });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

const shot = (page, name) => page.screenshot({ path: path.join(artifacts, name), fullPage: false });

// The pixel in the middle of the frame at `names` (root's children first).
async function framePixel(page, names) {
  const r = await page.evaluate((n) => window.autoprofFlame.frameRect(n), names);
  assert.ok(r, `${names.join('/')} is on screen`);
  return pixel(page, r.x + r.w / 2, r.y + r.h / 2);
}

const canvasWidth = (page) => page.evaluate(() => document.querySelector('canvas.ap-canvas').clientWidth);
const rect = (page, names) => page.evaluate((n) => window.autoprofFlame.frameRect(n), names);
const rowIds = (page) => page.$$eval('table.app-list tbody tr', (trs) => trs.map((tr) => tr.dataset.id));

const isWarm = ([r, g, b, a]) => a === 255 && r > 150 && r >= g && g >= b;
const isMagenta = ([r, g, b, a]) => a === 255 && r > 180 && g < 120 && b > 200;
const isBlue = ([r, g, b, a]) => a === 255 && b > r + 40;
const isRed = ([r, g, b, a]) => a === 255 && r > b + 40;

test('the list shows every profile newest first with its trigger against the threshold', async () => {
  const page = await open('#/profiles');
  const rows = await rowIds(page);
  assert.equal(rows.length, 7, 'six uploads and one Pyroscope ingest');
  const order = rows.filter((id) => Object.values(ids).includes(id));
  assert.deepEqual(order, [ids.incident, ids.heap, ids.after2, ids.after1, ids.before2, ids.before1]);
  const trigger = (id) => page.textContent(`tr[data-id="${id}"] td.trigger`);
  assert.equal(await trigger(ids.incident), 'CPU 91% ≥ 75%');
  assert.equal(await trigger(ids.heap), 'Memory 93% ≥ 90%');
  assert.equal(await trigger(ids.before1), 'baseline');
  const chips = await page.$$eval(`tr[data-id="${ids.incident}"] .app-chip`, (a) => a.map((x) => x.textContent));
  assert.ok(chips.includes(`note:${HOSTILE}`), `the hostile label is shown as text, got ${chips}`);
  assert.equal(await page.$('main img'), null, 'no element was made from a label');
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  await shot(page, 'list.png');
  await page.close();
});

test('list filters by label and kind narrow the rows and stay in the URL', async () => {
  const page = await open('#/profiles');
  await page.fill('input[name=label]', 'version=1.5');
  await page.click('.app-filters button[type=submit]');
  await ready(page);
  assert.deepEqual(await rowIds(page), [ids.after2, ids.after1]);
  assert.match(page.url(), /label=version:1\.5/);
  await page.reload();
  await ready(page);
  assert.deepEqual(await rowIds(page), [ids.after2, ids.after1], 'the reloaded URL filters the same');
  assert.equal(await page.inputValue('input[name=label]'), 'version:1.5');
  await page.goto(`${server.url}/#/profiles&kind=heap&app=checkout`);
  await ready(page);
  assert.deepEqual(await rowIds(page), [ids.heap]);
  // From 75 minutes ago: the older 1.5 profile (90 min) and the 1.4 ones are left out.
  const from = new Date(Date.now() - 75 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
  await page.goto(`${server.url}/#/profiles&from=${from}`);
  await ready(page);
  const recent = await rowIds(page);
  assert.equal(recent.length, 4, 'the ingest (now), the incident, the heap profile and the newer 1.5 one');
  assert.deepEqual(recent.slice(1), [ids.incident, ids.heap, ids.after2]);
  assert.equal(await page.inputValue('input[name=from]'), from.slice(0, 16), 'the input shows the URL\'s time');
  await page.goto(`${server.url}/#/profiles&reason=cpu`);
  await ready(page);
  assert.deepEqual(await rowIds(page), [ids.incident, ids.after2, ids.after1]);
  await page.close();
});

test('a profile shows its flame graph by pixels, the top table, metadata, history chart and download', async () => {
  const page = await open('#/profiles');
  await page.click(`tr[data-id="${ids.incident}"] a.app-name`);
  await ready(page);
  assert.match(page.url(), new RegExp(`#/profile/${ids.incident}`));
  const width = await canvasWidth(page);
  const spans = { hot_loop: [0, 0.4], idle: [0.4, 0.5], serve: [0.5, 1] };
  for (const [name, [from, to]] of Object.entries(spans)) {
    const r = await rect(page, ['main', name]);
    assert.ok(Math.abs(r.x - from * width) < 1.5 && Math.abs(r.x + r.w - to * width) < 1.5, `${name} spans ${from}-${to}: ${JSON.stringify(r)}`);
    assert.ok(isWarm(await framePixel(page, ['main', name])), `${name} is drawn`);
  }
  assert.ok(isWarm(await framePixel(page, ['main', 'serve', 'parse'])), 'parse is drawn under serve');

  const top = await page.$$eval('.app-top tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.deepEqual(top.map((r) => r[0]).slice(0, 4), ['hot_loop', 'parse', 'encode', 'idle'], 'sorted by flat');
  assert.equal(top[0][2], '40.0%');
  const field = (k) => page.textContent(`.app-facts dd[data-field="${k}"]`);
  assert.equal(await field('trigger'), 'CPU 91% ≥ 75%');
  assert.equal(await field('limits'), 'CPU 0.5 cores · memory 256 MiB');
  assert.equal(await field('pid'), '4242');
  assert.match(await field('agent CPU'), /^12 ms \(0\.12(0)?% of one core/);
  assert.ok((await field('labels')).includes(HOSTILE));
  assert.match(await page.textContent('.app-subtitle'), /CPU 91% ≥ 75%/);

  // The history chart: CPU line (blue) and the dashed threshold (red) drawn.
  const chart = await page.evaluate(() => {
    const c = document.querySelector('canvas.app-history');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let blue = 0, red = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] > 200 && d[i + 2] > 150 && d[i] < 80) blue++;
      if (d[i + 3] > 200 && d[i] > 150 && d[i + 1] < 60 && d[i + 2] < 80) red++;
    }
    return { blue, red };
  });
  assert.ok(chart.blue > 100 && chart.red > 50, `history lines drawn: ${JSON.stringify(chart)}`);

  const types = await page.$$eval('.app-actions select option', (o) => o.map((x) => x.value));
  assert.deepEqual(types, ['samples', 'cpu'], 'both sample types can be chosen');
  await page.selectOption('.app-actions select', 'samples');
  await ready(page);
  await page.waitForFunction(() => window.autoprofFlame && window.autoprofFlame.model && window.autoprofFlame.model.type === 'samples');
  assert.match(page.url(), /sample=samples/);
  assert.match(await page.textContent('.ap-summary'), /^samples — total 1k?/);
  assert.equal((await page.$$eval('.app-top tbody tr td:nth-child(2)', (t) => t.map((c) => c.textContent)))[0], '400',
    'the top table counts samples too');
  const href = await page.getAttribute('a[download]', 'href');
  const head = await page.evaluate(async (u) => [...new Uint8Array(await (await fetch(u)).arrayBuffer()).slice(0, 2)], href);
  assert.deepEqual(head, [0x1f, 0x8b], 'the download is the gzipped pprof');
  await shot(page, 'profile.png');
  await page.click('a.app-secondary');
  await ready(page);
  assert.match(await page.textContent('.app-compare-summary'), /^Choose a base above/);
  assert.equal(await page.inputValue('input[name="target.ids"]'), ids.incident, 'this profile is the target');
  await page.close();
});

test('search highlights, a top-table row focuses its function, zoom, and a copied URL reopens that view', async () => {
  const page = await open(`#/profile/${ids.incident}`);
  const width = await canvasWidth(page);
  await page.fill('input.ap-search', 'parse');
  await ready(page);
  assert.ok(isMagenta(await framePixel(page, ['main', 'serve', 'parse'])), 'parse is highlighted');
  assert.ok(!isMagenta(await framePixel(page, ['main', 'hot_loop'])), 'hot_loop is not');
  assert.match(await page.textContent('.ap-match'), /matched: 30\.0% of total/);
  await shot(page, 'profile-search.png');

  await page.click('.app-top tbody tr[data-function="encode"]');
  await ready(page);
  const enc = await rect(page, ['main', 'serve', 'encode']);
  assert.ok(Math.abs(enc.w - width) < 1.5, `encode is zoomed to the full width: ${JSON.stringify(enc)}`);
  assert.ok(isMagenta(await framePixel(page, ['main', 'serve', 'encode'])), 'and highlighted');
  assert.equal(await page.inputValue('input.ap-search'), 'encode');
  assert.equal(await page.getAttribute('.app-top tr[data-function="encode"]', 'aria-selected'), 'true');

  // Click serve (an ancestor, drawn full width) to zoom out to it.
  const serve = await rect(page, ['main', 'serve']);
  const canvasBox = await page.locator('canvas.ap-canvas').boundingBox();
  await page.mouse.click(canvasBox.x + serve.x + 40, canvasBox.y + serve.y + serve.h / 2);
  await ready(page);
  const inServe = await rect(page, ['main', 'serve', 'parse']);
  assert.ok(Math.abs(inServe.x - 0.4 * width) < 1.5 && Math.abs(inServe.w - 0.6 * width) < 1.5, `parse is 60% of serve: ${JSON.stringify(inServe)}`);
  const url = page.url();
  assert.match(url, /zoom=main\/serve(&|$)/);
  assert.match(url, /search=encode/);
  await shot(page, 'profile-zoom.png');

  const copy = await open(url.slice(server.url.length + 1));
  assert.deepEqual(await rect(copy, ['main', 'serve', 'parse']), inServe, 'the same zoom');
  assert.equal(await copy.inputValue('input.ap-search'), 'encode', 'the same search');
  assert.equal(await copy.getAttribute('.app-top tr[data-function="encode"]', 'aria-selected'), 'true',
    'the top table marks the searched function');
  assert.ok(isMagenta(await framePixel(copy, ['main', 'serve', 'encode'])));
  await copy.close();
  await page.close();
});

test('a comparison of two label groups draws the faster function blue, the slower red, with legend and table', async () => {
  const page = await open('#/compare');
  assert.match(await page.textContent('.app-compare-summary'), /Choose a base and a target/);
  await shot(page, 'compare-empty.png');
  await page.fill('input[name="base.app"]', 'demo');
  await page.fill('input[name="base.label"]', 'version:1.4');
  await page.fill('input[name="target.app"]', 'demo');
  await page.fill('input[name="target.label"]', 'version=1.5');
  await page.click('.app-compare-form button[type=submit]');
  await ready(page);
  await page.waitForFunction(() => window.autoprofFlame && window.autoprofFlame.model);
  await ready(page);
  assert.match(await page.textContent('.app-side-line-base'), /base: 2 profiles \(app demo, version:1\.4\)/);
  assert.match(await page.textContent('.app-side-line-target'), /target: 2 profiles/);
  assert.ok(isBlue(await framePixel(page, ['main', 'parse_json'])), 'parse_json got faster: blue');
  assert.ok(isRed(await framePixel(page, ['main', 'compress'])), 'compress got slower: red');
  const legend = await page.locator('.ap-legend').boundingBox();
  assert.ok(legend && legend.y >= 0 && legend.y + legend.height < 860, 'the legend is on screen');

  const cells = (fn) => page.$$eval(`.app-changes tr[data-function="${fn}"] td`, (t) => t.map((c) => [c.textContent, c.querySelector('span') ? c.querySelector('span').className : '']));
  const pj = await cells('parse_json');
  assert.match(pj[3][0], /^−/);
  assert.equal(pj[3][1], 'app-down');
  const cp = await cells('compress');
  assert.match(cp[3][0], /^\+/);
  assert.equal(cp[3][1], 'app-up');
  await shot(page, 'compare.png');

  await page.selectOption('select.ap-norm', 'share');
  await page.waitForFunction(() => /share of each total/.test(document.querySelector('.app-changes caption').textContent));
  assert.match(page.url(), /norm=share/);
  assert.match((await cells('compress'))[4][0], /^\+\d+(\.\d+)?%$/, 'normalized delta is a share');

  const copy = await open(page.url().slice(server.url.length + 1));
  await copy.waitForFunction(() => /share of each total/.test(document.querySelector('.app-changes caption').textContent));
  assert.equal(await copy.inputValue('select.ap-norm'), 'share');
  assert.ok(isBlue(await framePixel(copy, ['main', 'parse_json'])));
  assert.ok(isRed(await framePixel(copy, ['main', 'compress'])));
  await shot(copy, 'compare-reloaded.png');
  await copy.close();
  await page.close();
});

test('profiles picked in the list open a comparison of exactly those', async () => {
  const page = await open('#/profiles');
  await page.check(`tr[data-id="${ids.before1}"] input[data-side=base]`);
  await page.check(`tr[data-id="${ids.after1}"] input[data-side=target]`);
  assert.match(await page.textContent('.app-pick-info'), /1 base, 1 target/);
  assert.match(page.url(), new RegExp(`pick.base=${ids.before1}`), 'picks are in the URL');
  await page.click('.app-compare-bar a.app-button');
  await ready(page);
  await page.waitForFunction(() => window.autoprofFlame && window.autoprofFlame.model);
  await ready(page);
  assert.match(await page.textContent('.app-side-line-base'), /1 profile \(picked\)/);
  assert.ok(isBlue(await framePixel(page, ['main', 'parse_json'])));
  await page.goBack();
  await ready(page);
  assert.equal(await page.isChecked(`tr[data-id="${ids.before1}"] input[data-side=base]`), true, 'picks survive going back');
  await page.close();
});

test('a Pyroscope ingest without sidecar shows what it has, and a bad id one error line', async () => {
  const page = await open('#/profiles&app=goapp');
  const [id] = await rowIds(page);
  assert.ok(id);
  assert.equal(await page.textContent(`tr[data-id="${id}"] td.trigger`), '—');
  await page.click(`tr[data-id="${id}"] a.app-name`);
  await ready(page);
  assert.ok(isWarm(await framePixel(page, ['main', 'cache_fill'])));
  assert.equal(await page.$('canvas.app-history'), null, 'no history chart without history');
  assert.equal(await page.$('.app-actions select:not([hidden])'), null, 'one sample type: no choice');
  await page.close();
  const bad = await open(`#/profile/${'0'.repeat(64)}`, { httpErrorsExpected: true });
  assert.match(await bad.textContent('.ap-error'), /HTTP 404/);
  assert.match(await bad.textContent('.app-meta .app-error'), /HTTP 404/);
  await bad.close();
});
