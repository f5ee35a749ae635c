// Making native values: builtin functions, table namespaces and native classes, and the small
// numeric helpers the builtins share.

import { addDim, formatDim, isKnown, mulDim, unknownDim, type Dim } from '../../shapes';
import { int, unknown, type BuiltinV, type ClassV, type NamespaceV, type NativeFn, type Value } from '../values';

/** A native function value. */
export function builtin(name: string, fn: NativeFn): BuiltinV {
  return { k: 'builtin', name, fn };
}

/** A namespace over a fixed table of values. */
export function tableNamespace(name: string, table: Record<string, Value>, fallback?: (attr: string) => Value | undefined): NamespaceV {
  return { k: 'namespace', name, get: (attr) => table[attr] ?? fallback?.(attr) };
}

export function asNumber(v: Value): number | null {
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

/** Adds one builtin function under its name. */
export type Define = (name: string, fn: NativeFn) => void;

export function bound(name: string, fn: NativeFn): BuiltinV {
  return builtin(name, fn);
}

export function num1(a: Value[], f: (x: number) => number): Value {
  const x = a[0] ? asNumber(a[0]) : null;
  return { k: 'float', v: x === null ? NaN : f(x) };
}

export function intOf(a: Value[], f: (x: number) => number): Value {
  const v = a[0];
  if (v?.k === 'int') return v;
  const x = v ? asNumber(v) : null;
  const dim = v ? (v as unknown as { dim?: Dim }).dim : undefined;
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
