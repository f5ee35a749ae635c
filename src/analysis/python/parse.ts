// The parse step, kept apart from interpretation so that an editor can reuse the previous tree
// (Lezer reparses only what an edit touched) and so that an imported module is parsed once.

import { TreeFragment, type ChangedRange, type Tree } from '@lezer/common';
import { parser } from '@lezer/python';

/** A parse result that can seed the next incremental parse of the same document. */
export interface ParsedPython {
  readonly text: string;
  readonly tree: Tree;
  readonly fragments: readonly TreeFragment[];
  /** Lines left unread because their brackets nest deeper than the parser can follow. */
  readonly unread?: readonly { from: number; to: number }[];
  /**
   * Offsets of the trailing dots of float literals such as `6.` that were blanked before parsing
   * (see `blankTrailingDots`): the lowering reads a number followed by such a dot as a float.
   */
  readonly blankedDots?: readonly number[];
}

/** Bracket depth beyond which a line is not parsed (Lezer's tree building recurses per level). */
export const MAX_BRACKET_DEPTH = 1000;

/**
 * Parses Python text with @lezer/python (error-tolerant: broken code yields error nodes, never a
 * throw). Given the previous parse and the changed ranges since, unchanged subtrees are reused.
 */
export function parsePython(text: string, previous?: ParsedPython, changes?: readonly ChangedRange[]): ParsedPython {
  if (previous && previous.text === text) return previous;
  const dots = trailingDots(text);
  let fragments: readonly TreeFragment[] = [];
  if (previous && changes && sameDotsOutsideChanges(previous.blankedDots ?? [], dots, changes)) fragments = TreeFragment.applyChanges(previous.fragments, changes);
  const source = blankTrailingDots(text, dots);
  const blankedDots = dots.length ? { blankedDots: dots } : {};
  const unread = deeplyNestedLines(source);
  if (unread.length) {
    // Such lines are blanked (same length, so every offset stays valid) and parsed from scratch.
    let blanked = '';
    let at = 0;
    for (const r of unread) {
      blanked += source.slice(at, r.from) + ' '.repeat(r.to - r.from);
      at = r.to;
    }
    blanked += source.slice(at);
    const tree = parser.parse(blanked);
    return { text, tree, fragments: [], unread, ...blankedDots };
  }
  const tree = parser.parse(source, fragments);
  return { text, tree, fragments: TreeFragment.addTree(tree, fragments), ...blankedDots };
}

/** Character classes by code: a word character (`[A-Za-z0-9_]`), a digit or `_`. */
function isWordCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}
function isDigitCode(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 95;
}
/** `rRbBuUfF`: the letters of string prefixes. */
function isStringPrefixCode(c: number): boolean {
  return c === 114 || c === 82 || c === 98 || c === 66 || c === 117 || c === 85 || c === 102 || c === 70;
}
const HASH = 35;
const NEWLINE = 10;
const DOT = 46;
const DOUBLE_QUOTE = 34;
const SINGLE_QUOTE = 39;

/**
 * Offsets of the dots ending decimal float literals written without a fraction (`6.`, `100.`),
 * outside strings and comments. @lezer/python reads such a dot as the start of an attribute access
 * and reports an error there, on code Python accepts; blanking the dot (one space, so every offset
 * stays valid) lets it read the integer part as a number, and the lowering restores the float.
 * Only dots followed by an operator, a bracket, a separator or white space are taken: `1.e5` and
 * `1.j` keep Lezer's reading.
 */
export function trailingDots(text: string): number[] {
  // Character codes, not one-character strings and regular expressions: this reads every
  // character of every file before it is parsed.
  const out: number[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === HASH) {
      while (i < n && text.charCodeAt(i) !== NEWLINE) i++;
      continue;
    }
    if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) {
      i = skipString(text, i);
      continue;
    }
    if (isWordCode(c)) {
      // A word or a number: a number starts with a digit not preceded by a word character or a dot.
      const start = i;
      let number = c >= 48 && c <= 57;
      let prefix = isStringPrefixCode(c);
      i++;
      while (i < n) {
        const w = text.charCodeAt(i);
        if (!isWordCode(w)) break;
        if (!isDigitCode(w)) number = false;
        if (!isStringPrefixCode(w)) prefix = false;
        i++;
      }
      if (number && text.charCodeAt(start - 1) !== DOT && text.charCodeAt(i) === DOT) {
        // Past the end, charCodeAt gives NaN: neither a word character nor a dot.
        const next = text.charCodeAt(i + 1);
        if (!isWordCode(next) && next !== DOT) out.push(i);
        i++;
        // A fraction after the dot (`1.5`) is part of the same number.
        while (i < n && isDigitCode(text.charCodeAt(i))) i++;
      } else if (prefix && i - start <= 2) {
        const q = text.charCodeAt(i);
        if (q === DOUBLE_QUOTE || q === SINGLE_QUOTE) i = skipString(text, i);
      }
      continue;
    }
    i++;
  }
  return out;
}

/** The offset just past the string literal whose opening quote is at `at` (single or triple). */
function skipString(text: string, at: number): number {
  const q = text.charCodeAt(at);
  const quote = text[at];
  const triple = text.startsWith(quote + quote + quote, at);
  const close = triple ? quote + quote + quote : quote;
  let i = at + close.length;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 92) {
      // A backslash escapes the next character.
      i += 2;
      continue;
    }
    if (!triple && c === NEWLINE) return i;
    if (c === q && (!triple || text.startsWith(close, i))) return i + close.length;
    i++;
  }
  return i;
}

/** The text with each of `dots` replaced by a space. */
function blankTrailingDots(text: string, dots: readonly number[]): string {
  if (dots.length === 0) return text;
  let out = '';
  let at = 0;
  for (const d of dots) {
    out += text.slice(at, d) + ' ';
    at = d + 1;
  }
  return out + text.slice(at);
}

/**
 * Whether the blanked dots of the previous and the new text agree outside the changed ranges, so
 * that subtrees of the previous parse outside them were read from the same blanked text.
 */
function sameDotsOutsideChanges(before: readonly number[], after: readonly number[], changes: readonly ChangedRange[]): boolean {
  const mapped: number[] = [];
  for (const p of before) {
    let shift = 0;
    let inside = false;
    for (const c of changes) {
      if (p >= c.toA) shift = c.toB - c.toA;
      else if (p >= c.fromA) inside = true;
    }
    if (!inside) mapped.push(p + shift);
  }
  const kept = after.filter((p) => !changes.some((c) => p >= c.fromB && p < c.toB));
  return mapped.length === kept.length && mapped.every((p, k) => p === kept[k]);
}

/** Lines (without their line break) on which the bracket depth exceeds MAX_BRACKET_DEPTH. */
function deeplyNestedLines(text: string): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  let depth = 0;
  let lineStart = 0;
  let deep = false;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 10;
    if (c === 40 || c === 91 || c === 123) {
      if (++depth > MAX_BRACKET_DEPTH) deep = true;
    } else if (c === 41 || c === 93 || c === 125) {
      if (depth > 0) depth--;
    } else if (c === 10) {
      if (deep) out.push({ from: lineStart, to: i });
      deep = false;
      lineStart = i + 1;
    }
  }
  return out;
}
