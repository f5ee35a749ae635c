// Resampling layers: Upsample (and its two fixed-mode subclasses) by size or scale factor, and
// PixelShuffle/PixelUnshuffle, which trade channels for resolution.

import { floorDivDim, formatDim, isKnown, mulDim, type Dim } from '../shapes';
import { type LayerConfig, type LayerContext, type LayerSpec } from './layerSpec';
import {
  UNKNOWN_VALUE,
  dimArg,
  firstTensor,
  intArg,
  layerLabel,
  numArg,
  shapeText,
  strArg,
  tensorArg,
  tensorOf,
} from './ruleHelpers';

/**
 * ⌊L·scale⌋ as PyTorch computes an interpolated size. Symbolic lengths stay exact when the
 * scale is a simple fraction p/q (q ≤ 64): ⌊p·L/q⌋.
 */
export function scaledLength(length: Dim, scale: number): Dim {
  if (!(scale > 0)) return dimArg(undefined);
  if (isKnown(length)) return Math.floor(length * scale);
  for (let q = 1; q <= 64; q++) {
    const p = scale * q;
    if (Math.abs(p - Math.round(p)) < 1e-9) return floorDivDim(mulDim(Math.round(p), length), q);
  }
  return dimArg(undefined);
}

const MODE_RANKS: Record<string, number[]> = {
  nearest: [3, 4, 5],
  'nearest-exact': [3, 4, 5],
  area: [3, 4, 5],
  linear: [3],
  bilinear: [4],
  bicubic: [4],
  trilinear: [5],
};

/** Output of an interpolation of `x` to `size` or by `scale_factor`, as F.interpolate shapes it. */
export function interpolateShape(
  label: string,
  shape: readonly Dim[],
  size: LayerConfig[string] | undefined,
  scaleFactor: LayerConfig[string] | undefined,
  mode: string,
  ctx: LayerContext,
): Dim[] | null {
  const n = shape.length - 2;
  const ranks = MODE_RANKS[mode];
  if (!ranks) {
    ctx.invalid(`${label}: unknown interpolation mode '${mode}'`);
    return null;
  }
  if (!ranks.includes(shape.length)) {
    ctx.mismatch(`${label}: got a ${shape.length}-D input ${shapeText(shape)}, but mode '${mode}' needs a ${ranks.map((r) => `${r}-D`).join(' or ')} input`);
    return null;
  }
  const hasSize = size !== null && size !== undefined;
  const hasScale = scaleFactor !== null && scaleFactor !== undefined;
  if (hasSize === hasScale) {
    ctx.invalid(hasSize ? `${label}: only one of size or scale_factor should be defined` : `${label}: either size or scale_factor should be defined`);
    return null;
  }
  const spatial = shape.slice(2);
  let out: Dim[];
  if (hasSize) {
    const sizes = Array.isArray(size) ? size.map((v) => dimArg(v)) : spatial.map(() => dimArg(size));
    if (sizes.length !== n) {
      ctx.mismatch(`${label}: size has ${sizes.length} entries but the input ${shapeText(shape)} has ${n} spatial dimensions`);
      return null;
    }
    out = sizes;
  } else {
    const scales = Array.isArray(scaleFactor) ? scaleFactor.map((v) => numArg(v)) : spatial.map(() => numArg(scaleFactor));
    if (scales.length !== n) {
      ctx.mismatch(`${label}: scale_factor has ${scales.length} entries but the input ${shapeText(shape)} has ${n} spatial dimensions`);
      return null;
    }
    out = spatial.map((len, i) => (scales[i] === null ? dimArg(undefined) : scaledLength(len, scales[i] as number)));
  }
  return [shape[0], shape[1], ...out];
}

function upsampleSpec(name: string, fixedMode: string | null): LayerSpec {
  const spec: LayerSpec = {
    name,
    framework: 'pytorch',
    family: 'upsample',
    signature: fixedMode
      ? [
          { name: 'size', default: null },
          { name: 'scale_factor', default: null },
        ]
      : [
          { name: 'size', default: null },
          { name: 'scale_factor', default: null },
          { name: 'mode', default: 'nearest' },
          { name: 'align_corners', default: null },
          { name: 'recompute_scale_factor', default: null },
        ],
    forward(cfg, args, kwargs, ctx) {
      const x = tensorArg(args, kwargs, 0, 'input');
      if (!x) return UNKNOWN_VALUE;
      const mode = fixedMode ?? strArg(cfg.mode);
      if (mode === null) return UNKNOWN_VALUE;
      const label = layerLabel(spec, cfg);
      if (fixedMode && x.shape.length !== 4) {
        ctx.mismatch(`${label} expects a 4-D input but got ${x.shape.length}-D ${shapeText(x.shape)}`);
        return UNKNOWN_VALUE;
      }
      const out = interpolateShape(label, x.shape, cfg.size, cfg.scale_factor, mode, ctx);
      return out ? tensorOf(out, x.dtype) : UNKNOWN_VALUE;
    },
    params: () => 0,
    notation(_cfg, inputs, output) {
      const x = firstTensor(inputs[0]);
      const y = firstTensor(output);
      return x && y ? `${shapeText(x.shape)} upsample → ${shapeText(y.shape)}` : null;
    },
    formula(cfg, inputs, output) {
      const x = firstTensor(inputs[0]);
      const y = firstTensor(output);
      if (!x || !y || x.shape.length < 3 || y.shape.length !== x.shape.length) return null;
      const names = x.shape.length === 3 ? ['L'] : x.shape.length === 4 ? ['H', 'W'] : ['D', 'H', 'W'];
      const scale = cfg.scale_factor;
      return names
        .map((axis, i) => {
          const L = formatDim(x.shape[i + 2]);
          const out = formatDim(y.shape[i + 2]);
          if (scale === null || scale === undefined) return `${axis}_out = size = ${out}`;
          const s = Array.isArray(scale) ? numArg(scale[i]) : numArg(scale);
          return `${axis}_out = ⌊${L}·${s ?? '?'}⌋ = ${out}`;
        })
        .join('; ');
    },
  };
  return spec;
}

function pixelShuffleSpec(unshuffle: boolean): LayerSpec {
  const name = unshuffle ? 'PixelUnshuffle' : 'PixelShuffle';
  const factorName = unshuffle ? 'downscale_factor' : 'upscale_factor';
  const spec: LayerSpec = {
    name,
    framework: 'pytorch',
    family: 'upsample',
    signature: [{ name: factorName }],
    validate(cfg, ctx) {
      const r = intArg(cfg[factorName]);
      if (r !== null && r <= 0) ctx.invalid(`${name}: ${factorName} must be greater than 0 but got ${r}`);
    },
    forward(cfg, args, kwargs, ctx) {
      const x = tensorArg(args, kwargs, 0, 'input');
      if (!x) return UNKNOWN_VALUE;
      const label = layerLabel(spec, cfg);
      const r = intArg(cfg[factorName]);
      if (x.shape.length < 3) {
        ctx.mismatch(`${label} expects an input of at least 3-D (*,C,H,W) but got ${x.shape.length}-D ${shapeText(x.shape)}`);
        return UNKNOWN_VALUE;
      }
      if (r === null || r <= 0) return UNKNOWN_VALUE;
      const lead = x.shape.slice(0, -3);
      const [c, h, w] = x.shape.slice(-3);
      if (!unshuffle) {
        if (isKnown(c) && c % (r * r) !== 0) {
          ctx.mismatch(`${label} needs the channel dimension divisible by ${r}² = ${r * r}, but it is ${c} (input ${shapeText(x.shape)})`);
          return UNKNOWN_VALUE;
        }
        return tensorOf([...lead, floorDivDim(c, r * r), mulDim(h, r), mulDim(w, r)], x.dtype);
      }
      for (const [axis, d] of [['height', h], ['width', w]] as const) {
        if (isKnown(d) && d % r !== 0) {
          ctx.mismatch(`${label} needs the ${axis} divisible by ${r}, but it is ${formatDim(d)} (input ${shapeText(x.shape)})`);
          return UNKNOWN_VALUE;
        }
      }
      return tensorOf([...lead, mulDim(c, r * r), floorDivDim(h, r), floorDivDim(w, r)], x.dtype);
    },
    params: () => 0,
    notation(_cfg, inputs, output) {
      const x = firstTensor(inputs[0]);
      const y = firstTensor(output);
      return x && y ? `${shapeText(x.shape)} ${unshuffle ? 'pixel-unshuffle' : 'pixel-shuffle'} → ${shapeText(y.shape)}` : null;
    },
    formula(cfg) {
      const r = intArg(cfg[factorName]);
      if (r === null) return null;
      return unshuffle ? `(*, C, H·${r}, W·${r}) → (*, C·${r * r}, H, W)` : `(*, C·${r * r}, H, W) → (*, C, H·${r}, W·${r})`;
    },
  };
  return spec;
}

/** The upsample family's entries. */
export const upsampleSpecs: readonly LayerSpec[] = [
  upsampleSpec('Upsample', null),
  upsampleSpec('UpsamplingNearest2d', 'nearest'),
  upsampleSpec('UpsamplingBilinear2d', 'bilinear'),
  pixelShuffleSpec(false),
  pixelShuffleSpec(true),
];
