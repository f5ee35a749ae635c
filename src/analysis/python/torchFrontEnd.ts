// PyTorch as a front end of the module system: the `torch`, `torch.nn`, `torch.nn.functional`
// (and neighbouring) namespaces, with catalogue layers and the module system's native classes
// under `torch.nn`. PyTorch models run `forward`, and a child's path segment is its attribute.

import type { Framework } from '../types';
import { builtin, nativeClass, tableNamespace } from './builtins';
import type { Interpreter } from './interpreter';
import type { FrameworkFrontEnd, ModuleSystem } from './moduleSystem';
import { functionalRule, torchFunction, torchSpecial } from './tensorOps';
import { autogradNamespace, moduleUtilsNamespace, nnUtilsNamespace } from './torchUtils';
import { rnnUtilsNamespace } from './packedSequence';
import { FALSE, NONE, int, str, tuple, unknown, type ClassV, type NamespaceV, type NativeFn, type NativeKind, type Value } from './values';

/** The PyTorch front end. */
export class TorchFrontEnd implements FrameworkFrontEnd {
  readonly framework: Framework = 'pytorch';
  readonly modelBase: NativeKind = 'Module';
  readonly forwardMethod = 'forward';
  readonly tensorClass: ClassV;
  private readonly interp: Interpreter;
  /** Qualified torch names being resolved right now (see namespace). */
  private readonly resolvingTorchNames = new Set<string>();

  constructor(private readonly system: ModuleSystem) {
    this.interp = system.interp;
    this.tensorClass = nativeClass('Tensor', 'object', [system.objectClass]);
    // `torch.Tensor(4, 16)` is the legacy constructor: an uninitialised float tensor of those sizes.
    this.tensorClass.ns.set('__new__', builtin('Tensor.__new__', (args, kwargs, site) => torchSpecial.FloatTensor({ interp: this.interp, site }, null, args.slice(1), kwargs)));
  }

  /** Classes user code assigns into `torch.nn` (`nn.MaskedLinear = MaskedLinear`), read back by later code. */
  private readonly nnAssigned = new Map<string, Value>();


  /** The namespace of a `torch…` import (the module system caches it), or undefined. */
  namespace(name: string): Value | undefined {
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
      case 'torch.nn.modules.utils':
        return moduleUtilsNamespace(this.system);
      case 'torch.autograd':
      case 'torch.autograd.function':
      case 'torch.autograd.variable':
        return autogradNamespace(this.system, name);
      case 'torch.nn.utils.rnn':
        return rnnUtilsNamespace(interp, this.system.objectClass);
      default: {
        if (name === 'torch.nn.utils' || name.startsWith('torch.nn.utils.')) return nnUtilsNamespace(this.system, name) ?? interp.opaqueNamespace(name);
        if (name.startsWith('torch.nn.')) return this.nnNamespace();
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
        if (attr === 'nn') return this.system.importModule('torch.nn');
        if (attr === 'jit') return this.system.importModule('torch.jit');
        if (attr === 'fx') return this.system.importModule('torch.fx');
        if (attr === 'hub') return this.system.importModule('torch.hub');
        if (attr === 'utils') return tableNamespace('torch.utils', { checkpoint: this.system.importModule('torch.utils.checkpoint')! }, (a) => interp.opaqueNamespace(`torch.utils.${a}`));
        if (attr === 'functional') return this.system.importModule('torch.nn.functional');
        if (attr === 'autograd') return this.system.importModule('torch.autograd');
        return torchFunction(interp, attr) ?? functionalRule(interp, attr);
      },
    };
    return ns;
  }

  private nnNamespace(): NamespaceV {
    const paramFn: NativeFn = (args) => {
      const t = args[0];
      if (t?.k === 'tensor') return { ...t, param: true };
      return t ?? unknown('Parameter');
    };
    const table: Record<string, Value> = {
      Module: this.system.moduleClass,
      Sequential: this.system.sequentialClass,
      ModuleList: this.system.moduleListClass,
      ModuleDict: this.system.moduleDictClass,
      Parameter: builtin('Parameter', paramFn),
      ParameterList: builtin('ParameterList', () => ({ k: 'list', items: [] })),
      ParameterDict: builtin('ParameterDict', () => ({ k: 'dict', entries: new Map() })),
    };
    return {
      k: 'namespace',
      name: 'torch.nn',
      set: (attr, v) => void this.nnAssigned.set(attr, v),
      get: (attr) => {
        const assigned = this.nnAssigned.get(attr);
        if (assigned) return assigned;
        if (table[attr]) return table[attr];
        if (attr === 'functional') return this.system.importModule('torch.nn.functional');
        if (attr === 'init') return this.system.importModule('torch.nn.init');
        if (attr === 'utils') return this.system.importModule('torch.nn.utils');
        // `nn.parameter.Parameter` and `nn.modules.*` name the same classes as `nn.*`.
        if (attr === 'modules' || attr === 'parameter') return this.nnNamespace();
        const cls = this.system.layerClass('pytorch', attr);
        if (cls) return cls;
        if (/^[A-Z]/.test(attr)) return this.unknownLayerClass(attr);
        return undefined;
      },
    };
  }

  /** An nn.X the catalogue does not have: still a module (so paths line up), with unknown output. */
  private unknownLayerClass(name: string): ClassV {
    return this.system.cachedClass(`unknown:${name}`, () => {
      const cls = nativeClass(name, null, [this.system.moduleClass]);
      cls.ns.set('__init__', builtin(`${name}.__init__`, (args, _kw, site) => {
        this.interp.report('unknown-layer', 'warning', site, `nn.${name} is not in the layer catalogue; its output shape and parameters are unknown`);
        void args;
        return NONE;
      }));
      cls.ns.set('forward', builtin(`${name}.forward`, (_args, _kw, site) => unknown(`nn.${name} output`, site)));
      return cls;
    });
  }
}
