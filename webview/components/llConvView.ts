// <ll-conv-view>: the convolution view. The kernel slides over a sample input step by step while
// the output fills in with the values tf.conv1d/conv2d/conv2dTranspose computed; below it, the
// stack up to the layer: theoretical field (from the core) and effective field (tf.grad) of the
// output unit the user clicks.
import { channelGroupOf, kernelFootprint, transposedOverlap, type PanelLayer } from '../../src/analysis/panelModel';
import type { Geometry, ReceptiveField } from '../../src/analysis/types';
import { effectiveField, runConvSample, type EffectiveField, type Grid, type PoolMode } from '../render/convCompute';
import { cellAt, cellKey, drawGrid, type GridLayout } from '../render/drawGrid';
import { formatValue, heatFill } from '../render/palette';
import { seededChoices } from '../render/seededRandom';
import { tf } from '../render/tfBackend';
import { LAPLACIAN_IMAGE, LAPLACIAN_KERNEL } from '../examples';
import { el, labelledCanvas, sizeCanvas } from './dom';
import { UNIT_EVENT, type AnimatedView, type DrawSettings, type UnitDetail, type ViewInput } from './view';

/** Seed of the sample inputs and weights; fixed so every run and every test sees the same numbers. */
const SEED = 7;
/** Largest side of the sample input drawn cell by cell. */
const MAX_SAMPLE = 24;
/** Largest side of the effective-field input. */
const MAX_FIELD_INPUT = 128;

function axes(g: Geometry): number {
  return g.kernel.length;
}

function extent(g: Geometry, a: number): number {
  return g.dilation[a] * (g.kernel[a] - 1) + 1;
}

/** A sample input size per axis that gives a handful of outputs (or the layer's own size if small). */
function sampleSize(layer: PanelLayer, g: Geometry): number[] {
  return g.kernel.map((_, a) => {
    const own = layer.inputSize?.[a];
    if (own !== undefined && own > 0 && own <= 16) return own;
    if (g.kind === 'convTranspose') return axes(g) === 1 ? 5 : 3;
    const outputs = axes(g) === 1 ? 10 : 5;
    const trailing = g.causal ? 0 : g.padding[a];
    const n = (outputs - 1) * g.stride[a] + extent(g, a) - g.padding[a] - trailing;
    return Math.max(1, Math.min(MAX_SAMPLE, n));
  });
}

function poolMode(type: string): PoolMode {
  return /avg|average/i.test(type) ? 'avg' : 'max';
}

/** The convolution view element. */
export class LlConvView extends HTMLElement implements AnimatedView {
  private layer: PanelLayer | null = null;
  private geometry: Geometry | null = null;
  private input: Grid = [];
  private kernel: Grid = [];
  private output: Grid = [];
  private overlap: Grid | null = null;
  private field: EffectiveField | null = null;
  private depth = 1;
  private unit: number[] | null = null;
  private readonly caption = el('p', 'll-caption');
  private readonly canvas = labelledCanvas('ll-conv-canvas', 'Convolution');
  private readonly sum = el('p', 'll-sum');
  private readonly groups = el('div', 'll-groups');
  private readonly stackSection = el('section', 'll-stack');
  private readonly stackTitle = el('h3', '', 'Receptive field through the stack');
  private readonly depthInput = el('input', 'll-range');
  private readonly depthLabel = el('label', 'll-depth-label');
  private readonly fieldCanvas = labelledCanvas('ll-field-canvas', 'Effective receptive field');
  private readonly fieldNote = el('p', 'll-note');
  private readonly table = el('table', 'll-sr-only');
  private gridLayouts: { input: GridLayout; output: GridLayout; padBefore: number[] } | null = null;
  private fieldLayout: { heat: GridLayout; out: GridLayout } | null = null;
  private settings: DrawSettings | null = null;
  private lastStep = 0;

  connectedCallback(): void {
    if (this.childElementCount) return;
    this.depthInput.type = 'range';
    this.depthInput.min = '1';
    this.depthInput.id = 'll-depth';
    this.depthLabel.htmlFor = 'll-depth';
    this.table.setAttribute('aria-label', 'Output values');
    this.table.dataset.testid = 'conv-output';
    this.stackSection.append(this.stackTitle, this.depthLabel, this.depthInput, this.fieldCanvas, this.fieldNote);
    this.append(this.caption, this.canvas, this.sum, this.groups, this.table, this.stackSection);
    this.canvas.addEventListener('click', (e) => this.onGridClick(e));
    this.fieldCanvas.addEventListener('click', (e) => this.onFieldClick(e));
    this.depthInput.addEventListener('input', () => {
      this.depth = Number(this.depthInput.value);
      void this.computeField().then(() => this.redraw());
    });
  }

  get stepCount(): number {
    if (!this.geometry) return 1;
    const cells = this.geometry.kind === 'convTranspose' ? this.input : this.output;
    return Math.max(1, cells.length * (cells[0]?.length ?? 0));
  }

  /** The output values tfjs computed for the sample (tests and the screen-reader table read them). */
  get values(): Grid {
    return this.output;
  }

  /** The effective field last computed. */
  get effective(): EffectiveField | null {
    return this.field;
  }

  async load({ layer, ui }: ViewInput): Promise<void> {
    const g = layer.geometry;
    if (!g) throw new Error(`${layer.label} has no kernel geometry to animate`);
    this.layer = layer;
    this.geometry = g;
    const example = layer.id === 'example:laplacian';
    const size = sampleSize(layer, g);
    const [rows, cols] = axes(g) === 1 ? [1, size[0]] : size;
    this.input = example ? LAPLACIAN_IMAGE : chunk(Array.from(seededChoices(SEED, rows * cols, [0, 1])), cols);
    const k = axes(g) === 1 ? [1, g.kernel[0]] : g.kernel;
    this.kernel = example
      ? LAPLACIAN_KERNEL
      : g.kind === 'pool'
        ? chunk(new Array(k[0] * k[1]).fill(1), k[1])
        : chunk(Array.from(seededChoices(SEED + 1, k[0] * k[1], [-1, 0, 1, 2])), k[1]);
    const run = runConvSample(g, this.input, this.kernel, poolMode(layer.type));
    this.output = run.output;
    this.overlap = run.overlap;
    this.depth = layer.stack.length;
    this.unit = ui.unit && ui.unit.length === axes(g) ? ui.unit : null;
    this.fillTable();
    this.describeLayer();
    this.depthInput.max = String(Math.max(1, layer.stack.length));
    this.depthInput.value = String(this.depth);
    this.stackSection.hidden = layer.stack.length === 0;
    await this.computeField();
  }

  private describeLayer(): void {
    const g = this.geometry as Geometry;
    const layer = this.layer as PanelLayer;
    const dims = (xs: number[]) => xs.join('×');
    const kind = g.kind === 'convTranspose' ? 'transposed convolution' : g.kind === 'pool' ? `${poolMode(layer.type)} pooling` : axes(g) === 1 ? '1-D convolution' : '2-D convolution';
    const size = axes(g) === 1 ? `${this.input[0].length}` : `${this.input.length}×${this.input[0].length}`;
    const out = axes(g) === 1 ? `${this.output[0]?.length ?? 0}` : `${this.output.length}×${this.output[0]?.length ?? 0}`;
    const own = layer.inputSize ? ` (the layer's input is ${dims(layer.inputSize)})` : '';
    const causal = g.causal ? ', causal' : '';
    this.caption.textContent =
      `${layer.label}: ${kind}, kernel ${dims(g.kernel)}, stride ${dims(g.stride)}, padding ${dims(g.padding)}${causal}, dilation ${dims(g.dilation)}` +
      `${g.groups && g.groups > 1 ? `, groups ${g.groups}` : ''}. Sample input ${size}${own} → output ${out}, computed by tfjs.`;
    this.groups.replaceChildren();
    const { in: cin, out: cout, groups } = layer.channels;
    if (groups > 1 && cin && cout) {
      const canvas = labelledCanvas('ll-groups-canvas', `groups=${groups}: each output channel reads ${cin / groups} of ${cin} input channels`);
      canvas.dataset.groups = String(groups);
      this.groups.append(el('p', 'll-note', `groups = ${groups}: each output channel reads ${cin / groups} of the ${cin} input channels (filled cells; rows are output channels, columns input channels${cout > 16 || cin > 16 ? ', first 16 of each' : ''}).`), canvas);
    }
  }

  private fillTable(): void {
    this.table.replaceChildren();
    const caption = el('caption', '', 'Output values computed by tfjs');
    this.table.append(caption);
    for (const row of this.output) {
      const tr = el('tr');
      for (const v of row) tr.append(el('td', '', formatValue(v)));
      this.table.append(tr);
    }
  }

  private async computeField(): Promise<void> {
    const layer = this.layer;
    if (!layer || layer.stack.length === 0) {
      this.field = null;
      return;
    }
    const steps = layer.stack.slice(0, this.depth);
    const theoretical = steps[steps.length - 1].field;
    const rank = axes(steps[0].geometry);
    const size = theoretical.size.map((r) => Math.min(MAX_FIELD_INPUT, Math.max(rank === 1 ? 24 : 12, Math.ceil(r) + 8)));
    await tf.nextFrame();
    try {
      this.field = effectiveField(steps.map((s) => ({ geometry: s.geometry, pool: poolMode(s.label) })), size, this.unit, SEED);
      const clipped = theoretical.size.some((r) => r > MAX_FIELD_INPUT);
      this.fieldNote.textContent =
        `Through ${steps.length} of ${layer.stack.length} layers: theoretical field ${fieldText(theoretical)} (outlined); ` +
        `effective field |∂y/∂x| of output unit (${this.field.unit.join(', ')}) from tf.grad with seeded random weights (heat).` +
        (clipped ? ` The field exceeds the ${MAX_FIELD_INPUT}-sample input, so only its part inside is shown.` : '') +
        ' Click an output cell on the right to choose the unit.';
    } catch (error) {
      this.field = null;
      this.fieldNote.textContent = `Effective field not computed: ${(error as Error).message}`;
    }
    this.depthLabel.textContent = `Stack depth: ${this.depth} / ${layer.stack.length} (${steps[steps.length - 1].label})`;
  }

  private redraw(): void {
    if (this.settings) this.draw(this.lastStep, this.settings);
  }

  draw(step: number, s: DrawSettings): void {
    this.settings = s;
    this.lastStep = step;
    const g = this.geometry;
    if (!g) return;
    this.drawSliding(Math.min(step, this.stepCount - 1), s, g);
    this.drawGroups(s);
    this.drawField(s);
  }

  private drawSliding(step: number, s: DrawSettings, g: Geometry): void {
    const rank = axes(g);
    const pad = rank === 1 ? [0, g.padding[0]] : g.padding;
    const padAfter = rank === 1 ? [0, g.causal ? 0 : g.padding[0]] : g.padding;
    const transposed = g.kind === 'convTranspose';
    const inRows = this.input.length + (transposed ? 0 : pad[0] + padAfter[0]);
    const inCols = this.input[0].length + (transposed ? 0 : pad[1] + padAfter[1]);
    const outRows = this.output.length;
    const outCols = this.output[0]?.length ?? 0;
    const kRows = this.kernel.length;
    const kCols = this.kernel[0].length;
    const width = Math.max(320, this.clientWidth || 720);
    const gap = s.presenter ? 36 : 24;
    const totalCols = inCols + kCols + outCols;
    const cell = Math.max(10, Math.min(s.presenter ? 64 : 40, Math.floor((width - 3 * gap) / Math.max(1, totalCols))));
    const labelH = s.font + 10;
    const rowsMax = Math.max(inRows, kRows, outRows);
    const ctx = sizeCanvas(this.canvas, Math.max(width, totalCols * cell + 3 * gap), rowsMax * cell + labelH + 8);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    const input: GridLayout = { x: 4, y: labelH, cell, rows: inRows, cols: inCols };
    const kernel: GridLayout = { x: input.x + inCols * cell + gap, y: labelH, cell, rows: kRows, cols: kCols };
    const output: GridLayout = { x: kernel.x + kCols * cell + gap, y: labelH, cell, rows: outRows, cols: outCols };
    this.gridLayouts = { input, output, padBefore: transposed ? [0, 0] : pad };
    ctx.fillStyle = s.palette.muted;
    ctx.font = `${s.font}px ${s.palette.fontFamily}`;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    ctx.fillText(transposed ? 'input' : 'input (padding dashed)', input.x, 2);
    ctx.fillText(g.kind === 'pool' ? 'window' : 'kernel', kernel.x, 2);
    ctx.fillText(transposed ? 'output (×n = overlap count)' : 'output', output.x, 2);

    const inputValues: (number | null)[][] = Array.from({ length: inRows }, (_, r) =>
      Array.from({ length: inCols }, (_, c) => this.input[r - this.gridLayouts!.padBefore[0]]?.[c - this.gridLayouts!.padBefore[1]] ?? null),
    );
    const inHighlight = new Set<string>();
    const outHighlight = new Set<string>();
    const outValues: (number | null)[][] = this.output.map((row) => row.map(() => null));
    if (!transposed) {
      const o = rank === 1 ? [0, step] : [Math.floor(step / outCols), step % outCols];
      const foot = kernelFootprint(g, rank === 1 ? [o[1]] : o);
      const rowsHit = rank === 1 ? [0] : foot[0];
      const colsHit = rank === 1 ? foot[0] : foot[1];
      for (const r of rowsHit) for (const c of colsHit) inHighlight.add(cellKey(r + this.gridLayouts.padBefore[0], c + this.gridLayouts.padBefore[1]));
      outHighlight.add(cellKey(o[0], o[1]));
      for (let i = 0; i <= step; i++) {
        const r = Math.floor(i / outCols);
        const c = i % outCols;
        outValues[r][c] = this.output[r][c];
      }
      this.sum.textContent = this.sumText(o, rowsHit, colsHit, g);
    } else {
      const inCols0 = this.input[0].length;
      const i = rank === 1 ? [0, step] : [Math.floor(step / inCols0), step % inCols0];
      inHighlight.add(cellKey(i[0], i[1]));
      const taps = g.kernel.map((k, a) => Array.from({ length: k }, (_, t) => (rank === 1 ? i[1] : i[a]) * g.stride[a] - g.padding[a] + t * g.dilation[a]));
      const rowsHit = rank === 1 ? [0] : taps[0];
      const colsHit = rank === 1 ? taps[0] : taps[1];
      for (const r of rowsHit) for (const c of colsHit) if (r >= 0 && c >= 0 && r < outRows && c < outCols) outHighlight.add(cellKey(r, c));
      this.output.forEach((row, r) => row.forEach((v, c) => (outValues[r][c] = v)));
      const counts = this.overlap ?? [];
      const flat = counts.flat();
      const axisCounts = g.kernel.map((_, a) => transposedOverlap(g, a, rank === 1 ? this.input[0].length : a === 0 ? this.input.length : inCols0));
      this.sum.textContent =
        `Input cell (${rank === 1 ? i[1] : i.join(', ')}) = ${formatValue(this.input[i[0]][i[1]])} stamps value × kernel into ${outHighlight.size} output cells. ` +
        `Overlap counts range from ${Math.min(...flat)} to ${Math.max(...flat)}: uneven counts are the checkerboard pattern (per axis: ${axisCounts.map((c) => c.join(' ')).join(' | ')}).`;
    }
    drawGrid(ctx, s.palette, input, { values: inputValues, highlighted: inHighlight, stroke: s.stroke, font: s.font, scale: 2 });
    // Padding cells: dashed outline over the empty cells so the reader sees where zeros are read.
    ctx.setLineDash([3, 3]);
    ctx.strokeStyle = s.palette.muted;
    for (let r = 0; r < inRows; r++) for (let c = 0; c < inCols; c++) if (inputValues[r][c] === null) ctx.strokeRect(input.x + c * cell + 3, input.y + r * cell + 3, cell - 6, cell - 6);
    ctx.setLineDash([]);
    drawGrid(ctx, s.palette, kernel, { values: this.kernel, stroke: s.stroke, font: s.font });
    drawGrid(ctx, s.palette, output, { values: outValues, highlighted: outHighlight, stroke: s.stroke, font: s.font, scale: Math.max(1e-9, ...this.output.flat().map(Math.abs)) });
    if (transposed && this.overlap) {
      ctx.font = `${Math.max(9, Math.round(s.font * 0.7))}px ${s.palette.fontFamily}`;
      ctx.fillStyle = s.palette.highlight;
      ctx.textAlign = 'left';
      ctx.textBaseline = 'top';
      this.overlap.forEach((row, r) => row.forEach((n, c) => ctx.fillText(`×${n}`, output.x + c * cell + 2, output.y + r * cell + 1)));
    }
    this.canvas.setAttribute('aria-label', this.describe(step));
  }

  private sumText(o: number[], rowsHit: number[], colsHit: number[], g: Geometry): string {
    const value = this.output[o[0]][o[1]];
    const where = axes(g) === 1 ? `output ${o[1]}` : `output (${o[0]}, ${o[1]})`;
    if (g.kind === 'pool') return `${where} = ${poolMode(this.layer?.type ?? '')} of the window = ${formatValue(value)}`;
    const terms: string[] = [];
    rowsHit.forEach((r, kr) =>
      colsHit.forEach((c, kc) => {
        const x = this.input[r]?.[c] ?? 0;
        const w = this.kernel[kr][kc];
        if (w !== 0) terms.push(`${signed(x)}·${signed(w)}`);
      }),
    );
    const shown = terms.length <= 12 ? terms.join(' + ') : `${terms.slice(0, 12).join(' + ')} + …`;
    return `${where} = Σ input · kernel = ${shown || '0'} = ${formatValue(value)}`;
  }

  private drawGroups(s: DrawSettings): void {
    const canvas = this.groups.querySelector('canvas');
    const layer = this.layer;
    if (!canvas || !layer || !layer.channels.in || !layer.channels.out) return;
    const cin = Math.min(16, layer.channels.in);
    const cout = Math.min(16, layer.channels.out);
    const cell = s.presenter ? 14 : 10;
    const ctx = sizeCanvas(canvas, cin * cell + 2, cout * cell + 2);
    for (let o = 0; o < cout; o++) {
      const [from, to] = channelGroupOf(layer.channels.in, layer.channels.out, layer.channels.groups, o);
      for (let i = 0; i < cin; i++) {
        ctx.fillStyle = i >= from && i < to ? s.palette.accent : 'transparent';
        ctx.fillRect(1 + i * cell, 1 + o * cell, cell - 1, cell - 1);
        ctx.strokeStyle = s.palette.grid;
        ctx.lineWidth = 0.5;
        ctx.strokeRect(1 + i * cell, 1 + o * cell, cell - 1, cell - 1);
      }
    }
  }

  private drawField(s: DrawSettings): void {
    const f = this.field;
    const layer = this.layer;
    if (!f || !layer || this.stackSection.hidden) return;
    const rank = f.inputSize.length;
    const [rows, cols] = rank === 1 ? [1, f.inputSize[0]] : f.inputSize;
    const [orows, ocols] = rank === 1 ? [1, f.outputSize[0]] : f.outputSize;
    const heatSide = s.presenter ? 420 : 300;
    const cell = Math.max(2, Math.floor(heatSide / Math.max(rows, cols)));
    const rowCell = rank === 1 ? Math.max(cell, 24) : cell;
    const ocell = Math.max(4, Math.min(rowCell, Math.floor(200 / Math.max(orows, ocols))));
    const oRowCell = rank === 1 ? Math.max(ocell, 24) : ocell;
    const heat: GridLayout = { x: 4, y: 4, cell, rows, cols };
    const out: GridLayout = { x: heat.x + cols * cell + 32, y: 4, cell: ocell, rows: orows, cols: ocols };
    this.fieldLayout = { heat, out };
    const width = out.x + ocols * ocell + 8;
    const height = Math.max(rows * rowCell, orows * oRowCell) + 8;
    const ctx = sizeCanvas(this.fieldCanvas, width, height);
    const max = Math.max(1e-12, ...f.magnitude);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        ctx.fillStyle = heatFill(s.palette, f.magnitude[r * cols + c] / max);
        ctx.fillRect(heat.x + c * cell, heat.y + r * rowCell, cell, rowCell);
      }
    }
    ctx.strokeStyle = s.palette.grid;
    ctx.lineWidth = 1;
    ctx.strokeRect(heat.x, heat.y, cols * cell, rows * rowCell);
    // Theoretical field of the unit: positions u·j − P … u·j − P + r − 1 on each axis.
    const theoretical = layer.stack[this.depth - 1].field;
    const start = theoretical.size.map((_, a) => f.unit[a] * theoretical.stride[a] - theoretical.padding[a]);
    ctx.strokeStyle = s.palette.accent;
    ctx.lineWidth = s.stroke;
    if (rank === 1) ctx.strokeRect(heat.x + start[0] * cell, heat.y, theoretical.size[0] * cell, rowCell);
    else ctx.strokeRect(heat.x + start[1] * cell, heat.y + start[0] * cell, theoretical.size[1] * cell, theoretical.size[0] * cell);
    const omax = Math.max(1e-9, ...Array.from(f.output, Math.abs));
    const outValues = Array.from({ length: orows }, (_, r) => Array.from(f.output.subarray(r * ocols, (r + 1) * ocols)));
    const unitKey = rank === 1 ? cellKey(0, f.unit[0]) : cellKey(f.unit[0], f.unit[1]);
    drawGrid(ctx, s.palette, { ...out, cell: ocell }, { values: outValues, scale: omax, highlighted: new Set([unitKey]), stroke: s.stroke, font: s.font, showNumbers: false });
    this.fieldCanvas.setAttribute(
      'aria-label',
      `Effective receptive field of output unit (${f.unit.join(', ')}) after ${this.depth} layers: heat map over a ${f.inputSize.join('×')} input; theoretical field ${fieldText(theoretical)}.`,
    );
  }

  private onGridClick(e: MouseEvent): void {
    const l = this.gridLayouts;
    const g = this.geometry;
    if (!l || !g || g.kind === 'convTranspose') return;
    const rect = this.canvas.getBoundingClientRect();
    const hit = cellAt(l.output, e.clientX - rect.left, e.clientY - rect.top);
    if (!hit) return;
    const step = hit[0] * l.output.cols + hit[1];
    this.dispatchEvent(new CustomEvent<UnitDetail>(UNIT_EVENT, { detail: { unit: axes(g) === 1 ? [hit[1]] : hit, step }, bubbles: true }));
  }

  private onFieldClick(e: MouseEvent): void {
    const l = this.fieldLayout;
    if (!l || !this.field) return;
    const rect = this.fieldCanvas.getBoundingClientRect();
    const rank = this.field.inputSize.length;
    const rowCell = rank === 1 ? Math.max(l.out.cell, 24) : l.out.cell;
    const hit = cellAt({ ...l.out, cell: l.out.cell }, e.clientX - rect.left, rank === 1 ? l.out.y + Math.min(l.out.cell - 1, (e.clientY - rect.top - l.out.y) * (l.out.cell / rowCell)) : e.clientY - rect.top);
    if (!hit) return;
    this.unit = rank === 1 ? [hit[1]] : hit;
    this.dispatchEvent(new CustomEvent<UnitDetail>(UNIT_EVENT, { detail: { unit: this.unit, step: null }, bubbles: true }));
    void this.computeField().then(() => this.redraw());
  }

  /** Sets the unit from a click on the sliding view's output and recomputes the effective field. */
  async chooseUnit(unit: number[]): Promise<void> {
    this.unit = unit;
    await this.computeField();
    this.redraw();
  }

  describe(step: number): string {
    const g = this.geometry;
    if (!g) return 'No convolution to show.';
    return `${this.caption.textContent ?? ''} Step ${step + 1} of ${this.stepCount}. ${this.sum.textContent ?? ''}`;
  }
}

/** A factor in a written sum: negatives in parentheses with a true minus sign. */
function signed(v: number): string {
  return v < 0 ? `(−${formatValue(-v)})` : formatValue(v);
}

function chunk(values: number[], cols: number): Grid {
  return Array.from({ length: Math.ceil(values.length / cols) }, (_, r) => values.slice(r * cols, (r + 1) * cols));
}

function fieldText(f: ReceptiveField): string {
  const fmt = (xs: number[]) => xs.map((x) => (Number.isInteger(x) ? String(x) : x.toFixed(2))).join('×');
  return `${fmt(f.size)} (stride ${fmt(f.stride)}, padding ${fmt(f.padding)})`;
}

customElements.define('ll-conv-view', LlConvView);
