// The abstract values the Python interpreter computes with. Integers may be symbolic dimensions
// (so `B, T, D = x.shape` followed by `x.view(B, T, 4, D // 4)` stays exact), tensors carry a
// shape, a dtype and the receptive field of their units relative to the model input, and anything
// the analysis cannot know is an explicit unknown that remembers why.

import type { Dim } from '../shapes';
import { compareDims, formatDim, formatShape, isKnown, unknownDim } from '../shapes';
import type { ConfigValue, LayerConfig, LayerSpec, LayerValue } from '../layers/catalogue';
import type { Fix, Framework, Geometry, ReceptiveField, Span } from '../types';
import type { ClassDef, Expr, FunctionDef } from './ast';

/** A source file the interpreter reads: the analysed document or an imported module. */
export interface SourceFile {
  path: string;
  text: string;
  /** True for the analysed document: only its spans appear in the Analysis. */
  isMain: boolean;
  /** Start offset of each line, for offset → line. */
  lineStarts: number[];
}

/** The receptive field a tensor's units have on the model input (spatial axes are the last ones). */
export interface FieldState {
  field: ReceptiveField;
}

/** A tensor: its shape (`ranked` false means only the trailing dims are known), dtype and field. */
export interface TensorV {
  k: 'tensor';
  shape: Dim[];
  ranked: boolean;
  dtype: 'float' | 'long' | 'bool';
  /**
   * Set when the dtype is a default, not a fact: a model input nobody bound may hold token ids as
   * well as floats, so no dtype check may fail on it (or on what is computed from it).
   */
  dtypeUncertain?: boolean;
  field: ReceptiveField | null;
  /** Where the tensor was produced, for explanations in findings. */
  /**
   * The module call that made the tensor last (`moduleId` names its record), for messages and
   * repairs; `producerId` names the last layer that set a size of it (a convolution's channels).
   */
  origin: { span: Span; line: number; what: string; moduleId?: number; producerId?: number } | null;
  /**
   * The values of a small tensor computed from constants (`torch.arange(depth) * w_a + w_0`),
   * row-major: configuration code (RegNet's widths) computes sizes this way.
   */
  data?: number[];
  /** Set on tensors wrapped in nn.Parameter: assigning one to a module registers a parameter. */
  param?: boolean;
  /** The einsum-like notation of the operation that made this tensor (`@`), for its hint. */
  notation?: string;
  /**
   * What the op that made this tensor would have given with one of its literal dims written
   * otherwise (a cat along another dim, a flatten from another dim), each with the edit that
   * writes it so. A consumer that disagrees with this tensor but agrees with a remake offers that
   * edit: the slip is often the producer's dim. Shape-changing ops drop them (`out`), ops that
   * keep the shape keep them (`same`).
   */
  remakes?: TensorRemake[];
  /** Set on a cat's result: the tensors it joined and along which dim (a wrong size may be one part's). */
  catParts?: { axis: number; parts: TensorV[] };
}

/** One alternative result of the op that made a tensor, and the fix of its written dim that gives it. */
export interface TensorRemake {
  shape: Dim[];
  fix: Fix;
}

/** An ordered, mutable Python dict with str/int keys (enough for configs and ModuleDicts). */
export interface DictV {
  k: 'dict';
  entries: Map<string, { key: Value; value: Value }>;
  ordered?: boolean;
}

/** A Python function or lambda with its defining scope. */
export interface FuncV {
  k: 'func';
  name: string;
  def: FunctionDef | { lambda: true; params: FunctionDef['params']; body: Expr; from: number; to: number };
  closure: Scope;
  file: SourceFile;
  /** Evaluated default values, by parameter name. */
  defaults: Map<string, Value>;
  decorators: string[];
  /** The class whose body defined it (for zero-argument `super()`). */
  owner: ClassV | null;
}

/** A native function implemented by the interpreter. */
export interface BuiltinV {
  k: 'builtin';
  name: string;
  fn: NativeFn;
  /** Read from a class, it binds to that class (a native classmethod: `Function.apply`). */
  classmethod?: boolean;
}

/** A native function's signature: positional and keyword values, and the call site. */
export type NativeFn = (args: Value[], kwargs: Map<string, Value>, site: CallSite) => Value;

/** Where a call happens: the node, for spans, findings and annotations. */
export interface CallSite {
  from: number;
  to: number;
  file: SourceFile;
}

/** A function bound to its first argument (a method on an instance or class). */
export interface BoundV {
  k: 'bound';
  fn: Value;
  self: Value;
}

/** `functools.partial(fn, *args, **kwargs)`. */
export interface PartialV {
  k: 'partial';
  fn: Value;
  args: Value[];
  kwargs: Map<string, Value>;
}

/** Built-in class behaviours the interpreter implements natively. */
export type NativeKind = 'object' | 'Module' | 'Sequential' | 'ModuleList' | 'ModuleDict' | 'Parameter' | 'Enum' | 'Exception' | 'NamedTuple' | 'KerasModel';

/** A class: user-defined, a catalogue layer, or a native one (nn.Module, nn.Sequential). */
export interface ClassV {
  k: 'class';
  name: string;
  bases: ClassV[];
  ns: Map<string, Value>;
  def: ClassDef | null;
  file: SourceFile | null;
  /** Set on catalogue layer classes (nn.Conv2d): the entry that gives their behaviour. */
  layer: LayerSpec | null;
  native: NativeKind | null;
  /** Method resolution order, this class first (C3 is overkill here: depth-first, left-to-right, deduped). */
  mro: ClassV[];
  isDataclass?: boolean;
  /** A dataclass's or NamedTuple's own fields in declaration order (the MRO supplies the rest). */
  fields?: string[];
}

/** The bookkeeping of one nn.Module instance, mirroring what PyTorch keeps in `_modules`. */
export interface ModuleRec {
  id: number;
  type: string;
  framework: Framework;
  /** The catalogue entry when the module is (or subclasses) a layer. */
  spec: LayerSpec | null;
  config: LayerConfig | null;
  /** The child modules by attribute name; NO_CHILDREN until the first is set (see ownChildren). */
  children: Map<string, InstanceV>;
  span: Span;
  line: number;
  calls: number;
  firstCall: {
    inputs: Value[];
    output: Value;
    span: Span;
    notation: string | null;
    formula: string | null;
    macs: number | null;
    geometry: Geometry | null;
  } | null;
  field: ReceptiveField | null;
  /** Keras layer names, set by name= or derived from the class. */
  name?: string;
}

/**
 * The bookkeeping beside a module record (ModuleBookkeeping). Its parameter map and layer-parameter
 * set are made on first use: most modules register no nn.Parameter, and containers declare no layer
 * weights, yet each module lives until its analysis ends, so two empty collections per module were
 * copied by every scavenge. `peekParams`/`peekLayerParams` read without making them.
 */
export class Bookkeeping implements ModuleBookkeeping {
  layerCall: ModuleBookkeeping['layerCall'] = null;
  path: string | null = null;
  inputs: LayerValue[] | null = null;
  movedParams?: Map<string, Dim[]>;
  replacedWeights?: Set<string>;
  private paramsMade: Map<string, Dim[] | null> | null = null;
  private layerParamsMade: Set<string> | null = null;
  /** The catalogue layer whose weights the layer-parameter set starts with, until the set is made. */
  private declaredSpec: LayerSpec | null = null;
  private declaredConfig: LayerConfig | null = null;

  constructor(public defSpan: { from: number; to: number } | null) {}

  get params(): Map<string, Dim[] | null> {
    return (this.paramsMade ??= new Map());
  }

  set params(map: Map<string, Dim[] | null>) {
    this.paramsMade = map;
  }

  get layerParams(): Set<string> {
    return (this.layerParamsMade ??= this.makeLayerParams());
  }

  set layerParams(set: Set<string>) {
    this.declaredSpec = null;
    this.layerParamsMade = set;
  }

  /**
   * Declares a catalogue layer's own parameters (weight, bias and the weights its entry lists).
   * The set is made when first read, since most layers are never asked.
   */
  declareLayerWeights(spec: LayerSpec, cfg: LayerConfig): void {
    if (this.layerParamsMade || this.declaredSpec) {
      addLayerWeights(this.layerParams, spec, cfg);
      return;
    }
    this.declaredSpec = spec;
    this.declaredConfig = cfg;
  }

  private makeLayerParams(): Set<string> {
    const set = new Set<string>();
    const spec = this.declaredSpec;
    if (spec) {
      const cfg = this.declaredConfig!;
      this.declaredSpec = null;
      this.declaredConfig = null;
      addLayerWeights(set, spec, cfg);
    }
    return set;
  }

  /** The parameter map if one was made (null: no parameter registered). */
  peekParams(): ReadonlyMap<string, Dim[] | null> | null {
    return this.paramsMade;
  }

  /** The layer-parameter set if one was made (null: none declared). */
  peekLayerParams(): ReadonlySet<string> | null {
    return this.declaredSpec ? this.layerParams : this.layerParamsMade;
  }
}

/**
 * An empty map shared by many owners that would each hold an empty map of their own (a call's
 * keywords, a module's children): nothing may write to it, and a write fails loudly with the
 * message `writeError` makes, instead of leaking an entry into every other owner.
 */
export class SharedEmptyMap<K, V> extends Map<K, V> {
  constructor(private readonly writeError: (key: K) => string) {
    super();
  }

  override set(key: K): this {
    throw new Error(this.writeError(key));
  }
}

/**
 * The children of every module that has none yet. Most modules of a model are layers without
 * children, and every module lives until its analysis ends: one shared empty map instead of one
 * each keeps them out of every scavenge.
 */
export const NO_CHILDREN: ReadonlyMap<string, InstanceV> = new SharedEmptyMap<string, InstanceV>(() => 'a module child was set on the shared empty children map (use ownChildren)');

/** A module's own children map, made on the first child. */
export function ownChildren(rec: ModuleRec): Map<string, InstanceV> {
  return rec.children === NO_CHILDREN ? (rec.children = new Map()) : rec.children;
}

/**
 * The attributes of a catalogue layer, made when first used. A layer's constructor stores its
 * arguments, defaults, stored sizes and weight tensors as attributes, as PyTorch does, but most
 * layers of a model are only called, never read by attribute, and every module lives until its
 * analysis ends: making them on first use keeps those objects out of every scavenge. Every Map
 * operation first runs the pending fill, so readers see the same entries in the same order.
 */
export class DeferredAttrs extends Map<string, Value> {
  private pending: ((attrs: Map<string, Value>) => void) | null = null;

  /** Defers the fill of a layer's attributes; `fill` sets them, after the entries already here. */
  defer(fill: (attrs: Map<string, Value>) => void): void {
    this.settle();
    this.pending = fill;
  }

  /** True while the fill has not run (no one has used the attributes since the constructor). */
  get deferred(): boolean {
    return this.pending !== null;
  }

  private settle(): void {
    const fill = this.pending;
    if (fill) {
      this.pending = null;
      fill(this);
    }
  }

  override get(key: string): Value | undefined {
    if (this.pending) this.settle();
    return super.get(key);
  }
  override has(key: string): boolean {
    if (this.pending) this.settle();
    return super.has(key);
  }
  override set(key: string, value: Value): this {
    if (this.pending) this.settle();
    return super.set(key, value);
  }
  override delete(key: string): boolean {
    if (this.pending) this.settle();
    return super.delete(key);
  }
  override clear(): void {
    this.pending = null;
    super.clear();
  }
  override get size(): number {
    if (this.pending) this.settle();
    return super.size;
  }
  override forEach(callback: (value: Value, key: string, map: Map<string, Value>) => void, thisArg?: unknown): void {
    if (this.pending) this.settle();
    super.forEach(callback, thisArg);
  }
  override entries(): ReturnType<Map<string, Value>['entries']> {
    if (this.pending) this.settle();
    return super.entries();
  }
  override keys(): ReturnType<Map<string, Value>['keys']> {
    if (this.pending) this.settle();
    return super.keys();
  }
  override values(): ReturnType<Map<string, Value>['values']> {
    if (this.pending) this.settle();
    return super.values();
  }
  override [Symbol.iterator](): ReturnType<Map<string, Value>['entries']> {
    if (this.pending) this.settle();
    return super[Symbol.iterator]();
  }
}

/** A catalogue layer's own parameters: weight, bias and the weights its entry lists. */
function addLayerWeights(set: Set<string>, spec: LayerSpec, cfg: LayerConfig): void {
  set.add('weight');
  set.add('bias');
  const weights = spec.weights?.(cfg);
  if (weights) for (const name of Object.keys(weights)) set.add(name);
}

/**
 * What the module system tracks beside a ModuleRec while a model builds: the module's own
 * parameters, its layer rule's first call, its path under the model being built.
 */
export interface ModuleBookkeeping {
  /** Own nn.Parameter registrations: name → shape (null when unknown). */
  params: Map<string, Dim[] | null>;
  /** Notation etc. from the layer rule of this module's first call. */
  layerCall: { notation: string | null; formula: string | null; macs: number | null; geometry: Geometry | null; inputs: LayerValue[] } | null;
  /** Construction span when it is directly in the main file (for 'layer' hints). */
  defSpan: { from: number; to: number } | null;
  /** The qualified path under the model being built (`features.0`), once assigned. */
  path: string | null;
  /** The layer-rule values of the first call's inputs, for parameter counts that need them. */
  inputs: LayerValue[] | null;
  /** Parameters the layer itself declares (weight, bias): reassigning them adds nothing. */
  layerParams: Set<string>;
  /** Adds a catalogue layer's weight, bias and listed weights to layerParams (made when first read). */
  declareLayerWeights(spec: LayerSpec, cfg: LayerConfig): void;
  /** Layer weights a parametrization moved to a child module (counted there, not here). */
  movedParams?: Map<string, Dim[]>;
  /**
   * Layer weights replaced after construction by a tensor whose shape is not certainly the
   * declared one (`conv.weight.data = W`): PyTorch computes with the new weight, so the layer's
   * size arguments no longer decide whether an input fits.
   */
  replacedWeights?: Set<string>;
}

/** An instance of a class; modules carry a ModuleRec. */
export interface InstanceV {
  k: 'instance';
  cls: ClassV;
  attrs: Map<string, Value>;
  mod: ModuleRec | null;
  /** Set when the instance was built with no arguments: such a model may reuse its subtree. */
  defaultConstructed?: boolean;
}

/** A namespace: a Python module (torch, torch.nn, a workspace file) resolving attributes lazily. */
export interface NamespaceV {
  k: 'namespace';
  name: string;
  get(attr: string): Value | undefined;
  /** A workspace file's top-level scope, once it has run (`from pkg import name` reads it). */
  scope?: Scope;
  /** Runs a lazily loaded workspace file's top level, so that its scope is complete. */
  force?: () => void;
  /** Assigns an attribute (`nn.MaskedLinear = MaskedLinear`), for namespaces that accept it. */
  set?: (attr: string, v: Value) => void;
}

/** A value the analysis cannot know, with the reason and where it arose. */
export interface UnknownV {
  k: 'unknown';
  reason: string;
  span: Span | null;
}

/** Every abstract value. */
export type Value =
  | { k: 'none' }
  | { k: 'bool'; v: boolean }
  | { k: 'int'; v: Dim }
  /**
   * A float; `dim` keeps the exact quotient when the float is a division of sizes that divides
   * evenly (`int(a / b)` then stays a size).
   */
  | { k: 'float'; v: number; dim?: Dim }
  | { k: 'str'; v: string }
  | { k: 'tuple'; items: Value[] }
  /**
   * A list; `truncated` marks one cut at the iteration cap (its length is then unknown), and
   * `generator` one made by a generator expression.
   */
  | { k: 'list'; items: Value[]; truncated?: boolean; generator?: boolean }
  | { k: 'set'; items: Value[] }
  | DictV
  | { k: 'slice'; lo: Value; hi: Value; step: Value }
  | { k: 'ellipsis' }
  | FuncV
  | BuiltinV
  | BoundV
  | PartialV
  | ClassV
  | InstanceV
  | TensorV
  | NamespaceV
  | UnknownV
  | { k: 'dtype'; dtype: 'float' | 'long' | 'bool' }
  | { k: 'property'; getter: Value }
  | LazyV;

/**
 * A name imported from a workspace module, resolved on first real use: a model file that only
 * passes `ImageClassification` into a weights table never has to read the transforms package.
 */
export interface LazyV {
  k: 'lazy';
  resolve: () => Value;
  value?: Value;
  resolving?: boolean;
}

/** The value behind a lazy import (resolving it once); other values unchanged. */
export function force(v: Value): Value {
  // Most values are not lazy: no ring bookkeeping for them (this runs on every value a rule reads).
  if (v.k !== 'lazy') return v;
  const seen = new Set<LazyV>();
  while (v.k === 'lazy') {
    // Lazies that resolve to each other in a ring (a name re-exported by the module it is
    // imported from) have no value: unknown, never an endless loop. A ring may also make new
    // lazies on each turn (star imports re-binding a name), so a long chain counts as one too.
    if (seen.has(v) || seen.size > 64) return { k: 'unknown', reason: 'names that refer to each other in a ring', span: null };
    seen.add(v);
    if (!v.value) {
      // A value defined in terms of itself (`A = f(A)` in an enum body) is unknown, not a loop.
      if (v.resolving) return { k: 'unknown', reason: 'a value that refers to itself', span: null };
      v.resolving = true;
      try {
        // Forced while still marked as resolving, so that a ring of names (a package re-exporting
        // a module that imports the name back from the package) ends in an unknown, not a loop.
        v.value = force(v.resolve());
      } finally {
        v.resolving = false;
      }
    }
    v = v.value;
  }
  return v;
}

/** A lexical scope: local names plus the enclosing scope. */
export class Scope {
  readonly vars = new Map<string, Value>();
  globalNames: Set<string> | null = null;
  constructor(
    readonly parent: Scope | null,
    readonly file: SourceFile,
    /** Module-level scope of the file (for `global`). */
    readonly isModule = false,
  ) {}

  lookup(name: string): Value | undefined {
    for (let s: Scope | null = this; s; s = s.parent) {
      const v = s.vars.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  set(name: string, v: Value): void {
    if (this.globalNames?.has(name)) {
      let s: Scope = this;
      while (s.parent && !s.isModule) s = s.parent;
      s.vars.set(name, v);
      return;
    }
    this.vars.set(name, v);
  }
}

export const NONE: Value = { k: 'none' };
export const TRUE: Value = { k: 'bool', v: true };
export const FALSE: Value = { k: 'bool', v: false };

/** An integer value (possibly a symbolic dimension). */
export function int(v: Dim): Value {
  return { k: 'int', v };
}

/** A string value. */
export function str(v: string): Value {
  return { k: 'str', v };
}

/** A tuple value. */
export function tuple(items: Value[]): Value {
  return { k: 'tuple', items };
}

/** An unknown value with its reason. */
export function unknown(reason: string, span: Span | null = null): UnknownV {
  return { k: 'unknown', reason, span };
}

/** A fresh tensor value. */
export function tensor(shape: Dim[], dtype: TensorV['dtype'] = 'float', field: ReceptiveField | null = null, ranked = true): TensorV {
  return { k: 'tensor', shape, ranked, dtype, field, origin: null };
}

/** A tensor whose rank is unknown (nothing known about its dims). */
export function unrankedTensor(dtype: TensorV['dtype'] = 'float'): TensorV {
  return { k: 'tensor', shape: [], ranked: false, dtype, field: null, origin: null };
}

/** Python truthiness, or undefined when it cannot be known. */
export function truthy(v: Value): boolean | undefined {
  v = force(v);
  switch (v.k) {
    case 'none':
      return false;
    case 'bool':
      return v.v;
    case 'int':
      return isKnown(v.v) ? v.v !== 0 : compareDims(v.v, 0) === 'different' ? true : undefined;
    case 'float':
      return v.v !== 0;
    case 'str':
      return v.v.length > 0;
    case 'tuple':
    case 'list':
    case 'set':
      return v.items.length > 0;
    case 'dict':
      return v.entries.size > 0;
    case 'unknown':
    case 'tensor':
      return undefined;
    case 'instance':
      if (v.cls.native === 'ModuleList' || v.cls.native === 'Sequential' || v.cls.native === 'ModuleDict') return (v.mod?.children.size ?? 0) > 0;
      return true;
    default:
      return true;
  }
}

/** The dict key of a value (str and int keys; others are not supported as keys). */
export function dictKey(v: Value): string | null {
  return boundedDictKey(v, { left: MAX_DICT_KEY_CHARS });
}

/**
 * Dict keys longer than this are not built; the key is then unknown, as an unhashable one is. A
 * tuple nested in itself (`t = (t, t)` 30 times) would otherwise spell out a key of billions of
 * characters, exhausting the memory in one call (issue 19).
 */
const MAX_DICT_KEY_CHARS = 100_000;

/** dictKey, spending `budget.left` characters on the keys it builds, nested ones included. */
function boundedDictKey(v: Value, budget: { left: number }): string | null {
  v = force(v);
  let key: string | null = null;
  if (v.k === 'str') key = `s:${v.v}`;
  else if (v.k === 'int' && isKnown(v.v)) key = `i:${v.v}`;
  else if (v.k === 'bool') key = `i:${v.v ? 1 : 0}`;
  else if (v.k === 'none') key = 'none';
  else if (v.k === 'tuple') {
    const parts: string[] = [];
    for (const item of v.items) {
      const part = boundedDictKey(item, budget);
      if (part === null) return null;
      parts.push(part);
    }
    key = `t:(${parts.join(',')})`;
  } else if (v.k === 'class' || v.k === 'func') key = `o:${v.name}`;
  if (key === null) return null;
  budget.left -= key.length;
  return budget.left < 0 ? null : key;
}

/** The Python type name of a value, for messages. */
export function typeName(v: Value): string {
  v = force(v);
  switch (v.k) {
    case 'instance':
      return v.cls.name;
    case 'class':
      return 'type';
    case 'func':
    case 'builtin':
    case 'bound':
    case 'partial':
      return 'function';
    case 'tensor':
      return 'Tensor';
    default:
      return v.k;
  }
}

/** Prints a tensor's shape, `(…,2)` when the rank is unknown. */
export function formatTensorShape(t: TensorV): string {
  if (t.ranked) return formatShape(t.shape);
  return `(${['…', ...t.shape.map(formatDim)].join(',')})`;
}

/** Short printed form of a value for messages. */
export function describe(v: Value): string {
  v = force(v);
  switch (v.k) {
    case 'none':
      return 'None';
    case 'bool':
      return v.v ? 'True' : 'False';
    case 'int':
      return formatDim(v.v);
    case 'float':
      return String(v.v);
    case 'str':
      return JSON.stringify(v.v);
    case 'tuple':
      return `(${v.items.map(describe).join(', ')}${v.items.length === 1 ? ',' : ''})`;
    case 'list':
      return `[${v.items.map(describe).join(', ')}]`;
    case 'tensor':
      return `Tensor${formatTensorShape(v)}`;
    case 'instance':
      return v.cls.name;
    case 'class':
      return v.name;
    case 'func':
    case 'builtin':
      return v.name;
    case 'unknown':
      return '?';
    default:
      return v.k;
  }
}

/** The unknown dimension as a value-level integer. */
export function unknownInt(): Value {
  return { k: 'int', v: unknownDim() };
}

/** A Python value as a catalogue config value. */
export function toConfig(v: Value): ConfigValue {
  v = force(v);
  switch (v.k) {
    case 'int':
      return v.v as ConfigValue;
    case 'float': {
      if (v.dim !== undefined) return v.dim as ConfigValue;
      return Number.isNaN(v.v) ? (unknownDim() as ConfigValue) : v.v;
    }
    case 'bool':
      return v.v;
    case 'str':
      return v.v;
    case 'none':
      return null;
    case 'tuple':
    case 'list':
      return v.items.map(toConfig);
    case 'dict': {
      const o: Record<string, ConfigValue> = {};
      for (const e of v.entries.values()) if (e.key.k === 'str') o[e.key.v] = toConfig(e.value);
      return o;
    }
    case 'instance':
      if (v.mod?.spec && v.mod.config) return { layer: v.mod.spec.name, config: v.mod.config };
      return null;
    case 'class':
      return v.layer ? { layer: v.layer.name, config: {} } : v.name;
    case 'unknown':
      return unknownDim() as ConfigValue;
    default:
      return null;
  }
}
