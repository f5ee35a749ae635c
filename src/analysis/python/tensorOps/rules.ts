// The table of tensor-method rules (`x.view`, `x.sum`, …), shared by `torch.*` functions of the
// same name, and the rules too long to inline there (max/min, einsum).

import { matmulNotation } from '../../notation';
import { beyondBoundMessage, fitsCollection, MAX_COLLECTION_ITEMS } from '../../allocation';
import { addDim, compareDims, floorDivDim, formatDim, isKnown, mulDim, productDim, subDim, unknownDim, type Dim } from '../../shapes';
import { FALSE, TRUE, formatTensorShape, int, tuple, unknown, type TensorV, type Value } from '../values';
import { arg, dimOf, exactDiv, intOf, normAxis, out, same, sameDim, sizesOf, tensorArg, type OpContext, type Rule, unrankedLike } from './helpers';
import { broadcastShapes, broadcastsCertainly, elementwise, mapData, remakeDetails, remakesThatFit } from './broadcasting';
import { matmul } from './matmul';
import { dimFix } from './repairSites';
import { chunkRule, expandRule, flattenRule, permuteRule, reduceRule, repeatRule, splitRule, squeezeRule, transposeRule, unsqueezeRule, viewRule } from './reshaping';

// ------------------------------------------------------------------ rule tables

export const elementwiseNames = [
  'relu', 'relu_', 'relu6', 'gelu', 'silu', 'sigmoid', 'tanh', 'elu', 'selu', 'celu', 'leaky_relu', 'hardswish', 'hardsigmoid', 'hardtanh', 'mish', 'softplus', 'softsign', 'tanhshrink',
  'dropout', 'dropout1d', 'dropout2d', 'dropout3d', 'alpha_dropout', 'feature_alpha_dropout', 'exp', 'log', 'log1p', 'sqrt', 'rsqrt', 'abs', 'neg', 'sin', 'cos', 'erf', 'sign', 'floor', 'ceil', 'round',
  'clamp', 'clip', 'clamp_', 'clamp_min', 'clamp_max', 'pow', 'square', 'reciprocal', 'logsigmoid', 'sigmoid_', 'tanh_', 'exp_', 'contiguous', 'clone', 'detach', 'requires_grad_', 'cuda', 'cpu',
  'float', 'double', 'half', 'bfloat16', 'to', 'type_as', 'fill_', 'zero_', 'normal_', 'uniform_', 'add_', 'sub_', 'mul_', 'div_', 'masked_fill_', 'copy_', 'pin_memory', 'share_memory_', 'retain_grad',
  'softmax', 'log_softmax', 'softmin', 'normalize', 'layer_norm', 'group_norm', 'batch_norm', 'instance_norm', 'local_response_norm', 'cumsum', 'cumprod', 'flip', 'roll', 'triu', 'tril', 'nan_to_num',
  'sigmoid', 'logit', 'threshold', 'rrelu', 'prelu', 'dropout_', 'apply_', 'abs_', 'sqrt_', 'trunc', 'frac', 'lerp', 'addcmul', 'addcdiv', 'tanh',
  'bernoulli', 'bernoulli_', 'exponential_', 'random_', 'clamp_min_', 'clamp_max_', 'relu6_', 'hardtanh_', 'neg_', 'pow_', 'sign_', 'floor_', 'round_', 'sub', 'detach_', 'cauchy_', 'log_normal_', 'geometric_', 'erfinv', 'erfinv_', 'sinh', 'cosh', 'tan', 'atan', 'asin', 'acos', 'expm1', 'log2', 'log10', 'sigmoid_', 'float_', 'to_dense', 'coalesce',
];

export const longNames = new Set(['long', 'int', 'argmax', 'argmin', 'short', 'byte']);
export const boolNames = new Set(['bool', 'isnan', 'isinf', 'isfinite', 'eq', 'ne', 'lt', 'gt', 'le', 'ge', 'logical_not', 'logical_and', 'logical_or']);

export function firstTensor(self: TensorV | null, args: Value[]): TensorV | null {
  return self ?? tensorArg(args[0]);
}

export function restArgs(self: TensorV | null, args: Value[]): Value[] {
  return self ? args : args.slice(1);
}

/** softmax, log_softmax, softmin: the shape is kept; a dim out of range raises, with the nearest dim as the fix. */
function softmaxLike(name: string): Rule {
  return (ctx, self, args, kwargs) => {
    const t = firstTensor(self, args)!;
    const d = intOf(arg(restArgs(self, args), kwargs, 0, 'dim'));
    if (t.ranked && d !== null && normAxis(d, t.shape.length) === null) {
      const fix = dimFix(ctx.site, 'dim', self ? 0 : 1, d, t.shape.length);
      ctx.interp.report('shape-mismatch', 'error', ctx.site, `${name} dim ${d} is out of range for ${formatTensorShape(t)}`, [], {
        expected: `a dim in [${-t.shape.length}, ${t.shape.length - 1}]`,
        got: `dim=${d} for ${formatTensorShape(t)}`,
        ...(fix ? { fixes: [fix], hint: fix.title.replace(/^Use/, 'use') } : {}),
      });
    }
    return same(t);
  };
}

/** Rules shared by tensor methods and torch functions (the tensor is `self` or the first argument). */
export const rules: Record<string, Rule> = {
  view: (ctx, self, args, kwargs) => {
    const t = firstTensor(self, args)!;
    const rest = restArgs(self, args);
    if (rest.length === 1 && rest[0].k === 'dtype') return same(t, rest[0].dtype);
    return viewRule(ctx, t, sizesOf(rest.length ? rest : [kwargs.get('size') ?? kwargs.get('shape') ?? tuple([])], ctx.interp, ctx.site), 'view', self ? 0 : 1);
  },
  reshape: (ctx, self, args, kwargs) => {
    const t = firstTensor(self, args)!;
    const rest = restArgs(self, args);
    return viewRule(ctx, t, sizesOf(rest.length ? rest : [kwargs.get('shape') ?? tuple([])], ctx.interp, ctx.site), 'reshape', self ? 0 : 1);
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
    return permuteRule(ctx, t, (sizes ?? []).map((d) => (isKnown(d) ? d : null)), self ? 0 : 1);
  },
  transpose: (ctx, self, args, kwargs) => {
    const t = firstTensor(self, args)!;
    const rest = restArgs(self, args);
    return transposeRule(ctx, t, intOf(arg(rest, kwargs, 0, 'dim0')), intOf(arg(rest, kwargs, 1, 'dim1')), self ? 0 : 1);
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
    return flattenRule(ctx, t, intOf(arg(rest, kwargs, 0, 'start_dim')) ?? 0, intOf(arg(rest, kwargs, 1, 'end_dim')) ?? -1, self ? 0 : 1);
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
  unsqueeze: (ctx, self, args, kwargs) => unsqueezeRule(ctx, firstTensor(self, args)!, intOf(arg(restArgs(self, args), kwargs, 0, 'dim')), self ? 0 : 1),
  squeeze: (ctx, self, args, kwargs) => squeezeRule(ctx, firstTensor(self, args)!, arg(restArgs(self, args), kwargs, 0, 'dim')),
  chunk: (ctx, self, args, kwargs) => {
    const rest = restArgs(self, args);
    return chunkRule(ctx, firstTensor(self, args)!, intOf(arg(rest, kwargs, 0, 'chunks')), dimArgument(arg(rest, kwargs, 1, 'dim')), self ? 1 : 2);
  },
  split: (ctx, self, args, kwargs) => {
    const rest = restArgs(self, args);
    return splitRule(ctx, firstTensor(self, args)!, arg(rest, kwargs, 0, 'split_size_or_sections', 'split_size'), dimArgument(arg(rest, kwargs, 1, 'dim')), self ? 1 : 2);
  },
  unbind: (ctx, self, args, kwargs) => {
    const t = firstTensor(self, args)!;
    const d = normAxis(intOf(arg(restArgs(self, args), kwargs, 0, 'dim')) ?? 0, t.shape.length);
    if (!t.ranked || d === null || !isKnown(t.shape[d])) return unknown('unbind of an unknown size', ctx.site);
    const shape = t.shape.filter((_, i) => i !== d);
    if (!fitsCollection(t.shape[d] as number)) return unknown(beyondBoundMessage('unbind: a tuple', t.shape[d] as number, MAX_COLLECTION_ITEMS), ctx.site);
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
      // A remake of the mask that broadcasts to the tensor without growing it repairs it.
      const fixes = () => remakeDetails(remakesThatFit(mask, (s) => s.length <= t.shape.length && broadcastsCertainly(t.shape, s) && s.every((d, i) => d === 1 || sameDim(d, t.shape[t.shape.length - s.length + i]) || d === t.shape[t.shape.length - s.length + i])));
      const shape = broadcastShapes(t.shape, mask.shape, (i, x, y) =>
        ctx.interp.report('shape-mismatch', 'error', ctx.site, `masked_fill: mask ${formatTensorShape(mask)} does not broadcast to ${formatTensorShape(t)} (dim ${i}: ${formatDim(y)} vs ${formatDim(x)})`, [], fixes()),
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
  ger: (ctx, self, args, kwargs) => rules.outer(ctx, self, args, kwargs),
  outer: (ctx, self, args) => {
    const a = firstTensor(self, args);
    const b = tensorArg(restArgs(self, args)[0]);
    if (!a || !b || !a.ranked || !b.ranked) return unrankedLike(a);
    return out([a.shape[0] ?? unknownDim(), b.shape[0] ?? unknownDim()], a);
  },
  mean: (ctx, self, args, kwargs) => reduceRule(ctx, firstTensor(self, args)!, arg(restArgs(self, args), kwargs, 0, 'dim', 'axis'), kwargBool(restArgs(self, args), kwargs, 1, 'keepdim'), undefined, self ? 0 : 1),
  sum: (ctx, self, args, kwargs) => reduceRule(ctx, firstTensor(self, args)!, arg(restArgs(self, args), kwargs, 0, 'dim', 'axis'), kwargBool(restArgs(self, args), kwargs, 1, 'keepdim'), undefined, self ? 0 : 1),
  prod: (ctx, self, args, kwargs) => reduceRule(ctx, firstTensor(self, args)!, arg(restArgs(self, args), kwargs, 0, 'dim'), kwargBool(restArgs(self, args), kwargs, 1, 'keepdim'), undefined, self ? 0 : 1),
  std: (ctx, self, args, kwargs) => reduceRule(ctx, firstTensor(self, args)!, arg(restArgs(self, args), kwargs, 0, 'dim'), kwargBool(restArgs(self, args), kwargs, 2, 'keepdim')),
  var: (ctx, self, args, kwargs) => reduceRule(ctx, firstTensor(self, args)!, arg(restArgs(self, args), kwargs, 0, 'dim'), kwargBool(restArgs(self, args), kwargs, 2, 'keepdim')),
  norm: (ctx, self, args, kwargs) => reduceRule(ctx, firstTensor(self, args)!, arg(restArgs(self, args), kwargs, 1, 'dim'), kwargBool(restArgs(self, args), kwargs, 2, 'keepdim')),
  logsumexp: (ctx, self, args, kwargs) => reduceRule(ctx, firstTensor(self, args)!, arg(restArgs(self, args), kwargs, 0, 'dim'), kwargBool(restArgs(self, args), kwargs, 1, 'keepdim'), undefined, self ? 0 : 1),
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
  softmax: softmaxLike('softmax'),
  log_softmax: softmaxLike('log_softmax'),
  softmin: softmaxLike('softmin'),
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
  new_zeros: (ctx, self, args, kwargs) => newTensor(ctx, args, self, kwargs),
  new_ones: (ctx, self, args, kwargs) => newTensor(ctx, args, self, kwargs),
  new_empty: (ctx, self, args, kwargs) => newTensor(ctx, args, self, kwargs),
  new_full: (ctx, self, args, kwargs) => newTensor(ctx, args.slice(0, 1), self, kwargs),
  new_tensor: (ctx, self, args, kwargs) => {
    // `x.new_tensor(data)`: the shape of the data, the dtype of the data (a tensor's own, Python
    // numbers' natural one) unless `dtype=` says otherwise.
    const data = arg(restArgs(self, args), kwargs, 0, 'data');
    const dt = kwargs.get('dtype');
    const dtype = dt?.k === 'dtype' ? dt.dtype : undefined;
    const t = tensorArg(data);
    if (t) return { ...t, field: null, origin: null, dtype: dtype ?? t.dtype };
    const shaped = nestedDataShape(data);
    if (!shaped) return unrankedLike(null, dtype ?? self?.dtype);
    return out(shaped.shape, null, { dtype: dtype ?? shaped.dtype });
  },
  unfold: (ctx, self, args, kwargs) => {
    // `Tensor.unfold(dimension, size, step)`: the axis becomes (n - size) // step + 1 windows and a
    // new last axis of the window size (torch.nn.functional.unfold is a different operation).
    const t = firstTensor(self, args)!;
    const rest = restArgs(self, args);
    const size = dimOf(arg(rest, kwargs, 1, 'size'));
    const step = dimOf(arg(rest, kwargs, 2, 'step'));
    const d = t.ranked ? normAxis(intOf(arg(rest, kwargs, 0, 'dimension')), Math.max(t.shape.length, 1)) : null;
    if (!t.ranked || d === null || size === null || step === null) return unrankedLike(t);
    if (t.shape.length === 0) return out([size], t);
    const n = t.shape[d];
    if (isKnown(n) && isKnown(size) && n < size) {
      ctx.interp.report('shape-mismatch', 'error', ctx.site, `unfold: size ${size} is larger than dimension ${d} of ${formatTensorShape(t)}`);
      return unrankedLike(t);
    }
    const windows = isKnown(step) && step > 0 ? addDim(floorDivDim(subDim(n, size), step), 1) : unknownDim();
    return out([...t.shape.map((x, i) => (i === d ? windows : x)), size], t);
  },
  type: (ctx, self) => (self ? same(self) : unknown('type')),
  einsum: (ctx, _self, args) => einsumRule(ctx, args),
  diag_embed: (ctx, self, args) => {
    const t = firstTensor(self, args)!;
    return t.ranked ? out([...t.shape, t.shape[t.shape.length - 1]], t) : unrankedLike(t);
  },
};

export const DATA_UNARY: Record<string, (x: number) => number> = { round: Math.round, log: Math.log, exp: Math.exp, sqrt: Math.sqrt, abs: Math.abs, floor: Math.floor, ceil: Math.ceil, neg: (x) => -x, log2: Math.log2 };
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

export function kwargBool(args: Value[], kwargs: Map<string, Value>, i: number, name: string): boolean {
  const v = arg(args, kwargs, i, name);
  return v?.k === 'bool' ? v.v : false;
}

export function maxMin(ctx: OpContext, self: TensorV | null, args: Value[], kwargs: Map<string, Value>): Value {
  const t = firstTensor(self, args)!;
  const rest = restArgs(self, args);
  const d = arg(rest, kwargs, 0, 'dim');
  if (d && d.k === 'tensor') return elementwise(ctx, '+', t, d);
  if (d === undefined) return out([], t);
  const keep = kwargBool(rest, kwargs, 1, 'keepdim');
  const v = reduceRule(ctx, t, d, keep);
  return tuple([v, { ...v, dtype: 'long' }]);
}

export function newTensor(ctx: OpContext, args: Value[], like: TensorV | null, kwargs: Map<string, Value> = new Map()): Value {
  const dt = kwargs.get('dtype');
  const dtype = dt?.k === 'dtype' ? dt.dtype : undefined;
  const sizes = sizesOf(args.length ? args : [kwargs.get('size') ?? tuple([])], ctx.interp, ctx.site);
  if (!sizes) return unrankedLike(like, dtype);
  return out(sizes, like, { ranked: true, field: null, dtype });
}

/** The shape and natural dtype of nested Python lists of numbers (`[[1, 2], [3, 4]]`), else null. */
export function nestedDataShape(data: Value | undefined): { shape: Dim[]; dtype: TensorV['dtype'] } | null {
  if (!data) return null;
  const shape: Dim[] = [];
  let v: Value | undefined = data;
  while (v && (v.k === 'list' || v.k === 'tuple')) {
    shape.push(v.items.length);
    v = v.items[0];
  }
  if (v === undefined) return { shape, dtype: 'float' };
  if (v.k === 'float') return { shape, dtype: 'float' };
  if (v.k === 'int') return { shape, dtype: 'long' };
  if (v.k === 'bool') return { shape, dtype: 'bool' };
  return null;
}

/**
 * The rule of an in-place method (`triu_`, `unsqueeze_`, `index_add_`) from its out-of-place
 * twin: the tensor itself changes, keeps its dtype, and is returned. Undefined when there is no
 * twin.
 */
export function inPlaceRule(name: string): Rule | undefined {
  if (!name.endsWith('_') || name.endsWith('__')) return undefined;
  const twin = rules[name.slice(0, -1)];
  if (!twin) return undefined;
  return (ctx, self, args, kwargs) => {
    const r = twin(ctx, self, args, kwargs);
    if (!self) return r;
    if (r.k === 'tensor' && r.ranked && self.ranked && (r.shape.length !== self.shape.length || r.shape.some((d, i) => d !== self.shape[i]))) {
      // A shape-changing in-place op (`unsqueeze_`, `t_`) changes every name bound to the tensor.
      self.shape = r.shape;
    }
    return self;
  };
}

// Accumulating in-place ops write into the tensor: its shape stays, their source is not checked.
for (const n of ['index_add', 'index_copy', 'index_fill', 'scatter', 'scatter_add', 'masked_scatter', 'put']) rules[n] ??= (ctx, self, args) => same(firstTensor(self, args) ?? unrankedLike(null));

export function einsumRule(ctx: OpContext, args: Value[]): Value {
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

/** A dim argument: 0 when left out (the default of chunk and split), null when given but unknown. */
function dimArgument(v: Value | undefined): number | null {
  return v === undefined || v.k === 'none' ? 0 : intOf(v);
}
