// Navigation to first drawn flame graph (bench/webapp/run.sh). Uploads
// large.pb.gz to a fresh `autoprof serve`, then per run: a fresh Chromium, open
// #/profile/<id>, wait for the 'autoprof:flame-drawn' mark, read its startTime
// (ms since navigation start), when the /flamegraph answer ended (resource
// timing), and the number of nodes drawn from.
import path from 'node:path';
import { env, launchChromium, startServer, upload } from '../../tests/browser/app/support.mjs';

const runs = Number(process.argv[2] || 5);
const server = await startServer(env('AUTOPROF_BIN'));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
try {
  const file = path.join(env('AUTOPROF_BROWSER_WORK'), 'profiles', 'large.pb.gz');
  const id = await upload(server, file, { app: 'bench', kind: 'cpu' });
  for (const [name, extra] of [['default pruning', ''], ['whole tree (min_fraction=0, max_nodes=1000000)', '&min_fraction=0&max_nodes=1000000']]) {
    const times = [], answered = [], asked = [];
    let nodes = 0;
    for (let r = 0; r < runs; r++) {
      const browser = await launchChromium();
      const page = await browser.context.newPage();
      await page.goto(`${server.url}/#/profile/${id}${extra}`);
      await page.waitForFunction(() => performance.getEntriesByName('autoprof:flame-drawn').length > 0, null, { timeout: 120_000 });
      const m = await page.evaluate(() => ({
        t: performance.getEntriesByName('autoprof:flame-drawn')[0].startTime,
        n: window.autoprofFlame.model.n,
        asked: performance.getEntriesByType('resource').find((e) => e.name.includes('/flamegraph')).requestStart,
        answered: performance.getEntriesByType('resource').find((e) => e.name.includes('/flamegraph')).responseEnd,
      }));
      asked.push(m.asked);
      times.push(m.t);
      answered.push(m.answered);
      nodes = m.n;
      await browser.close();
    }
    console.log(`first drawn flame graph, ${name}: ${nodes} nodes; runs ${times.map((t) => t.toFixed(0)).join(', ')} ms; ` +
      `median ${median(times).toFixed(0)} ms; /flamegraph asked at ${median(asked).toFixed(0)} ms, answered by ${median(answered).toFixed(0)} ms; ` +
      `in the page after it (JSON, model, draw): median ${median(times.map((t, i) => t - answered[i])).toFixed(0)} ms`);
  }
} finally {
  await server.stop();
}
