// What the editor shows, as plain strings computed from the Analysis: hint labels, hover
// Markdown, CodeLens titles, the status text. Pure on purpose (no `vscode` import), so the unit
// tests run it without an editor; the adapters pass `vscode.l10n.t` in as `t`.

import { formatCompact, formatCount, formatShapeList, formatShapesOut } from '../analysis/summaryTable';
import type { Analysis, ModelInfo, ModuleInfo, ReceptiveField, ShapeAnnotation, Span } from '../analysis/types';
import { analysisCore } from './core';

/** Translates a message with `{0}`-style placeholders (vscode.l10n.t in the editor). */
export type Translate = (message: string, ...args: Array<string | number | boolean>) => string;

/** What the inlay hints show: nothing, the output shape, or the tutorial's notation where there is one. */
export type HintMode = 'off' | 'shapes' | 'notation';

/** Where inlay hints appear: on layer definitions (`__init__`), on the steps of forward(), or both. */
export type HintWhere = 'init' | 'forward' | 'both';

/** Arguments of the commands that open the panel on a layer (hover links, CodeLens). */
export interface LayerCommandArgs {
  /** The document's URI, as a string. */
  uri: string;
  /** A UTF-16 offset inside the layer's definition or call. */
  offset: number;
}

function contains(span: Span, offset: number): boolean {
  return span.from <= offset && offset <= span.to;
}

function width(span: Span): number {
  return span.to - span.from;
}

/** The innermost annotation whose span contains the offset. */
export function annotationAt(analysis: Analysis, offset: number): ShapeAnnotation | null {
  let best: ShapeAnnotation | null = null;
  for (const a of analysis.annotations) {
    if (contains(a.span, offset) && (best === null || width(a.span) < width(best.span))) best = a;
  }
  return best;
}

/** A module of a model, found by its constructor call or its call in forward(). */
export interface ModuleHit {
  model: ModelInfo;
  module: ModuleInfo;
  /** Which of the module's spans contains the offset. */
  at: 'definition' | 'call';
}

/** The module whose definition or first call most tightly contains the offset. */
export function moduleAt(analysis: Analysis, offset: number): ModuleHit | null {
  let best: ModuleHit | null = null;
  let bestWidth = Infinity;
  for (const model of analysis.models) {
    for (const module of model.modules) {
      // The model itself (path "") spans the whole class; it is the hover of last resort.
      if (module.path === '') continue;
      for (const [span, at] of [
        [module.span, 'definition'],
        [module.callSpan, 'call'],
      ] as const) {
        if (span && contains(span, offset) && width(span) < bestWidth) {
          best = { model, module, at };
          bestWidth = width(span);
        }
      }
    }
  }
  return best;
}

/** The model whose definition contains the offset; otherwise, when `fallback`, the file's last model. */
export function modelAt(analysis: Analysis, offset: number, fallback = false): ModelInfo | null {
  let best: ModelInfo | null = null;
  for (const m of analysis.models) {
    if (contains(m.span, offset) && (best === null || width(m.span) < width(best.span))) best = m;
  }
  if (best === null && fallback && analysis.models.length > 0) return analysis.models[analysis.models.length - 1];
  return best;
}

/** The module an annotation belongs to, if it names one. */
export function moduleOfAnnotation(analysis: Analysis, a: ShapeAnnotation): ModuleInfo | null {
  if (a.modulePath === null) return null;
  return analysis.models[a.model]?.modules.find((m) => m.path === a.modulePath) ?? null;
}

/**
 * Where an annotation sits: on a layer definition (in `__init__`, or a Keras/tfjs constructor),
 * on a step of forward()/call(), or both at once (Keras functional `Dense(64)(x)`).
 */
export function annotationPlace(analysis: Analysis, a: ShapeAnnotation): { definition: boolean; step: boolean } {
  if (a.kind !== 'layer') return { definition: false, step: true };
  const module = moduleOfAnnotation(analysis, a);
  if (module === null) return { definition: true, step: false };
  const definition = contains(module.span, a.span.from);
  const step = !definition || (module.callSpan !== null && contains(module.callSpan, a.span.from));
  return { definition, step };
}

/** The inlay hint label of an annotation, or null when the settings hide it. */
export function hintLabel(analysis: Analysis, a: ShapeAnnotation, mode: HintMode, where: HintWhere): string | null {
  // An empty span marks a whole model (the CodeLens shows its output): nothing to write after.
  if (mode === 'off' || a.span.to === a.span.from) return null;
  if (where !== 'both') {
    const place = annotationPlace(analysis, a);
    if (where === 'init' ? !place.definition : !place.step) return null;
  }
  if (mode === 'notation' && a.notation) return a.notation;
  // An assignment's hint sits after its target, where it reads like a type annotation.
  return a.kind === 'assign' ? `: ${formatShapesOut(a.shape)}` : `→ ${formatShapesOut(a.shape)}`;
}

/** One inlay hint to draw: its annotation (the hint goes at `span.to`) and its label. */
export interface HintToShow {
  annotation: ShapeAnnotation;
  label: string;
}

function sameShape(a: ShapeAnnotation, b: ShapeAnnotation): boolean {
  return JSON.stringify(a.shape) === JSON.stringify(b.shape);
}

/**
 * The hints of a document in order, without repeats: where several annotations end at one place
 * (a call and the expression around it) one hint is drawn, the one with the notation, else the
 * narrowest; plain shapes of sub-expressions are left to the hover; and a plain shape at the end
 * of a line whose assignment target already shows it (`h: (N,64) = torch.relu(...)`) is left out.
 */
export function hintsToShow(analysis: Analysis, text: string, mode: HintMode, where: HintWhere): HintToShow[] {
  const chosen = new Map<number, HintToShow>();
  for (const annotation of analysis.annotations) {
    const label = hintLabel(analysis, annotation, mode, where);
    if (label === null) continue;
    const other = chosen.get(annotation.span.to)?.annotation;
    const hasNotation = annotation.notation !== null;
    const better =
      other === undefined ||
      (hasNotation && other.notation === null) ||
      (hasNotation === (other.notation !== null) && width(annotation.span) < width(other.span));
    if (better) chosen.set(annotation.span.to, { annotation, label });
  }
  const hints = [...chosen.values()].sort((a, b) => a.annotation.span.to - b.annotation.span.to);
  const lineStart = (offset: number) => text.lastIndexOf('\n', offset - 1) + 1;
  const endsLine = (offset: number) => /^[ \t]*(#.*)?(\r?\n|$)/.test(text.slice(offset, offset + 200));
  const assignedOnLine = new Map<number, ShapeAnnotation[]>();
  for (const { annotation } of hints) {
    if (annotation.kind !== 'assign') continue;
    const start = lineStart(annotation.span.from);
    assignedOnLine.set(start, [...(assignedOnLine.get(start) ?? []), annotation]);
  }
  return hints.filter(({ annotation }) => {
    if (annotation.kind === 'assign' || annotation.notation !== null) return true;
    // A plain shape in the middle of an expression (`torch.tanh(...)` inside a product, each link of
    // a `.view().transpose()` chain) would push the code apart; its hover still tells the shape.
    if (!endsLine(annotation.span.to)) return annotation.kind === 'layer';
    const targets = assignedOnLine.get(lineStart(annotation.span.to)) ?? [];
    return !targets.some((target) => target.span.to <= annotation.span.from && sameShape(target, annotation));
  });
}

/** Formats a per-axis list as `7×7`, or a single number for one axis. */
export function formatAxes(values: readonly number[]): string {
  return values.join('×');
}

/** The temporal context of a 1-D field in samples and milliseconds at a sample rate. */
export function temporalContext(field: ReceptiveField, sampleRate: number): { samples: number; ms: number } | null {
  if (field.size.length !== 1 || !(sampleRate > 0)) return null;
  const samples = field.size[0];
  return { samples, ms: (samples / sampleRate) * 1000 };
}

/** True when the model has a causal or dilated 1-D convolution, so a temporal context is meaningful. */
export function hasDilatedOrCausalStack(model: ModelInfo): boolean {
  return model.modules.some(
    (m) => m.geometry !== null && m.geometry.kernel.length === 1 && (m.geometry.causal === true || m.geometry.dilation.some((d) => d > 1)),
  );
}

function trimNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(n < 10 ? 2 : 1).replace(/\.?0+$/, '');
}

/**
 * Escapes text from the user's file before it goes into Markdown: every punctuation mark that
 * Markdown or an autolink reads (`:` and `@` included, so `https://…` and `a@b.c` stay text), and
 * runs of white space folded to one space, so a name cannot start a new block.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/[\\`*_{}[\]()#+\-.!|<>~:@&=$"'/]/g, (c) => `\\${c}`);
}

/** The longest run of backticks in the text (0 when there is none). */
function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}

/**
 * A code span that no content can close: its fence is one backtick longer than the longest run
 * inside, and a space pads content that starts or ends with a backtick (Markdown strips it again).
 */
export function code(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  const fence = '`'.repeat(longestBacktickRun(flat) + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A fenced code block that no content can close: its fence is longer than any backtick run inside. */
export function codeBlock(text: string, language = 'text'): string {
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(text) + 1));
  return `${fence}${language}\n${text}\n${fence}`;
}

/**
 * A compact `key=value` list of a layer's constructor arguments: those that differ from the
 * catalogue's defaults (all of them for layers it does not know), never the ones left as None.
 */
export function formatConfig(config: Record<string, unknown>, framework: ModuleInfo['framework'], type?: string, maxLength = 120): string {
  const python = framework !== 'tfjs';
  const defaults = new Map<string, string>();
  for (const p of (type ? analysisCore().lookupLayer(framework, type)?.signature : undefined) ?? []) {
    if ('default' in p) defaults.set(p.name, JSON.stringify(p.default));
  }
  const value = (v: unknown): string => {
    if (v === null || v === undefined) return python ? 'None' : 'null';
    if (typeof v === 'boolean') return python ? (v ? 'True' : 'False') : String(v);
    if (typeof v === 'number') return String(v);
    if (typeof v === 'string') return `'${v}'`;
    if (Array.isArray(v)) return python ? `(${v.map(value).join(', ')}${v.length === 1 ? ',' : ''})` : `[${v.map(value).join(', ')}]`;
    return '…';
  };
  const shown = Object.entries(config).filter(([k, v]) => v !== null && v !== undefined && defaults.get(k) !== JSON.stringify(v));
  const parts: string[] = [];
  let length = 0;
  for (const [k, v] of shown) {
    const part = `${k}=${value(v)}`;
    if (length + part.length > maxLength) {
      parts.push('…');
      break;
    }
    parts.push(part);
    length += part.length + 2;
  }
  return parts.join(', ');
}

/** The command URI of a Markdown link that runs a command with one JSON argument. */
export function commandLink(command: string, args: LayerCommandArgs): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify([args]))}`;
}

/** What a hover describes: a module (definition or call), an expression, or both. */
export interface HoverSubject {
  model: ModelInfo;
  module: ModuleInfo | null;
  annotation: ShapeAnnotation | null;
  /** The source text of the annotated expression, for the heading. */
  expressionText?: string;
  /** Every module built by the same constructor call (a layer built in a loop), in order. */
  instances?: ModuleInfo[];
}

/** Options of `hoverMarkdown`. */
export interface HoverOptions {
  t: Translate;
  sampleRate: number;
  /** The document URI and offset that the panel links should open. */
  link: LayerCommandArgs;
}

/** The commands a hover may link to (the panel's views of a layer); the Markdown is trusted for these only. */
export const hoverCommands = ['layerLens.visualiseReceptiveField', 'layerLens.showAttention'] as const;

/** Compact hover Markdown: shapes, notation, formula, params, multiply-adds, receptive field, context, links. */
export function hoverMarkdown(subject: HoverSubject, options: HoverOptions): string {
  const { t } = options;
  const { model, module, annotation } = subject;
  const lines: string[] = [];
  const blocks: string[] = [];

  if (module !== null) {
    const name = module.path === '' ? model.name : module.path;
    const args = formatConfig(module.config, module.framework, module.type);
    lines.push(`**${escapeMarkdown(name)}** · ${code(args ? `${module.type}(${args})` : module.type)}`);
    if (module.inputShapes !== null || module.outputShapes !== null) {
      const input = module.inputShapes !== null ? formatShapeList(module.inputShapes) : '?';
      const output = module.outputShapes !== null ? formatShapeList(module.outputShapes) : '?';
      lines.push(t('Shapes: {0} → {1}', code(input), code(output)));
    } else {
      lines.push(t('Not called in forward(): no input shape to follow.'));
    }
  } else if (annotation !== null) {
    const heading = subject.expressionText ? code(shorten(subject.expressionText, 60)) : t('Expression');
    lines.push(`**${heading}** → ${code(formatShapesOut(annotation.shape))}`);
  }

  const notation = annotation?.notation ?? module?.notation ?? null;
  if (notation) lines.push(code(notation));
  if (module?.formula) blocks.push(codeBlock(module.formula));

  const facts: string[] = [];
  if (module !== null) {
    const params = module.isLayer ? module.paramsOwn : module.paramsTotal;
    facts.push(t('Params {0}', params === null ? '?' : formatCount(params)));
    if (module.macs !== null) facts.push(t('Multiply-adds {0}', formatCompact(module.macs)));
  }
  const factsLine = facts.join(' · ');

  const fieldLines: string[] = [];
  const field = module?.receptiveField ?? null;
  if (field !== null) {
    fieldLines.push(
      t(
        'Receptive field {0} · effective stride {1} · padding {2}',
        formatAxes(field.size),
        formatAxes(field.stride),
        formatAxes(field.padding),
      ),
    );
    if (field.misaligned) fieldLines.push(t('Branches merging here are not centred alike.'));
    const context = hasDilatedOrCausalStack(model) ? temporalContext(field, options.sampleRate) : null;
    if (context !== null) {
      fieldLines.push(
        t('Context {0} samples = {1} ms at {2} Hz', formatCount(context.samples), trimNumber(context.ms), formatCount(options.sampleRate)),
      );
    }
  }
  const instances = subject.instances ?? [];
  if (instances.length > 1) {
    fieldLines.push(t('Built {0} times here: {1} … {2}', instances.length, escapeMarkdown(instances[0].path), escapeMarkdown(instances[instances.length - 1].path)));
    let widest: ModuleInfo | null = null;
    for (const m of instances) if (m.receptiveField && (!widest || m.receptiveField.size[0] > widest.receptiveField!.size[0])) widest = m;
    if (widest !== null && widest !== module) {
      const wideField = widest.receptiveField!;
      const context = hasDilatedOrCausalStack(model) ? temporalContext(wideField, options.sampleRate) : null;
      fieldLines.push(
        context !== null
          ? t('Widest, {0}: receptive field {1}, context {2} samples = {3} ms', escapeMarkdown(widest.path), formatAxes(wideField.size), formatCount(context.samples), trimNumber(context.ms))
          : t('Widest, {0}: receptive field {1}', escapeMarkdown(widest.path), formatAxes(wideField.size)),
      );
    }
  }
  const attention = module?.attention ?? null;
  if (attention !== null) {
    const heads = escapeMarkdown(String(attention.numHeads ?? '?'));
    const headDim = escapeMarkdown(String(attention.headDim ?? '?'));
    const embed = escapeMarkdown(String(attention.embedDim ?? '?'));
    const kind = attention.kind === 'dot' ? t('dot-product') : t('additive');
    fieldLines.push(
      attention.causal
        ? t('Attention ({0}): {1} heads × {2} = {3}, causal mask', kind, heads, headDim, embed)
        : t('Attention ({0}): {1} heads × {2} = {3}', kind, heads, headDim, embed),
    );
  }

  const links: string[] = [];
  if (module !== null) {
    if (module.geometry !== null || module.receptiveField !== null) {
      links.push(`[${t('Visualise receptive field')}](${commandLink('layerLens.visualiseReceptiveField', options.link)})`);
    }
    if (module.attention !== null) links.push(`[${t('Show attention')}](${commandLink('layerLens.showAttention', options.link)})`);
  }

  const head = lines.join('  \n');
  const tail = [factsLine, ...fieldLines].filter((l) => l !== '').join('  \n');
  return [head, ...blocks, tail, links.join(' · ')].filter((s) => s !== '').join('\n\n');
}

function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** The CodeLens title of a model: `N params · input (1,3,224,224) → (1,1000)`. */
export function modelLensTitle(model: ModelInfo, t: Translate): string {
  const params = model.totalParams === null ? t('? params') : t('{0} params', formatCount(model.totalParams));
  const inputs = model.inputs.map((i) => (model.inputs.length > 1 ? `${i.name} ${formatShapesOut(i.shape)}` : formatShapesOut(i.shape)));
  if (inputs.length === 0) return params;
  const output = model.outputShapes !== null ? formatShapeList(model.outputShapes) : '?';
  return `${params} · ${t('input {0} → {1}', inputs.join(', '), output)}`;
}

/** The module the panel should open for the model's "Visualise receptive field": its deepest geometry layer. */
export function receptiveFieldTarget(model: ModelInfo): ModuleInfo | null {
  let target: ModuleInfo | null = null;
  for (const m of model.modules) if (m.geometry !== null && m.geometry.kind !== 'pool') target = m;
  return target;
}

/** The module the panel should open for "Show attention": the model's first attention layer. */
export function attentionTarget(model: ModelInfo): ModuleInfo | null {
  return model.modules.find((m) => m.attention !== null) ?? null;
}

/** The status bar text for the cursor: the shape of the innermost annotated expression or layer. */
export function statusText(analysis: Analysis, offset: number): { text: string; detail: string } | null {
  const annotation = annotationAt(analysis, offset);
  if (annotation !== null) {
    const module = moduleOfAnnotation(analysis, annotation);
    return {
      text: formatShapesOut(annotation.shape),
      detail: annotation.notation ?? (module ? `${module.path} · ${module.type}` : ''),
    };
  }
  const hit = moduleAt(analysis, offset);
  if (hit !== null && hit.module.outputShapes !== null) {
    return { text: formatShapeList(hit.module.outputShapes), detail: `${hit.module.path} · ${hit.module.type}` };
  }
  return null;
}

/**
 * The annotation that last gave a variable its shape before the offset: an assignment whose target
 * starts with the name (`x = ...`, `x, h = ...`), or an expression that is just the name.
 */
export function variableAnnotation(analysis: Analysis, text: string, name: string, offset: number): ShapeAnnotation | null {
  let best: ShapeAnnotation | null = null;
  const target = new RegExp(`^\\s*(?:self\\.)?${name.replace(/[^A-Za-z_0-9]/g, '')}\\s*(?:[:,=]|$)`);
  for (const a of analysis.annotations) {
    if (a.span.from > offset) continue;
    const source = text.slice(a.span.from, a.span.to);
    const assigns = a.kind === 'assign' && target.test(source.split('\n')[0]);
    if ((assigns || source.trim() === name) && (best === null || a.span.from > best.span.from)) best = a;
  }
  return best;
}
