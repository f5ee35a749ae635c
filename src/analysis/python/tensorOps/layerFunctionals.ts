// Functional forms of catalogue layers (F.conv2d ↔ Conv2d, F.max_pool2d ↔ MaxPool2d): they reuse
// the catalogue's rule so that the geometry is written once.

import { lookupLayer, type ConfigValue, type LayerConfig, type LayerContext, type LayerValue } from '../../layers/catalogue';
import { composeField } from '../../receptiveField';
import { mulDim } from '../../shapes';
import type { ReceptiveField } from '../../types';
import { toConfig, unknown, type TensorV, type Value } from '../values';
import { arg, intOf, out, tensorArg, type OpContext, type Rule, unrankedLike } from './helpers';

// ------------------------------------------------------------------ catalogue-backed functional ops

/** Runs a catalogue layer's rule for a functional call (F.conv2d → Conv2d). */
export function viaLayer(ctx: OpContext, layerName: string, cfg: LayerConfig, x: TensorV, extraNotation?: () => string | null): Value {
  const spec = lookupLayer('pytorch', layerName);
  if (!spec) {
    ctx.interp.gap(ctx.site, `the catalogue has no ${layerName}, so this call's shape is unknown`);
    return unrankedLike(x);
  }
  const full: LayerConfig = {};
  for (const p of spec.signature) if ('default' in p) full[p.name] = p.default as ConfigValue;
  Object.assign(full, cfg);
  const layerCtx = layerContext(ctx);
  const input: LayerValue = { kind: 'tensor', shape: x.shape, dtype: x.dtype };
  const res = spec.forward(full, [input], {}, layerCtx);
  if (res.kind !== 'tensor') return unrankedLike(x);
  const geometry = spec.geometry?.(full, [input]) ?? null;
  let field: ReceptiveField | null = null;
  // A channels-last field (axes recorded) does not describe the axes a convolution slides over.
  if (x.field && geometry) field = x.field.axes ? null : composeField(x.field, geometry);
  else if (x.field && !geometry && res.shape.length === x.shape.length) field = x.field;
  const notation = extraNotation?.() ?? spec.notation?.(full, [input], res) ?? null;
  return out([...res.shape], x, { field, notation });
}

/** A LayerContext that reports at the call site. */
export function layerContext(ctx: OpContext, suffix = ''): LayerContext {
  return {
    mismatch: (m) => ctx.interp.report('shape-mismatch', 'error', ctx.site, m + suffix),
    invalid: (m) => ctx.interp.report('invalid-argument', 'error', ctx.site, m),
    gap: (m) => ctx.interp.gap(ctx.site, m),
  };
}

export function convFunctional(n: number, transposed: boolean): Rule {
  return (ctx, _self, args, kwargs) => {
    const x = tensorArg(arg(args, kwargs, 0, 'input'));
    const w = tensorArg(arg(args, kwargs, 1, 'weight'));
    if (!x || !w || !w.ranked || w.shape.length !== n + 2) {
      ctx.interp.gap(ctx.site, `conv${n}d with a weight whose shape is unknown`);
      return unrankedLike(x);
    }
    const bias = arg(args, kwargs, 2, 'bias');
    const names = transposed ? ['stride', 'padding', 'output_padding', 'groups', 'dilation'] : ['stride', 'padding', 'dilation', 'groups'];
    const cfg: LayerConfig = {};
    names.forEach((name, i) => {
      const v = arg(args, kwargs, 3 + i, name);
      if (v !== undefined) cfg[name] = toConfig(v);
    });
    const groups = intOf(arg(args, kwargs, transposed ? 6 : 6, 'groups')) ?? (typeof cfg.groups === 'number' ? cfg.groups : 1);
    cfg.groups = groups;
    if (transposed) {
      cfg.in_channels = w.shape[0] as ConfigValue;
      cfg.out_channels = mulDim(w.shape[1], groups) as ConfigValue;
    } else {
      cfg.in_channels = mulDim(w.shape[1], groups) as ConfigValue;
      cfg.out_channels = w.shape[0] as ConfigValue;
    }
    cfg.kernel_size = w.shape.slice(2) as ConfigValue;
    cfg.bias = !!bias && bias.k !== 'none';
    return viaLayer(ctx, `${transposed ? 'ConvTranspose' : 'Conv'}${n}d`, cfg, x);
  };
}

export function poolFunctional(layer: string, names: string[]): Rule {
  return (ctx, _self, args, kwargs) => {
    const x = tensorArg(arg(args, kwargs, 0, 'input'));
    if (!x) return unrankedLike(null);
    const cfg: LayerConfig = {};
    names.forEach((name, i) => {
      const v = arg(args, kwargs, 1 + i, name);
      if (v !== undefined) cfg[name] = toConfig(v);
    });
    if (cfg.stride === null || (Array.isArray(cfg.stride) && cfg.stride.length === 0)) delete cfg.stride;
    return viaLayer(ctx, layer, cfg, x);
  };
}
