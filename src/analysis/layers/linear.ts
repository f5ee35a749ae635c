// Linear family: Linear, LazyLinear, Bilinear, Identity, and the Linear subclass that
// MultiheadAttention uses for its output projection. A linear layer is the tutorial's
// matrix product on the last axis: (N,D)·(D,2)=(N,2).

import { matmulNotation } from '../notation';
import { addDim, formatDim, isKnown, productDim, type Dim } from '../shapes';
import { type LayerConfig, type LayerContext, type LayerSpec, type LayerValue, type MismatchInput, type TensorArg } from './layerSpec';
import { denseParameters } from './parameterFormulas';
import {
  dtypeMay,
  boolArg,
  checkCountable,
  dimArg,
  expectDim,
  firstTensor,
  isDimObject,
  knownProduct,
  layerLabel,
  lazyLayerLabel,
  textOf,
  type LazyText,
  safeCount,
  shapeText,
  tensorArg,
  tensorOf,
  UNKNOWN_VALUE,
} from './ruleHelpers';

/** Parameter count of a weight of `inF × outF` plus an optional bias; null when symbolic. */
function denseParams(inF: Dim, outF: Dim, bias: boolean | null): number | null {
  if (bias === null) return null;
  const total = denseParameters(inF, outF, bias);
  return typeof total === 'number' ? safeCount(total) : null;
}

/** Applies a matrix of `inF → outF` to the last axis of `x`, reporting a certain feature mismatch. */
function applyDense(label: LazyText, x: TensorArg, inF: Dim, outF: Dim, ctx: LayerContext): LayerValue {
  if (x.shape.length === 0) {
    ctx.mismatch(`${textOf(label)} expects at least a 1-D input but got a scalar`);
    return UNKNOWN_VALUE;
  }
  if (!dtypeMay(x, 'float')) ctx.mismatch(`${textOf(label)} expects a float input but got a ${x.dtype} tensor`);
  const last = x.shape[x.shape.length - 1];
  expectDim(last, inF, () => `${textOf(label)} expects ${formatDim(inF)} input features but got ${formatDim(last)}`, ctx);
  return tensorOf([...x.shape.slice(0, -1), outF]);
}

function denseNotation(inputs: LayerValue[], output: LayerValue, inF: Dim, outF: Dim): string | null {
  const x = firstTensor(inputs[0]);
  const y = firstTensor(output);
  if (!x || !y) return null;
  return matmulNotation(x.shape, [inF, outF], y.shape);
}

function denseMacs(inputs: LayerValue[], inF: Dim, outF: Dim): number | null {
  const x = firstTensor(inputs[0]);
  if (!x || x.shape.length === 0) return null;
  return knownProduct([...x.shape.slice(0, -1), inF, outF]);
}

function denseFormula(cfg: LayerConfig, inputs: LayerValue[], output: LayerValue, inF: Dim, outF: Dim): string | null {
  const x = firstTensor(inputs[0]);
  const y = firstTensor(output);
  if (!x || !y) return null;
  const bias = boolArg(cfg.bias) !== false;
  const params = denseParams(inF, outF, bias);
  const count = `${formatDim(inF)}·${formatDim(outF)}${bias ? ` + ${formatDim(outF)}` : ''}`;
  return `y = x·W${bias ? ' + b' : ''}: ${shapeText(x.shape)}·${shapeText([inF, outF])} = ${shapeText(y.shape)}; params ${count}${params !== null ? ` = ${params}` : ''}`;
}

const LINEAR_SIGNATURE = [
  { name: 'in_features' },
  { name: 'out_features' },
  { name: 'bias', default: true },
  { name: 'device', default: null },
  { name: 'dtype', default: null },
];

/**
 * A feature mismatch in the words of the matrix product it is: `(N,64)·(32,2): inner dimensions
 * 64 ≠ 32 — Linear(32, 2) expects 32 features but fc1 (line 12) gives 64`.
 */
function linearMismatch(name: string, cfg: LayerConfig, input: MismatchInput): string | null {
  const inF = cfg.in_features;
  const last = input.last;
  if (typeof inF !== 'number' || last === null || !isKnown(last) || last === inF) return null;
  const outF = cfg.out_features;
  // A half-typed constructor may leave out_features as None or a non-dimension.
  const outLabel = typeof outF === 'number' ? String(outF) : outF !== undefined && isDimObject(outF) ? formatDim(outF) : '?';
  const by = input.source ? `${input.source} gives ${last}` : `the input has ${last}`;
  return `${input.shapeText}·(${inF},${typeof outF === 'number' ? outF : '?'}): inner dimensions ${last} ≠ ${inF} — ${name}(${inF}, ${outLabel}) expects ${inF} features but ${by}`;
}

function linearSpec(name: string): LayerSpec {
  const spec: LayerSpec = {
    name,
    framework: 'pytorch',
    weights: (cfg) => ({ weight: [dimArg(cfg.out_features), dimArg(cfg.in_features)], bias: cfg.bias === false || cfg.bias === null ? null : [dimArg(cfg.out_features)] }),
    mismatchMessage: (cfg, input) => linearMismatch(name, cfg, input),
    family: 'linear',
    inputSize: { param: 'in_features', axis: 'last' },
    outputSize: 'out_features',
    signature: LINEAR_SIGNATURE,
    validate(cfg, ctx) {
      for (const key of ['in_features', 'out_features']) {
        const v = dimArg(cfg[key]);
        if (typeof v === 'number' && v < 0) ctx.invalid(`${name}: ${key} must be non-negative but got ${v}`);
      }
      checkCountable(layerLabel(spec, cfg), 'weight', [dimArg(cfg.in_features), dimArg(cfg.out_features)], ctx);
    },
    forward(cfg, args, kwargs, ctx) {
      const x = tensorArg(args, kwargs, 0, 'input');
      if (!x) return UNKNOWN_VALUE;
      return applyDense(lazyLayerLabel(spec, cfg), x, dimArg(cfg.in_features), dimArg(cfg.out_features), ctx);
    },
    params: (cfg) => denseParams(dimArg(cfg.in_features), dimArg(cfg.out_features), boolArg(cfg.bias)),
    notation: (cfg, inputs, output) => denseNotation(inputs, output, dimArg(cfg.in_features), dimArg(cfg.out_features)),
    formula: (cfg, inputs, output) => denseFormula(cfg, inputs, output, dimArg(cfg.in_features), dimArg(cfg.out_features)),
    macs: (cfg, inputs) => denseMacs(inputs, dimArg(cfg.in_features), dimArg(cfg.out_features)),
  };
  return spec;
}

/** The input features of a LazyLinear: the last dim of its first input, once called. */
function lazyInFeatures(inputs: LayerValue[] | undefined): Dim {
  const x = firstTensor(inputs?.[0]);
  return x && x.shape.length > 0 ? x.shape[x.shape.length - 1] : dimArg(undefined);
}

const lazyLinear: LayerSpec = {
  name: 'LazyLinear',
  framework: 'pytorch',
  family: 'linear',
  lazy: true,
  signature: [{ name: 'out_features' }, { name: 'bias', default: true }, { name: 'device', default: null }, { name: 'dtype', default: null }],
  forward(cfg, args, kwargs, ctx) {
    const x = tensorArg(args, kwargs, 0, 'input');
    if (!x) return UNKNOWN_VALUE;
    return applyDense(layerLabel(lazyLinear, cfg), x, lazyInFeatures([x]), dimArg(cfg.out_features), ctx);
  },
  params: (cfg, inputs) => denseParams(lazyInFeatures(inputs), dimArg(cfg.out_features), boolArg(cfg.bias)),
  notation: (cfg, inputs, output) => denseNotation(inputs, output, lazyInFeatures(inputs), dimArg(cfg.out_features)),
  formula: (cfg, inputs, output) => denseFormula(cfg, inputs, output, lazyInFeatures(inputs), dimArg(cfg.out_features)),
  macs: (cfg, inputs) => denseMacs(inputs, lazyInFeatures(inputs), dimArg(cfg.out_features)),
};

const bilinear: LayerSpec = {
  name: 'Bilinear',
  framework: 'pytorch',
  family: 'linear',
  signature: [
    { name: 'in1_features' },
    { name: 'in2_features' },
    { name: 'out_features' },
    { name: 'bias', default: true },
    { name: 'device', default: null },
    { name: 'dtype', default: null },
  ],
  forward(cfg, args, kwargs, ctx) {
    const a = tensorArg(args, kwargs, 0, 'input1');
    const b = tensorArg(args, kwargs, 1, 'input2');
    if (!a || !b) return UNKNOWN_VALUE;
    const label = layerLabel(bilinear, cfg);
    if (a.shape.length === 0 || b.shape.length === 0) {
      ctx.mismatch(`${label} expects inputs of at least 1-D`);
      return UNKNOWN_VALUE;
    }
    const in1 = dimArg(cfg.in1_features);
    const in2 = dimArg(cfg.in2_features);
    const lastA = a.shape[a.shape.length - 1];
    const lastB = b.shape[b.shape.length - 1];
    expectDim(lastA, in1, `${label} expects ${formatDim(in1)} features in input1 but got ${formatDim(lastA)}`, ctx);
    expectDim(lastB, in2, `${label} expects ${formatDim(in2)} features in input2 but got ${formatDim(lastB)}`, ctx);
    const batchA = a.shape.slice(0, -1);
    const batchB = b.shape.slice(0, -1);
    if (batchA.length !== batchB.length) {
      ctx.mismatch(`${label}: input1 ${shapeText(a.shape)} and input2 ${shapeText(b.shape)} must have the same leading dimensions`);
    } else {
      batchA.forEach((d, i) =>
        expectDim(d, batchB[i], `${label}: input1 ${shapeText(a.shape)} and input2 ${shapeText(b.shape)} must have the same leading dimensions`, ctx),
      );
    }
    return tensorOf([...batchA, dimArg(cfg.out_features)]);
  },
  params(cfg) {
    const out = dimArg(cfg.out_features);
    const weight = productDim([out, dimArg(cfg.in1_features), dimArg(cfg.in2_features)]);
    const bias = boolArg(cfg.bias);
    const total = addDim(weight, bias === false ? 0 : out);
    return typeof total === 'number' && bias !== null ? safeCount(total) : null;
  },
  notation(cfg, inputs, output) {
    const a = firstTensor(inputs[0]);
    const b = firstTensor(inputs[1]);
    const y = firstTensor(output);
    if (!a || !b || !y) return null;
    const w = [dimArg(cfg.out_features), dimArg(cfg.in1_features), dimArg(cfg.in2_features)];
    return `${shapeText(a.shape)}·${shapeText(w)}·${shapeText(b.shape)}=${shapeText(y.shape)}`;
  },
  formula(cfg) {
    const out = dimArg(cfg.out_features);
    return `y_k = x1ᵀ·A_k·x2 + b_k for k < ${formatDim(out)}; A: ${shapeText([out, dimArg(cfg.in1_features), dimArg(cfg.in2_features)])}`;
  },
  macs(cfg, inputs) {
    const a = firstTensor(inputs[0]);
    if (!a || a.shape.length === 0) return null;
    return knownProduct([...a.shape.slice(0, -1), dimArg(cfg.out_features), dimArg(cfg.in1_features), dimArg(cfg.in2_features)]);
  },
};

const identity: LayerSpec = {
  name: 'Identity',
  framework: 'pytorch',
  family: 'linear',
  // Identity accepts and ignores any arguments, so that it can stand in for any layer.
  signature: [{ name: 'args', variadic: true, default: [] }],
  forward(_cfg, args, kwargs) {
    return args[0] ?? kwargs.input ?? UNKNOWN_VALUE;
  },
  params: () => 0,
};

/** The linear family's entries. */
export const linearSpecs: readonly LayerSpec[] = [linearSpec('Linear'), linearSpec('NonDynamicallyQuantizableLinear'), lazyLinear, bilinear, identity];
