// The convolution view in headless Chromium: the tutorial's Laplacian, strides, padding,
// dilation, groups, transposed and 1-D convolutions, and the effective field of a stack, each
// driven through the real protocol and checked against what tfjs computed and what was drawn.
import assert from 'node:assert/strict';
import { panelModelAt, transposedOverlap } from '../../src/analysis/panelModel';
import type { SnapshotMessage } from '../../src/shared/protocol';
import { analysis, cnnModel, model, moduleInfo } from '../unit/panelModelFixtures';
import { type PanelPage, screenshot, sharedPanelBrowser } from './harness';

const panels = sharedPanelBrowser();

let seq = 0;

/** A snapshot for a cursor on `line` of the SmallCNN fixture (spans are 100 characters per line). */
function cnnSnapshot(line: number): SnapshotMessage {
  return { type: 'snapshot', seq: ++seq, document: { uri: 'file:///cnn.py', fileName: 'cnn.py', version: 1 }, model: panelModelAt(analysis(cnnModel()), line * 100 + 5), requestedView: null, forceLayer: false };
}

interface ConvDebug {
  values: number[][];
  overlap: number[][] | null;
  effective: { inputSize: number[]; outputSize: number[]; magnitude: Record<string, number>; unit: number[] } | null;
  stepCount: number;
  gridLayouts: { input: { x: number; y: number; cell: number }; output: { x: number; y: number; cell: number; cols: number } };
}

async function convState(panel: PanelPage): Promise<ConvDebug> {
  return panel.page.evaluate(() => {
    const view = (window as unknown as { layerLensDebug: { app: { view: Record<string, unknown> } } }).layerLensDebug.app.view as unknown as ConvDebug & Record<string, unknown>;
    return {
      values: view.values,
      overlap: view.overlap as number[][] | null,
      effective: view.effective ? { ...view.effective, magnitude: Object.fromEntries(Array.from(view.effective.magnitude as unknown as Float32Array).entries()) } : null,
      stepCount: view.stepCount,
      gridLayouts: view.gridLayouts,
    } as ConvDebug;
  });
}

/** RGBA of the conv canvas at CSS pixel (x, y). */
async function pixel(panel: PanelPage, selector: string, x: number, y: number): Promise<number[]> {
  return panel.page.evaluate(
    ({ selector, x, y }) => {
      const canvas = document.querySelector(selector) as HTMLCanvasElement;
      const ratio = canvas.width / canvas.getBoundingClientRect().width;
      return Array.from(canvas.getContext('2d')!.getImageData(Math.round(x * ratio), Math.round(y * ratio), 1, 1).data);
    },
    { selector, x, y },
  );
}

describe('webview: convolution view', function () {
  this.timeout(60_000);

  it('computes the tutorial Laplacian over the 6×6 image with tfjs: exactly the published output', async () => {
    const panel = await panels.open();
    await panel.send({ type: 'snapshot', seq: ++seq, document: null, model: null, requestedView: null, forceLayer: false });
    const rendered = await panel.waitFor('rendered');
    assert.equal(rendered.layerId, 'example:laplacian');
    await panel.idle();
    const state = await convState(panel);
    assert.deepEqual(state.values, [
      [-2, -2, -2, -1],
      [1, 1, 3, -3],
      [0, 2, -4, 2],
      [2, -4, 2, 0],
    ]);
    assert.equal(state.stepCount, 16);
    // The screen-reader table carries the same numbers as text.
    const table = await panel.page.$$eval('[data-testid="conv-output"] tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
    assert.deepEqual(table[0], ['-2', '-2', '-2', '-1']);
    await screenshot(panel.page, 'conv-laplacian-step1');
    await panel.close();
  });

  it('fills the output step by step: the cell of the current step is drawn, later cells are empty', async () => {
    const panel = await panels.open();
    await panel.send({ type: 'snapshot', seq: ++seq, document: null, model: null, requestedView: null, forceLayer: false });
    await panel.waitFor('rendered');
    await panel.idle();
    const { gridLayouts: l } = await convState(panel);
    const at = (r: number, c: number) => pixel(panel, '.ll-conv-canvas', l.output.x + c * l.output.cell + 4, l.output.y + r * l.output.cell + 4);
    const empty = await at(3, 3);
    const first = await at(0, 0);
    assert.notDeepEqual(first, empty, 'output (0,0) = −2 is filled at step 1');
    // Step to the last cell with the keyboard: → fifteen times.
    await panel.page.locator('body').click({ position: { x: 5, y: 5 } });
    for (let i = 0; i < 15; i++) await panel.page.keyboard.press('ArrowRight');
    assert.equal(await panel.page.textContent('.ll-counter'), '16 / 16');
    const last = await at(3, 3);
    const negative = await at(0, 0);
    const positive = await at(1, 2);
    assert.notDeepEqual(last, empty, 'the last cell is drawn at the last step');
    assert.ok(negative[0] > negative[2], `−2 is drawn in the negative (red) colour: ${negative}`);
    assert.ok(positive[2] > positive[0], `3 is drawn in the positive (blue) colour: ${positive}`);
    assert.equal(await panel.page.textContent('.ll-sum'), 'output (3, 3) = Σ input · kernel = 0·1 + 0·1 + 0·(−4) + 0·1 + 0·1 = 0');
    await screenshot(panel.page, 'conv-laplacian-step16');
    await panel.close();
  });

  it('plays at the chosen speed to the last step, then stops', async () => {
    const panel = await panels.open();
    await panel.send({ type: 'snapshot', seq: ++seq, document: null, model: null, requestedView: null, forceLayer: false });
    await panel.waitFor('rendered');
    await panel.idle();
    await panel.page.evaluate(() => {
      const speed = document.querySelector('.ll-speed') as HTMLElement & { value: string };
      speed.value = '16';
      speed.dispatchEvent(new Event('change'));
    });
    const started = Date.now();
    await panel.page.click('.ll-play');
    await panel.page.waitForFunction(() => document.querySelector('.ll-counter')?.textContent === '16 / 16', undefined, { timeout: 10_000 });
    const elapsed = Date.now() - started;
    // 15 steps at 16 steps per second: about a second, not the 7.5 s of the default speed.
    assert.ok(elapsed < 4000, `played 15 steps in ${elapsed} ms`);
    await panel.page.waitForFunction(() => (window as unknown as { __state: { playing: boolean } }).__state.playing === false);
    assert.equal((await panel.page.textContent('.ll-play'))?.trim(), '▶ Play');
    await panel.close();
  });

  it('shows a strided, dilated, padded layer of a model and follows the cursor to it', async () => {
    const panel = await panels.open();
    await panel.send(cnnSnapshot(4));
    const rendered = await panel.waitFor('rendered');
    assert.equal(rendered.layerId, 'down');
    await panel.idle();
    const state = await convState(panel);
    // 3×3, stride 2, padding 1, dilation 2 over the sample input: output side ⌊(n + 2 − 5)/2⌋ + 1.
    const caption = (await panel.page.textContent('.ll-caption')) ?? '';
    const n = Number(/Sample input (\d+)×/.exec(caption)?.[1]);
    assert.equal(state.values.length, Math.floor((n + 2 - 5) / 2) + 1);
    assert.match(caption, /stride 2×2, padding 1×1, dilation 2×2/);
    await screenshot(panel.page, 'conv-strided-dilated');
    await panel.close();
  });

  it('draws grouped channels and the transposed checkerboard overlap computed by tfjs', async () => {
    const panel = await panels.open();
    await panel.send(cnnSnapshot(5));
    await panel.waitFor('rendered');
    await panel.idle();
    assert.match((await panel.page.textContent('.ll-groups')) ?? '', /groups = 4: each output channel reads 4 of the 16 input channels/);
    await screenshot(panel.page, 'conv-grouped');
    await panel.send(cnnSnapshot(7));
    await panel.waitFor('rendered', 2);
    await panel.idle();
    const state = await convState(panel);
    assert.ok(state.overlap, 'a transposed layer reports overlap counts');
    // tfjs's counts (conv2dTranspose of ones) equal the core's per-axis counts multiplied.
    const g = { kind: 'convTranspose' as const, kernel: [3, 3], stride: [2, 2], padding: [0, 0], dilation: [1, 1] };
    const rows = transposedOverlap(g, 0, 3);
    const cols = transposedOverlap(g, 1, 3);
    assert.deepEqual(state.overlap, rows.map((r) => cols.map((c) => r * c)));
    assert.ok(new Set(state.overlap!.flat()).size > 1, 'stride 2 with kernel 3 overlaps unevenly (checkerboard)');
    await screenshot(panel.page, 'conv-transposed');
    await panel.close();
  });

  it('runs a 1-D dilated strided convolution through tf.conv1d with the values of a direct sum', async () => {
    const panel = await panels.open();
    const m = model('Seq', [moduleInfo('conv', 'Conv1d', 1, { geometry: { kind: 'conv', kernel: [3], stride: [2], padding: [1], dilation: [2] } })]);
    await panel.send({ type: 'snapshot', seq: ++seq, document: null, model: panelModelAt(analysis(m), 105), requestedView: null, forceLayer: false });
    await panel.waitFor('rendered');
    await panel.idle();
    const { values } = await convState(panel);
    const { input, kernel } = await panel.page.evaluate(() => {
      const view = (window as unknown as { layerLensDebug: { app: { view: { input: number[][]; kernel: number[][] } } } }).layerLensDebug.app.view;
      return { input: view.input, kernel: view.kernel };
    });
    const x = input[0];
    const w = kernel[0];
    const expected: number[] = [];
    for (let o = 0; o * 2 - 1 + 4 <= x.length; o++) {
      let s = 0;
      for (let t = 0; t < 3; t++) s += (x[o * 2 - 1 + 2 * t] ?? 0) * w[t];
      expected.push(s);
    }
    assert.deepEqual(values[0], expected);
    await screenshot(panel.page, 'conv-1d');
    await panel.close();
  });

  it('computes the effective field with tf.grad: non-zero exactly inside the theoretical field, growing with depth', async () => {
    const panel = await panels.open();
    await panel.send(cnnSnapshot(2));
    await panel.waitFor('rendered');
    await panel.idle();
    const state = await convState(panel);
    const f = state.effective!;
    const [rows, cols] = f.inputSize;
    const support: number[][] = [];
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) if (f.magnitude[r * cols + c] > 1e-7) support.push([r, c]);
    // conv1 (3×3, pad 1) then conv2 (3×3): field 5×5, stride 1, padding 1 → unit u sees u−1 … u+3.
    const [ur, uc] = f.unit;
    const rs = support.map((p) => p[0]);
    const cs = support.map((p) => p[1]);
    assert.equal(Math.min(...rs), Math.max(0, ur - 1));
    assert.equal(Math.max(...rs), ur + 3);
    assert.equal(Math.min(...cs), Math.max(0, uc - 1));
    assert.equal(Math.max(...cs), uc + 3);
    assert.equal(support.length, 25);
    await screenshot(panel.page, 'conv-effective-field');
    // Depth 1: only conv1's 3×3 window.
    await panel.page.locator('#ll-depth').fill('1');
    await panel.page.waitForFunction(() => /Through 1 of 2/.test(document.querySelector('.ll-stack .ll-note')?.textContent ?? ''));
    const shallow = (await convState(panel)).effective!;
    const count = Object.values(shallow.magnitude).filter((v) => v > 1e-7).length;
    assert.equal(count, 9);
    await panel.close();
  });

  it('chooses the effective-field unit by clicking an output cell', async () => {
    const panel = await panels.open();
    await panel.send(cnnSnapshot(2));
    await panel.waitFor('rendered');
    await panel.idle();
    const layout = await panel.page.evaluate(() => (window as unknown as { layerLensDebug: { app: { view: { fieldLayout: { out: { x: number; y: number; cell: number } } } } } }).layerLensDebug.app.view.fieldLayout.out);
    await panel.page.locator('.ll-field-canvas').click({ position: { x: layout.x + layout.cell * 0.5, y: layout.y + layout.cell * 0.5 } });
    await panel.page.waitForFunction(() =>
      (window as unknown as { __posted: { type: string; ui?: { unit: number[] | null } }[] }).__posted.some((m) => m.type === 'uiState' && m.ui?.unit?.join() === '0,0'),
    );
    await panel.page.waitForFunction(() => /output unit \(0, 0\)/.test(document.querySelector('.ll-stack .ll-note')?.textContent ?? ''));
    await panel.close();
  });
});
