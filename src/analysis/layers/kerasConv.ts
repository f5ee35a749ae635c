// Convolutions, poolings and the spatial resizing layers (padding, up-sampling, cropping) of
// Keras and tfjs, written once in Keras's spelling. Tensors are channels-last unless the layer's
// data_format says otherwise; kernels print in Keras's storage order (kh, kw, C_in, filters).

import { addDim, formatDim, formatShape, isKnown, isUnknown, mulDim, productDim, subDim, symDim, unknownDim, type Dim } from '../shapes';
import { convNotation, poolNotation, strideDilationSuffix } from '../notation';
import type { Geometry } from '../types';
import type { InputLayout, LayerConfig, LayerValue, ParamSpec } from './layerSpec';
import { convParameters } from './parameterFormulas';
import { effectiveKernel } from './convArithmetic';
import { axisNames, dimArg, intArg, tensorOf, UNKNOWN_VALUE } from './ruleHelpers';
import {
  assemble,
  exact,
  expectNdim,
  firstInput,
  flag,
  intsArg,
  kerasConvLength,
  kerasDeconvLength,
  layoutAxes,
  paddingMode,
  samePaddingBefore,
  sumCounts,
  timesText,
  tupleArg,
  type KerasCall,
  type KerasLayerDef,
} from './kerasDefinitions';

type View = Omit<KerasCall, 'ctx'>;

const DIM_SUFFIX = ['1D', '2D', '3D'];

function layoutText(rank: number, first: boolean): string {
  const names = axisNames(rank);
  return first ? `(N,C,${names.join(',')})` : `(N,${names.join(',')},C)`;
}

function tupleDefault(n: number, v: number): number | number[] {
  return n === 1 ? v : Array.from({ length: n }, () => v);
}

/** Reads kernel, strides and dilation of a sliding-window layer. */
export function windowOf(cfg: LayerConfig, n: number, kernelKey: string): { kernel: Dim[]; strides: Dim[]; dilation: Dim[] } {
  const kernel = tupleArg(cfg[kernelKey], n);
  const stridesGiven = cfg.strides;
  // Pools default their strides to the pool size.
  const strides = stridesGiven === null || stridesGiven === undefined ? kernel : tupleArg(stridesGiven, n);
  const dilation = cfg.dilation_rate === undefined ? kernel.map(() => 1 as Dim) : tupleArg(cfg.dilation_rate, n);
  return { kernel, strides, dilation };
}

/** Validates the window arguments; Keras rejects strides > 1 combined with dilation > 1. */
function checkWindow(call: KerasCall, kernel: Dim[], strides: Dim[], dilation: Dim[], kernelKey: string): void {
  const bad = (xs: Dim[]) => xs.some((x) => isKnown(x) && x <= 0);
  if (bad(kernel)) call.ctx.invalid(`${call.label}: ${kernelKey} must be positive, got ${timesText(kernel)}`);
  if (bad(strides)) call.ctx.invalid(`${call.label}: strides must be positive, got ${timesText(strides)}`);
  if (bad(dilation)) call.ctx.invalid(`${call.label}: dilation_rate must be positive, got ${timesText(dilation)}`);
  const strided = strides.some((s) => isKnown(s) && s > 1);
  const dilated = dilation.some((d) => isKnown(d) && d > 1);
  if (strided && dilated) call.ctx.invalid(`${call.label}: strides > 1 cannot be combined with dilation_rate > 1 (strides ${timesText(strides)}, dilation_rate ${timesText(dilation)})`);
}

/**
 * Output sizes of a sliding window, with a finding when the (dilated) window does not fit a
 * 'valid' input: that is tfjs's "negative dimension" error, explained in sizes.
 */
export function slide(call: KerasCall, spatial: Dim[], kernel: Dim[], strides: Dim[], dilation: Dim[], padding: string, what: string): Dim[] {
  const names = axisNames(spatial.length);
  const out = spatial.map((len, i) => kerasConvLength(len, kernel[i], strides[i], dilation[i], padding));
  const tooSmall = out.map((d, i) => (isKnown(d) && d <= 0 ? i : -1)).filter((i) => i >= 0);
  if (tooSmall.length > 0) {
    const keff = kernel.map((k, i) => effectiveKernel(k, dilation[i]));
    const dilated = dilation.some((d) => d !== 1) ? ` (dilated to ${timesText(keff)})` : '';
    const axes = tooSmall.map((i) => `${names[i]}: ${formatDim(spatial[i])} < ${formatDim(keff[i])}`).join(', ');
    call.ctx.mismatch(
      `${call.label} ${what} ${timesText(kernel)}${dilated} is larger than its ${timesText(spatial)} input with padding '${padding}' (${axes}); the output would be empty`,
    );
    return out.map((d) => (isKnown(d) && d <= 0 ? unknownDim() : d));
  }
  return out;
}

function geometryOf(kind: Geometry['kind'], cfg: LayerConfig, inputs: LayerValue[], n: number, kernelKey: string, fw: KerasCall['fw']): Geometry | null {
  const input = firstInput(inputs);
  const { kernel, strides, dilation } = windowOf(cfg, n, kernelKey);
  const k = kernel.map(intArg);
  const s = strides.map(intArg);
  const d = dilation.map(intArg);
  if (k.includes(null) || s.includes(null) || d.includes(null)) return null;
  let padding = paddingMode(cfg) ?? 'valid';
  // tfjs computes causal convolutions' sizes as 'valid' (see convForward).
  if (padding === 'causal' && fw === 'tfjs') padding = 'valid';
  const spatial = input && input.shape.length === n + 2 ? layoutAxes(cfg, n + 2).spatial.map((a) => input.shape[a]) : null;
  const pads = (k as number[]).map((kk, i) => {
    const keff = kk + (kk - 1) * ((d[i] as number) - 1);
    if (padding === 'causal') return keff - 1;
    if (padding === 'same') return samePaddingBefore(spatial ? spatial[i] : unknownDim(), keff, s[i] as number);
    if (padding === 'full') return keff - 1;
    return 0;
  });
  const g: Geometry = { kind, kernel: k as number[], stride: s as number[], padding: pads, dilation: d as number[] };
  if (padding === 'causal') g.causal = true;
  return g;
}

function lengthFormula(names: string[], spatial: Dim[], kernel: Dim[], strides: Dim[], dilation: Dim[], out: Dim[], padding: string): string {
  return spatial
    .map((len, i) => {
      const keff = effectiveKernel(kernel[i], dilation[i]);
      const body =
        padding === 'same' || padding === 'causal'
          ? `⌈${formatDim(len)}/${formatDim(strides[i])}⌉`
          : `⌈(${formatDim(len)} − ${formatDim(keff)} + 1)/${formatDim(strides[i])}⌉`;
      return `${names[i]}_out = ${body} = ${formatDim(out[i])}`;
    })
    .join('; ');
}

function spatialOf(call: View, inputs: LayerValue[], n: number): { spatial: Dim[]; channels: Dim; batch: Dim } | null {
  const input = firstInput(inputs);
  if (!input || input.shape.length !== n + 2) return null;
  const { spatial, channel } = layoutAxes(call.cfg, n + 2);
  return { spatial: spatial.map((a) => input.shape[a]), channels: input.shape[channel], batch: input.shape[0] };
}

function outShape(output: LayerValue): Dim[] | null {
  return output.kind === 'tensor' ? output.shape : null;
}

// ---- Convolutions ----

type ConvKind = 'conv' | 'transpose' | 'depthwise' | 'separable';

function convSignature(kind: ConvKind, n: number): ParamSpec[] {
  const one = tupleDefault(n, 1);
  const head: ParamSpec[] = kind === 'depthwise' ? [] : [{ name: 'filters' }];
  const common: ParamSpec[] = [...head, { name: 'kernel_size' }, { name: 'strides', default: one }, { name: 'padding', default: 'valid' }];
  if (kind === 'transpose') common.push({ name: 'output_padding', default: null });
  if (kind === 'depthwise') common.push({ name: 'depth_multiplier', default: 1 });
  common.push({ name: 'data_format', default: null }, { name: 'dilation_rate', default: one });
  if (kind === 'separable') common.push({ name: 'depth_multiplier', default: 1 });
  if (kind === 'conv') common.push({ name: 'groups', default: 1 });
  common.push({ name: 'activation', default: null }, { name: 'use_bias', default: true });
  return common;
}

function convForward(kind: ConvKind, n: number) {
  return (call: KerasCall, inputs: LayerValue[]): LayerValue => {
    const input = firstInput(inputs);
    if (!input) return UNKNOWN_VALUE;
    if (!expectNdim(call, input, n + 2, layoutText(n, call.cfg.data_format === 'channels_first'))) return UNKNOWN_VALUE;
    const { spatial: axes, channel } = layoutAxes(call.cfg, n + 2);
    const spatial = axes.map((a) => input.shape[a]);
    const cin = input.shape[channel];
    if (call.fw === 'tfjs' && isUnknown(cin)) {
      // In a tfjs model an open size is tfjs's own undefined (a Reshape's -1, a null in inputShape), and its convolutions build their kernels from the channel count.
      call.ctx.mismatch(`${call.label}: tfjs needs the channel size of its input to be known but got ${formatShape(input.shape)} ("The channel dimension of the input should be defined")`);
      return UNKNOWN_VALUE;
    }
    const { kernel, strides, dilation } = windowOf(call.cfg, n, 'kernel_size');
    checkWindow(call, kernel, strides, dilation, 'kernel_size');
    let padding = paddingMode(call.cfg);
    if (padding === null) {
      call.ctx.invalid(`${call.label}: padding must be 'valid' or 'same', got ${JSON.stringify(call.cfg.padding)}`);
      padding = 'valid';
    }
    if (padding === 'causal' && (n !== 1 || kind === 'transpose')) {
      call.ctx.invalid(`${call.label}: padding 'causal' is only supported by 1-D convolutions`);
    }
    if (padding === 'causal' && call.fw === 'tfjs') {
      // tfjs-layers accepts 'causal' but builds it as 'valid' and throws NotImplementedError when run.
      call.ctx.invalid(
        `${call.label}: tfjs does not implement padding 'causal' (the model builds with 'valid' output sizes and predict() throws NotImplementedError); use 'same' or 'valid' in tfjs`,
      );
      padding = 'valid';
    }
    const filters = kind === 'depthwise' ? mulDim(cin, dimArg(call.cfg.depth_multiplier)) : dimArg(call.cfg.filters);
    if (kind !== 'depthwise' && ((isKnown(filters) && filters <= 0) || typeof call.cfg.filters === 'string')) {
      call.ctx.invalid(`${call.label}: filters must be a positive integer, got ${JSON.stringify(call.cfg.filters)}`);
    }
    if (kind === 'conv') {
      const groups = intArg(call.cfg.groups) ?? 1;
      if (groups > 1 && isKnown(cin) && cin % groups !== 0) {
        call.ctx.invalid(`${call.label}: the input's ${cin} channels are not divisible by groups=${groups}`);
      }
      const f = intArg(call.cfg.filters);
      if (groups > 1 && f !== null && f % groups !== 0) call.ctx.invalid(`${call.label}: filters=${f} is not divisible by groups=${groups}`);
    }
    let out: Dim[];
    if (kind === 'transpose') {
      const op = call.cfg.output_padding;
      const opad = op === null || op === undefined ? null : tupleArg(op, n);
      out = spatial.map((len, i) => kerasDeconvLength(len, kernel[i], strides[i], dilation[i], padding!, opad ? opad[i] : null));
    } else {
      out = slide(call, spatial, kernel, strides, dilation, padding, 'kernel');
    }
    return tensorOf(assemble(call.cfg, input.shape[0], out, filters), input.dtype);
  };
}

function convParams(kind: ConvKind, n: number) {
  return (call: View, inputs: LayerValue[]): number | null => {
    const io = spatialOf(call, inputs, n);
    if (!io) return null;
    const kernel = tupleArg(call.cfg.kernel_size, n);
    const kprod = productDim(kernel);
    const cin = io.channels;
    const bias = flag(call.cfg, 'use_bias', true);
    const filters = dimArg(call.cfg.filters);
    if (kind === 'depthwise') {
      const out = mulDim(cin, dimArg(call.cfg.depth_multiplier));
      return sumCounts(exact(mulDim(kprod, out)), bias ? exact(out) : 0);
    }
    if (kind === 'separable') {
      const mid = mulDim(cin, dimArg(call.cfg.depth_multiplier));
      return sumCounts(exact(mulDim(kprod, mid)), exact(mulDim(mid, filters)), bias ? exact(filters) : 0);
    }
    const groups = kind === 'conv' ? intArg(call.cfg.groups) ?? 1 : 1;
    const perGroup = isKnown(cin) ? cin / groups : unknownDim();
    return exact(convParameters(kernel, perGroup, filters, bias));
  };
}

/** The kernel in Keras's storage order: (k…, C_in/groups, filters); depthwise (k…, C_in, multiplier). */
function kernelDims(kind: ConvKind, cfg: LayerConfig, n: number, cin: Dim): Dim[] {
  const kernel = tupleArg(cfg.kernel_size, n);
  const filters = dimArg(cfg.filters);
  if (kind === 'depthwise' || kind === 'separable') return [...kernel, cin, dimArg(cfg.depth_multiplier)];
  // Transposed kernels are stored (k…, filters, C_in).
  if (kind === 'transpose') return [...kernel, filters, cin];
  const groups = intArg(cfg.groups) ?? 1;
  return [...kernel, isKnown(cin) ? cin / groups : cin, filters];
}

/**
 * tfjs-layers has no `groups` and ignores `dilationRate` in transposed convolutions: its view of
 * the config, so that shapes and counts are what tfjs computes.
 */
function asFrameworkSees<T extends View>(kind: ConvKind, call: T): T {
  if (call.fw !== 'tfjs') return call;
  const cfg: LayerConfig = { ...call.cfg, groups: 1 };
  if (kind === 'transpose') cfg.dilation_rate = 1;
  return { ...call, cfg };
}

function convDef(kind: ConvKind, n: number): KerasLayerDef {
  const def = convDefKeras(kind, n);
  return {
    ...def,
    forward: (call, inputs, kwargs) => {
      if (call.fw === 'tfjs' && (intArg(call.cfg.groups) ?? 1) !== 1) call.ctx.gap(`${call.label}: tfjs has no grouped convolutions and ignores groups`);
      return def.forward(asFrameworkSees(kind, call), inputs, kwargs);
    },
    params: (call, inputs) => def.params(asFrameworkSees(kind, call), inputs),
    geometry: (call, inputs) => def.geometry!(asFrameworkSees(kind, call), inputs),
    notation: (call, inputs, output) => def.notation!(asFrameworkSees(kind, call), inputs, output),
    formula: (call, inputs, output) => def.formula!(asFrameworkSees(kind, call), inputs, output),
    macs: (call, inputs, output) => def.macs!(asFrameworkSees(kind, call), inputs, output),
  };
}

/**
 * Multiply-accumulates: each output element of a convolution reads prod(k)·C_in/groups inputs; a
 * transposed convolution scatters each input element over prod(k)·filters outputs; depthwise
 * costs prod(k) per output and separable adds its pointwise C_in·multiplier per output.
 */
function convMacs(kind: ConvKind, n: number) {
  return (call: View, inputs: LayerValue[], output: LayerValue): number | null => {
    const io = spatialOf(call, inputs, n);
    const input = firstInput(inputs);
    if (!io || !input || output.kind !== 'tensor') return null;
    const kprod = productDim(tupleArg(call.cfg.kernel_size, n));
    const outputs = productDim(output.shape);
    if (kind === 'transpose') return exact(mulDim(mulDim(productDim(input.shape), kprod), dimArg(call.cfg.filters)));
    if (kind === 'depthwise') return exact(mulDim(outputs, kprod));
    if (kind === 'separable') {
      const mid = mulDim(io.channels, dimArg(call.cfg.depth_multiplier));
      const { spatial } = layoutAxes(call.cfg, n + 2);
      const depthwiseOutputs = mulDim(productDim([io.batch, ...spatial.map((a) => output.shape[a])]), mid);
      return sumCounts(exact(mulDim(depthwiseOutputs, kprod)), exact(mulDim(outputs, mid)));
    }
    const groups = intArg(call.cfg.groups) ?? 1;
    const perGroup = isKnown(io.channels) ? io.channels / groups : unknownDim();
    return exact(mulDim(mulDim(outputs, kprod), perGroup));
  };
}

function convDefKeras(kind: ConvKind, n: number): KerasLayerDef {
  const suffix = DIM_SUFFIX[n - 1];
  const base = kind === 'transpose' ? 'Conv' : kind === 'depthwise' ? 'DepthwiseConv' : kind === 'separable' ? 'SeparableConv' : 'Conv';
  const className = `${base}${suffix}${kind === 'transpose' ? 'Transpose' : ''}`;
  const tfjsBase = kind === 'depthwise' ? 'depthwiseConv' : kind === 'separable' ? 'separableConv' : 'conv';
  const tfjsName = `${tfjsBase}${n}d${kind === 'transpose' ? 'Transpose' : ''}`;
  // tfjs-layers 4.x ships conv1d/2d/3d, conv2dTranspose, conv3dTranspose, depthwiseConv2d and separableConv2d.
  const tfjsHas = new Set(['conv1d', 'conv2d', 'conv3d', 'conv2dTranspose', 'conv3dTranspose', 'depthwiseConv2d', 'separableConv2d']);
  const geometryKind: Geometry['kind'] = kind === 'transpose' ? 'convTranspose' : 'conv';
  return {
    className,
    keras: className,
    // Keras exports the long spellings too (`Convolution2D`, `SeparableConvolution2D`, `Convolution2DTranspose`).
    kerasAliases: kind === 'depthwise' ? [] : [className.replace('Conv', 'Convolution')],
    tfjs: tfjsHas.has(tfjsName) ? tfjsName : null,
    family: 'conv',
    inputLayout: (call) => kerasImageLayout(n, call.cfg),
    signature: convSignature(kind, n),
    forward: convForward(kind, n),
    params: convParams(kind, n),
    macs: convMacs(kind, n),
    geometry: (call, inputs) => geometryOf(geometryKind, call.cfg, inputs, n, 'kernel_size', call.fw),
    notation: (call, inputs, output) => {
      const io = spatialOf(call, inputs, n);
      const out = outShape(output);
      const input = firstInput(inputs);
      if (!io || !out || !input) return null;
      const { strides, dilation } = windowOf(call.cfg, n, 'kernel_size');
      const kernel = kernelDims(kind, call.cfg, n, io.channels);
      if (kind === 'conv') return convNotation(input.shape, kernel, strides, dilation, out);
      const op = kind === 'transpose' ? '⊛ᵀ' : kind === 'depthwise' ? '⊛ depthwise' : '⊛ separable';
      const pointwise = kind === 'separable' ? `·${formatShape([...kernel.slice(0, n).map(() => 1 as Dim), mulDim(io.channels, dimArg(call.cfg.depth_multiplier)), dimArg(call.cfg.filters)])}` : '';
      return `${formatShape(input.shape)} ${op} ${formatShape(kernel)}${pointwise}${strideDilationSuffix(strides, dilation)} → ${formatShape(out)}`;
    },
    formula: (call, inputs, output) => {
      const io = spatialOf(call, inputs, n);
      const out = outShape(output);
      if (!io || !out) return null;
      const { kernel, strides, dilation } = windowOf(call.cfg, n, 'kernel_size');
      const { spatial } = layoutAxes(call.cfg, n + 2);
      const outSpatial = spatial.map((a) => out[a]);
      const padding = paddingMode(call.cfg) ?? 'valid';
      if (kind === 'transpose') {
        return axisNames(n)
          .map((name, i) => `${name}_out = ${formatDim(io.spatial[i])}·${formatDim(strides[i])} + max(${formatDim(kernel[i])} − ${formatDim(strides[i])}, 0) = ${formatDim(outSpatial[i])}`)
          .join('; ');
      }
      return lengthFormula(axisNames(n), io.spatial, kernel, strides, dilation, outSpatial, padding);
    },
  };
}

/** Keras's image layout for an input of unknown rank: (N, spatial…, C), or (N, C, spatial…) with channels_first. */
function kerasImageLayout(n: number, cfg: LayerConfig): InputLayout {
  const spatial = (n === 1 ? ['L'] : n === 2 ? ['H', 'W'] : ['D', 'H', 'W']).map((a) => symDim(a));
  const shape = cfg.data_format === 'channels_first' ? [symDim('N'), symDim('C'), ...spatial] : [symDim('N'), ...spatial, symDim('C')];
  return { shape, startsField: true };
}

// ---- Pooling ----

function poolDef(op: 'Max' | 'Average', n: number): KerasLayerDef {
  const suffix = DIM_SUFFIX[n - 1];
  const className = `${op}Pooling${suffix}`;
  const tfjsName = `${op === 'Max' ? 'max' : 'average'}Pooling${n}d`;
  const aliases = op === 'Max' ? (n < 3 ? [`maxPool${n}d`] : []) : [`avgPool${n}d`, `avgPooling${n}d`];
  return {
    className,
    keras: className,
    kerasAliases: [`${op === 'Max' ? 'MaxPool' : 'AvgPool'}${suffix}`],
    tfjs: tfjsName,
    tfjsAliases: aliases,
    family: 'pool',
    inputLayout: (call) => kerasImageLayout(n, call.cfg),
    signature: [
      { name: 'pool_size', default: tupleDefault(n, 2) },
      { name: 'strides', default: null },
      { name: 'padding', default: 'valid' },
      { name: 'data_format', default: null },
    ],
    forward: (call, inputs) => {
      const input = firstInput(inputs);
      if (!input) return UNKNOWN_VALUE;
      if (!expectNdim(call, input, n + 2, layoutText(n, call.cfg.data_format === 'channels_first'))) return UNKNOWN_VALUE;
      const { spatial: axes, channel } = layoutAxes(call.cfg, n + 2);
      const { kernel, strides, dilation } = windowOf(call.cfg, n, 'pool_size');
      checkWindow(call, kernel, strides, dilation, 'pool_size');
      const padding = paddingMode(call.cfg) ?? 'valid';
      const out = slide(call, axes.map((a) => input.shape[a]), kernel, strides, dilation, padding, 'window');
      return tensorOf(assemble(call.cfg, input.shape[0], out, input.shape[channel]), input.dtype);
    },
    params: () => 0,
    geometry: (call, inputs) => geometryOf('pool', call.cfg, inputs, n, 'pool_size', call.fw),
    notation: (call, inputs, output) => {
      const input = firstInput(inputs);
      const out = outShape(output);
      if (!input || !out) return null;
      const { kernel, strides } = windowOf(call.cfg, n, 'pool_size');
      return poolNotation(input.shape, op === 'Max' ? 'max' : 'avg', kernel, strides, out);
    },
    formula: (call, inputs, output) => {
      const io = spatialOf(call, inputs, n);
      const out = outShape(output);
      if (!io || !out) return null;
      const { kernel, strides, dilation } = windowOf(call.cfg, n, 'pool_size');
      const { spatial } = layoutAxes(call.cfg, n + 2);
      return lengthFormula(axisNames(n), io.spatial, kernel, strides, dilation, spatial.map((a) => out[a]), paddingMode(call.cfg) ?? 'valid');
    },
  };
}

function globalPoolDef(op: 'Max' | 'Average', n: number): KerasLayerDef {
  const suffix = DIM_SUFFIX[n - 1];
  const className = `Global${op}Pooling${suffix}`;
  const tfjsName = n < 3 ? `global${op}Pooling${n}d` : null;
  return {
    className,
    keras: className,
    kerasAliases: [`Global${op === 'Max' ? 'Max' : 'Avg'}Pool${suffix}`],
    tfjs: tfjsName,
    tfjsAliases: op === 'Max' && n < 3 ? [`globalMaxPool${n}d`] : [],
    family: 'pool',
    signature: [
      { name: 'data_format', default: null },
      { name: 'keepdims', default: false },
    ],
    forward: (call, inputs) => {
      const input = firstInput(inputs);
      if (!input) return UNKNOWN_VALUE;
      if (!expectNdim(call, input, n + 2, layoutText(n, call.cfg.data_format === 'channels_first'))) return UNKNOWN_VALUE;
      const { spatial, channel } = layoutAxes(call.cfg, n + 2);
      if (flag(call.cfg, 'keepdims', false)) {
        return tensorOf(input.shape.map((d, i) => (spatial.includes(i) ? 1 : d)), input.dtype);
      }
      return tensorOf([input.shape[0], input.shape[channel]], input.dtype);
    },
    params: () => 0,
    notation: (call, inputs, output) => {
      const input = firstInput(inputs);
      const out = outShape(output);
      return input && out ? `${formatShape(input.shape)} ${op === 'Max' ? 'max' : 'mean'} over ${axisNames(n).join(',')} → ${formatShape(out)}` : null;
    },
  };
}

// ---- Padding, up-sampling, cropping ----

/** Keras's padding/cropping argument normalised to (before, after) per spatial axis. */
function pairsOf(v: LayerConfig[string], n: number): [Dim, Dim][] {
  if (typeof v === 'number') return Array.from({ length: n }, () => [v, v]);
  if (Array.isArray(v)) {
    if (n === 1 && v.length === 2 && !Array.isArray(v[0])) return [[dimArg(v[0]), dimArg(v[1])]];
    if (v.length === n) {
      return v.map((p) => {
        if (Array.isArray(p) && p.length === 2) return [dimArg(p[0]), dimArg(p[1])];
        const d = dimArg(p);
        return [d, d];
      });
    }
  }
  return Array.from({ length: n }, () => [unknownDim(), unknownDim()]);
}

function resizeDef(kind: 'ZeroPadding' | 'UpSampling' | 'Cropping', n: number): KerasLayerDef {
  const suffix = DIM_SUFFIX[n - 1];
  const className = `${kind}${suffix}`;
  const tfjsName = n === 2 ? (kind === 'ZeroPadding' ? 'zeroPadding2d' : kind === 'UpSampling' ? 'upSampling2d' : 'cropping2D') : null;
  const key = kind === 'ZeroPadding' ? 'padding' : kind === 'UpSampling' ? 'size' : 'cropping';
  const defaultValue =
    kind === 'ZeroPadding' ? (n === 1 ? 1 : tupleDefault(n, 1)) : kind === 'UpSampling' ? tupleDefault(n, 2) : n === 1 ? [1, 1] : Array.from({ length: n }, () => [0, 0]);
  const signature: ParamSpec[] = [{ name: key, default: defaultValue }];
  if (n > 1) signature.push({ name: 'data_format', default: null });
  if (kind === 'UpSampling' && n === 2) signature.push({ name: 'interpolation', default: 'nearest' });
  return {
    className,
    keras: className,
    tfjs: tfjsName,
    family: 'reshaping',
    signature,
    forward: (call, inputs) => {
      const input = firstInput(inputs);
      if (!input) return UNKNOWN_VALUE;
      if (!expectNdim(call, input, n + 2, layoutText(n, call.cfg.data_format === 'channels_first'))) return UNKNOWN_VALUE;
      const { spatial } = layoutAxes(call.cfg, n + 2);
      const shape = [...input.shape];
      if (kind === 'UpSampling') {
        const size = tupleArg(call.cfg.size, n);
        spatial.forEach((a, i) => (shape[a] = mulDim(shape[a], size[i])));
      } else {
        const pairs = pairsOf(call.cfg[key], n);
        spatial.forEach((a, i) => {
          const total = addDim(pairs[i][0], pairs[i][1]);
          shape[a] = kind === 'ZeroPadding' ? addDim(shape[a], total) : subDim(shape[a], total);
        });
        if (kind === 'Cropping') {
          const empty = spatial.filter((a) => isKnown(shape[a]) && (shape[a] as number) <= 0);
          if (empty.length > 0) {
            call.ctx.mismatch(`${call.label} removes ${pairs.map((p) => `${formatDim(addDim(p[0], p[1]))}`).join('×')} from a ${timesText(spatial.map((a) => input.shape[a]))} input; nothing would remain`);
            for (const a of empty) shape[a] = unknownDim();
          }
        }
      }
      return tensorOf(shape, input.dtype);
    },
    params: () => 0,
    // Padding and cropping shift the window; up-sampling repeats each input pixel `size` times.
    geometry: (call) => {
      if (kind === 'UpSampling') {
        const size = intsArg(call.cfg.size, n);
        if (size.includes(null)) return null;
        return { kind: 'convTranspose', kernel: size as number[], stride: size as number[], padding: size.map(() => 0), dilation: size.map(() => 1) };
      }
      const pairs = pairsOf(call.cfg[key], n);
      const before = pairs.map((p) => intArg(p[0]));
      if (before.includes(null)) return null;
      const pad = (before as number[]).map((b) => (kind === 'ZeroPadding' ? b : -b));
      return { kind: 'pool', kernel: pad.map(() => 1), stride: pad.map(() => 1), padding: pad, dilation: pad.map(() => 1) };
    },
  };
}

/** Every convolution, pooling and spatial resizing layer of Keras and tfjs. */
export const kerasConvDefs: KerasLayerDef[] = [
  ...[1, 2, 3].map((n) => convDef('conv', n)),
  ...[1, 2, 3].map((n) => convDef('transpose', n)),
  ...[1, 2].map((n) => convDef('depthwise', n)),
  ...[1, 2].map((n) => convDef('separable', n)),
  ...[1, 2, 3].flatMap((n) => [poolDef('Max', n), poolDef('Average', n)]),
  ...[1, 2, 3].flatMap((n) => [globalPoolDef('Max', n), globalPoolDef('Average', n)]),
  ...[1, 2, 3].flatMap((n) => [resizeDef('ZeroPadding', n), resizeDef('UpSampling', n), resizeDef('Cropping', n)]),
];
