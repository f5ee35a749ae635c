// Matrix products (`@`, torch.matmul/mm/bmm) with batch broadcasting.

import { matmulNotation, notationShape } from '../../notation';
import { compareDims, formatDim, isKnown, type Dim } from '../../shapes';
import type { TensorV, Value } from '../values';
import { out, type OpContext, unrankedLike } from './helpers';
import { broadcastShapes, broadcastsCertainly, originText, producerFixes, related, remakeDetails, remakesThatFit } from './broadcasting';

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
      // A remake of either operand whose inner size agrees (and whose batch dims still broadcast) repairs it.
      remakeDetails([
        ...remakesThatFit(a, (s) => s.length >= 2 && s.length === a.shape.length && sameKnown(s[s.length - 1], k2) && broadcastsCertainly(s.slice(0, -2), bMat.slice(0, -2))),
        ...remakesThatFit(b, (s) => s.length >= 2 && s.length === b.shape.length && sameKnown(s[s.length - 2], k1) && broadcastsCertainly(aMat.slice(0, -2), s.slice(0, -2))),
        ...producerFixes(ctx, [a, a.shape.length - 1, k2], ...(b.shape.length >= 2 ? [[b, b.shape.length - 2, k1] as [TensorV, number, Dim]] : [])),
      ]),
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

/** True when two sizes are known and equal. */
function sameKnown(x: Dim, y: Dim): boolean {
  return isKnown(x) && isKnown(y) && x === y;
}
