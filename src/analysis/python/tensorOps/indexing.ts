// Tensor indexing: integers, slices, None, Ellipsis, boolean and integer tensors.

import { addDim, ceilDivDim, compareDims, isKnown, subDim, unknownDim, type Dim } from '../../shapes';
import { sliceIndices } from '../operators';
import { NONE, formatTensorShape, int, tuple, type TensorV, type Value } from '../values';
import { dimOf, intOf, out, type OpContext, unrankedLike } from './helpers';

// ------------------------------------------------------------------ indexing

/** `x[...]` with ints, slices, None, Ellipsis and index tensors. */
export function indexTensor(ctx: OpContext, t: TensorV, index: Value): Value {
  const items = index.k === 'tuple' ? index.items : [index];
  if (!t.ranked) {
    // Indexing an unranked tensor: slices keep the unknown rank; only trailing facts survive.
    return unrankedLike(t);
  }
  // An index whose value is unknown may be an int (drops an axis), a slice (keeps it), None (adds
  // one) or a tensor: the rank of the result is not certain, so later rank checks must not fire.
  if (items.some((i) => i.k === 'unknown')) return unrankedLike(t);
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
export function sliceLength(d: Dim, s: { lo: Value; hi: Value; step: Value }): Dim {
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
