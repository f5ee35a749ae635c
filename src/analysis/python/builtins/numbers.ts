// Numeric builtins: int, float, bool, str, abs, min/max, sum, round, pow, any and all.

import { compareDims, isKnown, maxDim, unknownDim, type Dim } from '../../shapes';
import type { Interpreter } from '../interpreter';
import { FALSE, TRUE, describe, int, str, truthy, tuple, unknown, type CallSite, type NativeFn, type Value } from '../values';
import { asNumber, type Define } from './native';

/** int, float, bool, str, abs, min/max, sum, round and the other numeric builtins, any and all. */
export function defineNumberBuiltins(interp: Interpreter, def: Define): void {
  const iter = (v: Value, site: CallSite) => interp.iterate(v, site);
  def('int', (args) => {
    const v = args[0];
    if (!v) return int(0);
    if (v.k === 'int') return v;
    if (v.k === 'bool') return int(v.v ? 1 : 0);
    if (v.k === 'float') {
      const dim = (v as unknown as { dim?: Dim }).dim;
      if (dim !== undefined) return int(dim);
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
}
