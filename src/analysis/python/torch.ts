// The PyTorch world as the interpreter sees it: the `torch`, `torch.nn`, `torch.nn.functional`
// namespaces, the native module classes (Module, Sequential, ModuleList, ModuleDict) with
// PyTorch's registration order, catalogue layers as classes, and module calls that record each
// module's first call (shapes, notation, geometry, receptive field).

import { bindConfig, lookupLayer, type ConfigValue, type LayerConfig, type LayerSpec, type LayerValue } from '../layers/catalogue';
import { composeField, identityField, mergeFields } from '../receptiveField';
import { compareDims, formatDim, isKnown, isUnknown, mulDim, symDim, unknownDim, type Dim } from '../shapes';
import type { Framework, ReceptiveField } from '../types';
import { builtin, nativeClass, stdlibModule, tableNamespace } from './builtins';
import { lineOf, type FrameworkHooks, type Interpreter } from './interpreter';
import type { KerasWorld } from './keras';
import { functionalRule, layerContext, sameDim, tensorAttribute, tensorBinop, indexTensor, torchFunction } from './tensorOps';
import {
  FALSE,
  NONE,
  TRUE,
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
  type ModuleRec,
  type NamespaceV,
  type NativeFn,
  type TensorV,
  type Value,
} from './values';

/** The symbol that stands for the unknown leading dims of an unranked tensor inside a layer rule. */
const ELLIPSIS_DIM = '…';

/** Extra per-record bookkeeping kept beside ModuleRec. */
interface RecExtra {
  /** Own nn.Parameter registrations: name → shape (null when unknown). */
  params: Map<string, Dim[] | null>;
  /** Notation etc. from the layer rule of this module's first call. */
  layerCall: { notation: string | null; formula: string | null; macs: number | null; geometry: import('../types').Geometry | null; inputs: LayerValue[] } | null;
  /** Construction span when it is directly in the main file (for 'layer' hints). */
  defSpan: { from: number; to: number } | null;
  path: string | null;
  inputs: LayerValue[] | null;
  /** Parameters the layer itself declares (weight, bias): reassigning them adds nothing. */
  layerParams: Set<string>;
}

/** The PyTorch front end: owns module records and installs the framework hooks. */
export class TorchWorld {
  readonly records: ModuleRec[] = [];
  /** Records by id, kept alongside the list so that lookups stay constant-time in large files. */
  readonly recordById = new Map<number, ModuleRec>();
  readonly extra = new Map<number, RecExtra>();
  private nextId = 1;
  /** Qualified torch names being resolved right now (see importModule). */
  private readonly resolvingTorchNames = new Set<string>();
  readonly objectClass: ClassV;
  readonly moduleClass: ClassV;
  readonly sequentialClass: ClassV;
  readonly moduleListClass: ClassV;
  readonly moduleDictClass: ClassV;
  readonly tensorClass: ClassV;
  private readonly layerClasses = new Map<string, ClassV>();
  private readonly namespaces = new Map<string, Value>();
  /** Keras support, installed by the front end (Keras in Python runs through this interpreter). */
  keras: KerasWorld | null = null;
  /** Tensors that are model inputs of unknown rank, refined by the first layer that needs a rank. */
  readonly inputTensors = new Set<TensorV>();

  constructor(readonly interp: Interpreter) {
    this.objectClass = nativeClass('object', 'object');
    this.moduleClass = nativeClass('Module', 'Module', [this.objectClass]);
    this.sequentialClass = nativeClass('Sequential', 'Sequential', [this.moduleClass]);
    this.moduleListClass = nativeClass('ModuleList', 'ModuleList', [this.moduleClass]);
    this.moduleDictClass = nativeClass('ModuleDict', 'ModuleDict', [this.moduleClass]);
    this.tensorClass = nativeClass('Tensor', 'object', [this.objectClass]);
    this.installModuleMethods();
    this.installContainers();
  }

  /** The hooks through which the interpreter reaches torch (and, through it, keras); given to its constructor. */
  frameworkHooks(): FrameworkHooks {
    const interp = this.interp;
    return {
      importModule: (name) => this.importModule(name),
      tensorAttr: (t, name, site) => tensorAttribute(interp, t, name, site),
      tensorBinop: (op, a, b, site) => tensorBinop(interp, op, a, b, site),
      tensorIndex: (t, idx, site) => indexTensor({ interp, site }, t, idx),
      callModule: (inst, args, kwargs, site) => this.callModule(inst, args, kwargs, site),
      setModuleAttr: (inst, name, v) => this.setModuleAttr(inst, name, v),
      getModuleAttr: (inst, name) => inst.mod!.children.get(name),
      newModule: (cls, site) => this.newModule(cls, site),
      iterateModule: (inst) => this.iterateModule(inst),
      indexModule: (inst, idx, site) => this.indexModule(inst, idx, site),
      lenModule: (inst) => (this.isContainer(inst) ? inst.mod!.children.size : null),
    };
  }

  // -------------------------------------------------------------- records

  newModule(cls: ClassV, site: CallSite): InstanceV {
    const at = this.interp.mainSpan(site);
    const spec = cls.layer;
    const framework: Framework = spec?.framework ?? (cls.mro.some((c) => c.native === 'KerasModel') ? 'keras' : 'pytorch');
    const rec: ModuleRec = {
      id: this.nextId++,
      type: cls.name,
      framework,
      spec: null,
      config: null,
      children: new Map(),
      extraParams: [],
      span: at.span,
      line: at.line,
      calls: 0,
      firstCall: null,
      field: null,
    };
    this.records.push(rec);
    this.recordById.set(rec.id, rec);
    this.extra.set(rec.id, { params: new Map(), layerCall: null, defSpan: site.file.isMain ? { from: site.from, to: site.to } : null, path: null, inputs: null, layerParams: new Set() });
    return { k: 'instance', cls, attrs: new Map([['training', FALSE]]), mod: rec };
  }

  extraOf(rec: ModuleRec): RecExtra {
    return this.extra.get(rec.id)!;
  }

  setModuleAttr(inst: InstanceV, name: string, v: Value): void {
    const rec = inst.mod!;
    if (v.k === 'instance' && v.mod) {
      inst.attrs.delete(name);
      rec.children.set(name, v);
      return;
    }
    if (v.k === 'tensor' && (v as TensorV & { param?: boolean }).param) {
      if (!this.extraOf(rec).layerParams.has(name)) this.extraOf(rec).params.set(name, v.ranked ? v.shape : null);
    } else if (v.k === 'none' && rec.children.has(name)) {
      rec.children.delete(name);
    }
    inst.attrs.set(name, v);
  }

  private isContainer(inst: InstanceV): boolean {
    return inst.cls.mro.some((c) => c.native === 'Sequential' || c.native === 'ModuleList' || c.native === 'ModuleDict');
  }

  private iterateModule(inst: InstanceV): Value[] | null {
    const mro = inst.cls.mro;
    if (mro.some((c) => c.native === 'ModuleDict')) return [...inst.mod!.children.keys()].map(str);
    if (this.isContainer(inst)) return [...inst.mod!.children.values()];
    const it = this.interp.lookupClassAttr(inst.cls, '__iter__');
    if (it) {
      const r = this.interp.call({ k: 'bound', fn: it, self: inst }, [], new Map(), this.interp.anchor);
      return this.interp.iterate(r, this.interp.anchor);
    }
    return null;
  }

  private indexModule(inst: InstanceV, idx: Value, site: CallSite): Value {
    const children = [...inst.mod!.children.entries()];
    if (inst.cls.mro.some((c) => c.native === 'ModuleDict')) {
      if (idx.k === 'str') return inst.mod!.children.get(idx.v) ?? unknown(`no module '${idx.v}'`, site);
      return unknown('ModuleDict key', site);
    }
    if (this.isContainer(inst)) {
      if (idx.k === 'int' && isKnown(idx.v)) {
        const i = idx.v < 0 ? children.length + idx.v : idx.v;
        const c = children[i];
        if (!c) {
          this.interp.report('invalid-argument', 'warning', site, `index ${idx.v} is out of range for a ${inst.cls.name} of ${children.length} modules`);
          return unknown('module index out of range', site);
        }
        return c[1];
      }
      if (idx.k === 'slice') {
        const r = this.interp.getItem({ k: 'list', items: children.map((c) => c[1]) }, idx, site);
        if (r.k !== 'list') return unknown('module slice', site);
        const cls = inst.cls.mro.find((c) => c.native === 'ModuleList') ? this.moduleListClass : this.sequentialClass;
        const sub = this.newModule(cls, site);
        const names = children.map((c) => c[0]);
        const picked = this.interp.getItem({ k: 'list', items: names.map(str) }, idx, site);
        if (picked.k === 'list') picked.items.forEach((n, i) => sub.mod!.children.set((n as { v: string }).v, r.items[i] as InstanceV));
        return sub;
      }
      return unknown('module index', site);
    }
    const gi = this.interp.lookupClassAttr(inst.cls, '__getitem__');
    if (gi) return this.interp.call({ k: 'bound', fn: gi, self: inst }, [idx], new Map(), site);
    return unknown(`${inst.cls.name}[...]`, site);
  }

  // -------------------------------------------------------------- native classes

  private method(cls: ClassV, name: string, fn: (self: InstanceV, args: Value[], kwargs: Map<string, Value>, site: CallSite) => Value): void {
    cls.ns.set(name, builtin(`${cls.name}.${name}`, (args, kwargs, site) => {
      const self = args[0];
      if (!self || self.k !== 'instance' || !self.mod) return unknown(`${name} on a non-module`, site);
      return fn(self, args.slice(1), kwargs, site);
    }));
  }

  private installModuleMethods(): void {
    const M = this.moduleClass;
    this.method(M, '__init__', () => NONE);
    const returnsSelf = ['to', 'cuda', 'cpu', 'eval', 'train', 'float', 'double', 'half', 'requires_grad_', 'zero_grad', 'share_memory', 'type', 'bfloat16'];
    for (const n of returnsSelf) this.method(M, n, (self) => (n === 'zero_grad' ? NONE : self));
    this.method(M, 'apply', (self) => self);
    this.method(M, 'add_module', (self, args) => {
      if (args[0]?.k === 'str' && args[1]) this.setModuleAttr(self, args[0].v, args[1]);
      return NONE;
    });
    this.method(M, 'register_module', (self, args) => {
      if (args[0]?.k === 'str' && args[1]) this.setModuleAttr(self, args[0].v, args[1]);
      return NONE;
    });
    this.method(M, 'register_buffer', (self, args) => {
      if (args[0]?.k === 'str') self.attrs.set(args[0].v, args[1] ?? NONE);
      return NONE;
    });
    this.method(M, 'register_parameter', (self, args) => {
      if (args[0]?.k === 'str' && args[1]) {
        const p = args[1].k === 'tensor' ? { ...args[1], param: true } : args[1];
        this.setModuleAttr(self, args[0].v, p);
      }
      return NONE;
    });
    for (const n of ['register_forward_hook', 'register_forward_pre_hook', 'register_full_backward_hook', 'register_backward_hook', 'register_load_state_dict_post_hook', '_register_load_state_dict_pre_hook', '_register_state_dict_hook'])
      this.method(M, n, () => unknown('hook handle'));
    this.method(M, 'children', (self) => ({ k: 'list', items: [...self.mod!.children.values()] }));
    this.method(M, 'named_children', (self) => ({ k: 'list', items: [...self.mod!.children].map(([k, v]) => tuple([str(k), v])) }));
    this.method(M, 'modules', (self) => ({ k: 'list', items: this.namedModules(self).map(([, m]) => m) }));
    this.method(M, 'named_modules', (self) => ({ k: 'list', items: this.namedModules(self).map(([p, m]) => tuple([str(p), m])) }));
    this.method(M, 'parameters', () => ({ k: 'list', items: [] }));
    this.method(M, 'named_parameters', () => ({ k: 'list', items: [] }));
    this.method(M, 'buffers', () => ({ k: 'list', items: [] }));
    this.method(M, 'state_dict', () => ({ k: 'dict', entries: new Map() }));
    this.method(M, 'load_state_dict', () => NONE);
    this.method(M, 'get_submodule', (self, args) => {
      if (args[0]?.k !== 'str') return unknown('get_submodule');
      let cur: InstanceV | undefined = self;
      for (const part of args[0].v.split('.').filter(Boolean)) cur = cur?.mod?.children.get(part);
      return cur ?? unknown('no such submodule');
    });
    this.method(M, 'extra_repr', () => str(''));
  }

  private registerSequence(self: InstanceV, items: Value[]): void {
    let i = self.mod!.children.size;
    for (const m of items) this.setModuleAttr(self, String(i++), m);
  }

  private installContainers(): void {
    const S = this.sequentialClass;
    this.method(S, '__init__', (self, args, _kw, site) => {
      if (args.length === 1 && args[0].k === 'dict') {
        for (const ent of args[0].entries.values()) if (ent.key.k === 'str') this.setModuleAttr(self, ent.key.v, ent.value);
      } else {
        for (const a of args) {
          if (a.k !== 'instance' || !a.mod) this.interp.gap(site, `nn.Sequential argument ${a.k === 'unknown' ? `is unknown (${a.reason})` : 'is not a module'}`);
        }
        this.registerSequence(self, args.map((a) => (a.k === 'instance' && a.mod ? a : this.opaqueModule(site))));
      }
      return NONE;
    });
    this.method(S, 'forward', (self, args, kwargs, site) => {
      let x: Value = args[0] ?? NONE;
      for (const child of self.mod!.children.values()) x = this.callModule(child, [x], new Map(), site);
      void kwargs;
      return x;
    });
    for (const C of [S, this.moduleListClass]) {
      this.method(C, 'append', (self, args) => {
        if (args[0]) this.registerSequence(self, [args[0]]);
        return self;
      });
      this.method(C, 'extend', (self, args, _kw, site) => {
        const items = args[0] ? this.interp.iterate(args[0], site) : null;
        if (items) this.registerSequence(self, items);
        return self;
      });
      this.method(C, 'insert', (self, args) => {
        const i = args[0]?.k === 'int' && isKnown(args[0].v) ? args[0].v : null;
        if (i === null || !args[1] || args[1].k !== 'instance') return NONE;
        const items = [...self.mod!.children.values()];
        items.splice(i, 0, args[1]);
        self.mod!.children.clear();
        this.registerSequence(self, items);
        return NONE;
      });
      this.method(C, '__len__', (self) => int(self.mod!.children.size));
    }
    this.method(this.moduleListClass, '__init__', (self, args, kwargs, site) => {
      const src = args[0] ?? kwargs.get('modules');
      if (src && src.k !== 'none') {
        const items = this.interp.iterate(src, site);
        if (items) this.registerSequence(self, items);
        else this.interp.gap(site, 'ModuleList built from modules the analysis cannot enumerate');
      }
      return NONE;
    });
    const D = this.moduleDictClass;
    this.method(D, '__init__', (self, args, kwargs, site) => {
      const src = args[0] ?? kwargs.get('modules');
      if (src) this.dictUpdate(self, src, site);
      return NONE;
    });
    this.method(D, 'update', (self, args, _kw, site) => {
      if (args[0]) this.dictUpdate(self, args[0], site);
      return NONE;
    });
    this.method(D, 'items', (self) => ({ k: 'list', items: [...self.mod!.children].map(([k, v]) => tuple([str(k), v])) }));
    this.method(D, 'keys', (self) => ({ k: 'list', items: [...self.mod!.children.keys()].map(str) }));
    this.method(D, 'values', (self) => ({ k: 'list', items: [...self.mod!.children.values()] }));
  }

  private dictUpdate(self: InstanceV, src: Value, site: CallSite): void {
    if (src.k === 'dict') {
      for (const ent of src.entries.values()) if (ent.key.k === 'str') this.setModuleAttr(self, ent.key.v, ent.value);
      return;
    }
    const items = this.interp.iterate(src, site);
    for (const it of items ?? []) {
      const pair = this.interp.iterate(it, site);
      if (pair && pair[0]?.k === 'str' && pair[1]) this.setModuleAttr(self, pair[0].v, pair[1]);
    }
  }

  /** A module standing for something the analysis could not build, so paths stay aligned. */
  private opaqueModule(site: CallSite): InstanceV {
    const cls = nativeClass('Unknown', 'Module', [this.moduleClass]);
    return this.newModule(cls, site);
  }

  /** `named_modules()` order: depth-first, each module once (shared modules keep their first path). */
  namedModules(root: InstanceV): [string, InstanceV][] {
    const out: [string, InstanceV][] = [];
    const seen = new Set<number>();
    const visit = (m: InstanceV, path: string) => {
      if (seen.has(m.mod!.id)) return;
      seen.add(m.mod!.id);
      out.push([path, m]);
      for (const [name, child] of m.mod!.children) {
        // Keras lists layers by their names (`dense_1`), not by the attribute holding them.
        const key = child.mod!.framework === 'keras' && child.mod!.name ? child.mod!.name : name;
        visit(child, path ? `${path}.${key}` : key);
      }
    };
    visit(root, '');
    return out;
  }

  // -------------------------------------------------------------- catalogue layers as classes

  /** The class for a catalogue layer (`nn.Conv2d`), created once per name. */
  layerClass(framework: Framework, name: string): ClassV | undefined {
    const key = `${framework}:${name}`;
    const cached = this.layerClasses.get(key);
    if (cached) return cached;
    const spec = lookupLayer(framework, name);
    if (!spec) return undefined;
    const cls = nativeClass(name, null, [this.moduleClass]);
    cls.layer = spec;
    cls.ns.set('__init__', builtin(`${name}.__init__`, (args, kwargs, site) => {
      const self = args[0];
      if (self?.k === 'instance' && self.mod) {
        this.initLayer(self, spec, args.slice(1), kwargs, site);
        if (spec.framework === 'keras') this.keras?.nameLayer(self, kwargs);
      }
      return NONE;
    }));
    cls.ns.set('forward', builtin(`${name}.forward`, (args, kwargs, site) => {
      const self = args[0];
      if (self?.k !== 'instance' || !self.mod) return unknown('layer forward without a module', site);
      return this.applyLayer(self, spec, args.slice(1), kwargs, site);
    }));
    if (name === 'Flatten' || name === 'Identity') cls.ns.set('__layer__', TRUE);
    this.layerClasses.set(key, cls);
    return cls;
  }

  /** Binds a layer's constructor arguments and exposes them as attributes, as PyTorch does. */
  private initLayer(self: InstanceV, spec: LayerSpec, args: Value[], kwargs: Map<string, Value>, site: CallSite): void {
    const positional = args.map((a) => toConfig(a));
    const keywords: Record<string, ConfigValue> = {};
    for (const [k, v] of kwargs) keywords[k] = toConfig(v);
    const { config, problems } = bindConfig(spec, positional, keywords);
    for (const p of problems) this.interp.report('invalid-argument', 'error', site, p);
    spec.validate?.(config, layerContext({ interp: this.interp, site }));
    this.configureLayer(self, spec, config, site);
    // Attributes hold the Python values the user passed (or the defaults).
    const posNames = spec.signature.filter((p) => !p.keywordOnly).map((p) => p.name);
    args.forEach((a, i) => {
      if (posNames[i]) self.attrs.set(posNames[i], a);
    });
    for (const [k, v] of kwargs) self.attrs.set(k, v);
    this.normaliseLayerAttrs(self, spec, config);
  }

  /** Sets a module's layer spec/config and creates the composite layer's children. */
  configureLayer(self: InstanceV, spec: LayerSpec, config: LayerConfig, site: CallSite): void {
    const rec = self.mod!;
    rec.spec = spec;
    rec.config = config;
    for (const p of spec.signature) if (!self.attrs.has(p.name)) self.attrs.set(p.name, fromConfig(config[p.name] ?? null));
    const children = spec.children?.(config) ?? [];
    for (const child of children) {
      const parts = child.name.split('.');
      let parent = self;
      for (const part of parts.slice(0, -1)) {
        let next = parent.mod!.children.get(part);
        if (!next) {
          next = this.newModule(this.moduleListClass, site);
          this.setModuleAttr(parent, part, next);
        }
        parent = next;
      }
      let inst: InstanceV;
      if (child.layer === 'ModuleList' || child.layer === 'Sequential') inst = this.newModule(child.layer === 'ModuleList' ? this.moduleListClass : this.sequentialClass, site);
      else {
        const cls = this.layerClass(spec.framework, child.layer);
        inst = this.newModule(cls ?? this.moduleClass, site);
        const childSpec = cls?.layer;
        if (childSpec) {
          const full: LayerConfig = {};
          for (const p of childSpec.signature) if ('default' in p) full[p.name] = p.default as ConfigValue;
          Object.assign(full, child.config);
          this.configureLayer(inst, childSpec, full, site);
          this.normaliseLayerAttrs(inst, childSpec, full);
        }
      }
      this.setModuleAttr(parent, parts[parts.length - 1], inst);
    }
  }

  /** PyTorch stores conv sizes as tuples and creates weight/bias tensors; F.conv*(x, self.weight) needs them. */
  private normaliseLayerAttrs(self: InstanceV, spec: LayerSpec, cfg: LayerConfig): void {
    const m = spec.name.match(/^(Conv|ConvTranspose)(\d)d$/);
    const dimV = (v: ConfigValue | undefined): Dim => (typeof v === 'number' ? v : v && typeof v === 'object' && !Array.isArray(v) && 'kind' in v ? (v as Dim) : unknownDim());
    const tupleOf = (v: ConfigValue | undefined, n: number): Dim[] => (Array.isArray(v) ? v.map(dimV) : new Array(n).fill(dimV(v)));
    const param = (shape: Dim[]): Value => ({ k: 'tensor', shape, ranked: true, dtype: 'float', field: null, origin: null, ...{ param: true } }) as Value;
    const hasBias = cfg.bias !== false && cfg.bias !== null;
    for (const p of ['weight', 'bias']) this.extraOf(self.mod!).layerParams.add(p);
    if (m) {
      const n = Number(m[2]);
      for (const key of ['kernel_size', 'stride', 'dilation', 'output_padding']) if (key in cfg) self.attrs.set(key, tuple(tupleOf(cfg[key], n).map(int)));
      if (typeof cfg.padding !== 'string' && 'padding' in cfg) self.attrs.set('padding', tuple(tupleOf(cfg.padding, n).map(int)));
      const groups = typeof cfg.groups === 'number' ? cfg.groups : 1;
      const inC = dimV(cfg.in_channels);
      const outC = dimV(cfg.out_channels);
      const k = tupleOf(cfg.kernel_size, n);
      const w = m[1] === 'Conv' ? [outC, divide(inC, groups), ...k] : [inC, divide(outC, groups), ...k];
      self.attrs.set('weight', param(w));
      self.attrs.set('bias', hasBias ? param([outC]) : NONE);
    } else if (spec.name === 'Linear') {
      self.attrs.set('weight', param([dimV(cfg.out_features), dimV(cfg.in_features)]));
      self.attrs.set('bias', hasBias ? param([dimV(cfg.out_features)]) : NONE);
    } else if (spec.name === 'Embedding') {
      self.attrs.set('weight', param([dimV(cfg.num_embeddings), dimV(cfg.embedding_dim)]));
    } else if (/^BatchNorm\dd$|^InstanceNorm\dd$/.test(spec.name)) {
      self.attrs.set('weight', param([dimV(cfg.num_features)]));
      self.attrs.set('bias', param([dimV(cfg.num_features)]));
    } else if (spec.name === 'LayerNorm') {
      const ns = cfg.normalized_shape;
      self.attrs.set('weight', param(Array.isArray(ns) ? ns.map(dimV) : [dimV(ns)]));
      self.attrs.set('bias', param(Array.isArray(ns) ? ns.map(dimV) : [dimV(ns)]));
    }
  }

  // -------------------------------------------------------------- calls

  /** Calls a module: runs its forward (user code or the layer rule) and records the first call. */
  callModule(inst: InstanceV, args: Value[], kwargs: Map<string, Value>, site: CallSite): Value {
    const rec = inst.mod!;
    const forwardName = rec.framework === 'keras' && !inst.cls.layer ? 'call' : 'forward';
    const fwd = this.interp.lookupClassAttr(inst.cls, forwardName) ?? (forwardName === 'call' ? this.interp.lookupClassAttr(inst.cls, 'forward') : undefined);
    let result: Value;
    if (!fwd) {
      this.interp.gap(site, `${inst.cls.name} has no ${forwardName}() the analysis can see`);
      result = unknown(`${inst.cls.name} without forward`, site);
    } else result = this.interp.call({ k: 'bound', fn: fwd, self: inst }, args, kwargs, site);
    const extra = this.extraOf(rec);
    const at = this.interp.mainSpan(site);
    if (rec.calls++ === 0) {
      const inputs = [...args, ...[...kwargs.values()].filter((v) => v.k === 'tensor')];
      rec.firstCall = {
        inputs,
        output: result,
        span: at.span,
        notation: extra.layerCall?.notation ?? null,
        formula: extra.layerCall?.formula ?? null,
        macs: extra.layerCall?.macs ?? null,
        geometry: extra.layerCall?.geometry ?? null,
      };
      const t = firstTensorOf(result);
      rec.field = t?.field ?? null;
    }
    const out = withOrigin(result, { span: at.span, line: at.line, what: extra.path || rec.name || rec.type });
    if (rec.framework === 'keras') this.keras?.recordCall(inst, args, out);
    return out;
  }

  /** Applies a catalogue layer's rule to a call's arguments. */
  applyLayer(self: InstanceV, spec: LayerSpec, args: Value[], kwargs: Map<string, Value>, site: CallSite): Value {
    const rec = self.mod!;
    const cfg = rec.config ?? {};
    const extra = this.extraOf(rec);
    for (const a of args) if (a.k === 'tensor' && !a.ranked) this.refineRank(a, spec, cfg);
    const layerArgs = args.map(toLayerValue);
    const layerKwargs: Record<string, LayerValue> = {};
    for (const [k, v] of kwargs) layerKwargs[k] = toLayerValue(v);
    const input = (args.find((a) => a.k === 'tensor') ?? firstTensorOf(args[0]?.k === 'list' ? { k: 'tuple', items: args[0].items } : NONE) ?? undefined) as TensorV | undefined;
    // Mismatches are collected first so that the message can lead with the step's notation.
    const mismatches: string[] = [];
    const ctx = { ...layerContext({ interp: this.interp, site }), mismatch: (m: string) => mismatches.push(m) };
    let res: LayerValue;
    try {
      res = spec.forward(cfg, layerArgs, layerKwargs, ctx);
    } catch (e) {
      this.interp.gap(site, `internal error in the ${spec.name} rule: ${(e as Error).message}`);
      res = { kind: 'unknown' };
    }
    if (mismatches.length) this.reportLayerMismatch(rec, spec, cfg, input ?? null, layerArgs, res, mismatches, site);
    const inputTensor = input ?? null;
    let geometry = null;
    try {
      geometry = spec.geometry?.(cfg, layerArgs) ?? null;
    } catch {
      geometry = null;
    }
    let outValue = fromLayerValue(res, inputTensor, geometry, spec.framework !== 'pytorch');
    // Merge layers (Keras Add/Multiply/Concatenate on a list) merge the fields of all their inputs.
    const all: TensorV[] = [];
    const collect = (v: Value) => {
      if (v.k === 'tensor') all.push(v);
      else if (v.k === 'list' || v.k === 'tuple') v.items.forEach(collect);
    };
    args.forEach(collect);
    if (!geometry && all.length > 1 && outValue.k === 'tensor' && outValue.ranked) {
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
        notation: safe(() => spec.notation?.(cfg, layerArgs, res) ?? null),
        formula: safe(() => spec.formula?.(cfg, layerArgs, res) ?? null),
        macs: safe(() => spec.macs?.(cfg, layerArgs, res) ?? null),
        geometry,
        inputs: layerArgs,
      };
      extra.inputs = layerArgs;
    }
    return outValue;
  }

  /** Reports a layer's shape mismatch in the tutorial's words, naming where the input came from. */
  private reportLayerMismatch(rec: ModuleRec, spec: LayerSpec, cfg: LayerConfig, input: TensorV | null, layerArgs: LayerValue[], res: LayerValue, messages: string[], site: CallSite): void {
    const origin = input?.origin ?? null;
    const related = origin ? [{ span: origin.span, line: origin.line, message: `${origin.what} gives ${formatTensorShape(input!)}` }] : [];
    let notation: string | null = null;
    try {
      notation = spec.notation?.(cfg, layerArgs, res) ?? null;
    } catch {
      notation = null;
    }
    const operands = notation ? notation.split(/=|→/)[0].trim() : null;
    const inF = cfg.in_features;
    const last = input && input.shape.length ? input.shape[input.shape.length - 1] : null;
    if (spec.name === 'Linear' && typeof inF === 'number' && last !== null && isKnown(last) && last !== inF && input) {
      const outF = cfg.out_features;
      // A half-typed constructor may leave out_features as None or a non-dimension.
      const outLabel = typeof outF === 'number' ? String(outF) : outF && typeof outF === 'object' && 'kind' in outF ? formatDim(outF as Dim) : '?';
      const label = `Linear(${inF}, ${outLabel})`;
      const by = origin ? `${origin.what} (line ${origin.line}) gives ${last}` : `the input has ${last}`;
      this.interp.report('shape-mismatch', 'error', site, `${formatTensorShape(input)}·(${inF},${typeof cfg.out_features === 'number' ? cfg.out_features : '?'}): inner dimensions ${last} ≠ ${inF} — ${label} expects ${inF} features but ${by}`, related);
      return;
    }
    const by = origin ? ` — ${origin.what} (line ${origin.line}) gives ${formatTensorShape(input!)}` : '';
    for (const m of messages) this.interp.report('shape-mismatch', 'error', site, `${operands ? `${operands}: ` : ''}${m}${by}`, related);
    void rec;
  }

  /** An unranked input meeting a layer that needs a rank: fix the rank with named symbols. */
  private refineRank(t: TensorV, spec: LayerSpec, cfg: LayerConfig): void {
    const m = spec.name.match(/(\d)d$/);
    const channels = cfg.in_channels ?? cfg.num_features ?? cfg.input_size ?? null;
    const channelDim: Dim = typeof channels === 'number' ? channels : channels && typeof channels === 'object' && !Array.isArray(channels) && 'kind' in channels ? (channels as Dim) : symDim('C');
    let shape: Dim[] | null = null;
    if (m && /Conv|Pool|BatchNorm[23]|InstanceNorm|Upsample|ReflectionPad|ReplicationPad|ZeroPad|ConstantPad|Dropout[23]/.test(spec.name) && spec.framework === 'pytorch') {
      const n = Number(m[1]);
      const spatial = n === 1 ? ['L'] : n === 2 ? ['H', 'W'] : ['D', 'H', 'W'];
      shape = [symDim('N'), channelDim, ...spatial.map(symDim)];
    } else if (/^(RNN|LSTM|GRU)$/.test(spec.name)) {
      shape = cfg.batch_first === true ? [symDim('N'), symDim('T'), channelDim] : [symDim('T'), symDim('N'), channelDim];
    }
    if (!shape) return;
    // Keep trailing facts already known.
    const known = t.shape;
    for (let i = 0; i < known.length && i < shape.length; i++) shape[shape.length - known.length + i] = known[i];
    t.shape = shape;
    t.ranked = true;
    if (this.inputTensors.has(t) && shape.length >= 3 && /Conv|Pool/.test(spec.name)) t.field = identityField(shape.length - 2);
  }

  // -------------------------------------------------------------- namespaces

  private importModule(name: string): Value | undefined {
    const cached = this.namespaces.get(name);
    if (cached) return cached;
    const v = this.buildNamespace(name);
    if (v) this.namespaces.set(name, v);
    return v;
  }

  private buildNamespace(name: string): Value | undefined {
    const interp = this.interp;
    switch (name) {
      case 'torch':
        return this.torchNamespace();
      case 'torch.nn':
        return this.nnNamespace();
      case 'torch.nn.functional':
        return { k: 'namespace', name: 'torch.nn.functional', get: (attr) => functionalRule(interp, attr) };
      case 'torch.nn.init':
        return { k: 'namespace', name, get: (attr) => builtin(`init.${attr}`, (args) => (attr === 'calculate_gain' || attr === '_calculate_fan_in_and_fan_out' ? unknown('init value') : args[0] ?? NONE)) };
      case 'torch.nn.modules':
      case 'torch.nn.modules.module':
      case 'torch.nn.modules.conv':
      case 'torch.nn.modules.linear':
      case 'torch.nn.modules.batchnorm':
        return this.nnNamespace();
      case 'torch.utils.checkpoint':
        return tableNamespace(name, { checkpoint: builtin('checkpoint', (args, kwargs, site) => (args[0] ? interp.call(args[0], args.slice(1), new Map([...kwargs].filter(([k]) => k !== 'use_reentrant')), site) : NONE)) });
      case 'torch.jit':
        return this.jitNamespace();
      case 'torch.fx':
        return tableNamespace(name, { wrap: builtin('wrap', (a) => a[0] ?? NONE) });
      case 'torch.hub':
      case 'torchvision._internally_replaced_utils':
        return tableNamespace(name, { load_state_dict_from_url: builtin('load_state_dict_from_url', () => unknown('weights')) });
      case 'torch.Tensor':
        return this.tensorClass;
      default: {
        const kerasNs = this.keras?.namespace(name);
        if (kerasNs) return kerasNs;
        const std = stdlibModule(interp, name, this.objectClass);
        if (std) return std;
        if (name.startsWith('torch.nn.')) return this.nnNamespace();
        if (name === 'torch.nn.utils' || name.startsWith('torch.nn.utils')) return interp.opaqueNamespace(name);
        if (name.startsWith('torch.')) {
          // Walking the namespace asks opaque namespaces for their attributes, and they ask this
          // function back for the same qualified name: answering undefined the second time ends
          // that cycle (`import torch.utils.c.t`) with an unknown instead of a stack overflow.
          if (this.resolvingTorchNames.has(name)) return undefined;
          this.resolvingTorchNames.add(name);
          try {
            const parts = name.split('.');
            let v: Value | undefined = this.torchNamespace();
            for (const p of parts.slice(1)) v = v?.k === 'namespace' ? v.get(p) : undefined;
            return v;
          } finally {
            this.resolvingTorchNames.delete(name);
          }
        }
        return undefined;
      }
    }
  }

  private jitNamespace(): NamespaceV {
    const id = (name: string) => builtin(name, (a) => a[0] ?? NONE);
    return tableNamespace('torch.jit', {
      script: id('script'),
      trace: id('trace'),
      ignore: builtin('ignore', (a) => (a[0] && a[0].k !== 'bool' ? a[0] : id('ignore'))),
      unused: id('unused'),
      export: id('export'),
      _overload_method: id('_overload_method'),
      is_scripting: builtin('is_scripting', () => FALSE),
      is_tracing: builtin('is_tracing', () => FALSE),
      annotate: builtin('annotate', (a) => a[1] ?? NONE),
      Final: unknown('Final'),
    });
  }

  private torchNamespace(): NamespaceV {
    const interp = this.interp;
    const dtypes: Record<string, 'float' | 'long' | 'bool'> = {
      float: 'float', float32: 'float', float64: 'float', double: 'float', float16: 'float', half: 'float', bfloat16: 'float',
      long: 'long', int64: 'long', int: 'long', int32: 'long', int16: 'long', int8: 'long', uint8: 'long', short: 'long', bool: 'bool',
    };
    const ctxManager = builtin('no_grad', (a) => (a[0] && (a[0].k === 'func' || a[0].k === 'bound') ? a[0] : builtin('no_grad', (b) => b[0] ?? NONE)));
    const table: Record<string, Value> = {
      Tensor: this.tensorClass,
      Size: builtin('Size', (a) => (a[0] && (a[0].k === 'tuple' || a[0].k === 'list') ? tuple(a[0].items) : tuple([]))),
      no_grad: ctxManager,
      enable_grad: ctxManager,
      inference_mode: ctxManager,
      device: builtin('device', () => unknown('device')),
      _assert: builtin('_assert', () => NONE),
      finfo: builtin('finfo', () => unknown('finfo')),
      __version__: str('1.13.0'),
      cuda: tableNamespace('torch.cuda', { is_available: builtin('is_available', () => FALSE), device_count: builtin('device_count', () => int(0)) }),
      backends: interp.opaqueNamespace('torch.backends'),
      _C: tableNamespace('torch._C', { _log_api_usage_once: builtin('_log_api_usage_once', () => NONE) }, (a) => unknown(`torch._C.${a}`)),
    };
    const ns: NamespaceV = {
      k: 'namespace',
      name: 'torch',
      get: (attr) => {
        if (table[attr]) return table[attr];
        if (attr in dtypes) return { k: 'dtype', dtype: dtypes[attr] };
        if (attr === 'nn') return this.importModule('torch.nn');
        if (attr === 'jit') return this.importModule('torch.jit');
        if (attr === 'fx') return this.importModule('torch.fx');
        if (attr === 'hub') return this.importModule('torch.hub');
        if (attr === 'utils') return tableNamespace('torch.utils', { checkpoint: this.importModule('torch.utils.checkpoint')! }, (a) => interp.opaqueNamespace(`torch.utils.${a}`));
        if (attr === 'functional') return this.importModule('torch.nn.functional');
        return torchFunction(interp, attr) ?? functionalRule(interp, attr);
      },
    };
    return ns;
  }

  private nnNamespace(): NamespaceV {
    const paramFn: NativeFn = (args) => {
      const t = args[0];
      if (t?.k === 'tensor') return { ...t, param: true } as Value;
      return t ?? unknown('Parameter');
    };
    const table: Record<string, Value> = {
      Module: this.moduleClass,
      Sequential: this.sequentialClass,
      ModuleList: this.moduleListClass,
      ModuleDict: this.moduleDictClass,
      Parameter: builtin('Parameter', paramFn),
      ParameterList: builtin('ParameterList', () => ({ k: 'list', items: [] })),
      ParameterDict: builtin('ParameterDict', () => ({ k: 'dict', entries: new Map() })),
    };
    return {
      k: 'namespace',
      name: 'torch.nn',
      get: (attr) => {
        if (table[attr]) return table[attr];
        if (attr === 'functional') return this.importModule('torch.nn.functional');
        if (attr === 'init') return this.importModule('torch.nn.init');
        if (attr === 'utils') return this.interp.opaqueNamespace('torch.nn.utils');
        if (attr === 'modules') return this.nnNamespace();
        const cls = this.layerClass('pytorch', attr);
        if (cls) return cls;
        if (/^[A-Z]/.test(attr)) return this.unknownLayerClass(attr);
        return undefined;
      },
    };
  }

  /** An nn.X the catalogue does not have: still a module (so paths line up), with unknown output. */
  private unknownLayerClass(name: string): ClassV {
    const key = `unknown:${name}`;
    const cached = this.layerClasses.get(key);
    if (cached) return cached;
    const cls = nativeClass(name, null, [this.moduleClass]);
    cls.ns.set('__init__', builtin(`${name}.__init__`, (args, _kw, site) => {
      this.interp.report('unknown-layer', 'warning', site, `nn.${name} is not in the layer catalogue; its output shape and parameters are unknown`);
      void args;
      return NONE;
    }));
    cls.ns.set('forward', builtin(`${name}.forward`, (_args, _kw, site) => unknown(`nn.${name} output`, site)));
    this.layerClasses.set(key, cls);
    return cls;
  }

  /** Assigns each record its qualified path under a root model (named_modules order). */
  assignPaths(root: InstanceV): [string, InstanceV][] {
    const named = this.namedModules(root);
    for (const [path, m] of named) this.extraOf(m.mod!).path = path;
    return named;
  }

  /** Line of an offset in the main file. */
  lineOfMain(offset: number): number {
    return lineOf(this.interp.main, offset);
  }
}

function divide(a: Dim, g: number): Dim {
  if (g === 1) return a;
  if (isKnown(a)) return a % g === 0 ? a / g : unknownDim();
  return unknownDim();
}

/** Copies output tensors with their origin (the module that produced them) for explanations. */
function withOrigin(v: Value, origin: TensorV['origin']): Value {
  // A tensor made by a submodule of this module keeps naming that submodule: a mismatch message
  // then points at the layer that produced the dimension (`head.2`), not at its container.
  if (v.k === 'tensor') return origin && v.origin?.what.startsWith(`${origin.what}.`) ? v : { ...v, origin };
  if (v.k === 'tuple') return tuple(v.items.map((i) => withOrigin(i, origin)));
  return v;
}

function firstTensorOf(v: Value): TensorV | null {
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

/** A Python value as a layer-rule value; unranked tensors carry their unknown prefix as `…`. */
export function toLayerValue(v: Value): LayerValue {
  v = force(v);
  switch (v.k) {
    case 'tensor':
      return { kind: 'tensor', shape: v.ranked ? v.shape : [symDim(ELLIPSIS_DIM), ...(v.shape.length ? v.shape : [unknownDim()])], dtype: v.dtype };
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
  return !isKnown(d) && !isUnknown(d) && formatDim(d) === ELLIPSIS_DIM;
}

/** A layer-rule value back as a Python value, with the receptive field composed. */
export function fromLayerValue(v: LayerValue, input: TensorV | null, geometry: import('../types').Geometry | null, channelsLast = false): Value {
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
        if (geometry) field = composeField(input.field, geometry);
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

export { mulDim };
