// Output-length arithmetic of convolutions, transposed convolutions and pooling windows, on
// dims that may be symbolic. Written once here: the catalogue entries and the functional ops
// (F.conv2d, F.max_pool2d, F.interpolate) of the interpreters both call these.

import { addDim, ceilDivDim, floorDivDim, isKnown, mulDim, subDim, unknownDim, type Dim } from '../shapes';

/**
 * Extent a dilated kernel covers: d·(k−1)+1. The one place of this formula: the catalogue, the
 * receptive fields, the panel model and the webview's drawings all call it (plain numbers give a
 * plain number).
 */
export function effectiveKernel(kernel: number, dilation?: number): number;
export function effectiveKernel(kernel: Dim, dilation?: Dim): Dim;
export function effectiveKernel(kernel: Dim, dilation: Dim = 1): Dim {
  return addDim(mulDim(dilation, subDim(kernel, 1)), 1);
}

/**
 * Output length of a convolution along one axis, ⌊(L + 2p − d·(k−1) − 1)/s⌋ + 1, with `padding`
 * on each side. Use `convOutputLengthPadded` when the two sides differ.
 */
export function convOutputLength(length: Dim, kernel: Dim, stride: Dim = 1, padding: Dim = 0, dilation: Dim = 1): Dim {
  return convOutputLengthPadded(length, kernel, stride, mulDim(2, padding), dilation);
}

/** Output length of a convolution with `totalPadding` added over both sides of the axis. */
export function convOutputLengthPadded(length: Dim, kernel: Dim, stride: Dim, totalPadding: Dim, dilation: Dim = 1): Dim {
  const span = subDim(addDim(length, totalPadding), effectiveKernel(kernel, dilation));
  if (isKnown(stride) && stride <= 0) return unknownDim();
  return addDim(floorDivDim(span, stride), 1);
}

/** Output length of a transposed convolution: (L−1)·s − 2p + d·(k−1) + output_padding + 1. */
export function convTransposeOutputLength(
  length: Dim,
  kernel: Dim,
  stride: Dim = 1,
  padding: Dim = 0,
  dilation: Dim = 1,
  outputPadding: Dim = 0,
): Dim {
  const grown = mulDim(subDim(length, 1), stride);
  return addDim(addDim(subDim(grown, mulDim(2, padding)), mulDim(dilation, subDim(kernel, 1))), addDim(outputPadding, 1));
}

/**
 * Output length of a max/avg pooling window. With `ceilMode` the last window may hang over
 * the end, but PyTorch drops it when it would start inside the right padding; for symbolic
 * lengths the result is known only when that can never happen (p + s ≤ d·(k−1)+1).
 */
export function poolOutputLength(
  length: Dim,
  kernel: Dim,
  stride: Dim,
  padding: Dim = 0,
  dilation: Dim = 1,
  ceilMode = false,
): Dim {
  if (!ceilMode) return convOutputLength(length, kernel, stride, padding, dilation);
  if (isKnown(stride) && stride <= 0) return unknownDim();
  const span = subDim(addDim(length, mulDim(2, padding)), effectiveKernel(kernel, dilation));
  // ⌈a/s⌉ = ⌊(a + s − 1)/s⌋ for a positive stride, which prints as readably as the floor form.
  const out = addDim(isKnown(stride) ? floorDivDim(addDim(span, stride - 1), stride) : ceilDivDim(span, stride), 1);
  if (isKnown(out) && isKnown(stride) && isKnown(length) && isKnown(padding)) {
    return (out - 1) * stride >= length + padding ? out - 1 : out;
  }
  const slack = subDim(effectiveKernel(kernel, dilation), addDim(padding, stride));
  return isKnown(slack) && slack >= 0 ? out : unknownDim();
}

/** The padding PyTorch applies for padding='same': total d·(k−1), the smaller half on the left. */
export function samePadding(kernel: number, dilation = 1): { left: number; right: number } {
  const total = dilation * (kernel - 1);
  const left = Math.floor(total / 2);
  return { left, right: total - left };
}

/**
 * Start and end (exclusive) of the input window that adaptive pooling uses for output index
 * `i`: ⌊i·L/out⌋ to ⌈(i+1)·L/out⌉.
 */
export function adaptiveWindow(i: number, length: number, outputSize: number): { start: number; end: number } {
  return { start: Math.floor((i * length) / outputSize), end: Math.ceil(((i + 1) * length) / outputSize) };
}
