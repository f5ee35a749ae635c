// The module system every framework front end shares: module records and their bookkeeping,
// the native module classes (Module and the containers Sequential, ModuleList, ModuleDict with
// PyTorch's registration order), catalogue layers as classes, module calls that record each
// module's first call, and qualified paths. What differs per framework (its namespaces, the name
// of the forward method, naming a layer, recording a call, a path segment) comes from a
// FrameworkFrontEnd; the front ends never import each other, analyzePython composes them.

import { LayerRepairBook, producesSize } from './layerRepairBook';
import { lookupLayer } from '../layers/catalogue';
import { compareDims, isKnown, type Dim } from '../shapes';
import type { Framework } from '../types';
import { builtin, nativeClass, stdlibModule } from './builtins';
import type { FrameworkHooks, Interpreter } from './interpreter';
import { applyLayer, firstTensorOf, initLayer, producerOf, type LayerModuleHost } from './layerModules';
import { indexTensor, tensorAttribute, tensorBinop } from './tensorOps';
import {
  DeferredAttrs,
  FALSE,
  NO_CHILDREN,
  ownChildren,
  NONE,
  TRUE,
  int,
  str,
  tuple,
  unknown,
  unrankedTensor,
  type CallSite,
  type ClassV,
  type InstanceV,
  Bookkeeping,
  type ModuleRec,
  type NativeKind,
  type TensorV,
  type Value,
} from './values';

/** What a framework plugs into the module system. */
export interface FrameworkFrontEnd {
  readonly framework: Framework;
  /** The native class the framework's user models derive from (`Module`, `KerasModel`). */
  readonly modelBase: NativeKind;
  /** The method a user-defined model runs when called (`forward`, `call`). */
  readonly forwardMethod: string;
  /** The namespace an import of this dotted name gives, or undefined when it is not this framework's. */
  namespace(name: string): Value | undefined;
  /** Called after one of the framework's catalogue layers is constructed (Keras names it here). */
  layerConstructed?(inst: InstanceV, kwargs: Map<string, Value>): void;
  /** Called after one of the framework's modules is called (Keras records functional history). */
  moduleCalled?(inst: InstanceV, args: Value[], kwargs: Map<string, Value>, output: Value): void;
  /** Called before a user module of the framework runs its forward (Keras builds a layer here). */
  beforeCall?(inst: InstanceV, args: Value[], site: CallSite): void;
  /** Called when a tensor operation (`a + b`, `x[..., :4]`) made `output` from `inputs`. */
  tensorDerived?(output: Value, inputs: Value[]): void;
  /** See FrameworkHooks.workspaceModuleRan. */
  workspaceModuleRan?(path: string, setGlobal: (name: string, v: Value) => void): void;
  /** The path segment of a child held in attribute `attr` (default: the attribute's name). */
  pathSegment?(attr: string, child: ModuleRec): string;
}

/** What a framework without a front end gets: PyTorch's method name, no hooks. */
const NO_FRONT_END: Readonly<Partial<FrameworkFrontEnd> & { forwardMethod: string }> = Object.freeze({ forwardMethod: 'forward' });

/** The framework-neutral module system: owns module records and installs the interpreter's hooks. */
export class ModuleSystem implements LayerModuleHost {
  readonly records: ModuleRec[] = [];
  /** Records by id, kept alongside the list so that lookups stay constant-time in large files. */
  readonly recordById = new IdTable<ModuleRec>();
  readonly bookkeepingById = new IdTable<Bookkeeping>();
  private nextId = 1;
  readonly objectClass: ClassV;
  readonly moduleClass: ClassV;
  readonly sequentialClass: ClassV;
  readonly moduleListClass: ClassV;
  readonly moduleDictClass: ClassV;
  /** Classes the front ends made for names the catalogue lacks (cachedClass), by their key. */
  private readonly cachedClasses = new Map<string, ClassV>();
  private readonly namespaces = new Map<string, Value>();
  private readonly frontEnds: FrameworkFrontEnd[] = [];
  /** Tensors that are model inputs of unknown rank, refined by the first layer that needs a rank. */
  readonly inputTensors = new Set<TensorV>();
  /** Repairs of layer mismatches, gathered per constructor call. */
  readonly repairBook = new LayerRepairBook();
  /** The module the interpreter called last by name, and where. */
  private directCall: { inst: InstanceV; site: CallSite } | null = null;

  constructor(readonly interp: Interpreter) {
    this.objectClass = nativeClass('object', 'object');
    this.moduleClass = nativeClass('Module', 'Module', [this.objectClass]);
    this.sequentialClass = nativeClass('Sequential', 'Sequential', [this.moduleClass]);
    this.moduleListClass = nativeClass('ModuleList', 'ModuleList', [this.moduleClass]);
    this.moduleDictClass = nativeClass('ModuleDict', 'ModuleDict', [this.moduleClass]);
    this.installModuleMethods();
    this.installContainers();
  }

  /** The hooks through which the interpreter reaches the module system; given to its constructor. */
  frameworkHooks(): FrameworkHooks {
    const interp = this.interp;
    return {
      importModule: (name) => this.importModule(name),
      tensorAttr: (t, name, site) => tensorAttribute(interp, t, name, site),
      tensorBinop: (op, a, b, site) => this.derived(tensorBinop(interp, op, a, b, site), [a, b]),
      tensorIndex: (t, idx, site) => this.derived(indexTensor({ interp, site }, t, idx), [t]),
      callModule: (inst, args, kwargs, site) => {
        // A module called by name at this site (not by a container's forward): a layout fix may edit its argument.
        this.directCall = { inst, site };
        return this.callModule(inst, args, kwargs, site);
      },
      setModuleAttr: (inst, name, v) => this.setModuleAttr(inst, name, v),
      getModuleAttr: (inst, name) => inst.mod!.children.get(name) ?? (name === '_modules' ? this.modulesDict(inst) : undefined),
      newModule: (cls, site) => this.newModule(cls, site),
      iterateModule: (inst) => this.iterateModule(inst),
      indexModule: (inst, idx, site) => this.indexModule(inst, idx, site),
      lenModule: (inst) => (this.isContainer(inst) ? inst.mod!.children.size : null),
      workspaceModuleRan: (path, setGlobal) => {
        for (const f of this.frontEnds) f.workspaceModuleRan?.(path, setGlobal);
      },
      cloneModule: (inst, site) => this.cloneModule(inst, site, new Map()),
      producerSizeFix: (t, axis, size) => {
        const producer = producerOf(this, t);
        return producer ? this.repairBook.outputSizeFix(producer, t, axis, size) : null;
      },
    };
  }

  /** Tells the front ends that a tensor operation made `output` from `inputs`; returns `output`. */
  derived(output: Value, inputs: Value[]): Value {
    for (const f of this.frontEnds) f.tensorDerived?.(output, inputs);
    return output;
  }

  /** `self._modules`: the children by name, in registration order (a snapshot; writes go through setattr). */
  private modulesDict(inst: InstanceV): Value {
    const d: Value = { k: 'dict', entries: new Map(), ordered: true };
    for (const [k, v] of inst.mod!.children) d.entries.set(`s:${k}`, { key: str(k), value: v });
    return d;
  }

  /**
   * `copy.deepcopy` of a module: a new record of the same class and configuration, its own
   * parameters and attributes copied, its children cloned (a child shared twice stays shared in
   * the copy, as deepcopy's memo keeps it).
   */
  cloneModule(inst: InstanceV, site: CallSite, memo: Map<number, InstanceV>): InstanceV {
    const src = inst.mod!;
    const seen = memo.get(src.id);
    if (seen) return seen;
    const copy = this.newModule(inst.cls, site);
    memo.set(src.id, copy);
    const rec = copy.mod!;
    rec.type = src.type;
    rec.spec = src.spec;
    rec.config = src.config;
    if (src.name !== undefined) rec.name = src.name;
    for (const [k, v] of inst.attrs) copy.attrs.set(k, v.k === 'instance' && v.mod ? this.cloneModule(v, site, memo) : this.interp.deepCopy(v, site));
    for (const [k, c] of src.children) ownChildren(rec).set(k, this.cloneModule(c, site, memo));
    const from = this.bookkeeping(src);
    const to = this.bookkeeping(rec);
    to.params = new Map(from.params);
    to.layerParams = new Set(from.layerParams);
    return copy;
  }

  /** True when `inst` is being called by name at `site` (the layer's own call, not a container's). */
  isDirectCall(inst: InstanceV, site: CallSite): boolean {
    return this.directCall?.inst === inst && this.directCall.site === site;
  }

  /** Plugs a framework in; the first one registered is the default for classes no front end claims. */
  register(frontEnd: FrameworkFrontEnd): void {
    this.frontEnds.push(frontEnd);
  }

  private frontEnd(framework: Framework): Partial<FrameworkFrontEnd> & { forwardMethod: string } {
    // A loop, not find(): this runs several times per module call.
    for (const f of this.frontEnds) if (f.framework === framework) return f;
    return NO_FRONT_END;
  }

  /** An import of a dotted name: the first front end that knows it, else the standard library, cached. */
  importModule(name: string): Value | undefined {
    const cached = this.namespaces.get(name);
    if (cached) return cached;
    let v: Value | undefined;
    for (const f of this.frontEnds) {
      v = f.namespace(name);
      if (v) break;
    }
    v ??= stdlibModule(this.interp, name, this.objectClass);
    if (v) this.namespaces.set(name, v);
    return v;
  }

  /** A class cached under a key (front ends keep classes they make for unknown layers here). */
  cachedClass(key: string, make: () => ClassV): ClassV {
    const cached = this.cachedClasses.get(key);
    if (cached) return cached;
    const cls = make();
    this.cachedClasses.set(key, cls);
    return cls;
  }

  // -------------------------------------------------------------- records

  newModule(cls: ClassV, site: CallSite): InstanceV {
    const at = this.interp.mainSpan(site);
    const spec = cls.layer;
    const framework: Framework = spec?.framework ?? this.frameworkOfClass(cls);
    const rec: ModuleRec = {
      id: this.nextId++,
      type: cls.name,
      framework,
      spec: null,
      config: null,
      children: NO_CHILDREN as Map<string, InstanceV>,
      span: at.span,
      line: at.line,
      calls: 0,
      firstCall: null,
      field: null,
    };
    this.records.push(rec);
    this.recordById.set(rec.id, rec);
    this.bookkeepingById.set(rec.id, new Bookkeeping(site.file.isMain ? { from: site.from, to: site.to } : null));
    // A catalogue layer's attributes are made on first use (initLayer defers them).
    return { k: 'instance', cls, attrs: (spec ? new DeferredAttrs() : new Map<string, Value>()).set('training', FALSE), mod: rec };
  }

  /** The bookkeeping beside a record. */
  bookkeeping(rec: ModuleRec): Bookkeeping {
    return this.bookkeepingById.get(rec.id)!;
  }

  /** The framework of a user class: the one whose model base class is nearest in its MRO. */
  private frameworkOfClass(cls: ClassV): Framework {
    for (const c of cls.mro) {
      const owner = c.native ? this.frontEnds.find((f) => f.modelBase === c.native) : undefined;
      if (owner) return owner.framework;
    }
    return this.frontEnds[0]?.framework ?? 'pytorch';
  }

  setModuleAttr(inst: InstanceV, name: string, v: Value): void {
    const rec = inst.mod!;
    if (v.k === 'instance' && v.mod) {
      inst.attrs.delete(name);
      ownChildren(rec).set(name, v);
      return;
    }
    if (rec.framework === 'keras' && (v.k === 'list' || v.k === 'tuple' || v.k === 'dict')) {
      // Keras tracks layers held in a list or dict attribute (PyTorch needs a ModuleList for that).
      const items = v.k === 'dict' ? [...v.entries.values()].map((e) => e.value) : v.items;
      items.forEach((item, i) => {
        if (item.k === 'instance' && item.mod) ownChildren(rec).set(`${name}.${i}`, item);
      });
    }
    if (v.k === 'tensor' && v.param) {
      const book = this.bookkeeping(rec);
      if (!book.layerParams.has(name)) book.params.set(name, v.ranked ? v.shape : null);
      else if (rec.spec && !sameWeightShape((rec.config ? rec.spec.weights?.(rec.config)?.[name] : null) ?? null, v)) (book.replacedWeights ??= new Set()).add(name);
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
        if (picked.k === 'list') picked.items.forEach((n, i) => ownChildren(sub.mod!).set((n as { v: string }).v, r.items[i] as InstanceV));
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
    this.method(M, 'apply', (self, args, _kw, site) => {
      // PyTorch's order: every child's subtree first, then the module itself.
      const fn = args[0];
      if (!fn) return self;
      const visit = (m: InstanceV) => {
        for (const child of [...m.mod!.children.values()]) visit(child);
        this.interp.call(fn, [m], new Map(), site);
      };
      visit(self);
      return self;
    });
    this.method(M, '__setattr__', (self, args, _kw, site) => {
      if (args[0]?.k === 'str' && args[1]) this.interp.setAttr(self, args[0].v, args[1], site);
      return NONE;
    });
    this.method(M, '__getattr__', (self, args, _kw, site) => (args[0]?.k === 'str' ? this.interp.getAttr(self, args[0].v, site) : unknown('__getattr__ of a computed name', site)));
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
        const p: Value = args[1].k === 'tensor' ? { ...args[1], param: true } : args[1];
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
      // `self.layers += [...]` extends the container in place, as PyTorch's __iadd__ does.
      this.method(C, '__iadd__', (self, args, _kw, site) => {
        const items = args[0] ? this.interp.iterate(args[0], site) : null;
        if (items) this.registerSequence(self, items);
        else this.interp.gap(site, `${self.cls.name} += of modules the analysis cannot enumerate`);
        return self;
      });
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
        // Each framework names a child's path segment its own way (Keras by layer name).
        const key = this.frontEnd(child.mod!.framework).pathSegment?.(name, child.mod!) ?? name;
        visit(child, path ? `${path}.${key}` : key);
      }
    };
    visit(root, '');
    return out;
  }

  // -------------------------------------------------------------- catalogue layers as classes

  /** The class for a catalogue layer (`nn.Conv2d`), created once per name. */
  layerClass(framework: Framework, name: string): ClassV | undefined {
    // Asked on every evaluation of `nn.Conv2d`: classes are kept by framework and name, so no
    // `framework:name` key is built per evaluation.
    let byName = this.layerClassByName.get(framework);
    const known = byName?.get(name);
    if (known) return known;
    const cls = this.makeLayerClass(framework, name);
    if (cls) {
      if (!byName) this.layerClassByName.set(framework, (byName = new Map()));
      byName.set(name, cls);
    }
    return cls;
  }

  /** The catalogue layers' classes layerClass made, by framework and name. */
  private readonly layerClassByName = new Map<Framework, Map<string, ClassV>>();

  private makeLayerClass(framework: Framework, name: string): ClassV | undefined {
    const spec = lookupLayer(framework, name);
    if (!spec) return undefined;
    const cls = nativeClass(name, null, [this.moduleClass]);
    cls.layer = spec;
    cls.ns.set('__init__', builtin(`${name}.__init__`, (args, kwargs, site) => {
      const self = args[0];
      if (self?.k === 'instance' && self.mod) {
        initLayer(this, self, spec, args.slice(1), kwargs, site);
        this.frontEnd(spec.framework).layerConstructed?.(self, kwargs);
      }
      return NONE;
    }));
    cls.ns.set('forward', builtin(`${name}.forward`, (args, kwargs, site) => {
      const self = args[0];
      if (self?.k !== 'instance' || !self.mod) return unknown('layer forward without a module', site);
      return applyLayer(this, self, spec, args.slice(1), kwargs, site);
    }));
    if (name === 'Flatten' || name === 'Identity') cls.ns.set('__layer__', TRUE);
    return cls;
  }


  /** Calls a module: runs its forward (user code or the layer rule) and records the first call. */
  callModule(inst: InstanceV, args: Value[], kwargs: Map<string, Value>, site: CallSite): Value {
    const rec = inst.mod!;
    // Catalogue layer classes answer `forward`; user classes the framework's own method name.
    const forwardName = inst.cls.layer ? 'forward' : this.frontEnd(rec.framework).forwardMethod;
    const fwd = this.interp.lookupClassAttr(inst.cls, forwardName) ?? (forwardName !== 'forward' ? this.interp.lookupClassAttr(inst.cls, 'forward') : undefined);
    let result: Value;
    if (!fwd) {
      this.interp.gap(site, `${inst.cls.name} has no ${forwardName}() the analysis can see`);
      result = unknown(`${inst.cls.name} without forward`, site);
    } else {
      if (!inst.cls.layer) this.frontEnd(rec.framework).beforeCall?.(inst, args, site);
      result = this.interp.call({ k: 'bound', fn: fwd, self: inst }, args, kwargs, site);
    }
    // A Keras layer called on tensors always gives a tensor: one whose shape the analysis cannot
    // follow stays in the functional graph (of unknown rank), so the layers after it are kept.
    if (rec.framework === 'keras' && result.k === 'unknown' && [...args, ...kwargs.values()].some((a) => a.k === 'tensor' || ((a.k === 'list' || a.k === 'tuple') && a.items.some((i) => i.k === 'tensor')))) result = unrankedTensor();
    const extra = this.bookkeeping(rec);
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
    // The last layer that set a size (a convolution's channels) stays named through the layers that keep it.
    // A catalogue layer that sets no size (an activation, a norm, a pool) passes its input's producer on.
    const passedOn = rec.spec && args[0] ? firstTensorOf(args[0])?.origin?.producerId : undefined;
    const producerId = rec.spec && producesSize(rec.spec.name) ? rec.id : (firstTensorOf(result)?.origin?.producerId ?? passedOn);
    const origin: NonNullable<TensorV['origin']> = { span: at.span, line: at.line, what: extra.path || rec.name || rec.type, moduleId: rec.id };
    if (producerId !== undefined) origin.producerId = producerId;
    const out = withOrigin(result, origin);
    this.frontEnd(rec.framework).moduleCalled?.(inst, args, kwargs, out);
    return out;
  }

  /** Assigns each record its qualified path under a root model (named_modules order). */
  assignPaths(root: InstanceV): [string, InstanceV][] {
    const named = this.namedModules(root);
    for (const [path, m] of named) this.bookkeeping(m.mod!).path = path;
    return named;
  }
}

/**
 * Values by module id. Ids are small consecutive integers from 1, so an array answers where a
 * `Map` hashed every id (two insertions per module created, a lookup per bookkeeping read).
 */
export class IdTable<T> {
  private readonly items: (T | undefined)[] = [];

  get(id: number): T | undefined {
    return this.items[id];
  }

  set(id: number, value: T): void {
    while (this.items.length < id) this.items.push(undefined);
    this.items[id] = value;
  }
}

/** Copies output tensors with their origin (the module that produced them) for explanations. */
function withOrigin(v: Value, origin: TensorV['origin']): Value {
  // A tensor made by a submodule of this module keeps naming that submodule: a mismatch message
  // then points at the layer that produced the dimension (`head.2`), not at its container.
  if (v.k === 'tensor') return origin && v.origin && isSubPath(v.origin.what, origin.what) ? v : tensorWithOrigin(v, origin);
  if (v.k === 'tuple') return tuple(v.items.map((i) => withOrigin(i, origin)));
  return v;
}

/**
 * A copy of a tensor with another origin: the same own fields in the same order as a spread
 * (`{ ...t, origin }`) would give, without the spread's generic property copying (one per module call).
 */
function tensorWithOrigin(t: TensorV, origin: TensorV['origin']): TensorV {
  const keys = Object.keys(t);
  // The common tensor has exactly the required fields, in the order the rules write them.
  if (keys.length === 6 && keys[0] === 'k' && keys[1] === 'shape' && keys[2] === 'ranked' && keys[3] === 'dtype' && keys[4] === 'field' && keys[5] === 'origin') {
    return { k: 'tensor', shape: t.shape, ranked: t.ranked, dtype: t.dtype, field: t.field, origin };
  }
  return { ...t, origin };
}

/** True when a tensor assigned as a layer's weight certainly has the declared shape (then nothing changes). */
function sameWeightShape(declared: readonly Dim[] | null, v: TensorV): boolean {
  return declared !== null && v.ranked && v.shape.length === declared.length && v.shape.every((d, i) => compareDims(d, declared[i]) === 'equal');
}

/** Whether `path` names a module inside `parent` (`head.2` inside `head`), without building `parent + '.'`. */
function isSubPath(path: string, parent: string): boolean {
  return path.length > parent.length && path.charCodeAt(parent.length) === 46 && path.startsWith(parent);
}
