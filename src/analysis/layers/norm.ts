// Normalisation layers: BatchNorm1d/2d/3d, LayerNorm, GroupNorm, InstanceNorm1d/2d/3d and
// LocalResponseNorm. They keep the input's shape; what they check is the channel count (or the
// trailing shape for LayerNorm). Running statistics are buffers, so they are not parameters.

import { formatDim, productDim, type Dim } from '../shapes';
import { type ConfigValue, type LayerConfig, type LayerSpec } from './layerSpec';
import {
  boolArg,
  channelsFirstLayout,
  dimArg,
  expectDim,
  expectRank,
  knownProduct,
  layerLabel,
  lazyLayerLabel,
  passThroughNotation,
  shapeText,
  tensorArg,
  tensorOf,
  UNKNOWN_VALUE,
} from './ruleHelpers';

const DEVICE = [
  { name: 'device', default: null },
  { name: 'dtype', default: null },
];

/** Affine parameters of a per-channel norm: weight and bias of C each. */
function affineParams(channels: Dim, affine: boolean | null): number | null {
  if (affine === null) return null;
  if (!affine) return 0;
  return knownProduct([2, channels]);
}

/**
 * The affine weight and bias of a batch or instance norm, as the analysis has always exposed them
 * to code reading `bn.weight` (also when `affine=False`, where PyTorch holds None).
 */
function affineWeights(channels: ConfigValue | undefined): Record<string, Dim[] | null> {
  return { weight: [dimArg(channels)], bias: [dimArg(channels)] };
}

function batchNormSpec(n: 1 | 2 | 3): LayerSpec {
  const name = `BatchNorm${n}d`;
  const ranks = n === 1 ? [2, 3] : [n + 2];
  const spec: LayerSpec = {
    name,
    framework: 'pytorch',
    family: 'norm',
    // BatchNorm1d takes (N, C) or (N, C, L): its input rank is not fixed.
    inputLayout: (cfg) => (n === 1 ? null : channelsFirstLayout(n, cfg.num_features, false)),
    inputSize: { param: 'num_features', axis: 'channel', spatial: n, batchedRanks: ranks },
    weights: (cfg) => affineWeights(cfg.num_features),
    signature: [
      { name: 'num_features' },
      { name: 'eps', default: 1e-5 },
      { name: 'momentum', default: 0.1 },
      { name: 'affine', default: true },
      { name: 'track_running_stats', default: true },
      ...DEVICE,
    ],
    forward(cfg, args, kwargs, ctx) {
      const x = tensorArg(args, kwargs, 0, 'input');
      if (!x) return UNKNOWN_VALUE;
      const label = lazyLayerLabel(spec, cfg);
      if (!expectRank(label, x, ranks, ctx)) return UNKNOWN_VALUE;
      // Without affine weights and running statistics nothing in the layer is sized by C.
      if (boolArg(cfg.affine) !== false || boolArg(cfg.track_running_stats) !== false) {
        const c = dimArg(cfg.num_features);
        expectDim(x.shape[1], c, () => `${label()} expects ${formatDim(c)} channels but got ${formatDim(x.shape[1])} (input ${shapeText(x.shape)})`, ctx);
      }
      return tensorOf(x.shape, x.dtype);
    },
    params: (cfg) => affineParams(dimArg(cfg.num_features), boolArg(cfg.affine)),
    notation: passThroughNotation('batchnorm'),
    formula: (cfg) => `y = (x − E[x]) / √(Var[x] + ${cfg.eps}) · γ + β over ${formatDim(dimArg(cfg.num_features))} channels`,
  };
  return spec;
}

function instanceNormSpec(n: 1 | 2 | 3): LayerSpec {
  const name = `InstanceNorm${n}d`;
  const spec: LayerSpec = {
    name,
    framework: 'pytorch',
    family: 'norm',
    inputLayout: (cfg) => channelsFirstLayout(n, cfg.num_features, false),
    inputSize: { param: 'num_features', axis: 'channel', spatial: n },
    weights: (cfg) => affineWeights(cfg.num_features),
    signature: [
      { name: 'num_features' },
      { name: 'eps', default: 1e-5 },
      { name: 'momentum', default: 0.1 },
      { name: 'affine', default: false },
      { name: 'track_running_stats', default: false },
      ...DEVICE,
    ],
    forward(cfg, args, kwargs, ctx) {
      const x = tensorArg(args, kwargs, 0, 'input');
      if (!x) return UNKNOWN_VALUE;
      const label = layerLabel(spec, cfg);
      if (!expectRank(label, x, [n + 1, n + 2], ctx)) return UNKNOWN_VALUE;
      // PyTorch only warns about a channel mismatch when the layer has no affine weights.
      if (boolArg(cfg.affine) === true) {
        const c = dimArg(cfg.num_features);
        const got = x.shape[x.shape.length - n - 1];
        expectDim(got, c, `${label} expects ${formatDim(c)} channels but got ${formatDim(got)} (input ${shapeText(x.shape)})`, ctx);
      }
      return tensorOf(x.shape, x.dtype);
    },
    params: (cfg) => affineParams(dimArg(cfg.num_features), boolArg(cfg.affine)),
    notation: passThroughNotation('instancenorm'),
  };
  return spec;
}

/** LayerNorm's normalized_shape as dims (an int is a one-element shape). */
function normalizedShape(cfg: LayerConfig): Dim[] {
  const v = cfg.normalized_shape;
  return Array.isArray(v) ? v.map((d) => dimArg(d)) : [dimArg(v)];
}

const layerNorm: LayerSpec = {
  name: 'LayerNorm',
  framework: 'pytorch',
  family: 'norm',
  inputSize: { param: 'normalized_shape', axis: 'trailing' },
  weights: (cfg) => ({ weight: normalizedShape(cfg), bias: normalizedShape(cfg) }),
  // `bias` arrived in PyTorch 2.1; earlier versions always have a bias when elementwise_affine.
  signature: [
    { name: 'normalized_shape' },
    { name: 'eps', default: 1e-5 },
    { name: 'elementwise_affine', default: true },
    { name: 'bias', default: true },
    ...DEVICE,
  ],
  forward(cfg, args, kwargs, ctx) {
    const x = tensorArg(args, kwargs, 0, 'input');
    if (!x) return UNKNOWN_VALUE;
    const label = layerLabel(layerNorm, cfg);
    const want = normalizedShape(cfg);
    const tail = x.shape.slice(x.shape.length - want.length);
    const message = `${label} expects the input to end in ${shapeText(want)} but got ${shapeText(x.shape)}`;
    if (x.shape.length < want.length) ctx.mismatch(message);
    else tail.every((d, i) => expectDim(d, want[i], message, ctx));
    return tensorOf(x.shape, x.dtype);
  },
  params(cfg) {
    const affine = boolArg(cfg.elementwise_affine);
    const bias = boolArg(cfg.bias);
    if (affine === null || bias === null) return null;
    if (!affine) return 0;
    return knownProduct([productDim(normalizedShape(cfg)), bias ? 2 : 1]);
  },
  notation: passThroughNotation('layernorm'),
  formula: (cfg) => `y = (x − E[x]) / √(Var[x] + ${cfg.eps}) · γ + β over the last dims ${shapeText(normalizedShape(cfg))}`,
};

const groupNorm: LayerSpec = {
  name: 'GroupNorm',
  framework: 'pytorch',
  family: 'norm',
  inputSize: { param: 'num_channels', axis: 'channel' },
  signature: [{ name: 'num_groups' }, { name: 'num_channels' }, { name: 'eps', default: 1e-5 }, { name: 'affine', default: true }, ...DEVICE],
  validate(cfg, ctx) {
    const g = dimArg(cfg.num_groups);
    const c = dimArg(cfg.num_channels);
    if (typeof g === 'number' && g <= 0) ctx.invalid(`GroupNorm: num_groups must be positive but got ${g}`);
    else if (typeof g === 'number' && typeof c === 'number' && c % g !== 0) ctx.invalid(`GroupNorm: num_channels (${c}) must be divisible by num_groups (${g})`);
  },
  forward(cfg, args, kwargs, ctx) {
    const x = tensorArg(args, kwargs, 0, 'input');
    if (!x) return UNKNOWN_VALUE;
    const label = layerLabel(groupNorm, cfg);
    if (x.shape.length < 2) {
      ctx.mismatch(`${label} expects an input of at least 2-D (N,C,...) but got ${shapeText(x.shape)}`);
      return UNKNOWN_VALUE;
    }
    const c = dimArg(cfg.num_channels);
    expectDim(x.shape[1], c, `${label} expects ${formatDim(c)} channels but got ${formatDim(x.shape[1])} (input ${shapeText(x.shape)})`, ctx);
    return tensorOf(x.shape, x.dtype);
  },
  params: (cfg) => affineParams(dimArg(cfg.num_channels), boolArg(cfg.affine)),
  notation: passThroughNotation('groupnorm'),
};

const localResponseNorm: LayerSpec = {
  name: 'LocalResponseNorm',
  framework: 'pytorch',
  family: 'norm',
  signature: [{ name: 'size' }, { name: 'alpha', default: 1e-4 }, { name: 'beta', default: 0.75 }, { name: 'k', default: 1.0 }],
  forward(cfg, args, kwargs, ctx) {
    const x = tensorArg(args, kwargs, 0, 'input');
    if (!x) return UNKNOWN_VALUE;
    if (x.shape.length < 3) {
      ctx.mismatch(`${layerLabel(localResponseNorm, cfg)} expects an input of 3-D or more but got ${x.shape.length}-D ${shapeText(x.shape)}`);
      return UNKNOWN_VALUE;
    }
    return tensorOf(x.shape, x.dtype);
  },
  params: () => 0,
  notation: passThroughNotation('lrn'),
};

/** The norm family's entries. */
export const normSpecs: readonly LayerSpec[] = [
  batchNormSpec(1),
  batchNormSpec(2),
  batchNormSpec(3),
  instanceNormSpec(1),
  instanceNormSpec(2),
  instanceNormSpec(3),
  layerNorm,
  groupNorm,
  localResponseNorm,
];
