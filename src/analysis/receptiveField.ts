// Receptive-field arithmetic (Araujo, Norris & Sim, "Computing Receptive Fields of
// Convolutional Neural Networks", Distill 2019), shared by the hover, the CLI and the panel.
//
// A field is kept as size r, effective stride j and effective padding P per axis: output unit u
// of a layer sees input positions u·j − P … u·j − P + r − 1. Composing with a layer of kernel k,
// stride s, padding p and dilation d (extent k' = d·(k−1)+1) gives r + (k'−1)·j, j·s and P + p·j.
// Transposed convolutions divide the stride; their fields are computed from the set of inputs
// one output actually touches, because that set differs from output to output.

import { effectiveKernel } from './layers/convArithmetic';
import type { Geometry, ReceptiveField } from './types';

/** The field of the input itself: one pixel, stride 1, no padding, on `rank` axes. */
export function identityField(rank: number): ReceptiveField {
  return { size: new Array(rank).fill(1), stride: new Array(rank).fill(1), padding: new Array(rank).fill(0) };
}

/** Lowest and highest input index (layer-input units) that transposed-convolution output `o` reads, or null. */
function transposedTapRange(o: number, kernel: number, stride: number, padding: number, dilation: number): { min: number; max: number } | null {
  let min = Infinity;
  let max = -Infinity;
  for (let m = 0; m < kernel; m++) {
    const scaled = o + padding - m * dilation;
    if (scaled % stride === 0) {
      min = Math.min(min, scaled / stride);
      max = Math.max(max, scaled / stride);
    }
  }
  return min <= max ? { min, max } : null;
}

/** Size, stride and padding after one axis of one layer, given the field below it on that axis. */
function composeAxis(
  r: number,
  j: number,
  P: number,
  kind: Geometry['kind'],
  kernel: number,
  stride: number,
  padding: number,
  dilation: number,
): { r: number; j: number; P: number } {
  if (kind !== 'convTranspose') {
    const extent = effectiveKernel(kernel, dilation);
    return { r: r + (extent - 1) * j, j: j * stride, P: P + padding * j };
  }
  // Outputs repeat their tap pattern with period stride·dilation; the widest pattern sets the
  // field. Absurdly large layers use the bound ⌈extent/stride⌉ − 1 instead of enumerating.
  const extent = effectiveKernel(kernel, dilation);
  let widest = 0;
  if (stride * dilation * kernel > 1e6) {
    widest = Math.max(0, Math.ceil(extent / stride) - 1);
  } else {
    for (let o = 0; o < Math.max(1, stride * dilation); o++) {
      const taps = transposedTapRange(o, kernel, stride, padding, dilation);
      if (taps) widest = Math.max(widest, taps.max - taps.min);
    }
  }
  const size = r + widest * j;
  const taps0 = kernel <= 1e6 ? transposedTapRange(0, kernel, stride, padding, dilation) : null;
  const centreInLayer = taps0 ? (taps0.max + taps0.min) / 2 : (padding - (dilation * (kernel - 1)) / 2) / stride;
  const centre = centreInLayer * j + (r - 1) / 2 - P;
  return { r: size, j: j / stride, P: (size - 1) / 2 - centre };
}

/**
 * The field after one more layer. Axes beyond the geometry's rank pass through unchanged, so a
 * field can be carried across layers of a different rank without inventing sizes.
 */
export function composeField(field: ReceptiveField, geometry: Geometry): ReceptiveField {
  const out: ReceptiveField = { size: [...field.size], stride: [...field.stride], padding: [...field.padding] };
  if (field.misaligned) out.misaligned = true;
  // Once a unit sees the whole input it keeps seeing it; its numbers stay those of the path that led
  // there, so that strides never compound through a pooled-to-one window.
  if (field.global) return { ...out, global: true };
  if (geometry.global) out.global = true;
  const axes = Math.min(field.size.length, geometry.kernel.length);
  for (let i = 0; i < axes; i++) {
    const next = composeAxis(
      field.size[i],
      field.stride[i],
      field.padding[i],
      geometry.kind,
      geometry.kernel[i],
      geometry.stride[i] ?? 1,
      geometry.padding[i] ?? 0,
      geometry.dilation[i] ?? 1,
    );
    out.size[i] = next.r;
    out.stride[i] = next.j;
    out.padding[i] = next.P;
  }
  return out;
}

/** Input position of the centre of output unit 0 on one axis: (r−1)/2 − P. */
function centreOf(field: ReceptiveField, axis: number): number {
  return (field.size[axis] - 1) / 2 - field.padding[axis];
}

/** Input position of the last (newest) sample of output unit 0 on one axis: r − 1 − P. */
function endOf(field: ReceptiveField, axis: number): number {
  return field.size[axis] - 1 - field.padding[axis];
}

/**
 * Joins two branches that meet in an addition or a concatenation: the larger field per axis.
 * `misaligned` is set when the branches' units are not centred alike (different centres or
 * strides), because then the sum mixes features of different places. Causal branches share
 * their newest sample rather than their centre (WaveNet's residuals), so equal right edges
 * count as aligned too.
 */
export function mergeFields(a: ReceptiveField, b: ReceptiveField): ReceptiveField {
  // A global branch (squeeze-and-excitation's pooled scale) makes the sum global, but the spatial
  // grid, and so the stride and padding, is the local branch's.
  if (a.global !== b.global) {
    const local = a.global ? b : a;
    return { ...local, size: [...local.size], stride: [...local.stride], padding: [...local.padding], global: true };
  }
  const rank = Math.max(a.size.length, b.size.length);
  const out: ReceptiveField = { size: [], stride: [], padding: [] };
  let misaligned = Boolean(a.misaligned || b.misaligned) || a.size.length !== b.size.length;
  for (let i = 0; i < rank; i++) {
    const fromA = i < a.size.length;
    const fromB = i < b.size.length;
    const pick = !fromB || (fromA && a.size[i] >= b.size[i]) ? a : b;
    out.size.push(pick.size[i]);
    out.stride.push(pick.stride[i]);
    out.padding.push(pick.padding[i]);
    if (fromA && fromB) {
      const sameCentre = Math.abs(centreOf(a, i) - centreOf(b, i)) < 1e-9;
      const sameEnd = Math.abs(endOf(a, i) - endOf(b, i)) < 1e-9;
      if (a.stride[i] !== b.stride[i] || (!sameCentre && !sameEnd)) misaligned = true;
    }
  }
  if (misaligned) out.misaligned = true;
  if (a.global && b.global) out.global = true;
  return out;
}

/** The field of one output unit of a sequential stack of sliding layers, in the stack's input. */
export function fieldOfStack(geometries: readonly Geometry[]): ReceptiveField {
  let field = identityField(geometries.length ? geometries[0].kernel.length : 1);
  for (const g of geometries) field = composeField(field, g);
  return field;
}

/**
 * Temporal context, in samples, of one output of a causal (dilated) 1-D stack: how many past
 * input samples it depends on, itself included. Kernel 2 with dilations 1, 2, 4 gives 8; two
 * such blocks with dilations 1…4 give 15; dilations 1…512 give 1,024 per block.
 */
export function causalContext(geometries: readonly Geometry[]): number {
  return fieldOfStack(geometries).size[0] ?? 1;
}

/** Formats an integer with thousands separators (`1,024`), keeping fractions short. */
function formatCount(x: number): string {
  if (Number.isInteger(x)) return x.toLocaleString('en-US');
  return String(Math.round(x * 1000) / 1000);
}

function axisList(values: readonly number[]): string {
  if (values.every((v) => v === values[0])) return formatCount(values[0]);
  return values.map(formatCount).join('×');
}

/**
 * A sentence for hovers: how much of the input one output unit sees, and where. 1-D fields get
 * their length in samples and, when a sample rate is given, in milliseconds.
 */
export function describeField(field: ReceptiveField, options: { sampleRate?: number } = {}): string {
  if (field.global) return 'Each output sees the whole input (a global pooling on its path averages over every position).';
  const rank = field.size.length;
  const stride = axisList(field.stride);
  const padding = axisList(field.padding);
  let text: string;
  if (rank === 1) {
    const samples = field.size[0];
    const ms = options.sampleRate ? ` (${formatCount(Math.round((samples / options.sampleRate) * 1e4) / 10)} ms at ${formatCount(options.sampleRate / 1000)} kHz)` : '';
    text = `Each output sees ${formatCount(samples)} input samples${ms}; effective stride ${stride}, effective padding ${padding}.`;
  } else {
    const size = field.size.map(formatCount).join('×');
    text = `Each output unit sees a ${size} input window; effective stride ${stride}, effective padding ${padding}.`;
  }
  if (field.misaligned) text += ' Branches merged here are not centred alike, so their features come from shifted windows.';
  return text;
}

/** A sentence for the temporal context of a causal stack, in samples and milliseconds. */
export function describeCausalContext(samples: number, sampleRate = 16000): string {
  const ms = Math.round((samples / sampleRate) * 1e4) / 10;
  return `Each output depends on the last ${formatCount(samples)} input samples (${formatCount(ms)} ms at ${formatCount(sampleRate / 1000)} kHz).`;
}

/**
 * Why published ResNet-50 fields differ from torchvision's: the hover shows this next to the
 * computed value so that a reader comparing with the Distill table understands the gap.
 */
export const RESNET_STRIDE_NOTE =
  "torchvision's ResNet (v1.5) strides in the 3×3 convolution of the first block of layer2, layer3 and layer4, so ResNet-50 layer4 sees 427 px (stride 32, padding 213). " +
  "The published 483 px comes from TF-Slim's ResNet-50, which strides in the last block of each stage instead: the stride is taken one block earlier, " +
  'so more 3×3 convolutions run at the coarser stride and each widens the field by more.';
