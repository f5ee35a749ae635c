// Python's built-in functions, the standard-library pieces model files use (math, functools,
// collections, itertools, typing, dataclasses, enum, copy, operator), and the methods of str,
// list, tuple and dict — each a small total rule over abstract values. This file assembles the
// table an interpreter receives; the rules live in the files beside it.

import type { BuiltinTable, Interpreter } from '../interpreter';
import { NONE, str, unknown, type ClassV, type Value } from '../values';
import { builtin, nativeClass, type Define } from './native';
import { defineCollectionBuiltins } from './collections';
import { defineNumberBuiltins } from './numbers';
import { defineObjectBuiltins } from './objects';
import { builtinMethod } from './methods';

// What the framework plug-ins use of the builtins.
export { builtin, nativeClass, tableNamespace } from './native';
export { stdlibModule } from './stdlib';

/** Python's builtins for one interpreter (given to its constructor through InterpreterSetup). */
export function builtinTable(interp: Interpreter, objectClass: ClassV): BuiltinTable {
  const b = new Map<string, Value>();
  const def: Define = (name, fn) => void b.set(name, builtin(name, fn));
  defineCollectionBuiltins(interp, def);
  defineNumberBuiltins(interp, def);
  defineObjectBuiltins(interp, def);
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
  return { names: b, method: (obj, name, site) => builtinMethod(interp, obj, name, site) };
}
