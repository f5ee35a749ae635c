// Input shapes for a model's forward(): from a `# layer-lens:` comment on or above the `def`,
// from jaxtyping annotations (`Float[Tensor, "batch channels time"]`), or from the caller's
// bindings (a setting, the CLI's --input). Unbound inputs stay tensors of unknown rank.

import { parseDim, type Dim } from '../shapes';
import type { InputBinding } from '../types';
import type { Expr, Param } from './ast';

/** One parsed input binding with dims already parsed. */
export interface ParsedBinding {
  name?: string;
  dims: Dim[];
  /** False when the binding leaves leading dims open (`*batch` in jaxtyping). */
  ranked: boolean;
  dtype: 'float' | 'long' | 'bool';
  /** Where the binding was written (the `# layer-lens:` comment), for findings about it. */
  site?: { from: number; to: number };
}

/** Splits at commas outside brackets. */
function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  // Character codes and slices: no string is built character by character.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 40 || c === 91) depth++;
    else if (c === 41 || c === 93) depth--;
    else if (c === 44 && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  const last = text.slice(start);
  if (last.trim()) out.push(last);
  return out;
}

function dtypeOf(text: string | undefined): 'float' | 'long' | 'bool' {
  const t = (text ?? '').trim().toLowerCase();
  if (['long', 'int', 'int64', 'int32', 'tokens', 'ids'].includes(t)) return 'long';
  if (t === 'bool') return 'bool';
  return 'float';
}

/**
 * Parses one shape spec: `(1,3,224,224)`, `x=(N,T)`, `x: (N, T):long`, `lengths: (N,):long`.
 * Returns null when it is not a shape.
 */
export function parseShapeSpec(spec: string): ParsedBinding | null {
  const m = spec.trim().match(/^(?:([A-Za-z_][A-Za-z_0-9]*)\s*[:=]\s*)?\(([^()]*)\)\s*(?::\s*([A-Za-z0-9_]+))?$/);
  if (!m) return null;
  const inner = m[2].trim();
  const parts = inner === '' ? [] : inner.split(',').map((p) => p.trim()).filter((p, i, all) => p !== '' || i < all.length - 1);
  if (parts.some((p) => p === '')) return null;
  const dims: Dim[] = [];
  for (const p of parts) {
    if (!/^[A-Za-z_0-9+\-*/ ?]+$/.test(p)) return null;
    dims.push(parseDim(p));
  }
  return { name: m[1], dims, ranked: true, dtype: dtypeOf(m[3]) };
}

const LAYER_LENS_COMMENT = /#\s*layer-lens\s*:\s*(.*)$/;

/**
 * Parsed comments of the analysis under way, by the comment line's text (null outside one). Files
 * repeat the same comment over many classes (`# layer-lens: x: (N, 64, 32, 32)`), and each model's
 * build reads its forward's comment; the map is dropped with its analysis.
 */
let parsedComments: Map<string, ParsedBinding[] | null> | null = null;

/**
 * Runs `analysis` with comment lines parsed once each (see `parsedComments`). The bindings a
 * comment gives are shared by the lines that repeat it: nothing changes a binding once parsed.
 */
export function withCommentCache<T>(analysis: () => T): T {
  const outer = parsedComments;
  parsedComments = new Map();
  try {
    return analysis();
  } finally {
    parsedComments = outer;
  }
}

function parseCommentLine(raw: string): ParsedBinding[] | null {
  if (!parsedComments) return parseLayerLensComment(raw);
  let list = parsedComments.get(raw);
  if (list === undefined) {
    list = parseLayerLensComment(raw);
    parsedComments.set(raw, list);
  }
  return list;
}

/** Bindings in a `# layer-lens: x: (N,3,224,224), lengths: (N,):long` comment. */
export function parseLayerLensComment(text: string): ParsedBinding[] | null {
  const m = text.match(LAYER_LENS_COMMENT);
  if (!m) return null;
  const out: ParsedBinding[] = [];
  for (const item of splitTopLevel(m[1])) {
    const b = parseShapeSpec(item);
    if (b) out.push(b);
  }
  return out;
}

/**
 * The `# layer-lens:` comments that bind a `def`: on the `def` line, in the block of comment and
 * decorator lines directly above it, and as the first line of the body. Consecutive comments bind
 * together (`# layer-lens: query: (2, 1024)` then `# layer-lens: memory: (2, 37, 512)`), in the
 * order they are written; each binding remembers its comment's span. Null when there is none.
 */
export function commentBindingsAbove(text: string, lineStarts: readonly number[], defLine: number): ParsedBinding[] | null {
  let out: ParsedBinding[] | null = null;
  for (const n of bindingLines(text, lineStarts, defLine)) {
    const { from, raw } = lineSpan(text, lineStarts, n);
    const list = parseCommentLine(raw);
    if (!list) continue;
    const at = raw.search(/#\s*layer-lens/);
    const site = { from: from + at, to: from + raw.length };
    out ??= [];
    // The fields parseShapeSpec writes, in its order, and the site: what a spread would copy.
    for (const b of list) out.push({ name: b.name, dims: b.dims, ranked: b.ranked, dtype: b.dtype, site });
  }
  return out;
}

/** Whether `commentBindingsAbove` finds a comment (without parsing its shapes). */
export function hasCommentBindingsAbove(text: string, lineStarts: readonly number[], defLine: number): boolean {
  return bindingLines(text, lineStarts, defLine).some((n) => LAYER_LENS_COMMENT.test(lineSpan(text, lineStarts, n).raw));
}

/** The lines a `def` on `defLine` may be bound by: comments and decorators above, the def, a comment below. */
function bindingLines(text: string, lineStarts: readonly number[], defLine: number): number[] {
  const lines: number[] = [];
  for (let n = defLine - 1; n >= 1; n--) {
    const t = lineSpan(text, lineStarts, n).raw.trim();
    if (t.startsWith('#') || t.startsWith('@')) {
      lines.unshift(n);
      continue;
    }
    break;
  }
  lines.push(defLine);
  // A comment as the first line of the body also counts ("on" the def).
  if (defLine < lineStarts.length && lineSpan(text, lineStarts, defLine + 1).raw.trim().startsWith('#')) lines.push(defLine + 1);
  return lines;
}

/** Line `n` (1-based) without its line break. */
function lineSpan(text: string, lineStarts: readonly number[], n: number): { from: number; to: number; raw: string } {
  const from = lineStarts[n - 1];
  let to = n < lineStarts.length ? lineStarts[n] : text.length;
  // Without its line break (`\n` or `\r\n`), as the regular expression /\r?\n$/ would remove it.
  if (to > from && text.charCodeAt(to - 1) === 10) {
    to--;
    if (to > from && text.charCodeAt(to - 1) === 13) to--;
  }
  return { from, to, raw: text.slice(from, to) };
}

/**
 * Bindings written for a parameter forward() does not have (`# layer-lens: querry: (2, 1024)`):
 * each is a mistake the user can fix, reported on its comment.
 */
export function bindingsNamingNoParameter(params: readonly Param[], bindings: readonly ParsedBinding[] | null): { site: { from: number; to: number }; message: string }[] {
  const names = params.filter((p) => p.kind === 'pos' || p.kind === 'kwonly').map((p) => p.name);
  const out: { site: { from: number; to: number }; message: string }[] = [];
  for (const b of bindings ?? []) {
    if (!b.name || !b.site || params.some((p) => p.name === b.name)) continue;
    const known = names.length > 0 ? names.join(', ') : 'none';
    out.push({ site: b.site, message: `the binding '${b.name}' names no parameter of forward() (its parameters: ${known})` });
  }
  return out;
}

const jaxDtypes: Record<string, 'float' | 'long' | 'bool'> = {
  Float: 'float', Float32: 'float', Float64: 'float', Float16: 'float', BFloat16: 'float', Inexact: 'float', Real: 'float', Num: 'float', Shaped: 'float',
  Int: 'long', Int64: 'long', Int32: 'long', Integer: 'long', UInt8: 'long', Long: 'long', Bool: 'bool',
};

/** A jaxtyping annotation's shape: `Float[Tensor, "batch channels time"]`. */
export function jaxtypingBinding(annotation: Expr | null, text: string): ParsedBinding | null {
  if (!annotation || annotation.t !== 'subscript') return null;
  const obj = annotation.obj;
  const name = obj.t === 'name' ? obj.id : obj.t === 'attr' ? obj.attr : '';
  if (!(name in jaxDtypes)) return null;
  const items = annotation.index.length === 1 && annotation.index[0].t === 'tuple' ? annotation.index[0].elts : annotation.index;
  const spec = items[1];
  if (items.length !== 2 || spec.t !== 'str') return null;
  void text;
  const tokens = spec.value.trim().split(/\s+/).filter(Boolean);
  let ranked = true;
  const dims: Dim[] = [];
  tokens.forEach((tok, i) => {
    if (tok === '...' || tok.startsWith('*')) {
      if (i === 0) ranked = false;
      return;
    }
    const clean = tok.replace(/^[#_]+/, '').replace(/=.*$/, '');
    dims.push(clean === '' ? parseDim('?') : parseDim(clean));
  });
  return { dims, ranked, dtype: jaxDtypes[name] };
}

/** The caller's bindings in parsed form. */
export function optionBindings(inputs: readonly InputBinding[] | undefined): ParsedBinding[] {
  return (inputs ?? []).map((b) => ({ name: b.name, dims: b.shape.map((d) => (typeof d === 'number' ? d : parseDim(d))), ranked: true, dtype: b.dtype ?? 'float' }));
}

/**
 * Chooses a binding per forward parameter: named bindings by name, unnamed ones in order of the
 * parameters that have no default.
 */
export function bindByParams(params: readonly Param[], sources: (ParsedBinding[] | null)[]): Map<string, ParsedBinding> {
  const out = new Map<string, ParsedBinding>();
  for (const list of sources) {
    if (!list) continue;
    let next = 0;
    const required = params.filter((p) => p.kind === 'pos' && !p.default);
    for (const b of list) {
      if (b.name) {
        // A name forward() does not declare still reaches it through `**kwargs`.
        if (!out.has(b.name) && (params.some((p) => p.name === b.name && p.kind !== 'star' && p.kind !== 'dstar') || params.some((p) => p.kind === 'dstar'))) out.set(b.name, b);
      } else {
        while (next < required.length && out.has(required[next].name)) next++;
        if (next < required.length) out.set(required[next++].name, b);
      }
    }
  }
  return out;
}
