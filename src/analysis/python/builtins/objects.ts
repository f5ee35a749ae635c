// Builtins about objects: isinstance, getattr/hasattr/setattr, iter/next, map/filter, type, vars.

import { unknownDim } from '../../shapes';
import type { Interpreter } from '../interpreter';
import { FALSE, NONE, TRUE, int, str, truthy, tuple, unknown, force, type CallSite, type DictV, type Value } from '../values';
import { bound, builtin, type Define } from './native';

/** isinstance, getattr and the other builtins about objects and attributes, iteration helpers, type and vars. */
export function defineObjectBuiltins(interp: Interpreter, def: Define): void {
  const iter = (v: Value, site: CallSite) => interp.iterate(v, site);
  def('isinstance', (args) => {
    const [v, cls] = args;
    if (!v || !cls) return unknown('isinstance()');
    const classes = cls.k === 'tuple' ? cls.items : [cls];
    let answer: boolean | undefined = false;
    for (const c of classes) {
      const r = isInstance(v, c);
      if (r === true) return TRUE;
      if (r === undefined) answer = undefined;
    }
    return answer === undefined ? unknown('isinstance of an unknown') : FALSE;
  });
  def('issubclass', (args) => {
    const [c, base] = args;
    if (c?.k !== 'class' || base?.k !== 'class') return unknown('issubclass()');
    return c.mro.includes(base) ? TRUE : FALSE;
  });
  def('callable', (args) => (args[0] && ['func', 'builtin', 'bound', 'partial', 'class'].includes(args[0].k) ? TRUE : FALSE));
  def('getattr', (args, _kw, site) => {
    const [obj, name, dflt] = args;
    if (!obj || name?.k !== 'str') return dflt ?? unknown('getattr()');
    const v = interp.getAttr(obj, name.v, site, dflt !== undefined);
    return v.k === 'unknown' && dflt ? dflt : v;
  });
  def('hasattr', (args, _kw, site) => {
    const [obj, name] = args;
    if (!obj || name?.k !== 'str' || obj.k === 'unknown') return unknown('hasattr()');
    const v = interp.getAttr(obj, name.v, site, true);
    return v.k === 'unknown' ? FALSE : TRUE;
  });
  def('setattr', (args, _kw, site) => {
    const [obj, name, v] = args;
    if (obj && name?.k === 'str' && v) interp.setAttr(obj, name.v, v, site);
    return NONE;
  });
  def('__import__', (args, _kw, site) => {
    // `__import__('a.b')` returns the top-level package `a`, as Python's does without a fromlist.
    const name = args[0];
    if (name?.k !== 'str' || name.v.length === 0) return unknown('__import__ of a computed name', site);
    const parts = name.v.split('.');
    if (parts.length > 1) interp.importDotted(parts, 0, site.file, site);
    return interp.importDotted([parts[0]], 0, site.file, site);
  });
  def('print', () => NONE);
  def('id', () => int(unknownDim()));
  def('hash', () => int(unknownDim()));
  def('iter', (args) => args[0] ?? unknown('iter()'));
  def('next', (args, _kw, site) => {
    const items = args[0] ? iter(args[0], site) : null;
    return items && items.length ? items[0] : args[1] ?? unknown('next()');
  });
  def('map', (args, _kw, site) => {
    const [fn, ...its] = args;
    const lists = its.map((i) => iter(i, site));
    if (!fn || lists.some((l) => !l)) return unknown('map over unknowns');
    const n = Math.min(...lists.map((l) => l!.length));
    const items: Value[] = [];
    for (let i = 0; i < n; i++) items.push(interp.call(fn, lists.map((l) => l![i]), new Map(), site));
    return { k: 'list', items };
  });
  def('filter', (args, _kw, site) => {
    const items = args[1] ? iter(args[1], site) : null;
    if (!items || !args[0]) return unknown('filter over unknowns');
    const out: Value[] = [];
    for (const v of items) {
      const keep = args[0].k === 'none' ? truthy(v) : truthy(interp.call(args[0], [v], new Map(), site));
      if (keep === undefined) return unknown('filter with an unknown predicate');
      if (keep) out.push(v);
    }
    return { k: 'list', items: out };
  });
  def('type', (args) => {
    const v = args[0];
    if (v?.k === 'instance') return v.cls;
    return unknown('type()');
  });
  def('vars', (args) => {
    const v = args[0];
    const d: DictV = { k: 'dict', entries: new Map() };
    if (v?.k === 'instance') for (const [k, x] of v.attrs) d.entries.set(`s:${k}`, { key: str(k), value: x });
    return d;
  });
  def('locals', () => ({ k: 'dict', entries: new Map() }));
  def('globals', () => ({ k: 'dict', entries: new Map() }));
  def('format', (args) => str(args[0] ? interp.toStr(args[0]) ?? '' : ''));
  def('open', () => unknown('files are not read'));
  def('NotImplementedError', () => unknown('exception'));
}

export function isInstance(v: Value, c: Value): boolean | undefined {
  v = force(v);
  c = force(c);
  if (v.k === 'unknown' || c.k === 'unknown') return undefined;
  if (c.k === 'class') {
    if (v.k === 'instance') return v.cls.mro.includes(c);
    if (v.k === 'tensor') return c.name === 'Tensor' || c.name === 'Parameter' ? true : false;
    if (c.name === 'int') return v.k === 'int' || v.k === 'bool';
    if (c.name === 'float') return v.k === 'float';
    return false;
  }
  if (c.k === 'builtin') {
    switch (c.name) {
      case 'int':
        return v.k === 'int' || v.k === 'bool';
      case 'float':
        return v.k === 'float';
      case 'str':
        return v.k === 'str';
      case 'bool':
        return v.k === 'bool';
      case 'list':
        return v.k === 'list';
      case 'tuple':
        return v.k === 'tuple';
      case 'dict':
        return v.k === 'dict';
      case 'set':
        return v.k === 'set';
      case 'Sequence':
      case 'List':
      case 'Tuple':
      case 'Iterable':
      case 'Collection':
      case 'MutableSequence':
        return v.k === 'list' || v.k === 'tuple';
      case 'Mapping':
      case 'Dict':
      case 'MutableMapping':
        return v.k === 'dict';
      case 'Callable':
        return ['func', 'builtin', 'bound', 'partial', 'class'].includes(v.k);
      case 'FunctionType':
        return v.k === 'func';
      default:
        return undefined;
    }
  }
  if (c.k === 'namespace') return undefined;
  return false;
}
