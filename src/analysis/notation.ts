// The tutorial's notation for one step of a model, written once for the interpreter's tensor
// operations and the catalogue's layers:
//   matrix products   (N,64)·(64,2)=(N,2)
//   convolutions      (N,3,224,224) ⊛ (64,3,7,7)/2 → (N,64,112,112)   (/s stride, @d dilation)
//   pools             (N,64,112,112) ⊛ max 3×3/2 → (N,64,56,56)
//   recurrences       (N,T,80) ⟳ LSTM(80→256) → (N,T,256)
//   attention         softmax(QKᵀ/√64)V: (B,4,T,64)·(B,4,64,T)·(B,4,T,64) → (B,4,T,64)

import type { Dim } from './shapes';
import { formatDim, formatShape } from './shapes';

/** A shape that may lack its leading dims (unknown rank), printed `(…,64)`. */
export interface NotationShape {
  dims: readonly Dim[];
  ranked?: boolean;
}

/** Prints a shape for notation; `ranked: false` prefixes `…`. */
export function notationShape(s: readonly Dim[] | NotationShape): string {
  if (Array.isArray(s)) return formatShape(s as Dim[]);
  const n = s as NotationShape;
  if (n.ranked === false) return `(${['…', ...n.dims.map(formatDim)].join(',')})`;
  return formatShape(n.dims);
}

/** A product of two operands: `(N,64)·(64,2)=(N,2)`. */
export function matmulNotation(a: readonly Dim[] | NotationShape, b: readonly Dim[] | NotationShape, out: readonly Dim[] | NotationShape): string {
  return `${notationShape(a)}·${notationShape(b)}=${notationShape(out)}`;
}

/** Suffixes for a sliding window: `/2` for stride 2, `@2` for dilation 2, nothing for 1. */
export function strideDilationSuffix(stride: readonly Dim[], dilation: readonly Dim[]): string {
  let out = '';
  if (stride.some((s) => s !== 1)) out += `/${uniformText(stride)}`;
  if (dilation.some((d) => d !== 1)) out += `@${uniformText(dilation)}`;
  return out;
}

/** One size when every axis prints the same (`2`), else the sizes joined by × (`2×1`). */
function uniformText(xs: readonly Dim[]): string {
  if (xs.length === 0) return '';
  const first = formatDim(xs[0]);
  for (let i = 1; i < xs.length; i++) if (formatDim(xs[i]) !== first) return xs.map(formatDim).join('×');
  return first;
}

/** A convolution: input ⊛ kernel (out, in/groups, k…) with stride and dilation → output. */
export function convNotation(input: readonly Dim[] | NotationShape, kernel: readonly Dim[], stride: readonly Dim[], dilation: readonly Dim[], output: readonly Dim[] | NotationShape): string {
  return `${notationShape(input)} ⊛ ${formatShape(kernel)}${strideDilationSuffix(stride, dilation)} → ${notationShape(output)}`;
}

/** A pooling window: `(N,64,112,112) ⊛ max 3×3/2 → (N,64,56,56)`. */
export function poolNotation(input: readonly Dim[] | NotationShape, kind: string, window: readonly Dim[], stride: readonly Dim[], output: readonly Dim[] | NotationShape): string {
  return `${notationShape(input)} ⊛ ${kind} ${window.map(formatDim).join('×')}${strideDilationSuffix(stride, [])} → ${notationShape(output)}`;
}

/** A recurrence: `(N,T,80) ⟳ LSTM(80→256) → (N,T,256)`. */
export function recurrenceNotation(input: readonly Dim[] | NotationShape, cell: string, inputSize: Dim, hiddenSize: Dim, output: readonly Dim[] | NotationShape): string {
  return `${notationShape(input)} ⟳ ${cell}(${formatDim(inputSize)}→${formatDim(hiddenSize)}) → ${notationShape(output)}`;
}

/** Scaled dot-product attention with its operand shapes. */
export function attentionNotation(q: readonly Dim[] | NotationShape, k: readonly Dim[] | NotationShape, v: readonly Dim[] | NotationShape, out: readonly Dim[] | NotationShape, headDim: Dim): string {
  const kt = transposedLast(k);
  return `softmax(QKᵀ/√${formatDim(headDim)})V: ${notationShape(q)}·${notationShape(kt)}·${notationShape(v)} → ${notationShape(out)}`;
}

function transposedLast(s: readonly Dim[] | NotationShape): NotationShape {
  const dims = Array.isArray(s) ? (s as Dim[]) : [...(s as NotationShape).dims];
  const ranked = Array.isArray(s) ? true : (s as NotationShape).ranked !== false;
  if (dims.length < 2) return { dims, ranked };
  return { dims: [...dims.slice(0, -2), dims[dims.length - 1], dims[dims.length - 2]], ranked };
}

/** An element-wise step with broadcasting: `(N,T,64)+(T,64)=(N,T,64)`. */
export function elementwiseNotation(op: string, a: readonly Dim[] | NotationShape, b: readonly Dim[] | NotationShape, out: readonly Dim[] | NotationShape): string {
  return `${notationShape(a)}${op}${notationShape(b)}=${notationShape(out)}`;
}
