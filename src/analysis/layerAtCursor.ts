// Which layer the cursor is on. The attribute name where a layer is defined (`self.linear` in
// `self.linear = nn.Linear(...)`), its constructor call, its calls in forward() and the variables a
// call assigns all name the same layer; hovers, the panel, the status bar and CodeLens actions ask
// this one function, so they never disagree about it.

import type { Analysis, ModelInfo, ModuleInfo, Span } from './types';

/** How the cursor reached the layer. */
export type LayerCursorVia = 'name' | 'constructor' | 'call' | 'variable';

/** A layer under the cursor: the model holding it, its module path, and the span the cursor is on. */
export interface LayerAtCursor {
  /** Index into `Analysis.models`. */
  model: number;
  /** Module path (`encoder.conv1`) within that model. */
  path: string;
  via: LayerCursorVia;
  /** The text the cursor is on (the name, the constructor, the call or the variable). */
  span: Span;
}

function contains(span: Span | null | undefined, offset: number): span is Span {
  return !!span && span.from <= offset && offset <= span.to;
}

function width(span: Span): number {
  return span.to - span.from;
}

/**
 * The target a definition assigns its constructor to, on the same line just before it:
 * `self.linear` in `self.linear = nn.Linear(4, 2)`, `conv` in `conv: nn.Module = nn.Conv2d(...)`.
 * Null when the constructor is not the whole right-hand side of an assignment.
 */
export function definitionNameSpan(text: string, constructor: Span): Span | null {
  const lineStart = text.lastIndexOf('\n', constructor.from - 1) + 1;
  const before = text.slice(lineStart, constructor.from);
  const m = before.match(/(?:^|[^\w.])((?:self\.)?[A-Za-z_]\w*)\s*(?::[^=]*)?=\s*$/);
  if (!m || m.index === undefined) return null;
  const from = lineStart + m.index + m[0].indexOf(m[1]);
  return { from, to: from + m[1].length };
}

/** Models ordered for a lookup at `offset`: those whose definition holds it first (innermost first), then the rest in file order. */
function modelsByNearness(analysis: Analysis, offset: number): number[] {
  const order = analysis.models.map((_, i) => i);
  const holds = (i: number) => contains(analysis.models[i].span, offset);
  return order.sort((a, b) => {
    const ha = holds(a);
    const hb = holds(b);
    if (ha !== hb) return ha ? -1 : 1;
    if (ha && hb) return width(analysis.models[a].span) - width(analysis.models[b].span);
    return a - b;
  });
}

/** The first module of a model with this definition span: a layer built in a loop names its first instance. */
function firstWithSpan(model: ModelInfo, module: ModuleInfo): ModuleInfo {
  return model.modules.find((m) => m.span.from === module.span.from && m.span.to === module.span.to) ?? module;
}

/**
 * The layer the cursor is on, or null. The innermost constructor or call containing the offset
 * wins (a layer passed to another's constructor is itself); otherwise the attribute name of a
 * definition, an expression the analysis ties to a module, or a variable that a module call
 * assigns (`scores` in `scores = self.linear(x)`, and its later uses). Models holding the cursor
 * are searched first, so a block that is also a model of its own names its own layers.
 */
export function layerAtCursor(analysis: Analysis, text: string, offset: number): LayerAtCursor | null {
  const order = modelsByNearness(analysis, offset);
  let best: LayerAtCursor | null = null;
  let bestWidth = Infinity;
  for (const index of order) {
    const model = analysis.models[index];
    for (const module of model.modules) {
      if (module.path === '') continue;
      const name = definitionNameSpan(text, module.span);
      for (const [span, via] of [
        [module.span, 'constructor'],
        [module.callSpan, 'call'],
        [name, 'name'],
      ] as const) {
        if (contains(span, offset) && width(span) < bestWidth) {
          best = { model: index, path: firstWithSpan(model, module).path, via, span };
          bestWidth = width(span);
        }
      }
    }
  }
  if (best !== null) return best;
  // Expressions the analysis attributes to a module (a Keras functional call, a wrapped layer).
  for (const index of order) {
    for (const a of analysis.annotations) {
      if (a.model !== index || a.modulePath === null || a.modulePath === '' || !contains(a.span, offset)) continue;
      if (width(a.span) < bestWidth) {
        best = { model: index, path: a.modulePath, via: 'call', span: a.span };
        bestWidth = width(a.span);
      }
    }
    if (best !== null) return best;
  }
  return variableLayer(analysis, text, offset, order);
}

/**
 * A variable whose value a module call produced: the assignment target itself (`scores` in
 * `scores = self.linear(x)`, `context` in `context, weights = self.attention(q, m)`), or a later use
 * of the name inside the same model, traced to the last assignment before it.
 */
function variableLayer(analysis: Analysis, text: string, offset: number, order: number[]): LayerAtCursor | null {
  let from = offset;
  while (from > 0 && /\w/.test(text[from - 1])) from--;
  let to = offset;
  while (to < text.length && /\w/.test(text[to])) to++;
  const name = text.slice(from, to);
  if (!/^[A-Za-z_]\w*$/.test(name) || text[from - 1] === '.') return null;
  const word = { from, to };
  const assignment = /^([ \t]*)((?:self\.)?[A-Za-z_]\w*(?:[ \t]*,[ \t]*(?:self\.)?[A-Za-z_]\w*)*)[ \t]*,?[ \t]*=[ \t]*(?!=)([^\n]*)$/gm;
  for (const index of order) {
    const model = analysis.models[index];
    if (!contains(model.span, offset)) continue;
    const lineEnd = text.indexOf('\n', offset);
    const region = text.slice(model.span.from, lineEnd < 0 ? text.length : lineEnd);
    let found: string | null = null;
    let searched = false;
    for (const m of region.matchAll(assignment)) {
      const targets = m[2].split(',').map((t) => t.trim().replace(/^self\./, ''));
      if (!targets.includes(name)) continue;
      searched = true;
      const rhsFrom = model.span.from + (m.index ?? 0) + m[0].length - m[3].length;
      const rhsText = m[3].replace(/[ \t]*(#.*)?$/, '');
      found = producingModule(analysis, index, { from: rhsFrom, to: rhsFrom + rhsText.length });
    }
    if (searched) return found ? { model: index, path: found, via: 'variable', span: word } : null;
  }
  return null;
}

/** The module whose call (or an expression tied to it) is exactly this right-hand side, if any. */
function producingModule(analysis: Analysis, model: number, rhs: Span): string | null {
  for (const a of analysis.annotations) {
    if (a.model === model && a.modulePath && a.span.from === rhs.from && a.span.to === rhs.to) return a.modulePath;
  }
  const called = analysis.models[model].modules.find((m) => m.path !== '' && m.callSpan && m.callSpan.from === rhs.from && m.callSpan.to === rhs.to);
  return called?.path ?? null;
}

/** The module of a hit, looked up in its model. */
export function moduleOfHit(analysis: Analysis, hit: LayerAtCursor): ModuleInfo | null {
  return analysis.models[hit.model]?.modules.find((m) => m.path === hit.path) ?? null;
}

/** The views a layer can open in the panel: receptive field for sliding layers, attention for attention layers. */
export type LayerViewKind = 'conv' | 'attention';

/** Whether a module can be shown in a view. */
function fitsView(module: ModuleInfo, view: LayerViewKind): boolean {
  if (view === 'attention') return module.attention !== null;
  return module.geometry !== null && module.geometry.kind !== 'pool';
}

/** Character distance from an offset to a span (0 inside it). */
function distance(span: Span, offset: number): number {
  return offset < span.from ? span.from - offset : offset > span.to ? offset - span.to : 0;
}

/**
 * The file's own layer for a view when the cursor is on none: in the model nearest the cursor that
 * has one, its first attention layer, or its deepest convolution for the receptive field. Null when
 * no model of the file has such a layer (the panel then falls back to a tutorial example).
 */
export function layerForView(analysis: Analysis, offset: number, view: LayerViewKind): LayerAtCursor | null {
  let best: { index: number; module: ModuleInfo; distance: number; width: number } | null = null;
  analysis.models.forEach((model, index) => {
    const fitting = model.modules.filter((m) => m.path !== '' && fitsView(m, view));
    if (fitting.length === 0) return;
    const module = view === 'attention' ? fitting[0] : fitting[fitting.length - 1];
    const d = distance(model.span, offset);
    const w = width(model.span);
    if (best === null || d < best.distance || (d === best.distance && w < best.width)) best = { index, module, distance: d, width: w };
  });
  if (best === null) return null;
  const { index, module } = best as { index: number; module: ModuleInfo };
  return { model: index, path: module.path, via: 'constructor', span: module.span };
}
