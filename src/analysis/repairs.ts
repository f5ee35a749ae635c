// Repairs of shape errors, as the data flow determines them. The engine knows at an error site
// what arrived (a shape) and what the code asked for (a constructor argument, a number in a
// view, a dim); this module turns that knowledge into a few plain edits of the document — the
// constructor argument set to the size that arrives, the number of a view that makes the element
// counts agree, the nearest dim in range, or the transpose/flatten that restores the layout a
// layer expects. Pure functions over text and shapes, so every rule is unit tested without the
// interpreter; the interpreter only decides where to call them.

import type { Finding, Fix, FixEdit, Span, TextPosition } from './types';
import { lookupLayer, type InputSizeArgument, type LayerSpec } from './layers/catalogue';
import { lineAt, lineStartsOf } from './lineIndex';

// ------------------------------------------------------------------ positions

/** The LSP position (0-based line, UTF-16 character) of an offset, given the text's line starts. */
export function positionAt(lineStarts: readonly number[], offset: number): TextPosition {
  const line = lineAt(lineStarts, offset) - 1;
  return { line, character: offset - lineStarts[line] };
}

/** An edit replacing `span` of the text whose line starts are given by `newText`. */
export function fixEdit(lineStarts: readonly number[], span: Span, newText: string): FixEdit {
  return { span: { from: span.from, to: span.to }, range: { start: positionAt(lineStarts, span.from), end: positionAt(lineStarts, span.to) }, newText };
}

/**
 * Recomputes every fix edit's LSP range from its offsets. The incremental analysis moves the
 * offsets of replayed findings; the ranges follow here, once, for the text that was analysed.
 */
export function withFixRanges(findings: Finding[], text: string): void {
  if (!findings.some((f) => f.fixes?.length)) return;
  const starts = lineStartsOf(text);
  for (const f of findings) {
    if (!f.fixes) continue;
    f.fixes = f.fixes.map((fix) => ({ ...fix, edits: fix.edits.map((e) => fixEdit(starts, e.span, e.newText)) }));
  }
}

/** Orders fixes with the preferred one first, keeps at most `limit`, and drops repeated edits. */
export function rankFixes(fixes: Fix[], limit = 4): Fix[] {
  const seen = new Set<string>();
  const out: Fix[] = [];
  const ordered = [...fixes.filter((f) => f.preferred), ...fixes.filter((f) => !f.preferred)];
  for (const f of ordered) {
    const key = f.edits.map((e) => `${e.span.from}:${e.span.to}:${e.newText}`).join('|');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(out.length === 0 ? f : { ...f, preferred: undefined });
    if (out.length >= limit) break;
  }
  return out;
}

// ------------------------------------------------------------------ call arguments in the text

/** One argument of a call as written: its keyword (null when positional) and the span of its value. */
export interface CallArgument {
  name: string | null;
  starred: boolean;
  /** The whole argument, keyword included. */
  span: Span;
  /** The value expression alone. */
  value: Span;
  /** The value's text. */
  text: string;
}

/** The arguments of the call whose text is `text[span.from, span.to)` and ends with its closing `)`. */
export function callArguments(text: string, span: Span): { args: CallArgument[]; open: number; close: number } | null {
  const close = span.to - 1;
  if (close < span.from || text[close] !== ')') return null;
  // Scan the call once: the argument list is the bracket group at depth 0 that closes at its end.
  let depth = 0;
  let open = -1;
  const commas: number[] = [];
  for (let i = span.from; i <= close; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      i = skipString(text, i, close);
      continue;
    }
    if (c === '#') {
      while (i <= close && text[i] !== '\n') i++;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') {
      if (depth === 0 && c === '(') {
        open = i;
        commas.length = 0;
      }
      depth++;
    } else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth < 0) return null;
    } else if (c === ',' && depth === 1) commas.push(i);
  }
  if (open < 0 || depth !== 0) return null;
  const bounds = [open, ...commas, close];
  const args: CallArgument[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    let from = bounds[k] + 1;
    let to = bounds[k + 1];
    while (from < to && /\s/.test(text[from])) from++;
    while (to > from && /\s/.test(text[to - 1])) to--;
    if (from === to) continue; // a trailing comma
    const piece = text.slice(from, to);
    const kw = /^([A-Za-z_]\w*)\s*=(?!=)\s*/.exec(piece);
    const starred = !kw && piece.startsWith('*');
    const valueFrom = kw ? from + kw[0].length : from;
    args.push({ name: kw ? kw[1] : null, starred, span: { from, to }, value: { from: valueFrom, to }, text: text.slice(valueFrom, to) });
  }
  return { args, open, close };
}

function skipString(text: string, i: number, end: number): number {
  const q = text[i];
  const triple = text.startsWith(q.repeat(3), i);
  let j = i + (triple ? 3 : 1);
  while (j <= end) {
    if (text[j] === '\\') {
      j += 2;
      continue;
    }
    if (triple ? text.startsWith(q.repeat(3), j) : text[j] === q) return j + (triple ? 2 : 0);
    if (!triple && text[j] === '\n') return j;
    j++;
  }
  return end;
}

/**
 * The argument bound to a parameter: by keyword `name`, else the positional one at `index`
 * (only while no `*args` precedes it). Null when the call leaves it to its default.
 */
export function argumentFor(args: CallArgument[], name: string, index: number | null): CallArgument | null {
  const byName = args.find((a) => a.name === name);
  if (byName) return byName;
  if (index === null) return null;
  const positional = args.filter((a) => a.name === null);
  if (positional.slice(0, index + 1).some((a) => a.starred)) return null;
  return positional[index] ?? null;
}

/** An edit setting a parameter of the call at `span` to `newText`: replaces its argument, or adds `name=newText`. */
export function argumentEdit(text: string, span: Span, name: string, index: number | null, newText: string, insert = true): { span: Span; newText: string; old: string | null } | null {
  const call = callArguments(text, span);
  if (!call) return null;
  const arg = argumentFor(call.args, name, index);
  if (arg) return arg.text === newText ? null : { span: arg.value, newText, old: arg.text };
  if (!insert || call.args.some((a) => a.starred || a.text.startsWith('**'))) return null;
  const sep = call.args.length ? ', ' : '';
  return { span: { from: call.close, to: call.close }, newText: `${sep}${name}=${newText}`, old: null };
}

// ------------------------------------------------------------------ what to change

/** A known size or null (symbolic or unknown sizes never decide a repair). */
export type Size = number | null;

/** A layer's size argument as its catalogue entry declares it, with the argument's position. */
export interface SizeParam extends InputSizeArgument {
  /** Positional index of the parameter in the constructor. */
  index: number;
}

/** The position of a parameter among a signature's positional parameters, or null. */
function positionOf(spec: LayerSpec, param: string): number | null {
  const i = spec.signature.filter((p) => !p.keywordOnly).findIndex((p) => p.name === param);
  return i < 0 ? null : i;
}

/** A layer's size argument as its catalogue entry declares it, with its position, or null. */
export function sizeParamFor(layer: string): SizeParam | null {
  const spec = lookupLayer('pytorch', layer);
  const size = spec?.inputSize;
  const index = size ? positionOf(spec, size.param) : null;
  return size && index !== null ? { ...size, index } : null;
}

/** A repair of a layer call, before it becomes edits. */
export type LayerRepair =
  | { kind: 'argument'; param: string; index: number; value: string; words: string }
  | { kind: 'layout'; suffix: string; words: string };

/** The constructor parameter a layer's input size must agree with, if the layer has one. */
export function sizeParamOf(layer: string): { param: string; index: number } | null {
  const p = sizeParamFor(layer);
  return p ? { param: p.param, index: p.index } : null;
}

/** The constructor parameter that sets the size of the dim a layer makes (`out_features`), if it has one. */
export function outputSizeParamOf(layer: string): { param: string; index: number } | null {
  const spec = lookupLayer('pytorch', layer);
  const index = spec?.outputSize ? positionOf(spec, spec.outputSize) : null;
  return spec?.outputSize && index !== null ? { param: spec.outputSize, index } : null;
}

/**
 * Repairs of a layer whose input disagrees with its size argument: `expected` is that argument
 * (a number, or a list for LayerNorm), `input` the arriving shape. Layout repairs come first when
 * another dim of the input has exactly the expected size (a forgotten transpose or flatten); the
 * argument set to what arrives comes next. Empty when the disagreement is not certain.
 */
export function layerRepairs(layer: string, expected: number | number[], input: Size[]): LayerRepair[] {
  const p = sizeParamFor(layer);
  if (!p || input.length === 0) return [];
  const rank = input.length;
  const out: LayerRepair[] = [];
  if (p.axis === 'trailing') {
    const want = Array.isArray(expected) ? expected : [expected];
    if (want.length > rank) return [];
    const got = input.slice(rank - want.length);
    if (got.some((d) => d === null) || got.every((d, i) => d === want[i])) return [];
    const value = Array.isArray(expected) && want.length > 1 ? `(${got.join(', ')})` : Array.isArray(expected) ? `(${got[0]},)` : String(got[0]);
    if (want.length === 1 && rank >= 3 && input[rank - 2] === want[0]) out.push(transposeLast(rank));
    out.push({ kind: 'argument', param: p.param, index: p.index, value, words: `set normalized_shape to ${value}, the trailing size of the input` });
    return out;
  }
  const want = Array.isArray(expected) ? (expected.length === 1 ? expected[0] : null) : expected;
  if (want === null) return [];
  if (p.axis === 'last') {
    const last = input[rank - 1];
    if (last === null || last === want) return [];
    if (lookupLayer('pytorch', layer)?.family === 'linear' && rank >= 3 && input.slice(1).every((d) => d !== null) && product(input.slice(1) as number[]) === want)
      out.push({ kind: 'layout', suffix: '.flatten(1)', words: `flatten all but the batch dim first: ${shapeWords(input)} holds ${want} values per sample` });
    else if (rank >= 3 && input[rank - 2] === want) out.push(transposeLast(rank));
    else if (rank >= 3 && input[1] === want && rank > 3) out.push({ kind: 'layout', suffix: '.movedim(1, -1)', words: `move dim 1 (size ${want}) last` });
    out.push({ kind: 'argument', param: p.param, index: p.index, value: String(last), words: `set ${p.param}=${last}, the size of the input's last dim` });
    return out;
  }
  // Channel layers: dim 1 of a batched input, dim 0 of an unbatched one (convolutions, instance norms).
  const spatial = p.spatial;
  const batched = p.batchedRanks ? p.batchedRanks.includes(rank) : spatial === undefined || rank === spatial + 2;
  const unbatched = !p.batchedRanks && spatial !== undefined && rank === spatial + 1;
  if (!batched && !unbatched) {
    return [];
  }
  const axis = batched ? 1 : 0;
  const got = input[axis];
  if (got === null || got === want) return [];
  if (batched && rank === 3 && input[2] === want) out.push({ kind: 'layout', suffix: '.transpose(1, 2)', words: `swap dims 1 and 2: the ${want} channels arrive last` });
  else if (batched && rank === 4 && input[3] === want) out.push({ kind: 'layout', suffix: '.permute(0, 3, 1, 2)', words: `move the channels first: the ${want} channels arrive last (NHWC)` });
  else if (unbatched && want === 1 && spatial !== undefined) out.push({ kind: 'layout', suffix: '.unsqueeze(1)', words: `add the channel dim: a ${rank}-D input is read as unbatched (C,…) with ${got} channels` });
  out.push({ kind: 'argument', param: p.param, index: p.index, value: String(got), words: `set ${p.param}=${got}, the channels that arrive` });
  return out;
}

/**
 * True when an input of this shape certainly agrees with the layer's size argument: the dim the
 * argument must match is known and equal (a remake of the input that a layer accepts).
 */
export function layerAgrees(layer: string, expected: number | number[], input: Size[]): boolean {
  const p = sizeParamFor(layer);
  const rank = input.length;
  if (!p || rank === 0) return false;
  const want = Array.isArray(expected) ? expected : [expected];
  if (p.axis === 'trailing') return want.length <= rank && input.slice(rank - want.length).every((d, i) => d === want[i]);
  if (want.length !== 1) return false;
  if (p.axis === 'last') return input[rank - 1] === want[0];
  const batched = p.batchedRanks ? p.batchedRanks.includes(rank) : p.spatial === undefined || rank === p.spatial + 2;
  const unbatched = !p.batchedRanks && p.spatial !== undefined && rank === p.spatial + 1;
  if (!batched && !unbatched) return false;
  return input[batched ? 1 : 0] === want[0];
}

function transposeLast(rank: number): LayerRepair {
  return { kind: 'layout', suffix: rank === 3 ? '.transpose(1, 2)' : '.transpose(-2, -1)', words: 'swap the last two dims: the expected size arrives second to last' };
}

function product(xs: number[]): number {
  return xs.reduce((a, b) => a * b, 1);
}

function shapeWords(s: Size[]): string {
  return `(${s.map((d) => (d === null ? '?' : String(d))).join(',')})`;
}

/**
 * The size that makes a view/reshape agree with its input, at one written size. Without a `-1`
 * the element counts decide it: the input's count divided by the other sizes. With a `-1` any
 * divisor would run, so the candidates are the input's own dims and products of consecutive dims
 * (what a view regroups), the closest to the written value first: `view(-1, 401)` of a
 * (1,16,5,5) input becomes `view(-1, 400)`. A size marked `'same'` is written as the input's dim
 * at that place (`x.size(0)`) and cancels it, so unknown input dims (null) may sit only there.
 * One candidate per index that holds a number literal (`literal`).
 */
export function reshapeRepairs(input: Size[], sizes: (number | 'same' | null)[], literal: boolean[]): { index: number; value: number }[] {
  const out: { index: number; value: number; distance: number }[] = [];
  const hasInfer = sizes.includes(-1);
  for (let j = 0; j < sizes.length; j++) {
    const written = sizes[j];
    if (!literal[j] || typeof written !== 'number' || written === -1) continue;
    const cancelled = new Set<number>();
    let rest = 1;
    let ok = true;
    for (let i = 0; i < sizes.length && ok; i++) {
      const s = sizes[i];
      if (i === j || s === -1) continue;
      if (s === null) ok = false;
      else if (s === 'same') {
        if (i < input.length) cancelled.add(i);
        else ok = false;
      } else rest *= s;
    }
    const kept = input.filter((_, i) => !cancelled.has(i));
    if (!ok || rest === 0 || kept.some((d) => d === null)) continue;
    const dims = kept as number[];
    const total = product(dims);
    if (total % rest !== 0) continue;
    const room = total / rest;
    let best: number | null = null;
    if (!hasInfer) best = room;
    else {
      for (let a = 0; a < dims.length; a++) {
        for (let b = a + 1; b <= dims.length; b++) {
          const v = product(dims.slice(a, b));
          if (v <= 0 || room % v !== 0) continue;
          if (best === null || Math.abs(Math.log(v / Math.max(written, 1))) < Math.abs(Math.log(best / Math.max(written, 1)))) best = v;
        }
      }
    }
    if (best === null || best === written || best <= 0) continue;
    out.push({ index: j, value: best, distance: Math.abs(Math.log(best / Math.max(written, 1))) });
  }
  out.sort((a, b) => a.distance - b.distance);
  return out.map(({ index, value }) => ({ index, value }));
}

/** The nearest dim in range for a rank: `rank - 1` for a dim past the end, `-rank` for one before the start. */
export function nearestDim(dim: number, rank: number): number | null {
  if (rank <= 0) return null;
  if (dim >= rank) return dim < 0 ? null : rank - 1;
  if (dim < -rank) return -rank;
  return null;
}

/**
 * The dim along which tensors of these shapes concatenate: the one dim where they differ (all
 * others equal and known). Null when there is none or more than one.
 */
export function catDimRepair(shapes: Size[][]): number | null {
  if (shapes.length < 2) return null;
  const rank = shapes[0].length;
  if (shapes.some((s) => s.length !== rank)) return null;
  let differing: number | null = null;
  for (let d = 0; d < rank; d++) {
    const col = shapes.map((s) => s[d]);
    if (col.some((x) => x === null)) return null;
    if (col.every((x) => x === col[0])) continue;
    if (differing !== null) return null;
    differing = d;
  }
  return differing;
}

/**
 * The new text of a size argument written as `written` when the layers one constructor call
 * made (in a loop, or a helper called several times) expected `want` and received `got`. One
 * pair gives the literal; several give an expression when they differ by one constant offset or
 * factor (`out_filters + 1` → `out_filters`, `ch * 2` → `ch`, `ch` → `ch * 2`); else null, since
 * no single edit of the argument fixes them all.
 */
export function sizeArgumentRewrite(written: string, pairs: { want: number; got: number }[]): string | null {
  const distinct = [...new Map(pairs.map((p) => [`${p.want}:${p.got}`, p])).values()];
  if (distinct.length === 0 || distinct.some((p) => p.want === p.got)) return null;
  if (distinct.length === 1) return String(distinct[0].got);
  const text = written.trim();
  const delta = distinct[0].got - distinct[0].want;
  if (distinct.every((p) => p.got - p.want === delta)) {
    const m = /^(.*?)\s*([+-])\s*(\d+)$/.exec(text);
    if (m && (m[2] === '+' ? -Number(m[3]) : Number(m[3])) === delta) return m[1];
    return delta > 0 ? `${wrapOperand(text)} + ${delta}` : `${wrapOperand(text)} - ${-delta}`;
  }
  const up = distinct[0].got / distinct[0].want;
  if (Number.isInteger(up) && distinct.every((p) => p.got === p.want * up)) {
    const m = /^(.*?)\s*\/\/\s*(\d+)$/.exec(text);
    if (m && Number(m[2]) === up) return m[1];
    return `${wrapOperand(text)} * ${up}`;
  }
  const down = distinct[0].want / distinct[0].got;
  if (Number.isInteger(down) && distinct.every((p) => p.want === p.got * down)) {
    const m = /^(.*?)\s*\*\s*(\d+)$/.exec(text);
    if (m && Number(m[2]) === down) return m[1];
    return `${wrapOperand(text)} // ${down}`;
  }
  return null;
}

function wrapOperand(text: string): string {
  return /^[\w.]+(\([^()]*\)|\[[^\][]*\])*$/.test(text) ? text : `(${text})`;
}
