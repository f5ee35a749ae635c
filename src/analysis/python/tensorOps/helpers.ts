// What every tensor rule shares: the rule signature and its context, and small readers of
// arguments (sizes, axes, dims) and makers of result tensors.

import { addDim, compareDims, floorDivDim, isKnown, isUnknown, mulDim, splitAtoms, symDim, unknownDim, type Dim } from '../../shapes';
import type { ReceptiveField } from '../../types';
import type { Interpreter } from '../interpreter';
import { int, tuple, unknown, type CallSite, type TensorV, type Value } from '../values';

/** What a rule needs from its surroundings: the interpreter (for findings) and the call site. */
export interface OpContext {
  interp: Interpreter;
  site: CallSite;
}

export type Rule = (ctx: OpContext, self: TensorV | null, args: Value[], kwargs: Map<string, Value>) => Value;

// ------------------------------------------------------------------ helpers

/** A tensor produced by an op: inherits dtype, sets field and notation. */
export function out(shape: Dim[], like: TensorV | null, opts: { dtype?: TensorV['dtype']; field?: ReceptiveField | null; ranked?: boolean; notation?: string | null } = {}): TensorV {
  const t: TensorV & { notation?: string } = {
    k: 'tensor',
    shape,
    ranked: opts.ranked ?? like?.ranked ?? true,
    dtype: opts.dtype ?? like?.dtype ?? 'float',
    ...(opts.dtype === undefined && like?.dtypeUncertain ? { dtypeUncertain: true } : {}),
    field: opts.field === undefined ? null : opts.field,
    // An op keeps the origin of its operand, so errors downstream can name the module that made it.
    origin: like?.origin ?? null,
  };
  if (opts.notation) t.notation = opts.notation;
  return t;
}

/** Same shape, same field (element-wise ops, activations, normalisations). */
export function same(t: TensorV, dtype?: TensorV['dtype']): TensorV {
  if (dtype !== undefined && t.dtypeUncertain) {
    const { dtypeUncertain: _uncertain, ...rest } = t;
    return { ...rest, dtype };
  }
  return { ...t, dtype: dtype ?? t.dtype };
}

export function unrankedLike(t: TensorV | null, dtype?: TensorV['dtype']): TensorV {
  return { k: 'tensor', shape: [], ranked: false, dtype: dtype ?? t?.dtype ?? 'float', field: null, origin: null };
}

/** An integer argument (or a symbolic one), else null. */
export function dimOf(v: Value | undefined): Dim | null {
  if (!v) return null;
  if (v.k === 'int') return v.v;
  if (v.k === 'bool') return v.v ? 1 : 0;
  if (v.k === 'float') {
    const dim = (v as unknown as { dim?: Dim }).dim;
    if (dim !== undefined) return dim;
  }
  return null;
}

export function intOf(v: Value | undefined): number | null {
  const d = dimOf(v);
  return d !== null && isKnown(d) ? d : null;
}

/** Sizes given as varargs or as one tuple/list/Size argument: `view(B, T, -1)`, `view((B, T))`. */
export function sizesOf(args: Value[], interp: Interpreter, site: CallSite): Dim[] | null {
  let items = args;
  if (args.length === 1 && (args[0].k === 'tuple' || args[0].k === 'list')) items = args[0].items;
  else if (args.length === 1 && args[0].k !== 'int') {
    const it = interp.iterate(args[0], site);
    if (!it) return null;
    items = it;
  }
  const dims: Dim[] = [];
  for (const v of items) {
    const d = dimOf(v);
    dims.push(d ?? unknownDim());
  }
  return dims;
}

export function normAxis(d: number | null, rank: number): number | null {
  if (d === null) return null;
  const a = d < 0 ? d + rank : d;
  return a >= 0 && a < rank ? a : null;
}

export function arg(args: Value[], kwargs: Map<string, Value>, i: number, ...names: string[]): Value | undefined {
  if (i >= 0 && i < args.length) return args[i];
  for (const n of names) {
    const v = kwargs.get(n);
    if (v !== undefined) return v;
  }
  return undefined;
}

export function tensorArg(v: Value | undefined): TensorV | null {
  return v && v.k === 'tensor' ? v : null;
}

/** Structural equality of two dims without allocating (the fast path before compareDims). */
export function sameDim(a: Dim, b: Dim): boolean {
  if (a === b) return true;
  if (typeof a === 'number' || typeof b === 'number') return false;
  if (a.kind !== 'sym' || b.kind !== 'sym' || a.terms.size !== b.terms.size) return false;
  for (const [k, v] of a.terms) if (b.terms.get(k) !== v) return false;
  return true;
}

/** a / b when it divides exactly (polynomials over symbols): `(B*T*64)/(B*T)` = 64. */
export function exactDiv(a: Dim, b: Dim): Dim | null {
  if (isUnknown(a) || isUnknown(b)) return null;
  if (isKnown(b)) {
    if (b === 0) return null;
    if (isKnown(a)) return a % b === 0 ? a / b : null;
    const r = floorDivDim(a, b);
    return compareDims(mulDim(r, b), a) === 'equal' ? r : null;
  }
  if (b.terms.size !== 1) return compareDims(a, b) === 'equal' ? 1 : null;
  const [[bKey, bCoef]] = [...b.terms];
  const bAtoms = splitAtoms(bKey);
  if (isKnown(a)) return null;
  let acc: Dim = 0;
  for (const [key, coef] of a.terms) {
    const atoms = key === '' ? [] : splitAtoms(key);
    for (const x of bAtoms) {
      const i = atoms.indexOf(x);
      if (i < 0) return null;
      atoms.splice(i, 1);
    }
    if (coef % bCoef !== 0) return null;
    let term: Dim = coef / bCoef;
    for (const x of atoms) term = mulDim(term, symDim(x));
    acc = addDim(acc, term);
  }
  return acc;
}
