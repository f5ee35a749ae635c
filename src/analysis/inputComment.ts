// The text side of "Set input shape…": parse what the user typed, and find where the
// `# layer-lens: x: (...)` comment goes: above forward()/call() of a model class, or above the
// `keras.Model(...)` line of a Keras functional model. Pure, so it is unit-tested without an
// editor; the command turns the result into the extension's only edit.

import type { DimOut, InputBinding, ModelInfo, Span } from './types';

/** Translates a message with `{0}`-style placeholders (vscode.l10n.t in the editor). */
type Translate = (message: string, ...args: Array<string | number | boolean>) => string;

/** Placeholder substitution without translation, for callers outside the editor. */
const untranslated: Translate = (message, ...args) => message.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)]));

/** A parsed binding, or the reason the text is not one. */
export type ParsedBinding = { binding: InputBinding } | { error: string };

const dtypes = new Set(['float', 'long', 'bool']);

/**
 * Parses `x: (N, 3, 224, 224)`, `x=(1,3,224,224)`, `(N,T):long` or a bare `(N, 80, T)`. Dimensions are
 * integers, identifiers, `?`, or small expressions such as `T-1`, kept as written.
 */
export function parseInputBinding(text: string, t: Translate = untranslated): ParsedBinding {
  const m = text.trim().match(/^(?:([A-Za-z_][A-Za-z_0-9]*)\s*[:=]\s*)?\(([^()]*)\)\s*(?::\s*([a-z]+))?$/);
  if (!m) return { error: t('Expected a shape such as x: (N, 3, 224, 224)') };
  const [, name, body, dtype] = m;
  if (dtype !== undefined && !dtypes.has(dtype)) return { error: t("Unknown dtype '{0}': use float, long or bool", dtype) };
  const parts = body.split(',').map((p) => p.trim());
  // A trailing comma is Python's one-element tuple, `(N,)`.
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  const shape: DimOut[] = [];
  for (const part of parts) {
    if (/^\d+$/.test(part)) shape.push(Number(part));
    else if (/^(\?|[A-Za-z_][A-Za-z_0-9]*|[A-Za-z_0-9+\-*/ ]+)$/.test(part) && /[A-Za-z_?]/.test(part)) shape.push(part.replace(/\s+/g, ''));
    else return { error: t("'{0}' is not a dimension: use a number, a name such as N, or ?", part) };
  }
  const binding: InputBinding = { shape };
  if (name !== undefined) binding.name = name;
  if (dtype !== undefined) binding.dtype = dtype as InputBinding['dtype'];
  return { binding };
}

/** Prints a binding as the comment writes it: `x: (N, 3, 224, 224)`, with `:long` for token ids. */
export function formatInputBinding(binding: InputBinding): string {
  const tuple = binding.shape.length === 1 ? `(${binding.shape[0]},)` : `(${binding.shape.join(', ')})`;
  const dtype = binding.dtype && binding.dtype !== 'float' ? `:${binding.dtype}` : '';
  return `${binding.name !== undefined ? `${binding.name}: ` : ''}${tuple}${dtype}`;
}

/** A text replacement in offsets of the analysed document. */
export interface TextReplacement {
  from: number;
  to: number;
  text: string;
}

const commentPattern = /^([ \t]*)#\s*layer-lens\s*:\s*(.*)$/;

/** Splits `x: (N, 3), h: (N, 64):long` at the commas outside parentheses. */
function splitBindings(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of text) {
    if (c === '(' || c === '[') depth++;
    if (c === ')' || c === ']') depth--;
    if (c === ',' && depth === 0) {
      items.push(current.trim());
      current = '';
    } else current += c;
  }
  if (current.trim() !== '') items.push(current.trim());
  return items;
}

/** The `def forward(`/`def call(` line of a model class, searched inside its span. */
export function findForwardDef(text: string, modelSpan: Span): { lineStart: number; indent: string } | null {
  const body = text.slice(modelSpan.from, modelSpan.to);
  const m = /^([ \t]*)(?:async[ \t]+)?def[ \t]+(forward|call)[ \t]*\(/m.exec(body);
  if (!m) return null;
  return { lineStart: modelSpan.from + m.index, indent: m[1] };
}

/**
 * The line that makes a Keras model built on `keras.Input` (`model = keras.Model(inputs, outputs)`,
 * `return Model(inputs=..., outputs=...)`, `keras.Sequential([keras.Input(...), ...])`), searched
 * inside its span: the analysis reads a binding comment above that line. The last such call wins,
 * as the one a factory returns; a class statement that subclasses `keras.Model` is not one.
 */
export function findFunctionalModelLine(text: string, modelSpan: Span): { lineStart: number; indent: string } | null {
  const body = text.slice(modelSpan.from, modelSpan.to);
  const call = /(?<![\w.])(?:[A-Za-z_][\w]*\.)*(?:Model|Sequential)[ \t]*\(/g;
  let found: { lineStart: number; indent: string } | null = null;
  for (let m = call.exec(body); m !== null; m = call.exec(body)) {
    const lineStart = body.lastIndexOf('\n', m.index - 1) + 1;
    const line = body.slice(lineStart, body.indexOf('\n', m.index) < 0 ? body.length : body.indexOf('\n', m.index));
    if (/^[ \t]*class\b/.test(line) || /^[ \t]*#/.test(line)) continue;
    found = { lineStart: modelSpan.from + lineStart, indent: /^[ \t]*/.exec(line)![0] };
  }
  return found;
}

/**
 * The assignment that makes a PyTorch model the script builds at module level (`model = Head(40, 21)`,
 * the model's whole span): the analysis reads a binding comment above that line.
 */
export function findAssignmentLine(text: string, model: BindableModel): { lineStart: number; indent: string } | null {
  if (model.framework !== 'pytorch' || !/^[A-Za-z_]\w*[ \t]*=(?!=)/.test(text.slice(model.span.from, model.span.to))) return null;
  const lineStart = text.lastIndexOf('\n', model.span.from - 1) + 1;
  return { lineStart, indent: /^[ \t]*/.exec(text.slice(lineStart, model.span.from))![0] };
}

/** Where a model's binding comment goes: above forward()/call(), or above a functional model's `Model(...)` line. */
export interface BindingAnchor {
  /** Offset of the line the comment goes above. */
  lineStart: number;
  indent: string;
  /** Decorators sit between a def and its comment; a functional model's line has none. */
  decorated: boolean;
}

/** Which parts of a model place its comment. */
export type BindableModel = Pick<ModelInfo, 'span' | 'framework' | 'inputs'>;

/** True when every input of a model has a known rank: a Keras model built on `keras.Input` (not `…`). */
function ranked(model: BindableModel): boolean {
  return model.inputs.length > 0 && model.inputs.every((input) => Array.isArray(input.shape) && !input.shape.includes('…'));
}

/**
 * The anchor of a model's binding comment, or null when neither form applies (a tfjs model, a
 * catalogue layer, a Keras model not built on `keras.Input`, for which the analysis reads no comment).
 */
export function bindingAnchor(text: string, model: BindableModel): BindingAnchor | null {
  const def = findForwardDef(text, model.span);
  if (def !== null) return { ...def, decorated: true };
  const assigned = findAssignmentLine(text, model);
  if (assigned !== null) return { ...assigned, decorated: false };
  if (model.framework !== 'keras' || !ranked(model)) return null;
  const made = findFunctionalModelLine(text, model.span);
  return made === null ? null : { ...made, decorated: false };
}

/**
 * True when a Keras functional model leaves an input size unknown (`keras.Input(shape=(120, F))`
 * with F read from data): "Set input shape…" is offered there. The batch dimension does not count,
 * since Keras keeps it None. A model not yet built (`Sequential([Dense(4)])`, no rank known, printed
 * `…`) is not offered: the analysis reads no comment for it.
 */
export function functionalInputsUnknown(text: string, model: BindableModel): boolean {
  if (model.framework !== 'keras' || findForwardDef(text, model.span) !== null || bindingAnchor(text, model) === null) return false;
  return model.inputs.some((input) => Array.isArray(input.shape) && input.shape.some((d, i) => i > 0 && typeof d !== 'number'));
}

/**
 * The edit that binds one input of a model. The analysis reads the nearest `# layer-lens:` comment
 * above forward()/call() (over comments and decorators) or above a functional model's `Model(...)`
 * line (over comments), so every input's binding lives on that one line: this input's item is
 * replaced there or appended, and without such a line one is inserted (above the decorators).
 * Null when the model has neither place to annotate.
 */
export function inputCommentEdit(text: string, model: BindableModel | Span, binding: InputBinding, onlyInput: boolean): TextReplacement | null {
  // A bare span is a model class: only its forward()/call() takes the comment.
  const anchor = 'span' in model ? bindingAnchor(text, model) : bindingAnchor(text, { span: model, framework: 'pytorch', inputs: [] });
  if (anchor === null) return null;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const item = formatInputBinding(binding);
  let insertAt = anchor.lineStart;
  let cursor = anchor.lineStart;
  while (cursor > 0) {
    const prevEnd = cursor - 1;
    const prevStart = text.lastIndexOf('\n', prevEnd - 1) + 1;
    const line = text.slice(prevStart, prevEnd).replace(/\r$/, '');
    const trimmed = line.trim();
    if (!(trimmed.startsWith('#') || (anchor.decorated && trimmed.startsWith('@')))) break;
    const comment = commentPattern.exec(line);
    if (comment) {
      const items = splitBindings(comment[2]);
      const index = items.findIndex((existing) => {
        const named = /^([A-Za-z_][A-Za-z_0-9]*)\s*[:=]/.exec(existing);
        return named ? named[1] === binding.name : onlyInput || binding.name === undefined;
      });
      if (index >= 0) items[index] = item;
      else items.push(item);
      return { from: prevStart, to: prevStart + line.length, text: `${comment[1]}# layer-lens: ${items.join(', ')}` };
    }
    if (trimmed.startsWith('@')) insertAt = prevStart;
    cursor = prevStart;
  }
  return { from: insertAt, to: insertAt, text: `${anchor.indent}# layer-lens: ${item}${eol}` };
}
