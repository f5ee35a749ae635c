// Python's built-in functions, the standard-library pieces model files use (math, functools,
// collections, itertools, typing, dataclasses, enum, copy, operator), and the methods of str,
// list, tuple and dict — each a small total rule over abstract values.

import { addDim, compareDims, formatDim, isKnown, maxDim, mulDim, unknownDim, type Dim } from '../shapes';
import type { Interpreter } from './interpreter';
import { valuesEqual } from './interpreter';
import {
  FALSE,
  NONE,
  TRUE,
  describe,
  dictKey,
  int,
  str,
  truthy,
  tuple,
  unknown,
  force,
  type BuiltinV,
  type CallSite,
  type ClassV,
  type DictV,
  type NamespaceV,
  type NativeFn,
  type Value,
} from './values';

/** A native function value. */
export function builtin(name: string, fn: NativeFn): BuiltinV {
  return { k: 'builtin', name, fn };
}

/** A namespace over a fixed table of values. */
export function tableNamespace(name: string, table: Record<string, Value>, fallback?: (attr: string) => Value | undefined): NamespaceV {
  return { k: 'namespace', name, get: (attr) => table[attr] ?? fallback?.(attr) };
}

function asNumber(v: Value): number | null {
  if (v.k === 'int' && isKnown(v.v)) return v.v;
  if (v.k === 'float' && !Number.isNaN(v.v)) return v.v;
  if (v.k === 'bool') return v.v ? 1 : 0;
  return null;
}

/** A plain native class (object, Exception, Enum) with no behaviour of its own. */
export function nativeClass(name: string, native: ClassV['native'], bases: ClassV[] = []): ClassV {
  const cls: ClassV = { k: 'class', name, bases, ns: new Map(), def: null, file: null, layer: null, native, mro: [] };
  const mro: ClassV[] = [cls];
  for (const b of bases) for (const c of b.mro) if (!mro.includes(c)) mro.push(c);
  cls.mro = mro;
  return cls;
}

/** Installs the builtins and builtin methods into an interpreter. */
export function installBuiltins(interp: Interpreter, objectClass: ClassV): void {
  const b = new Map<string, Value>();
  const def = (name: string, fn: NativeFn) => b.set(name, builtin(name, fn));
  const iter = (v: Value, site: CallSite) => interp.iterate(v, site);

  def('range', (args) => {
    const nums = args.map(asNumber);
    if (nums.some((n) => n === null)) {
      // A symbolic bound: a range we cannot enumerate.
      return unknown('range with a symbolic bound');
    }
    const [start, stop, step] = args.length === 1 ? [0, nums[0]!, 1] : [nums[0]!, nums[1]!, nums[2] ?? 1];
    const items: Value[] = [];
    if (step === 0) return unknown('range step 0');
    // Loops stop at the iteration cap anyway: a longer range is materialised only up to it.
    const cap = interp.budgets.loopIterations + 1;
    for (let i = start; step > 0 ? i < stop : i > stop; i += step) {
      if (items.length >= cap) return { k: 'list', items, truncated: true };
      items.push(int(i));
    }
    return { k: 'list', items };
  });
  def('len', (args, _kw, site) => {
    const v = args[0];
    if (!v) return unknown('len()');
    if (v.k === 'tensor') return v.ranked && v.shape.length ? int(v.shape[0]) : int(unknownDim());
    if (v.k === 'instance' && v.mod) {
      const n = interp.hooks.lenModule(v);
      return n === null ? int(unknownDim()) : int(n);
    }
    if (v.k === 'dict') return int(v.entries.size);
    if (v.k === 'str') return int(v.v.length);
    if (v.k === 'list' && v.truncated) return int(unknownDim());
    const items = iter(v, site);
    return items ? int(items.length) : int(unknownDim());
  });
  def('zip', (args, _kw, site) => {
    const lists = args.map((a) => iter(a, site));
    if (lists.some((l) => l === null)) return unknown('zip of unknown iterables');
    const n = Math.min(...lists.map((l) => l!.length));
    const items: Value[] = [];
    for (let i = 0; i < n; i++) items.push(tuple(lists.map((l) => l![i])));
    return { k: 'list', items };
  });
  def('enumerate', (args, kw, site) => {
    const items = args[0] ? iter(args[0], site) : null;
    if (!items) return unknown('enumerate of an unknown iterable');
    const start = asNumber(args[1] ?? kw.get('start') ?? int(0)) ?? 0;
    return { k: 'list', items: items.map((v, i) => tuple([int(i + start), v])) };
  });
  def('reversed', (args, _kw, site) => {
    const items = args[0] ? iter(args[0], site) : null;
    return items ? { k: 'list', items: [...items].reverse() } : unknown('reversed of an unknown iterable');
  });
  def('sorted', (args, kw, site) => {
    const items = args[0] ? iter(args[0], site) : null;
    if (!items) return unknown('sorted of an unknown iterable');
    const nums = items.map(asNumber);
    if (nums.every((n) => n !== null)) {
      const out = items.map((v, i) => ({ v, n: nums[i]! })).sort((x, y) => x.n - y.n).map((x) => x.v);
      if (truthy(kw.get('reverse') ?? FALSE)) out.reverse();
      return { k: 'list', items: out };
    }
    if (items.every((v) => v.k === 'str')) return { k: 'list', items: [...items].sort((x, y) => ((x as { v: string }).v < (y as { v: string }).v ? -1 : 1)) };
    return { k: 'list', items };
  });
  def('list', (args, _kw, site) => {
    if (!args[0]) return { k: 'list', items: [] };
    const items = iter(args[0], site);
    return items ? { k: 'list', items: [...items] } : unknown('list() of an unknown iterable');
  });
  def('tuple', (args, _kw, site) => {
    if (!args[0]) return tuple([]);
    const items = iter(args[0], site);
    return items ? tuple([...items]) : unknown('tuple() of an unknown iterable');
  });
  def('set', (args, _kw, site) => {
    if (!args[0]) return { k: 'set', items: [] };
    const items = iter(args[0], site);
    if (!items) return unknown('set() of an unknown iterable');
    // Sets hold each value once; values whose equality is unknown are kept.
    const out: Value[] = [];
    for (const v of items) if (!out.some((w) => valuesEqual(v, w) === true)) out.push(v);
    return { k: 'set', items: out };
  });
  def('frozenset', (args, _kw, site) => {
    const items = args[0] ? iter(args[0], site) : [];
    return items ? { k: 'set', items: [...items] } : unknown('frozenset()');
  });
  const dictFn: NativeFn = (args, kw, site) => {
    const d: DictV = { k: 'dict', entries: new Map() };
    if (args[0]) {
      if (args[0].k === 'dict') for (const [k, e] of args[0].entries) d.entries.set(k, e);
      else {
        const items = iter(args[0], site);
        if (!items) return unknown('dict() of an unknown iterable');
        for (const it of items) {
          const pair = iter(it, site);
          if (pair && pair.length === 2) {
            const k = dictKey(pair[0]);
            if (k) d.entries.set(k, { key: pair[0], value: pair[1] });
          }
        }
      }
    }
    for (const [k, v] of kw) d.entries.set(`s:${k}`, { key: str(k), value: v });
    return d;
  };
  def('dict', dictFn);
  def('int', (args) => {
    const v = args[0];
    if (!v) return int(0);
    if (v.k === 'int') return v;
    if (v.k === 'bool') return int(v.v ? 1 : 0);
    if (v.k === 'float') {
      if (v.dim !== undefined) return int(v.dim);
      return Number.isNaN(v.v) ? int(unknownDim()) : int(Math.trunc(v.v));
    }
    if (v.k === 'str' && /^-?\d+$/.test(v.v.trim())) return int(Number(v.v));
    return int(unknownDim());
  });
  def('float', (args) => {
    const v = args[0];
    if (!v) return { k: 'float', v: 0 };
    if (v.k === 'str') return { k: 'float', v: v.v === 'inf' ? Infinity : v.v === '-inf' ? -Infinity : Number(v.v) };
    const n = asNumber(v);
    return { k: 'float', v: n ?? NaN };
  });
  def('bool', (args) => {
    const t = args[0] ? truthy(args[0]) : false;
    return t === undefined ? unknown('bool of an unknown') : t ? TRUE : FALSE;
  });
  def('str', (args) => {
    const s = args[0] ? interp.toStr(args[0]) : '';
    return s === null ? unknown('str of an unknown') : str(s);
  });
  def('repr', (args) => str(args[0] ? describe(args[0]) : ''));
  def('abs', (args) => {
    const v = args[0];
    if (v?.k === 'int' && isKnown(v.v)) return int(Math.abs(v.v));
    if (v?.k === 'float') return { k: 'float', v: Math.abs(v.v) };
    return v ?? unknown('abs()');
  });
  const minMax = (isMax: boolean): NativeFn => (args, _kw, site) => {
    let items = args;
    if (args.length === 1) {
      const it = iter(args[0], site);
      if (!it) return unknown('min/max of an unknown iterable');
      items = it;
    }
    if (items.length === 0) return unknown('min/max of nothing');
    if (items.every((v) => v.k === 'int')) {
      let acc = (items[0] as { v: Dim }).v;
      for (const v of items.slice(1)) {
        const d = (v as { v: Dim }).v;
        if (isMax) acc = maxDim(acc, d);
        else {
          const c = compareDims(acc, d);
          if (isKnown(acc) && isKnown(d)) acc = Math.min(acc, d);
          else if (c === 'equal') continue;
          else acc = unknownDim();
        }
      }
      return int(acc);
    }
    const nums = items.map(asNumber);
    if (nums.every((n) => n !== null)) {
      const n = isMax ? Math.max(...(nums as number[])) : Math.min(...(nums as number[]));
      return items[nums.indexOf(n)];
    }
    return unknown('min/max of unknowns');
  };
  def('max', minMax(true));
  def('min', minMax(false));
  def('sum', (args, _kw, site) => {
    const items = args[0] ? iter(args[0], site) : null;
    if (!items) return unknown('sum of an unknown iterable');
    let acc: Value = args[1] ?? int(0);
    for (const v of items) acc = interp.binop('+', acc, v, site);
    return acc;
  });
  def('round', (args) => {
    const n = args[0] ? asNumber(args[0]) : null;
    if (n === null) return args[0]?.k === 'int' ? args[0] : int(unknownDim());
    const digits = args[1] ? asNumber(args[1]) : null;
    if (digits === null || digits === undefined) return int(Math.round(n));
    return { k: 'float', v: Number(n.toFixed(digits)) };
  });
  def('divmod', (args, _kw, site) => tuple([interp.binop('//', args[0], args[1], site), interp.binop('%', args[0], args[1], site)]));
  def('pow', (args, _kw, site) => interp.binop('**', args[0], args[1], site));
  def('any', (args, _kw, site) => {
    const items = args[0] ? iter(args[0], site) : null;
    if (!items) return unknown('any()');
    let sawUnknown = false;
    for (const v of items) {
      const t = truthy(v);
      if (t === true) return TRUE;
      if (t === undefined) sawUnknown = true;
    }
    return sawUnknown ? unknown('any() of unknowns') : FALSE;
  });
  def('all', (args, _kw, site) => {
    const items = args[0] ? iter(args[0], site) : null;
    if (!items) return unknown('all()');
    let sawUnknown = false;
    for (const v of items) {
      const t = truthy(v);
      if (t === false) return FALSE;
      if (t === undefined) sawUnknown = true;
    }
    return sawUnknown ? unknown('all() of unknowns') : TRUE;
  });
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
  b.set('object', objectClass);
  const exception = nativeClass('Exception', 'Exception', [objectClass]);
  for (const e of ['Exception', 'ValueError', 'TypeError', 'RuntimeError', 'KeyError', 'IndexError', 'AttributeError', 'NotImplementedError', 'AssertionError', 'ImportError', 'StopIteration', 'Warning', 'UserWarning', 'DeprecationWarning'])
    b.set(e, e === 'Exception' ? exception : nativeClass(e, 'Exception', [exception]));
  b.set('NotImplemented', unknown('NotImplemented'));
  b.set('super', builtin('super', (args) => (args[0]?.k === 'class' && args[1] ? interp.makeSuper(args[0], args[1]) : unknown('super() with unusual arguments'))));
  b.set('property', builtin('property', (args) => ({ k: 'property', getter: args[0] ?? unknown('property') })));
  b.set('staticmethod', builtin('staticmethod', (args) => args[0] ?? NONE));
  b.set('classmethod', builtin('classmethod', (args) => args[0] ?? NONE));
  b.set('__name__', str('__layer_lens__'));
  interp.builtins = b;
  interp.builtinMethod = (obj, name, site) => builtinMethod(interp, obj, name, site);
}

function isInstance(v: Value, c: Value): boolean | undefined {
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

function bound(name: string, fn: NativeFn): BuiltinV {
  return builtin(name, fn);
}

function builtinMethod(interp: Interpreter, obj: Value, name: string, site: CallSite): Value | undefined {
  switch (obj.k) {
    case 'str':
      return strMethod(interp, obj.v, name);
    case 'list':
    case 'tuple':
      return seqMethod(interp, obj, name, site);
    case 'dict':
      return dictMethod(interp, obj, name, site);
    case 'int':
      if (name === 'bit_length' && isKnown(obj.v)) return bound(name, () => int(obj.v === 0 ? 0 : Math.floor(Math.log2(Math.abs(obj.v as number))) + 1));
      if (name === 'real') return obj;
      return undefined;
    case 'float':
      if (name === 'is_integer') return bound(name, () => (Number.isInteger(obj.v) ? TRUE : FALSE));
      return undefined;
    case 'dtype':
      if (name === 'is_floating_point') return bound(name, () => (obj.dtype === 'float' ? TRUE : FALSE));
      return undefined;
    case 'func':
      if (name === '__name__' || name === '__qualname__') return str(obj.name);
      if (name === '__module__') return str(obj.file.path);
      return undefined;
    case 'builtin':
      if (name === '__name__') return str(obj.name);
      return undefined;
    case 'partial':
      if (name === 'func') return obj.fn;
      if (name === 'keywords') {
        const d: DictV = { k: 'dict', entries: new Map() };
        for (const [k, v] of obj.kwargs) d.entries.set(`s:${k}`, { key: str(k), value: v });
        return d;
      }
      return undefined;
    default:
      return undefined;
  }
}

function strMethod(interp: Interpreter, s: string, name: string): Value | undefined {
  const m = (fn: NativeFn) => bound(name, fn);
  switch (name) {
    case 'format':
      return m((args, kw) => {
        let i = 0;
        const out = s.replace(/\{([^{}]*)\}/g, (_, key: string) => {
          const field = key.split(':')[0];
          const v = field === '' ? args[i++] : /^\d+$/.test(field) ? args[Number(field)] : kw.get(field);
          return v ? interp.toStr(v) ?? '?' : '?';
        });
        return str(out);
      });
    case 'join':
      return m((args, _kw, site) => {
        const items = args[0] ? interp.iterate(args[0], site) : null;
        if (!items) return unknown('join of unknowns');
        const parts = items.map((v) => interp.toStr(v));
        return parts.some((p) => p === null) ? unknown('join of unknowns') : str(parts.join(s));
      });
    case 'lower':
      return m(() => str(s.toLowerCase()));
    case 'upper':
      return m(() => str(s.toUpperCase()));
    case 'strip':
      return m(() => str(s.trim()));
    case 'startswith':
      return m((args) => (args[0]?.k === 'str' ? (s.startsWith(args[0].v) ? TRUE : FALSE) : unknown('startswith')));
    case 'endswith':
      return m((args) => (args[0]?.k === 'str' ? (s.endsWith(args[0].v) ? TRUE : FALSE) : unknown('endswith')));
    case 'split':
      return m((args) => ({ k: 'list', items: (args[0]?.k === 'str' ? s.split(args[0].v) : s.trim().split(/\s+/)).filter((x, _i, all) => x !== '' || all.length === 1).map(str) }));
    case 'replace':
      return m((args) => (args[0]?.k === 'str' && args[1]?.k === 'str' ? str(s.split(args[0].v).join(args[1].v)) : unknown('replace')));
    case 'isdigit':
      return m(() => (/^\d+$/.test(s) ? TRUE : FALSE));
    default:
      return undefined;
  }
}

function seqMethod(interp: Interpreter, obj: { k: 'list' | 'tuple'; items: Value[] }, name: string, site: CallSite): Value | undefined {
  const m = (fn: NativeFn) => bound(name, fn);
  switch (name) {
    case 'append':
      return m((args) => {
        if (obj.k === 'list' && args[0]) obj.items.push(args[0]);
        return NONE;
      });
    case 'extend':
      return m((args) => {
        const items = args[0] ? interp.iterate(args[0], site) : null;
        if (obj.k === 'list' && items) obj.items.push(...items);
        else if (obj.k === 'list') obj.items.push(unknown('extended with unknowns'));
        return NONE;
      });
    case 'insert':
      return m((args) => {
        const i = args[0]?.k === 'int' && isKnown(args[0].v) ? args[0].v : null;
        if (obj.k === 'list' && i !== null && args[1]) obj.items.splice(i < 0 ? obj.items.length + i : i, 0, args[1]);
        return NONE;
      });
    case 'pop':
      return m((args) => {
        if (obj.k !== 'list' || obj.items.length === 0) return unknown('pop from empty');
        const i = args[0]?.k === 'int' && isKnown(args[0].v) ? args[0].v : -1;
        const idx = i < 0 ? obj.items.length + i : i;
        return obj.items.splice(idx, 1)[0] ?? unknown('pop');
      });
    case 'index':
      return m((args) => {
        const i = obj.items.findIndex((v) => valuesEqual(v, args[0] ?? NONE) === true);
        return i >= 0 ? int(i) : unknown('index');
      });
    case 'count':
      return m((args) => int(obj.items.filter((v) => valuesEqual(v, args[0] ?? NONE) === true).length));
    case 'copy':
      return m(() => ({ k: obj.k, items: [...obj.items] }));
    case 'reverse':
      return m(() => {
        obj.items.reverse();
        return NONE;
      });
    case 'clear':
      return m(() => {
        obj.items.length = 0;
        return NONE;
      });
    default:
      return undefined;
  }
}

function dictMethod(interp: Interpreter, d: DictV, name: string, site: CallSite): Value | undefined {
  const m = (fn: NativeFn) => bound(name, fn);
  switch (name) {
    case 'items':
      return m(() => ({ k: 'list', items: [...d.entries.values()].map((e) => tuple([e.key, e.value])) }));
    case 'keys':
      return m(() => ({ k: 'list', items: [...d.entries.values()].map((e) => e.key) }));
    case 'values':
      return m(() => ({ k: 'list', items: [...d.entries.values()].map((e) => e.value) }));
    case 'get':
      return m((args) => {
        const k = args[0] ? dictKey(args[0]) : null;
        const e = k ? d.entries.get(k) : undefined;
        return e ? e.value : args[1] ?? NONE;
      });
    case 'pop':
      return m((args) => {
        const k = args[0] ? dictKey(args[0]) : null;
        const e = k ? d.entries.get(k) : undefined;
        if (k && e) d.entries.delete(k);
        return e ? e.value : args[1] ?? unknown('pop of a missing key');
      });
    case 'setdefault':
      return m((args) => {
        const k = args[0] ? dictKey(args[0]) : null;
        if (!k) return unknown('setdefault');
        const e = d.entries.get(k);
        if (e) return e.value;
        d.entries.set(k, { key: args[0], value: args[1] ?? NONE });
        return args[1] ?? NONE;
      });
    case 'update':
      return m((args, kw) => {
        if (args[0]?.k === 'dict') for (const [k, e] of args[0].entries) d.entries.set(k, e);
        for (const [k, v] of kw) d.entries.set(`s:${k}`, { key: str(k), value: v });
        return NONE;
      });
    case 'copy':
      return m(() => ({ k: 'dict', entries: new Map(d.entries) }));
    default:
      void interp;
      void site;
      return undefined;
  }
}

/** Standard-library modules model files import, or undefined for the others. */
export function stdlibModule(interp: Interpreter, name: string, objectClass: ClassV): Value | undefined {
  switch (name) {
    case 'math':
      return tableNamespace('math', {
        pi: { k: 'float', v: Math.PI },
        e: { k: 'float', v: Math.E },
        inf: { k: 'float', v: Infinity },
        sqrt: builtin('sqrt', (a) => num1(a, Math.sqrt)),
        log: builtin('log', (a) => num1(a, Math.log)),
        log2: builtin('log2', (a) => num1(a, Math.log2)),
        exp: builtin('exp', (a) => num1(a, Math.exp)),
        cos: builtin('cos', (a) => num1(a, Math.cos)),
        sin: builtin('sin', (a) => num1(a, Math.sin)),
        floor: builtin('floor', (a) => intOf(a, Math.floor)),
        ceil: builtin('ceil', (a) => intOf(a, Math.ceil)),
        prod: builtin('prod', (a, _k, site) => {
          const items = a[0] ? interp.iterate(a[0], site) : null;
          if (!items) return unknown('prod');
          let acc: Value = int(1);
          for (const v of items) acc = interp.binop('*', acc, v, site);
          return acc;
        }),
        gcd: builtin('gcd', (a) => {
          const x = asNumber(a[0] ?? NONE);
          const y = asNumber(a[1] ?? NONE);
          if (x === null || y === null) return int(unknownDim());
          let p = Math.abs(x);
          let q = Math.abs(y);
          while (q) [p, q] = [q, p % q];
          return int(p);
        }),
        isclose: builtin('isclose', () => unknown('isclose')),
      });
    case 'functools':
      return tableNamespace('functools', {
        partial: builtin('partial', (args, kw) => ({ k: 'partial', fn: args[0] ?? unknown('partial'), args: args.slice(1), kwargs: kw })),
        reduce: builtin('reduce', (args, _kw, site) => {
          const items = args[1] ? interp.iterate(args[1], site) : null;
          if (!items || !args[0]) return unknown('reduce');
          let acc = args[2] ?? items[0];
          for (const v of args[2] ? items : items.slice(1)) acc = interp.call(args[0], [acc, v], new Map(), site);
          return acc;
        }),
        wraps: builtin('wraps', () => builtin('wraps', (a) => a[0] ?? NONE)),
        lru_cache: builtin('lru_cache', (a) => (a[0] && a[0].k === 'func' ? a[0] : builtin('lru_cache', (b) => b[0] ?? NONE))),
        cache: builtin('cache', (a) => a[0] ?? NONE),
      });
    case 'collections':
      return tableNamespace('collections', {
        OrderedDict: builtin('OrderedDict', (args, kw, site) => {
          const d = interp.builtins.get('dict')!;
          const r = interp.call(d, args, kw, site);
          if (r.k === 'dict') r.ordered = true;
          return r;
        }),
        defaultdict: builtin('defaultdict', () => ({ k: 'dict', entries: new Map() })),
        namedtuple: builtin('namedtuple', () => unknown('namedtuple')),
      });
    case 'itertools':
      return tableNamespace('itertools', {
        chain: builtin('chain', (args, _kw, site) => {
          const out: Value[] = [];
          for (const a of args) {
            const items = interp.iterate(a, site);
            if (!items) return unknown('chain of unknowns');
            out.push(...items);
          }
          return { k: 'list', items: out };
        }),
        product: builtin('product', (args, _kw, site) => {
          const lists = args.map((a) => interp.iterate(a, site));
          if (lists.some((l) => !l)) return unknown('product of unknowns');
          let acc: Value[][] = [[]];
          for (const l of lists) acc = acc.flatMap((p) => l!.map((x) => [...p, x]));
          return { k: 'list', items: acc.map(tuple) };
        }),
        repeat: builtin('repeat', (args) => {
          const n = args[1] ? asNumber(args[1]) : null;
          return n === null ? unknown('repeat') : { k: 'list', items: new Array(n).fill(args[0]) };
        }),
        accumulate: builtin('accumulate', (args, _kw, site) => {
          const items = args[0] ? interp.iterate(args[0], site) : null;
          if (!items) return unknown('accumulate');
          const out: Value[] = [];
          let acc: Value | null = null;
          for (const v of items) {
            acc = acc ? interp.binop('+', acc, v, site) : v;
            out.push(acc);
          }
          return { k: 'list', items: out };
        }),
      });
    case 'copy':
      return tableNamespace('copy', {
        copy: builtin('copy', (a) => shallowCopy(a[0] ?? NONE)),
        deepcopy: builtin('deepcopy', (a) => shallowCopy(a[0] ?? NONE)),
      });
    case 'operator':
      return tableNamespace('operator', {
        mul: builtin('mul', (a, _k, site) => interp.binop('*', a[0], a[1], site)),
        add: builtin('add', (a, _k, site) => interp.binop('+', a[0], a[1], site)),
      });
    case 'dataclasses':
      return tableNamespace('dataclasses', {
        dataclass: builtin('dataclass', (a) => {
          if (a[0]?.k === 'class') return makeDataclass(interp, a[0]);
          return builtin('dataclass', (b) => (b[0]?.k === 'class' ? makeDataclass(interp, b[0]) : b[0] ?? NONE));
        }),
        field: builtin('field', (_a, kw, site) => {
          const f = kw.get('default_factory');
          if (f) return interp.call(f, [], new Map(), site);
          return kw.get('default') ?? unknown('dataclass field');
        }),
        fields: builtin('fields', () => unknown('fields()')),
      });
    case 'enum':
      return tableNamespace('enum', { Enum: enumClass(objectClass), IntEnum: enumClass(objectClass), auto: builtin('auto', () => int(unknownDim())) });
    case 'typing':
    case 'typing_extensions':
      return { k: 'namespace', name, get: (attr) => (attr === 'NamedTuple' ? nativeClass('NamedTuple', 'NamedTuple', [objectClass]) : attr === 'cast' ? builtin('cast', (a) => a[1] ?? NONE) : attr === 'TYPE_CHECKING' ? FALSE : builtin(attr, (a) => a[0] ?? NONE)) };
    case 'warnings':
      return { k: 'namespace', name, get: () => builtin('warn', () => NONE) };
    case 'types':
      return tableNamespace('types', { FunctionType: builtin('FunctionType', () => unknown('FunctionType')), MethodType: builtin('MethodType', () => unknown('MethodType')) });
    default:
      return undefined;
  }
}

/** Marks a class as a dataclass and gives it the generated `__init__` (fields in declaration order). */
function makeDataclass(interp: Interpreter, cls: ClassV): ClassV {
  cls.isDataclass = true;
  if (!cls.ns.has('__init__')) {
    cls.ns.set('__init__', builtin(`${cls.name}.__init__`, (args, kwargs) => {
      const self = args[0];
      if (self?.k === 'instance') interp.dataclassInit(cls, self, args.slice(1), kwargs);
      return NONE;
    }));
  }
  return cls;
}

function enumClass(objectClass: ClassV): ClassV {
  return nativeClass('Enum', 'Enum', [objectClass]);
}

function shallowCopy(v: Value): Value {
  if (v.k === 'list') return { k: 'list', items: [...v.items] };
  if (v.k === 'dict') return { k: 'dict', entries: new Map(v.entries) };
  return v;
}

function num1(a: Value[], f: (x: number) => number): Value {
  const x = a[0] ? asNumber(a[0]) : null;
  return { k: 'float', v: x === null ? NaN : f(x) };
}

function intOf(a: Value[], f: (x: number) => number): Value {
  const v = a[0];
  if (v?.k === 'int') return v;
  const x = v ? asNumber(v) : null;
  const dim = v?.k === 'float' ? v.dim : undefined;
  if (dim !== undefined) return int(dim);
  return x === null ? int(unknownDim()) : int(f(x));
}

/** Sum of dims helper used by rules that add sizes. */
export function sumDims(ds: readonly Dim[]): Dim {
  return ds.reduce<Dim>((acc, d) => addDim(acc, d), 0);
}

/** Product of dims helper. */
export function prodDims(ds: readonly Dim[]): Dim {
  return ds.reduce<Dim>((acc, d) => mulDim(acc, d), 1);
}

/** A dim printed for messages. */
export function dimText(d: Dim): string {
  return formatDim(d);
}
