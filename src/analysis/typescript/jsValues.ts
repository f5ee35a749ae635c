// The values of the TS/JS abstract evaluator: plain JS data, closures, and the tfjs objects a
// model file builds (layers, models, symbolic tensors). Everything the evaluator cannot know
// is an `unknown` value that remembers why and where, so a gap can be reported where it matters.

import type { SyntaxNode } from '@lezer/common';
import type { Dim } from '../shapes';
import type { LayerConfig, LayerSpec, LayerValue } from '../layers/catalogue';
import type { Geometry, ReceptiveField, Span } from '../types';

/** A lexical scope: bindings and the enclosing scope. */
export class Scope {
  private readonly vars = new Map<string, { value: Value }>();
  constructor(readonly parent: Scope | null) {}

  /** Declares (or re-declares) a binding in this scope. */
  declare(name: string, value: Value): void {
    this.vars.set(name, { value });
  }

  /** This scope's own bindings, in declaration order. */
  entries(): [string, Value][] {
    return [...this.vars].map(([name, cell]) => [name, cell.value]);
  }

  /** The binding's cell, searching outwards. */
  lookup(name: string): { value: Value } | undefined {
    for (let s: Scope | null = this; s; s = s.parent) {
      const cell = s.vars.get(name);
      if (cell) return cell;
    }
    return undefined;
  }
}

/** A layer created by `tf.layers.x({...})`, with its first call. */
export interface LayerInstance {
  id: number;
  /** tfjs factory name (`conv2d`). */
  factory: string;
  /** Class name (`Conv2D`). */
  className: string;
  spec: LayerSpec | null;
  config: LayerConfig;
  /** The configuration as written, for keys tfjs reads outside the layer rule (inputShape). */
  raw: Map<string, Value>;
  name: string;
  span: Span;
  /** First application: inputs, output, where. */
  firstCall: { inputs: LayerValue[]; output: LayerValue; span: Span; inputTensors: SymbolicTensor[] } | null;
  /** True when the first call came from `model.add` (its span is the layer's own). */
  addedToSequential: boolean;
  /** Creation order, for tfjs's layer ordering. */
  order: number;
  /** For InputLayers: the tensor they produce. */
  inputTensor?: SymbolicTensor;
  /** For a model used as a layer of another (`inner.apply(x)`, `seq.add(inner)`): that model. */
  nested?: ModelObject;
  /**
   * For a user layer (`class X extends tf.layers.Layer`): its instance, whose `build` and
   * `computeOutputShape` give weights and output shape, and the weights `addWeight` made
   * (null while unknown).
   */
  custom?: { instance: Extract<Value, { t: 'object' }>; weights: number | null; built: boolean };
  geometry: Geometry | null;
  receptiveField: ReceptiveField | null;
}

/** One application of a layer to tensors (tfjs's Node): the graph is walked back through these. */
export interface CallNode {
  id: number;
  layer: LayerInstance;
  inputs: SymbolicTensor[];
}

/** A symbolic tensor flowing through the layer graph (tfjs's SymbolicTensor). */
export interface SymbolicTensor {
  /** Null when the shape could not be followed. */
  shape: Dim[] | null;
  dtype: 'float' | 'long' | 'bool';
  /** The call that produced it (an InputLayer's for model inputs). */
  node: CallNode | null;
  /** Receptive field of one element in model-input samples, while the path is convolutional. */
  field: ReceptiveField | null;
  /** Why the shape is unknown, when it is. */
  why?: string;
  /** Set downstream of a reported error, so that its consequences are not reported again. */
  poisoned?: boolean;
}

/** A `tf.sequential()` or `tf.model()`. */
export interface ModelObject {
  kind: 'sequential' | 'functional';
  id: number;
  name: string | null;
  span: Span;
  /** Sequential: the layers added so far. Functional: computed from the graph. */
  layers: LayerInstance[];
  inputs: SymbolicTensor[];
  outputs: SymbolicTensor[];
  /** The InputLayer a sequential model creates for its first layer. */
  inputLayer: LayerInstance | null;
}

/** A user class (`class Head { build() {...} }`): `new` makes an object of its fields and methods. */
export interface ClassValue {
  t: 'class';
  node: SyntaxNode;
  env: Scope;
  name: string;
  /** The class it extends, when that is a class of the file; another base (a tfjs class) is `unknown`. */
  base: Value | null;
}

/** A value of the evaluator. */
export type Value =
  | { t: 'num'; v: number }
  | { t: 'str'; v: string }
  | { t: 'bool'; v: boolean }
  | { t: 'null' }
  | { t: 'undef' }
  | { t: 'array'; items: Value[] }
  | { t: 'object'; props: Map<string, Value> }
  | { t: 'func'; node: SyntaxNode; env: Scope; name: string }
  | { t: 'builtin'; name: string; call: (args: Value[], node: SyntaxNode) => Value }
  | ClassValue
  | { t: 'ns'; path: string }
  | { t: 'layer'; layer: LayerInstance }
  | { t: 'model'; model: ModelObject }
  | { t: 'tensor'; tensor: SymbolicTensor }
  | { t: 'unknown'; why: string; at: number };

/** `undefined`. */
export const UNDEF: Value = { t: 'undef' };

/** A number value. */
export function num(v: number): Value {
  return { t: 'num', v };
}

/** A string value. */
export function str(v: string): Value {
  return { t: 'str', v };
}

/** A boolean value. */
export function bool(v: boolean): Value {
  return { t: 'bool', v };
}

/** An unknown value with the reason and the offset where it arose. */
export function unknown(why: string, at: number): Value {
  return { t: 'unknown', why, at };
}

/** JS truthiness, or null when it cannot be known. */
export function truthy(v: Value): boolean | null {
  switch (v.t) {
    case 'num':
      return v.v !== 0 && !Number.isNaN(v.v);
    case 'str':
      return v.v.length > 0;
    case 'bool':
      return v.v;
    case 'null':
    case 'undef':
      return false;
    case 'unknown':
      return null;
    default:
      return true;
  }
}

/** A short description of a value, for messages. */
export function describe(v: Value): string {
  switch (v.t) {
    case 'num':
      return String(v.v);
    case 'str':
      return JSON.stringify(v.v);
    case 'bool':
      return String(v.v);
    case 'null':
      return 'null';
    case 'undef':
      return 'undefined';
    case 'array':
      return `[${v.items.map(describe).join(', ')}]`;
    case 'object':
      return '{...}';
    case 'func':
      return `function ${v.name}`;
    case 'builtin':
      return v.name;
    case 'class':
      return `class ${v.name}`;
    case 'ns':
      return v.path;
    case 'layer':
      return v.layer.name;
    case 'model':
      return v.model.name ?? 'model';
    case 'tensor':
      return 'tensor';
    case 'unknown':
      return 'an unknown value';
  }
}
