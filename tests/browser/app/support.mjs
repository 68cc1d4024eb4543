// What the web app's browser test and its benchmark (bench/webapp) share: a real
// `autoprof serve` on a free loopback port with its own data directory, uploads
// through the viewer's HTTP API, and Debian's chromium through playwright-core.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function env(key) {
  const v = process.env[key];
  if (!v) throw new Error(`${key} is not set; run this through run.sh`);
  return v;
}

// Starts `autoprof serve --listen 127.0.0.1:0` and waits (10 s at most) for the
// line naming its URL. stop() ends it with SIGTERM and removes its data.
export async function startServer(autoprof) {
  const data = mkdtempSync(path.join(tmpdir(), 'autoprof-webapp-data-'));
  const child = spawn(autoprof, ['serve', '--data', data, '--listen', '127.0.0.1:0'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`autoprof serve printed no URL in 10 s: ${out} ${stderr}`)), 10_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1].replace(/\/$/, '')); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`autoprof serve exited with ${code}: ${stderr}`)); });
  });
  return {
    url,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(data, { recursive: true, force: true });
    },
  };
}

// POST /api/v1/profiles with the file and its sidecar; returns the id.
export async function upload(server, file, metadata) {
  const form = new FormData();
  form.append('profile', new Blob([readFileSync(file)]), path.basename(file));
  form.append('metadata', new Blob([JSON.stringify(metadata)], { type: 'application/json' }), 'metadata.json');
  const res = await fetch(`${server.url}/api/v1/profiles`, { method: 'POST', body: form });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`upload of ${file}: HTTP ${res.status}: ${text}`);
  return JSON.parse(text).id;
}

// POST /ingest the way Grafana Pyroscope's clients do: the pprof as the body.
export async function ingest(server, file, name) {
  const res = await fetch(`${server.url}/ingest?name=${encodeURIComponent(name)}&format=pprof`,
    { method: 'POST', body: readFileSync(file) });
  if (!res.ok) throw new Error(`ingest of ${file}: HTTP ${res.status}: ${await res.text()}`);
}

// A fresh chromium profile directory per launch; close() removes it.
export async function launchChromium(options = {}) {
  const { chromium } = createRequire(import.meta.url)(env('AUTOPROF_PLAYWRIGHT'));
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'autoprof-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: env('AUTOPROF_CHROMIUM'),
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 860 },
    deviceScaleFactor: 1,
    ...options,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
