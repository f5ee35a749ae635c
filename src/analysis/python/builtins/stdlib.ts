// The standard-library modules model files import (math, functools, collections, itertools,
// typing, dataclasses, enum, copy, operator), each a table of small rules.

import { unknownDim } from '../../shapes';
import { beyondBoundMessage, chargeFor, fitsCollection, MAX_COLLECTION_ITEMS } from '../../allocation';
import type { Interpreter } from '../interpreter';
import { FALSE, NONE, int, tuple, unknown, type ClassV, type Value } from '../values';
import { asNumber, builtin, intOf, nativeClass, num1, tableNamespace } from './native';
import { makeNamedTuple, namedTupleBase, namespaceClass } from './records';
import { numpyModule } from './numpy';

/** One named tuple base per interpreter, so every record class shares it (and isinstance agrees). */
const namedTupleBases = new WeakMap<Interpreter, ClassV>();

function sharedNamedTupleBase(interp: Interpreter, objectClass: ClassV): ClassV {
  let base = namedTupleBases.get(interp);
  if (!base) {
    base = namedTupleBase(interp, objectClass);
    namedTupleBases.set(interp, base);
  }
  return base;
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
        // `wraps(f)(g)` is g under f's name (a registry keyed by `fn.__name__` sees each model once).
        wraps: builtin('wraps', (outer) => builtin('wraps', (a) => {
          const wrapped = outer[0];
          const g = a[0];
          if (!g) return NONE;
          return g.k === 'func' && wrapped?.k === 'func' ? { ...g, name: wrapped.name } : g;
        })),
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
        namedtuple: builtin('namedtuple', (args, kwargs) => makeNamedTuple(interp, sharedNamedTupleBase(interp, objectClass), args, kwargs)),
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
          const count = lists.reduce((n, l) => n * l!.length, 1);
          if (!fitsCollection(count)) {
            interp.gap(site, beyondBoundMessage('itertools.product: a sequence', count, MAX_COLLECTION_ITEMS));
            return unknown('itertools.product beyond the bound');
          }
          interp.charge(chargeFor(count), site);
          let acc: Value[][] = [[]];
          for (const l of lists) acc = acc.flatMap((p) => l!.map((x) => [...p, x]));
          return { k: 'list', items: acc.map(tuple) };
        }),
        repeat: builtin('repeat', (args, _kw, site) => {
          const n = args[1] ? asNumber(args[1]) : null;
          if (n === null) return unknown('repeat');
          if (!fitsCollection(n)) {
            interp.gap(site, beyondBoundMessage('itertools.repeat: a sequence', n, MAX_COLLECTION_ITEMS));
            return unknown('itertools.repeat beyond the bound');
          }
          interp.charge(chargeFor(n), site);
          return { k: 'list', items: new Array(n).fill(args[0]) };
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
        deepcopy: builtin('deepcopy', (a, _kw, site) => interp.deepCopy(a[0] ?? NONE, site)),
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
      return {
        k: 'namespace',
        name,
        get: (attr) => {
          if (attr === 'NamedTuple') return sharedNamedTupleBase(interp, objectClass);
          if (attr === 'NamedTupleMeta') return unknown('NamedTupleMeta');
          if (attr === 'cast') return builtin('cast', (a) => a[1] ?? NONE);
          if (attr === 'TYPE_CHECKING') return FALSE;
          // typing's aliases of collections classes can be instantiated (torchvision's MaxViT
          // builds `OrderedDict()` from typing).
          if (attr === 'OrderedDict' || attr === 'DefaultDict' || attr === 'Counter' || attr === 'Deque') {
            const collections = stdlibModule(interp, 'collections', objectClass);
            const alias = collections?.k === 'namespace' ? collections.get(attr === 'DefaultDict' ? 'defaultdict' : attr === 'Deque' ? 'deque' : attr) : undefined;
            if (alias && alias.k !== 'unknown') return alias;
          }
          return builtin(attr, (a) => a[0] ?? NONE);
        },
      };
    case 'warnings':
      return { k: 'namespace', name, get: () => builtin('warn', () => NONE) };
    case 'argparse':
      return tableNamespace('argparse', { Namespace: namespaceClass('Namespace', objectClass) }, (attr) => unknown(`argparse.${attr}`));
    case 'numpy':
      return numpyModule(interp);
    case 'types':
      return tableNamespace('types', {
        SimpleNamespace: namespaceClass('SimpleNamespace', objectClass), FunctionType: builtin('FunctionType', () => unknown('FunctionType')), MethodType: builtin('MethodType', () => unknown('MethodType')) });
    default:
      return undefined;
  }
}

/** Marks a class as a dataclass and gives it the generated `__init__` (fields in declaration order). */
export function makeDataclass(interp: Interpreter, cls: ClassV): ClassV {
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

export function enumClass(objectClass: ClassV): ClassV {
  return nativeClass('Enum', 'Enum', [objectClass]);
}

export function shallowCopy(v: Value): Value {
  if (v.k === 'list') return { k: 'list', items: [...v.items] };
  if (v.k === 'dict') return { k: 'dict', entries: new Map(v.entries) };
  return v;
}
