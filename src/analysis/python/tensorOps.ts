// Shape rules for tensor operations: the methods of a tensor (`x.view`, `x.permute` ...), the
// functions of `torch` and `torch.nn.functional`, and the operators (`@`, broadcasting `+ - * /`,
// indexing). Each rule is total: a bad argument yields a finding at the call and unknown dims,
// never a throw. Functional forms of catalogue layers (F.conv2d ↔ Conv2d) reuse the catalogue's
// rule so that the geometry is written once.

import { lookupLayer, type ConfigValue, type LayerConfig, type LayerContext, type LayerValue } from '../layers/catalogue';
import { attentionNotation, convNotation, matmulNotation, notationShape } from '../notation';
import { composeField, mergeFields } from '../receptiveField';
import { addDim, ceilDivDim, compareDims, floorDivDim, formatDim, isKnown, isUnknown, mulDim, productDim, splitAtoms, subDim, symDim, unknownDim, type Dim } from '../shapes';
import type { ReceptiveField } from '../types';
import type { Interpreter } from './interpreter';
import { sliceIndices } from './interpreter';
import { FALSE, NONE, TRUE, describe, formatTensorShape, int, toConfig, tuple, unknown, type BuiltinV, type CallSite, type NativeFn, type TensorV, type Value } from './values';

/** What a rule needs from its surroundings: the interpreter (for findings) and the call site. */
interface OpContext {
  interp: Interpreter;
  site: CallSite;
}

type Rule = (ctx: OpContext, self: TensorV | null, args: Value[], kwargs: Map<string, Value>) => Value;

// ------------------------------------------------------------------ helpers

/** A tensor produced by an op: inherits dtype, sets field and notation. */
function out(shape: Dim[], like: TensorV | null, opts: { dtype?: TensorV['dtype']; field?: ReceptiveField | null; ranked?: boolean; notation?: string | null } = {}): TensorV {
  const t: TensorV = {
    k: 'tensor',
    shape,
    ranked: opts.ranked ?? like?.ranked ?? true,
    dtype: opts.dtype ?? like?.dtype ?? 'float',
    field: opts.field === undefined ? null : opts.field,
    // An op keeps the origin of its operand, so errors downstream can name the module that made it.
    origin: like?.origin ?? null,
  };
  if (opts.notation) t.notation = opts.notation;
  return t;
}

/** Same shape, same field (element-wise ops, activations, normalisations). */
function same(t: TensorV, dtype?: TensorV['dtype']): TensorV {
  return { ...t, dtype: dtype ?? t.dtype };
}

function unrankedLike(t: TensorV | null, dtype?: TensorV['dtype']): TensorV {
  return { k: 'tensor', shape: [], ranked: false, dtype: dtype ?? t?.dtype ?? 'float', field: null, origin: null };
}

/** An integer argument (or a symbolic one), else null. */
function dimOf(v: Value | undefined): Dim | null {
  if (!v) return null;
  if (v.k === 'int') return v.v;
  if (v.k === 'bool') return v.v ? 1 : 0;
  if (v.k === 'float') {
    if (v.dim !== undefined) return v.dim;
  }
  return null;
}

function intOf(v: Value | undefined): number | null {
  const d = dimOf(v);
  return d !== null && isKnown(d) ? d : null;
}

/** Sizes given as varargs or as one tuple/list/Size argument: `view(B, T, -1)`, `view((B, T))`. */
function sizesOf(args: Value[], interp: Interpreter, site: CallSite): Dim[] | null {
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

function normAxis(d: number | null, rank: number): number | null {
  if (d === null) return null;
  const a = d < 0 ? d + rank : d;
  return a >= 0 && a < rank ? a : null;
}

function arg(args: Value[], kwargs: Map<string, Value>, i: number, ...names: string[]): Value | undefined {
  if (i >= 0 && i < args.length) return args[i];
  for (const n of names) {
    const v = kwargs.get(n);
    if (v !== undefined) return v;
  }
  return undefined;
}

function tensorArg(v: Value | undefined): TensorV | null {
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

// ------------------------------------------------------------------ broadcasting

/** Broadcasts two shapes (right-aligned); reports a certain mismatch. */
export function broadcastShapes(a: readonly Dim[], b: readonly Dim[], onMismatch: (i: number, x: Dim, y: Dim) => void): Dim[] {
  const n = Math.max(a.length, b.length);
  const res: Dim[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (i < n - a.length) res.push(y);
    else if (i < n - b.length) res.push(x);
    else if (x === 1) res.push(y);
    else if (y === 1 || sameDim(x, y)) res.push(x);
    else {
      const c = compareDims(x, y);
      if (c === 'equal') res.push(x);
      else if (c === 'different') {
        onMismatch(i, x, y);
        res.push(unknownDim());
      } else res.push(isUnknown(x) ? y : isKnown(y) && !isKnown(x) ? y : x);
    }
  }
  return res;
}

function scalarShape(v: Value): TensorV | null {
  if (v.k === 'tensor') return v;
  if (v.k === 'int' || v.k === 'float' || v.k === 'bool') return { k: 'tensor', shape: [], ranked: true, dtype: v.k === 'float' ? 'float' : v.k === 'bool' ? 'bool' : 'long', field: null, origin: null };
  return null;
}

function mergeTensorFields(a: TensorV, b: TensorV, rank: number): ReceptiveField | null {
  const fa = a.ranked && a.shape.length === rank ? a.field : null;
  const fb = b.ranked && b.shape.length === rank ? b.field : null;
  if (fa && fb) return mergeFields(fa, fb);
  return fa ?? fb ?? (a.field && a.shape.length === rank ? a.field : b.field && b.shape.length === rank ? b.field : null);
}

/** Element-wise binary op with broadcasting. */
function elementwise(ctx: OpContext, op: string, av: Value, bv: Value): Value {
  const a = scalarShape(av);
  const b = scalarShape(bv);
  if (!a || !b) return unknown(`${describe(av)} ${op} ${describe(bv)}`, ctx.site);
  const isCompare = ['<', '>', '<=', '>=', '==', '!='].includes(op);
  const dtype: TensorV['dtype'] = isCompare ? 'bool' : a.dtype === 'float' || b.dtype === 'float' || op === '/' ? 'float' : a.dtype === 'bool' && b.dtype === 'bool' ? 'bool' : 'long';
  if (!a.ranked || !b.ranked) {
    const trailing = broadcastShapes(a.shape, b.shape, () => undefined).slice(-Math.min(a.ranked ? Infinity : a.shape.length, b.ranked ? Infinity : b.shape.length));
    return out(a.ranked ? a.shape : b.ranked ? b.shape : trailing, a, { dtype, ranked: false });
  }
  const data = elementwiseData(op, av, bv);
  if (data) return { ...out(data.shape, a, { dtype: data.dtype }), data: data.values };
  const shape = broadcastShapes(a.shape, b.shape, (i, x, y) => {
    ctx.interp.report(
      'shape-mismatch',
      'error',
      ctx.site,
      `${formatTensorShape(a)} ${op} ${formatTensorShape(b)}: cannot broadcast — dimension ${i} is ${formatDim(x)} on the left and ${formatDim(y)} on the right${originText(a, b)}`,
      related(ctx, a, b),
    );
  });
  return out(shape, a, { dtype, field: mergeTensorFields(a, b, shape.length) });
}

/** Values of a constant-valued operand: a small tensor with data, or a number. */
function valuesOf(v: Value): { values: number[]; shape: Dim[]; isFloat: boolean } | null {
  if (v.k === 'tensor') return v.data && v.ranked ? { values: v.data, shape: v.shape, isFloat: v.dtype === 'float' } : null;
  if (v.k === 'int' && isKnown(v.v)) return { values: [v.v], shape: [], isFloat: false };
  if (v.k === 'float' && !Number.isNaN(v.v)) return { values: [v.v], shape: [], isFloat: true };
  if (v.k === 'bool') return { values: [v.v ? 1 : 0], shape: [], isFloat: false };
  return null;
}

const DATA_OPS: Record<string, (x: number, y: number) => number> = {
  '+': (x, y) => x + y,
  '-': (x, y) => x - y,
  '*': (x, y) => x * y,
  '/': (x, y) => x / y,
  '//': (x, y) => Math.floor(x / y),
  '%': (x, y) => ((x % y) + y) % y,
  '**': (x, y) => x ** y,
  '<': (x, y) => Number(x < y),
  '>': (x, y) => Number(x > y),
  '<=': (x, y) => Number(x <= y),
  '>=': (x, y) => Number(x >= y),
  '==': (x, y) => Number(x === y),
  '!=': (x, y) => Number(x !== y),
};

/** Element-wise arithmetic on constant tensors (same shape, or one side a scalar). */
function elementwiseData(op: string, av: Value, bv: Value): { values: number[]; shape: Dim[]; dtype: TensorV['dtype'] } | null {
  const f = DATA_OPS[op];
  const a = valuesOf(av);
  const b = valuesOf(bv);
  if (!f || !a || !b || (av.k !== 'tensor' && bv.k !== 'tensor')) return null;
  const n = Math.max(a.values.length, b.values.length);
  if (a.values.length !== n && a.values.length !== 1) return null;
  if (b.values.length !== n && b.values.length !== 1) return null;
  const values: number[] = [];
  for (let i = 0; i < n; i++) values.push(f(a.values[a.values.length === 1 ? 0 : i], b.values[b.values.length === 1 ? 0 : i]));
  const isCompare = op in { '<': 1, '>': 1, '<=': 1, '>=': 1, '==': 1, '!=': 1 };
  const isFloat = a.isFloat || b.isFloat || op === '/';
  return { values, shape: a.values.length === n ? a.shape : b.shape, dtype: isCompare ? 'bool' : isFloat ? 'float' : 'long' };
}

/** A unary numeric function over a constant tensor's values. */
function mapData(t: TensorV, f: (x: number) => number, dtype?: TensorV['dtype']): TensorV {
  return t.data ? { ...same(t, dtype), data: t.data.map(f) } : same(t, dtype);
}

function originText(...ts: TensorV[]): string {
  const parts = ts.filter((t) => t.origin).map((t) => `${formatTensorShape(t)} comes from ${t.origin!.what} (line ${t.origin!.line})`);
  return parts.length ? ` — ${parts.join('; ')}` : '';
}

function related(ctx: OpContext, ...ts: TensorV[]): { span: { from: number; to: number }; line: number; message: string }[] {
  void ctx;
  return ts.filter((t) => t.origin).map((t) => ({ span: t.origin!.span, line: t.origin!.line, message: `${t.origin!.what} gives ${formatTensorShape(t)}` }));
}

// ------------------------------------------------------------------ matmul

/** `a @ b` with PyTorch's matmul semantics (1-D promotion, batch broadcasting). */
export function matmul(ctx: OpContext, a: TensorV, b: TensorV, label = '@'): Value {
  if (!a.ranked || !b.ranked) {
    const last = b.ranked && b.shape.length >= 2 ? [b.shape[b.shape.length - 1]] : [];
    return out(a.ranked ? [...a.shape.slice(0, -1), ...last] : last, a, { ranked: false });
  }
  if (a.shape.length === 0 || b.shape.length === 0) {
    ctx.interp.report('shape-mismatch', 'error', ctx.site, `${label}: both operands need at least one dimension`);
    return unrankedLike(a);
  }
  const aMat = a.shape.length === 1 ? [1, a.shape[0]] : a.shape;
  const bMat = b.shape.length === 1 ? [b.shape[0], 1] : b.shape;
  const k1 = aMat[aMat.length - 1];
  const k2 = bMat[bMat.length - 2];
  if (compareDims(k1, k2) === 'different') {
    ctx.interp.report(
      'shape-mismatch',
      'error',
      ctx.site,
      `${notationShape(a.shape)}·${notationShape(b.shape)}: inner dimensions ${formatDim(k1)} ≠ ${formatDim(k2)}${originText(a, b)}`,
      related(ctx, a, b),
    );
  }
  const batch = broadcastShapes(aMat.slice(0, -2), bMat.slice(0, -2), (i, x, y) =>
    ctx.interp.report('shape-mismatch', 'error', ctx.site, `${label}: batch dimensions ${formatDim(x)} and ${formatDim(y)} do not broadcast`),
  );
  const shape = [...batch];
  if (a.shape.length > 1) shape.push(aMat[aMat.length - 2]);
  if (b.shape.length > 1) shape.push(bMat[bMat.length - 1]);
  const res = out(shape, a, { notation: matmulNotation(a.shape, b.shape, shape) });
  return res;
}

// ------------------------------------------------------------------ indexing

/** `x[...]` with ints, slices, None, Ellipsis and index tensors. */
export function indexTensor(ctx: OpContext, t: TensorV, index: Value): Value {
  const items = index.k === 'tuple' ? index.items : [index];
  if (!t.ranked) {
    // Indexing an unranked tensor: slices keep the unknown rank; only trailing facts survive.
    return unrankedLike(t);
  }
  const consumed = items.filter((i) => i.k !== 'none' && i.k !== 'ellipsis').length;
  const ellipsisAt = items.findIndex((i) => i.k === 'ellipsis');
  const expanded: Value[] = [];
  for (let i = 0; i < items.length; i++) {
    if (i === ellipsisAt) for (let j = 0; j < t.shape.length - consumed; j++) expanded.push({ k: 'slice', lo: NONE, hi: NONE, step: NONE });
    else expanded.push(items[i]);
  }
  const shape: Dim[] = [];
  let axis = 0;
  let keepField = true;
  let advanced: Dim[] | null = null;
  for (const it of expanded) {
    if (it.k === 'none') {
      shape.push(1);
      keepField = false;
      continue;
    }
    if (axis >= t.shape.length) {
      ctx.interp.report('shape-mismatch', 'error', ctx.site, `too many indices for a tensor of shape ${formatTensorShape(t)}`);
      return unrankedLike(t);
    }
    const d = t.shape[axis++];
    if (it.k === 'int' || it.k === 'bool') {
      keepField = false;
      continue;
    }
    if (it.k === 'slice') {
      const len = sliceLength(d, it);
      if (compareDims(len, d) !== 'equal') {
        const lo = it.lo.k === 'none' || (it.lo.k === 'int' && it.lo.v === 0);
        if (!lo) keepField = false;
      }
      shape.push(len);
      continue;
    }
    if (it.k === 'tensor') {
      keepField = false;
      if (it.dtype === 'bool') {
        // A boolean mask selects an unknown number of elements.
        shape.push(unknownDim());
        axis += Math.max(0, (it.ranked ? it.shape.length : 1) - 1);
        continue;
      }
      if (advanced === null) {
        advanced = it.ranked ? it.shape : [unknownDim()];
        shape.push(...advanced);
      }
      continue;
    }
    if (it.k === 'list' || it.k === 'tuple') {
      keepField = false;
      shape.push(it.items.length);
      continue;
    }
    keepField = false;
    shape.push(unknownDim());
  }
  for (; axis < t.shape.length; axis++) shape.push(t.shape[axis]);
  return out(shape, t, { field: keepField && shape.length === t.shape.length ? t.field : null });
}

/** Length of a slice of a dimension; symbolic bounds stay symbolic. */
function sliceLength(d: Dim, s: { lo: Value; hi: Value; step: Value }): Dim {
  if (isKnown(d)) {
    const r = sliceIndices(d, s);
    if (r) return Math.max(0, Math.ceil((r.stop - r.start) / r.step));
  }
  const step = s.step.k === 'none' ? 1 : intOf(s.step);
  const lo = s.lo.k === 'none' ? 0 : dimOf(s.lo);
  const hi = s.hi.k === 'none' ? d : dimOf(s.hi);
  if (step === null || lo === null || hi === null || step <= 0) return unknownDim();
  const norm = (x: Dim): Dim => (isKnown(x) && x < 0 ? addDim(d, x) : x);
  let hiN = norm(hi);
  // A symbolic stop beyond the end clamps to the length only when that is certain.
  const over = subDim(hiN, d);
  if (isKnown(over) && over > 0) hiN = d;
  const len = subDim(hiN, norm(lo));
  return step === 1 ? len : ceilDivDim(len, step);
}

// ------------------------------------------------------------------ reshaping rules

function viewRule(ctx: OpContext, t: TensorV, sizes: Dim[] | null, what: string): Value {
  if (!sizes) {
    ctx.interp.gap(ctx.site, `${what} with sizes the analysis cannot read`);
    return unrankedLike(t);
  }
  const inferAt = sizes.findIndex((s) => s === -1);
  if (!t.ranked) {
    if (inferAt >= 0) sizes[inferAt] = unknownDim();
    return out(sizes, t, { ranked: true });
  }
  const total = productDim(t.shape);
  if (inferAt >= 0) {
    const rest = productDim(sizes.filter((_, i) => i !== inferAt));
    const q = exactDiv(total, rest);
    if (q === null && isKnown(total) && isKnown(rest)) {
      ctx.interp.report('shape-mismatch', 'error', ctx.site, `${what}: ${formatTensorShape(t)} has ${total} elements, not divisible into ${notationShape(sizes.map((s, i) => (i === inferAt ? symDim('-1') : s)))}`);
    }
    sizes[inferAt] = q ?? unknownDim();
  } else if (compareDims(total, productDim(sizes)) === 'different') {
    ctx.interp.report('shape-mismatch', 'error', ctx.site, `${what}: ${formatTensorShape(t)} has ${formatDim(total)} elements but ${notationShape(sizes)} needs ${formatDim(productDim(sizes))}${originText(t)}`, related(ctx, t));
  }
  return out(sizes, t, { field: keepsSpatialAxes(t, sizes) ? t.field : null });
}

/**
 * True when a reshaping leaves the field's spatial axes (the last ones) exactly as they were, as
 * ShuffleNet's channel shuffle does: each spatial unit still sees the same input region.
 */
function keepsSpatialAxes(t: TensorV, shape: readonly Dim[]): boolean {
  const k = t.field?.size.length ?? 0;
  if (k === 0 || shape.length < k + 1 || t.shape.length < k + 1) return false;
  for (let i = 1; i <= k; i++) {
    if (compareDims(shape[shape.length - i], t.shape[t.shape.length - i]) !== 'equal') return false;
  }
  return true;
}

function permuteRule(ctx: OpContext, t: TensorV, dims: (number | null)[]): Value {
  if (!t.ranked) return unrankedLike(t);
  if (dims.length !== t.shape.length) {
    ctx.interp.report('shape-mismatch', 'error', ctx.site, `permute of ${formatTensorShape(t)} needs ${t.shape.length} dimensions, got ${dims.length}`);
    return unrankedLike(t);
  }
  const axes = dims.map((d) => normAxis(d, t.shape.length));
  if (axes.some((a) => a === null)) return out(t.shape.map(() => unknownDim()), t);
  // Moving only non-spatial axes (batch, channels, groups) keeps each spatial unit's field.
  const k = t.field?.size.length ?? 0;
  const spatialFixed = k > 0 && axes.every((a, i) => (i >= t.shape.length - k ? a === i : a! < t.shape.length - k));
  return out(axes.map((a) => t.shape[a!]), t, { field: spatialFixed ? t.field : null });
}

function transposeRule(ctx: OpContext, t: TensorV, d0: number | null, d1: number | null): Value {
  if (!t.ranked) return unrankedLike(t);
  const a = normAxis(d0, t.shape.length);
  const b = normAxis(d1, t.shape.length);
  if (a === null || b === null) {
    ctx.interp.report('shape-mismatch', 'error', ctx.site, `transpose(${d0}, ${d1}) is out of range for ${formatTensorShape(t)}`);
    return unrankedLike(t);
  }
  const shape = [...t.shape];
  [shape[a], shape[b]] = [shape[b], shape[a]];
  const spatialFrom = t.shape.length - (t.field?.size.length ?? 0);
  return out(shape, t, { field: a === b || (a < spatialFrom && b < spatialFrom) ? t.field : null });
}

function flattenRule(ctx: OpContext, t: TensorV, start: number, end: number): Value {
  if (!t.ranked) return unrankedLike(t);
  if (t.shape.length === 0) return out([1], t);
  const s = normAxis(start, t.shape.length);
  const e = normAxis(end, t.shape.length);
  if (s === null || e === null || s > e) {
    ctx.interp.report('shape-mismatch', 'error', ctx.site, `flatten(${start}, ${end}) is out of range for ${formatTensorShape(t)}`);
    return unrankedLike(t);
  }
  return out([...t.shape.slice(0, s), productDim(t.shape.slice(s, e + 1)), ...t.shape.slice(e + 1)], t);
}

function unsqueezeRule(ctx: OpContext, t: TensorV, d: number | null): Value {
  if (!t.ranked) return unrankedLike(t);
  const a = normAxis(d, t.shape.length + 1);
  if (a === null) {
    ctx.interp.report('shape-mismatch', 'error', ctx.site, `unsqueeze(${d}) is out of range for ${formatTensorShape(t)}`);
    return unrankedLike(t);
  }
  const shape = [...t.shape];
  shape.splice(a, 0, 1);
  return out(shape, t);
}

function squeezeRule(ctx: OpContext, t: TensorV, d: Value | undefined): Value {
  if (!t.ranked) return unrankedLike(t);
  if (d === undefined || d.k === 'none') {
    if (t.shape.some((x) => !isKnown(x))) {
      const shape = t.shape.filter((x) => x !== 1);
      return out(shape, t);
    }
    return out(t.shape.filter((x) => x !== 1), t);
  }
  const dims = d.k === 'tuple' || d.k === 'list' ? d.items.map(intOf) : [intOf(d)];
  const axes = dims.map((x) => normAxis(x, t.shape.length));
  if (axes.some((a) => a === null)) {
    ctx.interp.report('shape-mismatch', 'error', ctx.site, `squeeze dimension out of range for ${formatTensorShape(t)}`);
    return unrankedLike(t);
  }
  return out(t.shape.filter((x, i) => !(axes.includes(i) && x === 1)), t);
}

function reduceRule(ctx: OpContext, t: TensorV, dimV: Value | undefined, keepdim: boolean, dtype?: TensorV['dtype']): TensorV {
  if (dimV === undefined || dimV.k === 'none') return out([], t, { dtype });
  if (!t.ranked) return unrankedLike(t, dtype);
  const dims = dimV.k === 'tuple' || dimV.k === 'list' ? dimV.items.map(intOf) : [intOf(dimV)];
  const axes = dims.map((x) => normAxis(x, t.shape.length));
  if (axes.some((a) => a === null)) {
    ctx.interp.report('shape-mismatch', 'error', ctx.site, `reduction dimension out of range for ${formatTensorShape(t)}`);
    return unrankedLike(t, dtype);
  }
  const shape: Dim[] = [];
  t.shape.forEach((x, i) => {
    if (!axes.includes(i)) shape.push(x);
    else if (keepdim) shape.push(1);
  });
  // Reducing over batch or channel axes keeps each spatial unit's field; over spatial axes ends it.
  const spatialFrom = t.shape.length - (t.field?.size.length ?? 0);
  const field = t.field && axes.every((a) => a! < spatialFrom) ? t.field : null;
  return out(shape, t, { dtype, field });
}

function catRule(ctx: OpContext, seq: Value | undefined, dimV: Value | undefined, stack: boolean): Value {
  const items = seq ? ctx.interp.iterate(seq, ctx.site) : null;
  if (!items || items.length === 0) {
    ctx.interp.gap(ctx.site, `${stack ? 'stack' : 'cat'} of a sequence the analysis cannot enumerate`);
    return unrankedLike(null);
  }
  const ts = items.map(tensorArg);
  if (ts.some((t) => t === null)) return unrankedLike(ts.find((t) => t) ?? null);
  const tensors = ts as TensorV[];
  if (tensors.some((t) => !t.ranked)) return unrankedLike(tensors[0]);
  const rank = tensors[0].shape.length;
  const d = intOf(dimV) ?? (dimV === undefined ? 0 : null);
  const axis = normAxis(d, stack ? rank + 1 : rank);
  if (axis === null) {
    ctx.interp.report('shape-mismatch', 'error', ctx.site, `${stack ? 'stack' : 'cat'} dimension ${d} is out of range for rank ${rank}`);
    return unrankedLike(tensors[0]);
  }
  for (const t of tensors.slice(1)) {
    if (t.shape.length !== rank) {
      ctx.interp.report('shape-mismatch', 'error', ctx.site, `${stack ? 'stack' : 'cat'}: tensors of rank ${rank} and ${t.shape.length} (${formatTensorShape(tensors[0])} and ${formatTensorShape(t)})`);
      return unrankedLike(tensors[0]);
    }
  }
  const shape = [...tensors[0].shape];
  for (let i = 0; i < rank; i++) {
    if (!stack && i === axis) continue;
    for (const t of tensors.slice(1)) {
      // The same dimension object (carried through unchanged) needs no symbolic comparison.
      if (sameDim(shape[i], t.shape[i])) continue;
      const c = compareDims(shape[i], t.shape[i]);
      if (c === 'different') {
        ctx.interp.report('shape-mismatch', 'error', ctx.site, `${stack ? 'stack' : 'cat'} along dim ${d}: sizes differ in dim ${i} (${formatTensorShape(tensors[0])} vs ${formatTensorShape(t)})${originText(tensors[0], t)}`, related(ctx, tensors[0], t));
        shape[i] = unknownDim();
      } else if (c === 'unknown' && isUnknown(shape[i])) shape[i] = t.shape[i];
    }
  }
  let field: ReceptiveField | null = null;
  if (!stack) {
    shape[axis] = tensors.reduce<Dim>((acc, t) => addDim(acc, t.shape[axis]), 0);
    // Concatenating feature maps along channels merges the branches' fields.
    const spatialStart = rank - (tensors.find((t) => t.field)?.field?.size.length ?? 0);
    if (axis < spatialStart) for (const t of tensors) if (t.field) field = field ? mergeFields(field, t.field) : t.field;
    return out(shape, tensors[0], { field });
  }
  shape.splice(axis, 0, tensors.length);
  // Stacking before the spatial axes keeps them last: the fields of the stacked tensors merge.
  const fieldRank = tensors.find((t) => t.field)?.field?.size.length ?? 0;
  if (fieldRank && axis <= rank - fieldRank) for (const t of tensors) if (t.field) field = field ? mergeFields(field, t.field) : t.field;
  return out(shape, tensors[0], { field });
}

/** A piece of `t` cut along `axis`: it keeps the field when the cut is across channels, not space. */
function pieceOf(t: TensorV, shape: Dim[], axis: number): TensorV {
  const spatialFrom = t.shape.length - (t.field?.size.length ?? 0);
  return out(shape, t, { field: axis < spatialFrom ? t.field : null });
}

function chunkRule(ctx: OpContext, t: TensorV, chunks: number | null, d: number | null): Value {
  if (!t.ranked || chunks === null || chunks <= 0) return unknown('chunk with unknown arguments', ctx.site);
  const axis = normAxis(d, t.shape.length);
  if (axis === null) return unknown('chunk dim out of range', ctx.site);
  const size = t.shape[axis];
  const each = ceilDivDim(size, chunks);
  if (isKnown(size)) {
    const parts: Value[] = [];
    let left = size;
    const step = Math.ceil(size / chunks);
    while (left > 0) {
      const s = Math.min(step, left);
      const shape = [...t.shape];
      shape[axis] = s;
      parts.push(pieceOf(t, shape, axis));
      left -= s;
    }
    return tuple(parts);
  }
  const shape = [...t.shape];
  shape[axis] = exactDiv(size, chunks) ?? each;
  return tuple(new Array(chunks).fill(null).map(() => pieceOf(t, [...shape], axis)));
}

function splitRule(ctx: OpContext, t: TensorV, sizeV: Value | undefined, d: number | null): Value {
  if (!t.ranked || !sizeV) return unknown('split with unknown arguments', ctx.site);
  const axis = normAxis(d, t.shape.length);
  if (axis === null) return unknown('split dim out of range', ctx.site);
  const total = t.shape[axis];
  if (sizeV.k === 'list' || sizeV.k === 'tuple') {
    const sizes = sizeV.items.map((v) => dimOf(v) ?? unknownDim());
    const sum = sizes.reduce<Dim>((a, b) => addDim(a, b), 0);
    if (compareDims(sum, total) === 'different') ctx.interp.report('shape-mismatch', 'error', ctx.site, `split sizes add up to ${formatDim(sum)} but dim ${d} of ${formatTensorShape(t)} is ${formatDim(total)}`);
    return tuple(sizes.map((s) => pieceOf(t, t.shape.map((x, i) => (i === axis ? s : x)), axis)));
  }
  const size = dimOf(sizeV);
  if (size === null) return unknown('split size unknown', ctx.site);
  if (isKnown(total) && isKnown(size) && size > 0) {
    const parts: Value[] = [];
    for (let left = total; left > 0; left -= size) parts.push(pieceOf(t, t.shape.map((x, i) => (i === axis ? Math.min(size, left) : x)), axis));
    return tuple(parts);
  }
  const n = exactDiv(total, size);
  if (n !== null && isKnown(n)) return tuple(new Array(n).fill(null).map(() => pieceOf(t, t.shape.map((x, i) => (i === axis ? size : x)), axis)));
  return unknown('split into an unknown number of pieces', ctx.site);
}

function expandRule(ctx: OpContext, t: TensorV, sizes: Dim[] | null): Value {
  if (!sizes) return unrankedLike(t);
  if (!t.ranked) return out(sizes.map((s) => (s === -1 ? unknownDim() : s)), t, { ranked: true });
  const lead = sizes.length - t.shape.length;
  if (lead < 0) {
    ctx.interp.report('shape-mismatch', 'error', ctx.site, `expand to ${sizes.length} dims is fewer than the ${t.shape.length} of ${formatTensorShape(t)}`);
    return unrankedLike(t);
  }
  const shape = sizes.map((s, i) => {
    if (i < lead) return s;
    const cur = t.shape[i - lead];
    if (s === -1) return cur;
    if (cur !== 1 && compareDims(cur, s) === 'different') ctx.interp.report('shape-mismatch', 'error', ctx.site, `expand: dim ${i} of ${formatTensorShape(t)} is ${formatDim(cur)}, cannot expand to ${formatDim(s)}`);
    return s;
  });
  return out(shape, t);
}

function repeatRule(ctx: OpContext, t: TensorV, reps: Dim[] | null): Value {
  if (!reps || !t.ranked) return unrankedLike(t);
  if (reps.length < t.shape.length) {
    ctx.interp.report('shape-mismatch', 'error', ctx.site, `repeat needs at least ${t.shape.length} repeat counts for ${formatTensorShape(t)}`);
    return unrankedLike(t);
  }
  const lead = reps.length - t.shape.length;
  return out(reps.map((r, i) => (i < lead ? r : mulDim(r, t.shape[i - lead]))), t);
}

// ------------------------------------------------------------------ catalogue-backed functional ops

/** Runs a catalogue layer's rule for a functional call (F.conv2d → Conv2d). */
function viaLayer(ctx: OpContext, layerName: string, cfg: LayerConfig, x: TensorV, extraNotation?: () => string | null): Value {
  const spec = lookupLayer('pytorch', layerName);
  if (!spec) {
    ctx.interp.gap(ctx.site, `the catalogue has no ${layerName}, so this call's shape is unknown`);
    return unrankedLike(x);
  }
  const full: LayerConfig = {};
  for (const p of spec.signature) if ('default' in p) full[p.name] = p.default as ConfigValue;
  Object.assign(full, cfg);
  const layerCtx = layerContext(ctx);
  const input: LayerValue = { kind: 'tensor', shape: x.shape, dtype: x.dtype };
  const res = spec.forward(full, [input], {}, layerCtx);
  if (res.kind !== 'tensor') return unrankedLike(x);
  const geometry = spec.geometry?.(full, [input]) ?? null;
  let field: ReceptiveField | null = null;
  if (x.field && geometry) field = composeField(x.field, geometry);
  else if (x.field && !geometry && res.shape.length === x.shape.length) field = x.field;
  const notation = extraNotation?.() ?? spec.notation?.(full, [input], res) ?? null;
  return out([...res.shape], x, { field, notation });
}

/** A LayerContext that reports at the call site. */
export function layerContext(ctx: OpContext, suffix = ''): LayerContext {
  return {
    mismatch: (m) => ctx.interp.report('shape-mismatch', 'error', ctx.site, m + suffix),
    invalid: (m) => ctx.interp.report('invalid-argument', 'error', ctx.site, m),
    gap: (m) => ctx.interp.gap(ctx.site, m),
  };
}

function convFunctional(n: number, transposed: boolean): Rule {
  return (ctx, _self, args, kwargs) => {
    const x = tensorArg(arg(args, kwargs, 0, 'input'));
    const w = tensorArg(arg(args, kwargs, 1, 'weight'));
    if (!x || !w || !w.ranked || w.shape.length !== n + 2) {
      ctx.interp.gap(ctx.site, `conv${n}d with a weight whose shape is unknown`);
      return unrankedLike(x);
    }
    const bias = arg(args, kwargs, 2, 'bias');
    const names = transposed ? ['stride', 'padding', 'output_padding', 'groups', 'dilation'] : ['stride', 'padding', 'dilation', 'groups'];
    const cfg: LayerConfig = {};
    names.forEach((name, i) => {
      const v = arg(args, kwargs, 3 + i, name);
      if (v !== undefined) cfg[name] = toConfig(v);
    });
    const groups = intOf(arg(args, kwargs, transposed ? 6 : 6, 'groups')) ?? (typeof cfg.groups === 'number' ? cfg.groups : 1);
    cfg.groups = groups;
    if (transposed) {
      cfg.in_channels = w.shape[0] as ConfigValue;
      cfg.out_channels = mulDim(w.shape[1], groups) as ConfigValue;
    } else {
      cfg.in_channels = mulDim(w.shape[1], groups) as ConfigValue;
      cfg.out_channels = w.shape[0] as ConfigValue;
    }
    cfg.kernel_size = w.shape.slice(2) as ConfigValue;
    cfg.bias = !!bias && bias.k !== 'none';
    return viaLayer(ctx, `${transposed ? 'ConvTranspose' : 'Conv'}${n}d`, cfg, x);
  };
}

function poolFunctional(layer: string, names: string[]): Rule {
  return (ctx, _self, args, kwargs) => {
    const x = tensorArg(arg(args, kwargs, 0, 'input'));
    if (!x) return unrankedLike(null);
    const cfg: LayerConfig = {};
    names.forEach((name, i) => {
      const v = arg(args, kwargs, 1 + i, name);
      if (v !== undefined) cfg[name] = toConfig(v);
    });
    if (cfg.stride === null || (Array.isArray(cfg.stride) && cfg.stride.length === 0)) delete cfg.stride;
    return viaLayer(ctx, layer, cfg, x);
  };
}

// ------------------------------------------------------------------ rule tables

const elementwiseNames = [
  'relu', 'relu_', 'relu6', 'gelu', 'silu', 'sigmoid', 'tanh', 'elu', 'selu', 'celu', 'leaky_relu', 'hardswish', 'hardsigmoid', 'hardtanh', 'mish', 'softplus', 'softsign', 'tanhshrink',
  'dropout', 'dropout1d', 'dropout2d', 'dropout3d', 'alpha_dropout', 'feature_alpha_dropout', 'exp', 'log', 'log1p', 'sqrt', 'rsqrt', 'abs', 'neg', 'sin', 'cos', 'erf', 'sign', 'floor', 'ceil', 'round',
  'clamp', 'clip', 'clamp_', 'clamp_min', 'clamp_max', 'pow', 'square', 'reciprocal', 'logsigmoid', 'sigmoid_', 'tanh_', 'exp_', 'contiguous', 'clone', 'detach', 'requires_grad_', 'cuda', 'cpu',
  'float', 'double', 'half', 'bfloat16', 'to', 'type_as', 'fill_', 'zero_', 'normal_', 'uniform_', 'add_', 'sub_', 'mul_', 'div_', 'masked_fill_', 'copy_', 'pin_memory', 'share_memory_', 'retain_grad',
  'softmax', 'log_softmax', 'softmin', 'normalize', 'layer_norm', 'group_norm', 'batch_norm', 'instance_norm', 'local_response_norm', 'cumsum', 'cumprod', 'flip', 'roll', 'triu', 'tril', 'nan_to_num',
  'sigmoid', 'logit', 'threshold', 'rrelu', 'prelu', 'dropout_', 'apply_', 'abs_', 'sqrt_', 'trunc', 'frac', 'lerp', 'addcmul', 'addcdiv', 'tanh',
  'bernoulli', 'bernoulli_', 'exponential_', 'random_', 'clamp_min_', 'clamp_max_', 'relu6_', 'hardtanh_', 'neg_', 'pow_', 'sign_', 'floor_', 'round_', 'sub', 'detach_', 'cauchy_', 'log_normal_', 'geometric_', 'erfinv', 'erfinv_', 'sinh', 'cosh', 'tan', 'atan', 'asin', 'acos', 'expm1', 'log2', 'log10', 'sigmoid_', 'float_', 'to_dense', 'coalesce',
];

const longNames = new Set(['long', 'int', 'argmax', 'argmin', 'short', 'byte']);
const boolNames = new Set(['bool', 'isnan', 'isinf', 'isfinite', 'eq', 'ne', 'lt', 'gt', 'le', 'ge', 'logical_not', 'logical_and', 'logical_or']);

function firstTensor(self: TensorV | null, args: Value[]): TensorV | null {
  return self ?? tensorArg(args[0]);
}

function restArgs(self: TensorV | null, args: Value[]): Value[] {
  return self ? args : args.slice(1);
}

/** Rules shared by tensor methods and torch functions (the tensor is `self` or the first argument). */
const rules: Record<string, Rule> = {
  view: (ctx, self, args, kwargs) => {
    const t = firstTensor(self, args)!;
    const rest = restArgs(self, args);
    if (rest.length === 1 && rest[0].k === 'dtype') return same(t, rest[0].dtype);
    return viewRule(ctx, t, sizesOf(rest.length ? rest : [kwargs.get('size') ?? kwargs.get('shape') ?? tuple([])], ctx.interp, ctx.site), 'view');
  },
  reshape: (ctx, self, args, kwargs) => {
    const t = firstTensor(self, args)!;
    const rest = restArgs(self, args);
    return viewRule(ctx, t, sizesOf(rest.length ? rest : [kwargs.get('shape') ?? tuple([])], ctx.interp, ctx.site), 'reshape');
  },
  view_as: (ctx, self, args) => {
    const t = firstTensor(self, args)!;
    const o = tensorArg(restArgs(self, args)[0]);
    return o && o.ranked ? viewRule(ctx, t, [...o.shape], 'view_as') : unrankedLike(t);
  },
  reshape_as: (ctx, self, args) => rules.view_as(ctx, self, args, new Map()),
  permute: (ctx, self, args, kwargs) => {
    const t = firstTensor(self, args)!;
    const sizes = sizesOf(restArgs(self, args).length ? restArgs(self, args) : [kwargs.get('dims') ?? tuple([])], ctx.interp, ctx.site);
    return permuteRule(ctx, t, (sizes ?? []).map((d) => (isKnown(d) ? d : null)));
  },
  transpose: (ctx, self, args, kwargs) => {
    const t = firstTensor(self, args)!;
    const rest = restArgs(self, args);
    return transposeRule(ctx, t, intOf(arg(rest, kwargs, 0, 'dim0')), intOf(arg(rest, kwargs, 1, 'dim1')));
  },
  swapaxes: (ctx, self, args, kwargs) => rules.transpose(ctx, self, args, kwargs),
  t: (ctx, self, args) => {
    const t = firstTensor(self, args)!;
    if (t.ranked && t.shape.length < 2) return same(t);
    return transposeRule(ctx, t, 0, 1);
  },
  flatten: (ctx, self, args, kwargs) => {
    const t = firstTensor(self, args)!;
    const rest = restArgs(self, args);
    return flattenRule(ctx, t, intOf(arg(rest, kwargs, 0, 'start_dim')) ?? 0, intOf(arg(rest, kwargs, 1, 'end_dim')) ?? -1);
  },
  unflatten: (ctx, self, args, kwargs) => {
    const t = firstTensor(self, args)!;
    const rest = restArgs(self, args);
    const d = normAxis(intOf(arg(rest, kwargs, 0, 'dim')), t.shape.length);
    const sizes = sizesOf([arg(rest, kwargs, 1, 'sizes') ?? tuple([])], ctx.interp, ctx.site);
    if (!t.ranked || d === null || !sizes) return unrankedLike(t);
    const inferAt = sizes.findIndex((s) => s === -1);
    if (inferAt >= 0) sizes[inferAt] = exactDiv(t.shape[d], productDim(sizes.filter((_, i) => i !== inferAt))) ?? unknownDim();
    return out([...t.shape.slice(0, d), ...sizes, ...t.shape.slice(d + 1)], t);
  },
  unsqueeze: (ctx, self, args, kwargs) => unsqueezeRule(ctx, firstTensor(self, args)!, intOf(arg(restArgs(self, args), kwargs, 0, 'dim'))),
  squeeze: (ctx, self, args, kwargs) => squeezeRule(ctx, firstTensor(self, args)!, arg(restArgs(self, args), kwargs, 0, 'dim')),
  chunk: (ctx, self, args, kwargs) => {
    const rest = restArgs(self, args);
    return chunkRule(ctx, firstTensor(self, args)!, intOf(arg(rest, kwargs, 0, 'chunks')), intOf(arg(rest, kwargs, 1, 'dim')) ?? 0);
  },
  split: (ctx, self, args, kwargs) => {
    const rest = restArgs(self, args);
    return splitRule(ctx, firstTensor(self, args)!, arg(rest, kwargs, 0, 'split_size_or_sections', 'split_size'), intOf(arg(rest, kwargs, 1, 'dim')) ?? 0);
  },
  unbind: (ctx, self, args, kwargs) => {
    const t = firstTensor(self, args)!;
    const d = normAxis(intOf(arg(restArgs(self, args), kwargs, 0, 'dim')) ?? 0, t.shape.length);
    if (!t.ranked || d === null || !isKnown(t.shape[d])) return unknown('unbind of an unknown size', ctx.site);
    const shape = t.shape.filter((_, i) => i !== d);
    return tuple(new Array(t.shape[d] as number).fill(null).map(() => out([...shape], t)));
  },
  expand: (ctx, self, args) => expandRule(ctx, firstTensor(self, args)!, sizesOf(restArgs(self, args), ctx.interp, ctx.site)),
  expand_as: (ctx, self, args) => {
    const o = tensorArg(restArgs(self, args)[0]);
    return o ? expandRule(ctx, firstTensor(self, args)!, o.ranked ? [...o.shape] : null) : unrankedLike(self);
  },
  broadcast_to: (ctx, self, args) => expandRule(ctx, firstTensor(self, args)!, sizesOf(restArgs(self, args), ctx.interp, ctx.site)),
  repeat: (ctx, self, args) => repeatRule(ctx, firstTensor(self, args)!, sizesOf(restArgs(self, args), ctx.interp, ctx.site)),
  repeat_interleave: (ctx, self, args, kwargs) => {
    const t = firstTensor(self, args)!;
    const rest = restArgs(self, args);
    const r = dimOf(arg(rest, kwargs, 0, 'repeats'));
    const d = normAxis(intOf(arg(rest, kwargs, 1, 'dim')), t.shape.length);
    if (!t.ranked || r === null || d === null) return unrankedLike(t);
    return out(t.shape.map((x, i) => (i === d ? mulDim(x, r) : x)), t);
  },
  masked_fill: (ctx, self, args, kwargs) => {
    const t = firstTensor(self, args)!;
    const mask = tensorArg(arg(restArgs(self, args), kwargs, 0, 'mask'));
    if (mask && t.ranked && mask.ranked) {
      const shape = broadcastShapes(t.shape, mask.shape, (i, x, y) =>
        ctx.interp.report('shape-mismatch', 'error', ctx.site, `masked_fill: mask ${formatTensorShape(mask)} does not broadcast to ${formatTensorShape(t)} (dim ${i}: ${formatDim(y)} vs ${formatDim(x)})`),
      );
      return out(shape, t, { field: t.field });
    }
    return same(t);
  },
  where: (ctx, self, args) => {
    const [c, a, b] = self ? [args[0], self, args[1]] : args;
    if (!a || !b) return unrankedLike(tensorArg(c));
    const ab = elementwise(ctx, 'where', a, b);
    return c && ab.k === 'tensor' ? elementwise(ctx, 'where', ab, c.k === 'tensor' ? { ...c, dtype: ab.dtype } : c) : ab;
  },
  matmul: (ctx, self, args) => {
    const a = firstTensor(self, args);
    const b = tensorArg(restArgs(self, args)[0]);
    return a && b ? matmul(ctx, a, b, 'matmul') : unrankedLike(a);
  },
  mm: (ctx, self, args) => rules.matmul(ctx, self, args, new Map()),
  bmm: (ctx, self, args) => {
    const a = firstTensor(self, args);
    const b = tensorArg(restArgs(self, args)[0]);
    if (a && b && a.ranked && b.ranked && (a.shape.length !== 3 || b.shape.length !== 3)) ctx.interp.report('shape-mismatch', 'error', ctx.site, `bmm needs two 3-D tensors, got ${formatTensorShape(a)} and ${formatTensorShape(b)}`);
    return a && b ? matmul(ctx, a, b, 'bmm') : unrankedLike(a);
  },
  outer: (ctx, self, args) => {
    const a = firstTensor(self, args);
    const b = tensorArg(restArgs(self, args)[0]);
    if (!a || !b || !a.ranked || !b.ranked) return unrankedLike(a);
    return out([a.shape[0] ?? unknownDim(), b.shape[0] ?? unknownDim()], a);
  },
  mean: (ctx, self, args, kwargs) => reduceRule(ctx, firstTensor(self, args)!, arg(restArgs(self, args), kwargs, 0, 'dim', 'axis'), kwargBool(restArgs(self, args), kwargs, 1, 'keepdim')),
  sum: (ctx, self, args, kwargs) => reduceRule(ctx, firstTensor(self, args)!, arg(restArgs(self, args), kwargs, 0, 'dim', 'axis'), kwargBool(restArgs(self, args), kwargs, 1, 'keepdim')),
  prod: (ctx, self, args, kwargs) => reduceRule(ctx, firstTensor(self, args)!, arg(restArgs(self, args), kwargs, 0, 'dim'), kwargBool(restArgs(self, args), kwargs, 1, 'keepdim')),
  std: (ctx, self, args, kwargs) => reduceRule(ctx, firstTensor(self, args)!, arg(restArgs(self, args), kwargs, 0, 'dim'), kwargBool(restArgs(self, args), kwargs, 2, 'keepdim')),
  var: (ctx, self, args, kwargs) => reduceRule(ctx, firstTensor(self, args)!, arg(restArgs(self, args), kwargs, 0, 'dim'), kwargBool(restArgs(self, args), kwargs, 2, 'keepdim')),
  norm: (ctx, self, args, kwargs) => reduceRule(ctx, firstTensor(self, args)!, arg(restArgs(self, args), kwargs, 1, 'dim'), kwargBool(restArgs(self, args), kwargs, 2, 'keepdim')),
  logsumexp: (ctx, self, args, kwargs) => reduceRule(ctx, firstTensor(self, args)!, arg(restArgs(self, args), kwargs, 0, 'dim'), kwargBool(restArgs(self, args), kwargs, 1, 'keepdim')),
  all: (ctx, self, args, kwargs) => reduceRule(ctx, firstTensor(self, args)!, arg(restArgs(self, args), kwargs, 0, 'dim'), kwargBool(restArgs(self, args), kwargs, 1, 'keepdim'), 'bool'),
  any: (ctx, self, args, kwargs) => reduceRule(ctx, firstTensor(self, args)!, arg(restArgs(self, args), kwargs, 0, 'dim'), kwargBool(restArgs(self, args), kwargs, 1, 'keepdim'), 'bool'),
  argmax: (ctx, self, args, kwargs) => reduceRule(ctx, firstTensor(self, args)!, arg(restArgs(self, args), kwargs, 0, 'dim'), kwargBool(restArgs(self, args), kwargs, 1, 'keepdim'), 'long'),
  argmin: (ctx, self, args, kwargs) => reduceRule(ctx, firstTensor(self, args)!, arg(restArgs(self, args), kwargs, 0, 'dim'), kwargBool(restArgs(self, args), kwargs, 1, 'keepdim'), 'long'),
  max: (ctx, self, args, kwargs) => maxMin(ctx, self, args, kwargs),
  min: (ctx, self, args, kwargs) => maxMin(ctx, self, args, kwargs),
  median: (ctx, self, args, kwargs) => maxMin(ctx, self, args, kwargs),
  mode: (ctx, self, args, kwargs) => maxMin(ctx, self, args, kwargs),
  sort: (ctx, self, args) => {
    const t = firstTensor(self, args)!;
    return tuple([same(t), same(t, 'long')]);
  },
  topk: (ctx, self, args, kwargs) => {
    const t = firstTensor(self, args)!;
    const rest = restArgs(self, args);
    const k = dimOf(arg(rest, kwargs, 0, 'k'));
    const d = normAxis(intOf(arg(rest, kwargs, 1, 'dim')) ?? -1, t.shape.length);
    if (!t.ranked || k === null || d === null) return tuple([unrankedLike(t), unrankedLike(t, 'long')]);
    const shape = t.shape.map((x, i) => (i === d ? k : x));
    return tuple([out(shape, t), out([...shape], t, { dtype: 'long' })]);
  },
  narrow: (ctx, self, args, kwargs) => {
    const t = firstTensor(self, args)!;
    const rest = restArgs(self, args);
    const d = normAxis(intOf(arg(rest, kwargs, 0, 'dim')), t.shape.length);
    const len = dimOf(arg(rest, kwargs, 2, 'length'));
    if (!t.ranked || d === null || len === null) return unrankedLike(t);
    return out(t.shape.map((x, i) => (i === d ? len : x)), t);
  },
  index_select: (ctx, self, args, kwargs) => {
    const t = firstTensor(self, args)!;
    const rest = restArgs(self, args);
    const d = normAxis(intOf(arg(rest, kwargs, 0, 'dim')), t.shape.length);
    const idx = tensorArg(arg(rest, kwargs, 1, 'index'));
    if (!t.ranked || d === null || !idx || !idx.ranked) return unrankedLike(t);
    return out(t.shape.map((x, i) => (i === d ? idx.shape[0] ?? unknownDim() : x)), t);
  },
  gather: (ctx, self, args, kwargs) => {
    const idx = tensorArg(arg(restArgs(self, args), kwargs, 1, 'index'));
    return idx ? same(idx, firstTensor(self, args)?.dtype) : unrankedLike(self);
  },
  masked_select: (ctx, self, args) => out([unknownDim()], firstTensor(self, args)),
  nonzero: (ctx, self, args) => {
    const t = firstTensor(self, args)!;
    return out([unknownDim(), t.ranked ? t.shape.length : unknownDim()], t, { dtype: 'long' });
  },
  softmax: (ctx, self, args, kwargs) => {
    const t = firstTensor(self, args)!;
    const d = intOf(arg(restArgs(self, args), kwargs, 0, 'dim'));
    if (t.ranked && d !== null && normAxis(d, t.shape.length) === null) ctx.interp.report('shape-mismatch', 'error', ctx.site, `softmax dim ${d} is out of range for ${formatTensorShape(t)}`);
    return same(t);
  },
  glu: (ctx, self, args, kwargs) => {
    const t = firstTensor(self, args)!;
    const d = normAxis(intOf(arg(restArgs(self, args), kwargs, 0, 'dim')) ?? -1, t.shape.length);
    if (!t.ranked || d === null) return unrankedLike(t);
    return out(t.shape.map((x, i) => (i === d ? exactDiv(x, 2) ?? floorDivDim(x, 2) : x)), t, { field: t.field });
  },
  numel: (ctx, self, args) => {
    const t = firstTensor(self, args)!;
    return t.ranked ? int(productDim(t.shape)) : int(unknownDim());
  },
  dim: (ctx, self, args) => {
    const t = firstTensor(self, args)!;
    return t.ranked ? int(t.shape.length) : int(unknownDim());
  },
  size: (ctx, self, args, kwargs) => {
    const t = firstTensor(self, args)!;
    const d = arg(restArgs(self, args), kwargs, 0, 'dim');
    if (d === undefined) return t.ranked ? tuple(t.shape.map(int)) : unknown('size of a tensor of unknown rank', ctx.site);
    const i = intOf(d);
    if (i === null) return int(unknownDim());
    if (!t.ranked) {
      if (i < 0 && -i <= t.shape.length) return int(t.shape[t.shape.length + i]);
      return int(unknownDim());
    }
    const a = normAxis(i, t.shape.length);
    if (a === null) {
      ctx.interp.report('shape-mismatch', 'error', ctx.site, `size(${i}) is out of range for ${formatTensorShape(t)}`);
      return int(unknownDim());
    }
    return int(t.shape[a]);
  },
  item: () => ({ k: 'float', v: NaN }),
  tolist: () => unknown('tolist()'),
  is_contiguous: () => TRUE,
  is_floating_point: (ctx, self, args) => (firstTensor(self, args)!.dtype === 'float' ? TRUE : FALSE),
  new_zeros: (ctx, self, args) => newTensor(ctx, args, self),
  new_ones: (ctx, self, args) => newTensor(ctx, args, self),
  new_empty: (ctx, self, args) => newTensor(ctx, args, self),
  new_full: (ctx, self, args) => newTensor(ctx, args.slice(0, 1), self),
  new_tensor: () => unrankedLike(null),
  type: (ctx, self) => (self ? same(self) : unknown('type')),
  einsum: (ctx, _self, args) => einsumRule(ctx, args),
  diag_embed: (ctx, self, args) => {
    const t = firstTensor(self, args)!;
    return t.ranked ? out([...t.shape, t.shape[t.shape.length - 1]], t) : unrankedLike(t);
  },
};

const DATA_UNARY: Record<string, (x: number) => number> = { round: Math.round, log: Math.log, exp: Math.exp, sqrt: Math.sqrt, abs: Math.abs, floor: Math.floor, ceil: Math.ceil, neg: (x) => -x, log2: Math.log2 };
for (const [n, f] of Object.entries(DATA_UNARY)) rules[n] = (ctx, self, args) => mapData(firstTensor(self, args) ?? unrankedLike(null), f);
rules.int = (ctx, self, args) => mapData(firstTensor(self, args) ?? unrankedLike(null), Math.trunc, 'long');
rules.long = rules.int;
rules.float = (ctx, self, args) => mapData(firstTensor(self, args) ?? unrankedLike(null), (x) => x, 'float');
rules.tolist = (ctx, self, args) => {
  const t = firstTensor(self, args);
  if (!t?.data || !t.ranked || t.shape.length !== 1) return unknown('tolist() of a tensor whose values are unknown', ctx.site);
  return { k: 'list', items: t.data.map((x) => (t.dtype === 'float' ? { k: 'float', v: x } : int(x))) };
};
rules.item = (ctx, self, args) => {
  const t = firstTensor(self, args);
  if (t?.data && t.data.length === 1) return t.dtype === 'float' ? { k: 'float', v: t.data[0] } : int(t.data[0]);
  return { k: 'float', v: NaN };
};
rules.diff = (ctx, self, args) => {
  const t = firstTensor(self, args)!;
  if (!t.ranked || t.shape.length !== 1) return unrankedLike(t);
  const len = subDim(t.shape[0], 1);
  return t.data ? { ...out([len], t), data: t.data.slice(1).map((x, i) => x - t.data![i]) } : out([len], t);
};
for (const n of elementwiseNames) if (!rules[n]) rules[n] = (ctx, self, args) => same(firstTensor(self, args) ?? unrankedLike(null));
for (const n of longNames) if (!rules[n]) rules[n] = (ctx, self, args) => same(firstTensor(self, args) ?? unrankedLike(null), 'long');
for (const n of boolNames) rules[n] ??= (ctx, self, args) => {
  const t = firstTensor(self, args) ?? unrankedLike(null);
  const o = restArgs(self, args)[0];
  const r = o ? elementwise(ctx, '==', t, o) : same(t);
  return r.k === 'tensor' ? { ...r, dtype: 'bool' } : r;
};
for (const [name, op] of [['add', '+'], ['sub', '-'], ['mul', '*'], ['div', '/'], ['divide', '/'], ['pow', '**'], ['true_divide', '/'], ['floor_divide', '//'], ['remainder', '%'], ['maximum', '+'], ['minimum', '+'], ['fmod', '%'], ['atan2', '+'], ['hypot', '+']] as const) {
  rules[name] = (ctx, self, args, kwargs) => {
    const a = self ?? args[0];
    const b = self ? args[0] ?? kwargs.get('other') : args[1] ?? kwargs.get('other');
    return a && b ? elementwise(ctx, op, a, b) : unrankedLike(tensorArg(a));
  };
}

function kwargBool(args: Value[], kwargs: Map<string, Value>, i: number, name: string): boolean {
  const v = arg(args, kwargs, i, name);
  return v?.k === 'bool' ? v.v : false;
}

function maxMin(ctx: OpContext, self: TensorV | null, args: Value[], kwargs: Map<string, Value>): Value {
  const t = firstTensor(self, args)!;
  const rest = restArgs(self, args);
  const d = arg(rest, kwargs, 0, 'dim');
  if (d && d.k === 'tensor') return elementwise(ctx, '+', t, d);
  if (d === undefined) return out([], t);
  const keep = kwargBool(rest, kwargs, 1, 'keepdim');
  const v = reduceRule(ctx, t, d, keep);
  return tuple([v, { ...v, dtype: 'long' }]);
}

function newTensor(ctx: OpContext, args: Value[], like: TensorV | null): Value {
  const sizes = sizesOf(args, ctx.interp, ctx.site);
  if (!sizes) return unrankedLike(like);
  return out(sizes, like, { ranked: true, field: null });
}

function einsumRule(ctx: OpContext, args: Value[]): Value {
  const eq = args[0];
  const operands = args.length === 2 && (args[1].k === 'list' || args[1].k === 'tuple') ? args[1].items : args.slice(1);
  if (eq?.k !== 'str') return unrankedLike(null);
  const [lhs, rhsRaw] = eq.v.replace(/\s+/g, '').split('->');
  const inputs = lhs.split(',');
  const sizes = new Map<string, Dim>();
  const ts = operands.map(tensorArg);
  for (let i = 0; i < inputs.length; i++) {
    const t = ts[i];
    if (!t || !t.ranked || inputs[i].includes('.')) return unrankedLike(t);
    if (inputs[i].length !== t.shape.length) {
      ctx.interp.report('shape-mismatch', 'error', ctx.site, `einsum: operand ${i} has ${t.shape.length} dims but '${inputs[i]}' names ${inputs[i].length}`);
      return unrankedLike(t);
    }
    [...inputs[i]].forEach((c, j) => {
      const prev = sizes.get(c);
      const d = t.shape[j];
      if (prev === undefined || prev === 1) sizes.set(c, d);
      else if (d !== 1 && compareDims(prev, d) === 'different') ctx.interp.report('shape-mismatch', 'error', ctx.site, `einsum: index '${c}' is ${formatDim(prev)} in one operand and ${formatDim(d)} in another`);
    });
  }
  let rhs = rhsRaw;
  if (rhs === undefined) {
    const counts = new Map<string, number>();
    for (const c of inputs.join('')) counts.set(c, (counts.get(c) ?? 0) + 1);
    rhs = [...counts].filter(([, n]) => n === 1).map(([c]) => c).sort().join('');
  }
  const shape = [...rhs].map((c) => sizes.get(c) ?? unknownDim());
  const notation = inputs.length === 2 && ts[0] && ts[1] ? `${eq.v}: ${matmulNotation(ts[0].shape, ts[1].shape, shape)}` : null;
  return out(shape, ts[0], { notation });
}

// ------------------------------------------------------------------ entry points

/** The attribute of a tensor: properties (`shape`, `T`, `dtype`) or bound method rules. */
export function tensorAttribute(interp: Interpreter, t: TensorV, name: string, site: CallSite): Value {
  switch (name) {
    case 'shape':
      return t.ranked ? tuple(t.shape.map(int)) : unknown('shape of a tensor of unknown rank', site);
    case 'ndim':
      return t.ranked ? int(t.shape.length) : int(unknownDim());
    case 'dtype':
      return { k: 'dtype', dtype: t.dtype };
    case 'T':
    case 'mT':
      if (!t.ranked) return unrankedLike(t);
      return out([...t.shape].reverse(), t);
    case 'data':
    case 'grad':
      return same(t);
    case 'device':
      return unknown('device');
    case 'requires_grad':
    case 'is_cuda':
      return FALSE;
  }
  const rule = rules[name];
  if (!rule) {
    interp.gap(site, `tensor method .${name}() is not modelled`);
    return unknown(`Tensor.${name}`, site);
  }
  const fn: NativeFn = (args, kwargs, callSite) => rule({ interp, site: callSite }, t, args, kwargs);
  return { k: 'builtin', name: `Tensor.${name}`, fn } as BuiltinV;
}

/** A torch.* function applying a shared rule with the tensor as the first argument. */
export function torchFunction(interp: Interpreter, name: string): Value | undefined {
  const special = torchSpecial[name];
  if (special) return { k: 'builtin', name: `torch.${name}`, fn: (args, kwargs, site) => special({ interp, site }, null, args, kwargs) };
  const rule = rules[name];
  if (!rule) return undefined;
  return {
    k: 'builtin',
    name: `torch.${name}`,
    fn: (args, kwargs, site) => {
      const t = tensorArg(args[0]) ?? tensorArg(kwargs.get('input'));
      if (!t) {
        if (args[0] && (args[0].k === 'int' || args[0].k === 'float')) return args[0];
        return unknown(`torch.${name} of a non-tensor`, site);
      }
      return rule({ interp, site }, null, args[0]?.k === 'tensor' ? args : [t, ...args], kwargs);
    },
  };
}

function creation(dtypeDefault: TensorV['dtype']): Rule {
  return (ctx, _self, args, kwargs) => {
    const sizeArgs = args.filter((a) => a.k !== 'dtype');
    const sizes = sizesOf(sizeArgs.length ? sizeArgs : [kwargs.get('size') ?? tuple([])], ctx.interp, ctx.site);
    const dt = kwargs.get('dtype');
    return out(sizes ?? [], null, { ranked: sizes !== null, dtype: dt?.k === 'dtype' ? dt.dtype : dtypeDefault });
  };
}

function likeRule(ctx: OpContext, _self: TensorV | null, args: Value[], kwargs: Map<string, Value>): Value {
  const t = tensorArg(args[0]);
  const dt = kwargs.get('dtype');
  return t ? { ...t, field: null, origin: null, dtype: dt?.k === 'dtype' ? dt.dtype : t.dtype } : unrankedLike(null);
}

const torchSpecial: Record<string, Rule> = {
  zeros: creation('float'),
  ones: creation('float'),
  empty: creation('float'),
  randn: creation('float'),
  rand: creation('float'),
  full: (ctx, self, args, kwargs) => creation('float')(ctx, self, args.slice(0, 1), kwargs),
  randint: (ctx, _self, args, kwargs) => {
    const size = args.find((a) => a.k === 'tuple' || a.k === 'list') ?? kwargs.get('size');
    return creation('long')(ctx, null, size ? [size] : [], new Map());
  },
  zeros_like: likeRule,
  ones_like: likeRule,
  empty_like: likeRule,
  randn_like: likeRule,
  rand_like: likeRule,
  full_like: likeRule,
  arange: (ctx, _self, args, kwargs) => {
    const nums = args.filter((a) => a.k !== 'dtype').map(dimOf);
    const [start, end, step] = nums.length === 1 ? [0, nums[0], 1] : [nums[0], nums[1], nums[2] ?? 1];
    const dt = kwargs.get('dtype');
    const isFloat = args.some((a) => a.k === 'float');
    const dtype = dt?.k === 'dtype' ? dt.dtype : isFloat ? 'float' : 'long';
    if (start === null || end === null || step === null) return out([unknownDim()], null, { dtype });
    const len = step === 1 ? subDim(end, start) : isKnown(step) ? ceilDivDim(subDim(end, start), step) : unknownDim();
    const t = out([len], null, { dtype });
    if (isKnown(len) && isKnown(start) && isKnown(step) && len <= 4096 && len >= 0) t.data = Array.from({ length: len }, (_, i) => (start as number) + i * (step as number));
    return t;
  },
  linspace: (ctx, _self, args, kwargs) => out([dimOf(args[2] ?? kwargs.get('steps')) ?? unknownDim()], null),
  eye: (ctx, _self, args) => {
    const n = dimOf(args[0]) ?? unknownDim();
    return out([n, dimOf(args[1]) ?? n], null);
  },
  tensor: (ctx, _self, args, kwargs) => {
    const shape: Dim[] = [];
    let v: Value | undefined = args[0];
    let isFloat = false;
    while (v && (v.k === 'list' || v.k === 'tuple')) {
      shape.push(v.items.length);
      v = v.items[0];
    }
    if (v?.k === 'float') isFloat = true;
    const dt = kwargs.get('dtype');
    const t = out(shape, null, { dtype: dt?.k === 'dtype' ? dt.dtype : isFloat ? 'float' : v?.k === 'bool' ? 'bool' : 'long' });
    // A 1-D tensor of constants keeps its values (configuration arithmetic).
    const list = args[0];
    if (shape.length === 1 && list && (list.k === 'list' || list.k === 'tuple')) {
      const nums = list.items.map((x) => (x.k === 'int' && isKnown(x.v) ? x.v : x.k === 'float' ? x.v : x.k === 'bool' ? Number(x.v) : null));
      if (nums.every((x) => x !== null)) t.data = nums as number[];
    }
    return t;
  },
  cat: (ctx, _self, args, kwargs) => catRule(ctx, args[0] ?? kwargs.get('tensors'), arg(args, kwargs, 1, 'dim', 'axis'), false),
  concat: (ctx, _self, args, kwargs) => catRule(ctx, args[0] ?? kwargs.get('tensors'), arg(args, kwargs, 1, 'dim', 'axis'), false),
  concatenate: (ctx, _self, args, kwargs) => catRule(ctx, args[0] ?? kwargs.get('tensors'), arg(args, kwargs, 1, 'dim', 'axis'), false),
  stack: (ctx, _self, args, kwargs) => catRule(ctx, args[0] ?? kwargs.get('tensors'), arg(args, kwargs, 1, 'dim'), true),
  einsum: (ctx, _self, args) => einsumRule(ctx, args),
  pow: (ctx, _self, args) => (args[0] && args[1] ? elementwise(ctx, '**', args[0], args[1]) : unrankedLike(null)),
  divide: (ctx, _self, args) => (args[0] && args[1] ? elementwise(ctx, '/', args[0], args[1]) : unrankedLike(null)),
  div: (ctx, _self, args) => (args[0] && args[1] ? elementwise(ctx, '/', args[0], args[1]) : unrankedLike(null)),
  mul: (ctx, _self, args) => (args[0] && args[1] ? elementwise(ctx, '*', args[0], args[1]) : unrankedLike(null)),
  multiply: (ctx, _self, args) => (args[0] && args[1] ? elementwise(ctx, '*', args[0], args[1]) : unrankedLike(null)),
  add: (ctx, _self, args) => (args[0] && args[1] ? elementwise(ctx, '+', args[0], args[1]) : unrankedLike(null)),
  sub: (ctx, _self, args) => (args[0] && args[1] ? elementwise(ctx, '-', args[0], args[1]) : unrankedLike(null)),
  subtract: (ctx, _self, args) => (args[0] && args[1] ? elementwise(ctx, '-', args[0], args[1]) : unrankedLike(null)),
  is_tensor: (ctx, _self, args) => (args[0]?.k === 'tensor' ? TRUE : FALSE),
  numel: (ctx, _self, args) => rules.numel(ctx, null, args, new Map()),
  manual_seed: () => NONE,
  set_grad_enabled: () => NONE,
  broadcast_tensors: (ctx, _self, args) => {
    const ts = args.map(tensorArg);
    if (ts.some((t) => !t || !t.ranked)) return unknown('broadcast_tensors', ctx.site);
    let shape: Dim[] = [];
    for (const t of ts) shape = broadcastShapes(shape, t!.shape, () => undefined);
    return tuple(ts.map((t) => out([...shape], t)));
  },
  addmm: (ctx, _self, args) => {
    const a = tensorArg(args[1]);
    const b = tensorArg(args[2]);
    return a && b ? matmul(ctx, a, b, 'addmm') : unrankedLike(a);
  },
  baddbmm: (ctx, _self, args) => {
    const a = tensorArg(args[1]);
    const b = tensorArg(args[2]);
    return a && b ? matmul(ctx, a, b, 'baddbmm') : unrankedLike(a);
  },
  meshgrid: (ctx, _self, args) => {
    const items = args.length === 1 && (args[0].k === 'list' || args[0].k === 'tuple') ? args[0].items : args;
    const lens = items.map((t) => (t.k === 'tensor' && t.ranked ? t.shape[0] ?? unknownDim() : unknownDim()));
    return tuple(items.map(() => out([...lens], null)));
  },
  cdist: (ctx, _self, args) => {
    const a = tensorArg(args[0]);
    const b = tensorArg(args[1]);
    if (!a || !b || !a.ranked || !b.ranked) return unrankedLike(a);
    return out([...a.shape.slice(0, -1), b.shape[b.shape.length - 2] ?? unknownDim()], a);
  },
  multinomial: (ctx, _self, args) => {
    const t = tensorArg(args[0]);
    const n = dimOf(args[1]) ?? unknownDim();
    return t && t.ranked ? out([...t.shape.slice(0, -1), n], t, { dtype: 'long' }) : unrankedLike(t, 'long');
  },
};

/** `torch.nn.functional.*` rules. */
export function functionalRule(interp: Interpreter, name: string): Value | undefined {
  const rule = functional[name] ?? (rules[name] && elementwiseNames.includes(name) ? rules[name] : undefined) ?? (name === 'softmax' || name === 'log_softmax' ? rules.softmax : undefined);
  if (!rule) return undefined;
  return {
    k: 'builtin',
    name: `F.${name}`,
    fn: (args, kwargs, site) => {
      const t = tensorArg(args[0]) ?? tensorArg(kwargs.get('input'));
      if (!t) return unknown(`F.${name} of a non-tensor`, site);
      return rule({ interp, site }, null, args[0]?.k === 'tensor' ? args : [t, ...args], kwargs);
    },
  };
}

const functional: Record<string, Rule> = {
  conv1d: convFunctional(1, false),
  conv2d: convFunctional(2, false),
  conv3d: convFunctional(3, false),
  conv_transpose1d: convFunctional(1, true),
  conv_transpose2d: convFunctional(2, true),
  conv_transpose3d: convFunctional(3, true),
  linear: (ctx, _self, args, kwargs) => {
    const x = tensorArg(args[0]);
    const w = tensorArg(arg(args, kwargs, 1, 'weight'));
    if (!x || !w || !w.ranked || w.shape.length !== 2) return unrankedLike(x);
    const wt: TensorV = { ...w, shape: [w.shape[1], w.shape[0]] };
    return matmul(ctx, x, wt, 'linear');
  },
  max_pool1d: poolFunctional('MaxPool1d', ['kernel_size', 'stride', 'padding', 'dilation', 'ceil_mode', 'return_indices']),
  max_pool2d: poolFunctional('MaxPool2d', ['kernel_size', 'stride', 'padding', 'dilation', 'ceil_mode', 'return_indices']),
  max_pool3d: poolFunctional('MaxPool3d', ['kernel_size', 'stride', 'padding', 'dilation', 'ceil_mode', 'return_indices']),
  avg_pool1d: poolFunctional('AvgPool1d', ['kernel_size', 'stride', 'padding', 'ceil_mode', 'count_include_pad']),
  avg_pool2d: poolFunctional('AvgPool2d', ['kernel_size', 'stride', 'padding', 'ceil_mode', 'count_include_pad', 'divisor_override']),
  avg_pool3d: poolFunctional('AvgPool3d', ['kernel_size', 'stride', 'padding', 'ceil_mode', 'count_include_pad', 'divisor_override']),
  adaptive_avg_pool1d: poolFunctional('AdaptiveAvgPool1d', ['output_size']),
  adaptive_avg_pool2d: poolFunctional('AdaptiveAvgPool2d', ['output_size']),
  adaptive_avg_pool3d: poolFunctional('AdaptiveAvgPool3d', ['output_size']),
  adaptive_max_pool1d: poolFunctional('AdaptiveMaxPool1d', ['output_size', 'return_indices']),
  adaptive_max_pool2d: poolFunctional('AdaptiveMaxPool2d', ['output_size', 'return_indices']),
  interpolate: (ctx, _self, args, kwargs) => {
    const x = tensorArg(args[0]);
    if (!x) return unrankedLike(null);
    const cfg: LayerConfig = {};
    ['size', 'scale_factor', 'mode', 'align_corners'].forEach((n, i) => {
      const v = arg(args, kwargs, 1 + i, n);
      if (v !== undefined) cfg[n] = toConfig(v);
    });
    return viaLayer(ctx, 'Upsample', cfg, x);
  },
  upsample: (ctx, self, args, kwargs) => functional.interpolate(ctx, self, args, kwargs),
  pixel_shuffle: (ctx, _self, args, kwargs) => {
    const x = tensorArg(args[0]);
    const r = dimOf(arg(args, kwargs, 1, 'upscale_factor'));
    if (!x || !x.ranked || r === null || x.shape.length < 3) return unrankedLike(x);
    const n = x.shape.length;
    const c = exactDiv(x.shape[n - 3], mulDim(r, r)) ?? unknownDim();
    return out([...x.shape.slice(0, n - 3), c, mulDim(x.shape[n - 2], r), mulDim(x.shape[n - 1], r)], x);
  },
  pad: (ctx, _self, args, kwargs) => {
    const x = tensorArg(args[0]);
    const padV = arg(args, kwargs, 1, 'pad');
    const pads = padV ? ctx.interp.iterate(padV, ctx.site) : null;
    if (!x || !x.ranked || !pads) return unrankedLike(x);
    const shape = [...x.shape];
    const field = x.field ? { ...x.field, padding: [...x.field.padding] } : null;
    for (let i = 0; i + 1 < pads.length; i += 2) {
      const axis = shape.length - 1 - i / 2;
      if (axis < 0) break;
      const lo = dimOf(pads[i]) ?? unknownDim();
      const hi = dimOf(pads[i + 1]) ?? unknownDim();
      shape[axis] = addDim(addDim(shape[axis], lo), hi);
      // Padding before an axis moves the field's origin: P grows by the padding times the stride.
      if (field) {
        const fAxis = field.size.length - 1 - i / 2;
        if (fAxis >= 0 && isKnown(lo)) field.padding[fAxis] += lo * field.stride[fAxis];
      }
    }
    return out(shape, x, { field });
  },
  embedding: (ctx, _self, args, kwargs) => {
    const idx = tensorArg(args[0]);
    const w = tensorArg(arg(args, kwargs, 1, 'weight'));
    if (!idx || !w || !idx.ranked || !w.ranked) return unrankedLike(null);
    return out([...idx.shape, w.shape[1] ?? unknownDim()], null, { dtype: 'float' });
  },
  one_hot: (ctx, _self, args, kwargs) => {
    const idx = tensorArg(args[0]);
    const n = dimOf(arg(args, kwargs, 1, 'num_classes')) ?? unknownDim();
    return idx && idx.ranked ? out([...idx.shape, n], idx, { dtype: 'long' }) : unrankedLike(idx, 'long');
  },
  scaled_dot_product_attention: (ctx, _self, args, kwargs) => {
    const q = tensorArg(args[0] ?? kwargs.get('query'));
    const k = tensorArg(args[1] ?? kwargs.get('key'));
    const v = tensorArg(args[2] ?? kwargs.get('value'));
    if (!q || !k || !v || !q.ranked || !k.ranked || !v.ranked) return unrankedLike(q);
    const scores = matmul(ctx, q, { ...k, shape: [...k.shape.slice(0, -2), k.shape[k.shape.length - 1], k.shape[k.shape.length - 2]] }, 'attention');
    if (scores.k !== 'tensor') return scores;
    const o = matmul(ctx, scores, v, 'attention');
    if (o.k !== 'tensor') return o;
    return out(o.shape, q, { notation: attentionNotation(q.shape, k.shape, v.shape, o.shape, q.shape[q.shape.length - 1]) });
  },
  cosine_similarity: (ctx, _self, args, kwargs) => {
    const a = tensorArg(args[0]);
    const b = tensorArg(args[1]);
    if (!a || !b) return unrankedLike(a);
    const r = elementwise(ctx, '*', a, b);
    return r.k === 'tensor' ? reduceRule(ctx, r, arg(args, kwargs, 2, 'dim') ?? int(1), false) : r;
  },
  pairwise_distance: (ctx, _self, args) => {
    const a = tensorArg(args[0]);
    return a && a.ranked ? out(a.shape.slice(0, -1), a) : unrankedLike(a);
  },
  unfold: (ctx) => {
    ctx.interp.gap(ctx.site, 'F.unfold is not modelled');
    return unrankedLike(null);
  },
};
for (const loss of ['cross_entropy', 'nll_loss', 'mse_loss', 'l1_loss', 'smooth_l1_loss', 'binary_cross_entropy', 'binary_cross_entropy_with_logits', 'kl_div', 'huber_loss', 'ctc_loss', 'cosine_embedding_loss']) {
  functional[loss] = (ctx, _self, args, kwargs) => {
    const red = kwargs.get('reduction');
    const x = tensorArg(args[0]);
    if (red?.k === 'str' && red.v === 'none' && x) return same(x);
    return out([], x, { field: null });
  };
}
for (const name of ['softmax', 'log_softmax', 'softmin', 'gumbel_softmax', 'normalize', 'layer_norm', 'group_norm', 'batch_norm', 'instance_norm', 'local_response_norm', 'dropout', 'dropout1d', 'dropout2d', 'dropout3d', 'alpha_dropout', 'feature_alpha_dropout']) functional[name] ??= (ctx, self, args) => same(firstTensor(self, args) ?? unrankedLike(null));

/** Operators on tensors: `@` as a matrix product, the rest element-wise with broadcasting. */
export function tensorBinop(interp: Interpreter, op: string, a: Value, b: Value, site: CallSite): Value {
  const ctx = { interp, site };
  if (op === '@') {
    const x = tensorArg(a);
    const y = tensorArg(b);
    return x && y ? matmul(ctx, x, y) : unknown('@ with a non-tensor', site);
  }
  return elementwise(ctx, op, a, b);
}

/** Shows the op table's size, for docs and tests. */
export function modelledTensorOps(): string[] {
  return Object.keys(rules).sort();
}

/** Re-exported for the module code: convolution notation without a catalogue entry. */
export { convNotation };
