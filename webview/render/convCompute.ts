// tfjs computations behind the convolution view: one layer on a small sample input (values shown
// in the grid), the overlap counts of a transposed convolution, and the effective receptive field
// of a stack (Luo et al. 2016) as |∂ output unit / ∂ input| from tf.grad. Every function releases
// its intermediate tensors (tf.tidy) and returns plain arrays.
import { effectiveKernel } from '../../src/analysis/layers/convArithmetic';
import type { Geometry } from '../../src/analysis/types';
import { seededNormals } from './seededRandom';
import { checkTensorSize, tf } from './tfBackend';

/** A 2-D array of numbers, row-major; 1-D data is one row. */
export type Grid = number[][];

/** How a pooling layer combines its window (from the class name). */
export type PoolMode = 'max' | 'avg';

function toGrid(values: Float32Array | Int32Array | Uint8Array, rows: number, cols: number): Grid {
  return Array.from({ length: rows }, (_, r) => Array.from(values.subarray(r * cols, (r + 1) * cols)));
}

/** Inserts dilation − 1 zeros between kernel taps (tfjs refuses dilation together with stride > 1). */
function dilateKernel(kernel: Grid, dilation: readonly number[]): Grid {
  const [dr, dc] = [dilation[0] ?? 1, dilation[1] ?? 1];
  const rows = (kernel.length - 1) * dr + 1;
  const cols = (kernel[0].length - 1) * dc + 1;
  const out = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  kernel.forEach((row, r) => row.forEach((v, c) => (out[r * dr][c * dc] = v)));
  return out;
}

/** Axis padding as [leading, trailing]: symmetric, except causal layers pad the past only. */
function axisPadding(g: Geometry, axis: number): [number, number] {
  return [g.padding[axis] ?? 0, g.causal ? 0 : (g.padding[axis] ?? 0)];
}

/** Expands a 1-D geometry to 2-D with a unit first axis so one code path serves both ranks. */
function as2d(g: Geometry): Geometry {
  if (g.kernel.length === 2) return g;
  return {
    ...g,
    kernel: [1, g.kernel[0]],
    stride: [1, g.stride[0]],
    padding: [0, g.padding[0]],
    dilation: [1, g.dilation[0]],
    outputPadding: g.outputPadding ? [0, g.outputPadding[0]] : undefined,
  };
}

/**
 * Applies one sliding layer to an NHWC tensor with explicit padding, stride and dilation.
 * 1-D layers go through tf.conv1d; 2-D through tf.conv2d / tf.conv2dTranspose / tf.pool.
 */
export function applyLayer(x: tf.Tensor4D, g: Geometry, weights: tf.Tensor4D | null, pool: PoolMode = 'max'): tf.Tensor4D {
  const rank = g.kernel.length;
  const g2 = as2d(g);
  if (g2.kind === 'convTranspose') {
    const w = weights as tf.Tensor4D;
    const [, h, wd] = x.shape;
    const kh = effectiveKernel(g2.kernel[0], g2.dilation[0]);
    const kw = effectiveKernel(g2.kernel[1], g2.dilation[1]);
    const full = [(h - 1) * g2.stride[0] + kh, (wd - 1) * g2.stride[1] + kw];
    const y = tf.conv2dTranspose(x, w, [1, full[0], full[1], w.shape[2]], [g2.stride[0], g2.stride[1]], 'valid');
    // PyTorch's padding crops the full output; output_padding adds zeros at the far end.
    const op = g2.outputPadding ?? [0, 0];
    const extra = tf.pad(y, [[0, 0], [0, Math.max(0, op[0])], [0, Math.max(0, op[1])], [0, 0]]);
    const size = [full[0] - 2 * g2.padding[0] + op[0], full[1] - 2 * g2.padding[1] + op[1]];
    return tf.slice(extra, [0, g2.padding[0], g2.padding[1], 0], [1, Math.max(1, size[0]), Math.max(1, size[1]), -1]);
  }
  const [pt, pb] = axisPadding(g2, 0);
  const [pl, pr] = axisPadding(g2, 1);
  const padded = tf.pad(x, [[0, 0], [pt, pb], [pl, pr], [0, 0]], g2.kind === 'pool' && pool === 'max' ? -1e30 : 0);
  const strides: [number, number] = [g2.stride[0], g2.stride[1]];
  const dilations: [number, number] = [g2.dilation[0], g2.dilation[1]];
  const needsSubsample = (strides[0] > 1 || strides[1] > 1) && (dilations[0] > 1 || dilations[1] > 1);
  let y: tf.Tensor4D;
  if (g2.kind === 'pool') {
    y = tf.pool(padded, [g2.kernel[0], g2.kernel[1]], pool, 'valid', dilations, needsSubsample ? [1, 1] : strides) as tf.Tensor4D;
  } else if (rank === 1) {
    const w3 = tf.squeeze(weights as tf.Tensor4D, [0]) as tf.Tensor3D;
    const seq = tf.squeeze(padded, [1]) as tf.Tensor3D;
    y = tf.expandDims(tf.conv1d(seq, w3, needsSubsample ? 1 : strides[1], 'valid', 'NWC', dilations[1]), 1) as tf.Tensor4D;
  } else {
    y = tf.conv2d(padded, weights as tf.Tensor4D, needsSubsample ? [1, 1] : strides, 'valid', 'NHWC', dilations);
  }
  return needsSubsample ? subsample(y, strides) : y;
}

/**
 * Keeps every stride-th row and column: out[o] = full[o·s]. Built from pad, reshape and slice
 * because tfjs has no gradient for stridedSlice and the effective field differentiates through it.
 */
function subsample(y: tf.Tensor4D, [sr, sc]: [number, number]): tf.Tensor4D {
  const [, h, w, c] = y.shape;
  const rows = Math.ceil(h / sr);
  const cols = Math.ceil(w / sc);
  const padded = tf.pad(y, [[0, 0], [0, rows * sr - h], [0, cols * sc - w], [0, 0]]);
  const grouped = tf.reshape(padded, [1, rows, sr, cols, sc, c]);
  return tf.reshape(tf.slice(grouped, [0, 0, 0, 0, 0, 0], [1, rows, 1, cols, 1, c]), [1, rows, cols, c]);
}

/** Result of one layer on a sample input, as plain numbers. */
export interface ConvRun {
  output: Grid;
  /** Transposed convolutions: how many (input, tap) pairs write each output cell. */
  overlap: Grid | null;
}

/** Runs one layer (one input and one output channel) on `input` with `kernel` through tfjs. */
export function runConvSample(g: Geometry, input: Grid, kernel: Grid, pool: PoolMode = 'max'): ConvRun {
  const rows = input.length;
  const cols = input[0].length;
  checkTensorSize('the sample input', [rows, cols]);
  let result: ConvRun = { output: [], overlap: null };
  tf.tidy(() => {
    const x = tf.tensor4d(input.flat(), [1, rows, cols, 1]);
    const dilation2 = g.kernel.length === 1 ? [1, g.dilation[0]] : g.dilation;
    const transposed = g.kind === 'convTranspose';
    // tf.conv2dTranspose has no dilation argument: a dilated kernel with zeros is the same operator.
    const k = transposed ? dilateKernel(kernel, dilation2) : kernel;
    const geometry = transposed ? { ...g, dilation: g.dilation.map(() => 1) } : g;
    const w = tf.tensor4d(k.flat(), [k.length, k[0].length, 1, 1]);
    const y = applyLayer(x, geometry, w, pool);
    const [, oh, ow] = y.shape;
    const output = toGrid(y.dataSync() as Float32Array, oh, ow);
    let overlap: Grid | null = null;
    if (transposed) {
      const taps = dilateKernel(kernel.map((r) => r.map(() => 1)), dilation2);
      const mask = tf.tensor4d(taps.flat(), w.shape);
      const counts = applyLayer(tf.onesLike(x), geometry, mask);
      overlap = toGrid(counts.dataSync() as Float32Array, oh, ow);
    }
    result = { output, overlap };
  });
  return result;
}

/** One layer of a stack for the effective field, with its class-derived pooling mode. */
export interface StackLayer {
  geometry: Geometry;
  pool: PoolMode;
}

/** The effective receptive field of one output unit of a stack. */
export interface EffectiveField {
  inputSize: number[];
  outputSize: number[];
  /** |∂ y[unit] / ∂ x| summed over channels, row-major over the input. */
  magnitude: Float32Array;
  /** The output values of the stack (channel 0), row-major, so the user can pick a unit. */
  output: Float32Array;
  unit: number[];
}

/**
 * Seeded weights for each layer of the stack, with dilation written into the kernel (zeros
 * between taps): tfjs has no gradient for dilated conv2d, and the two forms are the same operator.
 */
function stackWeights(stack: readonly StackLayer[], channels: number, seed: number): (tf.Tensor4D | null)[] {
  let cin = 1;
  return stack.map((layer, i) => {
    const g = layer.geometry;
    if (g.kind === 'pool') return null;
    const [kh, kw] = g.kernel.length === 1 ? [1, g.kernel[0]] : g.kernel;
    const [dh, dw] = g.kernel.length === 1 ? [1, g.dilation[0]] : g.dilation;
    const eh = (kh - 1) * dh + 1;
    const ew = (kw - 1) * dw + 1;
    const cout = channels;
    const transposed = g.kind === 'convTranspose';
    const [a, b] = transposed ? [cout, cin] : [cin, cout];
    const taps = seededNormals(seed + i * 101, kh * kw * a * b, 1 / Math.sqrt(kh * kw * cin));
    const values = new Float32Array(eh * ew * a * b);
    for (let r = 0; r < kh; r++) {
      for (let c = 0; c < kw; c++) {
        for (let j = 0; j < a * b; j++) values[((r * dh * ew + c * dw) * a * b) + j] = taps[(r * kw + c) * a * b + j];
      }
    }
    cin = cout;
    return tf.tensor4d(values, [eh, ew, a, b]);
  });
}

/**
 * Gradient of one output unit of the stack with respect to the input (random weights from `seed`,
 * `channels` channels between layers, no nonlinearity). `unit` null picks the centre unit.
 */
export function effectiveField(stack: readonly StackLayer[], inputSize: readonly number[], unit: readonly number[] | null, seed: number, channels = 2): EffectiveField {
  const rank = stack[0]?.geometry.kernel.length ?? 2;
  const size2 = rank === 1 ? [1, inputSize[0]] : [inputSize[0], inputSize[1]];
  checkTensorSize('the effective-field input', [size2[0], size2[1], channels]);
  let result: EffectiveField | null = null;
  tf.tidy(() => {
    const weights = stackWeights(stack, channels, seed);
    // Dilation lives in the weights (see stackWeights), so every conv runs with dilation 1 here.
    const geometries = stack.map((l) => (l.geometry.kind === 'pool' ? l.geometry : { ...l.geometry, dilation: l.geometry.dilation.map(() => 1) }));
    const forward = (x: tf.Tensor4D): tf.Tensor4D => stack.reduce((h, l, i) => applyLayer(h, geometries[i], weights[i], l.pool), x);
    const x = tf.tensor4d(seededNormals(seed + 7, size2[0] * size2[1], 1), [1, size2[0], size2[1], 1]);
    const y = forward(x);
    const [, oh, ow] = y.shape;
    const chosen = unit ?? (rank === 1 ? [Math.floor(ow / 2)] : [Math.floor(oh / 2), Math.floor(ow / 2)]);
    const u2 = rank === 1 ? [0, Math.min(ow - 1, chosen[0])] : [Math.min(oh - 1, chosen[0]), Math.min(ow - 1, chosen[1])];
    const gradient = tf.grad((input: tf.Tensor) => tf.sum(tf.slice(forward(input as tf.Tensor4D), [0, u2[0], u2[1], 0], [1, 1, 1, 1])))(x);
    const magnitude = tf.sum(tf.abs(gradient), [0, 3]).dataSync() as Float32Array;
    const output = tf.slice(y, [0, 0, 0, 0], [1, oh, ow, 1]).dataSync() as Float32Array;
    result = {
      inputSize: rank === 1 ? [size2[1]] : size2,
      outputSize: rank === 1 ? [ow] : [oh, ow],
      magnitude: Float32Array.from(magnitude),
      output: Float32Array.from(output),
      unit: rank === 1 ? [u2[1]] : u2,
    };
  });
  return result as unknown as EffectiveField;
}
