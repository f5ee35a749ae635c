// Keras in Python as a front end of the module system: `keras.layers.X` / `tf.keras.layers.X` /
// `from keras import layers` resolve to the catalogue's Keras entries (a table, not code per
// layer), layer instances called on symbolic tensors record their calls like PyTorch modules,
// and a few builtins give the model containers: keras.Input (batch dim N), keras.Sequential
// (list or .add), keras.Model(inputs, outputs) and subclassed keras.Model with call().

import { lookupLayer } from '../layers/catalogue';
import { kerasAutoName } from '../layers/kerasDefinitions';
import { identityField } from '../receptiveField';
import { symDim, type Dim } from '../shapes';
import type { Framework } from '../types';
import { builtin, nativeClass, tableNamespace } from './builtins';
import type { Interpreter } from './interpreter';
import type { FrameworkFrontEnd, ModuleSystem } from './moduleSystem';
import { NONE, tuple, unknown, type CallSite, type ClassV, type InstanceV, type ModuleRec, type NativeKind, type TensorV, type Value } from './values';

/** How a framework spelling maps onto the catalogue: module path → catalogue framework. */
const LAYER_NAMESPACES: Record<string, 'keras'> = {
  'keras.layers': 'keras',
  'tensorflow.keras.layers': 'keras',
  'tf.keras.layers': 'keras',
};

/** Package spellings that mean "Keras". */
const KERAS_ROOTS = ['keras', 'tensorflow.keras', 'tf.keras'];

/** Where a Keras tensor came from, for functional models: the layer and its input tensors. */
interface KerasHistory {
  rec: ModuleRec;
  inst: InstanceV;
  inputs: TensorV[];
}

/** The Keras front end: namespaces, model containers, layer naming and functional history. */
export class KerasFrontEnd implements FrameworkFrontEnd {
  readonly framework: Framework = 'keras';
  readonly modelBase: NativeKind = 'KerasModel';
  /** Subclassed Keras models run `call` (a model defining only `forward` still runs). */
  readonly forwardMethod = 'call';
  private readonly nameCounts = new Map<string, number>();
  readonly history = new WeakMap<TensorV, KerasHistory>();
  /** Layers in the order of their first call (functional models list layers in this order). */
  readonly callOrder: number[] = [];
  readonly modelClass: ClassV;
  readonly sequentialClass: ClassV;

  private readonly interp: Interpreter;

  constructor(private readonly system: ModuleSystem) {
    this.interp = system.interp;
    this.modelClass = nativeClass('Model', 'KerasModel', [system.moduleClass]);
    this.sequentialClass = nativeClass('Sequential', 'KerasModel', [this.modelClass]);
    this.installModel();
    this.installSequential();
  }

  /** The namespace for a Keras/TensorFlow module name, or undefined when it is not Keras. */
  namespace(name: string): Value | undefined {
    const layerFw = LAYER_NAMESPACES[name];
    if (layerFw) return this.layersNamespace();
    if (name === 'tensorflow' || name === 'tf') return { k: 'namespace', name: 'tensorflow', get: (a) => (a === 'keras' ? this.kerasNamespace() : this.interp.builtinsOpaque(`tensorflow.${a}`)) };
    if (KERAS_ROOTS.includes(name)) return this.kerasNamespace();
    for (const root of KERAS_ROOTS) {
      if (name === `${root}.models`) return this.kerasNamespace();
      if (name.startsWith(`${root}.`)) return this.interp.opaqueNamespace(name);
    }
    return undefined;
  }

  private layersNamespace(): Value {
    return {
      k: 'namespace',
      name: 'keras.layers',
      get: (attr) => {
        if (attr === 'Input') return this.inputFn();
        return this.system.layerClass('keras', attr) ?? (lookupLayer('keras', attr) ? undefined : this.interp.builtinsOpaque(`keras.layers.${attr}`));
      },
    };
  }

  private kerasNamespace(): Value {
    const table: Record<string, Value> = {
      Input: this.inputFn(),
      Model: this.modelClass,
      Sequential: this.sequentialClass,
      layers: this.layersNamespace(),
      models: tableNamespace('keras.models', { Model: this.modelClass, Sequential: this.sequentialClass }),
    };
    return { k: 'namespace', name: 'keras', get: (attr) => table[attr] ?? this.interp.opaqueNamespace(`keras.${attr}`) };
  }

  /** `keras.Input(shape=(...))`: a symbolic tensor with the batch dimension N, and its InputLayer. */
  private inputFn(): Value {
    return builtin('Input', (args, kwargs, site) => {
      const shapeV = args[0] ?? kwargs.get('shape');
      const batchShape = kwargs.get('batch_shape');
      const items = shapeV ? this.interp.iterate(shapeV, site) : batchShape ? this.interp.iterate(batchShape, site) : null;
      if (!items) return unknown('keras.Input without a shape', site);
      // Unknown sizes get the names a reader expects: (N,T,F) for sequences, (N,H,W,C) for images.
      const names = items.length === 2 ? ['T', 'F'] : items.length === 3 ? ['H', 'W', 'C'] : items.map((_, i) => `D${i + 1}`);
      const dims: Dim[] = items.map((v, i) => (v.k === 'int' ? v.v : symDim(i === 0 && !shapeV ? 'N' : names[i] ?? `D${i + 1}`)));
      const nameV = kwargs.get('name');
      const shape = shapeV ? [symDim('N'), ...dims] : dims;
      const t: TensorV = { k: 'tensor', shape, ranked: true, dtype: 'float', field: shape.length >= 3 ? identityField(shape.length - 2) : null, origin: null };
      const cls = this.system.layerClass('keras', 'InputLayer');
      if (cls) {
        const inst = this.system.newModule(cls, site);
        inst.mod!.framework = 'keras';
        const init = new Map<string, Value>([['shape', shapeV ?? NONE]]);
        if (nameV) init.set('name', nameV);
        this.interp.call({ k: 'bound', fn: this.interp.lookupClassAttr(cls, '__init__')!, self: inst }, [], init, site);
        inst.mod!.calls = 1;
        inst.mod!.firstCall = { inputs: [], output: t, span: this.interp.mainSpan(site).span, notation: null, formula: null, macs: null, geometry: null };
        this.history.set(t, { rec: inst.mod!, inst, inputs: [] });
        this.callOrder.push(inst.mod!.id);
      }
      return t;
    });
  }

  /** Names a new Keras layer from `name=` or its class, as Keras does (`dense`, `dense_1`, …). */
  layerConstructed(inst: InstanceV, kwargs: Map<string, Value>): void {
    const nameV = kwargs.get('name');
    inst.mod!.name = nameV?.k === 'str' ? nameV.v : kerasAutoName(inst.cls.name, this.nameCounts);
  }

  /** Keras lists layers by their names (`dense_1`), not by the attribute holding them. */
  pathSegment(attr: string, child: ModuleRec): string {
    return child.name || attr;
  }

  /** Records a Keras layer call for functional models. */
  moduleCalled(inst: InstanceV, args: Value[], output: Value): void {
    if (!inst.mod || inst.mod.framework !== 'keras') return;
    if (inst.mod.calls === 1) this.callOrder.push(inst.mod.id);
    const inputs: TensorV[] = [];
    const collect = (v: Value) => {
      if (v.k === 'tensor') inputs.push(v);
      else if (v.k === 'list' || v.k === 'tuple') v.items.forEach(collect);
    };
    args.forEach(collect);
    const mark = (v: Value) => {
      if (v.k === 'tensor') this.history.set(v, { rec: inst.mod!, inst, inputs });
      else if (v.k === 'tuple' || v.k === 'list') v.items.forEach(mark);
    };
    mark(output);
  }

  private installModel(): void {
    const M = this.modelClass;
    M.ns.set('__init__', builtin('Model.__init__', (args, kwargs, site) => {
      const self = args[0];
      if (self?.k !== 'instance' || !self.mod) return NONE;
      const inputs = args[1] ?? kwargs.get('inputs');
      const outputs = args[2] ?? kwargs.get('outputs');
      const nameV = kwargs.get('name');
      if (nameV?.k === 'str') self.mod.name = nameV.v;
      if (inputs && outputs) this.buildFunctional(self, inputs, outputs, site);
      return NONE;
    }));
    M.ns.set('call', builtin('Model.call', (args, _kw, site) => {
      const self = args[0];
      if (self?.k !== 'instance') return unknown('call', site);
      const out = self.attrs.get('_outputs');
      // Calling a functional model on new inputs gives the same shapes as its symbolic outputs.
      return out ?? unknown(`${self.cls.name} has no call()`, site);
    }));
    for (const n of ['compile', 'summary', 'fit', 'build']) M.ns.set(n, builtin(`Model.${n}`, () => NONE));
  }

  private installSequential(): void {
    const S = this.sequentialClass;
    S.ns.set('__init__', builtin('Sequential.__init__', (args, kwargs, site) => {
      const self = args[0];
      if (self?.k !== 'instance' || !self.mod) return NONE;
      const nameV = kwargs.get('name');
      if (nameV?.k === 'str') self.mod.name = nameV.v;
      const list = args[1] ?? kwargs.get('layers');
      const items = list ? this.interp.iterate(list, site) ?? [] : [];
      for (const item of items) this.add(self, item, site);
      return NONE;
    }));
    S.ns.set('add', builtin('Sequential.add', (args, _kw, site) => {
      const self = args[0];
      if (self?.k === 'instance' && self.mod && args[1]) this.add(self, args[1], site);
      return NONE;
    }));
    S.ns.set('call', builtin('Sequential.call', (args, _kw, site) => {
      const self = args[0];
      if (self?.k !== 'instance' || !self.mod) return unknown('Sequential', site);
      let x: Value = args[1] ?? NONE;
      for (const child of self.mod.children.values()) x = this.system.callModule(child, [x], new Map(), site);
      return x;
    }));
  }

  /** Sequential.add: an Input sets the input; a layer is appended and, once built, run on the current output. */
  private add(self: InstanceV, item: Value, site: CallSite): void {
    if (item.k === 'tensor') {
      self.attrs.set('_inputs', tuple([item]));
      self.attrs.set('_outputs', item);
      return;
    }
    if (item.k !== 'instance' || !item.mod) {
      this.interp.gap(site, 'keras.Sequential item the analysis cannot read');
      return;
    }
    this.system.setModuleAttr(self, item.mod.name ?? String(self.mod!.children.size), item);
    const current = self.attrs.get('_outputs');
    if (current) self.attrs.set('_outputs', this.system.callModule(item, [current], new Map(), site));
  }

  /** `keras.Model(inputs, outputs)`: the layers between them, in call order. */
  private buildFunctional(self: InstanceV, inputs: Value, outputs: Value, site: CallSite): void {
    const outs: TensorV[] = [];
    const collect = (v: Value) => {
      if (v.k === 'tensor') outs.push(v);
      else if (v.k === 'list' || v.k === 'tuple') v.items.forEach(collect);
      else if (v.k === 'dict') for (const e of v.entries.values()) collect(e.value);
    };
    collect(outputs);
    const used = new Map<number, InstanceV>();
    const seen = new Set<TensorV>();
    const walk = (t: TensorV) => {
      if (seen.has(t)) return;
      seen.add(t);
      const h = this.history.get(t);
      if (!h) return;
      used.set(h.rec.id, h.inst);
      h.inputs.forEach(walk);
    };
    outs.forEach(walk);
    if (outs.length && used.size === 0) this.interp.gap(site, 'keras.Model outputs that no layer call produced');
    const order = [...new Set(this.callOrder)].filter((id) => used.has(id));
    for (const id of order) {
      const inst = used.get(id)!;
      this.system.setModuleAttr(self, inst.mod!.name ?? String(id), inst);
    }
    self.attrs.set('_inputs', inputs.k === 'tensor' ? tuple([inputs]) : inputs);
    self.attrs.set('_outputs', outputs);
  }
}
