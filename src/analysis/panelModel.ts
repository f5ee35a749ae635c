// The panel's view data, derived from an Analysis and a cursor offset, plus the pure index maths the
// panel's animations need (which inputs a kernel tap touches, which samples feed a causal output,
// how transposed kernels overlap). Receptive fields and dilation context come from
// receptiveField.ts so that the hover, the CLI and the animation print the same numbers; the webview
// never re-derives them.

import { layerAtCursor, layerForView } from './layerAtCursor';
import { effectiveKernel } from './layers/convArithmetic';
import { causalContext, composeField, fieldOfStack, identityField } from './receptiveField';
import type { AttentionInfo, Analysis, Geometry, ModelInfo, ModuleInfo, ReceptiveField, ShapesOut, Span } from './types';

/** The visualisations the panel offers. */
export type ViewKind = 'conv' | 'dilation' | 'attention';

/** One layer of the stack that leads to the selected layer, with the field of its output units. */
export interface StackStep {
  id: string;
  label: string;
  geometry: Geometry;
  /** Field of one output unit of this layer in the stack's input (theoretical; from receptiveField.ts). */
  field: ReceptiveField;
}

/** A layer the panel can show. */
export interface PanelLayer {
  /** Module path (`encoder.conv1`); unique within the model. */
  id: string;
  /** What the picker shows: path and class, e.g. `conv1 · Conv2d`. */
  label: string;
  /** Class name as written. */
  type: string;
  line: number;
  span: Span;
  /** Views that make sense for this layer, best first. */
  views: ViewKind[];
  geometry: Geometry | null;
  /** Number of spatial axes (1 for sequences, 2 for images); 0 for attention layers. */
  rank: number;
  channels: { in: number | null; out: number | null; groups: number };
  /** Spatial input size when the analysis knows it as numbers, else null. */
  inputSize: number[] | null;
  /** Same-rank sliding layers from the model's input up to and including this one. */
  stack: StackStep[];
  attention: AttentionInfo | null;
  /** Sequence length of the first call when known (attention layers). */
  sequenceLength: number | null;
}

/** One row of the WaveNet diagram. */
export interface DilationRow {
  id: string;
  label: string;
  kernel: number;
  dilation: number;
  /** Index of the dilation block (a block restarts when the dilation falls back). */
  block: number;
}

/** A causal dilated 1-D stack found in the model, for the WaveNet view. */
export interface DilationStack {
  rows: DilationRow[];
  /** Context of one output sample in input samples (from receptiveField.causalContext). */
  context: number;
  blocks: number;
  /** Context of the first block alone, to write "two blocks → 2·8 − 1". */
  blockContext: number;
  /** The sum written out, e.g. `1 + 1·(2−1) + 2·(2−1) + 4·(2−1) = 8`. */
  formula: string;
}

/** Everything the panel needs for one model. Plain data, sent as-is in the snapshot message. */
export interface PanelModel {
  modelName: string;
  layers: PanelLayer[];
  /** The layer under the cursor, when there is one. */
  cursorLayerId: string | null;
  dilation: DilationStack | null;
}

function numericShape(s: ShapesOut | undefined | null): number[] | null {
  if (!s || !Array.isArray(s)) return null;
  return s.every((d) => typeof d === 'number') ? (s as number[]) : null;
}

function configNumber(cfg: Record<string, unknown>, ...names: string[]): number | null {
  for (const n of names) {
    const v = cfg[n];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return null;
}

/** Channel counts of a layer from its config, falling back to the first call's shapes. */
function channelsOf(m: ModuleInfo, rank: number): PanelLayer['channels'] {
  const cfg = m.config ?? {};
  const groups = configNumber(cfg, 'groups') ?? 1;
  let inCh = configNumber(cfg, 'in_channels', 'inChannels');
  let outCh = configNumber(cfg, 'out_channels', 'filters', 'outChannels');
  const input = numericShape(m.inputShapes?.[0] as ShapesOut | undefined);
  const output = numericShape(m.outputShapes?.[0] as ShapesOut | undefined);
  const channelsLast = m.framework !== 'pytorch';
  const channelAxis = (s: number[]) => (channelsLast ? s.length - 1 : s.length - rank - 1);
  if (inCh === null && input && input.length > rank) inCh = input[channelAxis(input)];
  if (outCh === null && output && output.length > rank) outCh = output[channelAxis(output)];
  return { in: inCh, out: outCh, groups: Math.max(1, Math.floor(groups)) };
}

/** The first call's input shape as printed (numbers and symbols), or null. */
function firstInput(m: ModuleInfo): (number | string)[] | null {
  const s = m.inputShapes?.[0];
  return Array.isArray(s) && s.every((d) => typeof d === 'number' || typeof d === 'string') ? (s as (number | string)[]) : null;
}

/** Spatial sizes when every spatial dimension is a number (the batch may stay symbolic). */
function spatialSize(m: ModuleInfo, rank: number): number[] | null {
  const input = firstInput(m);
  if (!input || input.length < rank + 1) return null;
  const spatial = m.framework === 'pytorch' ? input.slice(input.length - rank) : input.slice(input.length - rank - 1, input.length - 1);
  return spatial.every((d): d is number => typeof d === 'number') ? spatial : null;
}

function sequenceLengthOf(m: ModuleInfo): number | null {
  const input = firstInput(m);
  if (!input || input.length < 2) return null;
  // The catalogue entry says where the sequence axis is: PyTorch's attention is (L, N, E) unless batch_first.
  const batchFirst = m.attention?.batchFirst !== false;
  const length = input.length === 2 ? input[0] : batchFirst ? input[input.length - 2] : input[0];
  return typeof length === 'number' ? length : null;
}

function labelOf(m: ModuleInfo): string {
  return m.path ? `${m.path} · ${m.type}` : m.type;
}

function idOf(m: ModuleInfo, index: number): string {
  return m.path || `${m.type}#${index}`;
}

/** Layers that slide a window (convolutions, pooling) and therefore have a receptive field. */
function isSliding(m: ModuleInfo): boolean {
  return m.geometry !== null && m.geometry !== undefined && m.geometry.kernel.length > 0;
}

/** A WaveNet-style layer: 1-D, stride 1, kernel > 1, causal or dilated (causal padding may live in forward()). */
function isCausalDilated(g: Geometry): boolean {
  return g.kernel.length === 1 && g.kind === 'conv' && g.stride[0] === 1 && g.kernel[0] > 1 && (g.causal === true || g.dilation[0] > 1);
}

/**
 * The dilated causal stack of a model: the kernel>1 1-D convolutions of the sequential chain (see
 * `chainOf`), once one of them is dilated or causal. Parallel branches (WaveNet's filter and gate
 * convolutions) appear once.
 */
export function dilationStackOf(model: ModelInfo): DilationStack | null {
  const chain = chainOf(model).get(1) ?? [];
  const convs = chain.filter((s) => s.geometry.kind === 'conv' && s.geometry.kernel[0] > 1 && s.geometry.stride[0] === 1);
  if (!convs.some((s) => isCausalDilated(s.geometry))) return null;
  return dilationStackOfLayers(convs);
}

/**
 * Same extent and stride. Padding is left out on purpose: explicit `F.pad` calls in forward() move
 * the core's data-flow field but not a layer's geometry, and they do not decide the chain.
 */
function sameExtent(a: ReceptiveField, b: ReceptiveField): boolean {
  const eq = (x: number[], y: number[]) => x.length === y.length && x.every((v, i) => Math.abs(v - y[i]) < 1e-9);
  return eq(a.size, b.size) && eq(a.stride, b.stride);
}

/** A sliding layer placed in the chain of its rank, with the stack that leads to it. */
interface ChainEntry {
  module: ModuleInfo;
  step: StackStep;
  /** The layers from the input to this one, this one last. */
  stack: StackStep[];
}

/**
 * Places every sliding layer in a sequential chain per rank, in construction order. The core's own
 * field of each module (data-flow aware, ModuleInfo.receptiveField) decides how: a layer whose field
 * is the previous chain step's field composed with its geometry follows it; a layer whose field is
 * the field *below* the previous step composed with its geometry is a parallel sibling of that step
 * (WaveNet's gate beside its filter) and replaces it in its own stack without joining the chain.
 * Without a field from the core, layers follow each other.
 */
function placeInChains(model: ModelInfo): ChainEntry[] {
  const chains = new Map<number, StackStep[]>();
  const entries: ChainEntry[] = [];
  model.modules.forEach((m, index) => {
    if (m.path === '' || !m.isLayer || !isSliding(m)) return;
    const g = m.geometry as Geometry;
    const rank = g.kernel.length;
    const chain = chains.get(rank) ?? [];
    const last = chain[chain.length - 1];
    const lastField = last?.field ?? identityField(rank);
    const belowLast = chain.length > 1 ? chain[chain.length - 2].field : identityField(rank);
    const successor = composeField(lastField, g);
    const own = m.receptiveField && m.receptiveField.size.length === rank ? m.receptiveField : null;
    const id = idOf(m, index);
    if (own && last && !sameExtent(own, successor) && sameExtent(own, composeField(belowLast, g))) {
      const step: StackStep = { id, label: labelOf(m), geometry: g, field: own };
      entries.push({ module: m, step, stack: [...chain.slice(0, -1), step] });
      return;
    }
    const step: StackStep = { id, label: labelOf(m), geometry: g, field: own ?? successor };
    const stack = [...chain, step];
    chains.set(rank, stack);
    entries.push({ module: m, step, stack });
  });
  return entries;
}

/** The sequential chain of each rank (siblings left out), for the dilation view. */
function chainOf(model: ModelInfo): Map<number, StackStep[]> {
  const chains = new Map<number, StackStep[]>();
  for (const e of placeInChains(model)) {
    const rank = e.step.geometry.kernel.length;
    const chain = chains.get(rank) ?? [];
    if (e.stack.length === chain.length + 1 && e.stack.slice(0, -1).every((s, i) => s === chain[i])) chains.set(rank, e.stack);
  }
  return chains;
}

/** The WaveNet rows, blocks and context of an ordered list of 1-D causal convolutions. */
export function dilationStackOfLayers(layers: readonly { id: string; label: string; geometry: Geometry }[]): DilationStack {
  const rows: DilationRow[] = [];
  let block = 0;
  layers.forEach(({ id, label, geometry: g }, i) => {
    if (i > 0 && g.dilation[0] <= rows[i - 1].dilation) block += 1;
    rows.push({ id, label, kernel: g.kernel[0], dilation: g.dilation[0], block });
  });
  const geometries = layers.map((l) => l.geometry);
  const context = causalContext(geometries);
  const blockContext = causalContext(geometries.filter((_, i) => rows[i].block === 0));
  const terms = rows.map((r) => `${r.dilation}·(${r.kernel}−1)`);
  return { rows, context, blocks: block + 1, blockContext, formula: `1 + ${terms.join(' + ')} = ${context}` };
}

/** Panel layers of one model: sliding layers with their stacks, and attention layers. */
export function panelLayersOf(model: ModelInfo): PanelLayer[] {
  const layers: PanelLayer[] = [];
  const dilation = dilationStackOf(model);
  const dilationIds = new Set(dilation?.rows.map((r) => r.id) ?? []);
  const placed = new Map(placeInChains(model).map((e) => [e.module, e]));
  model.modules.forEach((m, index) => {
    // Hand-written attention blocks (userAttention.ts) are shown too; other user containers are not.
    if (m.path === '' || (!m.isLayer && m.attention === null)) return;
    const id = idOf(m, index);
    const entry = placed.get(m);
    if (entry) {
      const g = entry.step.geometry;
      const rank = g.kernel.length;
      layers.push({
        id,
        label: labelOf(m),
        type: m.type,
        line: m.line,
        span: m.span,
        views: dilationIds.has(id) ? ['dilation', 'conv'] : ['conv'],
        geometry: g,
        rank,
        channels: channelsOf(m, rank),
        inputSize: spatialSize(m, rank),
        stack: entry.stack,
        attention: null,
        sequenceLength: null,
      });
    } else if (m.attention) {
      layers.push({
        id,
        label: labelOf(m),
        type: m.type,
        line: m.line,
        span: m.span,
        views: ['attention'],
        geometry: null,
        rank: 0,
        channels: { in: m.attention.embedDim, out: m.attention.embedDim, groups: 1 },
        inputSize: null,
        stack: [],
        attention: m.attention,
        sequenceLength: sequenceLengthOf(m),
      });
    }
  });
  return layers;
}

function contains(span: Span | null | undefined, offset: number): boolean {
  return !!span && span.from <= offset && offset <= span.to;
}

/** How `panelModelAt` finds the layer under the cursor. */
export interface PanelCursorOptions {
  /** The analysed text: with it, a definition's attribute name and a variable a layer assigns count as that layer (layerAtCursor.ts). */
  text?: string;
  /** The view a command asked for: with the cursor on no layer, the file's own layer for it is chosen (layerForView). */
  view?: ViewKind;
}

/** The module under the cursor: the innermost construction or call span containing the offset. */
function moduleAt(model: ModelInfo, analysis: Analysis, modelIndex: number, offset: number): ModuleInfo | null {
  let best: ModuleInfo | null = null;
  let bestWidth = Infinity;
  for (const m of model.modules) {
    if (m.path === '') continue;
    for (const s of [m.span, m.callSpan]) {
      if (s && contains(s, offset) && s.to - s.from < bestWidth) {
        best = m;
        bestWidth = s.to - s.from;
      }
    }
  }
  if (best) return best;
  for (const a of analysis.annotations) {
    if (a.model === modelIndex && a.modulePath && contains(a.span, offset)) {
      const m = model.modules.find((x) => x.path === a.modulePath);
      if (m) return m;
    }
  }
  return null;
}

/** The nearest module of the model that the panel can show: the module itself or its closest ancestor that is a panel layer. */
function shownAncestor(model: ModelInfo, path: string, layers: readonly PanelLayer[]): ModuleInfo | null {
  for (let p = path; p !== ''; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
    const index = model.modules.findIndex((m) => m.path === p);
    if (index >= 0 && layers.some((l) => l.id === idOf(model.modules[index], index))) return model.modules[index];
  }
  return model.modules.find((m) => m.path === path) ?? null;
}

/**
 * The panel's data for a cursor offset: the model whose definition holds the cursor (or the first
 * model with something to show), its layers, and the layer under the cursor. With the text, the
 * cursor is resolved by `layerAtCursor` (names, constructors, calls and variables alike); with a
 * requested view and no layer under the cursor, the file's own layer for that view is selected.
 * Null when the file has no model with a convolution, pooling or attention layer.
 */
export function panelModelAt(analysis: Analysis, offset: number, options: PanelCursorOptions = {}): PanelModel | null {
  const candidates = analysis.models
    .map((model, index) => ({ model, index, layers: panelLayersOf(model) }))
    .filter((c) => c.layers.length > 0);
  if (candidates.length === 0) return null;
  let chosen = candidates.find((c) => contains(c.model.span, offset));
  let cursorModule: ModuleInfo | null = null;
  const hit = options.text !== undefined ? layerAtCursor(analysis, options.text, offset) : null;
  const viewHit = hit === null && options.view !== undefined && options.view !== 'dilation' ? layerForView(analysis, offset, options.view) : null;
  const resolved = hit ?? viewHit;
  const resolvedIn = resolved ? candidates.find((c) => c.index === resolved.model) : undefined;
  if (resolved && resolvedIn) {
    chosen = resolvedIn;
    cursorModule = shownAncestor(resolvedIn.model, resolved.path, resolvedIn.layers);
  } else if (options.text === undefined) {
    for (const c of chosen ? [chosen, ...candidates.filter((x) => x !== chosen)] : candidates) {
      cursorModule = moduleAt(c.model, analysis, c.index, offset);
      if (cursorModule) {
        chosen = c;
        break;
      }
    }
  }
  chosen ??= candidates[0];
  const cursorIndex = cursorModule ? chosen.model.modules.indexOf(cursorModule) : -1;
  const cursorId = cursorModule ? idOf(cursorModule, cursorIndex) : null;
  return {
    modelName: chosen.model.name,
    layers: chosen.layers,
    cursorLayerId: cursorId && chosen.layers.some((l) => l.id === cursorId) ? cursorId : null,
    dilation: dilationStackOf(chosen.model),
  };
}

/** The field of the whole stack up to a layer (the last step's field), or null without a stack. */
export function stackField(layer: PanelLayer): ReceptiveField | null {
  return layer.stack.length ? fieldOfStack(layer.stack.map((s) => s.geometry)) : null;
}

// ---------------------------------------------------------------------------------------------
// Index maths for the animations. Pure functions over one geometry; the webview draws their results.

/**
 * Input indices read by each kernel tap for one output position, per axis: entry [axis][tap].
 * Negative indices and indices past the input are padding.
 */
export function kernelFootprint(g: Geometry, outIndex: readonly number[]): number[][] {
  return g.kernel.map((k, axis) => {
    const start = outIndex[axis] * g.stride[axis] - g.padding[axis];
    return Array.from({ length: k }, (_, t) => start + t * g.dilation[axis]);
  });
}

/** Output length of a sliding window along one axis (PyTorch's formula with symmetric padding unless causal). */
export function slidingOutputLength(g: Geometry, axis: number, inputLength: number): number {
  const span = effectiveKernel(g.kernel[axis], g.dilation[axis]);
  if (g.kind === 'convTranspose') {
    return (inputLength - 1) * g.stride[axis] - 2 * g.padding[axis] + span + (g.outputPadding?.[axis] ?? 0);
  }
  const trailing = g.causal ? 0 : g.padding[axis];
  return Math.max(0, Math.floor((inputLength + g.padding[axis] + trailing - span) / g.stride[axis]) + 1);
}

/**
 * For a transposed convolution along one axis: how many (input, tap) pairs write each output
 * position. Uneven counts are the checkerboard artefact (Odena et al., Distill 2016).
 */
export function transposedOverlap(g: Geometry, axis: number, inputLength: number): number[] {
  const outLength = slidingOutputLength({ ...g, kind: 'convTranspose' }, axis, inputLength);
  const counts = new Array<number>(Math.max(0, outLength)).fill(0);
  for (let i = 0; i < inputLength; i++) {
    for (let t = 0; t < g.kernel[axis]; t++) {
      const o = i * g.stride[axis] - g.padding[axis] + t * g.dilation[axis];
      if (o >= 0 && o < counts.length) counts[o] += 1;
    }
  }
  return counts;
}

/**
 * The nodes of a causal dilated stack that feed output sample `t`: entry [level] lists the time
 * indices at that level, level 0 being the inputs and level rows.length the output.
 */
export function causalDependencies(rows: readonly { kernel: number; dilation: number }[], t: number): number[][] {
  const levels: number[][] = new Array(rows.length + 1);
  levels[rows.length] = [t];
  for (let l = rows.length - 1; l >= 0; l--) {
    const seen = new Set<number>();
    for (const u of levels[l + 1]) {
      for (let tap = 0; tap < rows[l].kernel; tap++) {
        const v = u - tap * rows[l].dilation;
        if (v >= 0) seen.add(v);
      }
    }
    levels[l] = [...seen].sort((a, b) => a - b);
  }
  return levels;
}

/** For a grouped convolution: the input channels `[from, to)` that output channel `o` reads. */
export function channelGroupOf(inChannels: number, outChannels: number, groups: number, o: number): [number, number] {
  const perGroupIn = inChannels / groups;
  const group = Math.floor(o / (outChannels / groups));
  return [group * perGroupIn, (group + 1) * perGroupIn];
}

/**
 * Diagonality of an alignment (decoder steps × encoder frames): the share of attention mass that
 * lies within a band around the straight line from the first to the last frame. 1 is perfectly
 * monotonic and even; uniform attention scores about the band's width over the length.
 */
export function diagonalityScore(weights: readonly (readonly number[])[], bandFraction = 0.1): number {
  const steps = weights.length;
  if (steps === 0) return 0;
  const frames = weights[0].length;
  const band = Math.max(1, Math.round(bandFraction * frames));
  let inside = 0;
  let total = 0;
  weights.forEach((row, t) => {
    const centre = steps === 1 ? 0 : (t * (frames - 1)) / (steps - 1);
    row.forEach((w, j) => {
      total += w;
      if (Math.abs(j - centre) <= band) inside += w;
    });
  });
  return total > 0 ? inside / total : 0;
}
