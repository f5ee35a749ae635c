// Reshaping layers: Flatten merges a range of axes, Unflatten splits one axis into several.

import { floorDivDim, formatDim, isKnown, productDim, type Dim } from '../shapes';
import { registerLayers, type LayerSpec } from './catalogue';
import { UNKNOWN_VALUE, dimArg, expectDim, intArg, layerLabel, normaliseAxis, shapeText, tensorArg, tensorOf, firstTensor } from './common';

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

registerLayers([flatten, unflatten]);
