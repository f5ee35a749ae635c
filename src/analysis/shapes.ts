// Dimensions and their arithmetic. A dimension is an exact integer when known, otherwise a
// polynomial with integer coefficients over named symbols (N, T, H) and floor-division atoms,
// kept in a normal form so that equal expressions print and compare alike. An unknown dimension
// ("?") poisons arithmetic: nothing derived from it is ever presented as known.

import type { DimOut, ShapeOut } from './types';

/** A symbolic dimension in normal form: a sum of monomials, each a coefficient times sorted atoms. */
export interface SymDim {
  readonly kind: 'sym';
  /** Monomial key (atoms joined by `*`, `''` for the constant) to its non-zero coefficient. */
  readonly terms: ReadonlyMap<string, number>;
}

/** A dimension that cannot be known statically; arithmetic on it stays unknown. */
export interface UnknownDim {
  readonly kind: 'unknown';
}

/** One dimension of a tensor shape. */
export type Dim = number | SymDim | UnknownDim;

/** A tensor shape. */
export type Shape = Dim[];

const UNKNOWN: UnknownDim = Object.freeze({ kind: 'unknown' });

/** The unknown dimension, printed `?`. */
export function unknownDim(): UnknownDim {
  return UNKNOWN;
}

/** A named symbol such as `N` or `T`. Names must be identifiers. */
export function symDim(name: string): Dim {
  return fromTerms(new Map([[name, 1]]));
}

/** True when the dimension is an exact integer. */
export function isKnown(d: Dim): d is number {
  return typeof d === 'number';
}

/** True when the dimension is unknown (not merely symbolic). */
export function isUnknown(d: Dim): d is UnknownDim {
  return typeof d !== 'number' && d.kind === 'unknown';
}

function termsOf(d: number | SymDim): Map<string, number> {
  if (typeof d === 'number') return d === 0 ? new Map() : new Map([['', d]]);
  return new Map(d.terms);
}

/**
 * The most monomials a symbolic dimension may hold. Repeated arithmetic on a symbolic size (`h =
 * h * h + h` in a loop) doubles the degree and multiplies the terms on every pass, so without a
 * bound one short loop builds polynomials of millions of terms; no real model's size needs more
 * than a handful. Beyond the bounds a dimension is unknown (issue 19).
 */
export const MAX_SYMBOLIC_TERMS = 32;

/** The most atoms one monomial may multiply (its degree), for the same reason. */
export const MAX_SYMBOLIC_DEGREE = 16;

/**
 * The most characters a monomial's key may hold: floor-division and max atoms embed their
 * operands' printed forms, so nesting them (`h = (h * h + 1) // 2` in a loop) doubles the key
 * each pass even when the term and degree bounds hold.
 */
export const MAX_SYMBOLIC_KEY_CHARS = 1000;

/** True when the terms fit the symbolic bounds above. */
function fitsSymbolicBounds(terms: ReadonlyMap<string, number>): boolean {
  if (terms.size > MAX_SYMBOLIC_TERMS) return false;
  for (const key of terms.keys()) {
    if (key.length > MAX_SYMBOLIC_KEY_CHARS) return false;
    if (key !== '' && splitAtoms(key).length > MAX_SYMBOLIC_DEGREE) return false;
  }
  return true;
}

/**
 * True when `a op b` on known or symbolic operands gave an unknown dimension only because the
 * result exceeded the symbolic bounds (addition, subtraction and multiplication have no other way
 * to lose a dimension), so the caller can say so in a finding.
 */
export function exceededSymbolicBound(a: Dim, b: Dim, result: Dim): boolean {
  return isUnknown(result) && !isUnknown(a) && !isUnknown(b);
}

/** The finding's message for arithmetic whose symbolic result exceeded the bounds. */
export function symbolicBoundMessage(construct: string): string {
  return `${construct} on symbolic sizes builds an expression that would exceed the analysis's bound of ${MAX_SYMBOLIC_TERMS} terms, degree ${MAX_SYMBOLIC_DEGREE} and ${MAX_SYMBOLIC_KEY_CHARS.toLocaleString('en')} characters per term; its value is unknown`;
}

function fromTerms(terms: Map<string, number>): Dim {
  for (const [k, v] of terms) if (v === 0) terms.delete(k);
  if (terms.size === 0) return 0;
  if (terms.size === 1 && terms.has('')) return terms.get('')!;
  if (!fitsSymbolicBounds(terms)) return UNKNOWN;
  return { kind: 'sym', terms };
}

function combine(a: Dim, b: Dim, sign: 1 | -1): Dim {
  if (isUnknown(a) || isUnknown(b)) return UNKNOWN;
  if (typeof a === 'number' && typeof b === 'number') return a + sign * b;
  const out = termsOf(a);
  for (const [k, v] of termsOf(b)) out.set(k, (out.get(k) ?? 0) + sign * v);
  return fromTerms(out);
}

/** a + b */
export function addDim(a: Dim, b: Dim): Dim {
  return combine(a, b, 1);
}

/** a − b */
export function subDim(a: Dim, b: Dim): Dim {
  return combine(a, b, -1);
}

function mulKeys(a: string, b: string): string {
  if (a === '') return b;
  if (b === '') return a;
  return [...splitAtoms(a), ...splitAtoms(b)].sort().join('*');
}

/** Splits a monomial key into atoms, respecting parentheses inside floor-division atoms. */
export function splitAtoms(key: string): string[] {
  const atoms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < key.length; i++) {
    const c = key[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '*' && depth === 0) {
      atoms.push(key.slice(start, i));
      start = i + 1;
    }
  }
  atoms.push(key.slice(start));
  return atoms;
}

/** a · b */
export function mulDim(a: Dim, b: Dim): Dim {
  if (isUnknown(a) || isUnknown(b)) return UNKNOWN;
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  if (typeof a === 'number' || typeof b === 'number') {
    // A polynomial times an integer (a shape's size, a parameter count): each coefficient scaled,
    // the monomials unchanged (no keys to split, sort and join).
    const k = typeof a === 'number' ? a : (b as number);
    const p = typeof a === 'number' ? (b as SymDim) : a;
    if (k === 0) return 0;
    if (k === 1) return p;
    const scaled = new Map<string, number>();
    for (const [key, v] of p.terms) scaled.set(key, v * k);
    return fromTerms(scaled);
  }
  const out = new Map<string, number>();
  for (const [ka, va] of termsOf(a)) {
    for (const [kb, vb] of termsOf(b)) {
      const k = mulKeys(ka, kb);
      out.set(k, (out.get(k) ?? 0) + va * vb);
    }
  }
  return fromTerms(out);
}

/** ⌊a / b⌋ as Python's `//` computes it (floor, also for negatives). */
export function floorDivDim(a: Dim, b: Dim): Dim {
  if (isUnknown(a) || isUnknown(b)) return UNKNOWN;
  if (typeof b === 'number' && b === 0) return UNKNOWN;
  if (typeof a === 'number' && typeof b === 'number') return Math.floor(a / b);
  if (typeof b === 'number') {
    if (b === 1) return a;
    // When every non-constant coefficient divides exactly, the division distributes:
    // (k·X + c) // k = X + c // k for integer X.
    const terms = termsOf(a);
    const c = terms.get('') ?? 0;
    let exact = true;
    for (const [k, v] of terms) if (k !== '' && v % b !== 0) exact = false;
    if (exact && b > 0) {
      const out = new Map<string, number>();
      for (const [k, v] of terms) if (k !== '') out.set(k, v / b);
      out.set('', Math.floor(c / b));
      return fromTerms(out);
    }
    return atom(`(${canonicalDim(a)})//${b}`, { op: floorDivDim, a, b });
  }
  const ka = canonicalDim(a);
  const kb = canonicalDim(b);
  if (ka === kb) return 1;
  return atom(`(${ka})//(${kb})`, { op: floorDivDim, a, b });
}

/** a mod b (Python semantics); symbolic results become an opaque atom. */
export function modDim(a: Dim, b: Dim): Dim {
  if (isUnknown(a) || isUnknown(b)) return UNKNOWN;
  if (typeof a === 'number' && typeof b === 'number') return b === 0 ? UNKNOWN : ((a % b) + b) % b;
  return atom(`(${canonicalDim(a)})%(${canonicalDim(b)})`, { op: modDim, a, b });
}

/** ⌈a / b⌉ */
export function ceilDivDim(a: Dim, b: Dim): Dim {
  // ⌈a/b⌉ = −⌊−a/b⌋
  return subDim(0, floorDivDim(subDim(0, a), b));
}

/** max(a, b) when decidable, else an opaque atom. */
export function maxDim(a: Dim, b: Dim): Dim {
  if (isUnknown(a) || isUnknown(b)) return UNKNOWN;
  const diff = subDim(a, b);
  if (typeof diff === 'number') return diff >= 0 ? a : b;
  return atom(`max(${canonicalDim(a)},${canonicalDim(b)})`, { op: maxDim, a, b });
}

/** How a compound atom was built, so that substitution can recompute it once its operands are known. */
interface AtomDefinition {
  op: (a: Dim, b: Dim) => Dim;
  a: Dim;
  b: Dim;
}

// Compound atoms are keyed by their printed form, which is canonical because operands are normalised.
// The table only grows with distinct expressions met in analysed files; it is cleared when it gets large
// (an atom whose definition was dropped simply stays opaque under substitution).
const atomDefinitions = new Map<string, AtomDefinition>();
const MAX_ATOM_DEFINITIONS = 50_000;

function atom(name: string, definition?: AtomDefinition): Dim {
  // An atom too long to be a term is never recorded: the dimension is unknown.
  if (name.length > MAX_SYMBOLIC_KEY_CHARS) return UNKNOWN;
  if (definition) {
    if (atomDefinitions.size >= MAX_ATOM_DEFINITIONS) atomDefinitions.clear();
    atomDefinitions.set(name, definition);
  }
  return fromTerms(new Map([[name, 1]]));
}

/** Product of all dimensions (1 for a scalar shape). */
export function productDim(dims: readonly Dim[]): Dim {
  // The common product (a shape's size: `N` times integers) multiplies the integers first and
  // scales the symbolic part once, instead of building a polynomial per integer. It gives exactly
  // what the left-to-right product gives when that shortcut cannot round or lose anything: integer
  // factors, a non-zero safe product, monomials only, and safe coefficients at the end.
  let k = 1;
  let poly: Dim | null = null;
  for (let i = 0; i < dims.length; i++) {
    const d = dims[i];
    if (typeof d === 'number') {
      if (!Number.isInteger(d)) return productLeftToRight(dims);
      k *= d;
    } else if (d.kind === 'unknown') return UNKNOWN;
    else if (d.terms.size !== 1) return productLeftToRight(dims);
    else poly = poly === null ? d : mulDim(poly, d);
  }
  if (k === 0 || !Number.isSafeInteger(k)) return productLeftToRight(dims);
  if (poly === null) return k;
  if (typeof poly !== 'number' && poly.kind === 'sym') {
    for (const v of poly.terms.values()) if (!Number.isSafeInteger(v * k)) return productLeftToRight(dims);
  }
  return mulDim(poly, k);
}

function productLeftToRight(dims: readonly Dim[]): Dim {
  return dims.reduce<Dim>((acc, d) => mulDim(acc, d), 1);
}

/** Result of comparing two dimensions: only certain differences are reported as such. */
export type DimComparison = 'equal' | 'different' | 'unknown';

/**
 * Compares two dimensions. `different` only when it is certain: two different integers, or
 * expressions that differ by a non-zero constant.
 */
export function compareDims(a: Dim, b: Dim): DimComparison {
  if (isUnknown(a) || isUnknown(b)) return 'unknown';
  if (typeof a === 'number' && typeof b === 'number') return a - b === 0 ? 'equal' : 'different';
  // The same polynomial (the batch `N` of two tensors): equal, without building the difference.
  if (typeof a !== 'number' && typeof b !== 'number' && sameTerms(a.terms, b.terms)) return 'equal';
  const diff = subDim(a, b);
  if (typeof diff === 'number') return diff === 0 ? 'equal' : 'different';
  return 'unknown';
}

function sameTerms(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  if (a.size !== b.size) return false;
  // Finite coefficients only: an infinite one minus itself is not zero.
  for (const [k, v] of a) if (b.get(k) !== v || !Number.isFinite(v)) return false;
  return true;
}

/** Monomial keys in printing order: higher degree first, then by name; the constant last. */
function printingOrder(keys: Iterable<string>): string[] {
  return [...keys].sort((x, y) => {
    if (x === '') return 1;
    if (y === '') return -1;
    const dx = splitAtoms(x).length;
    const dy = splitAtoms(y).length;
    return dx !== dy ? dy - dx : x < y ? -1 : x > y ? 1 : 0;
  });
}

/** Prints a sum of monomials with the given atom printer, `+`/`-` between terms. */
function printSum(terms: ReadonlyMap<string, number>, printAtom: (atom: string, alone: boolean) => string): string {
  let out = '';
  for (const k of printingOrder(terms.keys())) {
    const v = terms.get(k)!;
    const mag = Math.abs(v);
    const atoms = k === '' ? [] : splitAtoms(k);
    const alone = atoms.length === 1 && mag === 1;
    const body = k === '' ? String(mag) : [...(mag === 1 ? [] : [String(mag)]), ...atoms.map((a) => printAtom(a, alone))].join('*');
    if (out === '') out = v < 0 ? `-${body}` : body;
    else out += v < 0 ? `-${body}` : `+${body}`;
  }
  return out;
}

/**
 * The canonical printed form: the normal form's monomials in a fixed order (`64*(H-6)//2*(W-6)//2+64`).
 * Compound atoms are named by it, so equal expressions get one atom; people read `formatDim`.
 */
function canonicalDim(d: Dim): string {
  if (typeof d === 'number') return String(d);
  if (d.kind === 'unknown') return '?';
  return printSum(d.terms, (a) => a);
}

function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Removes one occurrence of an atom from a monomial key. */
function withoutAtom(key: string, atomName: string): string {
  const atoms = splitAtoms(key);
  atoms.splice(atoms.indexOf(atomName), 1);
  return atoms.join('*');
}

/**
 * Splits a polynomial into an integer factor and factors that are single atoms or sums that do
 * not split further (`64*A*B+64*A+64*B+64` = 64·(A+1)·(B+1)), by pulling out the content and then,
 * atom by atom, a factor `X + c` where the terms with X and those without differ by a constant c.
 */
function factorize(terms: ReadonlyMap<string, number>): { coefficient: number; factors: Map<string, number>[] } {
  const values = [...terms.values()];
  const g = values.reduce((acc, v) => gcd(acc, v), 0) || 1;
  const rest = new Map([...terms].map(([k, v]) => [k, v / g]));
  const factors: Map<string, number>[] = [];
  for (;;) {
    if (rest.size === 1) {
      const [key, v] = [...rest][0];
      if (key !== '') for (const a of splitAtoms(key)) factors.push(new Map([[a, 1]]));
      return { coefficient: g * v, factors };
    }
    const atoms = [...new Set([...rest.keys()].flatMap((k) => (k === '' ? [] : splitAtoms(k))))].sort();
    let split = false;
    for (const x of atoms) {
      const withX = new Map<string, number>();
      const withoutX = new Map<string, number>();
      for (const [k, v] of rest) {
        if (k !== '' && splitAtoms(k).includes(x)) withX.set(withoutAtom(k, x), v);
        else withoutX.set(k, v);
      }
      let c: number | null = withoutX.size === 0 ? 0 : null;
      if (c === null && withoutX.size === withX.size) {
        const ratios = [...withoutX].map(([k, v]) => (withX.has(k) && v % withX.get(k)! === 0 ? v / withX.get(k)! : NaN));
        if (ratios.every((r) => r === ratios[0] && Number.isFinite(r))) c = ratios[0];
      }
      if (c === null) continue;
      // P = (x + c)·Q with Q = withX: keep factoring Q.
      factors.push(c === 0 ? new Map([[x, 1]]) : new Map([[x, 1], ['', c]]));
      rest.clear();
      for (const [k, v] of withX) rest.set(k, v);
      split = true;
      break;
    }
    if (!split) {
      factors.push(new Map(rest));
      return { coefficient: g, factors };
    }
  }
}

/** A floor-division atom's readable form with a constant folded in: (E)//k + c = (E + c·k)//k. */
function foldedFloorDiv(atomName: string, c: number): string | null {
  const definition = atomDefinitions.get(atomName);
  if (!definition || definition.op !== floorDivDim || typeof definition.b !== 'number') return null;
  const inner = formatDim(addDim(definition.a, c * definition.b));
  return /^(?:[A-Za-z_][A-Za-z_0-9]*|\d+)$/.test(inner) ? `${inner}//${definition.b}` : `(${inner})//${definition.b}`;
}

/** An atom as people read it: compound atoms re-printed from their definition, readable inside. */
function readableAtom(atomName: string): string {
  return foldedFloorDiv(atomName, 0) ?? atomName;
}

/** One factor as text, and whether it needs parentheses when multiplied. */
function printFactor(factor: ReadonlyMap<string, number>): { text: string; simple: boolean } {
  const keys = [...factor.keys()];
  if (keys.length === 1 && factor.get(keys[0]) === 1) {
    const text = readableAtom(keys[0]);
    return { text, simple: /^[A-Za-z_][A-Za-z_0-9]*$/.test(text) || (text.startsWith('max(') && text.endsWith(')')) };
  }
  const atomKey = keys.find((k) => k !== '');
  if (keys.length === 2 && factor.has('') && atomKey !== undefined && factor.get(atomKey) === 1 && splitAtoms(atomKey).length === 1) {
    const folded = foldedFloorDiv(atomKey, factor.get('')!);
    if (folded !== null) return { text: folded, simple: false };
  }
  return { text: printSum(factor, (a, alone) => (alone || /^[A-Za-z_][A-Za-z_0-9]*$/.test(readableAtom(a)) ? readableAtom(a) : `(${readableAtom(a)})`)), simple: false };
}

/**
 * Prints a dimension as people read it: `64`, `N`, `H-2`, `2*T`, `(H+1)//2`, `?`. Products stay
 * factored as the code computes them (`64*((H-4)//2)*((W-4)//2)`, never the expanded sum of
 * monomials), and constants fold into floor divisions (`(H-6)//2+1` is `(H-4)//2`).
 */
export function formatDim(d: Dim): string {
  if (typeof d === 'number') return String(d);
  if (d.kind === 'unknown') return '?';
  // The common case, a lone symbol (`N`, `T`): printed as itself, without factoring.
  if (d.terms.size === 1) {
    for (const [key, v] of d.terms) if (v === 1 && key !== '' && !key.includes('*') && !atomDefinitions.has(key)) return key;
  }
  const { coefficient, factors } = factorize(d.terms);
  // Plain symbols first (`N*(H+1)`), then the compound factors in the order they were found.
  const printed = factors.map(printFactor).sort((a, b) => (a.simple === b.simple ? (a.simple ? (a.text < b.text ? -1 : a.text > b.text ? 1 : 0) : 0) : a.simple ? -1 : 1));
  if (printed.length === 1 && coefficient === 1) return printed[0].text;
  const parts = printed.map((p) => (p.simple ? p.text : `(${p.text})`));
  const head = Math.abs(coefficient) === 1 ? [] : [String(Math.abs(coefficient))];
  return `${coefficient < 0 ? '-' : ''}${[...head, ...parts].join('*')}`;
}

/** The printed form used in Analysis output: an integer or a string. */
export function dimOut(d: Dim): DimOut {
  return typeof d === 'number' ? d : formatDim(d);
}

/** A shape in Analysis output form. */
export function shapeOut(s: readonly Dim[]): ShapeOut {
  return s.map(dimOut);
}

/** Prints a shape in the tutorial's notation: `(N,64)`. */
export function formatShape(s: readonly Dim[]): string {
  // A loop rather than map and join: every notation and message prints shapes.
  let out = '(';
  for (let i = 0; i < s.length; i++) out += i === 0 ? formatDim(s[i]) : `,${formatDim(s[i])}`;
  return `${out})`;
}

/**
 * Parses a printed dimension back (`64`, `N`, `?`, `H-2`): integers and identifiers exactly,
 * simple sums and differences of them; anything else becomes a named symbol of that text.
 */
export function parseDim(text: string): Dim {
  const t = text.trim();
  if (t === '?' || t === '') return UNKNOWN;
  if (/^-?\d+$/.test(t)) return Number(t);
  if (/^[A-Za-z_][A-Za-z_0-9]*$/.test(t)) return symDim(t);
  const parts = t.match(/[+-]?\s*[^+-]+/g);
  if (parts) {
    let acc: Dim = 0;
    for (const p of parts) {
      const s = p.replace(/\s+/g, '');
      const neg = s.startsWith('-');
      const body = s.replace(/^[+-]/, '');
      let term: Dim;
      if (/^\d+$/.test(body)) term = Number(body);
      else if (/^[A-Za-z_][A-Za-z_0-9]*$/.test(body)) term = symDim(body);
      else {
        const m = body.match(/^(\d+)\*([A-Za-z_][A-Za-z_0-9]*)$/);
        if (!m) return symDim(t.replace(/[^A-Za-z_0-9]/g, '_'));
        term = mulDim(Number(m[1]), symDim(m[2]));
      }
      acc = neg ? subDim(acc, term) : addDim(acc, term);
    }
    return acc;
  }
  return symDim(t);
}

/** Replaces symbols by values (numbers or other dims) and re-normalises, recomputing compound atoms. */
export function substituteDim(d: Dim, env: ReadonlyMap<string, Dim>): Dim {
  if (typeof d === 'number' || d.kind === 'unknown') return d;
  let acc: Dim = 0;
  for (const [k, v] of d.terms) {
    let term: Dim = v;
    if (k !== '') for (const a of splitAtoms(k)) term = mulDim(term, substituteAtom(a, env));
    acc = addDim(acc, term);
  }
  return acc;
}

function substituteAtom(name: string, env: ReadonlyMap<string, Dim>): Dim {
  const bound = env.get(name);
  if (bound !== undefined) return bound;
  const definition = atomDefinitions.get(name);
  if (!definition) return atom(name);
  return definition.op(substituteDim(definition.a, env), substituteDim(definition.b, env));
}
