// Padding layers: constant (and zero), reflection, replication and circular padding in 1, 2
// and 3 dimensions. `padding` is an int or a tuple (left, right, top, bottom, front, back)
// applied from the last axis backwards, as F.pad reads it.

import { addDim, formatDim, isKnown, type Dim } from '../shapes';
import { type LayerConfig, type LayerSpec, type ParamSpec } from './layerSpec';
import {
  channelsFirstLayout,
  dimArg,
  firstTensor,
  layerLabel,
  shapeText,
  tensorArg,
  tensorOf,
  UNKNOWN_VALUE,
} from './ruleHelpers';

type PadMode = 'constant' | 'zero' | 'reflect' | 'replicate' | 'circular';

/** The 2·n pad amounts, last axis first: (left, right, top, bottom, front, back). */
function padAmounts(cfg: LayerConfig, n: number): Dim[] | null {
  const v = cfg.padding;
  if (Array.isArray(v)) return v.length === 2 * n ? v.map((d) => dimArg(d)) : null;
  const d = dimArg(v);
  return Array.from({ length: 2 * n }, () => d);
}

/** Shape after padding the last `pads.length / 2` axes. */
export function paddedShape(shape: readonly Dim[], pads: readonly Dim[]): Dim[] {
  const out = [...shape];
  for (let i = 0; i < pads.length / 2; i++) {
    const axis = shape.length - 1 - i;
    if (axis < 0) break;
    out[axis] = addDim(addDim(shape[axis], pads[2 * i]), pads[2 * i + 1]);
  }
  return out;
}

function padSpec(mode: PadMode, n: 1 | 2 | 3): LayerSpec {
  const prefix = { constant: 'ConstantPad', zero: 'ZeroPad', reflect: 'ReflectionPad', replicate: 'ReplicationPad', circular: 'CircularPad' }[mode];
  const name = `${prefix}${n}d`;
  const signature: ParamSpec[] = mode === 'constant' ? [{ name: 'padding' }, { name: 'value' }] : [{ name: 'padding' }];
  const spec: LayerSpec = {
    name,
    framework: 'pytorch',
    family: 'padding',
    // Circular padding takes several input ranks; the other modes expect channels-first input.
    inputLayout: mode === 'circular' ? undefined : () => channelsFirstLayout(n, undefined, false),
    signature,
    validate(cfg, ctx) {
      if (!padAmounts(cfg, n)) ctx.invalid(`${name}: padding must be an int or a tuple of ${2 * n} ints`);
    },
    forward(cfg, args, kwargs, ctx) {
      const x = tensorArg(args, kwargs, 0, 'input');
      if (!x) return UNKNOWN_VALUE;
      const label = layerLabel(spec, cfg);
      const pads = padAmounts(cfg, n);
      if (!pads) return UNKNOWN_VALUE;
      // Constant padding works on any input with enough axes; the others want (C, *) or (N, C, *).
      const ranksOk = mode === 'constant' || mode === 'zero' ? x.shape.length >= n : x.shape.length === n + 1 || x.shape.length === n + 2;
      if (!ranksOk) {
        const wanted = mode === 'constant' || mode === 'zero' ? `at least ${n}-D` : `${n + 1}-D or ${n + 2}-D`;
        ctx.mismatch(`${label} expects a ${wanted} input but got ${x.shape.length}-D ${shapeText(x.shape)}`);
        return UNKNOWN_VALUE;
      }
      if (mode === 'reflect' || mode === 'circular') {
        for (let i = 0; i < n; i++) {
          const size = x.shape[x.shape.length - 1 - i];
          for (const p of [pads[2 * i], pads[2 * i + 1]]) {
            const tooBig = mode === 'reflect' ? isKnown(size) && isKnown(p) && p >= size : isKnown(size) && isKnown(p) && p > size;
            if (tooBig) {
              ctx.mismatch(`${label}: padding ${formatDim(p)} must be ${mode === 'reflect' ? 'less than' : 'at most'} the input size ${formatDim(size)} it ${mode === 'reflect' ? 'reflects' : 'wraps'} (input ${shapeText(x.shape)})`);
              return UNKNOWN_VALUE;
            }
          }
        }
      }
      const out = paddedShape(x.shape, pads);
      const empty = out.findIndex((d) => isKnown(d) && d < 0);
      if (empty >= 0) {
        ctx.mismatch(`${label}: negative padding leaves dimension ${empty} with size ${formatDim(out[empty])}`);
        return UNKNOWN_VALUE;
      }
      return tensorOf(out, x.dtype);
    },
    params: () => 0,
    notation(_cfg, inputs, output) {
      const x = firstTensor(inputs[0]);
      const y = firstTensor(output);
      return x && y ? `${shapeText(x.shape)} pad → ${shapeText(y.shape)}` : null;
    },
    formula(cfg, inputs, output) {
      const x = firstTensor(inputs[0]);
      const y = firstTensor(output);
      const pads = padAmounts(cfg, n);
      if (!x || !y || !pads || x.shape.length < n) return null;
      const names = n === 1 ? ['W'] : n === 2 ? ['W', 'H'] : ['W', 'H', 'D'];
      // F.pad lists the last axis first, so the formula does too.
      return names
        .map((axis, i) => {
          const at = x.shape.length - 1 - i;
          return `${axis}_out = ${formatDim(x.shape[at])} + ${formatDim(pads[2 * i])} + ${formatDim(pads[2 * i + 1])} = ${formatDim(y.shape[at])}`;
        })
        .join('; ');
    },
  };
  return spec;
}

const dims = [1, 2, 3] as const;
/** The padding family's entries. */
export const paddingSpecs: readonly LayerSpec[] = (['constant', 'zero', 'reflect', 'replicate', 'circular'] as const).flatMap((mode) => dims.map((n) => padSpec(mode, n)));
