// Broadcasting and elementwise operations (`+ - * /`, comparisons, unary maths), with the known
// values of small constant tensors carried through.

import { mergeFields } from '../../receptiveField';
import { compareDims, formatDim, formatShape, isKnown, isUnknown, unknownDim, type Dim } from '../../shapes';
import type { Fix, ReceptiveField } from '../../types';
import { describe, formatTensorShape, int, unknown, type TensorV, type Value } from '../values';
import { out, same, sameDim, type OpContext } from './helpers';

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

export function scalarShape(v: Value): TensorV | null {
  if (v.k === 'tensor') return v;
  if (v.k === 'int' || v.k === 'float' || v.k === 'bool') return { k: 'tensor', shape: [], ranked: true, dtype: v.k === 'float' ? 'float' : v.k === 'bool' ? 'bool' : 'long', field: null, origin: null };
  return null;
}

export function mergeTensorFields(a: TensorV, b: TensorV, rank: number): ReceptiveField | null {
  const fa = a.ranked && a.shape.length === rank ? a.field : null;
  const fb = b.ranked && b.shape.length === rank ? b.field : null;
  if (fa && fb) return mergeFields(fa, fb);
  return fa ?? fb ?? (a.field && a.shape.length === rank ? a.field : b.field && b.shape.length === rank ? b.field : null);
}

/** Element-wise binary op with broadcasting. */
export function elementwise(ctx: OpContext, op: string, av: Value, bv: Value): Value {
  const r = elementwiseCertain(ctx, op, av, bv);
  // The promoted dtype of an operand whose dtype is only a default is a default too; comparisons
  // and true division give bool and float whatever their operands hold.
  const uncertain = (av.k === 'tensor' && av.dtypeUncertain) || (bv.k === 'tensor' && bv.dtypeUncertain);
  if (uncertain && r.k === 'tensor' && !['<', '>', '<=', '>=', '==', '!=', '/'].includes(op)) return { ...r, dtypeUncertain: true };
  return r;
}

function elementwiseCertain(ctx: OpContext, op: string, av: Value, bv: Value): Value {
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
  let details: { fixes: Fix[]; hint: string } | undefined;
  const shape = broadcastShapes(a.shape, b.shape, (i, x, y) => {
    details ??= remakeDetails([
      ...remakesThatFit(a, (s) => broadcastsCertainly(s, b.shape)),
      ...remakesThatFit(b, (s) => broadcastsCertainly(a.shape, s)),
      ...producerFixes(ctx, [a, i - (shapeRank(a, b) - a.shape.length), y], [b, i - (shapeRank(a, b) - b.shape.length), x]),
    ]);
    ctx.interp.report(
      'shape-mismatch',
      'error',
      ctx.site,
      `${formatTensorShape(a)} ${op} ${formatTensorShape(b)}: cannot broadcast — dimension ${i} is ${formatDim(x)} on the left and ${formatDim(y)} on the right${originText(a, b)}`,
      related(ctx, a, b),
      details,
    );
  });
  return out(shape, a, { dtype, field: mergeTensorFields(a, b, shape.length) });
}

/** Values of a constant-valued operand: a small tensor with data, or a number. */
export function valuesOf(v: Value): { values: number[]; shape: Dim[]; isFloat: boolean } | null {
  if (v.k === 'tensor') return v.data && v.ranked ? { values: v.data, shape: v.shape, isFloat: v.dtype === 'float' } : null;
  if (v.k === 'int' && isKnown(v.v)) return { values: [v.v], shape: [], isFloat: false };
  if (v.k === 'float' && !Number.isNaN(v.v)) return { values: [v.v], shape: [], isFloat: true };
  if (v.k === 'bool') return { values: [v.v ? 1 : 0], shape: [], isFloat: false };
  return null;
}

export const DATA_OPS: Record<string, (x: number, y: number) => number> = {
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
export function elementwiseData(op: string, av: Value, bv: Value): { values: number[]; shape: Dim[]; dtype: TensorV['dtype'] } | null {
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
export function mapData(t: TensorV, f: (x: number) => number, dtype?: TensorV['dtype']): TensorV {
  return t.data ? { ...same(t, dtype), data: t.data.map(f) } : same(t, dtype);
}

export function originText(...ts: TensorV[]): string {
  const parts = ts.filter((t) => t.origin).map((t) => `${formatTensorShape(t)} comes from ${t.origin!.what} (line ${t.origin!.line})`);
  return parts.length ? ` — ${parts.join('; ')}` : '';
}

export function related(ctx: OpContext, ...ts: TensorV[]): { span: { from: number; to: number }; line: number; message: string }[] {
  void ctx;
  return ts.filter((t) => t.origin).map((t) => ({ span: t.origin!.span, line: t.origin!.line, message: `${t.origin!.what} gives ${formatTensorShape(t)}` }));
}

// ------------------------------------------------------------------ remakes as repairs

/** True when two shapes broadcast without any mismatch, every compared size known. */
export function broadcastsCertainly(a: readonly Dim[], b: readonly Dim[]): boolean {
  let ok = true;
  const n = Math.min(a.length, b.length);
  for (let i = 1; i <= n; i++) {
    const x = a[a.length - i];
    const y = b[b.length - i];
    if (x === 1 || y === 1 || sameDim(x, y)) continue;
    if (!isKnown(x) || !isKnown(y) || x !== y) ok = false;
  }
  return ok;
}

/** The fixes of the remakes of a tensor (TensorV.remakes) whose shape `fits`, titled with what they give. */
export function remakesThatFit(t: TensorV, fits: (shape: Dim[]) => boolean): Fix[] {
  return (t.remakes ?? []).filter((r) => fits(r.shape)).map((r) => ({ ...r.fix, title: `${r.fix.title}: it gives ${formatShape(r.shape)}` }));
}

/** Finding details offering fixes (the first preferred), or undefined when there are none. */
export function remakeDetails(fixes: Fix[]): { fixes: Fix[]; hint: string } | undefined {
  if (!fixes.length) return undefined;
  const ranked = fixes.map((f, i) => ({ ...f, preferred: i === 0 ? true : undefined }));
  return { fixes: ranked, hint: ranked[0].title.charAt(0).toLowerCase() + ranked[0].title.slice(1) };
}

function shapeRank(a: TensorV, b: TensorV): number {
  return Math.max(a.shape.length, b.shape.length);
}

/**
 * Fixes at the layers that made the disagreeing dims: each `[tensor, axis, size]` asks the layer
 * that made that dim of the tensor to make `size` instead (its out_features, out_channels). Which
 * side holds the slip is the re-analysis's to tell (verifyFixes.ts).
 */
export function producerFixes(ctx: OpContext, ...sides: [TensorV, number, Dim][]): Fix[] {
  const fixes: Fix[] = [];
  for (const [t, axis, size] of sides) {
    if (axis < 0 || axis >= t.shape.length || !isKnown(size) || size === 1) continue;
    const fix = ctx.interp.hooks.producerSizeFix?.(t, axis, size);
    if (fix) fixes.push(fix);
  }
  return fixes;
}
