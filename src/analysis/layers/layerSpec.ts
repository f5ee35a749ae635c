// The contract of a catalogue entry: each layer declares once its constructor signature with the
// framework's defaults, its output-shape rule, its weights and parameter count, the input layout
// it expects, its geometry, its notation and its hover formula. The interpreters, the
// receptive-field pass, the editor, the CLI and the panel all read the same entry. Family files
// export their entries; catalogue.ts gathers them into the one frozen map.

import type { Dim, Shape } from '../shapes';
import type { AttentionInfo, Framework, Geometry } from '../types';

/** A resolved constructor argument: plain data, with dimensions where a size is symbolic. */
export type ConfigValue =
  | number
  | string
  | boolean
  | null
  | Dim
  | ConfigValue[]
  | { readonly [key: string]: ConfigValue };

/** Constructor arguments after binding to the signature (every declared name present). */
export type LayerConfig = Record<string, ConfigValue>;

/** A tensor flowing through a layer: its shape and dtype. */
export interface TensorArg {
  readonly kind: 'tensor';
  readonly shape: Shape;
  readonly dtype: 'float' | 'long' | 'bool';
  /** The dtype is a default, not a fact (an unbound model input): dtype checks must not fail on it. */
  readonly dtypeUncertain?: boolean;
}

/** A tuple of values (RNN states, MultiheadAttention's `(output, weights)`). */
export interface TupleArg {
  readonly kind: 'tuple';
  readonly items: LayerValue[];
}

/** A non-tensor argument of a call, such as MultiheadAttention's `need_weights=False`. */
export interface ConstArg {
  readonly kind: 'const';
  readonly value: ConfigValue;
}

/** What a layer takes and gives: a tensor, a tuple, None, a constant, or something the analysis could not know. */
export type LayerValue = TensorArg | TupleArg | ConstArg | { readonly kind: 'none' } | { readonly kind: 'unknown' };

/**
 * A submodule that a composite layer creates in its constructor (TransformerEncoderLayer's
 * `self_attn`, `linear1` ...). `name` is relative to the parent and may be dotted
 * (`layers.0`), exactly as `named_modules()` lists it; `layer` is a catalogue name or one of
 * the containers `ModuleList`/`Sequential`. Each child's own children come from its own hook.
 */
export interface LayerChild {
  name: string;
  layer: string;
  config: LayerConfig;
}

/** One constructor parameter. */
export interface ParamSpec {
  name: string;
  /** Omitted means required. */
  default?: ConfigValue;
  /** Keyword-only (after `*` in the Python signature). */
  keywordOnly?: boolean;
  /** Collects the remaining positional arguments as a list (`*args`), as `Identity(*args)` does. */
  variadic?: boolean;
}

/** Where a rule reports what it found; the rule still returns the best output it can. */
export interface LayerContext {
  /** A certain shape mismatch, e.g. `Linear(32, 2) expects 32 features but got 64`. */
  mismatch(message: string): void;
  /** An invalid constructor argument (stride 0, groups not dividing channels). */
  invalid(message: string): void;
  /** Something the rule cannot follow statically. */
  gap(message: string): void;
}

/** How the catalogue answers a class name; families holding other layers receive it. */
export type LayerLookup = (framework: Framework, name: string) => LayerSpec | undefined;

/** A mismatching input as a layer's own message describes it. */
export interface MismatchInput {
  /** The input's shape as written in findings (`(N,64)`). */
  shapeText: string;
  /** Its last dimension, when the input has one. */
  last: Dim | null;
  /** Where the input came from (`fc1 (line 12)`), when known. */
  source: string | null;
}

/** The input a layer expects when a model input's rank is unknown: named dims, channels from the config. */
export interface InputLayout {
  shape: Dim[];
  /** Whether the layer's kernel starts a receptive field on such an input (convolutions, pools). */
  startsField: boolean;
}

/**
 * A constructor argument that must agree with one dim of the layer's input, so a disagreement is
 * repaired by setting it to what arrives (or by the layout that brings the expected size there).
 */
export interface InputSizeArgument {
  /** The parameter's name in the signature; its position is read from there. */
  param: string;
  /** `last`: the input's last dim; `channel`: dim 1 of a batched input (dim 0 unbatched); `trailing`: the last dims (LayerNorm). */
  axis: 'last' | 'channel' | 'trailing';
  /** Spatial rank of convolution-like layers (a batched input has this + 2 dims). */
  spatial?: number;
  /** The only ranks the layer takes, all batched (BatchNorm); absent: `spatial + 2` batched and `spatial + 1` unbatched. */
  batchedRanks?: number[];
}

/**
 * Calls a child module of a composite layer by its name relative to the layer (`self_attn`,
 * `layers.0`), as the layer's own forward would, so the child records its call; gives the
 * child's output, or unknown when there is no such child.
 */
export type ChildCaller = (name: string, args: LayerValue[], kwargs?: Record<string, LayerValue>) => LayerValue;

/** One catalogue entry. Every function is total: bad input gives a finding and unknown dims, never a throw. */
export interface LayerSpec {
  /** Class name as written by users (`Conv2d`, `Dense`, `conv2d` for tfjs's factory). */
  name: string;
  framework: Framework;
  /** Family file it lives in (`conv`, `linear`, `recurrent` ...), for docs and hovers. */
  family: string;
  /** Constructor parameters in positional order with the framework's defaults. */
  signature: ParamSpec[];
  /** Constructor-time checks. */
  validate?(cfg: LayerConfig, ctx: LayerContext): void;
  /** The output-shape rule for a call with these arguments. */
  forward(cfg: LayerConfig, args: LayerValue[], kwargs: Record<string, LayerValue>, ctx: LayerContext): LayerValue;
  /**
   * Parameter count as the framework counts it (`sum(p.numel() for p in m.parameters())`, so
   * for composite layers it includes their children; buffers excluded); null when a size is symbolic.
   */
  params(cfg: LayerConfig, inputs?: LayerValue[]): number | null;
  /**
   * Parameters registered on the module itself (`m.parameters(recurse=False)`), for composite
   * layers that also declare `children`; absent means the same as `params`.
   */
  ownParams?(cfg: LayerConfig, inputs?: LayerValue[]): number | null;
  /**
   * Submodules created by a composite layer's constructor, in registration order, so the
   * interpreter can register them under their qualified names. A module-valued argument
   * (TransformerEncoder's `encoder_layer`, `norm`) is passed in the config as
   * `{ layer: 'TransformerEncoderLayer', config: {...} }`.
   */
  children?(cfg: LayerConfig): LayerChild[];
  /**
   * Runs a composite layer's forward through its children, in the framework's own order and
   * only along the path it takes for this call (PyTorch's fused fast path runs no child), so
   * each child that runs records its own shapes. Called after `forward` found no mismatch; the
   * output stays `forward`'s.
   */
  forwardChildren?(cfg: LayerConfig, args: LayerValue[], kwargs: Record<string, LayerValue>, call: ChildCaller): void;
  /**
   * The weights the constructor creates, by attribute name (`weight`, `bias`), with their shapes;
   * null for one the configuration leaves out (`bias=False`, kept as `None`). Code reading
   * `self.conv.weight` sees these, and parameter counts derive from them.
   */
  weights?(cfg: LayerConfig): Record<string, Dim[] | null>;
  /** Attributes the constructor stores in another form than given (PyTorch keeps conv sizes as tuples). */
  storedAttributes?(cfg: LayerConfig): Record<string, ConfigValue>;
  /** The input this layer expects, for a model input whose rank is unknown; absent when it accepts several ranks. */
  inputLayout?(cfg: LayerConfig): InputLayout | null;
  /** The size argument the input must agree with (`in_features`), which repairs edit on a mismatch. */
  inputSize?: InputSizeArgument;
  /** The parameter that sets the size of the dim the layer makes (`out_features`): a mismatch downstream may be its. */
  outputSize?: string;
  /**
   * The layer's own wording of a mismatch with its input (Linear speaks of features), or null
   * for the generic message built from the rule's mismatches.
   */
  mismatchMessage?(cfg: LayerConfig, input: MismatchInput): string | null;
  /** Kernel geometry for receptive fields, per spatial axis. */
  geometry?(cfg: LayerConfig, inputs?: LayerValue[]): Geometry | null;
  /** The tutorial's notation for a call, e.g. `(N,64)·(64,2)=(N,2)`. */
  notation?(cfg: LayerConfig, inputs: LayerValue[], output: LayerValue): string | null;
  /** The hover formula with numbers substituted. */
  formula?(cfg: LayerConfig, inputs: LayerValue[], output: LayerValue): string | null;
  /** Multiply-accumulates of a call, when known. */
  macs?(cfg: LayerConfig, inputs: LayerValue[], output: LayerValue): number | null;
  /** Attention dimensions, for attention layers. */
  attention?(cfg: LayerConfig): AttentionInfo | null;
  /**
   * Keras/tfjs layers are built lazily: the input shape fixes sizes (Dense's input units).
   * Rules that need it read `inputs` in `params`/`geometry`.
   */
  lazy?: boolean;
}

/** A signature's positional parameters and the index of its variadic one (-1 when none), kept per signature. */
const positionalBySignature = new WeakMap<readonly ParamSpec[], { params: ParamSpec[]; variadicAt: number; names: ReadonlySet<string> }>();

/** The positional parameters of a signature (those not keyword-only) and all its names, computed once per signature. */
export function positionalParamsOf(signature: readonly ParamSpec[]): { params: ParamSpec[]; variadicAt: number; names: ReadonlySet<string> } {
  let entry = positionalBySignature.get(signature);
  if (!entry) {
    const params = signature.filter((p) => !p.keywordOnly);
    entry = { params, variadicAt: params.findIndex((p) => p.variadic), names: new Set(signature.map((p) => p.name)) };
    positionalBySignature.set(signature, entry);
  }
  return entry;
}

/**
 * Binds positional and keyword arguments to a signature, filling defaults. Unknown keywords and
 * missing required arguments are reported as messages; the config is returned regardless.
 */
export function bindConfig(
  spec: LayerSpec,
  positional: readonly ConfigValue[],
  keywords: Readonly<Record<string, ConfigValue>>,
): { config: LayerConfig; problems: string[] } {
  const config: LayerConfig = {};
  const problems: string[] = [];
  const { params: positionalParams, variadicAt, names } = positionalParamsOf(spec.signature);
  // Plain loops: every layer constructed in a file binds here.
  for (let i = 0; i < positional.length; i++) {
    const value = positional[i];
    if (variadicAt >= 0 && i >= variadicAt) {
      const rest = (config[positionalParams[variadicAt].name] ??= []) as ConfigValue[];
      rest.push(value);
    } else if (i < positionalParams.length) config[positionalParams[i].name] = value;
    else problems.push(`${spec.name} takes ${positionalParams.length} positional arguments but ${positional.length} were given`);
  }
  for (const name of Object.keys(keywords)) {
    const value = keywords[name];
    if (names.has(name)) {
      if (name in config) problems.push(`${spec.name} got multiple values for argument '${name}'`);
      config[name] = value;
    } else {
      // Framework-wide keywords (device, dtype, name, trainable ...) are accepted silently.
      config[name] = value;
    }
  }
  for (const p of spec.signature) {
    if (!(p.name in config)) {
      if ('default' in p) config[p.name] = p.default as ConfigValue;
      else problems.push(`${spec.name} is missing the required argument '${p.name}'`);
    }
  }
  return { config, problems };
}
