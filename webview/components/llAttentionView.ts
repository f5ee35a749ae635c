// <ll-attention-view>: attention weights computed by tfjs. Dot-product layers: one heat map per
// head (row = query, column = key), the query row under the pointer (or the current step)
// highlighted and its weights drawn as bars over the keys, the causal mask visible as the empty
// upper triangle. Additive (Tacotron) layers: the alignment of decoder steps over encoder frames,
// filling in as decoding proceeds, with its diagonality score.
import { diagonalityScore } from '../../src/analysis/panelModel';
import type { UiState } from '../../src/shared/protocol';
import { MAX_SEQUENCE, runAdditiveAlignment, runSelfAttention, type AttentionRun } from '../render/attentionCompute';
import { parseColour, formatValue } from '../render/palette';
import { el, labelledCanvas, sizeCanvas } from './dom';
import type { AnimatedView, DrawSettings, ViewInput } from './view';

const SEED = 5;
/** Heads drawn side by side; the rest are listed by name only. */
const MAX_HEADS_DRAWN = 8;

/** Event fired when the user edits the sample sequence (tokens or length). */
export const SEQUENCE_EVENT = 'll-sequence';

/** The attention view element. */
export class LlAttentionView extends HTMLElement implements AnimatedView {
  private run: AttentionRun | null = null;
  private alignment: number[][] | null = null;
  private tokens: string[] = [];
  private images: HTMLCanvasElement[] = [];
  private hoverRow: number | null = null;
  private mapSide = 0;
  private readonly caption = el('p', 'll-caption');
  private readonly tools = el('div', 'll-row');
  private readonly tokenInput = el('input', 'll-text');
  private readonly lengthInput = el('input', 'll-number');
  private readonly forwardBox = el('input');
  private readonly forwardLabel = el('label', '', 'Forward attention (monotonic)');
  private readonly maps = el('div', 'll-maps');
  private readonly bars = labelledCanvas('ll-bars-canvas', 'Weights of the highlighted query over the keys');
  private readonly score = el('p', 'll-sum');
  private settings: DrawSettings | null = null;
  private lastStep = 0;
  private forward = true;

  connectedCallback(): void {
    if (this.childElementCount) return;
    this.tokenInput.type = 'text';
    this.tokenInput.id = 'll-tokens';
    this.tokenInput.placeholder = 'type tokens separated by spaces, or leave empty for positions';
    const tokenLabel = el('label', '', 'Tokens');
    tokenLabel.htmlFor = 'll-tokens';
    this.lengthInput.type = 'number';
    this.lengthInput.id = 'll-length';
    this.lengthInput.min = '1';
    this.lengthInput.max = String(MAX_SEQUENCE);
    const lengthLabel = el('label', '', 'Length');
    lengthLabel.htmlFor = 'll-length';
    this.forwardBox.type = 'checkbox';
    this.forwardBox.id = 'll-forward';
    this.forwardBox.checked = true;
    this.forwardLabel.htmlFor = 'll-forward';
    this.tools.append(tokenLabel, this.tokenInput, lengthLabel, this.lengthInput, this.forwardBox, this.forwardLabel);
    this.append(this.caption, this.tools, this.maps, this.bars, this.score);
    const changed = () => this.dispatchEvent(new CustomEvent(SEQUENCE_EVENT, { bubbles: true, detail: { tokens: this.tokenInput.value, length: Number(this.lengthInput.value) } }));
    this.tokenInput.addEventListener('change', changed);
    this.lengthInput.addEventListener('change', changed);
    this.forwardBox.addEventListener('change', () => {
      this.forward = this.forwardBox.checked;
      changed();
    });
  }

  get stepCount(): number {
    if (this.alignment) return Math.max(1, this.alignment.length);
    return Math.max(1, this.run?.length ?? 1);
  }

  /** The weights tfjs computed (self-attention), for tests and the screen-reader text. */
  get attention(): AttentionRun | null {
    return this.run;
  }

  /** The additive alignment [decoder step][encoder frame], when the layer is additive. */
  get additive(): number[][] | null {
    return this.alignment;
  }

  async load({ layer, ui }: ViewInput): Promise<void> {
    const info = layer.attention;
    if (!info) throw new Error(`${layer.label} has no attention dimensions`);
    this.tokens = sequenceOf(ui);
    this.tokenInput.value = ui.tokens;
    this.lengthInput.value = String(this.tokens.length);
    this.lengthInput.disabled = ui.tokens.trim().length > 0;
    this.hoverRow = null;
    const additive = info.kind === 'additive';
    this.forwardBox.hidden = !additive;
    this.forwardLabel.hidden = !additive;
    this.tokenInput.disabled = additive;
    if (additive) {
      this.run = null;
      const frames = this.tokens.length;
      const steps = Math.max(2, Math.round(frames * 2));
      this.alignment = await runAdditiveAlignment({ encoderFrames: frames, decoderSteps: steps, attentionDim: Math.min(256, info.embedDim ?? 32), forward: this.forward, seed: SEED });
      this.caption.textContent =
        `${layer.label}: additive attention, e = vᵀ·tanh(W·s + U·h), over ${frames} encoder frames and ${steps} decoder steps` +
        `${this.forward ? ', with the forward-attention recursion that keeps it monotonic' : ''} (seeded weights, tfjs).`;
      this.buildImages([Float32Array.from(this.alignment.flat())], steps, frames);
      return;
    }
    this.alignment = null;
    const heads = info.numHeads ?? 1;
    const embed = info.embedDim ?? (info.headDim ? info.headDim * heads : 16);
    this.run = await runSelfAttention({ tokens: this.tokens, embedDim: embed, numHeads: heads, causal: info.causal, seed: SEED, headsDrawn: MAX_HEADS_DRAWN });
    const r = this.run;
    this.caption.textContent =
      `${layer.label}: softmax(Q·Kᵀ/√${r.headDim}) with E=${r.embedDim}, ${r.heads} head${r.heads > 1 ? 's' : ''} of ${r.headDim}` +
      `${r.causal ? ', causal mask' : ''}, on ${r.length} ${ui.tokens.trim() ? 'tokens' : 'positions'} (seeded projections, tfjs).` +
      (r.bin > 1 ? ` ${r.length} positions are shown as a ${r.display}×${r.display} map: every ${r.bin}th query, its weights averaged over blocks of ${r.bin} keys.` : '') +
      (r.heads > MAX_HEADS_DRAWN ? ` Showing the first ${MAX_HEADS_DRAWN} of ${r.heads} heads.` : '');
    this.buildImages(r.maps.slice(0, MAX_HEADS_DRAWN), r.display, r.display);
  }

  /** Renders each map once into an offscreen canvas; frames then only scale and overlay it. */
  private buildImages(maps: Float32Array[], rows: number, cols: number): void {
    const palette = this.settings?.palette;
    const bg = parseColour(palette?.background ?? '#1e1e1e', [30, 30, 30]);
    const heat = palette?.heat ?? [204, 167, 0];
    this.images = maps.map((m) => {
      let max = 1e-12;
      for (const v of m) max = Math.max(max, v);
      const canvas = document.createElement('canvas');
      canvas.width = cols;
      canvas.height = rows;
      const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
      const image = ctx.createImageData(cols, rows);
      for (let i = 0; i < rows * cols; i++) {
        const a = Math.sqrt(m[i] / max);
        image.data[i * 4] = Math.round(bg[0] + (heat[0] - bg[0]) * a);
        image.data[i * 4 + 1] = Math.round(bg[1] + (heat[1] - bg[1]) * a);
        image.data[i * 4 + 2] = Math.round(bg[2] + (heat[2] - bg[2]) * a);
        image.data[i * 4 + 3] = 255;
      }
      ctx.putImageData(image, 0, 0);
      return canvas;
    });
    this.maps.replaceChildren(
      ...this.images.map((_, h) => {
        const figure = el('figure', 'll-map');
        const canvas = labelledCanvas('ll-map-canvas', this.alignment ? 'Alignment' : `Head ${h + 1}`);
        canvas.dataset.head = String(h);
        canvas.addEventListener('pointermove', (e) => this.onPointer(e, canvas));
        canvas.addEventListener('pointerleave', () => {
          this.hoverRow = null;
          this.redraw();
        });
        figure.append(canvas, el('figcaption', '', this.alignment ? 'decoder step ↓ · encoder frame →' : `head ${h + 1} · query ↓ key →`));
        return figure;
      }),
    );
  }

  private onPointer(e: PointerEvent, canvas: HTMLCanvasElement): void {
    const rect = canvas.getBoundingClientRect();
    const rows = this.images[0]?.height ?? 1;
    const row = Math.floor(((e.clientY - rect.top) / rect.height) * rows);
    this.hoverRow = Math.max(0, Math.min(rows - 1, row));
    this.redraw();
  }

  private redraw(): void {
    if (this.settings) this.draw(this.lastStep, this.settings);
  }

  draw(step: number, s: DrawSettings): void {
    const paletteChanged = this.settings?.palette.background !== s.palette.background;
    this.settings = s;
    this.lastStep = step;
    if (paletteChanged && (this.run || this.alignment)) {
      if (this.run) this.buildImages(this.run.maps.slice(0, MAX_HEADS_DRAWN), this.run.display, this.run.display);
      else if (this.alignment) this.buildImages([Float32Array.from(this.alignment.flat())], this.alignment.length, this.alignment[0].length);
    }
    const canvases = [...this.maps.querySelectorAll('canvas')];
    const count = Math.max(1, canvases.length);
    const available = Math.max(200, (this.clientWidth || 720) - 16);
    const side = Math.max(120, Math.min(s.presenter ? 560 : 400, Math.floor(available / Math.min(count, 4)) - 16));
    this.mapSide = side;
    const image = this.images[0];
    if (!image) return;
    const rows = image.height;
    const cols = image.width;
    const current = Math.min(step, this.stepCount - 1);
    const row = this.hoverRow ?? this.displayRow(current);
    canvases.forEach((canvas, h) => {
      const height = this.alignment ? Math.round((side * rows) / Math.max(rows, cols)) : side;
      const width = this.alignment ? Math.round((side * cols) / Math.max(rows, cols)) : side;
      const ctx = sizeCanvas(canvas, width, height);
      ctx.imageSmoothingEnabled = false;
      if (this.alignment) {
        // Decoding proceeds downwards: rows after the current step are not computed yet.
        const shown = current + 1;
        ctx.drawImage(this.images[h], 0, 0, cols, shown, 0, 0, width, (height * shown) / rows);
      } else {
        ctx.drawImage(this.images[h], 0, 0, width, height);
      }
      ctx.strokeStyle = s.palette.highlight;
      ctx.lineWidth = s.stroke;
      const rowH = height / rows;
      ctx.strokeRect(1, row * rowH, width - 2, Math.max(rowH, 2));
      ctx.strokeStyle = s.palette.grid;
      ctx.lineWidth = 1;
      ctx.strokeRect(0.5, 0.5, width - 1, height - 1);
      canvas.setAttribute('aria-label', this.describeHead(h, row));
    });
    this.drawBars(s, row);
    if (this.alignment) {
      const so = diagonalityScore(this.alignment.slice(0, current + 1).map((r) => r));
      const whole = diagonalityScore(this.alignment);
      const focus = this.alignment[current];
      const peak = focus.indexOf(Math.max(...focus));
      this.score.textContent = `Decoder step ${current + 1} / ${this.alignment.length}: attends most to frame ${peak} (${formatValue(focus[peak])}). Diagonality so far ${so.toFixed(2)}, whole alignment ${whole.toFixed(2)}.`;
    } else if (this.run) {
      const label = this.tokens[row * this.run.bin] ?? String(row);
      this.score.textContent = `Query ${row * this.run.bin + 1} / ${this.run.length} (“${label}”): its weights over the keys are drawn below the maps (head 1).`;
    }
  }

  private displayRow(step: number): number {
    if (this.alignment) return step;
    return this.run ? Math.floor(step / this.run.bin) : 0;
  }

  private drawBars(s: DrawSettings, row: number): void {
    const weights = this.rowWeights(0, row);
    const width = this.mapSide || 300;
    const height = s.presenter ? 90 : 60;
    const ctx = sizeCanvas(this.bars, width, height + 4);
    const max = Math.max(1e-9, ...weights);
    const w = width / Math.max(1, weights.length);
    ctx.fillStyle = s.palette.accent;
    weights.forEach((v, i) => {
      const h = (v / max) * height;
      ctx.fillRect(i * w + (w > 3 ? 0.5 : 0), height - h + 2, Math.max(1, w - (w > 3 ? 1 : 0)), h);
    });
    ctx.strokeStyle = s.palette.grid;
    ctx.strokeRect(0.5, 0.5, width - 1, height + 3);
    this.bars.setAttribute('aria-label', `Weights of row ${row + 1} over ${weights.length} keys; largest ${formatValue(max)} at key ${weights.indexOf(max) + 1}.`);
  }

  /** Weights of one display row of one head (or of the alignment). */
  private rowWeights(head: number, row: number): number[] {
    if (this.alignment) return this.alignment[Math.min(row, this.alignment.length - 1)];
    if (!this.run) return [];
    const d = this.run.display;
    return Array.from(this.run.maps[head].subarray(row * d, (row + 1) * d));
  }

  private describeHead(h: number, row: number): string {
    const weights = this.rowWeights(h, row);
    const max = Math.max(...weights);
    const key = weights.indexOf(max);
    if (this.alignment) return `Alignment up to decoder step ${row + 1}; step ${row + 1} attends most to encoder frame ${key} with weight ${formatValue(max)}.`;
    return `Head ${h + 1} attention map; query ${row + 1} attends most to key ${key + 1} with weight ${formatValue(max)}${this.run?.causal ? '; future keys are masked' : ''}.`;
  }

  describe(step: number): string {
    return `${this.caption.textContent ?? ''} ${this.score.textContent ?? ''}`.trim() || `Step ${step + 1}`;
  }
}

/** The sample sequence: the typed tokens, or positions 0..T-1. */
export function sequenceOf(ui: UiState): string[] {
  const typed = ui.tokens.split(/\s+/).filter(Boolean).slice(0, MAX_SEQUENCE);
  if (typed.length) return typed;
  return Array.from({ length: Math.min(MAX_SEQUENCE, Math.max(1, ui.sequenceLength)) }, (_, i) => String(i));
}

customElements.define('ll-attention-view', LlAttentionView);
