// Convolutions: Conv1d/2d/3d and ConvTranspose1d/2d/3d. Shapes follow PyTorch's documented
// arithmetic (see convArithmetic.ts); the notation writes a convolution as the input, the
// kernel bank and the stride: (N,3,224,224) ⊛ (64,3,7,7)/2 → (N,64,112,112).

import { convNotation, strideDilationSuffix } from '../notation';
import { formatDim, isKnown, mulDim, productDim, type Dim } from '../shapes';
import type { Geometry } from '../types';
import { type ConfigValue, type LayerConfig, type LayerContext, type LayerSpec, type ParamSpec } from './layerSpec';
import {
  dtypeMay,
  axisNames,
  boolArg,
  channelsFirstLayout,
  checkCountable,
  constArg,
  dimArg,
  dimText,
  dimTuple,
  expectDim,
  expectRank,
  firstTensor,
  intTuple,
  knownInts,
  knownProduct,
  lazyLayerLabel,
  weightCount,
  shapeText,
  strArg,
  tensorArg,
  tensorOf,
  UNKNOWN_VALUE,
} from './ruleHelpers';
import { convOutputLengthPadded, convTransposeOutputLength, effectiveKernel, samePadding } from './convArithmetic';

const PADDING_MODES = ['zeros', 'reflect', 'replicate', 'circular'];

/** The per-axis hyper-parameters of a convolution, as dims (symbolic where the config is). */
interface ConvAxes {
  kernel: Dim[];
  stride: Dim[];
  dilation: Dim[];
  /** Left padding per axis, and total padding per axis (they differ for 'same' with even kernels). */
  padLeft: Dim[];
  padTotal: Dim[];
  /** 'same', 'valid' or null for explicit padding. */
  paddingString: string | null;
  outputPadding: Dim[];
}

/**
 * A one-entry memo of a function of a convolution's config: it answers again while the config
 * object, `n`, `transposed` and the config fields the function reads are those of the last call.
 * A convolution's construction and call ask for the same config's axes and weight shape several
 * times in turn (validation, forward, geometry, formula, notation, MAC count); one slot answers
 * those (a WeakMap's insertions cost more than the answers), and a config whose fields were
 * replaced since (a functional path reusing its object) computes anew.
 */
function lastConfigMemo<T>(fields: readonly string[], compute: (cfg: LayerConfig, n: number, transposed: boolean) => T): (cfg: LayerConfig, n: number, transposed: boolean) => T {
  let lastCfg: LayerConfig | null = null;
  let lastN = 0;
  let lastTransposed = false;
  const lastFields: (ConfigValue | undefined)[] = [];
  let last!: T;
  return (cfg, n, transposed) => {
    let same = cfg === lastCfg && n === lastN && transposed === lastTransposed;
    for (let i = 0; same && i < fields.length; i++) same = cfg[fields[i]] === lastFields[i];
    if (same) return last;
    last = compute(cfg, n, transposed);
    lastCfg = cfg;
    lastN = n;
    lastTransposed = transposed;
    for (let i = 0; i < fields.length; i++) lastFields[i] = cfg[fields[i]];
    return last;
  };
}

/** A convolution's axes as dims (the same object for the calls of one config in turn: read, never changed). */
const memoAxes = lastConfigMemo(['kernel_size', 'stride', 'dilation', 'padding', 'output_padding'], (cfg, n) => computeConvAxes(cfg, n));

function convAxes(cfg: LayerConfig, n: number): ConvAxes {
  return memoAxes(cfg, n, false);
}

function computeConvAxes(cfg: LayerConfig, n: number): ConvAxes {
  const kernel = dimTuple(cfg.kernel_size, n);
  const stride = dimTuple(cfg.stride, n);
  const dilation = dimTuple(cfg.dilation, n);
  const outputPadding = dimTuple(cfg.output_padding ?? 0, n);
  const paddingString = strArg(cfg.padding);
  let padLeft: Dim[];
  let padTotal: Dim[];
  if (paddingString === 'valid') {
    padLeft = kernel.map(() => 0);
    padTotal = padLeft;
  } else if (paddingString === 'same') {
    padLeft = [];
    padTotal = [];
    kernel.forEach((k, i) => {
      const d = dilation[i];
      if (isKnown(k) && isKnown(d)) {
        const same = samePadding(k, d);
        padLeft.push(same.left);
        padTotal.push(same.left + same.right);
      } else {
        padLeft.push(dimArg(undefined));
        padTotal.push(mulDim(d, dimArg(undefined)));
      }
    });
  } else {
    padLeft = dimTuple(cfg.padding, n);
    padTotal = padLeft.map((p) => mulDim(2, p));
  }
  return { kernel, stride, dilation, padLeft, padTotal, paddingString, outputPadding };
}

function validateConv(name: string, n: number, transposed: boolean, cfg: LayerConfig, ctx: LayerContext): void {
  const groups = dimArg(cfg.groups);
  const inC = dimArg(cfg.in_channels);
  const outC = dimArg(cfg.out_channels);
  checkCountable(name, 'weight', sharedWeightShape(cfg, n, transposed), ctx);
  if (isKnown(groups) && groups <= 0) ctx.invalid(`${name}: groups must be a positive integer but got ${groups}`);
  else if (isKnown(groups)) {
    if (isKnown(inC) && inC % groups !== 0) ctx.invalid(`${name}: in_channels (${inC}) must be divisible by groups (${groups})`);
    if (isKnown(outC) && outC % groups !== 0) ctx.invalid(`${name}: out_channels (${outC}) must be divisible by groups (${groups})`);
  }
  const axes = convAxes(cfg, n);
  const paddingText = strArg(cfg.padding);
  if (paddingText !== null && (transposed || (paddingText !== 'same' && paddingText !== 'valid'))) {
    ctx.invalid(`${name}: invalid padding string '${paddingText}', should be one of 'valid' or 'same'`);
  }
  if (paddingText === 'same' && axes.stride.some((s) => isKnown(s) && s !== 1)) {
    ctx.invalid(`${name}: padding='same' is not supported for strided convolutions`);
  }
  const mode = strArg(cfg.padding_mode);
  if (mode !== null && !PADDING_MODES.includes(mode)) {
    ctx.invalid(`${name}: padding_mode must be one of ${PADDING_MODES.map((m) => `'${m}'`).join(', ')} but got '${mode}'`);
  } else if (transposed && mode !== null && mode !== 'zeros') {
    ctx.invalid(`${name}: only 'zeros' padding mode is supported for transposed convolutions`);
  }
  if (axes.kernel.some((k) => isKnown(k) && k <= 0)) ctx.invalid(`${name}: kernel_size must be positive`);
  if (axes.stride.some((s) => isKnown(s) && s <= 0)) ctx.invalid(`${name}: non-positive stride is not supported`);
  if (axes.dilation.some((d) => isKnown(d) && d <= 0)) ctx.invalid(`${name}: dilation should be greater than zero`);
  if (paddingText === null && axes.padLeft.some((p) => isKnown(p) && p < 0)) ctx.invalid(`${name}: negative padding is not supported`);
  if (transposed) {
    axes.outputPadding.forEach((op, i) => {
      const s = axes.stride[i];
      const d = axes.dilation[i];
      if (isKnown(op) && isKnown(s) && isKnown(d) && op >= s && op >= d) {
        ctx.invalid(`${name}: output padding must be smaller than either stride or dilation, but got output_padding=${op}, stride=${s}, dilation=${d}`);
      }
    });
  }
}

/** Weight shape as PyTorch stores it: (out, in/groups, *k), or (in, out/groups, *k) when transposed. */
function weightShape(cfg: LayerConfig, n: number, transposed: boolean): Dim[] {
  const groups = dimArg(cfg.groups);
  const inC = dimArg(cfg.in_channels);
  const outC = dimArg(cfg.out_channels);
  const perGroup = (c: Dim): Dim => (isKnown(c) && isKnown(groups) && groups > 0 ? Math.floor(c / groups) : dimArg(undefined));
  const divided = isKnown(groups) && groups === 1 ? (transposed ? outC : inC) : perGroup(transposed ? outC : inC);
  const out: Dim[] = transposed ? [inC, divided] : [outC, divided];
  for (const k of dimTuple(cfg.kernel_size, n)) out.push(k);
  return out;
}

/**
 * The weight shape (see lastConfigMemo): the validation and the weights of a construction, and the
 * notation and MAC count of a call, ask in turn. Callers only read it; the weights attribute gets a copy.
 */
const sharedWeightShape: (cfg: LayerConfig, n: number, transposed: boolean) => readonly Dim[] = lastConfigMemo(['groups', 'kernel_size', 'in_channels', 'out_channels'], weightShape);

/** The bias a convolution creates: none when `bias` is False (or None), else one per output channel. */
function convBias(cfg: LayerConfig): Dim[] | null {
  return cfg.bias === false || cfg.bias === null ? null : [dimArg(cfg.out_channels)];
}

/** The weight bank and bias a convolution creates; its parameter count derives from them. */
function convWeights(cfg: LayerConfig, n: number, transposed: boolean): Record<string, Dim[] | null> {
  return { weight: sharedWeightShape(cfg, n, transposed).slice(), bias: convBias(cfg) };
}

function convParams(cfg: LayerConfig, n: number, transposed: boolean): number | null {
  // An undecidable bias (neither True nor False) leaves the count unknown. The count only reads
  // the weight shape: no copy of it.
  if (boolArg(cfg.bias) === null) return null;
  return weightCount({ weight: sharedWeightShape(cfg, n, transposed) as Dim[], bias: convBias(cfg) });
}

function convGeometry(cfg: LayerConfig, n: number, transposed: boolean): Geometry | null {
  const axes = convAxes(cfg, n);
  const kernel = knownInts(axes.kernel.map((d) => (isKnown(d) ? d : null)));
  const stride = knownInts(axes.stride.map((d) => (isKnown(d) ? d : null)));
  const dilation = knownInts(axes.dilation.map((d) => (isKnown(d) ? d : null)));
  const padding = knownInts(axes.padLeft.map((d) => (isKnown(d) ? d : null)));
  if (!kernel || !stride || !dilation || !padding) return null;
  const groups = dimArg(cfg.groups);
  const geometry: Geometry = { kind: transposed ? 'convTranspose' : 'conv', kernel, stride, padding, dilation };
  if (isKnown(groups)) geometry.groups = groups;
  if (transposed) {
    const outputPadding = knownInts(intTuple(cfg.output_padding, n));
    if (outputPadding) geometry.outputPadding = outputPadding;
  }
  return geometry;
}

function convSpec(n: 1 | 2 | 3, transposed: boolean): LayerSpec {
  const name = `${transposed ? 'ConvTranspose' : 'Conv'}${n}d`;
  const signature: ParamSpec[] = transposed
    ? [
        { name: 'in_channels' },
        { name: 'out_channels' },
        { name: 'kernel_size' },
        { name: 'stride', default: 1 },
        { name: 'padding', default: 0 },
        { name: 'output_padding', default: 0 },
        { name: 'groups', default: 1 },
        { name: 'bias', default: true },
        { name: 'dilation', default: 1 },
        { name: 'padding_mode', default: 'zeros' },
        { name: 'device', default: null },
        { name: 'dtype', default: null },
      ]
    : [
        { name: 'in_channels' },
        { name: 'out_channels' },
        { name: 'kernel_size' },
        { name: 'stride', default: 1 },
        { name: 'padding', default: 0 },
        { name: 'dilation', default: 1 },
        { name: 'groups', default: 1 },
        { name: 'bias', default: true },
        { name: 'padding_mode', default: 'zeros' },
        { name: 'device', default: null },
        { name: 'dtype', default: null },
      ];
  const names = axisNames(n);

  const spec: LayerSpec = {
    name,
    framework: 'pytorch',
    family: 'conv',
    signature,
    weights: (cfg) => convWeights(cfg, n, transposed),
    // PyTorch keeps a convolution's sizes as tuples (`conv.kernel_size == (3, 3)`).
    storedAttributes(cfg) {
      const stored: Record<string, ConfigValue> = {};
      for (const key of ['kernel_size', 'stride', 'dilation', 'output_padding']) if (key in cfg) stored[key] = dimTuple(cfg[key], n);
      if ('padding' in cfg && typeof cfg.padding !== 'string') stored.padding = dimTuple(cfg.padding, n);
      return stored;
    },
    inputLayout: (cfg) => channelsFirstLayout(n, cfg.in_channels, true),
    inputSize: { param: 'in_channels', axis: 'channel', spatial: n },
    outputSize: 'out_channels',
    validate: (cfg, ctx) => validateConv(name, n, transposed, cfg, ctx),
    forward(cfg, args, kwargs, ctx) {
      const x = tensorArg(args, kwargs, 0, 'input');
      if (!x) return UNKNOWN_VALUE;
      const label = lazyLayerLabel(spec, cfg, ['kernel_size']);
      if (!expectRank(label, x, [n + 1, n + 2], ctx)) return UNKNOWN_VALUE;
      if (!dtypeMay(x, 'float')) ctx.mismatch(`${label()} expects a float input but got a ${x.dtype} tensor`);
      const rank = x.shape.length;
      const channelAxis = rank - n - 1;
      const inC = dimArg(cfg.in_channels);
      const channels = x.shape[channelAxis];
      expectDim(channels, inC, () => `${label()} expects ${formatDim(inC)} input channels but got ${formatDim(channels)} (input ${shapeText(x.shape)})`, ctx);
      const axes = convAxes(cfg, n);
      const spatialIn = x.shape.slice(channelAxis + 1);
      let spatialOut: Dim[];
      if (transposed) {
        spatialOut = spatialIn.map((len, i) =>
          convTransposeOutputLength(len, axes.kernel[i], axes.stride[i], axes.padLeft[i], axes.dilation[i], axes.outputPadding[i]),
        );
        const requested = constArg(args, kwargs, 1, 'output_size');
        if (Array.isArray(requested) && requested.length >= n) {
          spatialOut = requested.slice(requested.length - n).map((v) => dimArg(v));
        }
      } else if (axes.paddingString === 'same') {
        spatialOut = spatialIn;
      } else {
        spatialOut = spatialIn.map((len, i) => convOutputLengthPadded(len, axes.kernel[i], axes.stride[i], axes.padTotal[i], axes.dilation[i]));
      }
      spatialOut.forEach((len, i) => {
        if (isKnown(len) && len <= 0) {
          const padded = formatDim(spatialIn[i]);
          const ek = formatDim(effectiveKernel(axes.kernel[i], axes.dilation[i]));
          ctx.mismatch(
            transposed
              ? `${label()}: output ${names[i]} would be ${len} for input ${names[i]}=${padded}`
              : `${label()}: kernel extent ${ek} along ${names[i]} is larger than the padded input (${padded} + padding ${formatDim(axes.padTotal[i])})`,
          );
        }
      });
      if (spatialOut.some((len) => isKnown(len) && len <= 0)) return UNKNOWN_VALUE;
      return tensorOf([...x.shape.slice(0, channelAxis), dimArg(cfg.out_channels), ...spatialOut]);
    },
    params: (cfg) => convParams(cfg, n, transposed),
    geometry: (cfg) => convGeometry(cfg, n, transposed),
    notation(cfg, inputs, output) {
      const x = firstTensor(inputs[0]);
      const y = firstTensor(output);
      if (!x || !y) return null;
      // The call's axes (computed for its forward and geometry just before): read, not copied.
      const { stride, dilation } = convAxes(cfg, n);
      if (!transposed) return convNotation(x.shape, sharedWeightShape(cfg, n, false), stride, dilation, y.shape);
      // A transposed convolution upsamples by its stride, so the stride is written ×s.
      const upsample = stride.every((s) => s === 1) ? '' : `×${stride.every((s) => formatDim(s) === formatDim(stride[0])) ? dimText(stride[0]) : stride.map(dimText).join('×')}`;
      return `${shapeText(x.shape)} ⊛ᵀ ${shapeText(sharedWeightShape(cfg, n, true))}${upsample}${strideDilationSuffix([], dilation)} → ${shapeText(y.shape)}`;
    },
    formula(cfg, inputs, output) {
      const x = firstTensor(inputs[0]);
      const y = firstTensor(output);
      if (!x || !y || x.shape.length < n + 1 || y.shape.length < n) return null;
      const axes = convAxes(cfg, n);
      const spatialIn = x.shape.slice(x.shape.length - n);
      const spatialOut = y.shape.slice(y.shape.length - n);
      const parts = names.map((axis, i) => {
        const L = dimText(spatialIn[i]);
        const k = dimText(axes.kernel[i]);
        const s = dimText(axes.stride[i]);
        const d = dimText(axes.dilation[i]);
        const p = dimText(axes.padLeft[i]);
        const out = dimText(spatialOut[i]);
        if (transposed) {
          const op = dimText(axes.outputPadding[i]);
          return `${axis}_out = (${L} − 1)·${s} − 2·${p} + ${d}·(${k}−1) + ${op} + 1 = ${out}`;
        }
        if (axes.paddingString === 'same') return `${axis}_out = ${axis} = ${out} (padding='same')`;
        return `${axis}_out = ⌊(${L} + 2·${p} − ${d}·(${k}−1) − 1)/${s}⌋ + 1 = ${out}`;
      });
      return parts.join('; ');
    },
    macs(cfg, inputs, output) {
      const x = firstTensor(inputs[0]);
      const y = firstTensor(output);
      if (!x || !y) return null;
      const w = sharedWeightShape(cfg, n, transposed);
      // Every output element of a convolution costs (in/groups)·prod(k) multiply-accumulates;
      // a transposed convolution scatters each input element into (out/groups)·prod(k) outputs.
      const perElement = productDim(w.slice(1));
      return knownProduct([transposed ? productDim(x.shape) : productDim(y.shape), perElement]);
    },
  };
  return spec;
}

/** The conv family's entries. */
export const convSpecs: readonly LayerSpec[] = [
  convSpec(1, false),
  convSpec(2, false),
  convSpec(3, false),
  convSpec(1, true),
  convSpec(2, true),
  convSpec(3, true),
];
