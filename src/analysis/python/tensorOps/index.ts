// Shape rules for tensor operations: the methods of a tensor (`x.view`, `x.permute` ...), the
// functions of `torch` and `torch.nn.functional`, and the operators (`@`, broadcasting `+ - * /`,
// indexing). Each rule is total: a bad argument yields a finding at the call and unknown dims,
// never a throw. This file holds the entry points the torch plug-in calls; the rules live in the
// files beside it.

import type { LayerConfig } from '../../layers/catalogue';
import { attentionNotation, convNotation } from '../../notation';
import { addDim, ceilDivDim, compareDims, isKnown, mulDim, subDim, unknownDim, type Dim } from '../../shapes';
import type { Interpreter } from '../interpreter';
import { FALSE, NONE, TRUE, formatTensorShape, int, toConfig, tuple, unknown, type BuiltinV, type CallSite, type NativeFn, type TensorV, type Value } from '../values';
import { arg, dimOf, exactDiv, out, same, sizesOf, tensorArg, type OpContext, type Rule, unrankedLike } from './helpers';
import { broadcastShapes, elementwise } from './broadcasting';
import { matmul } from './matmul';
import { catRule, reduceRule } from './reshaping';
import { layerNormFunctional, multiHeadAttentionForward } from './normAttention';
import { convFunctional, poolFunctional, viaLayer } from './layerFunctionals';
import { einsumRule, elementwiseNames, firstTensor, inPlaceRule, rules } from './rules';

// What the torch plug-in uses of the rules beside these entry points.
export { sameDim } from './helpers';
export { indexTensor } from './indexing';
export { layerContext } from './layerFunctionals';

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
    case 'astype':
      // numpy's conversion, on arrays that flow into torch.from_numpy.
      return { k: 'builtin', name: 'ndarray.astype', fn: (args) => ({ ...t, dtype: dtypeOfConverter(args[0]) ?? t.dtype }) } as BuiltinV;
  }
  const rule = rules[name] ?? inPlaceRule(name);
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

export function creation(dtypeDefault: TensorV['dtype']): Rule {
  return (ctx, _self, args, kwargs) => {
    const sizeArgs = args.filter((a) => a.k !== 'dtype');
    const sizes = sizesOf(sizeArgs.length ? sizeArgs : [kwargs.get('size') ?? tuple([])], ctx.interp, ctx.site);
    const dt = kwargs.get('dtype');
    return out(sizes ?? [], null, { ranked: sizes !== null, dtype: dt?.k === 'dtype' ? dt.dtype : dtypeDefault });
  };
}

export function likeRule(ctx: OpContext, _self: TensorV | null, args: Value[], kwargs: Map<string, Value>): Value {
  const t = tensorArg(args[0]);
  const dt = kwargs.get('dtype');
  return t ? { ...t, field: null, origin: null, dtype: dt?.k === 'dtype' ? dt.dtype : t.dtype } : unrankedLike(null);
}

/** The dtype a dtype-like argument names: `torch.float32`, `np.float32`, `float`, `int`. */
function dtypeOfConverter(v: Value | undefined): TensorV['dtype'] | null {
  if (!v) return null;
  if (v.k === 'dtype') return v.dtype;
  const carried = (v as Value & { dtype?: TensorV['dtype'] }).dtype;
  if (v.k === 'builtin' && carried) return carried;
  if (v.k === 'builtin' && (v.name === 'float' || v.name === 'int' || v.name === 'bool')) return v.name === 'float' ? 'float' : v.name === 'int' ? 'long' : 'bool';
  return null;
}

/**
 * The legacy typed constructors (`torch.FloatTensor(4, 16)`, `torch.LongTensor([1, 2])`): sizes
 * give an uninitialised tensor of that shape, a list or tuple gives its data, a tensor is converted.
 */
function legacyConstructor(dtype: TensorV['dtype']): Rule {
  return (ctx, self, args, kwargs) => {
    const first = args[0];
    if (first?.k === 'tensor') return { ...first, dtype };
    if (first && (first.k === 'list' || first.k === 'tuple') && args.length === 1) return torchSpecial.tensor(ctx, self, args, new Map([['dtype', { k: 'dtype', dtype }]]));
    return creation(dtype)(ctx, self, args, kwargs);
  };
}

/** `torch.det`/`logdet`/`slogdet`: one value per matrix of a (…, n, n) batch. */
function perMatrix(ctx: OpContext, args: Value[], name: string): TensorV {
  const a = tensorArg(args[0]);
  if (!a || !a.ranked) return unrankedLike(a);
  if (a.shape.length < 2) {
    ctx.interp.report('shape-mismatch', 'error', ctx.site, `${name} needs a matrix or a batch of matrices, got ${formatTensorShape(a)}`);
    return unrankedLike(a);
  }
  return out(a.shape.slice(0, -2), a, { field: null });
}

/** `torch.qr(A)` and `torch.linalg.qr(A)`: Q (…, m, k) and R (…, k, n), k = min(m, n) in the reduced mode (the default). */
export function qrRule(ctx: OpContext, args: Value[], kwargs: Map<string, Value>): Value {
  const a = tensorArg(args[0]);
  if (!a || !a.ranked || a.shape.length < 2) return tuple([unrankedLike(a), unrankedLike(a)]);
  const lead = a.shape.slice(0, -2);
  const m = a.shape[a.shape.length - 2];
  const n = a.shape[a.shape.length - 1];
  const some = arg(args, kwargs, 1, 'some');
  const mode = arg(args, kwargs, 1, 'mode');
  const complete = (some?.k === 'bool' && !some.v) || (mode?.k === 'str' && mode.v === 'complete');
  const k: Dim = complete ? m : isKnown(m) && isKnown(n) ? Math.min(m, n) : compareDims(m, n) === 'equal' ? m : unknownDim();
  return tuple([out([...lead, m, k], a, { field: null }), out([...lead, complete ? m : k, n], a, { field: null })]);
}

export const torchSpecial: Record<string, Rule> = {
  det: (ctx, _self, args) => perMatrix(ctx, args, 'det'),
  logdet: (ctx, _self, args) => perMatrix(ctx, args, 'logdet'),
  slogdet: (ctx, _self, args) => {
    const v = perMatrix(ctx, args, 'slogdet');
    return tuple([v, { ...v }]);
  },
  qr: (ctx, _self, args, kwargs) => qrRule(ctx, args, kwargs),
  // A sparse matrix has the shape it is given; products with it follow the dense rule.
  sparse_coo_tensor: (ctx, _self, args, kwargs) => {
    const size = arg(args, kwargs, 2, 'size');
    const values = tensorArg(arg(args, kwargs, 1, 'values'));
    const sizes = size ? sizesOf([size], ctx.interp, ctx.site) : null;
    return sizes ? out(sizes, values, { field: null }) : unrankedLike(values);
  },
  spmm: (ctx, _self, args) => {
    const a = tensorArg(args[0]);
    const b = tensorArg(args[1]);
    return a && b ? matmul(ctx, a, b, 'spmm') : unrankedLike(a);
  },
  FloatTensor: legacyConstructor('float'),
  DoubleTensor: legacyConstructor('float'),
  HalfTensor: legacyConstructor('float'),
  LongTensor: legacyConstructor('long'),
  IntTensor: legacyConstructor('long'),
  ByteTensor: legacyConstructor('long'),
  BoolTensor: legacyConstructor('bool'),
  from_numpy: (ctx, _self, args) => (args[0]?.k === 'tensor' ? { ...args[0], field: null } : unrankedLike(null)),
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
    // arange(end), arange(start, end, step), also by keyword (`arange(start=0, end=n)`).
    const pos = args.filter((a) => a.k !== 'dtype');
    let [startV, endV, stepV] = [kwargs.get('start'), kwargs.get('end'), kwargs.get('step')];
    if (pos.length === 1 && !endV) endV = pos[0];
    else [startV, endV, stepV] = [startV ?? pos[0], endV ?? pos[1], stepV ?? pos[2]];
    const [start, end, step] = [startV ? dimOf(startV) : 0, endV ? dimOf(endV) : null, stepV ? dimOf(stepV) : 1];
    const dt = kwargs.get('dtype');
    const isFloat = [startV, endV, stepV].some((a) => a?.k === 'float');
    const dtype = dt?.k === 'dtype' ? dt.dtype : isFloat ? 'float' : 'long';
    if (start === null || end === null || step === null) return out([unknownDim()], null, { dtype });
    const len = step === 1 ? subDim(end, start) : isKnown(step) ? ceilDivDim(subDim(end, start), step) : unknownDim();
    const t = out([len], null, { dtype });
    if (isKnown(len) && isKnown(start) && isKnown(step) && len <= 4096 && len >= 0) t.data = Array.from({ length: len }, (_, i) => (start as number) + i * (step as number));
    return t;
  },
  linspace: (ctx, _self, args, kwargs) => {
    const steps = dimOf(args[2] ?? kwargs.get('steps')) ?? unknownDim();
    const t = out([steps], null, { dtype: 'float' });
    // Known ends and count keep the values (stochastic-depth rates read back with tolist()).
    const num = (v: Value | undefined): number | null => (v?.k === 'int' && isKnown(v.v) ? v.v : v?.k === 'float' && !Number.isNaN(v.v) ? v.v : null);
    const start = num(args[0] ?? kwargs.get('start'));
    const end = num(args[1] ?? kwargs.get('end') ?? kwargs.get('stop'));
    if (start !== null && end !== null && isKnown(steps) && steps >= 1 && steps <= 4096) {
      t.data = Array.from({ length: steps }, (_, i) => (steps === 1 ? start : start + ((end - start) * i) / (steps - 1)));
    }
    return t;
  },
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

export const functional: Record<string, Rule> = {
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
  multi_head_attention_forward: multiHeadAttentionForward,
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
// F.softmax and its kin check their dim as the tensor methods do.
functional.softmax = rules.softmax;
functional.log_softmax = rules.log_softmax;
functional.softmin = rules.softmin;
functional.layer_norm = layerNormFunctional;
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
