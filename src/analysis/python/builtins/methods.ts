// Methods of builtin values: str, list, tuple and dict.

import { beyondBoundMessage, fitsCollection, fitsString, MAX_COLLECTION_ITEMS, MAX_STRING_CHARS } from '../../allocation';
import { isKnown } from '../../shapes';
import type { Interpreter } from '../interpreter';
import { valuesEqual } from '../operators';
import { FALSE, NONE, TRUE, dictKey, int, str, tuple, unknown, type CallSite, type DictV, type NativeFn, type Value } from '../values';
import { bound, builtin } from './native';

export function builtinMethod(interp: Interpreter, obj: Value, name: string, site: CallSite): Value | undefined {
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

export function strMethod(interp: Interpreter, s: string, name: string): Value | undefined {
  // Every method below scans its string (find, count, upper, strip …): charged by its length.
  const m = (fn: NativeFn) =>
    bound(name, (args, kw, site) => {
      interp.walks.walkedChars(s.length, site, `str.${name} over a string of ${s.length} characters`);
      return fn(args, kw, site);
    });
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
        if (parts.some((p) => p === null)) return unknown('join of unknowns');
        const length = parts.reduce((n, p) => n + p!.length, 0) + s.length * Math.max(0, parts.length - 1);
        if (!fitsString(length)) {
          interp.gap(site, beyondBoundMessage('str.join: a string', length, MAX_STRING_CHARS));
          return unknown('str.join beyond the bound');
        }
        interp.charge(Math.ceil(length / 64), site);
        return str(parts.join(s));
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
      return m((args, _kw, site) => {
        interp.charge(Math.ceil(s.length / 64), site);
        const pieces = (args[0]?.k === 'str' ? s.split(args[0].v) : s.trim().split(/\s+/)).filter((x, _i, all) => x !== '' || all.length === 1);
        if (!fitsCollection(pieces.length)) return unknown(beyondBoundMessage('str.split: a list', pieces.length, MAX_COLLECTION_ITEMS));
        return { k: 'list', items: pieces.map(str) };
      });
    case 'replace':
      return m((args) => {
        if (args[0]?.k !== 'str' || args[1]?.k !== 'str') return unknown('replace');
        const pieces = s.split(args[0].v);
        const length = s.length + (pieces.length - 1) * (args[1].v.length - args[0].v.length);
        return fitsString(length) ? str(pieces.join(args[1].v)) : unknown(beyondBoundMessage('str.replace: a string', length, MAX_STRING_CHARS));
      });
    case 'isdigit':
      return m(() => (/^\d+$/.test(s) ? TRUE : FALSE));
    case 'find':
    case 'index':
      // Init functions test `classname.find('Conv') != -1` to pick the layers they initialise.
      return m((args) => (args[0]?.k === 'str' ? int(s.indexOf(args[0].v)) : unknown(name)));
    case 'rfind':
    case 'rindex':
      return m((args) => (args[0]?.k === 'str' ? int(s.lastIndexOf(args[0].v)) : unknown(name)));
    case 'count':
      return m((args) => (args[0]?.k === 'str' && args[0].v.length > 0 ? int(s.split(args[0].v).length - 1) : unknown('count')));
    case 'lstrip':
      return m((args) => (args.length === 0 ? str(s.replace(/^\s+/, '')) : unknown('lstrip')));
    case 'rstrip':
      return m((args) => (args.length === 0 ? str(s.replace(/\s+$/, '')) : unknown('rstrip')));
    default:
      return undefined;
  }
}

export function seqMethod(interp: Interpreter, obj: { k: 'list' | 'tuple'; items: Value[] }, name: string, site: CallSite): Value | undefined {
  const m = (fn: NativeFn) => bound(name, fn);
  // The methods that walk the whole sequence (index, count, copy, reverse) are charged by its length.
  const what = () => `${obj.k}.${name} over ${obj.items.length} items`;
  const visit = (items: number) => interp.walks.walked(items, site, what());
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
        const i = obj.items.findIndex((v) => {
          visit(1);
          return valuesEqual(v, args[0] ?? NONE, visit) === true;
        });
        return i >= 0 ? int(i) : unknown('index');
      });
    case 'count':
      return m((args) =>
        int(
          obj.items.filter((v) => {
            visit(1);
            return valuesEqual(v, args[0] ?? NONE, visit) === true;
          }).length,
        ),
      );
    case 'copy':
      return m(() => {
        visit(obj.items.length);
        return { k: obj.k, items: [...obj.items] };
      });
    case 'reverse':
      return m(() => {
        visit(obj.items.length);
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

export function dictMethod(interp: Interpreter, d: DictV, name: string, site: CallSite): Value | undefined {
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
