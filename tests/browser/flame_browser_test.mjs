// Opens pages written by `autoprof flame` in a real headless Chromium and checks
// what a person would see, by reading the canvas's pixels: frames where the
// profile puts them, search highlighting, click-to-zoom, a copied URL reopening
// the same picture, and the differential colours (faster blue, slower red, not
// significant grey, one-side-only hatched, legend on screen). Screenshots go to
// $AUTOPROF_BROWSER_WORK/artifacts. Started by run.sh, which sets the environment.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { pixel } from './canvas.mjs';

const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set; run this through run.sh`);
  return v;
};
const work = env('AUTOPROF_BROWSER_WORK');
const autoprof = env('AUTOPROF_BIN');
const { chromium } = createRequire(import.meta.url)(env('AUTOPROF_PLAYWRIGHT'));
const profiles = path.join(work, 'profiles');
const artifacts = path.join(work, 'artifacts');

let context;
let userDataDir;
const pageErrors = [];

function flame(out, ...args) {
  const file = path.join(work, out);
  execFileSync(autoprof, ['flame', ...args, '-o', file], { stdio: 'inherit' });
  return pathToFileURL(file).href;
}

async function open(url) {
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(`${url}: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(`${url}: ${m.text()}`); });
  await page.goto(url);
  await settle(page);
  return page;
}

// Waits until the graph exists and two animation frames have been painted.
async function settle(page) {
  await page.waitForFunction(() => window.autoprofFlame && window.autoprofFlame.model);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

async function layout(page) {
  return page.evaluate(() => {
    const c = document.querySelector('canvas.ap-canvas');
    return { width: c.clientWidth, backing: c.width, row: window.autoprofFlame.rowHeight, dpr: devicePixelRatio };
  });
}

async function rectOf(page, names) {
  return page.evaluate((n) => window.autoprofFlame.frameRect(n), names);
}

const isWarm = ([r, g, b, a]) => a === 255 && r > 150 && r >= g && g >= b;
const isMagenta = ([r, g, b, a]) => a === 255 && r > 180 && g < 120 && b > 200;
const isEmpty = ([, , , a]) => a === 0;
const isBlue = ([r, g, b, a]) => a === 255 && b > r + 40;
const isRed = ([r, g, b, a]) => a === 255 && r > b + 40;
const isGrey = ([r, g, b, a]) => a === 255 && Math.abs(r - b) < 12 && Math.abs(r - g) < 12 && r < 230;

before(async () => {
  userDataDir = mkdtempSync(path.join(tmpdir(), 'autoprof-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: env('AUTOPROF_CHROMIUM'),
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1200, height: 700 },
    deviceScaleFactor: 2,
  });
});

after(async () => {
  if (context) await context.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

test('the flame graph draws each frame where the profile puts it, at device resolution', async () => {
  const url = flame('flame.html', path.join(profiles, 'cpu.pb.gz'));
  const page = await open(url);
  const { width, backing, row, dpr } = await layout(page);
  assert.equal(backing, width * dpr, 'canvas backing store follows devicePixelRatio');
  const mid = (r) => r * row + row / 2;
  // Rows: all, main, then main's callees by name: hot_loop 40%, idle 10%, serve 50%;
  // below serve: encode 20%, parse 30% of the whole.
  const expected = { hot_loop: [0, 0.4], idle: [0.4, 0.5], serve: [0.5, 1] };
  for (const [name, [from, to]] of Object.entries(expected)) {
    const r = await rectOf(page, ['main', name]);
    assert.ok(Math.abs(r.x - from * width) < 1.5 && Math.abs(r.x + r.w - to * width) < 1.5,
      `${name} spans ${from}-${to} of the width, got ${JSON.stringify(r)}`);
    const px = await pixel(page, ((from + to) / 2) * width, mid(2));
    assert.ok(isWarm(px), `${name} is drawn in a warm colour, got ${px}`);
  }
  assert.ok(isWarm(await pixel(page, 0.6 * width, mid(3))), 'encode under serve');
  assert.ok(isWarm(await pixel(page, 0.85 * width, mid(3))), 'parse under serve');
  assert.ok(isEmpty(await pixel(page, 0.2 * width, mid(3))), 'nothing under hot_loop');
  assert.ok(isEmpty(await pixel(page, 0.85 * width, mid(4))), 'nothing below the deepest frame');
  assert.notDeepEqual(await pixel(page, 0.2 * width, mid(2)), await pixel(page, 0.45 * width, mid(2)),
    'neighbouring functions differ in colour');
  await page.screenshot({ path: path.join(artifacts, 'flame.png') });
  await page.close();
});

test('search highlights the matching frames and states their share', async () => {
  const page = await open(flame('flame.html', path.join(profiles, 'cpu.pb.gz')));
  const { width, row } = await layout(page);
  await page.fill('input.ap-search', 'parse');
  await settle(page);
  assert.ok(isMagenta(await pixel(page, 0.85 * width, 3 * row + row / 2)), 'parse is highlighted');
  assert.ok(!isMagenta(await pixel(page, 0.2 * width, 2 * row + row / 2)), 'hot_loop is not');
  assert.match(await page.textContent('.ap-match'), /matched: 30\.0% of total/);
  assert.match(page.url(), /#.*search=parse/);
  await page.screenshot({ path: path.join(artifacts, 'flame-search.png') });
  await page.close();
});

test('clicking a frame zooms into it; the breadcrumb and Escape zoom back out', async () => {
  const page = await open(flame('flame.html', path.join(profiles, 'cpu.pb.gz')));
  const { width, row } = await layout(page);
  const box = await page.locator('canvas.ap-canvas').boundingBox();
  const encodeBefore = await pixel(page, 0.6 * width, 3 * row + row / 2);
  assert.ok(isEmpty(await pixel(page, 0.2 * width, 3 * row + row / 2)));

  await page.mouse.click(box.x + 0.75 * width, box.y + 2 * row + row / 2);  // serve
  await settle(page);
  // serve now spans the width: encode 40%, parse 60% of it.
  assert.deepEqual(await pixel(page, 0.2 * width, 3 * row + row / 2), encodeBefore,
    'encode fills the left 40% after zooming into serve');
  const r = await rectOf(page, ['main', 'serve', 'parse']);
  assert.ok(Math.abs(r.x - 0.4 * width) < 1.5 && Math.abs(r.w - 0.6 * width) < 1.5, JSON.stringify(r));
  assert.match(page.url(), /#.*zoom=main\/serve/);
  await page.screenshot({ path: path.join(artifacts, 'flame-zoom.png') });

  await page.getByRole('button', { name: 'main', exact: true }).click();
  await settle(page);
  assert.match(page.url(), /zoom=main(&|$)/);
  await page.locator('canvas.ap-canvas').focus();
  await page.keyboard.press('Escape');
  await settle(page);
  assert.ok(isEmpty(await pixel(page, 0.2 * width, 3 * row + row / 2)), 'back at the root');
  assert.doesNotMatch(page.url(), /zoom=/);
  await page.close();
});

test('hovering shows self and total; the keyboard moves, zooms and backs out', async () => {
  const page = await open(flame('flame.html', path.join(profiles, 'cpu.pb.gz')));
  const { width, row } = await layout(page);
  const box = await page.locator('canvas.ap-canvas').boundingBox();
  await page.mouse.move(box.x + 0.85 * width, box.y + 3 * row + row / 2);  // parse
  const tip = page.locator('.ap-tip');
  assert.ok(await tip.isVisible(), 'tooltip shown');
  const text = await tip.textContent();
  assert.match(text, /^parse/);
  assert.match(text, /total: 3 s \(30\.0% of all\)/);
  assert.match(text, /self: 3 s \(30\.0% of all\)/);

  await page.locator('canvas.ap-canvas').focus();
  for (const key of ['ArrowDown', 'ArrowDown', 'Enter']) await page.keyboard.press(key);  // widest: main, serve
  await settle(page);
  assert.match(page.url(), /zoom=main\/serve/);
  await page.keyboard.press('ArrowDown');   // parse, the wider callee
  await page.keyboard.press('ArrowLeft');   // encode
  await page.keyboard.press('Enter');
  await settle(page);
  assert.match(page.url(), /zoom=main\/serve\/encode/);
  await page.keyboard.press('Escape');
  await settle(page);
  assert.match(page.url(), /zoom=main\/serve(&|$)/);
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'ap-search');
  await page.close();
});

test('a copied URL reopens the same view', async () => {
  const page = await open(flame('flame.html', path.join(profiles, 'cpu.pb.gz')));
  const { width, row } = await layout(page);
  const box = await page.locator('canvas.ap-canvas').boundingBox();
  await page.mouse.click(box.x + 0.75 * width, box.y + 2 * row + row / 2);
  await page.fill('input.ap-search', 'enc');
  await settle(page);
  const url = page.url();
  const sample = async (p) => {
    const out = [];
    for (let r = 0; r < 5; r++) for (let k = 1; k < 20; k++) out.push(await pixel(p, (k / 20) * width, r * row + row / 2));
    return out;
  };
  const original = await sample(page);
  const again = await open(url);
  assert.deepEqual(await sample(again), original, 'same pixels after opening the copied URL');
  assert.equal(await again.inputValue('input.ap-search'), 'enc');
  await again.reload();
  await settle(again);
  assert.deepEqual(await sample(again), original, 'same pixels after a reload');
  await page.close();
  await again.close();
});

test('the differential graph shows faster in blue, slower in red, noise in grey, one-side frames hatched', async () => {
  const url = flame('diff.html', path.join(profiles, 'target.pb.gz'), '--diff-base', path.join(profiles, 'base.pb.gz'));
  const page = await open(url);
  const { row } = await layout(page);
  const centre = async (name) => {
    const r = await rectOf(page, ['main', name]);
    assert.ok(r, `${name} is on screen`);
    return pixel(page, r.x + r.w / 2, r.y + row / 2);
  };
  const faster = await centre('parse_json');
  const slower = await centre('compress');
  const steady = await centre('steady');
  assert.ok(isBlue(faster), `parse_json (400 -> 100 samples) is blue, got ${faster}`);
  assert.ok(isRed(slower), `compress (100 -> 400 samples) is red, got ${slower}`);
  assert.ok(isGrey(steady), `steady (500 -> 500) is neutral grey, got ${steady}`);
  // One-side-only frames keep a width and carry stripes: several colours along the bar.
  for (const name of ['legacy_path', 'new_cache']) {
    const r = await rectOf(page, ['main', name]);
    assert.ok(r && r.w > 10, `${name} keeps a visible width`);
    const colours = new Set();
    for (let dx = 3; dx < r.w - 3; dx += 1) colours.add(String(await pixel(page, r.x + dx, r.y + row / 2)));
    assert.ok(colours.size >= 2, `${name} is hatched`);
  }
  const legend = page.locator('.ap-legend');
  assert.ok(await legend.isVisible(), 'legend is shown');
  assert.match(await legend.textContent(), /only in base.*only in target/s);
  const lb = await legend.boundingBox();
  assert.ok(lb.y >= 0 && lb.y + lb.height <= 700, 'legend is inside the viewport');
  await page.screenshot({ path: path.join(artifacts, 'diff.png') });

  // Switching the normalization is part of the URL too.
  await page.selectOption('select.ap-norm', 'absolute');
  await settle(page);
  assert.match(page.url(), /norm=absolute/);
  assert.ok(isBlue(await centre('parse_json')));
  await page.close();
});

test('a 100,000-stack profile opens, draws and searches', async () => {
  const started = Date.now();
  const page = await open(flame('large.html', path.join(profiles, 'large.pb.gz')));
  const nodes = await page.evaluate(() => window.autoprofFlame.model.n);
  const { width, row } = await layout(page);
  const colours = new Set();
  for (let k = 0; k < 200; k++) colours.add(String(await pixel(page, (k / 200) * width, 4 * row + row / 2)));
  assert.ok(nodes > 10000, `tree has ${nodes} nodes`);
  assert.ok(colours.size > 5, 'many frames drawn on row 4');
  await page.fill('input.ap-search', 'Function7');
  await settle(page);
  assert.match(await page.textContent('.ap-match'), /matched: \d+(\.\d+)?% of total/);
  console.log(`large profile: ${nodes} nodes, opened and drawn in ${Date.now() - started} ms (informational)`);
  await page.screenshot({ path: path.join(artifacts, 'large.png') });
  await page.close();
});

test('the viewer way: ES modules served as files, tree fetched from an API', async () => {
  // A loopback server standing in for the viewer: viewer/ui/ as files, and the
  // tree JSON taken out of a page `autoprof flame` wrote.
  const ui = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../viewer/ui');
  const page1 = readFileSync(path.join(work, 'flame.html'), 'utf8');
  const tree = page1.split('id="autoprof-data">')[1].split('</script>')[0];
  const types = { '.js': 'text/javascript', '.css': 'text/css' };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (url.pathname === '/favicon.ico') return res.writeHead(204).end();
    if (url.pathname === '/tree.json') return res.writeHead(200, { 'Content-Type': 'application/json' }).end(tree);
    if (url.pathname === '/page.html') {
      const src = url.searchParams.get('src');
      return res.writeHead(200, { 'Content-Type': 'text/html' }).end(`<!doctype html>
<link rel="stylesheet" href="/ui/flame.css"><div id="app" style="height:600px"></div>
<script type="module">
import { loadFlameGraph } from '/ui/flame_fetch.js';
window.autoprofFlame = await loadFlameGraph(document.getElementById('app'), ${JSON.stringify(src)});
window.autoprofLoaded = true;
</script>`);
    }
    const m = /^\/ui\/([a-z_]+\.(js|css))$/.exec(url.pathname);
    if (m) return res.writeHead(200, { 'Content-Type': types[path.extname(m[1])] }).end(readFileSync(path.join(ui, m[1])));
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('no such profile');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    const page = await open(`${base}/page.html?src=/tree.json`);
    const { width, row } = await layout(page);
    assert.ok(isWarm(await pixel(page, 0.75 * width, 2 * row + row / 2)), 'serve drawn from fetched JSON');
    await page.close();

    const missing = await context.newPage();
    await missing.goto(`${base}/page.html?src=/api/v1/profiles/nope/flamegraph`);
    await missing.waitForFunction(() => window.autoprofLoaded);
    assert.match(await missing.textContent('.ap-error'), /HTTP 404: no such profile/);
    await missing.close();
  } finally {
    server.close();
  }
});

test('no page reported an error (CSP violations included)', () => {
  assert.deepEqual(pageErrors, []);
});
