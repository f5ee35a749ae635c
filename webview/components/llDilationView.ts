// <ll-dilation-view>: the tutorial's WaveNet diagram. Inputs at the bottom, one row per causal
// dilated layer, the connections feeding the current output highlighted back to the inputs
// (causalDependencies from the core), the context written out, and autoregressive generation by
// tfjs: each predicted sample is fed back as the next input.
import { causalDependencies, type DilationRow, type DilationStack } from '../../src/analysis/panelModel';
import { describeCausalContext } from '../../src/analysis/receptiveField';
import { generate, type Generation } from '../render/dilationCompute';
import { formatValue, signedFill } from '../render/palette';
import { exampleDilation } from '../examples';
import { el, labelledCanvas, sizeCanvas } from './dom';
import type { AnimatedView, DrawSettings, ViewInput } from './view';

const SEED = 11;
/** New samples generated (one per animation step). */
const GENERATED = 16;
/** Longest seed prefix; longer contexts are zero-padded in the past, as at the start of any sequence. */
const MAX_PREFIX = 256;
/** Layers above which blocks are collapsed into one row each by default. */
const COLLAPSE_ABOVE = 12;

/** The dilation view element. */
export class LlDilationView extends HTMLElement implements AnimatedView {
  private stack: DilationStack | null = null;
  private generation: Generation | null = null;
  private collapsed = false;
  private window = 32;
  private readonly caption = el('p', 'll-caption');
  private readonly context = el('p', 'll-context');
  private readonly tools = el('div', 'll-row');
  private readonly collapse = el('input');
  private readonly zoom = el('input', 'll-range');
  private readonly zoomLabel = el('label', '', 'Samples shown');
  private readonly canvas = labelledCanvas('ll-dilation-canvas', 'Causal dilated stack');
  private readonly valueLine = el('p', 'll-sum');
  private settings: DrawSettings | null = null;
  private lastStep = 0;

  connectedCallback(): void {
    if (this.childElementCount) return;
    this.collapse.type = 'checkbox';
    this.collapse.id = 'll-collapse';
    const collapseLabel = el('label', '', 'Collapse blocks');
    collapseLabel.htmlFor = 'll-collapse';
    this.zoom.type = 'range';
    this.zoom.id = 'll-zoom';
    this.zoom.min = '8';
    this.zoomLabel.htmlFor = 'll-zoom';
    this.tools.append(this.collapse, collapseLabel, this.zoomLabel, this.zoom);
    this.append(this.caption, this.context, this.tools, this.canvas, this.valueLine);
    this.collapse.addEventListener('change', () => {
      this.collapsed = this.collapse.checked;
      this.redraw();
    });
    this.zoom.addEventListener('input', () => {
      this.window = Number(this.zoom.value);
      this.redraw();
    });
  }

  get stepCount(): number {
    return this.generation ? this.generation.samples.length - this.generation.prefix : 1;
  }

  /** The samples tfjs generated (seed prefix first), for tests and the screen-reader text. */
  get samples(): Generation | null {
    return this.generation;
  }

  /** The stack being shown. */
  get rows(): DilationStack | null {
    return this.stack;
  }

  async load({ layer, dilation }: ViewInput): Promise<void> {
    const stack = layer.id.startsWith('example:') ? exampleDilation(layer.id) : dilation;
    if (!stack) throw new Error(`${layer.label} is not part of a causal dilated stack`);
    this.stack = stack;
    this.collapsed = stack.rows.length > COLLAPSE_ABOVE && stack.blocks > 1;
    this.collapse.checked = this.collapsed;
    this.collapse.disabled = stack.blocks < 2;
    const prefix = Math.min(MAX_PREFIX, stack.context);
    this.window = Math.min(64, Math.max(16, stack.context + 8));
    this.zoom.max = String(Math.min(512, Math.max(16, prefix + GENERATED)));
    this.zoom.value = String(this.window);
    this.zoomLabel.textContent = 'Samples shown';
    this.generation = await generate(stack.rows, SEED, prefix, GENERATED);
    const ks = [...new Set(stack.rows.map((r) => r.kernel))];
    const ds = stack.rows.map((r) => r.dilation);
    this.caption.textContent =
      `${stack.rows.length} causal convolution layers (kernel ${ks.join('/')}, dilations ${compactList(ds)}), ${stack.blocks} block${stack.blocks > 1 ? 's' : ''}. ` +
      `Each step, tfjs runs the stack and the predicted sample is fed back as the next input (seeded weights, tanh).`;
    const formula = stack.rows.length > 12 ? `1 + Σ dilation·(kernel−1) over ${stack.rows.length} layers = ${stack.context}` : stack.formula;
    let text = `Context of one output: ${formula} samples.`;
    if (stack.blocks > 1 && stack.context === stack.blocks * (stack.blockContext - 1) + 1) {
      text += ` ${stack.blocks} blocks of ${stack.blockContext}: ${stack.blocks}·${stack.blockContext} − ${stack.blocks - 1} = ${stack.context}.`;
    }
    this.context.textContent = `${text} ${describeCausalContext(stack.context)}`;
  }

  private redraw(): void {
    if (this.settings) this.draw(this.lastStep, this.settings);
  }

  /** Rows drawn: every layer, or one per block when collapsed, with the level index each stands for. */
  private visibleRows(): { label: string; level: number }[] {
    const stack = this.stack as DilationStack;
    const rows: { label: string; level: number }[] = [{ label: 'input', level: 0 }];
    stack.rows.forEach((r: DilationRow, i) => {
      const lastOfBlock = i === stack.rows.length - 1 || stack.rows[i + 1].block !== r.block;
      if (!this.collapsed) rows.push({ label: `d=${r.dilation}`, level: i + 1 });
      else if (lastOfBlock) rows.push({ label: `block ${r.block + 1}`, level: i + 1 });
    });
    return rows;
  }

  draw(step: number, s: DrawSettings): void {
    this.settings = s;
    this.lastStep = step;
    const stack = this.stack;
    const gen = this.generation;
    if (!stack || !gen) return;
    const t = gen.prefix - 1 + Math.min(step, this.stepCount - 1);
    const deps = causalDependencies(stack.rows, t);
    const rows = this.visibleRows();
    const width = Math.max(360, this.clientWidth || 720);
    const labelW = s.presenter ? 110 : 80;
    const W = this.window;
    const first = Math.max(0, t + 2 - W);
    const dx = (width - labelW - 16) / W;
    const rowH = Math.max(s.presenter ? 44 : 28, Math.min(64, 420 / rows.length));
    const height = (rows.length + 1) * rowH + 24;
    const ctx = sizeCanvas(this.canvas, width, height);
    const x = (time: number) => labelW + (time - first + 0.5) * dx;
    const y = (rowIndex: number) => height - 16 - rowIndex * rowH - rowH / 2;
    const radius = Math.max(2, Math.min(s.presenter ? 9 : 6, dx / 3));
    const known = gen.prefix + Math.min(step, this.stepCount - 1);
    ctx.font = `${s.font}px ${s.palette.fontFamily}`;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    // Edges: faint for the whole diagram, highlighted for the ones that feed output t.
    for (let ri = 1; ri < rows.length; ri++) {
      const lower = rows[ri - 1].level;
      const upper = rows[ri].level;
      const needed = new Set(deps[upper]);
      const reads = new Set(deps[lower]);
      if (upper - lower > 1) {
        // A collapsed block: one translucent fan per needed node instead of every edge inside it.
        for (const u of deps[upper]) {
          if (u < first) continue;
          const sources = this.sourcesOf(lower, upper, u).filter((v) => reads.has(v));
          if (!sources.length) continue;
          ctx.fillStyle = s.palette.highlight;
          ctx.globalAlpha = 0.25;
          ctx.beginPath();
          ctx.moveTo(x(Math.max(first, sources[0])), y(ri - 1));
          ctx.lineTo(x(sources[sources.length - 1]), y(ri - 1));
          ctx.lineTo(x(u), y(ri));
          ctx.closePath();
          ctx.fill();
        }
        ctx.globalAlpha = 1;
        continue;
      }
      for (let u = first; u <= t + 1 && u < first + W; u++) {
        const sources = this.sourcesOf(lower, upper, u);
        for (const v of sources) {
          if (v < first) continue;
          const hot = needed.has(u) && reads.has(v) && u <= t;
          ctx.strokeStyle = hot ? s.palette.highlight : s.palette.grid;
          ctx.globalAlpha = hot ? 1 : 0.35;
          ctx.lineWidth = hot ? s.stroke : 1;
          ctx.beginPath();
          ctx.moveTo(x(v), y(ri - 1));
          ctx.lineTo(x(u), y(ri));
          ctx.stroke();
        }
      }
    }
    ctx.globalAlpha = 1;
    rows.forEach((row, ri) => {
      ctx.fillStyle = s.palette.muted;
      ctx.fillText(row.label, 4, y(ri));
      const active = new Set(deps[row.level]);
      for (let u = first; u < first + W; u++) {
        const isInput = ri === 0;
        const has = isInput ? u < known : u <= t;
        ctx.beginPath();
        ctx.arc(x(u), y(ri), radius, 0, Math.PI * 2);
        if (isInput && has) ctx.fillStyle = signedFill(s.palette, gen.samples[u]);
        else ctx.fillStyle = active.has(u) ? s.palette.highlight : 'transparent';
        ctx.fill();
        ctx.strokeStyle = active.has(u) ? s.palette.highlight : s.palette.grid;
        ctx.lineWidth = active.has(u) ? s.stroke : 1;
        ctx.stroke();
      }
    });
    // The prediction at the top is fed back as the next input sample.
    const top = rows.length - 1;
    const next = gen.samples[t + 1];
    ctx.strokeStyle = s.palette.accent;
    ctx.lineWidth = s.stroke;
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    ctx.moveTo(x(t), y(top) - radius);
    ctx.lineTo(x(t + 1), y(top) - rowH / 2);
    ctx.lineTo(x(t + 1), y(0) + radius + 2);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = s.palette.foreground;
    ctx.textAlign = 'center';
    ctx.fillText(`x${sub(t + 1)} = ${formatValue(next)}`, Math.min(width - 40, x(t + 1)), y(top) - rowH / 2 - 2);
    const span = deps[0].length ? `${deps[0][0]}…${deps[0][deps[0].length - 1]}` : '—';
    this.valueLine.textContent = `Step ${Math.min(step, this.stepCount - 1) + 1} / ${this.stepCount}: output at t=${t} reads inputs ${span} (${deps[0].length} samples) and predicts x${sub(t + 1)} = ${formatValue(next)}, which becomes the next input.`;
    this.canvas.setAttribute('aria-label', this.describe(step));
  }

  /** Times at level `lower` that level `upper` reads for time u (through every layer in between). */
  private sourcesOf(lower: number, upper: number, u: number): number[] {
    const rows = (this.stack as DilationStack).rows.slice(lower, upper);
    return causalDependencies(rows, u)[0];
  }

  describe(step: number): string {
    return `${this.context.textContent ?? ''} ${this.valueLine.textContent ?? ''}`.trim() || `Step ${step + 1}`;
  }
}

function compactList(xs: number[]): string {
  return xs.length > 12 ? `${xs.slice(0, 10).join(', ')}, … (${xs.length} layers)` : xs.join(', ');
}

const SUBSCRIPT = '₀₁₂₃₄₅₆₇₈₉';

function sub(n: number): string {
  return String(n).replace(/\d/g, (d) => SUBSCRIPT[Number(d)]);
}

customElements.define('ll-dilation-view', LlDilationView);
