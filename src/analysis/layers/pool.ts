// Pooling: MaxPool/AvgPool/LPPool with fixed windows and AdaptiveAvgPool/AdaptiveMaxPool with a
// fixed output size, in 1, 2 and 3 dimensions. Windows follow the convolution arithmetic with
// PyTorch's ceil_mode rule; adaptive pools give their geometry only when windows are uniform.

import { poolNotation } from '../notation';
import { addDim, formatDim, isKnown, mulDim, subDim, unknownDim, type Dim } from '../shapes';
import type { Geometry } from '../types';
import { type LayerConfig, type LayerContext, type LayerSpec, type LayerValue, type ParamSpec } from './layerSpec';
import {
  axisNames,
  boolArg,
  channelsFirstLayout,
  dimArg,
  dimText,
  dimTuple,
  expectRank,
  firstTensor,
  knownInts,
  layerLabel,
  shapeText,
  tensorArg,
  tensorOf,
  tupleOf,
  UNKNOWN_VALUE,
} from './ruleHelpers';
import { poolOutputLength } from './convArithmetic';

type PoolKind = 'max' | 'avg' | 'lp';

interface PoolAxes {
  kernel: Dim[];
  stride: Dim[];
  padding: Dim[];
  dilation: Dim[];
}

function poolAxes(cfg: LayerConfig, n: number): PoolAxes {
  const kernel = dimTuple(cfg.kernel_size, n);
  // stride=None (the default) means the window's own size.
  const stride = cfg.stride === null || cfg.stride === undefined ? kernel : dimTuple(cfg.stride, n);
  const padding = dimTuple(cfg.padding ?? 0, n);
  const dilation = dimTuple(cfg.dilation ?? 1, n);
  return { kernel, stride, padding, dilation };
}

function poolSignature(kind: PoolKind, n: number): ParamSpec[] {
  if (kind === 'max') {
    return [
      { name: 'kernel_size' },
      { name: 'stride', default: null },
      { name: 'padding', default: 0 },
      { name: 'dilation', default: 1 },
      { name: 'return_indices', default: false },
      { name: 'ceil_mode', default: false },
    ];
  }
  if (kind === 'lp') {
    return [{ name: 'norm_type' }, { name: 'kernel_size' }, { name: 'stride', default: null }, { name: 'ceil_mode', default: false }];
  }
  const avg: ParamSpec[] = [
    { name: 'kernel_size' },
    { name: 'stride', default: null },
    { name: 'padding', default: 0 },
    { name: 'ceil_mode', default: false },
    { name: 'count_include_pad', default: true },
  ];
  if (n > 1) avg.push({ name: 'divisor_override', default: null });
  return avg;
}

function validatePool(name: string, n: number, cfg: LayerConfig, ctx: LayerContext): void {
  const axes = poolAxes(cfg, n);
  if (axes.kernel.some((k) => isKnown(k) && k <= 0)) ctx.invalid(`${name}: kernel_size must be greater than zero`);
  if (axes.stride.some((s) => isKnown(s) && s <= 0)) ctx.invalid(`${name}: stride must be greater than zero`);
  if (axes.dilation.some((d) => isKnown(d) && d <= 0)) ctx.invalid(`${name}: dilation must be greater than zero`);
  axes.padding.forEach((p, i) => {
    const k = axes.kernel[i];
    if (isKnown(p) && p < 0) ctx.invalid(`${name}: padding must be non-negative`);
    else if (isKnown(p) && isKnown(k) && p > Math.floor(k / 2)) {
      ctx.invalid(`${name}: padding ${p} should be at most half of kernel size ${k}`);
    }
  });
  const divisor = cfg.divisor_override;
  if (typeof divisor === 'number' && divisor === 0) ctx.invalid(`${name}: divisor must be not zero`);
}

function poolSpec(kind: PoolKind, n: 1 | 2 | 3): LayerSpec {
  const name = `${kind === 'max' ? 'Max' : kind === 'avg' ? 'Avg' : 'LP'}Pool${n}d`;
  const names = axisNames(n);
  const spec: LayerSpec = {
    name,
    framework: 'pytorch',
    family: 'pool',
    inputLayout: () => channelsFirstLayout(n, undefined, true),
    signature: poolSignature(kind, n),
    validate: (cfg, ctx) => validatePool(name, n, cfg, ctx),
    forward(cfg, args, kwargs, ctx) {
      const x = tensorArg(args, kwargs, 0, 'input');
      if (!x) return UNKNOWN_VALUE;
      const label = layerLabel(spec, cfg);
      if (!expectRank(label, x, [n + 1, n + 2], ctx)) return UNKNOWN_VALUE;
      const axes = poolAxes(cfg, n);
      const ceil = boolArg(cfg.ceil_mode) === true;
      const lead = x.shape.slice(0, x.shape.length - n);
      const spatialIn = x.shape.slice(x.shape.length - n);
      const spatialOut = spatialIn.map((len, i) => poolOutputLength(len, axes.kernel[i], axes.stride[i], axes.padding[i], axes.dilation[i], ceil));
      const tooSmall = spatialOut.findIndex((len) => isKnown(len) && len <= 0);
      if (tooSmall >= 0) {
        ctx.mismatch(
          `${label}: output ${names[tooSmall]} would be ${formatDim(spatialOut[tooSmall])} for input ${shapeText(x.shape)}; the window is larger than the padded input`,
        );
        return UNKNOWN_VALUE;
      }
      const out = tensorOf([...lead, ...spatialOut], x.dtype);
      if (kind === 'max' && boolArg(cfg.return_indices) === true) return tupleOf(out, tensorOf([...lead, ...spatialOut], 'long'));
      return out;
    },
    params: () => 0,
    geometry(cfg) {
      if (kind === 'lp') return null;
      const axes = poolAxes(cfg, n);
      const kernel = knownInts(axes.kernel.map((d) => (isKnown(d) ? d : null)));
      const stride = knownInts(axes.stride.map((d) => (isKnown(d) ? d : null)));
      const padding = knownInts(axes.padding.map((d) => (isKnown(d) ? d : null)));
      const dilation = knownInts(axes.dilation.map((d) => (isKnown(d) ? d : null)));
      if (!kernel || !stride || !padding || !dilation) return null;
      return { kind: 'pool', kernel, stride, padding, dilation };
    },
    notation(cfg, inputs, output) {
      const x = firstTensor(inputs[0]);
      const y = firstTensor(output);
      if (!x || !y) return null;
      const axes = poolAxes(cfg, n);
      return poolNotation(x.shape, kind, axes.kernel, axes.stride, y.shape);
    },
    formula(cfg, inputs, output) {
      const x = firstTensor(inputs[0]);
      const y = firstTensor(output);
      if (!x || !y || x.shape.length < n || y.shape.length < n) return null;
      const axes = poolAxes(cfg, n);
      const ceil = boolArg(cfg.ceil_mode) === true;
      const [open, close] = ceil ? ['⌈', '⌉'] : ['⌊', '⌋'];
      const spatialIn = x.shape.slice(x.shape.length - n);
      const spatialOut = y.shape.slice(y.shape.length - n);
      return names
        .map((axis, i) => {
          const body = `${dimText(spatialIn[i])} + 2·${dimText(axes.padding[i])} − ${dimText(axes.dilation[i])}·(${dimText(axes.kernel[i])}−1) − 1`;
          return `${axis}_out = ${open}(${body})/${dimText(axes.stride[i])}${close} + 1 = ${dimText(spatialOut[i])}`;
        })
        .join('; ');
    },
    macs: () => null,
  };
  return spec;
}

/** Output sizes of an adaptive pool: an int, or a tuple whose None entries keep the input size. */
function adaptiveSizes(cfg: LayerConfig, n: number, spatialIn: readonly Dim[]): Dim[] {
  const raw = cfg.output_size;
  const entries = Array.isArray(raw) ? (raw.length === n ? raw : raw.length === 1 ? Array(n).fill(raw[0]) : null) : Array(n).fill(raw);
  if (!entries) return spatialIn.map(() => dimArg(undefined));
  return entries.map((v, i) => (v === null ? spatialIn[i] : dimArg(v)));
}

function adaptiveSpec(kind: 'max' | 'avg', n: 1 | 2 | 3): LayerSpec {
  const name = `Adaptive${kind === 'max' ? 'Max' : 'Avg'}Pool${n}d`;
  const spec: LayerSpec = {
    name,
    framework: 'pytorch',
    family: 'pool',
    inputLayout: () => channelsFirstLayout(n, undefined, true),
    signature: kind === 'max' ? [{ name: 'output_size' }, { name: 'return_indices', default: false }] : [{ name: 'output_size' }],
    validate(cfg, ctx) {
      const sizes = adaptiveSizes(cfg, n, Array(n).fill(1));
      if (sizes.some((s) => isKnown(s) && s < 0)) ctx.invalid(`${name}: output_size must be non-negative`);
    },
    forward(cfg, args, kwargs, ctx) {
      const x = tensorArg(args, kwargs, 0, 'input');
      if (!x) return UNKNOWN_VALUE;
      const label = layerLabel(spec, cfg);
      if (!expectRank(label, x, [n + 1, n + 2], ctx)) return UNKNOWN_VALUE;
      const lead = x.shape.slice(0, x.shape.length - n);
      const spatialIn = x.shape.slice(x.shape.length - n);
      const sizes = adaptiveSizes(cfg, n, spatialIn);
      const out = tensorOf([...lead, ...sizes], x.dtype);
      if (kind === 'max' && boolArg(cfg.return_indices) === true) return tupleOf(out, tensorOf([...lead, ...sizes], 'long'));
      return out;
    },
    params: () => 0,
    geometry(cfg, inputs) {
      // Windows are uniform only when the output size divides the input size; then the pool is
      // an ordinary pool with kernel = stride = input/output.
      const x = firstTensor(inputs?.[0]);
      if (!x || x.shape.length < n) return null;
      const spatialIn = x.shape.slice(x.shape.length - n);
      const sizes = adaptiveSizes(cfg, n, spatialIn);
      const kernel: number[] = [];
      for (let i = 0; i < n; i++) {
        const L = spatialIn[i];
        const out = sizes[i];
        if (!isKnown(L) || !isKnown(out) || out <= 0 || L % out !== 0) return null;
        kernel.push(L / out);
      }
      const geometry: Geometry = { kind: 'pool', kernel, stride: [...kernel], padding: kernel.map(() => 0), dilation: kernel.map(() => 1) };
      if (sizes.every((s) => s === 1)) geometry.global = true;
      return geometry;
    },
    notation(cfg, inputs, output) {
      const x = firstTensor(inputs[0]);
      const y = firstTensor(output);
      if (!x || !y) return null;
      return poolNotation(x.shape, `adaptive ${kind}`, adaptiveSizes(cfg, n, x.shape.slice(x.shape.length - n)), [], y.shape);
    },
    formula(_cfg, inputs, output) {
      const y = firstTensor(output);
      const x = firstTensor(inputs[0]);
      if (!x || !y) return null;
      const names = axisNames(n);
      const spatialIn = x.shape.slice(x.shape.length - n);
      const spatialOut = y.shape.slice(y.shape.length - n);
      return names
        .map((axis, i) => `${axis}_out = ${dimText(spatialOut[i])}; window i spans ⌊i·${dimText(spatialIn[i])}/${dimText(spatialOut[i])}⌋ … ⌈(i+1)·${dimText(spatialIn[i])}/${dimText(spatialOut[i])}⌉`)
        .join('; ');
    },
    macs: () => null,
  };
  return spec;
}

/** Sizes given as a tuple or list of integers (a `torch.Size` included), else null. */
function sizesOfValue(v: LayerValue | undefined): Dim[] | null {
  if (!v) return null;
  if (v.kind === 'const' && Array.isArray(v.value)) return v.value.map((x) => dimArg(x));
  if (v.kind !== 'tuple') return null;
  const dims: Dim[] = [];
  for (const item of v.items) {
    if (item.kind !== 'const') return null;
    dims.push(dimArg(item.value));
  }
  return dims;
}

/**
 * MaxUnpool1d/2d/3d: the inverse of a max pool given its indices. Each spatial size becomes
 * (L − 1)·stride − 2·padding + kernel_size, unless `output_size` (the pooled input's size, with or
 * without its batch and channel axes) says which of the sizes that pool to L it was.
 */
function maxUnpoolSpec(n: 1 | 2 | 3): LayerSpec {
  const name = `MaxUnpool${n}d`;
  const spec: LayerSpec = {
    name,
    framework: 'pytorch',
    family: 'pool',
    inputLayout: () => channelsFirstLayout(n, undefined, false),
    signature: [{ name: 'kernel_size' }, { name: 'stride', default: null }, { name: 'padding', default: 0 }],
    validate(cfg, ctx) {
      const axes = poolAxes(cfg, n);
      if (axes.kernel.some((k) => isKnown(k) && k <= 0)) ctx.invalid(`${name}: kernel_size must be greater than zero`);
      if (axes.stride.some((st) => isKnown(st) && st <= 0)) ctx.invalid(`${name}: stride must be greater than zero`);
    },
    forward(cfg, args, kwargs, ctx) {
      const x = tensorArg(args, kwargs, 0, 'input');
      if (!x) return UNKNOWN_VALUE;
      const label = layerLabel(spec, cfg);
      if (!expectRank(label, x, [n + 1, n + 2], ctx)) return UNKNOWN_VALUE;
      const indices = tensorArg(args, kwargs, 1, 'indices');
      if (indices && indices.shape.length === x.shape.length) {
        const differs = x.shape.findIndex((d, i) => isKnown(d) && isKnown(indices.shape[i]) && d !== indices.shape[i]);
        if (differs >= 0) ctx.mismatch(`${label}: indices ${shapeText(indices.shape)} do not match the input ${shapeText(x.shape)}`);
      }
      const axes = poolAxes(cfg, n);
      const lead = x.shape.slice(0, x.shape.length - n);
      const spatialIn = x.shape.slice(x.shape.length - n);
      const given = sizesOfValue(args.length > 2 ? args[2] : kwargs.output_size);
      if (given && given.length !== n && given.length !== n + 2) {
        ctx.gap(`${label}: output_size has ${given.length} sizes, expected ${n} or ${n + 2}`);
        return tensorOf([...lead, ...spatialIn.map(() => unknownDim())], x.dtype);
      }
      const spatialOut = given
        ? given.slice(given.length - n)
        : spatialIn.map((len, i) => addDim(subDim(mulDim(subDim(len, 1), axes.stride[i]), mulDim(2, axes.padding[i])), axes.kernel[i]));
      return tensorOf([...lead, ...spatialOut], x.dtype);
    },
    params: () => 0,
    formula(cfg, inputs, output) {
      const x = firstTensor(inputs[0]);
      const y = firstTensor(output);
      if (!x || !y || x.shape.length < n || y.shape.length < n) return null;
      const axes = poolAxes(cfg, n);
      const spatialIn = x.shape.slice(x.shape.length - n);
      const spatialOut = y.shape.slice(y.shape.length - n);
      return axisNames(n)
        .map((axis, i) => `${axis}_out = (${dimText(spatialIn[i])} − 1)·${dimText(axes.stride[i])} − 2·${dimText(axes.padding[i])} + ${dimText(axes.kernel[i])} = ${dimText(spatialOut[i])}`)
        .join('; ');
    },
    macs: () => null,
  };
  return spec;
}

const dims = [1, 2, 3] as const;
/** The pool family's entries. */
export const poolSpecs: readonly LayerSpec[] = [
  ...dims.map((n) => poolSpec('max', n)),
  ...dims.map((n) => poolSpec('avg', n)),
  poolSpec('lp', 1),
  poolSpec('lp', 2),
  ...dims.map((n) => adaptiveSpec('avg', n)),
  ...dims.map((n) => adaptiveSpec('max', n)),
  ...dims.map((n) => maxUnpoolSpec(n)),
];

