// The panel in headless Chromium, measured through the real protocol: the built dist/webview under
// the CSP of src/shared/panelHtml.ts (served by test/webview/harness.ts), snapshots posted as the
// extension posts them, timings taken from the messages the webview posts back. Run under tsx.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze } from '../src/analysis/analyze.ts';
import { panelModelAt } from '../src/analysis/panelModel.ts';
import { defaultUiState } from '../src/shared/protocol.ts';
import { MAX_REPLAY_STEPS } from '../webview/render/captureView.ts';
import { makeNonce, panelHtml } from '../src/shared/panelHtml.ts';
import { CHROMIUM_ARGS, DARK_THEME } from '../test/webview/harness.ts';
import { chromium } from 'playwright-core';
import { spreadOf } from './stats.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
let seq = 0;

/** Serves dist/webview with the panel's real HTML and CSP (a fresh nonce per page). */
async function startServer() {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/') {
      const origin = `http://${req.headers.host}`;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(panelHtml({ scriptUri: `${origin}/main.js`, styleUri: `${origin}/panel.css`, cspSource: origin, nonce: makeNonce() }));
      return;
    }
    const file = { '/main.js': 'main.js', '/panel.css': 'panel.css' }[path];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/css' });
    res.end(readFileSync(join(repoRoot, 'dist/webview', file)));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

/** The panel model of a file with the cursor on the layer whose id is `layerId` (or the first matching `view`). */
function panelModelOf(file, pick) {
  const text = readFileSync(join(repoRoot, file), 'utf8');
  const analysis = analyze(text, 'python', { fileName: join(repoRoot, file) });
  for (const model of [...analysis.models].reverse()) {
    for (const m of model.modules) {
      const pm = panelModelAt(analysis, m.span.from);
      const layer = pm?.layers.find(pick);
      if (layer) return panelModelAt(analysis, layer.span.from);
    }
  }
  throw new Error(`no layer in ${file} fits`);
}

function snapshot(model, requestedView = null) {
  return { type: 'snapshot', seq: ++seq, document: { uri: 'file:///bench.py', fileName: 'bench.py', version: seq }, model, requestedView, forceLayer: true };
}

/**
 * Opens the panel with message timestamps recorded in the page; `saved` is the restored UI state,
 * `theme` the variables VS Code would set on <html> (none by default, as the older measures ran).
 */
async function open(browser, origin, saved, theme = null) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  await page.addInitScript(({ state, theme }) => {
    // tsx may wrap functions passed to page.evaluate in __name(...) (esbuild keepNames).
    window.__name = (f) => f;
    const posted = [];
    window.__posted = posted;
    window.__state = state;
    window.acquireVsCodeApi = () => ({
      postMessage: (m) => posted.push({ t: performance.now(), m: JSON.parse(JSON.stringify(m)) }),
      getState: () => window.__state,
      setState: (s) => (window.__state = s),
    });
    if (theme) {
      document.addEventListener('DOMContentLoaded', () => {
        for (const [k, v] of Object.entries(theme)) document.documentElement.style.setProperty(k, v);
        document.body.classList.add('vscode-dark');
      });
    }
  }, { state: saved ?? null, theme });
  const started = Date.now();
  await page.goto(`${origin}/`);
  const ready = await waitFor(page, 'ready', 1);
  return { page, wallReadyMs: Date.now() - started, ready };
}

/** Waits for the n-th message of a type; returns {t, m}. */
async function waitFor(page, type, count, timeout = 60_000) {
  const handle = await page.waitForFunction(
    ({ type, count }) => window.__posted.filter((p) => p.m.type === type)[count - 1] ?? null,
    { type, count },
    { timeout },
  );
  return handle.jsonValue();
}

async function countOf(page, type) {
  return page.evaluate((type) => window.__posted.filter((p) => p.m.type === type).length, type);
}

/** Posts a host message and returns the page time at which it was posted. */
async function send(page, message) {
  return page.evaluate((m) => {
    const t = performance.now();
    window.postMessage(m, '*');
    return t;
  }, message);
}

/** Posts a snapshot and measures until the next `rendered`: [page ms, webview-reported ms]. */
async function timeRender(page, message, timeout = 60_000) {
  const before = await countOf(page, 'rendered');
  const t = await send(page, message);
  const rendered = await waitFor(page, 'rendered', before + 1, timeout);
  return { ms: rendered.t - t, reported: rendered.m.ms, layerId: rendered.m.layerId, view: rendered.m.view };
}

/** Frame intervals over `durationMs` of requestAnimationFrame while the view animates. */
async function frameIntervals(page, durationMs) {
  return page.evaluate(async (duration) => {
    const times = [];
    const long = [];
    const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => long.push(e.duration)));
    try {
      observer.observe({ type: 'longtask', buffered: false });
    } catch {
      /* Long-task timing is optional. */
    }
    await new Promise((resolve) => {
      const start = performance.now();
      const tick = (t) => {
        times.push(t);
        if (t - start < duration) requestAnimationFrame(tick);
        else resolve();
      };
      requestAnimationFrame(tick);
    });
    observer.disconnect();
    return { intervals: times.slice(1).map((t, i) => t - times[i]), longTasks: long };
  }, durationMs);
}

/**
 * Posts `exportView` and waits for the `exported` answer. Returns the page time between the two, the
 * size of the file the answer holds (base64 data URLs decoded, text as UTF-8) and its error; the
 * answer's data is then dropped in the page so that large replays do not pile up.
 */
async function timeExport(page, format, requestId, timeout) {
  const before = await countOf(page, 'exported');
  const t = await send(page, { type: 'exportView', requestId, format });
  const handle = await page.waitForFunction(
    (count) => {
      const answer = window.__posted.filter((p) => p.m.type === 'exported')[count - 1];
      if (!answer) return null;
      const { data, error, requestId: id } = answer.m;
      const base64 = /^data:[^;,]+;base64,/.exec(data);
      const bytes = base64 ? Math.floor(((data.length - base64[0].length) * 3) / 4) - (data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0) : new TextEncoder().encode(data).length;
      answer.m.data = '';
      return { t: answer.t, bytes, chars: data.length, error, requestId: id };
    },
    before + 1,
    { timeout },
  );
  const answer = await handle.jsonValue();
  if (answer.requestId !== requestId) throw new Error(`exported answered request ${answer.requestId}, not ${requestId}`);
  return { ms: answer.t - t, bytes: answer.bytes, chars: answer.chars, error: answer.error };
}

/**
 * Exports of the view on screen (issue 8.4): `exportView` to `exported` for each format, on the
 * tutorial's Laplacian example (no document: 16 steps) and on the last convolution of the
 * five-layer stack, whose 16×16 sample gives 256 steps (GIF and replay stop at their 240-step cap)
 * and whose stack field crosses the stride-2 and dilation-2 layers. Formats take turns within each
 * repeat, so a slow moment of the shared machine does not fall on one format only.
 */
export async function exportTimes(browser, origin, quick, log) {
  const cases = [
    {
      view: 'tutorial Laplacian',
      about: "the tutorial's own example (no document open): the Laplacian kernel over its 6×6 image, a 4×4 output",
      message: { type: 'snapshot', seq: ++seq, document: null, model: null, requestedView: 'conv', forceLayer: false },
      repeats: quick ? 1 : 5,
    },
    {
      view: 'five-layer stack, conv5',
      about: 'the last convolution of bench/fixtures/fiveLayerStack.py (3×3 over a 16×16 map, so a 16×16 sample and output), with the effective field of the whole stack, which crosses its stride-2 and dilation-2 layers',
      message: snapshot(panelModelOf('bench/fixtures/fiveLayerStack.py', (l) => l.id === 'conv5')),
      repeats: quick ? 1 : 5,
    },
  ];
  const formats = ['png', 'svg', 'gif', 'html'];
  const rows = [];
  let requestId = 0;
  for (const c of cases) {
    // Exports read the theme's colours (background, text), so these pages get VS Code's dark theme.
    const { page } = await open(browser, origin, null, DARK_THEME);
    await timeRender(page, c.message);
    // The conv view computes its stack field before `rendered`; wait for any queued load as well.
    await page.evaluate(async () => {
      for (let i = 0; i < 5; i++) await window.layerLensDebug.app.idle;
    });
    // The app's current view is a private field in TypeScript; the debug hook reaches it at run time.
    const shape = await page.evaluate(() => {
      const view = window.layerLensDebug.app.current;
      const rect = view?.getBoundingClientRect();
      return { steps: view?.stepCount ?? null, size: rect ? `${Math.round(rect.width)}×${Math.round(rect.height)}` : null };
    });
    const samples = Object.fromEntries(formats.map((f) => [f, { times: [], bytes: [], chars: [], failed: null }]));
    for (let i = 0; i < c.repeats; i++) {
      for (const format of formats) {
        const s = samples[format];
        if (s.failed) continue;
        try {
          const r = await timeExport(page, format, ++requestId, 180_000);
          if (r.error) s.failed = r.error;
          else {
            s.times.push(r.ms);
            s.bytes.push(r.bytes);
            s.chars.push(r.chars);
          }
        } catch (error) {
          s.failed = String(error?.message ?? error).split('\n')[0];
        }
      }
    }
    for (const format of formats) {
      const s = samples[format];
      const frames = format === 'gif' || format === 'html' ? Math.min(shape.steps ?? 1, MAX_REPLAY_STEPS) : 1;
      rows.push({ view: c.view, about: c.about, steps: shape.steps, frames, size: shape.size, format, time: s.times.length ? spreadOf(s.times) : null, bytes: s.bytes.length ? Math.max(...s.bytes) : null, chars: s.chars.length ? Math.max(...s.chars) : null, failed: s.failed });
    }
    await page.close();
    log(`exports measured: ${c.view}`);
  }
  return rows;
}

/** Runs the panel measurements. */
export async function runPanelBench(quick, log) {
  const { server, origin } = await startServer();
  const browser = await launch();
  const out = { backend: null, backendNote: null, ready: null, readyWall: null, firstRender: null, layerSwitch: null, frames: null, effectiveField: null, attention: [], exports: [], errors: [] };
  try {
    // Time to ready: a fresh page each time (the command opens a new webview).
    const readies = [];
    const walls = [];
    const firsts = [];
    for (let i = 0; i < (quick ? 3 : 10); i++) {
      const { page, wallReadyMs, ready } = await open(browser, origin);
      readies.push(ready.m.bootMs);
      walls.push(wallReadyMs);
      const backend = await waitFor(page, 'backend', 1);
      out.backend = backend.m.backend;
      out.backendNote = backend.m.note;
      const first = await timeRender(page, snapshot(panelModelOf('examples/spectrogram_cnn.py', (l) => l.views.includes('conv'))));
      firsts.push(first.ms);
      await page.close();
    }
    out.ready = spreadOf(readies);
    out.readyWall = spreadOf(walls);
    out.firstRender = spreadOf(firsts);
    log('panel ready measured');

    // Layer switch: the cursor moves between the convolutions of the five-layer stack.
    {
      const { page } = await open(browser, origin);
      const ids = panelModelOf('bench/fixtures/fiveLayerStack.py', () => true).layers.map((l) => l.id);
      const switches = [];
      for (let i = 0; i < (quick ? 6 : 30); i++) {
        const id = ids[i % ids.length];
        const r = await timeRender(page, snapshot(panelModelOf('bench/fixtures/fiveLayerStack.py', (l) => l.id === id)));
        if (i >= ids.length) switches.push(r.ms);
      }
      out.layerSwitch = spreadOf(switches);
      await page.close();
    }
    log('layer switch measured');

    // Animation frames: the five-layer stack's last convolution playing at full speed.
    {
      const saved = { ...defaultUiState(), view: 'conv', playing: true, speed: 64, layerId: 'conv5' };
      const { page } = await open(browser, origin, saved);
      await timeRender(page, snapshot(panelModelOf('bench/fixtures/fiveLayerStack.py', (l) => l.id === 'conv5')));
      // A restored panel starts paused; the space key plays, as a user would press it.
      await page.keyboard.press(' ');
      const playing = await page.evaluate(() => window.__state?.playing === true);
      const { intervals, longTasks } = await frameIntervals(page, quick ? 1500 : 4000);
      out.frames = { ...spreadOf(intervals), over16: intervals.filter((d) => d > 17).length, frames: intervals.length, longTasks: longTasks.length, playing };
      await page.close();
    }
    log('frames measured');

    // Effective field: the last layer of the ResNet-18 trunk (224×224 input) selected.
    {
      const { page } = await open(browser, origin);
      const times = [];
      for (let i = 0; i < (quick ? 1 : 3); i++) {
        await timeRender(page, snapshot(panelModelOf('bench/fixtures/fiveLayerStack.py', (l) => l.id === 'conv1')));
        const r = await timeRender(page, snapshot(panelModelOf('bench/fixtures/resnet18Trunk.py', (l) => l.id === 'trunk.49')));
        times.push(r.ms);
      }
      const note = await page.evaluate(() => document.querySelector('ll-app')?.shadowRoot?.textContent ?? document.body.innerText);
      out.effectiveField = { ...spreadOf(times), computedSize: /Effective field not computed[^.]*\./.exec(note)?.[0] ?? null };
      await page.close();
    }
    log('effective field measured');

    // Attention maps at T = 128, 512, 2048 on the transformer example's attention layer.
    for (const T of [128, 512, 2048]) {
      const model = panelModelOf('examples/transformer_block.py', (l) => l.views.includes('attention'));
      const layerId = model.cursorLayerId;
      const saved = { ...defaultUiState(), view: 'attention', sequenceLength: T, layerId };
      const times = [];
      const reported = [];
      let frames = null;
      const { page } = await open(browser, origin, saved);
      let failed = null;
      for (let i = 0; i < (quick || T > 512 ? 1 : 3) && !failed; i++) {
        try {
          const r = await timeRender(page, snapshot({ ...model }, 'attention'), 120_000);
          times.push(r.ms);
          reported.push(r.reported);
        } catch {
          failed = `no rendered message within 120 s`;
        }
      }
      if (T === 512 && !failed) {
        await page.keyboard.press(' ');
        const f = await frameIntervals(page, 2000);
        frames = { ...spreadOf(f.intervals), over16: f.intervals.filter((d) => d > 17).length, playing: await page.evaluate(() => window.__state?.playing === true) };
      }
      const state = await page.evaluate(() => window.__state);
      out.attention.push({ T, effectiveT: state?.sequenceLength ?? null, time: times.length ? spreadOf(times) : null, reported: reported.length ? spreadOf(reported) : null, frames, failed });
      await page.close();
      log(`attention T=${T} measured`);
    }

    out.exports = await exportTimes(browser, origin, quick, log);
  } catch (error) {
    out.errors.push(String(error?.stack ?? error).slice(0, 800));
  } finally {
    await browser.close();
    server.close();
  }
  return out;
}

/**
 * The effective-field computation of the panel (webview/render/convCompute.ts, the same function)
 * in Node on tfjs's CPU backend, for ResNet-18's trunk on a full 224×224 input: the budget of
 * issue 7.6 as stated. The panel itself caps the input side (MAX_FIELD_INPUT), measured above.
 */
export async function effectiveFieldCpu(quick, log) {
  const { effectiveField } = await import('../webview/render/convCompute.ts');
  const { tf } = await import('../webview/render/tfBackend.ts');
  await tf.setBackend('cpu');
  await tf.ready();
  const layer = panelModelOf('bench/fixtures/resnet18Trunk.py', (l) => l.id === 'trunk.49').layers.find((l) => l.id === 'trunk.49');
  const stack = layer.stack.map((s) => ({ geometry: s.geometry, pool: /MaxPool/.test(s.label) ? 'max' : 'avg' }));
  const rows = [];
  for (const channels of [2, 8]) {
    const times = [];
    for (let i = 0; i < (quick ? 1 : 3); i++) {
      const started = performance.now();
      const field = effectiveField(stack, [224, 224], null, 7, channels);
      times.push(performance.now() - started);
      if (i === 0) rows.push({ channels, layers: stack.length, inputSize: field.inputSize, outputSize: field.outputSize, times });
    }
    log(`effective field on CPU, ${channels} channels`);
  }
  return { backend: tf.getBackend(), rows: rows.map((r) => ({ ...r, time: spreadOf(r.times) })) };
}
