// Exports of the panel's view (issue 8.4) in headless Chromium: the real panel is asked through the
// protocol for PNG, SVG, an offline HTML replay and an animated GIF of the tutorial's convolution.
// The SVG and the replay are opened on their own with every network request blocked, the GIF is
// decoded frame by frame by Chromium's own ImageDecoder, and everything is saved under
// test-results/webview/ (export-*) for a person to look at.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { analyze } from '../../src/analysis/analyze';
import { panelModelAt } from '../../src/analysis/panelModel';
import { MAX_EXPORT_CHARS, type ExportedMessage, type ExportFormat } from '../../src/shared/protocol';
import { decodePng } from './decodePng';
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
    writeFileSync(join(outDir, 'export-view.png'), bytes);
    const png = decodePng(bytes);
    // What the page has on screen: the view's box, the pixel ratio, and samples of each canvas's
    // own pixels with the canvas's place in the view.
    const screen = await panel.page.evaluate(() => {
      const view = (window as unknown as { layerLensDebug: { app: { view: HTMLElement } } }).layerLensDebug.app.view;
      const box = view.getBoundingClientRect();
      const canvases = [...view.querySelectorAll('canvas'), ...(view.shadowRoot ? [...view.shadowRoot.querySelectorAll('canvas')] : [])]
        .filter((c) => c.offsetWidth > 0 && c.offsetHeight > 0)
        .map((c) => {
          const r = c.getBoundingClientRect();
          const pixels = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
          const samples: { cx: number; cy: number; rgba: number[] }[] = [];
          for (let gy = 1; gy < 32; gy++) {
            for (let gx = 1; gx < 32; gx++) {
              const cx = Math.floor((gx * c.width) / 32);
              const cy = Math.floor((gy * c.height) / 32);
              const i = (cy * c.width + cx) * 4;
              // Only where the canvas is uniform around the sample: a canvas placed at a fractional
              // offset is resampled, which blends the pixels along every edge.
              let uniform = true;
              for (let dy = -1; dy <= 1; dy++) {
                for (let dx = -1; dx <= 1; dx++) {
                  const j = ((cy + dy) * c.width + cx + dx) * 4;
                  for (let k = 0; k < 4; k++) if (pixels[j + k] !== pixels[i + k]) uniform = false;
                }
              }
              if (uniform) samples.push({ cx, cy, rgba: [pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3]] });
            }
          }
          return { x: r.left - box.left, y: r.top - box.top, width: c.width, height: c.height, cssWidth: c.offsetWidth, cssHeight: c.offsetHeight, samples };
        });
      // The background the export paints under the canvases (as the app chooses it), in RGB.
      const style = getComputedStyle(document.body);
      const probe = document.createElement('div');
      probe.style.background = style.getPropertyValue('--vscode-editor-background').trim() || style.backgroundColor || '#ffffff';
      document.body.append(probe);
      const background = (getComputedStyle(probe).backgroundColor.match(/\d+/g) ?? []).slice(0, 3).map(Number);
      probe.remove();
      return { width: box.width, height: box.height, ratio: Math.max(1, Math.min(3, window.devicePixelRatio || 1)), canvases, background };
    });
    assert.equal(png.width, Math.round(screen.width * screen.ratio), 'the PNG is as wide as the view on screen');
    assert.equal(png.height, Math.round(screen.height * screen.ratio), 'the PNG is as tall as the view on screen');
    // Every sample of a canvas drawn one to one appears at its place in the PNG, over the background.
    const oneToOne = screen.canvases.filter((c) => c.width === Math.round(c.cssWidth * screen.ratio) && c.height === Math.round(c.cssHeight * screen.ratio));
    assert.ok(oneToOne.length > 0, `no canvas drawn at the screen's ratio among ${screen.canvases.length}`);
    let compared = 0;
    const wrong: string[] = [];
    for (const c of oneToOne) {
      for (const { cx, cy, rgba } of c.samples) {
        const alpha = rgba[3] / 255;
        const expected = [0, 1, 2].map((k) => Math.round(rgba[k] * alpha + screen.background[k] * (1 - alpha)));
        const px = Math.round(c.x * screen.ratio) + cx;
        const py = Math.round(c.y * screen.ratio) + cy;
        const at = (py * png.width + px) * 4;
        const got = [...png.rgba.subarray(at, at + 3)];
        compared += 1;
        if (got.some((v, k) => Math.abs(v - expected[k]) > 2)) wrong.push(`(${px},${py}) ${got} ≠ ${expected}`);
      }
    }
    assert.equal(screen.background.length, 3, 'the background colour was read');
    assert.ok(compared >= 100, `only ${compared} samples to compare`);
    assert.deepEqual(wrong, [], `${wrong.length} of ${compared} samples differ`);
    // And it is a drawing, not a filled rectangle: many distinct colours.
    const colours = new Set<number>();
    for (let i = 0; i < png.rgba.length; i += 4) colours.add((png.rgba[i] << 16) | (png.rgba[i + 1] << 8) | png.rgba[i + 2]);
    assert.ok(colours.size >= 16, `${colours.size} distinct colours`);
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

  it('exports an animated GIF of every step that Chromium decodes frame by frame', async () => {
    const stepCount = await panel.page.evaluate(() => (window as unknown as { layerLensDebug: { app: { view: { stepCount: number } } } }).layerLensDebug.app.view.stepCount);
    // The step on show and the speed, as the panel last reported them.
    const { step, speed } = (await panel.posted()).flatMap((m) => (m.type === 'ready' || m.type === 'uiState' ? [m.ui] : [])).at(-1)!;
    const png = (await exportAs('png')).data;
    const { data } = await exportAs('gif');
    assert.match(data, /^data:image\/gif;base64,/);
    const bytes = Buffer.from(data.replace(/^data:image\/gif;base64,/, ''), 'base64');
    assert.equal(bytes.subarray(0, 6).toString('latin1'), 'GIF89a');
    writeFileSync(join(outDir, 'export-view.gif'), bytes);
    // Chromium's own GIF decoder (WebCodecs ImageDecoder) reads the file: frames, timing, looping,
    // and each frame's pixels, compared with the PNG export of the step on show and with each other.
    const shownFrame = Math.min(3, stepCount - 1);
    const report = await panel.page.evaluate(
      async ({ gif, png, step, shownFrame }) => {
        // Bytes from the data URLs by hand: fetching a data: URL is refused by the panel's CSP.
        const bytesOf = (url: string) => Uint8Array.from(atob(url.slice(url.indexOf(',') + 1)), (c) => c.charCodeAt(0));
        const decoder = new ImageDecoder({ data: bytesOf(gif), type: 'image/gif' });
        await decoder.tracks.ready;
        await decoder.completed;
        const track = decoder.tracks.selectedTrack!;
        const pixelsOf = async (frameIndex: number) => {
          const { image } = await decoder.decode({ frameIndex });
          const canvas = document.createElement('canvas');
          canvas.width = image.displayWidth;
          canvas.height = image.displayHeight;
          const ctx = canvas.getContext('2d')!;
          ctx.drawImage(image, 0, 0);
          const duration = image.duration ?? 0;
          image.close();
          return { canvas, duration, data: ctx.getImageData(0, 0, canvas.width, canvas.height).data };
        };
        const changed = (a: Uint8ClampedArray, b: Uint8ClampedArray) => {
          let n = 0;
          for (let i = 0; i < a.length; i += 4) if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2]) n++;
          return n;
        };
        const first = await pixelsOf(0);
        const second = await pixelsOf(1);
        const last = await pixelsOf(track.frameCount - 1);
        const current = await pixelsOf(step);
        const shown = await pixelsOf(shownFrame);
        const pngDecoder = new ImageDecoder({ data: bytesOf(png), type: 'image/png' });
        const bitmap = (await pngDecoder.decode()).image;
        const reference = document.createElement('canvas');
        reference.width = bitmap.displayWidth;
        reference.height = bitmap.displayHeight;
        reference.getContext('2d')!.drawImage(bitmap, 0, 0);
        const pngPixels = reference.getContext('2d')!.getImageData(0, 0, reference.width, reference.height).data;
        let difference = 0;
        for (let i = 0; i < pngPixels.length; i++) if (i % 4 !== 3) difference += Math.abs(pngPixels[i] - current.data[i]);
        return {
          frameCount: track.frameCount,
          repetitionCount: track.repetitionCount,
          size: [first.canvas.width, first.canvas.height],
          pngSize: [reference.width, reference.height],
          durations: [first.duration, last.duration],
          changedFirstToSecond: changed(first.data, second.data),
          changedFirstToLast: changed(first.data, last.data),
          meanDifferenceFromPng: difference / (pngPixels.length * 0.75),
          shownPng: shown.canvas.toDataURL('image/png'),
        };
      },
      { gif: data, png, step, shownFrame },
    );
    const { shownPng, ...facts } = report;
    assert.equal(report.frameCount, Math.min(stepCount, 240), JSON.stringify(facts));
    assert.equal(report.repetitionCount, Infinity, 'loops forever');
    // One frame per step at the panel's speed (microseconds); the last step stays up for at least a second.
    assert.deepEqual(report.durations, [Math.round(100 / speed) * 10_000, Math.max(Math.round(100 / speed), 100) * 10_000]);
    assert.ok(report.changedFirstToSecond > 50, `the window moves between steps 1 and 2: ${JSON.stringify(facts)}`);
    assert.ok(report.changedFirstToLast > 50, JSON.stringify(facts));
    // The screen's pixel ratio is 1 here, so the PNG and the GIF have the same size; the GIF's
    // frame of the step on show matches the PNG up to the palette's rounding.
    assert.deepEqual(report.size, report.pngSize);
    assert.ok(report.meanDifferenceFromPng < 2, JSON.stringify(facts));
    writeFileSync(join(outDir, 'export-gif-frame.png'), Buffer.from(shownPng.replace(/^data:image\/png;base64,/, ''), 'base64'));
  });

  it('leaves the panel drawing the step it was on, without CSP violations', async () => {
    const violations = await panel.page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
    // tfjs probes WebAssembly, which the panel's CSP refuses on purpose (see plumbing.test.ts).
    assert.deepEqual(violations.filter((v) => !/^script-src wasm-eval\b/.test(v)), []);
    await panel.idle();
    await screenshot(panel.page, 'export-panel-after');
  });

  it('keeps the replay of a busy 256-step view within what one message carries, and says which steps it holds', async function () {
    this.timeout(120_000);
    // The last convolution of the bench's five-layer stack: a 16×16 output (256 steps) whose
    // effective-field heat map makes every step's SVG a few hundred KiB; 240 of them were 66 MiB.
    const file = join(__dirname, '../../bench/fixtures/fiveLayerStack.py');
    const analysis = analyze(readFileSync(file, 'utf8'), 'python', { fileName: file });
    const conv5 = analysis.models.flatMap((m) => m.modules).find((m) => m.path === 'conv5');
    assert.ok(conv5, 'the fixture has conv5');
    const busy = await openPanel(browser, origin, { width: 1100, height: 900 });
    try {
      const model = panelModelAt(analysis, conv5.span.from);
      await busy.send({ type: 'snapshot', seq: 1, document: { uri: 'file:///stack.py', fileName: 'stack.py', version: 1 }, model, requestedView: 'conv', forceLayer: true });
      await busy.waitFor('rendered');
      await busy.idle();
      await busy.send({ type: 'exportView', requestId: 1, format: 'html' });
      const answer = await busy.waitFor('exported');
      assert.equal(answer.error, null);
      assert.ok(answer.data.length <= MAX_EXPORT_CHARS, `${answer.data.length} characters`);
      const title = /<title>([^<]*)<\/title>/.exec(answer.data)?.[1] ?? '';
      const held = /steps 1–(\d+) of 256/.exec(title);
      assert.ok(held, `the title says which steps the replay holds: ${title}`);
      assert.ok(Number(held[1]) >= 10 && Number(held[1]) < 240, title);
    } finally {
      await busy.close();
    }
  });
});
