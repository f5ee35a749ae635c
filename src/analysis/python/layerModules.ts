// Catalogue layers as modules: binding a layer's constructor arguments, creating a composite
// layer's children and weights, applying its shape rule to a call, and reporting its mismatches.
// The module system calls these for every framework; they reach it only through LayerModuleHost,
// so that this file and the module system do not import each other.

import { bindConfig, positionalParamsOf, type ConfigValue, type LayerConfig, type LayerContext, type LayerSpec, type LayerValue } from '../layers/catalogue';
import { composeField, identityField, mergeFields } from '../receptiveField';
import { compareDims, formatDim, isKnown, isUnknown, symDim, unknownDim, type Dim } from '../shapes';
import type { Framework, Geometry, ReceptiveField } from '../types';
import type { Interpreter } from './interpreter';
import type { LayerProducer, LayerRepairBook } from './layerRepairBook';
import { sizeParamOf } from '../repairs';
import { packedPadding, repackLayerOutput, unpackForLayer } from './packedSequence';
import { layerContext, sameDim } from './tensorOps';
import {
  FALSE,
  NONE,
  TRUE,
  DeferredAttrs,
  dictKey,
  formatTensorShape,
  int,
  str,
  toConfig,
  tuple,
  unknown,
  force,
  type CallSite,
  type ClassV,
  type InstanceV,
  type ModuleBookkeeping,
  type ModuleRec,
  type TensorV,
  type Value,
} from './values';

/** The symbol that stands for the unknown leading dims of an unranked tensor inside a layer rule. */
const ELLIPSIS_DIM = '…';

/** What the layer functions need of the module system that owns the records. */
export interface LayerModuleHost {
  readonly interp: Interpreter;
  readonly moduleClass: ClassV;
  readonly moduleListClass: ClassV;
  readonly sequentialClass: ClassV;
  /** Tensors that are model inputs of unknown rank, refined by the first layer that needs a rank. */
  readonly inputTensors: Set<TensorV>;
  newModule(cls: ClassV, site: CallSite): InstanceV;
  setModuleAttr(inst: InstanceV, name: string, v: Value): void;
  layerClass(framework: Framework, name: string): ClassV | undefined;
  bookkeeping(rec: ModuleRec): ModuleBookkeeping;
  /** Repairs of layer mismatches, gathered per constructor call. */
  readonly repairBook: LayerRepairBook;
  /** Every module record by id (the producer of a tensor is named by its origin's moduleId). */
  readonly recordById: { get(id: number): ModuleRec | undefined };
  /** True when `inst` is being called by name at `site` (the layer's own call, not a container's). */
  isDirectCall(inst: InstanceV, site: CallSite): boolean;
}

/** Binds a layer's constructor arguments and exposes them as attributes, as PyTorch does. */
export function initLayer(host: LayerModuleHost, self: InstanceV, spec: LayerSpec, args: Value[], kwargs: Map<string, Value>, site: CallSite): void {
  const positional: ConfigValue[] = [];
  for (let i = 0; i < args.length; i++) positional.push(toConfig(args[i]));
  const keywords: Record<string, ConfigValue> = {};
  if (kwargs.size > 0) for (const [k, v] of kwargs) keywords[k] = toConfig(v);
  const { config, problems } = bindConfig(spec, positional, keywords);
  for (const p of problems) host.interp.report('invalid-argument', 'error', site, p);
  if (spec.validate) spec.validate(config, layerContext({ interp: host.interp, site }));
  const attrs = self.attrs;
  if (!spec.children && attrs instanceof DeferredAttrs && attrs.size === 1 && attrs.get('training') === FALSE && !passesParameter(args, kwargs)) {
    // A layer without children: its attributes are made when first used (DeferredAttrs), by the
    // same steps in the same order as below. Deferred attributes hold only weights made for them
    // (the shared-weight table skips them), so a layer given a parameter tensor is not deferred.
    const rec = self.mod!;
    rec.spec = spec;
    rec.config = config;
    host.bookkeeping(rec).declareLayerWeights(spec, config);
    attrs.defer((into) => {
      signatureAttrs(into, spec, config);
      argumentAttrs(into, spec, args, kwargs);
      storedAttrs(into, spec, config);
    });
    return;
  }
  configureLayer(host, self, spec, config, site);
  argumentAttrs(self.attrs, spec, args, kwargs);
  normaliseLayerAttrs(host, self, spec, config);
}

/** True when a constructor argument is a parameter tensor (which another module may hold). */
function passesParameter(args: Value[], kwargs: Map<string, Value>): boolean {
  for (let i = 0; i < args.length; i++) if (args[i].k === 'tensor' && (args[i] as TensorV).param) return true;
  if (kwargs.size > 0) for (const v of kwargs.values()) if (v.k === 'tensor' && v.param) return true;
  return false;
}

/** Attributes hold the Python values the user passed (or the defaults). */
function argumentAttrs(attrs: Map<string, Value>, spec: LayerSpec, args: Value[], kwargs: Map<string, Value>): void {
  const posParams = positionalParamsOf(spec.signature).params;
  for (let i = 0; i < args.length && i < posParams.length; i++) attrs.set(posParams[i].name, args[i]);
  if (kwargs.size > 0) for (const [k, v] of kwargs) attrs.set(k, v);
}

/** Every parameter of the layer's signature not set yet, from its bound config. */
function signatureAttrs(attrs: Map<string, Value>, spec: LayerSpec, config: LayerConfig): void {
  for (const p of spec.signature) if (!attrs.has(p.name)) attrs.set(p.name, fromConfig(config[p.name] ?? null));
}

/** The sizes the framework stores in another form and the weights, as attributes. */
function storedAttrs(attrs: Map<string, Value>, spec: LayerSpec, cfg: LayerConfig): void {
  const stored = spec.storedAttributes?.(cfg);
  if (stored) for (const key of Object.keys(stored)) attrs.set(key, fromConfig(stored[key]));
  const weights = spec.weights?.(cfg);
  if (weights) for (const name of Object.keys(weights)) {
    const shape = weights[name];
    attrs.set(name, shape ? { k: 'tensor', shape, ranked: true, dtype: 'float', field: null, origin: null, param: true } : NONE);
  }
}

/** Sets a module's layer spec/config and creates the composite layer's children. */
export function configureLayer(host: LayerModuleHost, self: InstanceV, spec: LayerSpec, config: LayerConfig, site: CallSite): void {
  const rec = self.mod!;
  rec.spec = spec;
  rec.config = config;
  signatureAttrs(self.attrs, spec, config);
  if (!spec.children) return;
  for (const child of spec.children(config) ?? []) {
    const parts = child.name.split('.');
    let parent = self;
    for (const part of parts.slice(0, -1)) {
      let next = parent.mod!.children.get(part);
      if (!next) {
        next = host.newModule(host.moduleListClass, site);
        host.setModuleAttr(parent, part, next);
      }
      parent = next;
    }
    let inst: InstanceV;
    if (child.layer === 'ModuleList' || child.layer === 'Sequential') inst = host.newModule(child.layer === 'ModuleList' ? host.moduleListClass : host.sequentialClass, site);
    else {
      const cls = host.layerClass(spec.framework, child.layer);
      inst = host.newModule(cls ?? host.moduleClass, site);
      const childSpec = cls?.layer;
      if (childSpec) {
        const full: LayerConfig = {};
        for (const p of childSpec.signature) if ('default' in p) full[p.name] = p.default as ConfigValue;
        Object.assign(full, child.config);
        configureLayer(host, inst, childSpec, full, site);
        normaliseLayerAttrs(host, inst, childSpec, full);
      }
    }
    host.setModuleAttr(parent, parts[parts.length - 1], inst);
  }
}

/**
 * The attributes a layer's constructor creates beyond its arguments, from its catalogue entry:
 * its weights as parameter tensors (`F.conv2d(x, self.weight)` needs them) and the sizes the
 * framework stores in another form (PyTorch's conv tuples).
 */
export function normaliseLayerAttrs(host: LayerModuleHost, self: InstanceV, spec: LayerSpec, cfg: LayerConfig): void {
  // Reassigning a layer's own weight or bias registers nothing new.
  host.bookkeeping(self.mod!).declareLayerWeights(spec, cfg);
  storedAttrs(self.attrs, spec, cfg);
}

/** Applies a catalogue layer's rule to a call's arguments. */
export function applyLayer(host: LayerModuleHost, self: InstanceV, spec: LayerSpec, args: Value[], kwargs: Map<string, Value>, site: CallSite): Value {
  const rec = self.mod!;
  const cfg = rec.config ?? {};
  const extra = host.bookkeeping(rec);
  // An RNN given a PackedSequence runs on the padded batch behind it and packs its output again.
  const packed = spec.family === 'recurrent' && args[0] ? packedPadding(args[0]) : null;
  if (packed) {
    const batchFirst = cfg.batch_first === true;
    const out = applyLayer(host, self, spec, [unpackForLayer(args[0], batchFirst), ...args.slice(1)], kwargs, site);
    return repackLayerOutput(args[0] as InstanceV, out, batchFirst);
  }
  for (const a of args) if (a.k === 'tensor' && !a.ranked) refineRank(host, a, spec, cfg);
  const layerArgs: LayerValue[] = [];
  for (let i = 0; i < args.length; i++) layerArgs.push(toLayerValue(args[i]));
  const layerKwargs: Record<string, LayerValue> = {};
  if (kwargs.size > 0) for (const [k, v] of kwargs) layerKwargs[k] = toLayerValue(v);
  // Keras layers also take their inputs by keyword (`mha(query=x, value=y, key=x)`, `layer(inputs=x)`):
  // the parameter count and notation then read them in Keras's positional order.
  const byKeyword = spec.framework === 'keras' && layerArgs.length === 0 ? ['inputs', 'query', 'value', 'key'].filter((k) => k in layerKwargs).map((k) => layerKwargs[k]) : null;
  const ruleInputs = byKeyword && byKeyword.length ? byKeyword : layerArgs;
  const input = (args.find((a) => a.k === 'tensor') ?? firstTensorOf(args[0]?.k === 'list' ? { k: 'tuple', items: args[0].items } : NONE) ?? undefined) as TensorV | undefined;
  // Mismatches are collected first so that the message can lead with the step's notation.
  const ctx = new LayerCallContext(host.interp, site);
  let res: LayerValue;
  try {
    res = spec.forward(cfg, layerArgs, layerKwargs, ctx);
  } catch (e) {
    // A rule that throws is a bug of the catalogue, not a construct the analysis cannot follow.
    host.interp.report('internal', 'info', site, `internal error in the ${spec.name} rule: ${(e as Error).message}`);
    res = { kind: 'unknown' };
  }
  let mismatches = ctx.mismatches;
  if (mismatches && fitsSomeRank(spec, cfg, args, kwargs, ctx)) {
    // An input whose leading dims are unknown (…) may have the rank the layer needs: no error rests
    // on it, but the layer's output is not known either.
    host.interp.gap(site, `${rec.name || spec.name}: the rank of its input is not known here (${mismatches[0]}), so its output is unknown`);
    mismatches = null;
    res = { kind: 'unknown' };
  }
  if (mismatches) reportLayerMismatch(host, spec, cfg, input ?? null, layerArgs, res, mismatches, site, { rec, direct: host.isDirectCall(self, site) });
  else if (spec.forwardChildren && !host.interp.callingChildren.has(rec.id)) runChildren(host, self, spec, cfg, layerArgs, layerKwargs, site);
  const inputTensor = input ?? null;
  let geometry = null;
  try {
    geometry = spec.geometry?.(cfg, layerArgs) ?? null;
  } catch {
    geometry = null;
  }
  // Attention (and every transformer built on it) mixes every position with every other: no
  // local field survives it.
  const mixesPositions = Boolean(spec.attention) || spec.family === 'transformer' || spec.family === 'attention';
  let outValue = fromLayerValue(res, mixesPositions ? null : inputTensor, geometry, spec.framework !== 'pytorch');
  // Merge layers (Keras Add/Multiply/Concatenate on a list) merge the fields of all their inputs.
  // The inputs are gathered only for a layer without geometry that keeps positions apart.
  const all: TensorV[] = [];
  if (!geometry && !mixesPositions) for (let i = 0; i < args.length; i++) collectTensors(args[i], all);
  if (!geometry && !mixesPositions && all.length > 1 && outValue.k === 'tensor' && outValue.ranked) {
    let field: ReceptiveField | null = null;
    for (const t of all) if (t.field && t.ranked && t.shape.length === outValue.shape.length) field = field ? mergeFields(field, t.field) : t.field;
    outValue = { ...outValue, field };
  }
  if (!extra.layerCall) {
    const safe = <T>(f: () => T): T | null => {
      try {
        return f();
      } catch {
        return null;
      }
    };
    extra.layerCall = {
      notation: safe(() => spec.notation?.(cfg, ruleInputs, res) ?? null),
      formula: safe(() => spec.formula?.(cfg, ruleInputs, res) ?? null),
      macs: safe(() => spec.macs?.(cfg, ruleInputs, res) ?? null),
      geometry,
      inputs: ruleInputs,
    };
    extra.inputs = ruleInputs;
  }
  return outValue;
}

/**
 * The context of one layer call: mismatches are collected (the message leads with the step's
 * notation), invalid arguments and gaps reported at the call. One object per call, with its
 * methods on the prototype, rather than an object and three closures.
 */
class LayerCallContext implements LayerContext {
  /** The mismatches reported so far, made on the first. */
  mismatches: string[] | null = null;

  constructor(
    private readonly interp: Interpreter,
    private readonly site: CallSite,
  ) {}

  mismatch(message: string): void {
    (this.mismatches ??= []).push(message);
  }

  invalid(message: string): void {
    this.interp.report('invalid-argument', 'error', this.site, message);
  }

  gap(message: string): void {
    this.interp.gap(this.site, message);
  }
}

/** Every tensor of a value, nested lists and tuples followed in order. */
function collectTensors(v: Value, out: TensorV[]): void {
  if (v.k === 'tensor') out.push(v);
  else if (v.k === 'list' || v.k === 'tuple') for (let i = 0; i < v.items.length; i++) collectTensors(v.items[i], out);
}

/** Reports a layer's shape mismatch in the tutorial's words, naming where the input came from. */
export function reportLayerMismatch(
  host: LayerModuleHost,
  spec: LayerSpec,
  cfg: LayerConfig,
  input: TensorV | null,
  layerArgs: LayerValue[],
  res: LayerValue,
  messages: string[],
  site: CallSite,
  at: { rec: ModuleRec; direct: boolean } | null = null,
): void {
  const origin = input?.origin ?? null;
  // A layer whose weight the code replaced computes with that weight: its declared sizes are not
  // what PyTorch checks, so the disagreement is not certain (a warning, without a repair).
  const replaced = at ? [...(host.bookkeeping(at.rec).replacedWeights ?? [])] : [];
  if (replaced.length) {
    for (const m of messages) host.interp.report('shape-mismatch', 'warning', site, `${m} — not certain: its ${replaced.join(' and ')} was replaced after construction, and PyTorch computes with that`);
    return;
  }
  // The repair: the constructor argument (edited where the layer was made) or the restoring layout (at a direct call).
  const param = sizeParamOf(spec.name);
  const defSpan = at ? host.bookkeeping(at.rec).defSpan : null;
  const repair = host.repairBook.details({
    layer: spec.name,
    typeName: at?.rec.type ?? spec.name,
    expected: param ? cfg[param.param] : null,
    input,
    ctor: defSpan ? { file: host.interp.main, span: defSpan } : null,
    call: at?.direct && site.file.isMain ? site : null,
    producer: producerOf(host, input),
    parts: input?.catParts ? input.catParts.parts.map((p) => ({ producer: producerOf(host, p), size: p.shape[input.catParts!.axis] })) : [],
    partsAxis: input?.catParts?.axis ?? null,
  });
  const related = origin ? [{ span: origin.span, line: origin.line, message: `${origin.what} gives ${formatTensorShape(input!)}` }] : [];
  if (input && spec.mismatchMessage) {
    const own = spec.mismatchMessage(cfg, {
      shapeText: formatTensorShape(input),
      last: input.shape.length ? input.shape[input.shape.length - 1] : null,
      source: origin ? `${origin.what} (line ${origin.line})` : null,
    });
    if (own) {
      repair.attach(host.interp.report('shape-mismatch', 'error', site, own, related, repair.details));
      return;
    }
  }
  let notation: string | null = null;
  try {
    notation = spec.notation?.(cfg, layerArgs, res) ?? null;
  } catch {
    notation = null;
  }
  const operands = notation ? notation.split(/=|→/)[0].trim() : null;
  const by = origin ? ` — ${origin.what} (line ${origin.line}) gives ${formatTensorShape(input!)}` : '';
  messages.forEach((m, i) => {
    const finding = host.interp.report('shape-mismatch', 'error', site, `${operands ? `${operands}: ` : ''}${m}${by}`, related, i === 0 ? repair.details : {});
    if (i === 0) repair.attach(finding);
  });
}

/** The catalogue layer whose call made a tensor, with its constructor call when that is in the analysed file. */
export function producerOf(host: LayerModuleHost, input: TensorV | null): LayerProducer | null {
  const id = input?.origin?.producerId ?? input?.origin?.moduleId;
  const rec = id === undefined ? undefined : host.recordById.get(id);
  if (!rec || !rec.spec || !rec.config) return null;
  const book = host.bookkeeping(rec);
  return { layer: rec.spec.name, typeName: rec.type, config: rec.config, ctor: book.defSpan ? { file: host.interp.main, span: book.defSpan } : null, path: book.path || rec.name || rec.type };
}

/**
 * Runs a composite layer's children as its forward does (LayerSpec.forwardChildren), so each
 * records its first call. A child named with dots (`layers.0`) is found through the registered
 * containers.
 */
function runChildren(host: LayerModuleHost, self: InstanceV, spec: LayerSpec, cfg: LayerConfig, args: LayerValue[], kwargs: Record<string, LayerValue>, site: CallSite): void {
  const rec = self.mod!;
  const call = (name: string, childArgs: LayerValue[], childKwargs: Record<string, LayerValue> = {}): LayerValue => {
    let child: Value | undefined = self;
    for (const part of name.split('.')) child = child?.k === 'instance' ? child.mod?.children.get(part) : undefined;
    if (!child || child.k !== 'instance') return { kind: 'unknown' };
    const toValue = (v: LayerValue): Value => fromLayerValue(v, null, null);
    const pyKwargs = new Map<string, Value>();
    for (const [k, v] of Object.entries(childKwargs)) pyKwargs.set(k, toValue(v));
    return toLayerValue(host.interp.call(child, childArgs.map(toValue), pyKwargs, site));
  };
  host.interp.callingChildren.add(rec.id);
  try {
    spec.forwardChildren!(cfg, args, kwargs, call);
  } catch (e) {
    host.interp.report('internal', 'info', site, `internal error in the ${spec.name} children rule: ${(e as Error).message}`);
  } finally {
    host.interp.callingChildren.delete(rec.id);
  }
}

/** An unranked input meeting a layer that expects one layout: fix the rank with the entry's named dims. */
export function refineRank(host: LayerModuleHost, t: TensorV, spec: LayerSpec, cfg: LayerConfig): void {
  const layout = spec.inputLayout?.(cfg);
  if (!layout) return;
  const shape = [...layout.shape];
  // Keep trailing facts already known.
  const known = t.shape;
  for (let i = 0; i < known.length && i < shape.length; i++) shape[shape.length - known.length + i] = known[i];
  t.shape = shape;
  t.ranked = true;
  if (host.inputTensors.has(t) && shape.length >= 3 && layout.startsField) t.field = identityField(shape.length - 2);
}

export function firstTensorOf(v: Value): TensorV | null {
  if (v.k === 'tensor') return v;
  if (v.k === 'tuple') for (const i of v.items) {
    const t = firstTensorOf(i);
    if (t) return t;
  }
  return null;
}

/** A catalogue config value as a Python value. */
export function fromConfig(c: ConfigValue): Value {
  if (c === null) return NONE;
  if (typeof c === 'number') return Number.isInteger(c) ? int(c) : { k: 'float', v: c };
  if (typeof c === 'boolean') return c ? TRUE : FALSE;
  if (typeof c === 'string') return str(c);
  if (Array.isArray(c)) return tuple(c.map(fromConfig));
  if (typeof c === 'object' && 'kind' in c && ((c as { kind: string }).kind === 'sym' || (c as { kind: string }).kind === 'unknown')) return int(c as Dim);
  const d: Value = { k: 'dict', entries: new Map() };
  for (const [k, v] of Object.entries(c as Record<string, ConfigValue>)) {
    const key = str(k);
    d.entries.set(dictKey(key)!, { key, value: fromConfig(v) });
  }
  return d;
}

/**
 * True when some of the arguments are tensors of unknown rank and the rule accepts them at some
 * rank (their unknown prefix as 0 to 4 dims): a mismatch found on the `…` form is then not certain.
 */
function fitsSomeRank(spec: LayerSpec, cfg: LayerConfig, args: Value[], kwargs: Map<string, Value>, ctx: Parameters<LayerSpec['forward']>[3]): boolean {
  const unranked = (v: Value): boolean => (v.k === 'tensor' ? !v.ranked : (v.k === 'tuple' || v.k === 'list') && v.items.some(unranked));
  if (!args.some(unranked) && ![...kwargs.values()].some(unranked)) return false;
  const withRank = (v: Value, extra: number): LayerValue => {
    if (v.k === 'tensor' && !v.ranked) return { kind: 'tensor', shape: [...Array.from({ length: extra }, () => unknownDim()), ...(v.shape.length ? v.shape : [unknownDim()])], dtype: v.dtype };
    if (v.k === 'tuple' || v.k === 'list') return { kind: 'tuple', items: v.items.map((i) => withRank(i, extra)) };
    return toLayerValue(v);
  };
  for (let extra = 0; extra <= 4; extra++) {
    let failed = false;
    // A silent context: trials report nothing.
    const trial = { ...ctx, mismatch: () => void (failed = true), invalid: () => void (failed = true), gap: () => undefined };
    const kw: Record<string, LayerValue> = {};
    for (const [k, v] of kwargs) kw[k] = withRank(v, extra);
    try {
      spec.forward(cfg, args.map((a) => withRank(a, extra)), kw, trial);
    } catch {
      failed = true;
    }
    if (!failed) return true;
  }
  return false;
}

/** A Python value as a layer-rule value; unranked tensors carry their unknown prefix as `…`. */
export function toLayerValue(v: Value): LayerValue {
  v = force(v);
  switch (v.k) {
    case 'tensor': {
      const shape = v.ranked ? v.shape : [symDim(ELLIPSIS_DIM), ...(v.shape.length ? v.shape : [unknownDim()])];
      // The flag only when set, as before, without spreading an object on every layer call.
      return v.dtypeUncertain ? { kind: 'tensor', shape, dtype: v.dtype, dtypeUncertain: true } : { kind: 'tensor', shape, dtype: v.dtype };
    }
    case 'tuple':
    case 'list':
      return { kind: 'tuple', items: v.items.map(toLayerValue) };
    case 'none':
      return { kind: 'none' };
    case 'unknown':
      return { kind: 'unknown' };
    default:
      return { kind: 'const', value: toConfig(v) };
  }
}

function isEllipsisDim(d: Dim): boolean {
  // Only the lone symbol `…` prints as `…`: other dims are told apart without printing them.
  return !isKnown(d) && !isUnknown(d) && d.terms.size === 1 && d.terms.has(ELLIPSIS_DIM) && formatDim(d) === ELLIPSIS_DIM;
}

/** A layer-rule value back as a Python value, with the receptive field composed. */
export function fromLayerValue(v: LayerValue, input: TensorV | null, geometry: Geometry | null, channelsLast = false): Value {
  switch (v.kind) {
    case 'tensor': {
      let shape = [...v.shape];
      let ranked = true;
      if (shape.length && isEllipsisDim(shape[0])) {
        ranked = false;
        shape = shape.slice(1);
        while (shape.length && isUnknown(shape[0])) shape.shift();
      } else if (shape.some(isEllipsisDim)) {
        ranked = false;
        shape = shape.slice(shape.findIndex(isEllipsisDim) + 1);
      }
      let field: ReceptiveField | null = null;
      if (input?.field && ranked) {
        const axes = input.field.axes;
        if (axes) {
          // A channels-last view (convnext's LayerNorm and pointwise Linears between two
          // permutes): a layer that keeps the spatial axes keeps the field; a kernel's geometry
          // describes other axes, so it ends the field.
          if (!geometry && input.ranked && shape.length === input.shape.length && axes.every((a) => sameDim(input.shape[a], shape[a]) || compareDims(input.shape[a], shape[a]) === 'equal')) field = input.field;
        } else if (geometry) field = composeField(input.field, geometry);
        else if (input.ranked && shape.length === input.shape.length && sameSpatial(input.shape, shape, input.field.size.length, channelsLast)) field = input.field;
      }
      return { k: 'tensor', shape, ranked, dtype: v.dtype, field, origin: null };
    }
    case 'tuple':
      return tuple(v.items.map((i) => fromLayerValue(i, input, geometry, channelsLast)));
    case 'none':
      return NONE;
    case 'const':
      return fromConfig(v.value);
    default:
      return unknown('layer output unknown');
  }
}

/** Whether two shapes agree on their spatial axes: the last n (PyTorch's NC…) or the n after the batch (channels-last). */
function sameSpatial(a: Dim[], b: Dim[], n: number, channelsLast: boolean): boolean {
  for (let i = 0; i < n; i++) {
    const ia = channelsLast ? 1 + i : a.length - n + i;
    const ib = channelsLast ? 1 + i : b.length - n + i;
    if (!sameDim(a[ia], b[ib]) && compareDims(a[ia], b[ib]) !== 'equal') return false;
  }
  return true;
}
