// Functional forms that carry their weights as arguments: F.layer_norm (normalized_shape against
// the input's trailing dims, and the weight's shape) and F.multi_head_attention_forward (the
// packed or separate projection weights against the embedding size). Each check raises only on
// sizes that are certain, as PyTorch 1.13 raises.

import { layerRepairs } from '../../repairs';
import { addDim, compareDims, formatDim, isKnown, mulDim, unknownDim, type Dim } from '../../shapes';
import type { Fix } from '../../types';
import { formatTensorShape, NONE, tuple, type TensorV, type Value } from '../values';
import { related } from './broadcasting';
import { arg, intOf, out, same, sizesOf, tensorArg, unrankedLike, type OpContext, type Rule } from './helpers';
import { appendToArgument, argumentFix } from './repairSites';

function dimsText(ds: readonly Dim[]): string {
  return `(${ds.map(formatDim).join(', ')}${ds.length === 1 ? ',' : ''})`;
}

/** `F.layer_norm(input, normalized_shape, weight, bias, eps)`: the input must end in normalized_shape. */
export const layerNormFunctional: Rule = (ctx, _self, args, kwargs) => {
  const x = tensorArg(arg(args, kwargs, 0, 'input'));
  if (!x) return unrankedLike(null);
  const nsValue = arg(args, kwargs, 1, 'normalized_shape');
  const sizes = nsValue ? sizesOf([nsValue], ctx.interp, ctx.site) : null;
  if (!x.ranked || !sizes || sizes.length === 0) return same(x);
  const rank = x.shape.length;
  const trailing = x.shape.slice(Math.max(0, rank - sizes.length));
  const wrong = sizes.length > rank || sizes.some((s, i) => compareDims(s, trailing[i]) === 'different');
  if (wrong) {
    const fixes: Fix[] = [];
    if (sizes.every(isKnown) && trailing.length === sizes.length) {
      const expected = nsValue?.k === 'int' ? (sizes[0] as number) : (sizes as number[]);
      for (const r of layerRepairs('LayerNorm', expected, x.shape.map((d) => (isKnown(d) ? d : null)))) {
        const fix = r.kind === 'argument' ? argumentFix(ctx.site, 'normalized_shape', 1, r.value, `Set normalized_shape to ${r.value}`) : appendToArgument(ctx.site, 0, r.suffix, `Append ${r.suffix} to the input: ${r.words}`);
        if (fix) fixes.push(fix);
      }
      if (fixes[0]) fixes[0] = { ...fixes[0], preferred: true };
    }
    ctx.interp.report(
      'shape-mismatch',
      'error',
      ctx.site,
      `layer_norm: normalized_shape ${dimsText(sizes)} expects an input ending in ${dimsText(sizes)} but got ${formatTensorShape(x)}`,
      related(ctx, x),
      { expected: `an input of shape (*, ${sizes.map(formatDim).join(', ')})`, got: formatTensorShape(x), ...(fixes.length ? { fixes, hint: fixes[0].title.replace(/^Set/, 'set') } : {}) },
    );
    return same(x);
  }
  const w = tensorArg(arg(args, kwargs, 2, 'weight'));
  if (w && w.ranked && (w.shape.length !== sizes.length || w.shape.some((d, i) => compareDims(d, sizes[i]) === 'different')))
    ctx.interp.report('shape-mismatch', 'error', ctx.site, `layer_norm: weight ${formatTensorShape(w)} must have the shape normalized_shape ${dimsText(sizes)}`, related(ctx, w), { expected: dimsText(sizes), got: formatTensorShape(w) });
  return same(x);
};

/** A weight's rank and sizes against what the projection needs; reports and returns false when certainly wrong. */
function checkWeight(ctx: OpContext, name: string, w: TensorV | null, want: Dim[]): boolean {
  if (!w || !w.ranked) return true;
  if (w.shape.length === want.length && w.shape.every((d, i) => compareDims(d, want[i]) !== 'different')) return true;
  ctx.interp.report('shape-mismatch', 'error', ctx.site, `multi_head_attention_forward: ${name} is ${formatTensorShape(w)} but must be ${dimsText(want)}`, related(ctx, w), { expected: dimsText(want), got: formatTensorShape(w) });
  return false;
}

/**
 * `F.multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads,
 * in_proj_weight, in_proj_bias, bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight,
 * out_proj_bias, …)`: query (L,N,E) or (L,E); returns (attention output, averaged weights or None).
 */
export const multiHeadAttentionForward: Rule = (ctx, _self, args, kwargs) => {
  const q = tensorArg(arg(args, kwargs, 0, 'query'));
  const k = tensorArg(arg(args, kwargs, 1, 'key'));
  const v = tensorArg(arg(args, kwargs, 2, 'value'));
  const none = tuple([unrankedLike(q), NONE]);
  if (!q || !q.ranked || (q.shape.length !== 3 && q.shape.length !== 2)) return none;
  const batched = q.shape.length === 3;
  const e = q.shape[q.shape.length - 1];
  const check = intOf(arg(args, kwargs, 3, 'embed_dim_to_check'));
  const heads = intOf(arg(args, kwargs, 4, 'num_heads'));
  let ok = true;
  if (check !== null && isKnown(e) && e !== check) {
    ctx.interp.report('shape-mismatch', 'error', ctx.site, `multi_head_attention_forward: was expecting embedding dimension of ${check}, but got ${e} (query ${formatTensorShape(q)})`, related(ctx, q), { expected: `embedding size ${check}`, got: formatTensorShape(q) });
    ok = false;
  }
  if (heads !== null && heads > 0 && isKnown(e) && e % heads !== 0) {
    ctx.interp.report('shape-mismatch', 'error', ctx.site, `multi_head_attention_forward: embed_dim ${e} is not divisible by num_heads ${heads}`, related(ctx, q));
    ok = false;
  }
  if (k && v && k.ranked && v.ranked && (k.shape.length !== v.shape.length || k.shape.some((d, i) => compareDims(d, v.shape[i]) === 'different'))) {
    const separate = arg(args, kwargs, 17, 'use_separate_proj_weight');
    if (!(separate && separate.k === 'bool' && separate.v)) {
      ctx.interp.report('shape-mismatch', 'error', ctx.site, `multi_head_attention_forward: key ${formatTensorShape(k)} and value ${formatTensorShape(v)} must have the same shape`, related(ctx, k, v));
      ok = false;
    }
  }
  const separate = arg(args, kwargs, 17, 'use_separate_proj_weight');
  if (separate && separate.k === 'bool' && separate.v) {
    ok = checkWeight(ctx, 'q_proj_weight', tensorArg(arg(args, kwargs, 18, 'q_proj_weight')), [e, e]) && ok;
    if (k && k.ranked) ok = checkWeight(ctx, 'k_proj_weight', tensorArg(arg(args, kwargs, 19, 'k_proj_weight')), [e, k.shape[k.shape.length - 1]]) && ok;
    if (v && v.ranked) ok = checkWeight(ctx, 'v_proj_weight', tensorArg(arg(args, kwargs, 20, 'v_proj_weight')), [e, v.shape[v.shape.length - 1]]) && ok;
  } else {
    ok = checkWeight(ctx, 'in_proj_weight', tensorArg(arg(args, kwargs, 5, 'in_proj_weight')), [mulDim(3, e), e]) && ok;
    const bias = tensorArg(arg(args, kwargs, 6, 'in_proj_bias'));
    if (bias) ok = checkWeight(ctx, 'in_proj_bias', bias, [mulDim(3, e)]) && ok;
  }
  const outW = tensorArg(arg(args, kwargs, 11, 'out_proj_weight'));
  let eOut: Dim = e;
  if (outW && outW.ranked && outW.shape.length === 2) {
    if (compareDims(outW.shape[1], e) === 'different') {
      ctx.interp.report('shape-mismatch', 'error', ctx.site, `multi_head_attention_forward: out_proj_weight ${formatTensorShape(outW)} needs ${formatDim(e)} input features (the embedding size)`, related(ctx, outW), { expected: `(*, ${formatDim(e)})`, got: formatTensorShape(outW) });
      ok = false;
    } else eOut = outW.shape[0];
  }
  if (!ok) return none;
  const L = q.shape[0];
  let S: Dim | null = k && k.ranked ? k.shape[0] : null;
  // bias_k and add_zero_attn each add one key position.
  if (S !== null && arg(args, kwargs, 7, 'bias_k')?.k === 'tensor') S = addDim(S, 1);
  const zero = arg(args, kwargs, 9, 'add_zero_attn');
  if (S !== null && zero?.k === 'bool' && zero.v) S = addDim(S, 1);
  const attn = out(batched ? [L, q.shape[1], eOut] : [L, eOut], q, { field: null });
  const need = arg(args, kwargs, 15, 'need_weights');
  // average_attn_weights=False keeps a weight map per head.
  const average = arg(args, kwargs, 23, 'average_attn_weights');
  const perHead: Dim[] = average?.k === 'bool' && !average.v ? [heads ?? unknownDim()] : [];
  const weights: Value = need && need.k === 'bool' && !need.v ? NONE : S === null ? unrankedLike(q) : out(batched ? [q.shape[1], ...perHead, L, S] : [...perHead, L, S], q, { field: null });
  return tuple([attn, weights]);
};
