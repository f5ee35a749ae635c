// Python's operators over abstract values: arithmetic (`+ - * / // % ** @` and bitwise), `%`
// string formatting, comparisons, equality and identity, and the join of values from two branches.
// Tensor operands and user classes' operator methods are answered by the interpreter through
// OperatorHost, so this file does not depend on the interpreter.

import { addDim, compareDims, exceededSymbolicBound, floorDivDim, formatDim, isKnown, isUnknown, modDim, mulDim, subDim, symbolicBoundMessage, unknownDim, type Dim } from '../shapes';
import { FALSE, TRUE, describe, dictKey, force, int, str, unknown, type CallSite, type InstanceV, type Value } from './values';
import { beyondBoundMessage, chargeFor, CHARS_PER_WALKED_ITEM, fitsCollection, fitsString, MAX_COLLECTION_ITEMS, MAX_STRING_CHARS } from '../allocation';

/** What the operators need of the interpreter. */
export interface OperatorHost {
  /** A binary operator or comparison with at least one tensor operand (the framework plug-in's rule). */
  tensorBinop(op: string, a: Value, b: Value, site: CallSite): Value;
  /** Calls a user class's operator method (`__add__` …) on an instance; undefined when it has none. */
  instanceOperator(inst: InstanceV, method: string, arg: Value, site: CallSite): Value | undefined;
  /** Reports an inference gap at a site. */
  gap(site: CallSite, message: string): void;
  /** Counts work against the step budget (the size of a value built). */
  charge(n: number, site: CallSite): void;
  /** Counts the items an operation over existing values walks, named by `what` (allocation.ts's WalkMeter). */
  walked(items: number, site: CallSite, what: string): void;
}

/** Format strings longer than this are not formatted: the result is an unknown string, with a finding. */
export const MAX_FORMAT_LENGTH = 10_000;

const FORMAT_FLAGS = new Set(['-', '+', ' ', '0', '#']);
const FORMAT_CONVERSIONS = new Set(['s', 'd', 'i', 'f', 'r', 'x', '%']);

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/**
 * Python's `"%d" % x` formatting; unknown parts make the result unknown. One left-to-right scan
 * (flags, width, precision, conversion), linear in the format's length whatever it holds: the
 * regular expression it replaces had adjacent quantifiers and backtracked quadratically on
 * `'%' + '0' * n`.
 */
export function percentFormat(host: OperatorHost, fmt: string, arg: Value, site: CallSite): Value {
  if (fmt.length > MAX_FORMAT_LENGTH) {
    host.gap(site, `a %-format string of ${fmt.length} characters (more than ${MAX_FORMAT_LENGTH}) is not formatted; the result is an unknown string`);
    return unknown('formatted string too long to follow', site);
  }
  const out = formatPercent(fmt, arg.k === 'tuple' ? arg.items : [arg]);
  return out === null ? unknown('formatted string with an unknown part') : str(out);
}

/**
 * The scan behind percentFormat, without the length cap: the formatted text, or null when a
 * converted argument is unknown (or missing).
 */
export function formatPercent(fmt: string, args: readonly Value[]): string | null {
  let next = 0;
  let out = '';
  let i = 0;
  let failed = false;
  while (i < fmt.length) {
    const percent = fmt.indexOf('%', i);
    if (percent < 0) {
      out += fmt.slice(i);
      break;
    }
    out += fmt.slice(i, percent);
    let j = percent + 1;
    while (FORMAT_FLAGS.has(fmt[j])) j++;
    while (isDigit(fmt[j])) j++;
    if (fmt[j] === '.' && isDigit(fmt[j + 1])) {
      j++;
      while (isDigit(fmt[j])) j++;
    }
    const conv = fmt[j];
    if (conv === undefined || !FORMAT_CONVERSIONS.has(conv)) {
      // Not a conversion: the `%` stays as written and scanning resumes right after it.
      out += '%';
      i = percent + 1;
      continue;
    }
    i = j + 1;
    if (conv === '%') {
      out += '%';
      continue;
    }
    // Every conversion consumes its argument, as Python's does, even after an unknown one.
    const v = args[next++];
    const text = v ? toStr(v) : null;
    if (text === null) failed = true;
    else out += (conv === 'd' || conv === 'i') && v.k === 'float' ? String(Math.trunc(v.v)) : text;
  }
  return failed ? null : out;
}

/** Python's binary operators on abstract values (tensors go to the framework plug-in). */
export function binaryOperation(host: OperatorHost, op: string, a: Value, b: Value, site: CallSite): Value {
  a = force(a);
  b = force(b);
  if (a.k === 'tensor' || b.k === 'tensor') return host.tensorBinop(op, a, b, site);
  if (a.k === 'bool') a = int(a.v ? 1 : 0);
  if (b.k === 'bool') b = int(b.v ? 1 : 0);
  if (a.k === 'int' && b.k === 'int') {
    const result = intOp(op, a.v, b.v);
    if ((op === '+' || op === '-' || op === '*') && result.k === 'int' && exceededSymbolicBound(a.v, b.v, result.v)) {
      const message = symbolicBoundMessage(`\`${op}\``);
      host.gap(site, message);
      return unknown(message);
    }
    return result;
  }
  if ((a.k === 'int' || a.k === 'float') && (b.k === 'int' || b.k === 'float')) {
    const x = a.k === 'int' ? (isKnown(a.v) ? a.v : null) : a.v;
    const y = b.k === 'int' ? (isKnown(b.v) ? b.v : null) : b.v;
    if (x === null || y === null) {
      // Symbolic dims times a float (an expansion ratio) stay unknown ints.
      return { k: 'float', v: NaN };
    }
    return floatOp(op, x, y);
  }
  // Sequences and strings are built only within the allocation bounds, and charged by size.
  if (op === '+' && a.k === 'str' && b.k === 'str') return boundedString(host, a.v.length + b.v.length, () => a.v + b.v, site);
  if (op === '+' && (a.k === 'list' || a.k === 'tuple') && b.k === a.k) {
    const other = (b as { items: Value[] }).items;
    return boundedSequence(host, a.k, a.items.length + other.length, () => [...a.items, ...other], site);
  }
  if (op === '*' && (a.k === 'list' || a.k === 'tuple') && b.k === 'int' && isKnown(b.v)) return repeatSeq(host, a, b.v, site);
  if (op === '*' && (b.k === 'list' || b.k === 'tuple') && a.k === 'int' && isKnown(a.v)) return repeatSeq(host, b, a.v, site);
  if (op === '*' && a.k === 'str' && b.k === 'int' && isKnown(b.v)) {
    const times = Math.max(0, b.v);
    return boundedString(host, a.v.length * times, () => a.v.repeat(times), site);
  }
  if (op === '%' && a.k === 'str') return percentFormat(host, a.v, b, site);
  if (op === '|' && a.k === 'dict' && b.k === 'dict') return { k: 'dict', entries: new Map([...a.entries, ...b.entries]) };
  if (op === '|' && (a.k === 'class' || a.k === 'none')) return a;
  if (a.k === 'instance') {
    const r = host.instanceOperator(a, dunder(op), b, site);
    if (r) return r;
  }
  return unknown(`${describe(a)} ${op} ${describe(b)}`, site);
}

/** Python's comparisons (`<`, `==`, `in`, `is` …); unknown when they are not decidable. */
export function compareValues(host: OperatorHost, op: string, a: Value, b: Value, site: CallSite): Value {
  a = force(a);
  b = force(b);
  if ((a.k === 'tensor' || b.k === 'tensor') && ['<', '>', '<=', '>=', '==', '!='].includes(op)) return host.tensorBinop(op, a, b, site);
  if (op === 'is' || op === 'is not') {
    const same = identical(a, b);
    if (same === undefined) return unknown('identity of unknowns', null);
    return (op === 'is') === same ? TRUE : FALSE;
  }
  if (op === 'in' || op === 'not in') {
    let found: boolean | undefined;
    // A membership test walks its container: charged by length, so that `1 in a` over a long
    // list in nested loops ends with the budget rather than running for minutes.
    if (b.k === 'str' && a.k === 'str') {
      host.walked(Math.ceil(b.v.length / CHARS_PER_WALKED_ITEM), site, `\`${op}\` over a string of ${b.v.length} characters`);
      found = b.v.includes(a.v);
    } else if (b.k === 'dict') {
      const k = dictKey(a);
      found = k ? b.entries.has(k) : undefined;
    } else if (b.k === 'list' || b.k === 'tuple' || b.k === 'set') {
      found = false;
      const what = `\`${op}\` over a ${b.k} of ${b.items.length} items`;
      const visit = (items: number) => host.walked(items, site, what);
      for (const item of b.items) {
        visit(1);
        const eq = valuesEqual(a, item, visit);
        if (eq === true) {
          found = true;
          break;
        }
        if (eq === undefined) found = undefined;
      }
    } else if (b.k === 'instance' && b.mod) {
      found = a.k === 'str' ? b.mod.children.has(a.v) : undefined;
    }
    if (found === undefined) return unknown('membership of unknowns', null);
    return (op === 'in') === found ? TRUE : FALSE;
  }
  if (op === '==' || op === '!=') {
    const eq = valuesEqual(a, b, (items) => host.walked(items, site, `\`${op}\` between a ${a.k} and a ${b.k}`));
    if (eq === undefined) return unknown('comparison of unknowns', null);
    return (op === '==') === eq ? TRUE : FALSE;
  }
  const x = numeric(a);
  const y = numeric(b);
  if (x !== null && y !== null) {
    const d = typeof x === 'number' && typeof y === 'number' ? x - y : null;
    let sign: number | null = d;
    if (sign === null) {
      const diff = subDim(x, y);
      sign = isKnown(diff) ? diff : null;
    }
    if (sign === null) return unknown('comparison of symbolic sizes', null);
    const r = op === '<' ? sign < 0 : op === '<=' ? sign <= 0 : op === '>' ? sign > 0 : op === '>=' ? sign >= 0 : null;
    if (r === null) return unknown(`comparison ${op}`, null);
    return r ? TRUE : FALSE;
  }
  if (a.k === 'str' && b.k === 'str') {
    host.walked(Math.ceil(Math.min(a.v.length, b.v.length) / CHARS_PER_WALKED_ITEM), site, `\`${op}\` between strings`);
    const r = op === '<' ? a.v < b.v : op === '<=' ? a.v <= b.v : op === '>' ? a.v > b.v : a.v >= b.v;
    return r ? TRUE : FALSE;
  }
  return unknown(`comparison ${op}`, null);
}

/** `str(v)` when it is known, else null. */
export function toStr(v: Value): string | null {
  v = force(v);
  switch (v.k) {
    case 'str':
      return v.v;
    case 'int':
      return isKnown(v.v) ? String(v.v) : formatDim(v.v);
    case 'float':
      return String(v.v);
    case 'bool':
      return v.v ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'class':
      return `<class '${v.name}'>`;
    case 'unknown':
      return null;
    default:
      return describe(v);
  }
}

function dunder(op: string): string {
  const names: Record<string, string> = { '+': '__add__', '-': '__sub__', '*': '__mul__', '/': '__truediv__', '@': '__matmul__', '//': '__floordiv__' };
  return names[op] ?? '__op__';
}

function repeatSeq(host: OperatorHost, a: { k: 'list' | 'tuple'; items: Value[] }, n: number, site: CallSite): Value {
  const times = Math.max(0, n);
  return boundedSequence(host, a.k, a.items.length * times, () => {
    const items: Value[] = [];
    for (let i = 0; i < times; i++) items.push(...a.items);
    return items;
  }, site);
}

/** A list or tuple of `count` items, built only within the bound and charged by its size; else unknown, with a finding. */
function boundedSequence(host: OperatorHost, k: 'list' | 'tuple', count: number, build: () => Value[], site: CallSite): Value {
  if (!fitsCollection(count)) {
    const message = beyondBoundMessage(`a ${k}`, count, MAX_COLLECTION_ITEMS);
    host.gap(site, message);
    return unknown(message);
  }
  host.charge(chargeFor(count), site);
  return { k, items: build() };
}

/** A string of `length` characters, built only within the bound and charged by its size; else unknown, with a finding. */
function boundedString(host: OperatorHost, length: number, build: () => string, site: CallSite): Value {
  if (!fitsString(length)) {
    const message = beyondBoundMessage('a string', length, MAX_STRING_CHARS);
    host.gap(site, message);
    return unknown(message);
  }
  host.charge(Math.ceil(length / 64), site);
  return str(build());
}

function numeric(v: Value): Dim | number | null {
  if (v.k === 'int') return isUnknown(v.v) ? null : v.v;
  if (v.k === 'float') return Number.isNaN(v.v) ? null : v.v;
  if (v.k === 'bool') return v.v ? 1 : 0;
  return null;
}

function intOp(op: string, a: Dim, b: Dim): Value {
  switch (op) {
    case '+':
      return int(addDim(a, b));
    case '-':
      return int(subDim(a, b));
    case '*':
      return int(mulDim(a, b));
    case '//':
      return int(floorDivDim(a, b));
    case '%':
      return int(modDim(a, b));
    case '/':
      if (isKnown(a) && isKnown(b)) return b === 0 ? unknown('division by zero') : { k: 'float', v: a / b };
      // `d_model / n_heads` used as a size: keep it exact when it divides.
      return isKnown(b) && b !== 0 && compareDims(mulDim(floorDivDim(a, b), b), a) === 'equal' ? { k: 'float', v: NaN, ...{ dim: floorDivDim(a, b) } } as Value : { k: 'float', v: NaN };
    case '**':
      if (isKnown(a) && isKnown(b)) return b >= 0 ? int(a ** b) : { k: 'float', v: a ** b };
      return int(unknownDim());
    case '<<':
      return isKnown(a) && isKnown(b) ? int(a << b) : int(unknownDim());
    case '>>':
      return isKnown(a) && isKnown(b) ? int(a >> b) : int(unknownDim());
    case '&':
      return isKnown(a) && isKnown(b) ? int(a & b) : int(unknownDim());
    case '|':
      return isKnown(a) && isKnown(b) ? int(a | b) : int(unknownDim());
    case '^':
      return isKnown(a) && isKnown(b) ? int(a ^ b) : int(unknownDim());
    default:
      return int(unknownDim());
  }
}

function floatOp(op: string, a: number, b: number): Value {
  switch (op) {
    case '+':
      return { k: 'float', v: a + b };
    case '-':
      return { k: 'float', v: a - b };
    case '*':
      return { k: 'float', v: a * b };
    case '/':
      return { k: 'float', v: b === 0 ? NaN : a / b };
    case '//':
      return { k: 'float', v: Math.floor(a / b) };
    case '%':
      return { k: 'float', v: ((a % b) + b) % b };
    case '**':
      return { k: 'float', v: a ** b };
    default:
      return { k: 'float', v: NaN };
  }
}

/** Python slice indices over a known length. */
export function sliceIndices(length: number, s: { lo: Value; hi: Value; step: Value }): { start: number; stop: number; step: number } | null {
  const num = (v: Value): number | null | undefined => (v.k === 'none' ? undefined : v.k === 'int' && isKnown(v.v) ? v.v : null);
  const step = num(s.step) ?? 1;
  const lo = num(s.lo);
  const hi = num(s.hi);
  if (step === null || lo === null || hi === null || step === 0) return null;
  const clamp = (x: number, lower: number, upper: number) => Math.max(lower, Math.min(upper, x));
  let start: number;
  let stop: number;
  if (step > 0) {
    start = lo === undefined ? 0 : clamp(lo < 0 ? lo + length : lo, 0, length);
    stop = hi === undefined ? length : clamp(hi < 0 ? hi + length : hi, 0, length);
  } else {
    start = lo === undefined ? length - 1 : clamp(lo < 0 ? lo + length : lo, -1, length - 1);
    stop = hi === undefined ? -1 : clamp(hi < 0 ? hi + length : hi, -1, length - 1);
  }
  return { start, stop, step };
}

/** Python `==` when decidable. */
/**
 * Python's `==` on abstract values; undefined when it is not decidable. `visit`, when given, is
 * told how many items (and, in CHARS_PER_WALKED_ITEM units, characters) the comparison walks as it
 * walks them, so the step budget can stop a comparison of lists nested in themselves part-way.
 */
export function valuesEqual(a: Value, b: Value, visit?: (items: number) => void): boolean | undefined {
  a = force(a);
  b = force(b);
  if (a.k === 'unknown' || b.k === 'unknown') return undefined;
  const x = numeric(a);
  const y = numeric(b);
  if (x !== null && y !== null) {
    if (typeof x === 'number' && typeof y === 'number') return x === y;
    const c = compareDims(x, y);
    return c === 'unknown' ? undefined : c === 'equal';
  }
  if (a.k === 'int' || b.k === 'int') {
    if ((a.k === 'int' && isUnknown(a.v)) || (b.k === 'int' && isUnknown(b.v))) return undefined;
  }
  if (a.k === 'str' && b.k === 'str') {
    if (visit && a.v.length === b.v.length) visit(Math.ceil(a.v.length / CHARS_PER_WALKED_ITEM));
    return a.v === b.v;
  }
  if (a.k === 'none' || b.k === 'none') return a.k === b.k;
  if ((a.k === 'tuple' || a.k === 'list') && (b.k === 'tuple' || b.k === 'list')) {
    if (a.items.length !== b.items.length) return false;
    let all: boolean | undefined = true;
    for (let i = 0; i < a.items.length; i++) {
      visit?.(1);
      const e = valuesEqual(a.items[i], b.items[i], visit);
      if (e === false) return false;
      if (e === undefined) all = undefined;
    }
    return all;
  }
  if (a.k === 'tensor' || b.k === 'tensor') return undefined;
  if (a.k === 'dtype' && b.k === 'dtype') return a.dtype === b.dtype;
  if (a.k !== b.k) return a.k === 'str' || b.k === 'str' ? false : undefined;
  return a === b;
}

function identical(a: Value, b: Value): boolean | undefined {
  a = force(a);
  b = force(b);
  if (a.k === 'unknown' || b.k === 'unknown') return undefined;
  if (a.k === 'none' || b.k === 'none') return a.k === b.k;
  if (a.k === 'bool' && b.k === 'bool') return a.v === b.v;
  if (a.k === 'str' && b.k === 'str') return a.v === b.v;
  if (a.k === 'tensor' || b.k === 'tensor') return a === b ? true : undefined;
  return a === b;
}

/** The join of two values from different branches: equal values stay, tensors join dimension-wise. */
export function joinValues(a: Value, b: Value): Value {
  if (a === b) return a;
  a = force(a);
  b = force(b);
  if (a.k === 'tensor' && b.k === 'tensor') {
    if (a.ranked && b.ranked && a.shape.length === b.shape.length) {
      const shape = a.shape.map((d, i) => (compareDims(d, b.shape[i]) === 'equal' ? d : unknownDim()));
      return { ...a, shape, field: a.field && b.field && JSON.stringify(a.field) === JSON.stringify(b.field) ? a.field : null };
    }
    return { k: 'tensor', shape: [], ranked: false, dtype: a.dtype, field: null, origin: null };
  }
  const eq = valuesEqual(a, b);
  if (eq === true) return a;
  if (a.k === 'unknown') return b.k === 'tensor' ? { ...b, shape: b.shape.map(() => unknownDim()) } : a;
  if (b.k === 'unknown') return a.k === 'tensor' ? { ...a, shape: a.shape.map(() => unknownDim()) } : b;
  if (a.k === 'int' && b.k === 'int') return int(unknownDim());
  if ((a.k === 'tuple' || a.k === 'list') && b.k === a.k && a.items.length === b.items.length) return { k: a.k, items: a.items.map((x, i) => joinValues(x, b.items[i])) };
  return unknown('differs between branches', null);
}
