// Helpers the layer rules of every framework share (PyTorch's families and Keras's): reading
// resolved constructor arguments, building and checking tensor values, input layouts, weight
// counts, and printing layers the way users wrote them. Every
// helper is total; a value of the wrong kind reads as "not known" rather than throwing.

import {
  compareDims,
  formatDim,
  formatShape,
  isKnown,
  isUnknown,
  productDim,
  symDim,
  unknownDim,
  type Dim,
  type Shape,
} from '../shapes';
import { bindConfig, type ConfigValue, type InputLayout, type LayerChild, type LayerConfig, type LayerContext, type LayerLookup, type LayerSpec, type LayerValue, type TensorArg } from './layerSpec';

/** The unknown layer value, returned when a rule cannot say anything about its output. */
export const UNKNOWN_VALUE: LayerValue = Object.freeze({ kind: 'unknown' }) as LayerValue;

/** The None value (MultiheadAttention's weights with need_weights=False). */
export const NONE_VALUE: LayerValue = Object.freeze({ kind: 'none' }) as LayerValue;

/** Whether a tensor may have a dtype: it does, or its dtype is only a default (an unbound input). */
export function dtypeMay(x: TensorArg, dtype: TensorArg['dtype']): boolean {
  return x.dtype === dtype || x.dtypeUncertain === true;
}

/** A tensor value of a shape. */
export function tensorOf(shape: Shape, dtype: TensorArg['dtype'] = 'float'): TensorArg {
  return { kind: 'tensor', shape, dtype };
}

/** A tuple value. */
export function tupleOf(...items: LayerValue[]): LayerValue {
  return { kind: 'tuple', items };
}

/** True when the value is a dimension object (symbolic or unknown) rather than a plain dict. */
export function isDimObject(v: ConfigValue): v is Dim {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const kind = (v as { kind?: unknown }).kind;
  return (kind === 'sym' && (v as { terms?: unknown }).terms instanceof Map) || kind === 'unknown';
}

/** A config value as a dimension: integers exactly, symbolic dims as they are, anything else unknown. */
export function dimArg(v: ConfigValue | undefined): Dim {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v !== undefined && isDimObject(v)) return v;
  return unknownDim();
}

/** A config value as an exact integer, or null. */
export function intArg(v: ConfigValue | undefined): number | null {
  const d = dimArg(v);
  return isKnown(d) ? d : null;
}

/** A config value as a finite number (floats included), or null. */
export function numArg(v: ConfigValue | undefined): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return null;
}

/** A config value as a boolean following Python truthiness for the plain cases, or null. */
export function boolArg(v: ConfigValue | undefined): boolean | null {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (v === null) return false;
  if (typeof v === 'string') return v.length > 0;
  return null;
}

/** A config value as a string, or null. */
export function strArg(v: ConfigValue | undefined): string | null {
  return typeof v === 'string' ? v : null;
}

/**
 * Expands an int-or-tuple argument (kernel_size=3, stride=(2, 1)) to `n` dimensions, as
 * PyTorch's `_single/_pair/_triple` do. A tuple of the wrong length gives unknowns.
 */
export function dimTuple(v: ConfigValue | undefined, n: number): Dim[] {
  // Plain loops: every convolution's rules call this several times per call.
  const out: Dim[] = [];
  if (Array.isArray(v)) {
    if (v.length === n) for (const x of v) out.push(dimArg(x));
    else if (v.length === 1) for (let i = 0; i < n; i++) out.push(dimArg(v[0]));
    else for (let i = 0; i < n; i++) out.push(unknownDim());
    return out;
  }
  const d = dimArg(v);
  for (let i = 0; i < n; i++) out.push(d);
  return out;
}

/** Like `dimTuple`, but exact integers or null per axis. */
export function intTuple(v: ConfigValue | undefined, n: number): (number | null)[] {
  return dimTuple(v, n).map((d) => (isKnown(d) ? d : null));
}

/** All entries known: the tuple as numbers, else null. */
export function knownInts(xs: readonly (number | null)[]): number[] | null {
  return xs.every((x) => x !== null) ? (xs as number[]) : null;
}

/** The tensor among a call's arguments at a position (or keyword), if it is a tensor. */
export function tensorArg(
  args: readonly LayerValue[],
  kwargs: Readonly<Record<string, LayerValue>>,
  index: number,
  name: string,
): TensorArg | null {
  const v = index < args.length ? args[index] : kwargs[name];
  return v && v.kind === 'tensor' ? v : null;
}

/** Whether a call passed an argument at a position or as a keyword (None counts as absent). */
export function hasArg(args: readonly LayerValue[], kwargs: Readonly<Record<string, LayerValue>>, index: number, name: string): boolean {
  const v = index < args.length ? args[index] : kwargs[name];
  return v !== undefined && v.kind !== 'none';
}

/** A constant (non-tensor) argument of a call such as `need_weights=False`, or undefined. */
export function constArg(
  args: readonly LayerValue[],
  kwargs: Readonly<Record<string, LayerValue>>,
  index: number,
  name: string,
): ConfigValue | undefined {
  const v = index < args.length ? args[index] : kwargs[name];
  if (!v) return undefined;
  if (v.kind === 'const') return v.value;
  if (v.kind === 'none') return null;
  return undefined;
}

/** A count as an exact integer, or null when it is too large to be exact in a double (beyond 2^53). */
export function safeCount(n: number | null): number | null {
  return n !== null && Number.isSafeInteger(n) ? n : null;
}

/** Numbers of elements in a shape, or null when a dim is not an exact integer or the product is not exact. */
export function knownProduct(dims: readonly Dim[]): number | null {
  // A product with a symbolic factor (`N`) and no zero is symbolic: not known, whatever the
  // polynomial would be, so none is built (every layer's MAC count of a batch of N asks this).
  let symbolic = false;
  let plain = true;
  for (let i = 0; i < dims.length; i++) {
    const d = dims[i];
    if (typeof d === 'number') {
      if (d === 0 || !Number.isInteger(d)) plain = false;
    } else if (d.kind === 'unknown') return null;
    else symbolic = true;
  }
  if (symbolic && plain) return null;
  const p = productDim(dims);
  return isKnown(p) ? safeCount(p) : null;
}

/**
 * Reports a weight tensor whose element count cannot be represented exactly (more than 2^53
 * elements): PyTorch could never allocate it, and a rounded count must not be shown as exact.
 */
export function checkCountable(label: string, what: string, dims: readonly Dim[], ctx: LayerContext): void {
  if (!dims.every(isKnown)) return;
  const approx = (dims as number[]).reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(approx)) {
    ctx.invalid(`${label}: the ${what} would hold about ${approx.toExponential(2)} parameters, too large to allocate or count exactly (more than 2^53)`);
  }
}

/** Python's `(a, b)` spelling of a config value, for layer labels and messages. */
export function formatConfigValue(v: ConfigValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return v.length === 1 ? `(${formatConfigValue(v[0])},)` : `(${v.map(formatConfigValue).join(', ')})`;
  if (isDimObject(v)) return formatDim(v);
  const layer = (v as { layer?: unknown }).layer;
  if (typeof layer === 'string') return `${layer}(...)`;
  return '{...}';
}

function sameConfigValue(a: ConfigValue | undefined, b: ConfigValue | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && !Array.isArray(b)) return a.every((x) => sameConfigValue(x, b));
  if (a === undefined || b === undefined) return false;
  return formatConfigValue(a) === formatConfigValue(b);
}

/**
 * The layer as a user would write it: required arguments positionally, others only when they
 * differ from the default, as keywords (`Linear(32, 2)`, `Conv2d(3, 64, 3, stride=2)`).
 */
export function layerLabel(spec: LayerSpec, cfg: LayerConfig, alsoPositional: readonly string[] = []): string {
  const parts: string[] = [];
  for (const p of spec.signature) {
    if (p.name === 'device' || p.name === 'dtype') continue;
    const v = cfg[p.name];
    if (v === undefined) continue;
    if (!('default' in p) || alsoPositional.includes(p.name)) parts.push(formatConfigValue(v));
    else if (!sameConfigValue(v, p.default)) parts.push(`${p.name}=${formatConfigValue(v)}`);
  }
  return `${spec.name}(${parts.join(', ')})`;
}

/**
 * A label or message built only when needed: a rule runs on every call, but its text is read
 * only when the call is wrong.
 */
export type LazyText = string | (() => string);

/** The text of a `LazyText`. */
export function textOf(t: LazyText): string {
  return typeof t === 'string' ? t : t();
}

/** `layerLabel`, built on first use and then kept. */
export function lazyLayerLabel(spec: LayerSpec, cfg: LayerConfig, alsoPositional: readonly string[] = []): () => string {
  let label: string | undefined;
  return () => (label ??= layerLabel(spec, cfg, alsoPositional));
}

/** Prints a shape in the tutorial's notation (re-exported for family files). */
export function shapeText(s: readonly Dim[]): string {
  return formatShape(s);
}

/** Normalises a possibly negative axis for a rank; null when out of range. */
export function normaliseAxis(axis: number, rank: number): number | null {
  const a = axis < 0 ? axis + rank : axis;
  return a >= 0 && a < rank ? a : null;
}

/**
 * Checks an input's rank against the ranks a layer accepts and reports a mismatch when it is
 * wrong. Returns true when the rank is acceptable.
 */
export function expectRank(label: LazyText, input: TensorArg, ranks: readonly number[], ctx: LayerContext): boolean {
  if (ranks.includes(input.shape.length)) return true;
  const wanted = ranks.map((r) => `${r}-D`).join(' or ');
  ctx.mismatch(`${textOf(label)} expects a ${wanted} input but got ${input.shape.length}-D ${formatShape(input.shape)}`);
  return false;
}

/**
 * Reports a certain mismatch between an actual and an expected size; silent when the two are
 * equal or when only symbols make them differ (that is an assumption, not an error).
 */
export function expectDim(actual: Dim, expected: Dim, message: LazyText, ctx: LayerContext): boolean {
  if (compareDims(actual, expected) === 'different') {
    ctx.mismatch(textOf(message));
    return false;
  }
  return true;
}

/** True when every dimension in the list is an exact integer. */
export function allKnown(dims: readonly Dim[]): dims is number[] {
  return dims.every(isKnown);
}

/** A dim as it prints in a formula: a number or its symbolic text. */
export function dimText(d: Dim): string {
  return isUnknown(d) ? '?' : formatDim(d);
}

/** Axis names used in formulas: L for 1-D, H and W for 2-D, D, H and W for 3-D. */
export function axisNames(n: number): string[] {
  if (n === 1) return ['L'];
  if (n === 2) return ['H', 'W'];
  if (n === 3) return ['D', 'H', 'W'];
  return Array.from({ length: n }, (_, i) => `S${i}`);
}

/** The output shape of a call, when the output is a tensor (or the first tensor of a tuple). */
export function firstTensor(v: LayerValue | undefined): TensorArg | null {
  if (!v) return null;
  if (v.kind === 'tensor') return v;
  if (v.kind === 'tuple') return firstTensor(v.items[0]);
  return null;
}

/** Notation of a layer that keeps its input's shape: `(N,64,32,32) batchnorm → (N,64,32,32)`. */
export function passThroughNotation(op: string): (cfg: LayerConfig, inputs: LayerValue[], output: LayerValue) => string | null {
  return (_cfg, inputs, output) => {
    const x = firstTensor(inputs[0]);
    const y = firstTensor(output);
    return x && y ? `${formatShape(x.shape)} ${op} → ${formatShape(y.shape)}` : null;
  };
}

/**
 * A child module's config, bound to the child's catalogue signature with defaults filled. An
 * entry missing from the catalogue keeps just the given keywords.
 */
export function childConfig(lookup: LayerLookup, layer: string, keywords: Record<string, ConfigValue>, positional: ConfigValue[] = []): LayerConfig {
  const spec = lookup('pytorch', layer);
  return spec ? bindConfig(spec, positional, keywords).config : { ...keywords };
}

/** Total parameters of a composite's children (catalogue layers only; containers own none). */
export function childrenParams(lookup: LayerLookup, children: readonly LayerChild[]): number | null {
  let total = 0;
  for (const child of children) {
    if (child.layer === 'ModuleList' || child.layer === 'Sequential') continue;
    const spec = lookup('pytorch', child.layer);
    if (!spec) return null;
    // Grandchildren are counted by the child's own `params`, which includes them.
    const n = spec.params(child.config);
    if (n === null) return null;
    total += n;
  }
  return total;
}

/** A module-valued argument as the catalogue encodes it: `{ layer, config }`, or null. */
export function moduleArg(v: ConfigValue | undefined): { layer: string; config: LayerConfig } | null {
  if (v === null || v === undefined || typeof v !== 'object' || Array.isArray(v) || isDimObject(v)) return null;
  const layer = (v as { layer?: unknown }).layer;
  const config = (v as { config?: unknown }).config;
  if (typeof layer !== 'string' || config === null || typeof config !== 'object' || Array.isArray(config)) return null;
  return { layer, config: config as LayerConfig };
}

/**
 * The channels-first input `(N, C, L)`, `(N, C, H, W)` or `(N, C, D, H, W)` a layer with `n`
 * spatial axes expects; C is the layer's channel count when its config gives one.
 */
export function channelsFirstLayout(n: number, channels: ConfigValue | undefined, startsField: boolean): InputLayout {
  const spatial = n === 1 ? ['L'] : n === 2 ? ['H', 'W'] : ['D', 'H', 'W'];
  return { shape: [symDim('N'), channelDim(channels), ...spatial.map((a) => symDim(a))], startsField };
}

/** A channel count from the config: the given size, or the symbol C. */
export function channelDim(channels: ConfigValue | undefined): Dim {
  if (typeof channels === 'number') return channels;
  return channels !== undefined && isDimObject(channels) ? channels : symDim('C');
}

/** Parameters counted from named weight shapes (absent weights count nothing); null when a size is symbolic. */
export function weightCount(weights: Record<string, Dim[] | null>): number | null {
  let total = 0;
  for (const shape of Object.values(weights)) {
    if (!shape) continue;
    const n = knownProduct(shape);
    if (n === null) return null;
    total += n;
  }
  return safeCount(total);
}
