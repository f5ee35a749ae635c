// Where a tensor rule's repair goes in the text: the rules know which argument disagrees (a dim,
// a size of a view); these helpers find that argument in the call as written and make the edit.
// A written argument is only edited when its text reads as the value the rule used, so an edit
// never lands on an argument the interpreter did not actually read there.

import { argumentEdit, callArguments, fixEdit, nearestDim } from '../../repairs';
import { lineAt } from '../../lineIndex';
import type { Fix } from '../../types';
import type { CallSite } from '../values';

/** The integer a written argument denotes when it is integer arithmetic on literals (`16 * 5 * 5`, `-1`), else null. */
export function literalInt(text: string): number | null {
  if (!/^[\d\s()+\-*/]+$/.test(text) || !/\d/.test(text)) return null;
  let pos = 0;
  const src = text.replace(/\s+/g, '');
  const peek = () => src[pos];
  const atom = (): number | null => {
    if (peek() === '-') {
      pos++;
      const v = atom();
      return v === null ? null : -v;
    }
    if (peek() === '(') {
      pos++;
      const v = sum();
      if (peek() !== ')') return null;
      pos++;
      return v;
    }
    const m = /^\d+/.exec(src.slice(pos));
    if (!m) return null;
    pos += m[0].length;
    return Number(m[0]);
  };
  const term = (): number | null => {
    let v = atom();
    while (v !== null && (peek() === '*' || src.startsWith('//', pos))) {
      const floor = peek() === '/';
      pos += floor ? 2 : 1;
      const r = atom();
      if (r === null || (floor && r === 0)) return null;
      v = floor ? Math.floor(v / r) : v * r;
    }
    return v;
  };
  const sum = (): number | null => {
    let v = term();
    while (v !== null && (peek() === '+' || peek() === '-')) {
      const op = peek();
      pos++;
      const r = term();
      if (r === null) return null;
      v = op === '+' ? v + r : v - r;
    }
    return v;
  };
  const v = sum();
  return v !== null && pos === src.length && Number.isSafeInteger(v) ? v : null;
}

/** The written arguments of the call at a site in the main file, or null (elsewhere, or not a plain call). */
export function writtenArguments(site: CallSite): ReturnType<typeof callArguments> {
  if (!site.file.isMain) return null;
  return callArguments(site.file.text, site);
}

/** A fix setting a call's parameter (by keyword `name` or position `index`) to `newText`, when the call is in the main file. */
export function argumentFix(site: CallSite, name: string, index: number | null, newText: string, title: string, preferred = false): Fix | null {
  if (!site.file.isMain) return null;
  const e = argumentEdit(site.file.text, site, name, index, newText);
  if (!e) return null;
  return { title, edits: [fixEdit(site.file.lineStarts, e.span, e.newText)], ...(preferred ? { preferred } : {}) };
}

/**
 * A fix replacing a dim argument that is out of range with the nearest dim in range. Only when
 * the argument is written as the literal the rule read.
 */
export function dimFix(site: CallSite, name: string, index: number, dim: number, rank: number): Fix | null {
  const args = writtenArguments(site);
  if (!args) return null;
  const a = args.args.find((x) => x.name === name) ?? args.args.filter((x) => x.name === null)[index];
  if (!a || a.starred || literalInt(a.text) !== dim) return null;
  const to = nearestDim(dim, rank);
  if (to === null) return null;
  return { title: `Use ${name}=${to} (the input has ${rank} dims)`, edits: [fixEdit(site.file.lineStarts, a.value, String(to))], preferred: true };
}

/**
 * The fixes that write a dim argument of the call at a site as each of `dims` instead of `dim`
 * (a remake of the op: see TensorV.remakes), when the argument is written as the literal `dim`
 * in the main file. A negative written dim stays negative. Keyed by the new dim.
 */
export function dimRewrites(site: CallSite, name: string, index: number, dim: number, rank: number, dims: number[], op: string): Map<number, Fix> {
  const fixes = new Map<number, Fix>();
  const args = writtenArguments(site);
  if (!args) return fixes;
  const a = args.args.find((x) => x.name === name) ?? args.args.filter((x) => x.name === null)[index];
  if (!a || a.starred || literalInt(a.text) !== dim) return fixes;
  const line = lineAt(site.file.lineStarts, site.from);
  for (const d of dims) {
    const text = String(dim < 0 ? d - rank : d);
    fixes.set(d, { title: `Use ${name}=${text} in the ${op} at line ${line}`, edits: [fixEdit(site.file.lineStarts, a.value, text)] });
  }
  return fixes;
}

/** A fix appending a method call (`.transpose(1, 2)`) to an argument expression, parenthesised unless it is a plain primary. */
export function appendToArgument(site: CallSite, index: number, suffix: string, title: string, preferred = false): Fix | null {
  const args = writtenArguments(site);
  const a = args?.args.filter((x) => x.name === null)[index];
  if (!a || a.starred) return null;
  const primary = /^[A-Za-z_][\w.]*(\s*(\([^()]*\)|\[[^\][]*\]))*$/.test(a.text);
  const edits = primary
    ? [fixEdit(site.file.lineStarts, { from: a.value.to, to: a.value.to }, suffix)]
    : [fixEdit(site.file.lineStarts, { from: a.value.from, to: a.value.from }, '('), fixEdit(site.file.lineStarts, { from: a.value.to, to: a.value.to }, `)${suffix}`)];
  return { title, edits, ...(preferred ? { preferred } : {}) };
}
