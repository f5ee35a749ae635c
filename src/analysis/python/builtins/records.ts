// Configuration records model files build their layers from: `collections.namedtuple` classes
// (and `typing.NamedTuple` subclasses) with `_replace`, `_asdict`, `_make` and tuple behaviour,
// and `argparse.Namespace`. Each record is an ordinary instance whose attributes are its fields,
// so attribute reads, `getattr` and `vars` work on it as on any object.

import type { Interpreter } from '../interpreter';
import { NONE, dictKey, int, str, tuple, unknown, type ClassV, type DictV, type InstanceV, type Value } from '../values';
import { builtin, nativeClass } from './native';

type RecordClass = ClassV & { fields?: string[] };

/** The field names of a record class, its bases' first (the order `_fields` gives). */
export function recordFields(cls: ClassV): string[] {
  const fields: string[] = [];
  for (const c of [...cls.mro].reverse()) for (const f of (c as RecordClass).fields ?? []) if (!fields.includes(f)) fields.push(f);
  return fields;
}

function fieldValues(interp: Interpreter, self: InstanceV): Value[] {
  return recordFields(self.cls).map((f) => self.attrs.get(f) ?? unknown(`field ${f}`, interp.anchor));
}

/**
 * The base every named tuple class derives from: its generated `__init__` binds the fields in
 * order (positional, keyword, then the class's defaults), and it behaves as the tuple of its fields
 * when iterated, indexed, measured or unpacked.
 */
export function namedTupleBase(interp: Interpreter, objectClass: ClassV): ClassV {
  const base = nativeClass('NamedTuple', 'NamedTuple', [objectClass]);
  const selfOf = (args: Value[]): InstanceV | null => (args[0]?.k === 'instance' ? args[0] : null);
  base.ns.set('__init__', builtin('NamedTuple.__init__', (args, kwargs) => {
    const self = selfOf(args);
    if (self) interp.dataclassInit(self.cls, self, args.slice(1), kwargs);
    return NONE;
  }));
  base.ns.set('__iter__', builtin('NamedTuple.__iter__', (args) => {
    const self = selfOf(args);
    return self ? tuple(fieldValues(interp, self)) : unknown('namedtuple iteration');
  }));
  base.ns.set('__len__', builtin('NamedTuple.__len__', (args) => {
    const self = selfOf(args);
    return self ? int(recordFields(self.cls).length) : unknown('namedtuple length');
  }));
  base.ns.set('__getitem__', builtin('NamedTuple.__getitem__', (args, _kw, site) => {
    const self = selfOf(args);
    return self && args[1] ? interp.getItem(tuple(fieldValues(interp, self)), args[1], site) : unknown('namedtuple index');
  }));
  base.ns.set('_replace', builtin('NamedTuple._replace', (args, kwargs) => {
    const self = selfOf(args);
    if (!self) return unknown('_replace');
    const copy: InstanceV = { k: 'instance', cls: self.cls, attrs: new Map(self.attrs), mod: null };
    for (const [k, v] of kwargs) copy.attrs.set(k, v);
    return copy;
  }));
  base.ns.set('_asdict', builtin('NamedTuple._asdict', (args) => {
    const self = selfOf(args);
    if (!self) return unknown('_asdict');
    const d: DictV = { k: 'dict', entries: new Map(), ordered: true };
    for (const f of recordFields(self.cls)) d.entries.set(dictKey(str(f))!, { key: str(f), value: self.attrs.get(f) ?? unknown(`field ${f}`) });
    return d;
  }));
  return base;
}

/** `collections.namedtuple(name, fields, defaults=...)`: a class over the named tuple base. */
export function makeNamedTuple(interp: Interpreter, base: ClassV, args: Value[], kwargs: Map<string, Value>): Value {
  const name = args[0] ?? kwargs.get('typename');
  const spec = args[1] ?? kwargs.get('field_names');
  if (!spec) return unknown('namedtuple without fields');
  let fields: string[] | null = null;
  if (spec.k === 'str') fields = spec.v.replace(/,/g, ' ').split(/\s+/).filter((f) => f.length > 0);
  else {
    const items = interp.iterate(spec, interp.anchor);
    if (items && items.every((i) => i.k === 'str')) fields = items.map((i) => (i as { v: string }).v);
  }
  if (!fields) return unknown('namedtuple with fields the analysis cannot read');
  const cls = nativeClass(name?.k === 'str' ? name.v : 'namedtuple', null, [base]) as RecordClass;
  cls.fields = fields;
  const defaults = kwargs.get('defaults');
  const dv = defaults ? interp.iterate(defaults, interp.anchor) : null;
  // Defaults apply to the rightmost fields.
  if (dv) dv.forEach((v, i) => cls.ns.set(fields![fields!.length - dv.length + i], v));
  cls.ns.set('_fields', tuple(fields.map(str)));
  cls.ns.set('_make', builtin(`${cls.name}._make`, (a, _kw, site) => {
    const items = a[0] ? interp.iterate(a[0], site) : null;
    return items ? interp.instantiate(cls, items, new Map(), site) : unknown('_make of an unknown iterable');
  }));
  return cls;
}

/** `argparse.Namespace(**kwargs)` and `types.SimpleNamespace(**kwargs)`: an object whose attributes are the keywords. */
export function namespaceClass(name: string, objectClass: ClassV): ClassV {
  const cls = nativeClass(name, null, [objectClass]);
  cls.ns.set('__init__', builtin(`${name}.__init__`, (args, kwargs) => {
    const self = args[0];
    if (self?.k === 'instance') for (const [k, v] of kwargs) self.attrs.set(k, v);
    return NONE;
  }));
  return cls;
}
