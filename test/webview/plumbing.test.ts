// The panel's plumbing in headless Chromium: the real CSP, `ready` before any data, the backend
// reported, malformed and hostile messages dropped or shown as text, tfjs memory returning to its
// baseline after 100 layer switches, the tensor cap, presenter mode, restored UI state, timings.
import assert from 'node:assert/strict';
import { panelModelAt } from '../../src/analysis/panelModel';
import type { SnapshotMessage, UiState } from '../../src/shared/protocol';
import { analysis, attentionModel, cnnModel, conv2d, model, moduleInfo, waveNetModel } from '../unit/panelModelFixtures';
import { HIGH_CONTRAST_THEME, screenshot, sharedPanelBrowser } from './harness';

const panels = sharedPanelBrowser();
let seq = 1000;

function snapshot(m: SnapshotMessage['model'], extra: Partial<SnapshotMessage> = {}): SnapshotMessage {
  return { type: 'snapshot', seq: ++seq, document: { uri: 'file:///m.py', fileName: 'm.py', version: 1 }, model: m, requestedView: null, forceLayer: false, ...extra };
}

describe('webview: plumbing and security', function () {
  this.timeout(120_000);

  it('says ready first, under the real CSP (nonce, no unsafe-eval), and reports its tfjs backend', async () => {
    const panel = await panels.open();
    const posted = await panel.posted();
    assert.equal(posted[0].type, 'ready');
    const ready = posted[0] as Extract<typeof posted[0], { type: 'ready' }>;
    assert.equal(ready.ui.followCursor, true, 'follow cursor is on by default');
    const csp = await panel.page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    assert.match(csp ?? '', /script-src 'nonce-[A-Za-z0-9_-]{16,}'/);
    assert.doesNotMatch(csp ?? '', /unsafe-eval|unsafe-inline/);
    const backend = await panel.waitFor('backend');
    assert.ok(backend.backend === 'webgl' || backend.backend === 'cpu');
    assert.equal(await panel.page.getAttribute('.ll-badge', 'data-backend'), backend.backend);
    console.log(`      backend ${backend.backend} (${backend.note}); ready after ${ready.bootMs.toFixed(0)} ms of page time`);
    // Nothing is drawn before data arrives.
    assert.equal(await panel.page.locator('canvas').count(), 0);
    await panel.send(snapshot(panelModelAt(analysis(cnnModel()), 105)));
    await panel.waitFor('rendered');
    await panel.idle();
    const violations = await panel.page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
    // The one expected refusal: the `long` package (inside tfjs-core) probes WebAssembly in a
    // try/catch and falls back to JavaScript when the CSP says no, as ours does.
    assert.deepEqual(violations.filter((v) => !/^script-src wasm-eval\b/.test(v)), [], 'no other CSP violation while running tfjs and the components');
    await panel.close();
  });

  it('falls back to the CPU backend with a note when WebGL is unavailable, and still computes', async () => {
    const panel = await panels.open({ withoutWebgl: true });
    const backend = await panel.waitFor('backend');
    assert.equal(backend.backend, 'cpu');
    assert.match(backend.note, /WebGL unavailable/);
    assert.equal(await panel.page.getAttribute('.ll-badge', 'data-backend'), 'cpu');
    await panel.send(snapshot(panelModelAt(analysis(cnnModel()), 105)));
    const rendered = await panel.waitFor('rendered');
    assert.equal(rendered.view, 'conv', 'the convolution view was computed and drawn on the CPU backend');
    await panel.close();
  });

  it('drops malformed messages and logs them, without acting on them', async () => {
    const panel = await panels.open();
    await panel.send({ type: 'snapshot', seq: 'x', model: '<img src=x onerror=alert(1)>' });
    await panel.send({ type: 'evaluate', code: 'document.body.remove()' });
    await panel.send('just a string');
    const log = await panel.waitFor('log', 3);
    assert.match(log.message, /dropped a malformed message/);
    assert.equal((await panel.posted()).filter((m) => m.type === 'rendered').length, 0);
    assert.equal(await panel.page.locator('ll-app').count(), 1);
    await panel.close();
  });

  it('shows hostile layer names as text: no element is created and no handler runs', async () => {
    const panel = await panels.open();
    const hostile = '<img src=x onerror="window.__pwned=1">';
    const link = '<a href="javascript:window.__pwned=2">x</a>';
    const m = model(hostile, [
      moduleInfo(hostile, 'Conv2d', 1, { geometry: conv2d(3) }),
      moduleInfo(link, '<svg onload="window.__pwned=3">', 2, { geometry: conv2d(3) }),
    ]);
    await panel.send(snapshot(panelModelAt(analysis(m), 105), { document: { uri: 'file:///x.py', fileName: hostile, version: 1 } }));
    await panel.waitFor('rendered');
    await panel.idle();
    assert.equal(await panel.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    // Light DOM only: the vscode-elements components draw their own icons inside shadow roots.
    assert.equal(await panel.page.evaluate(() => document.querySelectorAll('img, svg, a, script:not([nonce])').length), 0);
    const options = await panel.page.$$eval('vscode-option', (els) => els.map((e) => e.textContent));
    assert.ok(options.includes(`${hostile} · Conv2d`), 'the name is shown literally');
    assert.ok(((await panel.page.textContent('.ll-caption')) ?? '').startsWith(`${hostile} · Conv2d`));
    assert.equal(await panel.page.textContent('.ll-title'), `Layer Lens · ${hostile}`);
    await screenshot(panel.page, 'hostile-names');
    await panel.close();
  });

  it('releases tfjs memory: tensors return to the baseline after 100 layer switches', async () => {
    const panel = await panels.open();
    const models = [
      panelModelAt(analysis(cnnModel()), 105),
      panelModelAt(analysis(cnnModel()), 405),
      panelModelAt(analysis(cnnModel()), 705),
      panelModelAt(analysis(waveNetModel(1, 3)), 205),
      panelModelAt(analysis(attentionModel({ kind: 'dot', embedDim: 16, numHeads: 2, headDim: 8, causal: true })), 105),
    ];
    await panel.send(snapshot(models[0]));
    await panel.waitFor('rendered');
    await panel.idle();
    const numTensors = () => panel.page.evaluate(() => (window as unknown as { layerLensDebug: { numTensors(): number } }).layerLensDebug.numTensors());
    const baseline = await numTensors();
    const times: number[] = [];
    for (let i = 1; i <= 100; i++) {
      await panel.send(snapshot(models[i % models.length]));
      const rendered = await panel.waitFor('rendered', i + 1);
      times.push(rendered.ms);
    }
    await panel.idle();
    assert.equal(await numTensors(), baseline, 'numTensors back to its baseline');
    const sorted = [...times].sort((a, b) => a - b);
    console.log(`      100 switches: tensors ${baseline} → ${await numTensors()}; switch→drawn median ${sorted[50].toFixed(0)} ms, p90 ${sorted[90].toFixed(0)} ms`);
    await panel.close();
  });

  it('caps tensor sizes with a clear message instead of building a huge tensor', async () => {
    const panel = await panels.open();
    await panel.send(snapshot(panelModelAt(analysis(attentionModel({ kind: 'dot', embedDim: 4096, numHeads: 8, headDim: 512, causal: false })), 105)));
    await panel.waitFor('rendered');
    await panel.idle();
    const alert = (await panel.page.textContent('.ll-alert')) ?? '';
    assert.match(alert, /the projection weights would need 16,777,216 values \(shape 4096×4096\); the panel caps tensors at 4,000,000\./);
    assert.equal(await panel.page.getAttribute('.ll-alert', 'role'), 'alert');
    const log = await panel.waitFor('log');
    assert.match(log.message, /caps tensors/);
    await panel.close();
  });

  it('presenter mode: large type, thick strokes and the step as "n / N"', async () => {
    const panel = await panels.open();
    await panel.send(snapshot(null));
    await panel.waitFor('rendered');
    await panel.idle();
    const before = await panel.page.$eval('.ll-caption', (e) => parseFloat(getComputedStyle(e).fontSize));
    await panel.send({ type: 'setPresenter', enabled: true });
    await panel.page.waitForFunction(() => document.body.classList.contains('ll-presenter'));
    const after = await panel.page.$eval('.ll-caption', (e) => parseFloat(getComputedStyle(e).fontSize));
    assert.ok(after >= before * 1.5, `font ${before}px → ${after}px`);
    await panel.page.keyboard.press('ArrowRight');
    await panel.page.keyboard.press('ArrowRight');
    assert.equal(await panel.page.textContent('.ll-counter'), '3 / 16');
    const ui = (await panel.posted()).filter((m) => m.type === 'uiState').pop() as { ui: UiState };
    assert.equal(ui.ui.presenter, true);
    await screenshot(panel.page, 'presenter-mode');
    await panel.close();
  });

  it('follows a high-contrast theme: canvas background and strokes from the theme variables', async () => {
    const panel = await panels.open({ theme: HIGH_CONTRAST_THEME, bodyClass: 'vscode-high-contrast' });
    await panel.send(snapshot(null));
    await panel.waitFor('rendered');
    await panel.idle();
    const background = await panel.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(background, 'rgb(0, 0, 0)');
    // The kernel's highlight outline of step 1 is drawn in the theme's orange.
    const rgba = await panel.page.evaluate(() => {
      const view = (window as unknown as { layerLensDebug: { app: { view: { gridLayouts: { input: { x: number; y: number } } } } } }).layerLensDebug.app.view;
      const canvas = document.querySelector('.ll-conv-canvas') as HTMLCanvasElement;
      const ratio = canvas.width / canvas.getBoundingClientRect().width;
      const { x, y } = view.gridLayouts.input;
      return Array.from(canvas.getContext('2d')!.getImageData(Math.round((x + 1) * ratio), Math.round((y + 10) * ratio), 1, 1).data);
    });
    assert.deepEqual(rgba.slice(0, 3), [0xf3, 0x85, 0x18]);
    await screenshot(panel.page, 'high-contrast');
    await panel.close();
  });

  it('persists only UI state and restores it after a reload', async () => {
    const panel = await panels.open();
    await panel.send(snapshot(null));
    await panel.waitFor('rendered');
    await panel.idle();
    for (let i = 0; i < 4; i++) await panel.page.keyboard.press('ArrowRight');
    await panel.page.click('.ll-follow');
    const saved = await panel.page.evaluate(() => (window as unknown as { __state: UiState }).__state);
    assert.deepEqual(Object.keys(saved).sort(), ['followCursor', 'layerId', 'playing', 'presenter', 'sequenceLength', 'speed', 'step', 'tokens', 'unit', 'view']);
    assert.equal(saved.step, 4);
    assert.equal(saved.followCursor, false);
    await panel.close();
    const restored = await panels.open({ savedState: saved });
    const ready = await restored.waitFor('ready');
    assert.equal(ready.ui.step, 4);
    assert.equal(ready.ui.followCursor, false);
    await restored.send(snapshot(panelModelAt(analysis(cnnModel()), 105)));
    await restored.waitFor('rendered');
    await restored.idle();
    // Not following the cursor: the restored layer stays, at the restored step.
    assert.equal(await restored.page.textContent('.ll-counter'), '5 / 16');
    await restored.close();
  });

  it('setPlaying: sent with the first snapshot it waits for the view, plays, pauses; a panel saved playing restarts paused', async () => {
    const panel = await panels.open();
    // As the command does on a new panel: the snapshot, then setPlaying before anything is drawn.
    await panel.send(snapshot(null));
    await panel.send({ type: 'setPlaying', playing: true });
    // A uiState report after the first `from` messages, with the given playing flag and at least that step.
    const uiReport = async (playing: boolean, minStep: number, from: number) =>
      panel.page.waitForFunction(
        ({ playing, minStep, from }) =>
          (window as unknown as { __posted: { type: string; ui?: UiState }[] }).__posted
            .slice(from)
            .some((m) => m.type === 'uiState' && m.ui?.playing === playing && m.ui.step >= minStep),
        { playing, minStep, from },
        { timeout: 10_000 },
      );
    await uiReport(true, 1, 0);
    assert.equal((await panel.page.textContent('.ll-play'))?.trim(), '❚❚ Pause');
    const posted = await panel.posted();
    const rendered = posted.findIndex((m) => m.type === 'rendered');
    const firstPlaying = posted.findIndex((m) => m.type === 'uiState' && m.ui.playing);
    assert.ok(rendered >= 0 && rendered < firstPlaying, 'playback started after the view was drawn');
    const saved = await panel.page.evaluate(() => (window as unknown as { __state: UiState }).__state);
    assert.equal(saved.playing, true, 'the persisted state says playing');
    await panel.send({ type: 'setPlaying', playing: false });
    await uiReport(false, 1, posted.length);
    assert.equal((await panel.page.textContent('.ll-play'))?.trim(), '▶ Play');
    await panel.close();
    const restored = await panels.open({ savedState: saved });
    const ready = await restored.waitFor('ready');
    assert.equal(ready.ui.playing, false, 'ready reports the restored panel paused, as it is');
    assert.equal(ready.ui.step, saved.step);
    await restored.close();
  });

  it('ignores stale snapshots (a lower seq than one already shown)', async () => {
    const panel = await panels.open();
    const fresh = snapshot(panelModelAt(analysis(cnnModel()), 105));
    const stale = { ...snapshot(panelModelAt(analysis(cnnModel()), 205)), seq: fresh.seq - 500 };
    await panel.send(fresh);
    await panel.waitFor('rendered');
    await panel.send(stale);
    await panel.idle();
    const rendered = (await panel.posted()).filter((m) => m.type === 'rendered');
    assert.deepEqual(rendered.map((m) => (m as { layerId: string }).layerId), ['conv1']);
    await panel.close();
  });
});
