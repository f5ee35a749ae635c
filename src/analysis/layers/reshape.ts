// Reshaping layers: Flatten merges a range of axes, Unflatten splits one axis into several,
// ChannelShuffle permutes channels, Unfold/Fold turn sliding windows into columns and back.

import { floorDivDim, formatDim, isKnown, mulDim, productDim, type Dim } from '../shapes';
import { type LayerSpec } from './layerSpec';
import {
  UNKNOWN_VALUE,
  dimArg,
  dimTuple,
  expectDim,
  expectRank,
  firstTensor,
  intArg,
  layerLabel,
  normaliseAxis,
  shapeText,
  tensorArg,
  tensorOf,
} from './ruleHelpers';
import { convOutputLength } from './convArithmetic';

const flatten: LayerSpec = {
  name: 'Flatten',
  framework: 'pytorch',
  family: 'reshape',
  signature: [
    { name: 'start_dim', default: 1 },
    { name: 'end_dim', default: -1 },
  ],
  forward(cfg, args, kwargs, ctx) {
    const x = tensorArg(args, kwargs, 0, 'input');
    if (!x) return UNKNOWN_VALUE;
    const label = layerLabel(flatten, cfg);
    const start = intArg(cfg.start_dim);
    const end = intArg(cfg.end_dim);
    if (start === null || end === null) return UNKNOWN_VALUE;
    // A scalar flattens like a one-element vector.
    const rank = Math.max(x.shape.length, 1);
    const shape = x.shape.length === 0 ? [1] : x.shape;
    const s = normaliseAxis(start, rank);
    const e = normaliseAxis(end, rank);
    if (s === null || e === null) {
      ctx.mismatch(`${label}: dimension out of range for input ${shapeText(x.shape)} (expected in [${-rank}, ${rank - 1}])`);
      return UNKNOWN_VALUE;
    }
    if (s > e) {
      ctx.mismatch(`${label}: start_dim cannot come after end_dim for input ${shapeText(x.shape)}`);
      return UNKNOWN_VALUE;
    }
    return tensorOf([...shape.slice(0, s), productDim(shape.slice(s, e + 1)), ...shape.slice(e + 1)], x.dtype);
  },
  params: () => 0,
  notation(_cfg, inputs, output) {
    const x = firstTensor(inputs[0]);
    const y = firstTensor(output);
    return x && y ? `${shapeText(x.shape)} flatten → ${shapeText(y.shape)}` : null;
  },
};

const unflatten: LayerSpec = {
  name: 'Unflatten',
  framework: 'pytorch',
  family: 'reshape',
  signature: [{ name: 'dim' }, { name: 'unflattened_size' }],
  forward(cfg, args, kwargs, ctx) {
    const x = tensorArg(args, kwargs, 0, 'input');
    if (!x) return UNKNOWN_VALUE;
    const label = layerLabel(unflatten, cfg);
    const dim = intArg(cfg.dim);
    const sizes = Array.isArray(cfg.unflattened_size) ? cfg.unflattened_size.map((d) => dimArg(d)) : null;
    if (dim === null || sizes === null) {
      if (typeof cfg.dim === 'string') ctx.gap(`${label}: named dimensions are not followed`);
      return UNKNOWN_VALUE;
    }
    const axis = normaliseAxis(dim, x.shape.length);
    if (axis === null) {
      ctx.mismatch(`${label}: dimension ${dim} is out of range for input ${shapeText(x.shape)}`);
      return UNKNOWN_VALUE;
    }
    const size = x.shape[axis];
    const inferred = sizes.findIndex((d) => d === -1);
    let parts: Dim[] = sizes;
    if (inferred >= 0) {
      const known = productDim(sizes.filter((_, i) => i !== inferred));
      parts = sizes.map((d, i) => (i === inferred ? floorDivDim(size, known) : d));
      if (isKnown(size) && isKnown(known) && known > 0 && size % known !== 0) {
        ctx.mismatch(`${label}: ${size} is not divisible by ${known}, the product of the other sizes`);
      }
    } else {
      expectDim(productDim(sizes), size, `${label}: the sizes ${shapeText(sizes)} multiply to ${formatDim(productDim(sizes))} but dimension ${dim} of ${shapeText(x.shape)} is ${formatDim(size)}`, ctx);
    }
    return tensorOf([...x.shape.slice(0, axis), ...parts, ...x.shape.slice(axis + 1)], x.dtype);
  },
  params: () => 0,
  notation(_cfg, inputs, output) {
    const x = firstTensor(inputs[0]);
    const y = firstTensor(output);
    return x && y ? `${shapeText(x.shape)} unflatten → ${shapeText(y.shape)}` : null;
  },
};

const channelShuffle: LayerSpec = {
  name: 'ChannelShuffle',
  framework: 'pytorch',
  family: 'reshape',
  signature: [{ name: 'groups' }],
  forward(cfg, args, kwargs, ctx) {
    const x = tensorArg(args, kwargs, 0, 'input');
    if (!x) return UNKNOWN_VALUE;
    const label = layerLabel(channelShuffle, cfg);
    if (x.shape.length < 3) {
      ctx.mismatch(`${label} expects an input of at least 3-D (N,C,*) but got ${shapeText(x.shape)}`);
      return UNKNOWN_VALUE;
    }
    const groups = intArg(cfg.groups);
    const c = x.shape[1];
    if (groups !== null && isKnown(c) && groups > 0 && c % groups !== 0) {
      ctx.mismatch(`${label}: ${c} channels are not divisible by ${groups} groups`);
    }
    return tensorOf(x.shape, x.dtype);
  },
  params: () => 0,
};

/** Window geometry shared by Unfold and Fold, for `n` = 2 spatial axes. */
function slidingWindows(cfg: Parameters<LayerSpec['params']>[0]): { kernel: Dim[]; dilation: Dim[]; padding: Dim[]; stride: Dim[] } {
  return { kernel: dimTuple(cfg.kernel_size, 2), dilation: dimTuple(cfg.dilation, 2), padding: dimTuple(cfg.padding, 2), stride: dimTuple(cfg.stride, 2) };
}

const unfold: LayerSpec = {
  name: 'Unfold',
  framework: 'pytorch',
  family: 'reshape',
  signature: [{ name: 'kernel_size' }, { name: 'dilation', default: 1 }, { name: 'padding', default: 0 }, { name: 'stride', default: 1 }],
  forward(cfg, args, kwargs, ctx) {
    const x = tensorArg(args, kwargs, 0, 'input');
    if (!x) return UNKNOWN_VALUE;
    const label = layerLabel(unfold, cfg);
    if (!expectRank(label, x, [3, 4], ctx)) return UNKNOWN_VALUE;
    const w = slidingWindows(cfg);
    const lead = x.shape.slice(0, -3);
    const [c, h, wd] = x.shape.slice(-3);
    const blocks = [h, wd].map((len, i) => convOutputLength(len, w.kernel[i], w.stride[i], w.padding[i], w.dilation[i]));
    if (blocks.some((b) => isKnown(b) && b <= 0)) {
      ctx.mismatch(`${label}: the window does not fit the padded input ${shapeText(x.shape)}`);
      return UNKNOWN_VALUE;
    }
    return tensorOf([...lead, mulDim(c, productDim(w.kernel)), productDim(blocks)], x.dtype);
  },
  params: () => 0,
};

const fold: LayerSpec = {
  name: 'Fold',
  framework: 'pytorch',
  family: 'reshape',
  signature: [{ name: 'output_size' }, { name: 'kernel_size' }, { name: 'dilation', default: 1 }, { name: 'padding', default: 0 }, { name: 'stride', default: 1 }],
  forward(cfg, args, kwargs, ctx) {
    const x = tensorArg(args, kwargs, 0, 'input');
    if (!x) return UNKNOWN_VALUE;
    const label = layerLabel(fold, cfg);
    if (!expectRank(label, x, [2, 3], ctx)) return UNKNOWN_VALUE;
    const w = slidingWindows(cfg);
    const out = dimTuple(cfg.output_size, 2);
    const lead = x.shape.slice(0, -2);
    const [columns, blocks] = x.shape.slice(-2);
    const window = productDim(w.kernel);
    if (isKnown(columns) && isKnown(window) && window > 0 && columns % window !== 0) {
      ctx.mismatch(`${label}: ${columns} columns are not divisible by the kernel's ${window} positions`);
      return UNKNOWN_VALUE;
    }
    const expectedBlocks = productDim(out.map((len, i) => convOutputLength(len, w.kernel[i], w.stride[i], w.padding[i], w.dilation[i])));
    expectDim(blocks, expectedBlocks, `${label} expects ${formatDim(expectedBlocks)} blocks for output size ${shapeText(out)} but got ${formatDim(blocks)}`, ctx);
    return tensorOf([...lead, floorDivDim(columns, window), ...out], x.dtype);
  },
  params: () => 0,
};

/** The reshape family's entries. */
export const reshapeSpecs: readonly LayerSpec[] = [flatten, unflatten, channelShuffle, unfold, fold];
