// Builtins over collections: range, len, zip, enumerate, sorted and the collection constructors.

import { unknownDim } from '../../shapes';
import type { Interpreter } from '../interpreter';
import { valuesEqual } from '../operators';
import { FALSE, dictKey, int, str, truthy, tuple, unknown, type CallSite, type DictV, type NativeFn, type Value } from '../values';
import { asNumber, bound, type Define } from './native';

/** range, len, zip, enumerate, sorted and the collection constructors (list, tuple, set, dict). */
export function defineCollectionBuiltins(interp: Interpreter, def: Define): void {
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
      if (items.length >= cap) return { k: 'list', items, ...{ truncated: true } } as Value;
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
    if ((v as { truncated?: boolean }).truncated) return int(unknownDim());
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
}
