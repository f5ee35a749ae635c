// Keras in Python as a front end of the module system: `keras.layers.X` / `tf.keras.layers.X` /
// `from keras import layers` resolve to the catalogue's Keras entries (a table, not code per
// layer), layer instances called on symbolic tensors record their calls like PyTorch modules,
// and a few builtins give the model containers: keras.Input (batch dim N), keras.Sequential
// (list or .add), keras.Model(inputs, outputs) and subclassed keras.Model with call().

import { kerasClassOf, lookupLayer } from '../layers/catalogue';
import { kerasAutoName } from '../layers/kerasDefinitions';
import { identityField } from '../receptiveField';
import { isKnown, symDim, type Dim } from '../shapes';
import type { Framework, Span } from '../types';
import { builtin, nativeClass, tableNamespace } from './builtins';
import type { Interpreter } from './interpreter';
import type { FrameworkFrontEnd, ModuleSystem } from './moduleSystem';
import { torchFunction } from './tensorOps';
import { FALSE, NONE, TRUE, int, str, tuple, unknown, type CallSite, type ClassV, type InstanceV, type ModuleRec, type NativeKind, type TensorV, type Value } from './values';

/** How a framework spelling maps onto the catalogue: module path → catalogue framework. */
const LAYER_NAMESPACES: Record<string, 'keras'> = {
  'keras.layers': 'keras',
  'tensorflow.keras.layers': 'keras',
  'tf.keras.layers': 'keras',
};

/** Package spellings that mean "Keras". */
const KERAS_ROOTS = ['keras', 'tensorflow.keras', 'tf.keras'];

/** The functional forms of the merge layers (`layers.add([a, b])` builds and calls `Add()`). */
const MERGE_FUNCTIONS: Record<string, string> = {
  add: 'Add',
  subtract: 'Subtract',
  multiply: 'Multiply',
  average: 'Average',
  maximum: 'Maximum',
  minimum: 'Minimum',
  concatenate: 'Concatenate',
  dot: 'Dot',
};

/**
 * Tensor functions of `keras.ops`, `tf`, `tf.math` and `keras.backend` that the PyTorch rules
 * already model: the torch function and how Keras's argument names map onto it.
 */
const TENSOR_FUNCTIONS: Record<string, { torch: string; keys?: Record<string, string> }> = {
  add: { torch: 'add' },
  subtract: { torch: 'sub' },
  multiply: { torch: 'mul' },
  divide: { torch: 'div' },
  truediv: { torch: 'div' },
  maximum: { torch: 'maximum' },
  minimum: { torch: 'minimum' },
  pow: { torch: 'pow' },
  power: { torch: 'pow' },
  matmul: { torch: 'matmul' },
  sigmoid: { torch: 'sigmoid' },
  tanh: { torch: 'tanh' },
  relu: { torch: 'relu' },
  exp: { torch: 'exp' },
  log: { torch: 'log' },
  sqrt: { torch: 'sqrt' },
  rsqrt: { torch: 'rsqrt' },
  square: { torch: 'square' },
  abs: { torch: 'abs' },
  negative: { torch: 'neg' },
  sign: { torch: 'sign' },
  sin: { torch: 'sin' },
  cos: { torch: 'cos' },
  erf: { torch: 'erf' },
  softmax: { torch: 'softmax', keys: { axis: 'dim' } },
  concat: { torch: 'cat', keys: { axis: 'dim', values: 'tensors' } },
  concatenate: { torch: 'cat', keys: { axis: 'dim', xs: 'tensors' } },
  stack: { torch: 'stack', keys: { axis: 'dim', values: 'tensors' } },
  reshape: { torch: 'reshape', keys: { newshape: 'shape', new_shape: 'shape' } },
  expand_dims: { torch: 'unsqueeze', keys: { axis: 'dim' } },
  squeeze: { torch: 'squeeze', keys: { axis: 'dim' } },
  reduce_mean: { torch: 'mean', keys: { axis: 'dim', keepdims: 'keepdim' } },
  reduce_sum: { torch: 'sum', keys: { axis: 'dim', keepdims: 'keepdim' } },
  mean: { torch: 'mean', keys: { axis: 'dim', keepdims: 'keepdim' } },
  sum: { torch: 'sum', keys: { axis: 'dim', keepdims: 'keepdim' } },
  cumsum: { torch: 'cumsum', keys: { axis: 'dim' } },
  ones_like: { torch: 'ones_like' },
  zeros_like: { torch: 'zeros_like' },
  eye: { torch: 'eye' },
  arange: { torch: 'arange', keys: { stop: 'end' } },
  range: { torch: 'arange', keys: { limit: 'end', delta: 'step' } },
};

/** Keras's default backend facts: `image_data_format()` is 'channels_last' unless configured. */
const IMAGE_DATA_FORMAT = 'channels_last';

/**
 * A node of a functional graph: one call of a layer (its history) or one tensor operation (`x + y`,
 * slicing, `ops.*`: the operand list it was made from, shared by its outputs).
 */
type GraphNode = KerasHistory | TensorV[];

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
  readonly modelClass: ClassV;
  readonly sequentialClass: ClassV;
  /** `keras.layers.Layer`, the base of subclassed layers (a module whose forward is `call`). */
  readonly layerBaseClass: ClassV;
  /** `keras.layers.Lambda`: a layer whose call is the function it wraps. */
  readonly lambdaClass: ClassV;
  /** Tensors an operation (`a + b`, `x[..., :4]`, `ops.concatenate`) made from Keras tensors. */
  private readonly derivedFrom = new WeakMap<TensorV, TensorV[]>();
  /** Layers whose `build(input_shape)` already ran (Keras builds a layer on its first call). */
  private readonly builtLayers = new Set<number>();
  /**
   * Models this program saved, by the constant path it saved them to (`model.save(path)`,
   * `keras.models.save_model(model, path)`, a `ModelCheckpoint(path)` given to the model's `fit`):
   * `load_model(path)` of such a path gives that model's architecture.
   */
  private readonly savedModels = new Map<string, InstanceV>();
  /**
   * Where each model input was declared (`keras.Input(...)`, `model.build(shape)`, `input_shape=`):
   * the start of that call in the main file, the key of an input binding that fills its sizes.
   */
  readonly inputSites = new WeakMap<TensorV, Span>();
  /**
   * Shapes that input bindings give the model inputs declared at these places (the start of the
   * declaring call in the main file), set before the file runs again with them (analyzePython.ts).
   */
  inputOverrides: Map<number, Dim[]> | null = null;
  /** `keras.callbacks.ModelCheckpoint`: keeps its file path for the `fit` it is given to. */
  private readonly checkpointClass: ClassV;

  private readonly interp: Interpreter;

  constructor(private readonly system: ModuleSystem) {
    this.interp = system.interp;
    this.layerBaseClass = nativeClass('Layer', 'KerasModel', [system.moduleClass]);
    this.modelClass = nativeClass('Model', 'KerasModel', [this.layerBaseClass]);
    this.sequentialClass = nativeClass('Sequential', 'KerasModel', [this.modelClass]);
    this.lambdaClass = nativeClass('Lambda', 'KerasModel', [this.layerBaseClass]);
    this.checkpointClass = nativeClass('ModelCheckpoint', 'object', [system.objectClass]);
    this.installCheckpoint();
    this.installLayerBase();
    this.installLambda();
    this.installModel();
    this.installSequential();
  }

  /** The namespace for a Keras/TensorFlow module name, or undefined when it is not Keras. */
  namespace(name: string): Value | undefined {
    const layerFw = LAYER_NAMESPACES[name];
    if (layerFw) return this.layersNamespace();
    if (name === 'tensorflow' || name === 'tf') {
      return {
        k: 'namespace',
        name: 'tensorflow',
        get: (a) => (a === 'keras' ? this.kerasNamespace() : a === 'math' || a === 'nn' || a === 'random' ? this.opsNamespace(`tensorflow.${a}`) : this.tensorFunction(`tensorflow.${a}`, a) ?? this.interp.builtinsOpaque(`tensorflow.${a}`)),
      };
    }
    if (name === 'tensorflow.math' || name === 'tf.math' || name === 'tensorflow.nn' || name === 'tensorflow.random') return this.opsNamespace(name);
    if (KERAS_ROOTS.includes(name)) return this.kerasNamespace();
    for (const root of KERAS_ROOTS) {
      if (name === `${root}.models`) return this.kerasNamespace();
      if (name === `${root}.backend`) return this.backendNamespace();
      if (name === `${root}.ops` || name === `${root}.random`) return this.opsNamespace(name);
      if (name === `${root}.utils`) return this.utilsNamespace();
      if (name === `${root}.activations`) return this.activationsNamespace();
      if (name === `${root}.callbacks`) return this.callbacksNamespace();
      if (name === `${root}.saving`) return this.savingNamespace();
      if (name.startsWith(`${root}.`)) return this.interp.opaqueNamespace(name);
    }
    return undefined;
  }

  /**
   * Keras imports keras_applications with its own submodules bound (keras/applications/__init__.py
   * passes backend, layers, models and utils to every builder): the package's defaults are set to
   * them, so `get_submodules_from_kwargs(kwargs)` gives Keras's modules as it does in Keras.
   */
  workspaceModuleRan(path: string, setGlobal: (name: string, v: Value) => void): void {
    if (!/(^|\/)keras_applications\/__init__\.py$/.test(path)) return;
    setGlobal('_KERAS_BACKEND', this.backendNamespace());
    setGlobal('_KERAS_LAYERS', this.layersNamespace());
    setGlobal('_KERAS_MODELS', this.kerasNamespace());
    setGlobal('_KERAS_UTILS', this.utilsNamespace());
  }

  /** `keras.backend`: the configuration facts model code branches on, and tensor functions. */
  private backendNamespace(): Value {
    const table: Record<string, Value> = {
      image_data_format: builtin('image_data_format', () => str(IMAGE_DATA_FORMAT)),
      backend: builtin('backend', () => str('tensorflow')),
      floatx: builtin('floatx', () => str('float32')),
      epsilon: builtin('epsilon', () => ({ k: 'float', v: 1e-7 })),
      int_shape: builtin('int_shape', (args, _kw, site) => {
        const t = args[0];
        if (t?.k !== 'tensor' || !t.ranked) return unknown('int_shape of a value that is not a known tensor', site);
        return tuple(t.shape.map((d) => (isKnown(d) ? int(d) : NONE)));
      }),
      is_keras_tensor: builtin('is_keras_tensor', (args) => (args[0]?.k === 'tensor' ? TRUE : FALSE)),
    };
    return { k: 'namespace', name: 'keras.backend', get: (attr) => table[attr] ?? this.tensorFunction(`keras.backend.${attr}`, attr) ?? this.interp.builtinsOpaque(`keras.backend.${attr}`) };
  }

  /** `keras.utils`: `get_source_inputs` (the inputs a tensor came from) for builders given an input tensor. */
  private utilsNamespace(): Value {
    const table: Record<string, Value> = {
      get_source_inputs: builtin('get_source_inputs', (args, _kw, site) => {
        const t = args[0];
        if (t?.k !== 'tensor') return unknown('get_source_inputs of a non-tensor', site);
        return { k: 'list', items: this.sourceInputs(t) };
      }),
    };
    return { k: 'namespace', name: 'keras.utils', get: (attr) => table[attr] ?? this.interp.builtinsOpaque(`keras.utils.${attr}`) };
  }

  /** The model inputs (InputLayer tensors) a tensor was computed from, in the order first met. */
  private sourceInputs(t: TensorV): TensorV[] {
    const out: TensorV[] = [];
    const seen = new Set<TensorV>();
    const walk = (x: TensorV) => {
      if (seen.has(x)) return;
      seen.add(x);
      const h = this.history.get(x);
      if (h && h.inputs.length === 0) out.push(x);
      for (const y of h ? h.inputs : this.derivedFrom.get(x) ?? []) walk(y);
    };
    walk(t);
    return out;
  }

  /**
   * `keras.activations`: every activation keeps its input's shape; `get(name_or_fn)` gives one
   * (None gives the identity, as Keras's 'linear').
   */
  private activationsNamespace(): Value {
    const activation = (name: string): Value =>
      builtin(`keras.activations.${name}`, (args, _kw, site) => {
        const x = args[0];
        if (x?.k !== 'tensor') return unknown(`keras.activations.${name} of a non-tensor`, site);
        const y: TensorV = { ...x, origin: x.origin };
        this.tensorDerived(y, [x]);
        return y;
      });
    const table: Record<string, Value> = {
      get: builtin('keras.activations.get', (args) => {
        const a = args[0];
        if (a?.k === 'str') return activation(a.v);
        return a && a.k !== 'none' ? a : activation('linear');
      }),
      serialize: builtin('keras.activations.serialize', (args) => (args[0]?.k === 'builtin' ? str(args[0].name.replace(/^keras\.activations\./, '')) : unknown('an activation'))),
    };
    return { k: 'namespace', name: 'keras.activations', get: (attr) => table[attr] ?? activation(attr) };
  }

  /** `keras.ops`, `tf.math`, `tf.nn`: tensor functions the shared rules model. */
  private opsNamespace(name: string): Value {
    return { k: 'namespace', name, get: (attr) => this.tensorFunction(`${name}.${attr}`, attr) ?? this.interp.builtinsOpaque(`${name}.${attr}`) };
  }

  /**
   * A Keras/TensorFlow tensor function that the shared (PyTorch) rules model, with Keras's
   * argument names translated; its result is derived from its tensor arguments, so a functional
   * model's graph runs through it.
   */
  private tensorFunction(qualified: string, attr: string): Value | undefined {
    const own = this.ownTensorFunction(qualified, attr);
    if (own) return own;
    const entry = TENSOR_FUNCTIONS[attr];
    if (!entry) return undefined;
    const fn = torchFunction(this.interp, entry.torch);
    if (!fn) return undefined;
    return builtin(qualified, (args, kwargs, site) => {
      const translated = new Map<string, Value>();
      for (const [k, v] of kwargs) if (k !== 'name') translated.set(entry.keys?.[k] ?? k, v);
      // `tf.concat(values, axis)`: the sequence may come by keyword too.
      const seqKey = [...translated.keys()].find((k) => k === 'tensors');
      const positional = seqKey ? [translated.get(seqKey)!, ...args] : args;
      if (seqKey) translated.delete(seqKey);
      const result = this.interp.call(fn, positional, translated, site);
      const inputs: Value[] = [];
      const collect = (v: Value) => {
        if (v.k === 'tensor') inputs.push(v);
        else if (v.k === 'list' || v.k === 'tuple') v.items.forEach(collect);
      };
      positional.forEach(collect);
      this.tensorDerived(result, inputs);
      return result;
    });
  }

  /**
   * Keras tensor functions with no PyTorch twin: `cast`, `shape`, `take`; and the makers of a tensor
   * of a given shape (`tf.zeros(shape, dtype)`, `ops.ones`, `tf.random.normal(shape, mean, stddev)`),
   * whose second argument is not a size as in PyTorch.
   */
  private ownTensorFunction(qualified: string, attr: string): Value | undefined {
    if (['zeros', 'ones', 'empty', 'normal', 'uniform', 'truncated_normal'].includes(attr)) {
      return builtin(qualified, (args, kwargs, site) => {
        const shapeV = args[0] ?? kwargs.get('shape');
        const items = shapeV ? this.interp.iterate(shapeV, site) : null;
        if (!items || !items.every((d) => d.k === 'int')) return unknown(`${qualified} of a shape the analysis does not know`, site);
        const d = attr === 'zeros' || attr === 'ones' || attr === 'empty' ? (args[1] ?? kwargs.get('dtype')) : kwargs.get('dtype');
        const named = d?.k === 'str' ? d.v : d?.k === 'dtype' ? d.dtype : d && d.k !== 'none' ? null : 'float';
        const dtype: TensorV['dtype'] = named === null ? 'float' : /int|long/.test(named) ? 'long' : named === 'bool' ? 'bool' : 'float';
        const shape = items.map((i) => (i as { v: Dim }).v);
        return { k: 'tensor', shape, ranked: true, dtype, ...(named === null ? { dtypeUncertain: true } : {}), field: null, origin: null };
      });
    }
    const derive = (out: Value, inputs: Value[]) => {
      this.tensorDerived(out, inputs);
      return out;
    };
    if (attr === 'cast') {
      return builtin(qualified, (args, kwargs, site) => {
        const x = args[0];
        const d = args[1] ?? kwargs.get('dtype');
        if (x?.k !== 'tensor') return unknown(`${qualified} of a non-tensor`, site);
        const dtype: TensorV['dtype'] = d?.k === 'str' ? (/int/.test(d.v) ? 'long' : d.v === 'bool' ? 'bool' : 'float') : d?.k === 'dtype' ? d.dtype : x.dtype;
        return derive({ ...x, dtype }, [x]);
      });
    }
    if (attr === 'shape') {
      return builtin(qualified, (args, _kw, site) => {
        const x = args[0];
        if (x?.k !== 'tensor' || !x.ranked) return unknown(`${qualified} of a value that is not a known tensor`, site);
        return tuple(x.shape.map((d) => int(d)));
      });
    }
    if (attr === 'take' || attr === 'gather') {
      // take(x, indices, axis): x's axes before `axis`, the indices' shape, x's axes after it.
      return builtin(qualified, (args, kwargs, site) => {
        const [x, idx] = [args[0], args[1] ?? kwargs.get('indices')];
        const axisV = args[2] ?? kwargs.get('axis');
        if (x?.k !== 'tensor' || !x.ranked || idx?.k !== 'tensor' || !idx.ranked) return unknown(`${qualified} of tensors the analysis does not know`, site);
        const axis = axisV?.k === 'int' && isKnown(axisV.v) ? (axisV.v < 0 ? axisV.v + x.shape.length : axisV.v) : attr === 'gather' && !axisV ? 0 : null;
        if (axis === null || axis < 0 || axis >= x.shape.length) return unknown(`${qualified} along an axis the analysis does not know`, site);
        const shape = [...x.shape.slice(0, axis), ...idx.shape, ...x.shape.slice(axis + 1)];
        return derive({ k: 'tensor', shape, ranked: true, dtype: x.dtype, field: null, origin: x.origin }, [x, idx]);
      });
    }
    return undefined;
  }

  /** Records that an operation made `output` from Keras tensors among `inputs`. */
  tensorDerived(output: Value, inputs: Value[]): void {
    const sources = inputs.filter((v): v is TensorV => v.k === 'tensor' && (this.history.has(v) || this.derivedFrom.has(v)));
    if (sources.length === 0) return;
    const mark = (v: Value) => {
      if (v.k === 'tensor' && !this.history.has(v) && !sources.includes(v)) this.derivedFrom.set(v, sources);
      else if (v.k === 'tuple' || v.k === 'list') v.items.forEach(mark);
    };
    mark(output);
  }

  private layersNamespace(): Value {
    return {
      k: 'namespace',
      name: 'keras.layers',
      get: (attr) => {
        if (attr === 'Input') return this.inputFn();
        if (attr === 'Layer') return this.layerBaseClass;
        if (attr === 'Lambda') return this.lambdaClass;
        const merge = MERGE_FUNCTIONS[attr];
        if (merge) return this.mergeFunction(attr, merge);
        const className = kerasClassOf(attr);
        return this.system.layerClass('keras', className) ?? (lookupLayer('keras', className) ? undefined : this.interp.builtinsOpaque(`keras.layers.${attr}`));
      },
    };
  }

  /** `layers.add([a, b], name=...)`: builds the merge layer from the other arguments and calls it on the list. */
  private mergeFunction(attr: string, className: string): Value {
    return builtin(`keras.layers.${attr}`, (args, kwargs, site) => {
      const cls = this.system.layerClass('keras', className);
      const inputs = args[0] ?? kwargs.get('inputs');
      if (!cls || !inputs) return unknown(`keras.layers.${attr} without inputs`, site);
      const init = new Map([...kwargs].filter(([k]) => k !== 'inputs'));
      const layer = this.interp.call(cls, args.slice(1), init, site);
      return this.interp.call(layer, [inputs], new Map(), site);
    });
  }

  private kerasNamespace(): Value {
    const table: Record<string, Value> = {
      Input: this.inputFn(),
      Model: this.modelClass,
      Sequential: this.sequentialClass,
      Layer: this.layerBaseClass,
      layers: this.layersNamespace(),
      backend: this.backendNamespace(),
      ops: this.opsNamespace('keras.ops'),
      random: this.opsNamespace('keras.random'),
      utils: this.utilsNamespace(),
      activations: this.activationsNamespace(),
      models: tableNamespace('keras.models', { Model: this.modelClass, Sequential: this.sequentialClass, load_model: this.loadModelFn('keras.models.load_model'), save_model: this.saveModelFn('keras.models.save_model') }),
      saving: this.savingNamespace(),
      callbacks: this.callbacksNamespace(),
      // `from keras.models import load_model`: `keras.models` resolves to this namespace.
      load_model: this.loadModelFn('keras.models.load_model'),
      save_model: this.saveModelFn('keras.models.save_model'),
    };
    return { k: 'namespace', name: 'keras', get: (attr) => table[attr] ?? this.interp.opaqueNamespace(`keras.${attr}`) };
  }

  /** `keras.Input(shape=(...))`: a symbolic tensor with the batch dimension N, and its InputLayer. */
  private inputFn(): Value {
    return builtin('Input', (args, kwargs, site) => {
      const shapeV = args[0] ?? kwargs.get('shape');
      const batchShape = kwargs.get('batch_shape');
      const items = shapeV ? this.interp.iterate(shapeV, site) : batchShape ? this.interp.iterate(batchShape, site) : null;
      const nameV = kwargs.get('name');
      const declaredAt = this.interp.mainSpan(site).span;
      const override = this.inputOverrides?.get(declaredAt.from);
      let t: TensorV;
      if (override) {
        // An input binding filled the sizes this declaration leaves unknown (a size read from data).
        t = { k: 'tensor', shape: [...override], ranked: true, dtype: 'float', field: override.length >= 3 ? identityField(override.length - 2) : null, origin: null };
      } else if (!items) {
        // A shape the analysis cannot read (a builder's parameter): an input of unknown rank, which
        // the first layer that needs a rank refines, so the model's layers are still all there.
        if (!shapeV && !batchShape) return unknown('keras.Input without a shape', site);
        t = { k: 'tensor', shape: [], ranked: false, dtype: 'float', field: null, origin: null };
        this.system.inputTensors.add(t);
      } else {
        // Unknown sizes get the names a reader expects: (N,T,F) for sequences, (N,H,W,C) for images.
        const names = items.length === 2 ? ['T', 'F'] : items.length === 3 ? ['H', 'W', 'C'] : items.map((_, i) => `D${i + 1}`);
        const dims: Dim[] = items.map((v, i) => (v.k === 'int' ? v.v : symDim(i === 0 && !shapeV ? 'N' : names[i] ?? `D${i + 1}`)));
        const shape = shapeV ? [symDim('N'), ...dims] : dims;
        t = { k: 'tensor', shape, ranked: true, dtype: 'float', field: shape.length >= 3 ? identityField(shape.length - 2) : null, origin: null };
      }
      this.inputSites.set(t, declaredAt);
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

  /** Records a Keras layer call for functional models (tensors passed by keyword, such as `initial_state=`, included). */
  moduleCalled(inst: InstanceV, args: Value[], kwargs: Map<string, Value>, output: Value): void {
    if (!inst.mod || inst.mod.framework !== 'keras') return;
    const inputs: TensorV[] = [];
    const collect = (v: Value) => {
      if (v.k === 'tensor') inputs.push(v);
      else if (v.k === 'list' || v.k === 'tuple') v.items.forEach(collect);
    };
    args.forEach(collect);
    kwargs.forEach(collect);
    const mark = (v: Value) => {
      if (v.k === 'tensor') this.history.set(v, { rec: inst.mod!, inst, inputs });
      else if (v.k === 'tuple' || v.k === 'list') v.items.forEach(mark);
    };
    mark(output);
  }

  /** Remembers that the program saved `model` to `path` when the path is a constant string. */
  private modelSaved(model: InstanceV, path: Value | undefined): void {
    // A path with `{epoch}`-style fields is formatted by Keras: the file saved is not that string.
    if (path?.k === 'str' && !path.v.includes('{')) this.savedModels.set(path.v, model);
  }

  /**
   * `load_model(path)`: the model this program saved to that constant path, whose architecture the
   * file is; any other path (a file the program does not write, an f-string) is unknown, with a finding.
   */
  private loadModelFn(qualified: string): Value {
    return builtin(qualified, (args, kwargs, site) => {
      const path = args[0] ?? kwargs.get('filepath');
      const saved = path?.k === 'str' ? this.savedModels.get(path.v) : undefined;
      if (saved) return saved;
      const what = path?.k === 'str' ? `'${path.v}', a path this program does not save a model to` : 'a path the analysis cannot read';
      this.interp.gap(site, `${qualified}(${what}): the loaded model's architecture is unknown`);
      return unknown(`${qualified} of a model the program does not save`, site);
    });
  }

  /** `save_model(model, path)`: as `model.save(path)`. */
  private saveModelFn(qualified: string): Value {
    return builtin(qualified, (args, kwargs) => {
      const model = args[0] ?? kwargs.get('model');
      if (model?.k === 'instance') this.modelSaved(model, args[1] ?? kwargs.get('filepath'));
      return NONE;
    });
  }

  /** `keras.saving`: `load_model` and `save_model`. */
  private savingNamespace(): Value {
    const table: Record<string, Value> = { load_model: this.loadModelFn('keras.saving.load_model'), save_model: this.saveModelFn('keras.saving.save_model') };
    return { k: 'namespace', name: 'keras.saving', get: (attr) => table[attr] ?? this.interp.builtinsOpaque(`keras.saving.${attr}`) };
  }

  /** `keras.callbacks`: `ModelCheckpoint` (its path matters to `load_model`); the others are opaque. */
  private callbacksNamespace(): Value {
    return { k: 'namespace', name: 'keras.callbacks', get: (attr) => (attr === 'ModelCheckpoint' ? this.checkpointClass : this.interp.builtinsOpaque(`keras.callbacks.${attr}`)) };
  }

  /** `ModelCheckpoint(filepath, monitor, verbose, save_best_only, save_weights_only, ...)`. */
  private installCheckpoint(): void {
    this.checkpointClass.ns.set('__init__', builtin('ModelCheckpoint.__init__', (args, kwargs) => {
      const self = args[0];
      if (self?.k !== 'instance') return NONE;
      self.attrs.set('filepath', args[1] ?? kwargs.get('filepath') ?? NONE);
      self.attrs.set('save_weights_only', args[5] ?? kwargs.get('save_weights_only') ?? FALSE);
      return NONE;
    }));
  }

  /** Names a Keras object as its constructor does: `name=`, else snake_case of its class with a counter. */
  private nameLayer(self: InstanceV, kwargs: Map<string, Value>): void {
    const nameV = kwargs.get('name');
    if (nameV?.k === 'str') self.mod!.name = nameV.v;
    else if (!self.mod!.name) self.mod!.name = kerasAutoName(self.cls.name, this.nameCounts);
  }

  /**
   * `keras.layers.Layer`: a subclass's `__init__` creates sublayers (tracked like PyTorch
   * submodules, lists of layers included), `build(input_shape)` runs before the first `call`, and
   * `add_weight(shape=...)` makes a weight that counts.
   */
  private installLayerBase(): void {
    const L = this.layerBaseClass;
    L.ns.set('__init__', builtin('Layer.__init__', (args, kwargs) => {
      const self = args[0];
      if (self?.k !== 'instance' || !self.mod) return NONE;
      this.nameLayer(self, kwargs);
      // The base keeps the input declarations a Sequential reads from its first layer.
      for (const k of ['input_shape', 'batch_input_shape', 'input_dim']) {
        const v = kwargs.get(k);
        if (v) self.attrs.set(k, v);
      }
      return NONE;
    }));
    L.ns.set('add_weight', builtin('Layer.add_weight', (args, kwargs, site) => {
      const self = args[0];
      if (self?.k !== 'instance' || !self.mod) return unknown('add_weight on a non-layer', site);
      // Keras 3: add_weight(shape, initializer, dtype, trainable, ..., name); tf.keras 2: add_weight(name, shape, ...).
      const first = args[1];
      const shapeV = kwargs.get('shape') ?? (first && first.k !== 'str' ? first : args[2]);
      const nameV = kwargs.get('name') ?? (first?.k === 'str' ? first : undefined);
      const items = shapeV && shapeV.k !== 'none' ? this.interp.iterate(shapeV, site) : [];
      const shape: Dim[] | null = items && items.every((d) => d.k === 'int') ? items.map((d) => (d as { v: Dim }).v) : null;
      const weights = this.system.bookkeeping(self.mod).params;
      const key = nameV?.k === 'str' ? nameV.v : `weight_${weights.size}`;
      weights.set(weights.has(key) ? `${key}_${weights.size}` : key, shape);
      if (!shape) this.interp.gap(site, `${self.cls.name}.add_weight: the shape is not known statically; the parameter count is unknown`);
      return shape ? { k: 'tensor', shape, ranked: true, dtype: 'float', field: null, origin: null } : unknown('a weight of unknown shape', site);
    }));
    L.ns.set('build', builtin('Layer.build', () => NONE));
    for (const n of ['compute_output_shape', 'get_config']) L.ns.set(n, builtin(`Layer.${n}`, (_a, _k, site) => unknown(`Layer.${n}`, site)));
  }

  /**
   * `layers.Lambda(function, output_shape=None, arguments=None)`: calling it runs the function on
   * the inputs (tensor arithmetic, slicing, ops; tuple outputs included). When the function cannot
   * be followed, `output_shape=` states the output; otherwise the output is unknown, with a finding.
   */
  private installLambda(): void {
    const L = this.lambdaClass;
    L.ns.set('__init__', builtin('Lambda.__init__', (args, kwargs) => {
      const self = args[0];
      if (self?.k !== 'instance' || !self.mod) return NONE;
      this.nameLayer(self, kwargs);
      self.attrs.set('function', args[1] ?? kwargs.get('function') ?? NONE);
      self.attrs.set('output_shape', args[2] ?? kwargs.get('output_shape') ?? NONE);
      self.attrs.set('arguments', kwargs.get('arguments') ?? NONE);
      return NONE;
    }));
    L.ns.set('call', builtin('Lambda.call', (args, kwargs, site) => {
      const self = args[0];
      if (self?.k !== 'instance') return unknown('Lambda', site);
      const fn = self.attrs.get('function') ?? NONE;
      const extra = new Map<string, Value>(kwargs);
      const given = self.attrs.get('arguments');
      if (given?.k === 'dict') for (const e of given.entries.values()) if (e.key.k === 'str') extra.set(e.key.v, e.value);
      const x = args[1] ?? NONE;
      const result = fn.k === 'none' ? unknown('a Lambda without a function', site) : this.interp.call(fn, [x], extra, site);
      const known = (v: Value): boolean => (v.k === 'tensor' ? v.ranked : (v.k === 'tuple' || v.k === 'list') && v.items.length > 0 && v.items.every(known));
      if (known(result)) return result;
      const declared = self.attrs.get('output_shape');
      const first = x.k === 'tensor' ? x : x.k === 'list' || x.k === 'tuple' ? x.items.find((i): i is TensorV => i.k === 'tensor') : undefined;
      if (declared && declared.k !== 'none' && first?.ranked) {
        const dims = this.interp.iterate(declared, site);
        if (dims && dims.every((d) => d.k === 'int' || d.k === 'none')) {
          const shape: Dim[] = [first.shape[0], ...dims.map((d, i) => (d.k === 'int' ? d.v : symDim(`D${i + 1}`)))];
          return { k: 'tensor', shape, ranked: true, dtype: first.dtype, field: null, origin: null };
        }
      }
      this.interp.gap(site, `${self.mod?.name ?? 'Lambda'}: its function is not followed statically and no output_shape= states its output; shapes after it are unknown`);
      return result.k === 'unknown' ? result : unknown('the output of a Lambda', site);
    }));
  }

  /** Runs a subclassed layer's own `build(input_shape)` once, before its first `call`, as Keras does. */
  beforeCall(inst: InstanceV, args: Value[], site: CallSite): void {
    if (!inst.mod || inst.cls.layer || this.builtLayers.has(inst.mod.id)) return;
    this.builtLayers.add(inst.mod.id);
    const build = this.interp.lookupClassAttr(inst.cls, 'build');
    if (!build || build.k !== 'func') return;
    const shapeOf = (v: Value): Value => (v.k === 'tensor' && v.ranked ? tuple(v.shape.map((d, i) => (i === 0 || !isKnown(d) ? NONE : int(d)))) : v.k === 'list' || v.k === 'tuple' ? { k: 'list', items: v.items.map(shapeOf) } : unknown('input shape'));
    const x = args[0];
    if (!x) return;
    this.interp.call({ k: 'bound', fn: build, self: inst }, [shapeOf(x)], new Map(), site);
  }

  /** A tensor for `model.build((None, 28, 28, 1))`: None is the batch (or an unknown) size. */
  private tensorForShape(shapeV: Value, site: CallSite): TensorV | null {
    const declaredAt = this.interp.mainSpan(site).span;
    const override = this.inputOverrides?.get(declaredAt.from);
    const items = this.interp.iterate(shapeV, site);
    if (!override && (!items || items.some((d) => d.k !== 'int' && d.k !== 'none'))) return null;
    const names = (n: number) => (n === 3 ? ['N', 'T', 'F'] : n === 4 ? ['N', 'H', 'W', 'C'] : Array.from({ length: n }, (_, i) => (i === 0 ? 'N' : `D${i}`)));
    const shape: Dim[] = override ? [...override] : items!.map((d, i) => (d.k === 'int' ? d.v : symDim(names(items!.length)[i] ?? `D${i}`)));
    const t: TensorV = { k: 'tensor', shape, ranked: true, dtype: 'float', field: shape.length >= 3 ? identityField(shape.length - 2) : null, origin: null };
    this.inputSites.set(t, declaredAt);
    return t;
  }


  private installModel(): void {
    const M = this.modelClass;
    M.ns.set('__init__', builtin('Model.__init__', (args, kwargs, site) => {
      const self = args[0];
      if (self?.k !== 'instance' || !self.mod) return NONE;
      const inputs = args[1] ?? kwargs.get('inputs');
      const outputs = args[2] ?? kwargs.get('outputs');
      this.nameLayer(self, kwargs);
      if (inputs && outputs) this.buildFunctional(self, inputs, outputs, site);
      return NONE;
    }));
    M.ns.set('build', builtin('Model.build', (args, kwargs, site) => {
      // `model.build(input_shape)`: Keras calls the model on a placeholder of that shape.
      const self = args[0];
      const shapeV = args[1] ?? kwargs.get('input_shape');
      if (self?.k !== 'instance' || !self.mod || !shapeV || self.attrs.has('_outputs')) return NONE;
      const x = this.tensorForShape(shapeV, site);
      if (!x) {
        this.interp.gap(site, `${self.cls.name}.build: the input shape is not known statically`);
        return NONE;
      }
      if (self.cls.mro.includes(this.sequentialClass)) {
        this.setSequentialInput(self, x, site);
        return NONE;
      }
      const out = this.system.callModule(self, [x], new Map(), site);
      self.attrs.set('_inputs', tuple([x]));
      self.attrs.set('_outputs', out);
      return NONE;
    }));
    M.ns.set('call', builtin('Model.call', (args, _kw, site) => {
      const self = args[0];
      if (self?.k !== 'instance') return unknown('call', site);
      const out = self.attrs.get('_outputs');
      // Calling a functional model on new inputs gives the same shapes as its symbolic outputs.
      return out ?? unknown(`${self.cls.name} has no call()`, site);
    }));
    for (const n of ['compile', 'summary', 'save_weights', 'load_weights']) M.ns.set(n, builtin(`Model.${n}`, () => NONE));
    M.ns.set('save', builtin('Model.save', (args, kwargs) => {
      const self = args[0];
      if (self?.k === 'instance') this.modelSaved(self, args[1] ?? kwargs.get('filepath'));
      return NONE;
    }));
    M.ns.set('fit', builtin('Model.fit', (args, kwargs, site) => {
      // A ModelCheckpoint given to `fit` saves this model to its path (unless it saves weights only).
      const self = args[0];
      const callbacks = kwargs.get('callbacks') ?? args[6];
      if (self?.k !== 'instance' || !callbacks) return unknown('Model.fit runs on data');
      for (const cb of this.interp.iterate(callbacks, site) ?? []) {
        if (cb.k !== 'instance' || cb.cls !== this.checkpointClass) continue;
        const weightsOnly = cb.attrs.get('save_weights_only');
        if (weightsOnly?.k === 'bool' && !weightsOnly.v) this.modelSaved(self, cb.attrs.get('filepath'));
      }
      return unknown('Model.fit runs on data');
    }));
    for (const n of ['evaluate', 'predict', 'fit_generator']) M.ns.set(n, builtin(`Model.${n}`, () => unknown(`Model.${n} runs on data`)));
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
    const first = !self.attrs.has('_outputs') && self.mod!.children.size === 0;
    if (item.cls.layer?.name === 'InputLayer') {
      // `layers.InputLayer(input_shape=...)` sets the input; Sequential.layers does not list it.
      const x = first ? this.declaredInput(item, ['shape', 'input_shape'], ['batch_shape', 'batch_input_shape'], site) : null;
      if (x) {
        self.attrs.set('_inputs', tuple([x]));
        self.attrs.set('_outputs', x);
      }
      return;
    }
    this.system.setModuleAttr(self, item.mod.name ?? String(self.mod!.children.size), item);
    if (first) {
      // `input_shape=` (or `batch_input_shape=`, `input_dim=`) on the first layer gives the model its input.
      const x = this.declaredInput(item, ['input_shape'], ['batch_input_shape'], site);
      if (x) self.attrs.set('_inputs', tuple([x]));
      if (x) self.attrs.set('_outputs', x);
    }
    const current = self.attrs.get('_outputs');
    if (current) self.attrs.set('_outputs', this.system.callModule(item, [current], new Map(), site));
  }

  /** The input tensor a layer's own shape arguments declare (`input_shape=`, `batch_input_shape=`, `input_dim=`). */
  private declaredInput(item: InstanceV, shapeKeys: string[], batchKeys: string[], site: CallSite): TensorV | null {
    const given = (k: string) => {
      const v = item.attrs.get(k);
      return v && v.k !== 'none' ? v : null;
    };
    for (const k of batchKeys) {
      const v = given(k);
      if (v) return this.tensorForShape(v, site);
    }
    for (const k of shapeKeys) {
      const v = given(k);
      if (v) {
        const items = this.interp.iterate(v, site);
        return items ? this.tensorForShape(tuple([NONE, ...items]), site) : null;
      }
    }
    const dim = given('input_dim');
    return dim ? this.tensorForShape(tuple([NONE, dim]), site) : null;
  }

  /** Gives a Sequential its input after its layers were added (`model.build`): runs them on it. */
  private setSequentialInput(self: InstanceV, x: TensorV, site: CallSite): void {
    self.attrs.set('_inputs', tuple([x]));
    let current: Value = x;
    for (const child of self.mod!.children.values()) current = this.system.callModule(child, [current], new Map(), site);
    self.attrs.set('_outputs', current);
  }

  /**
   * The layers of a functional model in Keras's order (keras/src/ops/function.py, `map_graph` and
   * `_build_map`; tf.keras's functional.py `_map_graph_network` is the same rule): a depth-first walk
   * from each output through each node's inputs, in argument order, numbers the operations as it
   * first meets them; a node's depth is one more than the deepest node using its outputs (an
   * operation's, the deepest of its nodes); operations are listed deepest first, ties in the walk's
   * order. Tensor operations are nodes of that graph but not layers.
   */
  private functionalLayers(inputs: TensorV[], outputs: TensorV[]): InstanceV[] {
    const nodeOf = (t: TensorV): GraphNode | undefined => this.history.get(t) ?? this.derivedFrom.get(t);
    const operationOf = (n: GraphNode): object => (Array.isArray(n) ? n : n.rec);
    const parentsOf = (n: GraphNode): TensorV[] => (Array.isArray(n) ? n : n.inputs);
    const stop = new Set(inputs);
    const index = new Map<object, number>();
    const finished = new Set<GraphNode>();
    const inProgress = new Set<GraphNode>();
    const nodes: GraphNode[] = [];
    const visit = (t: TensorV): void => {
      const node = nodeOf(t);
      if (!node || finished.has(node) || inProgress.has(node)) return;
      const op = operationOf(node);
      if (!index.has(op)) index.set(op, index.size);
      inProgress.add(node);
      if (!stop.has(t)) parentsOf(node).forEach(visit);
      inProgress.delete(node);
      finished.add(node);
      nodes.push(node);
    };
    outputs.forEach(visit);
    const nodeDepth = new Map<GraphNode, number>();
    const opDepth = new Map<object, number>();
    for (const node of [...nodes].reverse()) {
      const op = operationOf(node);
      const depth = Math.max(nodeDepth.get(node) ?? 0, opDepth.get(op) ?? 0);
      opDepth.set(op, depth);
      nodeDepth.set(node, depth);
      for (const t of parentsOf(node)) {
        const parent = nodeOf(t);
        if (parent) nodeDepth.set(parent, Math.max(depth + 1, nodeDepth.get(parent) ?? 0));
      }
    }
    // Inputs no output depends on still belong to the model, first among equals.
    for (const t of inputs) {
      const node = this.history.get(t);
      if (node && !opDepth.has(node.rec)) {
        opDepth.set(node.rec, 0);
        index.set(node.rec, -1);
      }
    }
    const instances = new Map<object, InstanceV>();
    for (const node of nodes) if (!Array.isArray(node)) instances.set(node.rec, node.inst);
    for (const t of inputs) {
      const node = this.history.get(t);
      if (node) instances.set(node.rec, node.inst);
    }
    const ops = [...opDepth.keys()].filter((op) => instances.has(op));
    // A stable sort: inputs sharing the index -1 keep their order.
    ops.sort((a, b) => opDepth.get(b)! - opDepth.get(a)! || index.get(a)! - index.get(b)!);
    return ops.map((op) => instances.get(op)!);
  }

  /** `keras.Model(inputs, outputs)`: the layers between them, in the order Keras lists them. */
  private buildFunctional(self: InstanceV, inputs: Value, outputs: Value, site: CallSite): void {
    const flat = (v: Value, out: TensorV[] = []): TensorV[] => {
      if (v.k === 'tensor') out.push(v);
      else if (v.k === 'list' || v.k === 'tuple') v.items.forEach((i) => flat(i, out));
      else if (v.k === 'dict') for (const e of v.entries.values()) flat(e.value, out);
      return out;
    };
    const layers = this.functionalLayers(flat(inputs), flat(outputs));
    if (flat(outputs).length && layers.length === 0) this.interp.gap(site, 'keras.Model outputs that no layer call produced');
    for (const inst of layers) this.system.setModuleAttr(self, inst.mod!.name ?? String(inst.mod!.id), inst);
    self.attrs.set('_inputs', inputs.k === 'tensor' ? tuple([inputs]) : inputs);
    self.attrs.set('_outputs', outputs);
  }
}
