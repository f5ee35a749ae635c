// The small torch utilities model code wraps its layers and sizes with: `torch.nn.utils`
// (weight_norm, spectral_norm and their removal, parametrizations), `torch.nn.modules.utils`
// (_single, _pair, _triple, _quadruple, _ntuple) and `torch.autograd` (Variable, Function.apply
// running the static forward). Each follows PyTorch 1.13's own definition of what it registers.

import { isKnown, type Dim } from '../shapes';
import { builtin, nativeClass, tableNamespace } from './builtins';
import type { ModuleSystem } from './moduleSystem';
import { NONE, int, tuple, unknown, type CallSite, type ClassV, type InstanceV, type NamespaceV, type TensorV, type Value } from './values';

/** `_ntuple(n)`: an iterable stays as it is, anything else is repeated n times (torch/nn/modules/utils.py). */
function ntuple(system: ModuleSystem, n: number, name: string): Value {
  return builtin(name, (args, _kw, site) => {
    const x = args[0];
    if (!x) return unknown(`${name}()`, site);
    if (x.k === 'tuple' || x.k === 'list') return tuple(x.items);
    const items = x.k === 'str' || x.k === 'dict' ? system.interp.iterate(x, site) : null;
    if (items) return tuple(items);
    return tuple(new Array(n).fill(x));
  });
}

/** `torch.nn.modules.utils`. */
export function moduleUtilsNamespace(system: ModuleSystem): NamespaceV {
  return tableNamespace('torch.nn.modules.utils', {
    _single: ntuple(system, 1, '_single'),
    _pair: ntuple(system, 2, '_pair'),
    _triple: ntuple(system, 3, '_triple'),
    _quadruple: ntuple(system, 4, '_quadruple'),
    _ntuple: builtin('_ntuple', (args, _kw, site) => {
      const n = args[0]?.k === 'int' && isKnown(args[0].v) ? args[0].v : null;
      return n === null ? unknown('_ntuple of an unknown count', site) : ntuple(system, n, `_ntuple(${n})`);
    }),
  });
}

/** The module argument of a wrapper, with its parameter `name` as a tensor when it has one. */
function wrapped(args: Value[], kwargs: Map<string, Value>): { module: InstanceV | null; name: string; weight: TensorV | null } {
  const m = args[0] ?? kwargs.get('module');
  const nameArg = args[1] ?? kwargs.get('name');
  const name = nameArg?.k === 'str' ? nameArg.v : 'weight';
  const module = m?.k === 'instance' && m.mod ? m : null;
  const w = module?.attrs.get(name);
  return { module, name, weight: w?.k === 'tensor' && w.ranked ? w : null };
}

/**
 * `weight_norm(module, name='weight', dim=0)`: PyTorch removes the parameter and registers
 * `name_g` (the norm over every dim but `dim`; one number for dim None or -1) and `name_v`
 * (the parameter's own shape), so the count grows by the size of g.
 */
function weightNorm(system: ModuleSystem): Value {
  return builtin('weight_norm', (args, kwargs, site) => {
    const { module, name, weight } = wrapped(args, kwargs);
    if (!module) return args[0] ?? unknown('weight_norm without a module', site);
    if (!weight) {
      system.interp.gap(site, `weight_norm: ${module.cls.name}.${name} is not a parameter the analysis knows; its weight_g is not counted`);
      return module;
    }
    const dimArg = args[2] ?? kwargs.get('dim');
    let dim: number | null = 0;
    if (dimArg?.k === 'none') dim = -1;
    else if (dimArg?.k === 'int') dim = isKnown(dimArg.v) ? dimArg.v : null;
    if (dim === null) {
      system.interp.gap(site, 'weight_norm with a dim the analysis cannot read; its weight_g is not counted');
      return module;
    }
    const rank = weight.shape.length;
    // torch/nn/utils/weight_norm.py maps dim=None to -1, and norm_except_dim(v, 2, -1) is the norm of the whole tensor.
    const g: Dim[] = dim === -1 ? [] : weight.shape.map((d, i) => (i === (dim! < 0 ? dim! + rank : dim) ? d : 1));
    const book = system.bookkeeping(module.mod!);
    const own = book.params.has(name) && !book.layerParams.has(name);
    if (own) book.params.delete(name);
    book.params.set(`${name}_g`, g);
    if (own) book.params.set(`${name}_v`, weight.shape);
    else book.layerParams.add(`${name}_v`);
    module.attrs.set(`${name}_g`, { ...weight, shape: g, param: true });
    module.attrs.set(`${name}_v`, { ...weight, param: true });
    return module;
  });
}

/** `remove_weight_norm(module, name='weight')`: the parameter is one tensor again. */
function removeWeightNorm(system: ModuleSystem): Value {
  return builtin('remove_weight_norm', (args, kwargs) => {
    const { module, name } = wrapped(args, kwargs);
    if (!module) return args[0] ?? NONE;
    const book = system.bookkeeping(module.mod!);
    const v = book.params.get(`${name}_v`);
    book.params.delete(`${name}_g`);
    book.params.delete(`${name}_v`);
    if (v !== undefined && !book.layerParams.has(name)) book.params.set(name, v);
    module.attrs.delete(`${name}_g`);
    module.attrs.delete(`${name}_v`);
    return module;
  });
}

/**
 * `spectral_norm(module, ...)` (torch.nn.utils): the parameter becomes `name_orig` of the same
 * shape, with `u` and `v` as buffers, so the count is unchanged; the module is returned.
 */
function spectralNorm(): Value {
  return builtin('spectral_norm', (args, kwargs, site) => {
    const { module } = wrapped(args, kwargs);
    return module ?? args[0] ?? unknown('spectral_norm without a module', site);
  });
}

/**
 * `torch.nn.utils.parametrizations.spectral_norm` / `orthogonal` (PyTorch 1.13): the parameter
 * moves to `parametrizations.<name>.original`, under a `parametrizations` ModuleDict holding a
 * ParametrizationList whose child `0` is the parametrization module (no parameters of its own).
 */
function parametrize(system: ModuleSystem, kind: string): Value {
  return builtin(kind, (args, kwargs, site) => {
    const { module, name, weight } = wrapped(args, kwargs);
    if (!module) return args[0] ?? unknown(`${kind} without a module`, site);
    if (!weight) {
      system.interp.gap(site, `${kind}: ${module.cls.name}.${name} is not a parameter the analysis knows; the parametrization is not registered`);
      return module;
    }
    let dict = module.mod!.children.get('parametrizations');
    if (!dict) {
      dict = system.newModule(system.moduleDictClass, site);
      system.setModuleAttr(module, 'parametrizations', dict);
    }
    const list = system.newModule(plainClass(system, 'ParametrizationList'), site);
    system.setModuleAttr(dict, name, list);
    system.setModuleAttr(list, '0', system.newModule(plainClass(system, kind === 'orthogonal' ? '_Orthogonal' : '_SpectralNorm'), site));
    // The parameter now lives on the list as `original`: the layer no longer counts it.
    const book = system.bookkeeping(module.mod!);
    if (book.params.has(name)) book.params.delete(name);
    else (book.movedParams ??= new Map()).set(name, weight.shape);
    book.layerParams.add(name);
    system.bookkeeping(list.mod!).params.set('original', weight.shape);
    return module;
  });
}

/** A module class with no behaviour but its name (the parametrization bookkeeping modules). */
function plainClass(system: ModuleSystem, name: string): ClassV {
  return system.cachedClass(`plain:${name}`, () => {
    const cls = nativeClass(name, null, [system.moduleClass]);
    cls.ns.set('forward', builtin(`${name}.forward`, (args) => args[1] ?? NONE));
    return cls;
  });
}

/** `torch.nn.utils` and its submodules. */
export function nnUtilsNamespace(system: ModuleSystem, name: string): NamespaceV | undefined {
  const interp = system.interp;
  // `nn.utils.rnn` is its own front-end namespace (PackedSequence); other unknown names are opaque.
  const opaque = (attr: string) => (name === 'torch.nn.utils' && attr === 'rnn' ? system.importModule('torch.nn.utils.rnn') : undefined) ?? interp.opaqueNamespace(`${name}.${attr}`);
  const parametrizations = (): NamespaceV =>
    tableNamespace('torch.nn.utils.parametrizations', { spectral_norm: parametrize(system, 'spectral_norm'), orthogonal: parametrize(system, 'orthogonal') }, (a) => unknown(`torch.nn.utils.parametrizations.${a} is not modelled`));
  switch (name) {
    case 'torch.nn.utils':
      return tableNamespace(name, {
        weight_norm: weightNorm(system),
        remove_weight_norm: removeWeightNorm(system),
        spectral_norm: spectralNorm(),
        remove_spectral_norm: builtin('remove_spectral_norm', (a) => a[0] ?? NONE),
        clip_grad_norm_: builtin('clip_grad_norm_', () => unknown('gradient norm')),
        clip_grad_value_: builtin('clip_grad_value_', () => NONE),
        parametrizations: parametrizations(),
      }, opaque);
    case 'torch.nn.utils.weight_norm':
      return tableNamespace(name, { weight_norm: weightNorm(system), remove_weight_norm: removeWeightNorm(system) }, opaque);
    case 'torch.nn.utils.spectral_norm':
      return tableNamespace(name, { spectral_norm: spectralNorm(), remove_spectral_norm: builtin('remove_spectral_norm', (a) => a[0] ?? NONE) }, opaque);
    case 'torch.nn.utils.parametrizations':
      return parametrizations();
    default:
      return undefined;
  }
}

/** `torch.autograd`: Variable is its tensor; a Function subclass's `apply` runs its static forward. */
export function autogradNamespace(system: ModuleSystem, name: string): NamespaceV {
  const interp = system.interp;
  const ctxClass = nativeClass('FunctionCtx', null, [system.objectClass]);
  for (const m of ['save_for_backward', 'mark_dirty', 'mark_non_differentiable', 'set_materialize_grads']) ctxClass.ns.set(m, builtin(`ctx.${m}`, () => NONE));
  const fnClass = system.cachedClass('torch.autograd.Function', () => {
    const cls = nativeClass('Function', null, [system.objectClass]);
    const apply = builtin('Function.apply', (args, kwargs, site) => {
      const owner = args[0];
      const fwd = owner?.k === 'class' ? interp.lookupClassAttr(owner, 'forward') : undefined;
      if (!fwd || fwd.k !== 'func') return unknown('autograd Function without a static forward', site);
      const ctx: InstanceV = { k: 'instance', cls: ctxClass, attrs: new Map(), mod: null };
      return interp.call(fwd, [ctx, ...args.slice(1)], kwargs, site);
    });
    apply.classmethod = true;
    cls.ns.set('apply', apply);
    return cls;
  });
  const variable = builtin('Variable', (args) => args[0] ?? unknown('Variable()'));
  return tableNamespace(name, { Variable: variable, Function: fnClass, function: tableNamespace('torch.autograd.function', { Function: fnClass }) }, (a) => unknown(`torch.autograd.${a} is not modelled`));
}

export type { CallSite };
