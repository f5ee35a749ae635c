// torch.nn.utils.rnn: packed sequences. A PackedSequence holds the time steps of a padded batch
// without their padding; its `data` has one row per real step, so its length depends on the
// lengths' values, which the analysis rarely knows. What code needs of it is the padded batch
// behind it: an RNN given a PackedSequence runs on that batch and gives one back, and
// pad_packed_sequence gives the batch again, padded to the longest sequence (or total_length).

import { isKnown, unknownDim, type Dim } from '../shapes';
import { builtin, nativeClass, tableNamespace } from './builtins';
import type { Interpreter } from './interpreter';
import { NONE, tuple, unknown, type CallSite, type ClassV, type InstanceV, type NamespaceV, type TensorV, type Value } from './values';

/** The padded batch behind each PackedSequence, time first: (T, B, *). */
const paddedOf = new WeakMap<InstanceV, TensorV>();

/** The PackedSequence class of each analysis (keyed by its `object` class). */
const packedClasses = new WeakMap<ClassV, ClassV>();

function packedClassOf(objectClass: ClassV): ClassV {
  let cls = packedClasses.get(objectClass);
  if (!cls) {
    cls = nativeClass('PackedSequence', 'object', [objectClass]);
    packedClasses.set(objectClass, cls);
  }
  return cls;
}

function tensorOf(shape: Dim[], like: TensorV | null, dtype: TensorV['dtype'] = like?.dtype ?? 'float'): TensorV {
  return { k: 'tensor', shape, ranked: true, dtype, field: null, origin: like?.origin ?? null };
}

/** Swaps the first two axes of a ranked tensor (batch-first ⇄ time-first). */
function swapLeading(t: TensorV): TensorV {
  if (!t.ranked || t.shape.length < 2) return t;
  const shape = [...t.shape];
  [shape[0], shape[1]] = [shape[1], shape[0]];
  return tensorOf(shape, t);
}

/** A PackedSequence over a padded batch (time first), with its data's length unknown. */
export function makePackedSequence(objectClass: ClassV, padded: TensorV, sorted: boolean): InstanceV {
  const features = padded.ranked ? padded.shape.slice(2) : [];
  const batch: Dim = padded.ranked && padded.shape.length >= 2 ? padded.shape[1] : unknownDim();
  const indices = sorted ? NONE : tensorOf([batch], null, 'long');
  const attrs = new Map<string, Value>([
    ['data', tensorOf([unknownDim(), ...features], padded)],
    ['batch_sizes', tensorOf([unknownDim()], null, 'long')],
    ['sorted_indices', indices],
    ['unsorted_indices', indices],
  ]);
  const inst: InstanceV = { k: 'instance', cls: packedClassOf(objectClass), attrs, mod: null };
  paddedOf.set(inst, padded);
  return inst;
}

/** The padded batch (time first) behind a PackedSequence, or null for any other value. */
export function packedPadding(v: Value): TensorV | null {
  return v.k === 'instance' ? paddedOf.get(v) ?? null : null;
}

/**
 * An RNN's input as the layer reads it: a PackedSequence becomes its padded batch in the layer's
 * own layout; other values stay.
 */
export function unpackForLayer(v: Value, batchFirst: boolean): Value {
  const padded = packedPadding(v);
  if (!padded) return v;
  return batchFirst ? swapLeading(padded) : padded;
}

/** An RNN's output for a packed input: its sequence output packed again (of the input's class), its states unchanged. */
export function repackLayerOutput(input: InstanceV, out: Value, batchFirst: boolean): Value {
  if (out.k !== 'tuple' || out.items[0]?.k !== 'tensor') return out;
  const seq = out.items[0];
  const padded = batchFirst ? swapLeading(seq) : seq;
  const objectClass = input.cls.bases[0] ?? input.cls;
  return tuple([makePackedSequence(objectClass, padded, input.attrs.get('sorted_indices')?.k === 'none'), ...out.items.slice(1)]);
}

function argOf(args: Value[], kwargs: Map<string, Value>, i: number, name: string): Value | undefined {
  return i < args.length ? args[i] : kwargs.get(name);
}

function isTrue(v: Value | undefined): boolean {
  return v?.k === 'bool' && v.v;
}

/** The largest of known lengths (a list of ints or a tensor holding its values), else null. */
function longest(v: Value | undefined): number | null {
  if (!v) return null;
  const values = v.k === 'tensor' ? v.data ?? null : v.k === 'list' || v.k === 'tuple' ? v.items.map((x) => (x.k === 'int' && isKnown(x.v) ? x.v : null)) : null;
  if (!values || values.length === 0 || values.some((x) => x === null)) return null;
  return Math.max(...(values as number[]));
}

/** The `torch.nn.utils.rnn` namespace. */
export function rnnUtilsNamespace(interp: Interpreter, objectClass: ClassV): NamespaceV {
  const fallback = interp.opaqueNamespace('torch.nn.utils.rnn');
  const table = tableNamespace(
    'torch.nn.utils.rnn',
    {
      PackedSequence: packedClassOf(objectClass),
      pack_padded_sequence: builtin('pack_padded_sequence', (args, kwargs, site) => {
        const input = argOf(args, kwargs, 0, 'input');
        if (input?.k !== 'tensor' || !input.ranked || input.shape.length < 2) return unknownPacked(site, 'pack_padded_sequence of a tensor of unknown rank');
        const timeFirst = isTrue(argOf(args, kwargs, 2, 'batch_first')) ? swapLeading(input) : input;
        // Packing keeps the steps up to the longest length, which only the lengths' values say.
        const steps = longest(argOf(args, kwargs, 1, 'lengths'));
        const padded = tensorOf([steps ?? unknownDim(), ...timeFirst.shape.slice(1)], timeFirst);
        const enforce = argOf(args, kwargs, 3, 'enforce_sorted');
        return makePackedSequence(objectClass, padded, enforce === undefined || isTrue(enforce));
      }),
      pack_sequence: builtin('pack_sequence', (args, kwargs, site) => {
        const padded = padSequences(interp, argOf(args, kwargs, 0, 'sequences'), site);
        const enforce = argOf(args, kwargs, 1, 'enforce_sorted');
        return padded ? makePackedSequence(objectClass, padded, enforce === undefined || isTrue(enforce)) : unknownPacked(site, 'pack_sequence of an unknown list');
      }),
      pad_packed_sequence: builtin('pad_packed_sequence', (args, kwargs, site) => {
        const padded = packedPadding(argOf(args, kwargs, 0, 'sequence') ?? NONE);
        const batchFirst = isTrue(argOf(args, kwargs, 1, 'batch_first'));
        if (!padded || !padded.ranked) return tuple([unknownPacked(site, 'pad_packed_sequence of an unknown sequence'), tensorOf([unknownDim()], null, 'long')]);
        // Padding goes to total_length when given, else to the longest sequence.
        const total = argOf(args, kwargs, 3, 'total_length');
        const steps: Dim = total?.k === 'int' ? total.v : padded.shape[0];
        const timeFirst = tensorOf([steps, ...padded.shape.slice(1)], padded);
        return tuple([batchFirst ? swapLeading(timeFirst) : timeFirst, tensorOf([padded.shape[1]], null, 'long')]);
      }),
      pad_sequence: builtin('pad_sequence', (args, kwargs, site) => {
        const padded = padSequences(interp, argOf(args, kwargs, 0, 'sequences'), site);
        if (!padded) return unknownPacked(site, 'pad_sequence of an unknown list');
        return isTrue(argOf(args, kwargs, 1, 'batch_first')) ? swapLeading(padded) : padded;
      }),
    },
    (attr) => fallback.get(attr),
  );
  return table;
}

/** Sequences (L_i, *) padded time first to (max L_i, B, *); null when their shapes are unknown. */
function padSequences(interp: Interpreter, list: Value | undefined, site: CallSite): TensorV | null {
  const items = list ? interp.iterate(list, site) : null;
  if (!items || items.length === 0 || items.some((t) => t.k !== 'tensor' || !t.ranked || t.shape.length < 1)) return null;
  const tensors = items as TensorV[];
  const lengths = tensors.map((t) => t.shape[0]);
  const steps: Dim = lengths.every((l) => isKnown(l)) ? Math.max(...(lengths as number[])) : unknownDim();
  return tensorOf([steps, tensors.length, ...tensors[0].shape.slice(1)], tensors[0]);
}

function unknownPacked(site: CallSite, reason: string): Value {
  return unknown(reason, site);
}
