// What `@tensorflow/tfjs` means to the evaluator: the `tf` namespace, `tf.layers.*` factories
// (catalogue entries under framework 'tfjs'), sequential and functional models, symbolic tensors
// and `layer.apply`. Layers are named the way tfjs names them (`conv2d_Conv2D1`: the snake-cased
// class name, the class name, and a per-class counter), so paths match `model.layers[i].name`.

import type { SyntaxNode } from '@lezer/common';
import { bindConfig, lookupLayer, tfjsClassName, type ConfigValue, type LayerConfig, type LayerContext, type LayerValue } from '../layers/catalogue';
import { kerasSnakeCase } from '../layers/kerasDefinitions';
import { composeField, identityField, mergeFields } from '../receptiveField';
import { formatShape, isKnown, parseDim, symDim, unknownDim, type Dim } from '../shapes';
import type { AnalyzeOptions, Finding, ReceptiveField, Span } from '../types';
import { BudgetExhausted, type Interpreter, type InterpreterHost } from './jsInterpreter';
import { describe, num, str, UNDEF, unknown, type CallNode, type ClassValue, type LayerInstance, type ModelObject, type SymbolicTensor, type Value } from './jsValues';

/** Module specifiers that provide the tfjs layers API. */
const TFJS_MODULE = /^@tensorflow\/tfjs(-node(-gpu)?|-layers)?$/;

/** More layers than any real model file builds: beyond this, a loop bound is probably wrong. */
const MAX_LAYERS = 1000;

/** Families whose output keeps the input's spatial layout element for element. */
const PASSTHROUGH_FAMILIES = new Set(['activation', 'regularization', 'normalization', 'merge', 'preprocessing']);

/** A finding before lines are attached. */
export type RuntimeFinding = Omit<Finding, 'line' | 'related'> & { related: { span: Span; message: string }[] };

function spanOf(node: SyntaxNode): Span {
  return { from: node.from, to: node.to };
}

/** The tfjs side of one evaluation: everything created, and what went wrong where. */
export class TfjsRuntime implements InterpreterHost {
  readonly layers: LayerInstance[] = [];
  readonly models: ModelObject[] = [];
  readonly findings: RuntimeFinding[] = [];
  private counters = new Map<string, number>();
  private nextId = 1;
  /** The evaluator running the file, for the methods of user layers (set once it exists). */
  interp: Interpreter | null = null;
  private inputsBound = 0;

  constructor(
    private readonly options: AnalyzeOptions,
    private readonly lineOf: (offset: number) => number,
  ) {}

  /** Restarts tfjs's name counters, as a fresh process calling a factory would see them. */
  resetNames(): void {
    this.counters.clear();
    this.inputsBound = 0;
  }

  importModule(source: string): Value | null {
    return TFJS_MODULE.test(source) ? { t: 'ns', path: 'tf' } : null;
  }

  global(name: string): Value | undefined {
    // Pages that load tfjs with a script tag use the global `tf` without importing it.
    return name === 'tf' ? { t: 'ns', path: 'tf' } : undefined;
  }

  gap(node: SyntaxNode, message: string): void {
    this.report('info', 'inference-gap', spanOf(node), message);
  }

  private report(severity: Finding['severity'], code: Finding['code'], span: Span, message: string, related: RuntimeFinding['related'] = []): void {
    this.findings.push({ severity, code, span, message, related });
  }

  member(obj: Value, prop: string, node: SyntaxNode): Value | undefined {
    switch (obj.t) {
      case 'ns':
        return this.namespaceMember(obj.path, prop);
      case 'layer':
        return this.layerMember(obj.layer, prop);
      case 'model':
        return this.modelMember(obj.model, prop, node);
      case 'tensor':
        return this.tensorMember(obj.tensor, prop, node);
      default:
        return undefined;
    }
  }

  private builtin(name: string, call: (args: Value[], node: SyntaxNode) => Value): Value {
    return { t: 'builtin', name, call };
  }

  /** A tfjs function the analysis does not follow: calling it gives a silent unknown. */
  private opaque(name: string): Value {
    return this.builtin(name, (_, node) => unknown(`${name}() is not followed`, node.from));
  }

  private namespaceMember(path: string, prop: string): Value | undefined {
    if (path === 'tf') {
      if (prop === 'layers') return { t: 'ns', path: 'tf.layers' };
      if (prop === 'sequential') return this.builtin('tf.sequential', (args, n) => this.sequential(args[0], n));
      if (prop === 'model') return this.builtin('tf.model', (args, n) => this.functionalModel(args[0], n));
      if (prop === 'input') return this.builtin('tf.input', (args, n) => this.input(args[0], n));
      if (prop === 'util') return { t: 'ns', path: 'tf.util' };
      return this.opaque(`tf.${prop}`);
    }
    if (path === 'tf.util') {
      // Models size their inputs with tf.util.sizeFromShape: the product of a known shape.
      if (prop === 'sizeFromShape') {
        return this.builtin('tf.util.sizeFromShape', (args, n) => {
          const shape = args[0];
          if (shape?.t === 'array' && shape.items.every((x) => x.t === 'num')) return num(shape.items.reduce((p, x) => p * (x as { v: number }).v, 1));
          return unknown('tf.util.sizeFromShape of a shape the analysis does not know', n.from);
        });
      }
      return this.opaque(`tf.util.${prop}`);
    }
    if (path === 'tf.layers') {
      if (prop === 'input') return this.builtin('tf.layers.input', (args, n) => this.input(args[0], n));
      return this.builtin(`tf.layers.${prop}`, (args, n) => this.createLayer(prop, args, n));
    }
    return undefined;
  }

  private layerMember(layer: LayerInstance, prop: string): Value | undefined {
    if (prop === 'apply') {
      return this.builtin(`${layer.name}.apply`, (args, n) => this.apply(layer, args[0] ?? UNDEF, spanOf(n), false));
    }
    if (prop === 'name') return str(layer.name);
    if (prop === 'getClassName') return this.builtin('getClassName', () => str(layer.className));
    return this.opaque(`${layer.name}.${prop}`);
  }

  private modelMember(model: ModelObject, prop: string, node: SyntaxNode): Value | undefined {
    if (prop === 'add' && model.kind === 'sequential') return this.builtin('add', (args, n) => this.add(model, args[0] ?? UNDEF, n));
    if (prop === 'layers') return { t: 'array', items: model.layers.map((layer) => ({ t: 'layer', layer }) as Value) };
    if (prop === 'inputs') return { t: 'array', items: model.inputs.map((tensor) => ({ t: 'tensor', tensor }) as Value) };
    if (prop === 'outputs') return { t: 'array', items: model.outputs.map((tensor) => ({ t: 'tensor', tensor }) as Value) };
    if (prop === 'name') return model.name !== null ? str(model.name) : unknown('the model name', node.from);
    if (prop === 'apply') return this.builtin('model.apply', (args, n) => this.apply(this.modelAsLayer(model), args[0] ?? UNDEF, spanOf(n), false));
    return this.opaque(`model.${prop}`);
  }

  private tensorMember(tensor: SymbolicTensor, prop: string, node: SyntaxNode): Value | undefined {
    if (prop === 'shape') {
      if (!tensor.shape) return unknown('the shape of a tensor the analysis could not follow', node.from);
      return { t: 'array', items: tensor.shape.map((d, i) => (isKnown(d) ? num(d) : i === 0 ? { t: 'null' } : unknown('a symbolic dimension', node.from))) };
    }
    if (prop === 'rank' && tensor.shape) return num(tensor.shape.length);
    return this.opaque(`tensor.${prop}`);
  }

  // ---- Configs ----

  /** A JS value as a catalogue config value; layers nest as `{layer, config}`. */
  private toConfig(v: Value): ConfigValue {
    switch (v.t) {
      case 'num':
        return v.v;
      case 'str':
        return v.v;
      case 'bool':
        return v.v;
      case 'null':
      case 'undef':
        return null;
      case 'array':
        return v.items.map((x) => this.toConfig(x));
      case 'object': {
        const out: Record<string, ConfigValue> = {};
        for (const [k, x] of v.props) out[k] = this.toConfig(x);
        return out;
      }
      case 'layer':
        return { layer: v.layer.factory, config: v.layer.config };
      case 'unknown':
        return unknownDim();
      default:
        return null;
    }
  }

  private autoName(className: string): string {
    const n = (this.counters.get(className) ?? 0) + 1;
    this.counters.set(className, n);
    return `${kerasSnakeCase(className)}_${className}${n}`;
  }

  private newLayer(factory: string, className: string, config: LayerConfig, raw: Map<string, Value>, node: SyntaxNode | Span, name?: string): LayerInstance {
    const span = 'name' in node ? spanOf(node as SyntaxNode) : (node as Span);
    if (this.layers.length >= MAX_LAYERS) throw new BudgetExhausted(span.from, `the file builds more than ${MAX_LAYERS} layers`);
    const given = raw.get('name');
    const layer: LayerInstance = {
      id: this.nextId++,
      factory,
      className,
      spec: lookupLayer('tfjs', factory) ?? null,
      config,
      raw,
      name: name ?? (given?.t === 'str' ? given.v : this.autoName(className)),
      span,
      firstCall: null,
      addedToSequential: false,
      order: this.layers.length,
      geometry: null,
      receptiveField: null,
    };
    this.layers.push(layer);
    return layer;
  }

  private createLayer(factory: string, args: Value[], node: SyntaxNode): Value {
    if (factory === 'inputLayer') return this.inputLayer(args[0], node);
    const spec = lookupLayer('tfjs', factory);
    const arg = args[0] ?? UNDEF;
    const raw = arg.t === 'object' ? arg.props : new Map<string, Value>();
    if (arg.t === 'unknown') this.gap(node, `the configuration of tf.layers.${factory} is not known statically (${arg.why})`);
    if (!spec) {
      this.report('warning', 'unknown-layer', spanOf(node), `tf.layers.${factory} is not in Layer Lens's catalogue; shapes after it are unknown`);
      const className = factory.charAt(0).toUpperCase() + factory.slice(1);
      return { t: 'layer', layer: this.newLayer(factory, className, {}, raw, node) };
    }
    const keywords: Record<string, ConfigValue> = {};
    for (const [k, v] of raw) if (k !== 'name') keywords[k] = this.toConfig(v);
    const { config, problems } = bindConfig(spec, [], keywords);
    for (const p of problems) this.report('error', 'invalid-argument', spanOf(node), `tf.layers.${factory}: ${p.replace(/argument/, 'config key')}`);
    const className = tfjsClassName(factory) ?? factory;
    return { t: 'layer', layer: this.newLayer(factory, className, config, raw, node) };
  }

  // ---- Tensors and inputs ----

  /**
   * A shape written in a config: numbers stay; a null is the batch `N` where it stands first in a
   * batch shape (`batchShape`, `batchInputShape`) and an open size anywhere else, as tfjs treats it.
   */
  private dimsOf(v: Value | undefined, withBatch = false): Dim[] | null {
    if (!v || v.t !== 'array') return null;
    return v.items.map((x, i) => (x.t === 'num' && Number.isInteger(x.v) ? x.v : x.t === 'null' && withBatch && i === 0 ? symDim('N') : unknownDim()));
  }

  /** The bound shape if any (reporting when it overrides a different declared size), else the declared one. */
  private chooseShape(name: string, declared: Dim[] | null, span: Span): Dim[] | null {
    const bound = this.boundShape(name);
    if (!bound) return declared;
    if (declared) {
      const differs = bound.length !== declared.length || declared.some((d, i) => i > 0 && isKnown(d) && isKnown(bound[i]) && d !== bound[i]);
      if (differs) this.report('info', 'inference-gap', span, `${name} is declared ${formatShape(declared)} in the code; the bound shape ${formatShape(bound)} is used instead`);
    }
    return bound;
  }

  /** The shape bound by the user (setting, CLI) for the next input, by name or in order. */
  private boundShape(name: string): Dim[] | null {
    const inputs = this.options.inputs ?? [];
    const byName = inputs.find((b) => b.name === name);
    const binding = byName ?? inputs.filter((b) => b.name === undefined)[this.inputsBound];
    if (!byName && binding) this.inputsBound++;
    return binding ? binding.shape.map((d) => (typeof d === 'number' ? d : parseDim(d))) : null;
  }

  private inputTensor(layer: LayerInstance, shape: Dim[] | null, dtype: SymbolicTensor['dtype'], span: Span, why?: string): SymbolicTensor {
    const node: CallNode = { id: this.nextId++, layer, inputs: [] };
    const tensor: SymbolicTensor = { shape, dtype, node, field: shape && shape.length >= 3 ? identityField(shape.length - 2) : null, why };
    layer.inputTensor = tensor;
    const value: LayerValue = shape ? { kind: 'tensor', shape, dtype } : { kind: 'unknown' };
    layer.firstCall = { inputs: [value], output: value, span, inputTensors: [] };
    return tensor;
  }

  private dtypeOf(v: Value | undefined): SymbolicTensor['dtype'] {
    return v?.t === 'str' && v.v.startsWith('int') ? 'long' : v?.t === 'str' && v.v === 'bool' ? 'bool' : 'float';
  }

  private input(arg: Value | undefined, node: SyntaxNode): Value {
    const raw = arg?.t === 'object' ? arg.props : new Map<string, Value>();
    const given = raw.get('name');
    const name = given?.t === 'str' ? given.v : `input${(this.counters.get('input') ?? 0) + 1}`;
    if (given?.t !== 'str') this.counters.set('input', (this.counters.get('input') ?? 0) + 1);
    const layer = this.newLayer('inputLayer', 'InputLayer', {}, raw, node, name);
    const batchShape = this.dimsOf(raw.get('batchShape'), true);
    const shape = this.dimsOf(raw.get('shape'));
    let dims = this.chooseShape(name, batchShape ?? (shape ? [symDim('N'), ...shape] : null), spanOf(node));
    let why: string | undefined;
    if (!dims) {
      why = 'tf.input needs a known shape or batchShape';
      this.report('error', 'invalid-argument', spanOf(node), 'tf.input needs `shape` (or `batchShape`) as a list of sizes; without it the model has no input shape');
      dims = null;
    }
    return { t: 'tensor', tensor: this.inputTensor(layer, dims, this.dtypeOf(raw.get('dtype')), spanOf(node), why) };
  }

  /** `tf.layers.inputLayer({inputShape})`: an InputLayer named like `tf.input`'s, holding its tensor. */
  private inputLayer(arg: Value | undefined, node: SyntaxNode): Value {
    const raw = arg?.t === 'object' ? arg.props : new Map<string, Value>();
    const given = raw.get('name');
    if (given?.t !== 'str') this.counters.set('input', (this.counters.get('input') ?? 0) + 1);
    const name = given?.t === 'str' ? given.v : `input${this.counters.get('input')}`;
    const layer = this.newLayer('inputLayer', 'InputLayer', {}, raw, node, name);
    const batchSize = raw.get('batchSize');
    const inputShape = this.dimsOf(raw.get('inputShape'));
    const dims = this.chooseShape(name, this.dimsOf(raw.get('batchInputShape'), true) ?? (inputShape ? [batchSize?.t === 'num' ? batchSize.v : symDim('N'), ...inputShape] : null), spanOf(node));
    if (!dims) this.report('error', 'invalid-argument', spanOf(node), 'tf.layers.inputLayer needs inputShape (or batchInputShape) as a list of sizes');
    this.inputTensor(layer, dims, this.dtypeOf(raw.get('dtype')), spanOf(node), dims ? undefined : 'an input layer without a shape');
    return { t: 'layer', layer };
  }

  // ---- Applying layers ----

  private tensorsOf(v: Value): SymbolicTensor[] | null {
    if (v.t === 'tensor') return [v.tensor];
    if (v.t === 'array' && v.items.length > 0 && v.items.every((x) => x.t === 'tensor')) return v.items.map((x) => (x as { tensor: SymbolicTensor }).tensor);
    return null;
  }

  private layerValueOf(t: SymbolicTensor): LayerValue {
    return t.shape ? { kind: 'tensor', shape: t.shape, dtype: t.dtype } : { kind: 'unknown' };
  }

  private producerText(t: SymbolicTensor): string {
    const layer = t.node?.layer;
    const shape = t.shape ? formatShape(t.shape) : '?';
    return layer ? `${layer.name} (line ${this.lineOf(layer.span.from)}) gives ${shape}` : shape;
  }

  /** Applies a layer to a tensor or a list of tensors, recording its first call. */
  apply(layer: LayerInstance, input: Value, callSpan: Span, fromSequential: boolean): Value {
    const tensors = this.tensorsOf(input);
    const unknownOut = (why: string, inputs: SymbolicTensor[] = []): Value => {
      const node: CallNode = { id: this.nextId++, layer, inputs };
      return { t: 'tensor', tensor: { shape: null, dtype: 'float', node, field: null, why } };
    };
    if (!tensors) {
      if (input.t !== 'unknown') this.report('error', 'invalid-argument', callSpan, `${layer.name}.apply expects a tensor or a list of tensors but got ${describe(input)}`);
      else this.report('info', 'inference-gap', callSpan, `the input of ${layer.name} is not known statically (${input.why})`);
      return unknownOut('unknown input');
    }
    if (layer.nested || layer.custom) {
      if (tensors.some((t) => t.shape === null)) return unknownOut(tensors.find((t) => t.shape === null)?.why ?? 'an unknown input', tensors);
      const output = layer.nested ? this.applyNested(layer, layer.nested, tensors, callSpan) : this.applyCustom(layer, tensors, callSpan);
      const callNode: CallNode = { id: this.nextId++, layer, inputs: tensors };
      const arg: LayerValue = tensors.length === 1 ? this.layerValueOf(tensors[0]) : { kind: 'tuple', items: tensors.map((t) => this.layerValueOf(t)) };
      if (!layer.firstCall) {
        layer.firstCall = { inputs: [arg], output, span: callSpan, inputTensors: tensors };
        layer.addedToSequential = fromSequential;
      }
      const poisoned = tensors.some((t) => t.poisoned);
      const wrap = (v: LayerValue): Value =>
        v.kind === 'tensor' ? { t: 'tensor', tensor: { shape: v.shape, dtype: v.dtype, node: callNode, field: null, poisoned } } : v.kind === 'tuple' ? { t: 'array', items: v.items.map(wrap) } : unknownOut(`the output of ${layer.name} is not known`, tensors);
      return wrap(output);
    }
    const spec = layer.spec;
    if (!spec) return unknownOut(`${layer.factory} is not catalogued`, tensors);
    if (tensors.some((t) => t.shape === null)) return unknownOut(tensors.find((t) => t.shape === null)?.why ?? 'an unknown input', tensors);
    const arg: LayerValue = input.t === 'array' ? { kind: 'tuple', items: tensors.map((t) => this.layerValueOf(t)) } : this.layerValueOf(tensors[0]);
    const messages: { code: Finding['code']; severity: Finding['severity']; message: string }[] = [];
    const ctx: LayerContext = {
      mismatch: (message) => messages.push({ code: 'shape-mismatch', severity: 'error', message }),
      invalid: (message) => messages.push({ code: 'invalid-argument', severity: 'error', message }),
      gap: (message) => messages.push({ code: 'inference-gap', severity: 'info', message }),
    };
    let output: LayerValue;
    try {
      output = spec.forward(layer.config, [arg], {}, ctx);
    } catch (e) {
      // Catalogue rules are total by contract; a throw is a bug there, reported rather than propagated.
      output = { kind: 'unknown' };
      messages.push({ code: 'inference-gap', severity: 'info', message: `the shape rule of ${spec.name} failed: ${String(e)}` });
    }
    const related = messages.length === 0 ? [] : tensors.filter((t) => t.node && t.node.layer !== layer).map((t) => ({ span: t.node!.layer.span, message: this.producerText(t) }));
    // Errors downstream of an error are its consequences, not new findings.
    const poisoned = tensors.some((t) => t.poisoned) || messages.some((m) => m.severity === 'error');
    const upstreamError = tensors.some((t) => t.poisoned);
    for (const m of upstreamError ? messages.filter((x) => x.severity !== 'error') : messages) {
      const sources = m.code === 'shape-mismatch' && related.length ? ` — ${related.map((r) => r.message).join('; ')}` : '';
      this.report(m.severity, m.code, callSpan, `${layer.name}: ${m.message}${sources}`, m.code === 'shape-mismatch' ? related : []);
    }
    const geometry = spec.geometry?.(layer.config, [arg]) ?? null;
    const field = this.fieldAfter(spec.family, geometry, tensors);
    const callNode: CallNode = { id: this.nextId++, layer, inputs: tensors };
    if (!layer.firstCall) {
      layer.firstCall = { inputs: [arg], output, span: callSpan, inputTensors: tensors };
      layer.addedToSequential = fromSequential;
      layer.geometry = geometry;
      layer.receptiveField = field;
    }
    const wrap = (v: LayerValue): Value => {
      if (v.kind === 'tensor') return { t: 'tensor', tensor: { shape: v.shape, dtype: v.dtype, node: callNode, field, poisoned } };
      if (v.kind === 'tuple') return { t: 'array', items: v.items.map(wrap) };
      return { t: 'tensor', tensor: { shape: null, dtype: 'float', node: callNode, field: null, why: `the output of ${layer.name} is not known` } };
    };
    return wrap(output);
  }

  /** The receptive field after a layer: composed through sliding windows, kept through element-wise layers. */
  private fieldAfter(family: string, geometry: LayerInstance['geometry'], inputs: SymbolicTensor[]): ReceptiveField | null {
    const fields = inputs.map((t) => t.field);
    if (fields.some((f) => f === null) || fields.length === 0) return null;
    if (geometry) return fields.length === 1 && fields[0]!.size.length === geometry.kernel.length ? composeField(fields[0]!, geometry) : null;
    if (!PASSTHROUGH_FAMILIES.has(family)) return null;
    return fields.slice(1).reduce<ReceptiveField>((acc, f) => mergeFields(acc, f!), fields[0]!);
  }

  // ---- User layers ----

  /**
   * `new X(config)` where `class X extends tf.layers.Layer`: a layer whose output shape comes from
   * its own `computeOutputShape` (tfjs's default returns the input shape) and whose parameters are
   * the weights its `build` makes with `this.addWeight(name, shape, ...)`.
   */
  constructForeign(base: Value, cls: ClassValue, instance: Extract<Value, { t: 'object' }>, args: Value[], node: SyntaxNode, construct: () => void): Value | null {
    if (base.t !== 'builtin' || base.name !== 'tf.layers.Layer') return null;
    const config = args[0]?.t === 'object' ? args[0].props : new Map<string, Value>();
    const layer = this.newLayer('custom', this.customClassName(cls, config, node), {}, config, node);
    const custom = { instance, weights: 0 as number | null, built: false };
    layer.custom = custom;
    instance.props.set('addWeight', this.builtin('addWeight', (a) => {
      const shape = a[1];
      const dims = shape?.t === 'array' && shape.items.every((d) => d.t === 'num') ? shape.items.map((d) => (d as { v: number }).v) : null;
      // countParams() counts every weight, trainable or not.
      custom.weights = custom.weights === null || dims === null ? null : custom.weights + dims.reduce((x, y) => x * y, 1);
      return { t: 'object', props: new Map() };
    }));
    instance.props.set('apply', this.builtin(`${layer.name}.apply`, (a, n) => this.apply(layer, a[0] ?? UNDEF, spanOf(n), false)));
    instance.props.set('name', str(layer.name));
    construct();
    return { t: 'layer', layer };
  }

  /**
   * tfjs's class name of a user layer: the static `className` it (or a user class it extends)
   * declares in its body, with a static getter, or by `X.className = '...'` in the file. tfjs names
   * a layer from it, so without one (and without a `name` in the config) tfjs throws while
   * constructing the layer; the analysis then says so and uses the class's own name.
   */
  private customClassName(cls: ClassValue, config: Map<string, Value>, node: SyntaxNode): string {
    const interp = this.interp;
    if (!interp) return cls.name;
    let top: SyntaxNode = cls.node;
    while (top.parent) top = top.parent;
    const fileText = interp.src(top);
    for (let c: Value | null = cls; c?.t === 'class'; c = c.base) {
      for (const m of c.node.getChild('ClassBody')?.getChildren('PropertyDeclaration') ?? []) {
        const name = m.getChild('PropertyDefinition');
        const init = m.getChild('Equals')?.nextSibling;
        if (m.getChild('static') && name && interp.src(name) === 'className' && init?.name === 'String') return interp.src(init).slice(1, -1);
      }
      const body = c.node.getChild('ClassBody');
      const getter = body ? /static\s+get\s+className\s*\(\s*\)\s*(?::\s*\w+\s*)?\{\s*return\s+(['"])([^'"]+)\1/.exec(interp.src(body)) : null;
      if (getter) return getter[2];
      const escaped = c.name.replace(/[$]/g, '\\$');
      const assigned = new RegExp(`(?:^|[^\\w$.])${escaped}\\s*\\.\\s*className\\s*=\\s*(['"])([^'"]+)\\1`).exec(fileText);
      if (assigned) return assigned[2];
    }
    if (config.get('name')?.t !== 'str') {
      this.report(
        'warning',
        'invalid-argument',
        spanOf(node),
        `${cls.name} sets no static className: tfjs names an unnamed layer after its class name and throws ("Cannot read properties of undefined") when constructing it; add \`static className = '${cls.name}'\``,
      );
    }
    return cls.name;
  }

  /** Runs a user layer's `build` (once) and `computeOutputShape` on a tfjs shape array. */
  private applyCustom(layer: LayerInstance, tensors: SymbolicTensor[], span: Span): LayerValue {
    const custom = layer.custom!;
    const interp = this.interp;
    const toJs = (t: SymbolicTensor): Value => ({ t: 'array', items: t.shape!.map((d) => (isKnown(d) ? num(d as number) : { t: 'null' })) });
    const shapeArg: Value = tensors.length === 1 ? toJs(tensors[0]) : { t: 'array', items: tensors.map(toJs) };
    const method = (name: string) => {
      const f = custom.instance.props.get(name);
      return f?.t === 'func' ? f : null;
    };
    const node = { from: span.from, to: span.to } as unknown as SyntaxNode;
    if (!interp) return { kind: 'unknown' };
    if (!custom.built) {
      custom.built = true;
      const build = method('build');
      if (build) interp.callFunction(build, [shapeArg], node);
    }
    const compute = method('computeOutputShape');
    if (!compute) return tensors.length === 1 ? this.layerValueOf(tensors[0]) : { kind: 'unknown' };
    const out = interp.callFunction(compute, [shapeArg], node);
    const toShape = (v: Value, like: SymbolicTensor): LayerValue => {
      if (v.t !== 'array') return { kind: 'unknown' };
      const dims: Dim[] = v.items.map((d, i) => (d.t === 'num' ? d.v : i === 0 ? like.shape![0] : unknownDim()));
      return { kind: 'tensor', shape: dims, dtype: like.dtype };
    };
    if (out.t === 'array' && out.items.length > 0 && out.items.every((x) => x.t === 'array')) return { kind: 'tuple', items: out.items.map((x) => toShape(x, tensors[0])) };
    if (out.t !== 'array') this.report('info', 'inference-gap', span, `${layer.name}.computeOutputShape does not give a known shape; shapes after it are unknown`);
    return toShape(out, tensors[0]);
  }

  // ---- Models ----

  private sequential(arg: Value | undefined, node: SyntaxNode): Value {
    const model: ModelObject = { kind: 'sequential', id: this.nextId++, name: null, span: spanOf(node), layers: [], inputs: [], outputs: [], inputLayer: null };
    this.models.push(model);
    const raw = arg?.t === 'object' ? arg.props : null;
    const name = raw?.get('name');
    model.name = name?.t === 'str' ? name.v : this.containerName('sequential');
    const layers = raw?.get('layers');
    if (layers?.t === 'array') for (const l of layers.items) this.add(model, l, node);
    else if (layers && layers.t === 'unknown') this.gap(node, `the layers of this tf.sequential are not known statically (${layers.why})`);
    return { t: 'model', model };
  }

  /** tfjs's automatic name of a model: `sequential_1` (getUid('sequential_')), `model1` (getUid('model')). */
  private containerName(kind: ModelObject['kind']): string {
    const prefix = kind === 'sequential' ? 'sequential_' : 'model';
    const n = (this.counters.get(`container:${prefix}`) ?? 0) + 1;
    this.counters.set(`container:${prefix}`, n);
    return `${prefix}${n}`;
  }

  /**
   * The layer a model is when used inside another (tfjs's LayersModel is a Layer): one row named
   * like tfjs names containers (`sequential1`, `model1`: class name lower-cased and a counter).
   */
  private modelAsLayer(model: ModelObject): LayerInstance {
    const known = this.layers.find((l) => l.nested === model);
    if (known) return known;
    const className = model.kind === 'sequential' ? 'Sequential' : 'Model';
    const layer = this.newLayer('model', className, {}, new Map(), model.span, model.name ?? this.containerName(model.kind));
    layer.nested = model;
    return layer;
  }

  /** A nested model's outputs for inputs of the shapes it was built for (other shapes are not re-derived). */
  private applyNested(layer: LayerInstance, model: ModelObject, tensors: SymbolicTensor[], span: Span): LayerValue {
    const fits =
      tensors.length === model.inputs.length &&
      tensors.every((t, i) => {
        const want = model.inputs[i].shape;
        return t.shape !== null && want !== null && t.shape.length === want.length && t.shape.every((d, k) => k === 0 || !isKnown(d) || !isKnown(want[k]) || d === want[k]);
      });
    const outputs = model.outputs.map((o) => o.shape);
    if (!fits || outputs.some((o) => o === null)) {
      this.report('info', 'inference-gap', span, `${layer.name} (a model used as a layer) is applied to inputs of shapes other than those it was built for, or its outputs are unknown; shapes after it are unknown`);
      return { kind: 'unknown' };
    }
    const batch = tensors[0].shape![0];
    const items: LayerValue[] = outputs.map((o, i) => ({ kind: 'tensor', shape: [batch, ...o!.slice(1)], dtype: model.outputs[i].dtype }));
    return items.length === 1 ? items[0] : { kind: 'tuple', items };
  }

  private add(model: ModelObject, value: Value, node: SyntaxNode): Value {
    if (value.t === 'model') value = { t: 'layer', layer: this.modelAsLayer(value.model) };
    if (value.t !== 'layer') {
      this.gap(node, `model.add of ${describe(value)}${value.t === 'unknown' ? ` (${value.why})` : ''} is not followed`);
      model.outputs = [{ shape: null, dtype: 'float', node: null, field: null, why: 'a layer the analysis could not follow' }];
      return UNDEF;
    }
    const layer = value.layer;
    if (layer.className === 'InputLayer' && layer.inputTensor) {
      // tfjs lists an explicit InputLayer among a sequential model's layers.
      if (model.outputs.length > 0) this.report('error', 'invalid-argument', layer.span, `${layer.name}: an InputLayer can only be the first layer of a sequential model`);
      model.layers.push(layer);
      model.inputLayer = layer;
      model.inputs = [layer.inputTensor];
      model.outputs = [layer.inputTensor];
      return UNDEF;
    }
    if (model.outputs.length === 0) {
      const first = this.firstInput(model, layer);
      model.layers.push(layer);
      const out = this.apply(layer, { t: 'tensor', tensor: first }, layer.span, true);
      model.outputs = [this.checkSequentialShape(layer, this.firstTensorOf(out))];
      return UNDEF;
    }
    model.layers.push(layer);
    this.checkLaterInputShape(layer, model.outputs[0]);
    const out = this.apply(layer, { t: 'tensor', tensor: model.outputs[0] }, layer.span, true);
    model.outputs = [this.checkSequentialShape(layer, this.firstTensorOf(out))];
    return UNDEF;
  }

  /** tfjs ignores inputShape on a later layer of a sequential model, warning when it differs from the input it gets. */
  private checkLaterInputShape(layer: LayerInstance, input: SymbolicTensor): void {
    const batchInput = this.dimsOf(layer.raw.get('batchInputShape'), true);
    const inputShape = this.dimsOf(layer.raw.get('inputShape'));
    const declared = batchInput ?? (inputShape ? [symDim('N'), ...inputShape] : null);
    if (!declared || !input.shape) return;
    const given = input.shape;
    const differs = declared.length !== given.length || declared.some((d, i) => isKnown(d) && isKnown(given[i]) && d !== given[i]);
    if (differs) {
      this.report('warning', 'shape-mismatch', layer.span, `${layer.name} declares the input shape ${formatShape(declared)}, but as a later layer of a sequential model it receives ${formatShape(given)}; tfjs ignores the declaration (with a console warning)`);
    }
  }

  /**
   * tfjs's Sequential.add rejects a layer whose static output shape has a negative size (a
   * functional model keeps it); catalogue rules give one only where tfjs's own computeOutputShape does.
   */
  private checkSequentialShape(layer: LayerInstance, out: SymbolicTensor): SymbolicTensor {
    if (!out.shape || out.poisoned || !out.shape.some((d) => isKnown(d) && d < 0)) return out;
    this.report('error', 'shape-mismatch', layer.span, `${layer.name}: tfjs throws "Negative dimension size caused by adding layer ${layer.name}" when a sequential model adds it: its static output shape is ${formatShape(out.shape)}`);
    return { ...out, poisoned: true };
  }

  private firstTensorOf(v: Value): SymbolicTensor {
    if (v.t === 'tensor') return v.tensor;
    if (v.t === 'array' && v.items[0]?.t === 'tensor') return v.items[0].tensor;
    return { shape: null, dtype: 'float', node: null, field: null, why: 'a layer output the analysis could not follow' };
  }

  /** The input tensor a sequential model builds from its first layer's inputShape/batchInputShape. */
  private firstInput(model: ModelObject, layer: LayerInstance): SymbolicTensor {
    const name = `${layer.name}_input`;
    const batchInput = this.dimsOf(layer.raw.get('batchInputShape'), true);
    const inputShape = this.dimsOf(layer.raw.get('inputShape'));
    const batchSize = layer.raw.get('batchSize');
    const batch: Dim = batchSize?.t === 'num' ? batchSize.v : symDim('N');
    const inputDim = layer.raw.get('inputDim');
    const nestedInput = layer.nested?.inputs.length === 1 ? layer.nested.inputs[0].shape : null;
    let declared = nestedInput ?? batchInput ?? (inputShape ? [batch, ...inputShape] : layer.factory === 'dense' && inputDim?.t === 'num' ? [batch, inputDim.v] : null);
    if (!declared && layer.factory === 'embedding') {
      // tfjs's Embedding sets its own batchInputShape, [batchSize, ...inputLength] or [batchSize, null].
      const inputLength = layer.raw.get('inputLength');
      const lengths = inputLength === undefined || inputLength.t === 'undef' || inputLength.t === 'null' ? [symDim('T')] : inputLength.t === 'num' ? [inputLength.v] : this.dimsOf(inputLength);
      if (lengths) declared = [batch, ...lengths];
    }
    const shape = this.chooseShape(name, declared, layer.span);
    let why: string | undefined;
    if (!shape) {
      why = 'the first layer has no inputShape';
      this.report(
        'error',
        'invalid-argument',
        layer.span,
        `${layer.name} is the first layer of a sequential model but has no inputShape or batchInputShape; tfjs throws "The first layer in a Sequential model must get an inputShape or batchInputShape argument"`,
      );
    }
    const inputLayer = this.newLayer('inputLayer', 'InputLayer', {}, new Map(), layer.span, name);
    model.inputLayer = inputLayer;
    const tensor = this.inputTensor(inputLayer, shape, this.dtypeOf(layer.raw.get('dtype')), layer.span, why);
    model.inputs = [tensor];
    return tensor;
  }

  private functionalModel(arg: Value | undefined, node: SyntaxNode): Value {
    const raw = arg?.t === 'object' ? arg.props : new Map<string, Value>();
    const asTensors = (v: Value | undefined) => (v ? this.tensorsOf(v) : null);
    const inputs = asTensors(raw.get('inputs'));
    const outputs = asTensors(raw.get('outputs'));
    const name = raw.get('name');
    const model: ModelObject = {
      kind: 'functional',
      id: this.nextId++,
      name: name?.t === 'str' ? name.v : this.containerName('functional'),
      span: spanOf(node),
      layers: [],
      inputs: inputs ?? [],
      outputs: outputs ?? [],
      inputLayer: null,
    };
    this.models.push(model);
    if (!inputs || !outputs) {
      this.gap(node, 'the inputs or outputs of this tf.model are not known tensors');
      return { t: 'model', model };
    }
    model.layers = this.graphLayers(outputs);
    return { t: 'model', model };
  }

  /**
   * The layers between the inputs and the outputs in tfjs's order: by decreasing depth from the
   * outputs, ties in the order a depth-first walk from the outputs first meets them.
   */
  private graphLayers(outputs: SymbolicTensor[]): LayerInstance[] {
    const visitOrder = new Map<LayerInstance, number>();
    const finished = new Set<CallNode>();
    const postorder: CallNode[] = [];
    const visit = (t: SymbolicTensor, depth: number) => {
      const node = t.node;
      if (!node || finished.has(node) || depth > 10_000) return;
      if (!visitOrder.has(node.layer)) visitOrder.set(node.layer, visitOrder.size);
      for (const x of node.inputs) visit(x, depth + 1);
      finished.add(node);
      postorder.push(node);
    };
    for (const o of outputs) visit(o, 0);
    const nodeDepth = new Map<CallNode, number>();
    const layerDepth = new Map<LayerInstance, number>();
    for (const node of [...postorder].reverse()) {
      const depth = Math.max(nodeDepth.get(node) ?? 0, layerDepth.get(node.layer) ?? 0);
      layerDepth.set(node.layer, depth);
      nodeDepth.set(node, depth);
      for (const x of node.inputs) if (x.node) nodeDepth.set(x.node, Math.max(depth + 1, nodeDepth.get(x.node) ?? 0));
    }
    return [...layerDepth.keys()].sort((a, b) => layerDepth.get(b)! - layerDepth.get(a)! || visitOrder.get(a)! - visitOrder.get(b)!);
  }
}
