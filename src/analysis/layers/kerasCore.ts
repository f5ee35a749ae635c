// Core, normalisation, reshaping and merge layers of Keras and tfjs, written once in Keras's
// spelling: Dense, activations, dropouts, Flatten, Reshape, Permute, RepeatVector, Lambda,
// InputLayer, Embedding, BatchNormalization, LayerNormalization, Add/Concatenate and friends.

import { addDim, compareDims, floorDivDim, formatDim, formatShape, isKnown, isUnknown, mulDim, productDim, unknownDim, type Dim } from '../shapes';
import type { ConfigValue, LayerConfig, LayerValue } from './layerSpec';
import { denseParameters } from './parameterFormulas';
import { dimArg, intArg, normaliseAxis, strArg, tensorOf, UNKNOWN_VALUE } from './ruleHelpers';
import {
  exact,
  expectMinNdim,
  firstInput,
  flag,
  inputTensors,
  sumCounts,
  type KerasCall,
  type KerasLayerDef,
} from './kerasDefinitions';

function identityForward(call: KerasCall, inputs: LayerValue[]): LayerValue {
  const input = firstInput(inputs);
  return input ? tensorOf(input.shape, input.dtype) : UNKNOWN_VALUE;
}

/** A shape-preserving layer with no parameters (activations, dropouts, noise). */
function elementwiseDef(className: string, tfjs: string | null, signature: KerasLayerDef['signature'], family = 'activation', keras: string | null = className): KerasLayerDef {
  return { className, keras, tfjs, family, signature, forward: identityForward, params: () => 0 };
}

function axesList(v: ConfigValue | undefined): number[] | null {
  if (typeof v === 'number') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return v as number[];
  return null;
}

const dense: KerasLayerDef = {
  className: 'Dense',
  keras: 'Dense',
  tfjs: 'dense',
  family: 'core',
  signature: [{ name: 'units' }, { name: 'activation', default: null }, { name: 'use_bias', default: true }],
  forward: (call, inputs) => {
    const input = firstInput(inputs);
    if (!input) return UNKNOWN_VALUE;
    if (!expectMinNdim(call, input, 2)) return UNKNOWN_VALUE;
    const units = dimArg(call.cfg.units);
    if ((isKnown(units) && units <= 0) || typeof call.cfg.units === 'string' || typeof call.cfg.units === 'boolean') {
      call.ctx.invalid(`${call.label}: units must be a positive integer, got ${JSON.stringify(call.cfg.units)}`);
    }
    return tensorOf([...input.shape.slice(0, -1), units], input.dtype);
  },
  params: (call, inputs) => {
    const input = firstInput(inputs);
    if (!input || input.shape.length < 2) return null;
    const units = dimArg(call.cfg.units);
    const fanIn = input.shape[input.shape.length - 1];
    return exact(denseParameters(fanIn, units, flag(call.cfg, 'use_bias', true)));
  },
  notation: (call, inputs, output) => {
    const input = firstInput(inputs);
    if (!input || output.kind !== 'tensor' || input.shape.length < 2) return null;
    const fanIn = input.shape[input.shape.length - 1];
    return `${formatShape(input.shape)}·${formatShape([fanIn, dimArg(call.cfg.units)])}=${formatShape(output.shape)}`;
  },
  // Every output element is a dot product over the input's last axis.
  macs: (call, inputs, output) => {
    const input = firstInput(inputs);
    if (!input || output.kind !== 'tensor') return null;
    return exact(mulDim(productDim(output.shape), input.shape[input.shape.length - 1]));
  },
  formula: (call, inputs) => {
    const input = firstInput(inputs);
    if (!input || input.shape.length < 2) return null;
    const fanIn = input.shape[input.shape.length - 1];
    const units = dimArg(call.cfg.units);
    const bias = flag(call.cfg, 'use_bias', true);
    const total = sumCounts(exact(mulDim(fanIn, units)), bias ? exact(units) : 0);
    return `y = x·W${bias ? ' + b' : ''}; params = ${formatDim(fanIn)}·${formatDim(units)}${bias ? ` + ${formatDim(units)}` : ''}${total !== null ? ` = ${total}` : ''}`;
  },
};

/** Notation of a layer that only rearranges values: `(N,4,4,8) → (N,128)`. */
const reshapeNotation: KerasLayerDef['notation'] = (_call, inputs, output) => {
  const input = firstInput(inputs);
  return input && output.kind === 'tensor' ? `${formatShape(input.shape)} → ${formatShape(output.shape)}` : null;
};

const flatten: KerasLayerDef = {
  className: 'Flatten',
  keras: 'Flatten',
  tfjs: 'flatten',
  family: 'reshaping',
  signature: [{ name: 'data_format', default: null }],
  forward: (call, inputs) => {
    const input = firstInput(inputs);
    if (!input) return UNKNOWN_VALUE;
    // tfjs's Flatten declares min_ndim 3; Keras 3 also flattens (N, F) and (N,).
    if (call.fw === 'tfjs' && !expectMinNdim(call, input, 3)) return UNKNOWN_VALUE;
    if (call.fw === 'tfjs' && input.shape.slice(1).some(isUnknown)) {
      call.ctx.mismatch(`${call.label}: tfjs needs every non-batch size of its input to be known but got ${formatShape(input.shape)} ("The shape of the input to Flatten is not fully defined")`);
      return UNKNOWN_VALUE;
    }
    if (input.shape.length === 1) return tensorOf([input.shape[0], 1], input.dtype);
    return tensorOf([input.shape[0], productDim(input.shape.slice(1))], input.dtype);
  },
  params: () => 0,
  notation: reshapeNotation,
};

const reshape: KerasLayerDef = {
  className: 'Reshape',
  keras: 'Reshape',
  tfjs: 'reshape',
  family: 'reshaping',
  signature: [{ name: 'target_shape' }],
  forward: (call, inputs) => {
    const input = firstInput(inputs);
    if (!input) return UNKNOWN_VALUE;
    const target = call.cfg.target_shape;
    if (!Array.isArray(target)) {
      call.ctx.gap(`${call.label}: target_shape is not a statically known list`);
      return UNKNOWN_VALUE;
    }
    const dims = target.map((d) => dimArg(d));
    const free = dims.map((d, i) => (d === -1 ? i : -1)).filter((i) => i >= 0);
    if (free.length > 1) {
      call.ctx.invalid(`${call.label}: target_shape ${formatShape(dims)} has more than one -1`);
      return UNKNOWN_VALUE;
    }
    const have = productDim(input.shape.slice(1));
    const fixed = productDim(dims.filter((d) => d !== -1));
    if (free.length === 1) {
      if (isKnown(have) && isKnown(fixed) && fixed > 0 && have % fixed !== 0) {
        call.ctx.mismatch(`${call.label}: cannot reshape ${formatShape(input.shape)} (${have} values per sample) into ${formatShape(dims)}: ${have} is not divisible by ${fixed}`);
        return UNKNOWN_VALUE;
      }
      dims[free[0]] = floorDivDim(have, fixed);
      if (call.fw === 'tfjs' && !isKnown(input.shape[0])) {
        // tfjs's Reshape.computeOutputShape gives up on -1 whenever the batch size is unknown.
        call.ctx.gap(
          `${call.label}: tfjs leaves the -1 of targetShape undefined while building the model (the tensors will have ${formatDim(dims[free[0]])} there when run); layers after it that need that size, such as flatten or dense, fail to build — write the size out`,
        );
        dims[free[0]] = unknownDim();
      }
    } else if (compareDims(have, fixed) === 'different') {
      call.ctx.mismatch(`${call.label}: cannot reshape ${formatShape(input.shape)} (${formatDim(have)} values per sample) into ${formatShape(dims)} (${formatDim(fixed)} values)`);
      return tensorOf([input.shape[0], ...dims], input.dtype);
    }
    return tensorOf([input.shape[0], ...dims], input.dtype);
  },
  params: () => 0,
  notation: reshapeNotation,
};

const permute: KerasLayerDef = {
  className: 'Permute',
  keras: 'Permute',
  tfjs: 'permute',
  family: 'reshaping',
  signature: [{ name: 'dims' }],
  forward: (call, inputs) => {
    const input = firstInput(inputs);
    if (!input) return UNKNOWN_VALUE;
    const dims = call.cfg.dims;
    const rest = input.shape.length - 1;
    if (!Array.isArray(dims) || !dims.every((d) => typeof d === 'number')) {
      call.ctx.gap(`${call.label}: dims is not a statically known list`);
      return UNKNOWN_VALUE;
    }
    const order = dims as number[];
    const sorted = [...order].sort((a, b) => a - b);
    if (order.length !== rest || sorted.some((d, i) => d !== i + 1)) {
      call.ctx.mismatch(`${call.label}: dims ${formatShape(order)} must be a permutation of 1..${rest} for the ${rest + 1}-D input ${formatShape(input.shape)}`);
      return UNKNOWN_VALUE;
    }
    return tensorOf([input.shape[0], ...order.map((d) => input.shape[d])], input.dtype);
  },
  params: () => 0,
};

const repeatVector: KerasLayerDef = {
  className: 'RepeatVector',
  keras: 'RepeatVector',
  tfjs: 'repeatVector',
  family: 'reshaping',
  signature: [{ name: 'n' }],
  forward: (call, inputs) => {
    const input = firstInput(inputs);
    if (!input) return UNKNOWN_VALUE;
    if (input.shape.length !== 2) {
      call.ctx.mismatch(`${call.label} expects a 2-D input (N,F) but got ${input.shape.length}-D ${formatShape(input.shape)}`);
      return UNKNOWN_VALUE;
    }
    return tensorOf([input.shape[0], dimArg(call.cfg.n), input.shape[1]], input.dtype);
  },
  params: () => 0,
};

const lambda: KerasLayerDef = {
  className: 'Lambda',
  keras: 'Lambda',
  tfjs: null,
  family: 'core',
  signature: [{ name: 'function' }, { name: 'output_shape', default: null }],
  forward: (call, inputs) => {
    const input = firstInput(inputs);
    const declared = call.cfg.output_shape;
    if (Array.isArray(declared) && input) return tensorOf([input.shape[0], ...declared.map((d) => dimArg(d))], input.dtype);
    call.ctx.gap(`${call.label}: the output shape of an arbitrary function is not inferred statically; pass output_shape=(...) to state it`);
    return UNKNOWN_VALUE;
  },
  params: () => 0,
};

const inputLayer: KerasLayerDef = {
  className: 'InputLayer',
  keras: 'InputLayer',
  tfjs: 'inputLayer',
  family: 'core',
  signature: [
    { name: 'shape', default: null },
    { name: 'batch_size', default: null },
    { name: 'dtype', default: null },
    { name: 'sparse', default: null },
    { name: 'batch_shape', default: null },
  ],
  tfjsKeys: { shape: 'inputShape', batch_shape: 'batchInputShape' },
  forward: identityForward,
  params: () => 0,
};

/**
 * tfjs's Embedding checks `inputLength` (a number, or one size per axis after the batch) against
 * the input it receives and takes the given sizes where the input's are unknown; null when
 * `inputLength` is not given or does not fit (then with a finding, as tfjs throws).
 */
function inputLengths(call: KerasCall, shape: readonly Dim[]): Dim[] | null {
  const given = call.cfg.input_length;
  if (given === null || given === undefined) return null;
  const lengths = Array.isArray(given) ? given : [given];
  const steps = shape.slice(1);
  const clash = lengths.length !== steps.length || lengths.some((l, i) => typeof l === 'number' && isKnown(steps[i]) && l !== steps[i]);
  if (clash) {
    call.ctx.invalid(`${call.label}: inputLength is ${JSON.stringify(given)}, but the input has the shape ${formatShape(shape)}; tfjs throws when the layer is built`);
    return null;
  }
  return steps.map((d, i) => (isKnown(d) ? d : typeof lengths[i] === 'number' ? (lengths[i] as number) : d));
}

const embedding: KerasLayerDef = {
  className: 'Embedding',
  keras: 'Embedding',
  tfjs: 'embedding',
  family: 'core',
  signature: [{ name: 'input_dim' }, { name: 'output_dim' }],
  forward: (call, inputs) => {
    const input = firstInput(inputs);
    if (!input) return UNKNOWN_VALUE;
    const lengths = call.fw === 'tfjs' ? inputLengths(call, input.shape) : null;
    const steps = lengths ?? input.shape.slice(1);
    return tensorOf([input.shape[0], ...steps, dimArg(call.cfg.output_dim)], 'float');
  },
  params: (call) => exact(mulDim(dimArg(call.cfg.input_dim), dimArg(call.cfg.output_dim))),
  formula: (call) => {
    const v = dimArg(call.cfg.input_dim);
    const d = dimArg(call.cfg.output_dim);
    const total = exact(mulDim(v, d));
    return `one row of ${formatDim(d)} per token id < ${formatDim(v)}; params = ${formatDim(v)}·${formatDim(d)}${total !== null ? ` = ${total}` : ''}`;
  },
  notation: (call, inputs, output) => {
    const input = firstInput(inputs);
    if (!input || output.kind !== 'tensor') return null;
    return `${formatShape(input.shape)} ↦ rows of ${formatShape([dimArg(call.cfg.input_dim), dimArg(call.cfg.output_dim)])} → ${formatShape(output.shape)}`;
  },
};

/** Sizes of the normalised axes, or null when the axis argument or the input is not known. */
function normalisedSizes(call: Omit<KerasCall, 'ctx'>, inputs: LayerValue[]): Dim[] | null {
  const input = firstInput(inputs);
  const axes = axesList(call.cfg.axis);
  if (!input || !axes) return null;
  const sizes: Dim[] = [];
  for (const a of axes) {
    const i = normaliseAxis(a, input.shape.length);
    if (i === null) return null;
    sizes.push(input.shape[i]);
  }
  return sizes;
}

function checkAxes(call: KerasCall, inputs: LayerValue[]): LayerValue {
  const input = firstInput(inputs);
  if (!input) return UNKNOWN_VALUE;
  const axes = axesList(call.cfg.axis);
  if (axes) {
    for (const a of axes) {
      if (normaliseAxis(a, input.shape.length) === null) {
        call.ctx.mismatch(`${call.label}: axis ${a} is out of range for the ${input.shape.length}-D input ${formatShape(input.shape)}`);
      }
    }
  }
  return tensorOf(input.shape, input.dtype);
}

const batchNormalization: KerasLayerDef = {
  className: 'BatchNormalization',
  keras: 'BatchNormalization',
  tfjs: 'batchNormalization',
  family: 'normalization',
  signature: [
    { name: 'axis', default: -1 },
    { name: 'momentum', default: 0.99 },
    { name: 'epsilon', default: 0.001 },
    { name: 'center', default: true },
    { name: 'scale', default: true },
  ],
  forward: checkAxes,
  // gamma and beta are trainable; the moving mean and variance are not, but summary() counts them.
  params: (call, inputs) => {
    const sizes = normalisedSizes(call, inputs);
    if (!sizes) return null;
    const per = 2 + (flag(call.cfg, 'center', true) ? 1 : 0) + (flag(call.cfg, 'scale', true) ? 1 : 0);
    return exact(mulDim(productDim(sizes), per));
  },
  formula: (call, inputs) => {
    const sizes = normalisedSizes(call, inputs);
    return sizes ? `y = γ·(x − μ)/√(σ² + ε) + β over C = ${formatShape(sizes).slice(1, -1)}; params = 4·C (γ, β trainable; μ, σ² moving)` : null;
  },
};

const layerNormalization: KerasLayerDef = {
  className: 'LayerNormalization',
  keras: 'LayerNormalization',
  tfjs: 'layerNormalization',
  family: 'normalization',
  signature: [
    { name: 'axis', default: -1 },
    { name: 'epsilon', default: 0.001 },
    { name: 'center', default: true },
    { name: 'scale', default: true },
  ],
  forward: checkAxes,
  params: (call, inputs) => {
    const sizes = normalisedSizes(call, inputs);
    if (!sizes) return null;
    const rms = flag(call.cfg, 'rms_scaling', false);
    const per = rms ? 1 : (flag(call.cfg, 'center', true) ? 1 : 0) + (flag(call.cfg, 'scale', true) ? 1 : 0);
    return exact(mulDim(productDim(sizes), per));
  },
};

/**
 * Keras's Normalization (keras/src/layers/preprocessing/normalization.py, `build`): without given
 * `mean`/`variance` it adds the weights `mean` and `variance` over the kept axes and a scalar
 * `count`, none trainable, all counted by summary(); tfjs-layers has no such layer.
 */
const normalization: KerasLayerDef = {
  className: 'Normalization',
  keras: 'Normalization',
  tfjs: null,
  family: 'preprocessing',
  signature: [
    { name: 'axis', default: -1 },
    { name: 'mean', default: null },
    { name: 'variance', default: null },
    { name: 'invert', default: false },
  ],
  forward: (call, inputs) => {
    const input = firstInput(inputs);
    if (!input) return UNKNOWN_VALUE;
    return call.cfg.axis === null ? tensorOf(input.shape, 'float') : checkAxes(call, inputs);
  },
  params: (call, inputs) => {
    if (call.cfg.mean !== null && call.cfg.mean !== undefined) return 0;
    if (call.cfg.axis === null) return 3;
    const sizes = normalisedSizes(call, inputs);
    if (!sizes) return null;
    const kept = exact(productDim(sizes));
    return kept === null ? null : 2 * kept + 1;
  },
};

const prelu: KerasLayerDef = {
  className: 'PReLU',
  keras: 'PReLU',
  tfjs: 'prelu',
  family: 'activation',
  signature: [{ name: 'alpha_initializer', default: 'zeros' }, { name: 'alpha_regularizer', default: null }, { name: 'alpha_constraint', default: null }, { name: 'shared_axes', default: null }],
  forward: identityForward,
  // One slope per input element, except along shared axes.
  params: (call, inputs) => {
    const input = firstInput(inputs);
    if (!input) return null;
    const shared = new Set(axesList(call.cfg.shared_axes) ?? []);
    const dims = input.shape.slice(1).map((d, i) => (shared.has(i + 1) ? 1 : d));
    return exact(productDim(dims));
  },
};

// ---- Merge layers ----

type MergeOp = 'Add' | 'Subtract' | 'Multiply' | 'Average' | 'Maximum' | 'Minimum';

const MERGE_SYMBOL: Record<MergeOp, string> = { Add: '+', Subtract: '−', Multiply: '⊙', Average: 'avg', Maximum: 'max', Minimum: 'min' };

/**
 * Keras's element-wise merge shape: right-aligned, a 1 broadcasts, any other difference is an
 * error that names both shapes and every axis where they disagree.
 */
function broadcastMerge(call: KerasCall, shapes: Dim[][]): Dim[] | null {
  let out = shapes[0];
  for (const next of shapes.slice(1)) {
    const rank = Math.max(out.length, next.length);
    const a = [...Array<Dim>(rank - out.length).fill(1), ...out];
    const b = [...Array<Dim>(rank - next.length).fill(1), ...next];
    const merged: Dim[] = [];
    const clashes: string[] = [];
    for (let i = 0; i < rank; i++) {
      if (a[i] === 1) merged.push(b[i]);
      else if (b[i] === 1) merged.push(a[i]);
      else {
        if (compareDims(a[i], b[i]) === 'different') clashes.push(`axis ${i}: ${formatDim(a[i])} ≠ ${formatDim(b[i])}`);
        merged.push(isUnknown(a[i]) ? b[i] : a[i]);
      }
    }
    if (clashes.length > 0) {
      call.ctx.mismatch(`${call.label} cannot combine ${formatShape(out)} and ${formatShape(next)}: ${clashes.join(', ')} (only equal sizes or 1 broadcast)`);
      return null;
    }
    out = merged;
  }
  return out;
}

function mergeDef(op: MergeOp): KerasLayerDef {
  return {
    className: op,
    keras: op,
    tfjs: op === 'Subtract' ? null : op.toLowerCase(),
    family: 'merge',
    signature: [],
    forward: (call, inputs) => {
      const tensors = inputTensors(inputs);
      if (tensors.length < 2 || (op === 'Subtract' && tensors.length !== 2)) {
        call.ctx.mismatch(`${call.label} expects ${op === 'Subtract' ? 'exactly 2' : 'a list of at least 2'} inputs but got ${tensors.length}`);
        return UNKNOWN_VALUE;
      }
      if (tensors.some((t) => t === null)) return UNKNOWN_VALUE;
      const shape = broadcastMerge(call, tensors.map((t) => t!.shape));
      return shape ? tensorOf(shape, tensors[0]!.dtype) : UNKNOWN_VALUE;
    },
    params: () => 0,
    notation: (call, inputs, output) => {
      const tensors = inputTensors(inputs);
      if (output.kind !== 'tensor' || tensors.some((t) => t === null)) return null;
      return `${tensors.map((t) => formatShape(t!.shape)).join(` ${MERGE_SYMBOL[op]} `)} = ${formatShape(output.shape)}`;
    },
  };
}

/**
 * Dot(axes): the dot product of two tensors along one axis each (keras/src/layers/merging/dot.py,
 * `compute_output_shape`; tfjs-layers' Dot the same): the first shape without its axis, then the
 * second without its batch and its axis; a 1-D result gets a trailing 1.
 */
const dot: KerasLayerDef = {
  className: 'Dot',
  keras: 'Dot',
  tfjs: 'dot',
  family: 'merge',
  signature: [{ name: 'axes' }, { name: 'normalize', default: false }],
  forward: (call, inputs) => {
    const tensors = inputTensors(inputs);
    if (tensors.length !== 2) {
      call.ctx.mismatch(`${call.label} expects a list of 2 inputs but got ${tensors.length}`);
      return UNKNOWN_VALUE;
    }
    const [a, b] = tensors;
    if (!a || !b) return UNKNOWN_VALUE;
    const given = call.cfg.axes;
    const pair = Array.isArray(given) ? given.map((x) => intArg(x)) : [intArg(given), intArg(given)];
    if (pair.length !== 2 || pair.some((x) => x === null)) {
      call.ctx.gap(`${call.label}: the axes are not known statically; the output shape is unknown`);
      return UNKNOWN_VALUE;
    }
    const ax = normaliseAxis(pair[0]!, a.shape.length);
    const bx = normaliseAxis(pair[1]!, b.shape.length);
    if (ax === null || bx === null || ax === 0 || bx === 0) {
      call.ctx.invalid(`${call.label}: axes ${JSON.stringify(given)} are out of range for ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
      return UNKNOWN_VALUE;
    }
    if (compareDims(a.shape[ax], b.shape[bx]) === 'different') {
      call.ctx.mismatch(`${call.label}(axes=${JSON.stringify(given)}) cannot take the dot product of ${formatShape(a.shape)} and ${formatShape(b.shape)}: ${formatDim(a.shape[ax])} ≠ ${formatDim(b.shape[bx])}`);
      return UNKNOWN_VALUE;
    }
    const out = [...a.shape.filter((_, i) => i !== ax), ...b.shape.filter((_, i) => i !== 0 && i !== bx)];
    if (out.length === 1) out.push(1);
    return tensorOf(out, a.dtype);
  },
  params: () => 0,
};

const concatenate: KerasLayerDef = {
  className: 'Concatenate',
  keras: 'Concatenate',
  tfjs: 'concatenate',
  family: 'merge',
  signature: [{ name: 'axis', default: -1 }],
  forward: (call, inputs) => {
    const tensors = inputTensors(inputs);
    if (tensors.length < 2) {
      call.ctx.mismatch(`${call.label} expects a list of at least 2 inputs but got ${tensors.length}`);
      return UNKNOWN_VALUE;
    }
    if (tensors.some((t) => t === null)) return UNKNOWN_VALUE;
    const shapes = tensors.map((t) => t!.shape);
    const rank = shapes[0].length;
    const axisArg = intArg(call.cfg.axis);
    if (shapes.some((s) => s.length !== rank)) {
      call.ctx.mismatch(`${call.label} needs inputs of the same rank but got ${shapes.map(formatShape).join(' and ')}`);
      return UNKNOWN_VALUE;
    }
    if (axisArg === null) {
      // An axis the analysis does not know (computed from unknown configuration) is no error.
      call.ctx.gap(`${call.label}: the axis is not known statically; the output shape is unknown`);
      return UNKNOWN_VALUE;
    }
    const axis = normaliseAxis(axisArg, rank);
    if (axis === null) {
      call.ctx.invalid(`${call.label}: axis ${axisArg} is out of range for ${rank}-D inputs`);
      return UNKNOWN_VALUE;
    }
    const out = [...shapes[0]];
    for (const s of shapes.slice(1)) {
      const clashes: string[] = [];
      s.forEach((d, i) => {
        if (i !== axis && compareDims(d, out[i]) === 'different') clashes.push(`axis ${i}: ${formatDim(out[i])} ≠ ${formatDim(d)}`);
      });
      if (clashes.length > 0) {
        call.ctx.mismatch(
          `${call.label}(axis=${axisArg}) cannot join ${formatShape(shapes[0])} and ${formatShape(s)}: every axis except ${axis} must match (${clashes.join(', ')})`,
        );
        return UNKNOWN_VALUE;
      }
      out[axis] = addDim(out[axis], s[axis]);
    }
    return tensorOf(out, tensors[0]!.dtype);
  },
  params: () => 0,
  notation: (call, inputs, output) => {
    const tensors = inputTensors(inputs);
    if (output.kind !== 'tensor' || tensors.some((t) => t === null)) return null;
    return `${tensors.map((t) => formatShape(t!.shape)).join(' ⧺ ')} = ${formatShape(output.shape)}`;
  },
};

const activationDefs: KerasLayerDef[] = [
  elementwiseDef('Activation', 'activation', [{ name: 'activation' }]),
  elementwiseDef('ReLU', 'reLU', [{ name: 'max_value', default: null }, { name: 'negative_slope', default: 0 }, { name: 'threshold', default: 0 }]),
  elementwiseDef('LeakyReLU', 'leakyReLU', [{ name: 'negative_slope', default: 0.3 }]),
  elementwiseDef('Softmax', 'softmax', [{ name: 'axis', default: -1 }]),
  {
    ...elementwiseDef('ELU', 'elu', [{ name: 'alpha', default: 1 }]),
    forward: (call, inputs) => {
      // tfjs-layers' ELU throws NotImplementedError for any alpha but 1 when it is created.
      if (call.fw === 'tfjs' && typeof call.cfg.alpha === 'number' && call.cfg.alpha !== 1) {
        call.ctx.invalid(`${call.label}: tfjs supports only alpha 1 and throws "Non-default alpha value (${call.cfg.alpha}) is not supported by the ELU layer yet"`);
      }
      return identityForward(call, inputs);
    },
  },
  elementwiseDef('ThresholdedReLU', 'thresholdedReLU', [{ name: 'theta', default: 1 }]),
  elementwiseDef('Dropout', 'dropout', [{ name: 'rate' }, { name: 'noise_shape', default: null }, { name: 'seed', default: null }], 'regularization'),
  elementwiseDef('SpatialDropout1D', 'spatialDropout1d', [{ name: 'rate' }], 'regularization'),
  elementwiseDef('SpatialDropout2D', null, [{ name: 'rate' }, { name: 'data_format', default: null }], 'regularization'),
  elementwiseDef('GaussianNoise', 'gaussianNoise', [{ name: 'stddev' }], 'regularization'),
  elementwiseDef('GaussianDropout', 'gaussianDropout', [{ name: 'rate' }], 'regularization'),
  elementwiseDef('AlphaDropout', 'alphaDropout', [{ name: 'rate' }], 'regularization'),
  elementwiseDef('Masking', 'masking', [{ name: 'mask_value', default: 0 }], 'core'),
  elementwiseDef('Rescaling', 'rescaling', [{ name: 'scale' }, { name: 'offset', default: 0 }], 'preprocessing'),
];

/** The core, normalisation, reshaping and merge layers of Keras and tfjs. */
export const kerasCoreDefs: KerasLayerDef[] = [
  dense,
  ...activationDefs,
  prelu,
  flatten,
  reshape,
  permute,
  repeatVector,
  lambda,
  inputLayer,
  embedding,
  batchNormalization,
  layerNormalization,
  normalization,
  ...(['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum'] as MergeOp[]).map(mergeDef),
  concatenate,
  dot,
];

/** The positive integer `units` style argument of a config, for other family files. */
export function unitsOf(cfg: LayerConfig, key = 'units'): Dim {
  const d = dimArg(cfg[key]);
  return isKnown(d) && d <= 0 ? unknownDim() : d;
}

/** A string argument lower-cased, for flags like merge_mode. */
export function lowerArg(cfg: LayerConfig, key: string): string | null {
  return strArg(cfg[key])?.toLowerCase() ?? null;
}
