// numpy as model code uses it: scalar arithmetic on configuration numbers (`np.power(2, n)`,
// `np.log2(c)`, `np.sqrt(d)`), arrays turned into buffers and parameters (`np.arange`, `np.array`,
// `np.zeros`, `np.random.normal(size=...)`, then `torch.from_numpy`), and `np.newaxis` indexing.
// An array is a tensor value (numpy and torch share their shape rules for these functions); a
// function this table lacks is an unknown that names itself.

import type { Interpreter } from '../interpreter';
import { NONE, int, unknown, type NativeFn, type TensorV, type Value } from '../values';
import { creation, likeRule, torchFunction, torchSpecial } from '../tensorOps';
import { asNumber, builtin, tableNamespace } from './native';

const DTYPES: Record<string, TensorV['dtype']> = {
  float32: 'float', float64: 'float', float16: 'float', float_: 'float', double: 'float', single: 'float',
  int64: 'long', int32: 'long', int16: 'long', int8: 'long', uint8: 'long', int_: 'long', intc: 'long', long: 'long', bool_: 'bool',
};

/** Functions numpy and torch define alike on the shapes model code gives them. */
const SHARED_WITH_TORCH = ['reshape', 'matmul', 'concatenate', 'stack', 'maximum', 'minimum', 'where', 'tanh', 'clip', 'mean', 'sum', 'cumsum', 'outer', 'squeeze', 'exp', 'log', 'sqrt', 'abs', 'sin', 'cos', 'floor', 'ceil', 'log2', 'log10'];

/** An element-wise numpy function: a number for numbers, the same shape for an array. */
function unary(interp: Interpreter, name: string, f: (x: number) => number, integral = false): NativeFn {
  return (args, kwargs, site) => {
    const v = args[0];
    if (v?.k === 'tensor') return { ...v, dtype: 'float', field: null };
    const x = v ? asNumber(v) : null;
    if (x !== null) {
      const y = f(x);
      return integral && Number.isInteger(y) ? int(y) : { k: 'float', v: y };
    }
    const fn = torchFunction(interp, name);
    return fn && v ? interp.call(fn, args, kwargs, site) : unknown(`numpy.${name} of an unknown`, site);
  };
}

/** The `numpy` module. */
export function numpyModule(interp: Interpreter): Value {
  const ctx = (site: import('../values').CallSite) => ({ interp, site });
  const fromSpecial = (name: string, dtype?: TensorV['dtype']): NativeFn => (args, kwargs, site) => {
    const kw = new Map(kwargs);
    if (dtype && !kw.has('dtype')) kw.set('dtype', { k: 'dtype', dtype });
    return torchSpecial[name](ctx(site), null, args, kw);
  };
  const sized = (dtype: TensorV['dtype']): NativeFn => (args, kwargs, site) => {
    const size = args[0] ?? kwargs.get('shape') ?? kwargs.get('size');
    return creation(dtype)(ctx(site), null, size ? [size] : [], kwargs);
  };
  const randomSized = (sizeIndex: number): NativeFn => (args, kwargs, site) => {
    const size = kwargs.get('size') ?? args[sizeIndex];
    if (!size || size.k === 'none') return { k: 'float', v: NaN };
    return creation('float')(ctx(site), null, [size], new Map());
  };
  const table: Record<string, Value> = {
    newaxis: NONE,
    pi: { k: 'float', v: Math.PI },
    e: { k: 'float', v: Math.E },
    inf: { k: 'float', v: Infinity },
    nan: { k: 'float', v: NaN },
    power: builtin('numpy.power', (args, _kw, site) => {
      const [a, b] = args;
      if (!a || !b) return unknown('numpy.power', site);
      if (a.k === 'tensor' || b.k === 'tensor') return interp.binop('**', a, b, site);
      const x = asNumber(a);
      const y = asNumber(b);
      if (x === null || y === null) return unknown('numpy.power of an unknown', site);
      const r = x ** y;
      return a.k === 'int' && b.k === 'int' && y >= 0 ? int(r) : { k: 'float', v: r };
    }),
    sqrt: builtin('numpy.sqrt', unary(interp, 'sqrt', Math.sqrt)),
    log: builtin('numpy.log', unary(interp, 'log', Math.log)),
    log2: builtin('numpy.log2', unary(interp, 'log2', Math.log2)),
    log10: builtin('numpy.log10', unary(interp, 'log10', Math.log10)),
    exp: builtin('numpy.exp', unary(interp, 'exp', Math.exp)),
    sin: builtin('numpy.sin', unary(interp, 'sin', Math.sin)),
    cos: builtin('numpy.cos', unary(interp, 'cos', Math.cos)),
    floor: builtin('numpy.floor', unary(interp, 'floor', Math.floor)),
    ceil: builtin('numpy.ceil', unary(interp, 'ceil', Math.ceil)),
    abs: builtin('numpy.abs', unary(interp, 'abs', Math.abs, true)),
    prod: builtin('numpy.prod', (args, _kw, site) => {
      const items = args[0] ? interp.iterate(args[0], site) : null;
      if (!items) return unknown('numpy.prod of an unknown', site);
      let acc: Value = int(1);
      for (const v of items) acc = interp.binop('*', acc, v, site);
      return acc;
    }),
    arange: builtin('numpy.arange', fromSpecial('arange')),
    // An array of an array (or a tensor) is a copy of it, not a scalar.
    array: builtin('numpy.array', (args, kwargs, site) => (args[0]?.k === 'tensor' ? { ...args[0], field: null } : fromSpecial('tensor')(args, kwargs, site))),
    argsort: builtin('numpy.argsort', (args, _kw, site) => (args[0]?.k === 'tensor' ? { ...args[0], dtype: 'long', field: null } : unknown('numpy.argsort of a non-array', site))),
    asarray: builtin('numpy.asarray', (args, kwargs, site) => (args[0]?.k === 'tensor' ? args[0] : torchSpecial.tensor(ctx(site), null, args, kwargs))),
    linspace: builtin('numpy.linspace', fromSpecial('linspace')),
    eye: builtin('numpy.eye', fromSpecial('eye')),
    zeros: builtin('numpy.zeros', sized('float')),
    ones: builtin('numpy.ones', sized('float')),
    empty: builtin('numpy.empty', sized('float')),
    full: builtin('numpy.full', sized('float')),
    zeros_like: builtin('numpy.zeros_like', (args, kwargs, site) => likeRule(ctx(site), null, args, kwargs)),
    ones_like: builtin('numpy.ones_like', (args, kwargs, site) => likeRule(ctx(site), null, args, kwargs)),
    random: tableNamespace('numpy.random', {
      normal: builtin('numpy.random.normal', randomSized(2)),
      uniform: builtin('numpy.random.uniform', randomSized(2)),
      randn: builtin('numpy.random.randn', (args, _kw, site) => (args.length ? creation('float')(ctx(site), null, args, new Map()) : { k: 'float', v: NaN })),
      rand: builtin('numpy.random.rand', (args, _kw, site) => (args.length ? creation('float')(ctx(site), null, args, new Map()) : { k: 'float', v: NaN })),
      seed: builtin('numpy.random.seed', () => NONE),
    }, (attr) => unknown(`numpy.random.${attr} is not modelled`)),
  };
  for (const [name, dtype] of Object.entries(DTYPES)) {
    // A dtype is also a converter: `np.float32(x)` is x as that type.
    const conv = builtin(`numpy.${name}`, (args) => {
      const v = args[0];
      if (!v) return unknown(`numpy.${name}()`);
      if (v.k === 'tensor') return { ...v, dtype };
      const x = asNumber(v);
      if (x === null) return v;
      return dtype === 'float' ? { k: 'float', v: x } : int(Math.trunc(x));
    });
    (conv as Value & { dtype?: TensorV['dtype'] }).dtype = dtype;
    table[name] = conv;
  }
  return {
    k: 'namespace',
    name: 'numpy',
    get: (attr) => {
      if (table[attr]) return table[attr];
      if (SHARED_WITH_TORCH.includes(attr)) {
        const fn = torchFunction(interp, attr);
        if (!fn) return unknown(`numpy.${attr} is not modelled`);
        // numpy names torch's `dim` and `keepdim` `axis` and `keepdims`.
        return builtin(`numpy.${attr}`, (args, kwargs, site) => {
          const kw = new Map<string, Value>();
          for (const [k, v] of kwargs) kw.set(k === 'axis' ? 'dim' : k === 'keepdims' ? 'keepdim' : k, v);
          return interp.call(fn, args, kw, site);
        });
      }
      return unknown(`numpy.${attr} is not modelled`);
    },
  };
}
