// Exports of the panel's view (issue 8.4) in headless Chromium: the real panel is asked through the
// protocol for PNG, SVG and an offline HTML replay of the tutorial's convolution; each file is then
// opened on its own with every network request blocked, checked, and screenshotted under
// test-results/webview/ (export-*.png) for a person to look at.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { ExportedMessage, ExportFormat } from '../../src/shared/protocol';
import { launch, openPanel, screenshot, startServer, type PanelPage } from './harness';

const outDir = join(__dirname, '../../test-results/webview');

let browser: Browser;
let server: Server;
let origin: string;
let panel: PanelPage;
let requestId = 0;
let answers = 0;

before(async () => {
  ({ server, origin } = await startServer());
  browser = await launch();
  mkdirSync(outDir, { recursive: true });
  panel = await openPanel(browser, origin, { width: 900, height: 700 });
  // No document: the panel shows the tutorial's own Laplacian example.
  await panel.send({ type: 'snapshot', seq: 1, document: null, model: null, requestedView: 'conv', forceLayer: false });
  await panel.waitFor('rendered');
  await panel.idle();
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function exportAs(format: ExportFormat): Promise<ExportedMessage> {
  await panel.send({ type: 'exportView', requestId: ++requestId, format });
  const answer = await panel.waitFor('exported', ++answers);
  assert.equal(answer.requestId, requestId);
  assert.equal(answer.error, null);
  return answer;
}

/** Opens a local file in a fresh page where any request other than the file itself fails and is counted. */
async function openOffline(file: string): Promise<{ page: Page; blocked: string[] }> {
  const page = await browser.newPage({ viewport: { width: 900, height: 700 } });
  const blocked: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url === pathToFileURL(file).href || url.startsWith('data:')) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  await page.goto(pathToFileURL(file).href);
  return { page, blocked };
}

describe('exports of the current view', () => {
  it('exports a PNG of the view as laid out', async () => {
    const { data } = await exportAs('png');
    const bytes = Buffer.from(data.replace(/^data:image\/png;base64,/, ''), 'base64');
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
    const width = bytes.readUInt32BE(16);
    const height = bytes.readUInt32BE(20);
    assert.ok(width > 200 && height > 100, `${width}×${height}`);
    writeFileSync(join(outDir, 'export-view.png'), bytes);
  });

  it('exports an SVG drawn with shapes and text that opens on its own', async () => {
    const { data } = await exportAs('svg');
    assert.match(data, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    const file = join(outDir, 'export-view.svg');
    writeFileSync(file, data);
    const { page, blocked } = await openOffline(file);
    const counts = await page.evaluate(() => ({ rects: document.querySelectorAll('rect').length, texts: document.querySelectorAll('text').length }));
    // The Laplacian example: a 6×6 input, a 3×3 kernel and a 4×4 output, each cell a rectangle with its number.
    assert.ok(counts.rects >= 36 + 9 + 16, JSON.stringify(counts));
    assert.ok(counts.texts >= 16, JSON.stringify(counts));
    assert.deepEqual(blocked, []);
    // A bare SVG document has no scrollable body for a full-page capture: take the viewport.
    await page.screenshot({ path: join(outDir, 'export-svg.png') });
    await page.close();
  });

  it('exports an HTML replay that plays every step offline', async () => {
    const stepCount = await panel.page.evaluate(() => (window as unknown as { layerLensDebug: { app: { view: { stepCount: number } } } }).layerLensDebug.app.view.stepCount);
    const { data } = await exportAs('html');
    assert.doesNotMatch(data, /src="https?:|href="https?:/, 'no external resources');
    const file = join(outDir, 'export-replay.html');
    writeFileSync(file, data);
    const { page, blocked } = await openOffline(file);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const counter = () => page.locator('#counter').textContent();
    assert.match((await counter()) ?? '', new RegExp(`^\\d+ / ${stepCount}$`));
    await page.locator('#step').fill('0');
    assert.equal(await counter(), `1 / ${stepCount}`);
    await page.locator('#forward').focus();
    const first = await page.locator('#frame').innerHTML();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    assert.equal(await counter(), `3 / ${stepCount}`);
    assert.notEqual(await page.locator('#frame').innerHTML(), first, 'stepping changes the drawing');
    assert.ok(((await page.locator('#caption').textContent()) ?? '').length > 10, 'each step has its caption');
    assert.deepEqual(blocked, []);
    assert.deepEqual(errors, []);
    await screenshot(page, 'export-replay');
    await page.close();
  });

  it('leaves the panel drawing the step it was on, without CSP violations', async () => {
    const violations = await panel.page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
    // tfjs probes WebAssembly, which the panel's CSP refuses on purpose (see plumbing.test.ts).
    assert.deepEqual(violations.filter((v) => !/^script-src wasm-eval\b/.test(v)), []);
    await panel.idle();
    await screenshot(panel.page, 'export-panel-after');
  });
});
