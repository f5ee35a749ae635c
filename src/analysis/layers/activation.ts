// Activations. Most are element-wise and keep the shape; Softmax-like layers check that their
// `dim` exists, GLU halves its axis, PReLU owns one slope per channel (or one in all).

import { floorDivDim, formatDim, isKnown } from '../shapes';
import { type LayerSpec, type ParamSpec } from './layerSpec';
import {
  UNKNOWN_VALUE,
  dimArg,
  intArg,
  layerLabel,
  normaliseAxis,
  passThroughNotation,
  shapeText,
  strArg,
  tensorArg,
  tensorOf,
} from './ruleHelpers';

function elementwise(name: string, signature: ParamSpec[], validate?: LayerSpec['validate']): LayerSpec {
  return {
    name,
    framework: 'pytorch',
    family: 'activation',
    signature,
    validate,
    forward(_cfg, args, kwargs) {
      const x = tensorArg(args, kwargs, 0, 'input');
      return x ? tensorOf(x.shape, x.dtype) : UNKNOWN_VALUE;
    },
    params: () => 0,
    notation: passThroughNotation(name.toLowerCase()),
  };
}

const INPLACE: ParamSpec = { name: 'inplace', default: false };

/** Softmax, LogSoftmax and Softmin: the shape stays; `dim` must name an axis of the input. */
function softmaxLike(name: string): LayerSpec {
  const spec: LayerSpec = {
    name,
    framework: 'pytorch',
    family: 'activation',
    signature: [{ name: 'dim', default: null }],
    forward(cfg, args, kwargs, ctx) {
      const x = tensorArg(args, kwargs, 0, 'input');
      if (!x) return UNKNOWN_VALUE;
      const dim = intArg(cfg.dim);
      const rank = x.shape.length;
      if (dim !== null && normaliseAxis(dim, Math.max(rank, 1)) === null) {
        ctx.mismatch(`${layerLabel(spec, cfg)}: dimension out of range (expected to be in range of [${-Math.max(rank, 1)}, ${Math.max(rank, 1) - 1}], but got ${dim}) for input ${shapeText(x.shape)}`);
      }
      return tensorOf(x.shape, x.dtype);
    },
    params: () => 0,
    notation: passThroughNotation(name.toLowerCase()),
  };
  return spec;
}

const softmax2d: LayerSpec = {
  name: 'Softmax2d',
  framework: 'pytorch',
  family: 'activation',
  signature: [],
  forward(_cfg, args, kwargs, ctx) {
    const x = tensorArg(args, kwargs, 0, 'input');
    if (!x) return UNKNOWN_VALUE;
    if (x.shape.length !== 3 && x.shape.length !== 4) {
      ctx.mismatch(`Softmax2d expects a 3-D or 4-D input but got ${x.shape.length}-D ${shapeText(x.shape)}`);
      return UNKNOWN_VALUE;
    }
    return tensorOf(x.shape, x.dtype);
  },
  params: () => 0,
  notation: passThroughNotation('softmax2d'),
};

const glu: LayerSpec = {
  name: 'GLU',
  framework: 'pytorch',
  family: 'activation',
  signature: [{ name: 'dim', default: -1 }],
  forward(cfg, args, kwargs, ctx) {
    const x = tensorArg(args, kwargs, 0, 'input');
    if (!x) return UNKNOWN_VALUE;
    const label = layerLabel(glu, cfg);
    const dim = intArg(cfg.dim);
    if (dim === null) return UNKNOWN_VALUE;
    const axis = normaliseAxis(dim, x.shape.length);
    if (axis === null) {
      ctx.mismatch(`${label}: dimension ${dim} is out of range for input ${shapeText(x.shape)}`);
      return UNKNOWN_VALUE;
    }
    const size = x.shape[axis];
    if (isKnown(size) && size % 2 !== 0) {
      ctx.mismatch(`${label} halves dimension ${dim}, which must be even, but it is ${size} (input ${shapeText(x.shape)})`);
      return UNKNOWN_VALUE;
    }
    const out = [...x.shape];
    out[axis] = floorDivDim(size, 2);
    return tensorOf(out, x.dtype);
  },
  params: () => 0,
  notation: passThroughNotation('glu'),
  formula: (cfg) => `GLU(a, b) = a ⊗ σ(b), splitting dim ${formatDim(dimArg(cfg.dim))} in half`,
};

const prelu: LayerSpec = {
  name: 'PReLU',
  framework: 'pytorch',
  family: 'activation',
  signature: [{ name: 'num_parameters', default: 1 }, { name: 'init', default: 0.25 }, { name: 'device', default: null }, { name: 'dtype', default: null }],
  forward(cfg, args, kwargs, ctx) {
    const x = tensorArg(args, kwargs, 0, 'input');
    if (!x) return UNKNOWN_VALUE;
    const n = dimArg(cfg.num_parameters);
    // One slope per channel: the channel axis is 1, or 0 for an unbatched 1-D input.
    if (!(isKnown(n) && n === 1)) {
      const channels = x.shape.length === 0 ? 1 : x.shape.length === 1 ? x.shape[0] : x.shape[1];
      if (isKnown(channels) && isKnown(n) && channels !== n) {
        ctx.mismatch(`${layerLabel(prelu, cfg)} has ${n} slopes but the input ${shapeText(x.shape)} has ${channels} channels`);
      }
    }
    return tensorOf(x.shape, x.dtype);
  },
  params: (cfg) => intArg(cfg.num_parameters),
  notation: passThroughNotation('prelu'),
};

const gelu = elementwise('GELU', [{ name: 'approximate', default: 'none' }], (cfg, ctx) => {
  const mode = strArg(cfg.approximate);
  if (mode !== null && mode !== 'none' && mode !== 'tanh') ctx.invalid(`GELU: approximate must be 'none' or 'tanh' but got '${mode}'`);
});

/** The activation family's entries. */
export const activationSpecs: readonly LayerSpec[] = [
  elementwise('ReLU', [INPLACE]),
  elementwise('ReLU6', [INPLACE]),
  gelu,
  elementwise('Tanh', []),
  elementwise('Sigmoid', []),
  elementwise('LeakyReLU', [{ name: 'negative_slope', default: 0.01 }, INPLACE]),
  elementwise('SiLU', [INPLACE]),
  elementwise('ELU', [{ name: 'alpha', default: 1.0 }, INPLACE]),
  elementwise('CELU', [{ name: 'alpha', default: 1.0 }, INPLACE]),
  elementwise('SELU', [INPLACE]),
  elementwise('Hardswish', [INPLACE]),
  elementwise('Hardsigmoid', [INPLACE]),
  elementwise('Hardtanh', [{ name: 'min_val', default: -1.0 }, { name: 'max_val', default: 1.0 }, INPLACE, { name: 'min_value', default: null }, { name: 'max_value', default: null }]),
  elementwise('Mish', [INPLACE]),
  elementwise('Softplus', [{ name: 'beta', default: 1.0 }, { name: 'threshold', default: 20.0 }]),
  elementwise('Softsign', []),
  elementwise('Tanhshrink', []),
  elementwise('Hardshrink', [{ name: 'lambd', default: 0.5 }]),
  elementwise('Softshrink', [{ name: 'lambd', default: 0.5 }]),
  elementwise('LogSigmoid', []),
  elementwise('Threshold', [{ name: 'threshold' }, { name: 'value' }, INPLACE]),
  elementwise('RReLU', [{ name: 'lower', default: 0.125 }, { name: 'upper', default: 1 / 3 }, INPLACE]),
  softmaxLike('Softmax'),
  softmaxLike('LogSoftmax'),
  softmaxLike('Softmin'),
  softmax2d,
  glu,
  prelu,
];
