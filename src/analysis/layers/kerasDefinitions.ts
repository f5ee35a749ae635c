// The machinery shared by the Keras and TensorFlow.js catalogues. tfjs-layers mirrors Keras, so
// each layer family is written once, in Keras's spelling (snake_case keys, Keras's positional
// order and defaults), and becomes two catalogue entries: the Keras class (`Conv2D`) and tfjs's
// factory (`conv2d`, camelCase keys, tfjs's defaults where they differ). The rules read a canonical
// snake_case config, so a tfjs config is translated before it reaches them.

import {
  addDim,
  ceilDivDim,
  floorDivDim,
  formatShape,
  isKnown,
  mulDim,
  subDim,
  unknownDim,
  type Dim,
} from '../shapes';
import type { Framework, Geometry } from '../types';
import {
  bindConfig,
  type LayerLookup,
  type ConfigValue,
  type InputLayout,
  type LayerConfig,
  type LayerContext,
  type LayerSpec,
  type LayerValue,
  type ParamSpec,
  type TensorArg,
} from './layerSpec';
import { dimTuple, strArg } from './ruleHelpers';
import { convOutputLength, convTransposeOutputLength, effectiveKernel } from './convArithmetic';

/** The two frameworks that share these rules. */
export type KerasFramework = Extract<Framework, 'keras' | 'tfjs'>;

/** A rule's view of one call: the canonical config, the framework, and where to report. */
export interface KerasCall {
  cfg: LayerConfig;
  fw: KerasFramework;
  ctx: LayerContext;
  /** The class name users see in messages (`Conv2D`), the same in both frameworks. */
  label: string;
  /** The catalogue, for wrappers whose argument is another layer (Bidirectional, TimeDistributed). */
  lookup: LayerLookup;
}

/** One layer family member, written once for both frameworks. */
export interface KerasLayerDef {
  /** Class name as Keras and tfjs's `getClassName()` report it (`Conv2D`). */
  className: string;
  /** Keras's class name, when Keras has it (usually `className`); null when only tfjs has it. */
  keras: string | null;
  /** tfjs's factory name under `tf.layers` (`conv2d`); null when tfjs-layers lacks the layer. */
  tfjs: string | null;
  /** Further names Keras exports for the same class (`MaxPool2D` for `MaxPooling2D`). */
  kerasAliases?: string[];
  /** Further tfjs factory names for the same class (`maxPool2d` for `maxPooling2d`). */
  tfjsAliases?: string[];
  family: string;
  /** Keras's signature in snake_case, positional order and Keras 3 defaults. */
  signature: ParamSpec[];
  /** tfjs defaults that differ from Keras's, by snake_case key. */
  tfjsDefaults?: Record<string, ConfigValue>;
  /** Keys tfjs does not spell as the camelCase of Keras's key. */
  tfjsKeys?: Record<string, string>;
  forward(call: KerasCall, inputs: LayerValue[], kwargs: Record<string, LayerValue>): LayerValue;
  params(call: Omit<KerasCall, 'ctx'>, inputs: LayerValue[]): number | null;
  geometry?(call: Omit<KerasCall, 'ctx'>, inputs: LayerValue[]): Geometry | null;
  notation?(call: Omit<KerasCall, 'ctx'>, inputs: LayerValue[], output: LayerValue): string | null;
  formula?(call: Omit<KerasCall, 'ctx'>, inputs: LayerValue[], output: LayerValue): string | null;
  /** Multiply-accumulates of a call, when every size is known. */
  macs?(call: Omit<KerasCall, 'ctx'>, inputs: LayerValue[], output: LayerValue): number | null;
  attention?: LayerSpec['attention'];
  /** The layout an input of unknown rank takes when it meets this layer first (see LayerSpec.inputLayout). */
  inputLayout?(call: Omit<KerasCall, 'ctx'>): InputLayout | null;
}

/** `kernel_size` → `kernelSize`. */
export function camelKey(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `kernelSize` → `kernel_size`. */
export function snakeKey(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** tfjs spells data formats `channelsLast`; Keras `channels_last`. */
function canonicalValue(key: string, value: ConfigValue): ConfigValue {
  if (key === 'data_format' && typeof value === 'string') return snakeKey(value);
  return value;
}

// Every rule of a call reads the canonical config; translating it once per config object keeps
// big models cheap (configs are not mutated after binding).
const canonicalCache = new WeakMap<LayerConfig, LayerConfig>();

/** A config with every key in Keras's snake_case spelling. */
export function canonicalConfig(cfg: LayerConfig, def: KerasLayerDef, fw: KerasFramework): LayerConfig {
  const cached = canonicalCache.get(cfg);
  if (cached) return cached;
  const out = translateConfig(cfg, def, fw);
  canonicalCache.set(cfg, out);
  return out;
}

function translateConfig(cfg: LayerConfig, def: KerasLayerDef, fw: KerasFramework): LayerConfig {
  if (fw === 'keras') {
    const out: LayerConfig = {};
    for (const [k, v] of Object.entries(cfg)) out[k] = canonicalValue(k, v);
    return out;
  }
  const renamed = new Map<string, string>();
  for (const [snake, tfjsKey] of Object.entries(def.tfjsKeys ?? {})) renamed.set(tfjsKey, snake);
  const out: LayerConfig = {};
  for (const [k, v] of Object.entries(cfg)) {
    const key = renamed.get(k) ?? snakeKey(k);
    out[key] = canonicalValue(key, v);
  }
  return out;
}

/** The tfjs key of a Keras parameter. */
function tfjsKeyOf(def: KerasLayerDef, snake: string): string {
  return def.tfjsKeys?.[snake] ?? camelKey(snake);
}

const classNames = new WeakMap<LayerSpec, string>();

/** The class name (`LSTM`) of an entry built here, whichever framework spelling it is listed under. */
export function kerasClassNameOf(spec: LayerSpec): string {
  return classNames.get(spec) ?? spec.name;
}

/** Builds the catalogue entry of a definition for one framework; null when that framework lacks the layer. */
export function specOf(def: KerasLayerDef, fw: KerasFramework, lookup: LayerLookup, name?: string): LayerSpec | null {
  const specName = name ?? (fw === 'keras' ? def.keras : def.tfjs);
  if (specName === null) return null;
  // tfjs factories take one config object, so every tfjs parameter is keyword-only.
  const signature: ParamSpec[] =
    fw === 'keras'
      ? def.signature
      : def.signature.map((p) => {
          const out: ParamSpec = { name: tfjsKeyOf(def, p.name), keywordOnly: true };
          if (def.tfjsDefaults && p.name in def.tfjsDefaults) out.default = def.tfjsDefaults[p.name];
          else if ('default' in p) out.default = p.default;
          return out;
        });
  const view = (cfg: LayerConfig) => ({ cfg: canonicalConfig(cfg, def, fw), fw, label: def.className, lookup });
  const spec: LayerSpec = {
    name: specName,
    framework: fw,
    family: def.family,
    signature,
    lazy: true,
    forward: (cfg, args, kwargs, ctx) => def.forward({ ...view(cfg), ctx }, args, kwargs),
    params: (cfg, inputs) => def.params(view(cfg), inputs ?? []),
  };
  classNames.set(spec, def.className);
  if (def.geometry) spec.geometry = (cfg, inputs) => def.geometry!(view(cfg), inputs ?? []);
  if (def.notation) spec.notation = (cfg, inputs, output) => def.notation!(view(cfg), inputs, output);
  if (def.formula) spec.formula = (cfg, inputs, output) => def.formula!(view(cfg), inputs, output);
  if (def.macs) spec.macs = (cfg, inputs, output) => def.macs!(view(cfg), inputs, output);
  if (def.inputLayout) spec.inputLayout = (cfg) => def.inputLayout!(view(cfg));
  if (def.attention) {
    const attention = def.attention;
    spec.attention = (cfg) => attention(canonicalConfig(cfg, def, fw));
  }
  return spec;
}

/** The class name (`Conv2D`) of every tfjs factory (`conv2d`, `maxPool2d`) in the given definitions. */
export function tfjsClassNames(defs: readonly KerasLayerDef[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const def of defs) {
    if (def.tfjs) out.set(def.tfjs, def.className);
    for (const alias of def.tfjsAliases ?? []) out.set(alias, def.className);
  }
  return out;
}

/** The class name of every Keras alias in the given definitions (`MaxPool2D` → `MaxPooling2D`). */
export function kerasAliasClassNames(defs: readonly KerasLayerDef[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const def of defs) if (def.keras) for (const alias of def.kerasAliases ?? []) out.set(alias, def.keras);
  return out;
}

/** Every catalogue entry of the definitions for a framework, tfjs aliases included. */
export function specsFor(defs: readonly KerasLayerDef[], fw: KerasFramework, lookup: LayerLookup): LayerSpec[] {
  const out: LayerSpec[] = [];
  for (const def of defs) {
    const spec = specOf(def, fw, lookup);
    if (spec) out.push(spec);
    if (fw === 'tfjs' && def.tfjs) for (const alias of def.tfjsAliases ?? []) out.push(specOf(def, fw, lookup, alias)!);
  }
  return out;
}

// ---- Reading inputs ----

/** The input tensors of a call: merge layers take a list, which arrives as a tuple. */
export function inputTensors(inputs: readonly LayerValue[]): (TensorArg | null)[] {
  const flat: LayerValue[] = [];
  for (const v of inputs) {
    if (v.kind === 'tuple') flat.push(...v.items);
    else flat.push(v);
  }
  return flat.map((v) => (v.kind === 'tensor' ? v : null));
}

/** The first input tensor, or null. */
export function firstInput(inputs: readonly LayerValue[]): TensorArg | null {
  return inputTensors(inputs)[0] ?? null;
}

/** The main output tensor: the tensor itself, or the first item of a tuple (RNN and attention states). */
export function firstOutput(output: LayerValue): TensorArg | null {
  if (output.kind === 'tensor') return output;
  return output.kind === 'tuple' && output.items[0]?.kind === 'tensor' ? output.items[0] : null;
}

/** Checks the rank of the input the way Keras's InputSpec does; reports and returns false on a mismatch. */
export function expectNdim(call: KerasCall, input: TensorArg, ndim: number, layout?: string): boolean {
  if (input.shape.length === ndim) return true;
  call.ctx.mismatch(
    `${call.label} expects a ${ndim}-D input${layout ? ` ${layout}` : ''} but got ${input.shape.length}-D ${formatShape(input.shape)}`,
  );
  return false;
}

/** Checks a minimum rank (Flatten in tfjs, Dense). */
export function expectMinNdim(call: KerasCall, input: TensorArg, minNdim: number): boolean {
  if (input.shape.length >= minNdim) return true;
  call.ctx.mismatch(`${call.label} expects an input of at least ${minNdim} dimensions but got ${input.shape.length}-D ${formatShape(input.shape)}`);
  return false;
}

/** True for channels-first layouts; Keras's `image_data_format()` default is channels-last. */
export function channelsFirst(cfg: LayerConfig): boolean {
  return cfg.data_format === 'channels_first';
}

/** Indices of the spatial axes and of the channel axis of a rank-`rank` tensor. */
export function layoutAxes(cfg: LayerConfig, rank: number): { spatial: number[]; channel: number } {
  const n = rank - 2;
  if (channelsFirst(cfg)) return { spatial: Array.from({ length: n }, (_, i) => i + 2), channel: 1 };
  return { spatial: Array.from({ length: n }, (_, i) => i + 1), channel: rank - 1 };
}

/** Reassembles a tensor shape from its batch, spatial sizes and channels in the layer's layout. */
export function assemble(cfg: LayerConfig, batch: Dim, spatial: Dim[], channels: Dim): Dim[] {
  return channelsFirst(cfg) ? [batch, channels, ...spatial] : [batch, ...spatial, channels];
}

/** Keras's `padding` argument, lower-cased. */
export function paddingMode(cfg: LayerConfig): 'valid' | 'same' | 'causal' | 'full' | null {
  const p = strArg(cfg.padding)?.toLowerCase();
  return p === 'valid' || p === 'same' || p === 'causal' || p === 'full' ? p : null;
}

/**
 * One spatial output size as Keras's `conv_output_length` gives it: 'valid' keeps the positions
 * where the dilated kernel fits, ⌈(L − k_eff + 1)/s⌉; 'same' and 'causal' give ⌈L/s⌉.
 */
export function kerasConvLength(length: Dim, kernel: Dim, stride: Dim, dilation: Dim, padding: string): Dim {
  const k = effectiveKernel(kernel, dilation);
  if (padding === 'same' || padding === 'causal') return ceilDivDim(length, stride);
  if (padding === 'full') return ceilDivDim(addDim(length, subDim(k, 1)), stride);
  // 'valid': ⌈(L − k_eff + 1)/s⌉ equals PyTorch's unpadded ⌊(L − k_eff)/s⌋ + 1.
  return convOutputLength(length, kernel, stride, 0, dilation);
}

/**
 * One spatial output size of a transposed convolution, as Keras's `deconv_output_length` gives
 * it (tfjs's `deconvLength` is the same without output padding).
 */
export function kerasDeconvLength(
  length: Dim,
  kernel: Dim,
  stride: Dim,
  dilation: Dim,
  padding: string,
  outputPadding: Dim | null,
): Dim {
  const k = effectiveKernel(kernel, dilation);
  if (outputPadding === null) {
    if (padding === 'same') return mulDim(length, stride);
    if (padding === 'full') return subDim(mulDim(length, stride), addDim(stride, subDim(k, 2)));
    const extra = subDim(k, stride);
    const grow = isKnown(extra) ? Math.max(extra, 0) : unknownDim();
    return addDim(mulDim(length, stride), grow);
  }
  const pad = padding === 'same' ? floorDivDim(k, 2) : padding === 'full' ? subDim(k, 1) : 0;
  return convTransposeOutputLength(length, kernel, stride, pad, dilation, outputPadding);
}

/**
 * The leading padding TensorFlow applies for 'same': half of the total (the extra pixel goes at
 * the end). With an unknown length it is the stride-1 amount, ⌊(k_eff − 1)/2⌋.
 */
export function samePaddingBefore(length: Dim, kEff: number, stride: number): number {
  if (!isKnown(length)) return Math.floor((kEff - 1) / 2);
  const out = Math.ceil(length / stride);
  const total = Math.max((out - 1) * stride + kEff - length, 0);
  return Math.floor(total / 2);
}

/** An int-or-tuple argument as `n` dims (Keras's `standardize_tuple`). */
export function tupleArg(v: ConfigValue | undefined, n: number): Dim[] {
  return dimTuple(v, n);
}

/** An int-or-tuple argument as `n` integers, each null when not exact. */
export function intsArg(v: ConfigValue | undefined, n: number): (number | null)[] {
  return dimTuple(v, n).map((d) => (isKnown(d) ? d : null));
}

/** `a×b×c` for messages and notation. */
export function timesText(xs: readonly (number | null | Dim)[]): string {
  return xs.map((x) => (x === null ? '?' : typeof x === 'number' ? String(x) : formatShape([x]).slice(1, -1))).join('×');
}

/** A number when exact, else null: the catalogue's parameter counts are exact or absent. */
export function exact(d: Dim): number | null {
  return isKnown(d) ? d : null;
}

/** Sum of exact counts; null when any is unknown. */
export function sumCounts(...xs: (number | null)[]): number | null {
  let total = 0;
  for (const x of xs) {
    if (x === null) return null;
    total += x;
  }
  return total;
}

/** The Keras truthiness of a boolean flag with a default. */
export function flag(cfg: LayerConfig, key: string, fallback: boolean): boolean {
  const v = cfg[key];
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  return fallback;
}

/** A nested layer argument (Bidirectional's, TimeDistributed's `layer`): its entry and bound config. */
export function nestedLayer(call: Pick<KerasCall, 'fw' | 'lookup'>, v: ConfigValue | undefined): { spec: LayerSpec; cfg: LayerConfig } | null {
  if (v === null || v === undefined || typeof v !== 'object' || Array.isArray(v)) return null;
  const rec = v as { readonly [key: string]: ConfigValue };
  const name = rec.layer;
  if (typeof name !== 'string') return null;
  const spec = call.lookup(call.fw, name);
  if (!spec) return null;
  const given = rec.config;
  const keywords = given !== null && typeof given === 'object' && !Array.isArray(given) ? (given as Record<string, ConfigValue>) : {};
  return { spec, cfg: bindConfig(spec, [], keywords).config };
}

/**
 * The snake case Keras and tfjs derive automatic names from (`MaxPooling2D` → `max_pooling2d`,
 * `LSTM` → `lstm`, `PReLU` → `p_re_lu`).
 */
export function kerasSnakeCase(className: string): string {
  const intermediate = className.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2');
  const snake = intermediate.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  return snake.startsWith('_') ? `private${snake}` : snake;
}

/**
 * Keras 3's automatic layer name for the next layer of a class: `conv2d`, then `conv2d_1`,
 * `conv2d_2` … (counters per name, kept by the caller for one model build).
 */
export function kerasAutoName(className: string, counters: Map<string, number>): string {
  const base = kerasSnakeCase(className);
  const seen = counters.get(base) ?? 0;
  counters.set(base, seen + 1);
  return seen === 0 ? base : `${base}_${seen}`;
}
