// Rules that move or regroup axes: view/reshape, permute/transpose, flatten, (un)squeeze,
// reductions, cat/stack, chunk/split, expand/repeat.

import { notationShape } from '../../notation';
import { beyondBoundMessage, fitsCollection, MAX_COLLECTION_ITEMS } from '../../allocation';
import { mergeFields } from '../../receptiveField';
import { addDim, ceilDivDim, compareDims, formatDim, isKnown, isUnknown, mulDim, productDim, symDim, unknownDim, type Dim } from '../../shapes';
import type { ReceptiveField } from '../../types';
import { formatTensorShape, tuple, unknown, type TensorV, type Value } from '../values';
import { dimOf, exactDiv, intOf, normAxis, out, sameDim, tensorArg, type OpContext, unrankedLike } from './helpers';
import { originText, related } from './broadcasting';
import { callArguments, catDimRepair, fixEdit, reshapeRepairs } from '../../repairs';
import type { Fix } from '../../types';
import type { FindingDetails } from '../interpreter';
import { appendToArgument, dimFix, literalInt, writtenArguments } from './repairSites';

// ------------------------------------------------------------------ reshaping rules

export function viewRule(ctx: OpContext, t: TensorV, sizes: Dim[] | null, what: string, firstSizeArg = 0): Value {
  if (!sizes) {
    ctx.interp.gap(ctx.site, `${what} with sizes the analysis cannot read`);
    return unrankedLike(t);
  }
  const inferAt = sizes.findIndex((s) => s === -1);
  if (!t.ranked) {
    if (inferAt >= 0) sizes[inferAt] = unknownDim();
    return out(sizes, t, { ranked: true });
  }
  const total = productDim(t.shape);
  if (inferAt >= 0) {
    const rest = productDim(sizes.filter((_, i) => i !== inferAt));
    const q = exactDiv(total, rest);
    if (q === null && isKnown(total) && isKnown(rest)) {
      ctx.interp.report('shape-mismatch', 'error', ctx.site, `${what}: ${formatTensorShape(t)} has ${total} elements, not divisible into ${notationShape(sizes.map((s, i) => (i === inferAt ? symDim('-1') : s)))}`, related(ctx, t), viewDetails(ctx, t, sizes, what, firstSizeArg));
    }
    sizes[inferAt] = q ?? unknownDim();
  } else if (compareDims(total, productDim(sizes)) === 'different') {
    ctx.interp.report('shape-mismatch', 'error', ctx.site, `${what}: ${formatTensorShape(t)} has ${formatDim(total)} elements but ${notationShape(sizes)} needs ${formatDim(productDim(sizes))}${originText(t)}`, related(ctx, t), viewDetails(ctx, t, sizes, what, firstSizeArg));
  }
  return out(sizes, t, { field: keepsSpatialAxes(t, sizes) ? t.field : null });
}

/** Expected, got and the repairs of a view whose sizes disagree with its input: the written number that makes them agree. */
function viewDetails(ctx: OpContext, t: TensorV, sizes: Dim[], what: string, firstSizeArg: number): FindingDetails {
  const details: FindingDetails = { expected: `sizes whose product is ${formatDim(productDim(t.shape))}`, got: notationShape(sizes) };
  const written = writtenArguments(ctx.site);
  if (!written) return details;
  let items = written.args.filter((a) => a.name === null).slice(firstSizeArg);
  if (items.length === 1 && sizes.length !== 1 && items[0].text.startsWith('(')) items = callArguments(ctx.site.file.text, items[0].value)?.args ?? [];
  if (items.length !== sizes.length || items.some((a) => a.starred || a.name !== null)) return details;
  const marked = sizes.map((d, i) => (isKnown(d) ? d : i < t.shape.length && (sameDim(d, t.shape[i]) || compareDims(d, t.shape[i]) === 'equal') ? ('same' as const) : null));
  const literal = items.map((a, i) => literalInt(a.text) !== null && literalInt(a.text) === sizes[i]);
  const input = t.shape.map((d) => (isKnown(d) ? d : null));
  const repairs = reshapeRepairs(input, marked, literal);
  const fixes: Fix[] = repairs.map((r, k) => ({
    title: `Change ${items[r.index].text} to ${r.value} in ${what}`,
    edits: [fixEdit(ctx.site.file.lineStarts, items[r.index].value, String(r.value))],
    ...(k === 0 ? { preferred: true } : {}),
  }));
  if (fixes.length) {
    details.fixes = fixes;
    details.hint = `change ${items[repairs[0].index].text} to ${repairs[0].value}`;
  }
  return details;
}

/** Expected and got of a dim out of range, with the dim fixes that apply. */
function rangeDetails(t: TensorV, fixes: (Fix | null)[], rank = t.shape.length): FindingDetails {
  const kept = fixes.filter((f): f is Fix => f !== null);
  return {
    expected: `a dim in [${-rank}, ${rank - 1}]`,
    got: formatTensorShape(t),
    ...(kept.length ? { fixes: kept, hint: kept[0].title.replace(/^Use/, 'use') } : {}),
  };
}

/** The dim along which a cat's tensors do agree, as a fix of its written dim. */
function catDetails(ctx: OpContext, tensors: TensorV[], d: number | null, stack: boolean): FindingDetails {
  const details: FindingDetails = { expected: `equal sizes outside dim ${d}`, got: tensors.map(formatTensorShape).join(' and ') };
  if (stack || d === null) return details;
  const along = catDimRepair(tensors.map((x) => x.shape.map((s) => (isKnown(s) ? s : null))));
  if (along === null) return details;
  const fix = argumentFixIfLiteral(ctx, d, d < 0 ? along - tensors[0].shape.length : along);
  if (fix) {
    details.fixes = [fix];
    details.hint = fix.title.replace(/^Use/, 'use');
  }
  return details;
}

function argumentFixIfLiteral(ctx: OpContext, d: number, to: number): Fix | null {
  const written = writtenArguments(ctx.site);
  const a = written?.args.find((x) => x.name === 'dim') ?? written?.args.filter((x) => x.name === null)[1];
  if (!a || a.starred || literalInt(a.text) !== d) return null;
  return { title: `Use dim=${to}: the tensors differ only there`, edits: [fixEdit(ctx.site.file.lineStarts, a.value, String(to))], preferred: true };
}

/**
 * True when a reshaping leaves the field's spatial axes (the last ones) exactly as they were, as
 * ShuffleNet's channel shuffle does: each spatial unit still sees the same input region.
 */
export function keepsSpatialAxes(t: TensorV, shape: readonly Dim[]): boolean {
  const k = t.field?.size.length ?? 0;
  if (k === 0 || shape.length < k + 1 || t.shape.length < k + 1) return false;
  for (let i = 1; i <= k; i++) {
    if (compareDims(shape[shape.length - i], t.shape[t.shape.length - i]) !== 'equal') return false;
  }
  return true;
}

export function permuteRule(ctx: OpContext, t: TensorV, dims: (number | null)[]): Value {
  if (!t.ranked) return unrankedLike(t);
  if (dims.length !== t.shape.length) {
    ctx.interp.report('shape-mismatch', 'error', ctx.site, `permute of ${formatTensorShape(t)} needs ${t.shape.length} dimensions, got ${dims.length}`);
    return unrankedLike(t);
  }
  const axes = dims.map((d) => normAxis(d, t.shape.length));
  if (axes.some((a) => a === null)) return out(t.shape.map(() => unknownDim()), t);
  return out(axes.map((a) => t.shape[a!]), t, { field: permutedField(t, axes as number[]) });
}

/**
 * The receptive field after a permutation: the spatial axes move with the permutation; while they
 * keep their order the field stays, recording their new positions when those are not trailing
 * (channels-last), and dropping the record once they are trailing again (permuted back).
 */
function permutedField(t: TensorV, axes: number[]): ReceptiveField | null {
  const field = t.field;
  if (!field) return null;
  const rank = t.shape.length;
  const k = field.size.length;
  const from = field.axes ?? Array.from({ length: k }, (_, i) => rank - k + i);
  const to = from.map((a) => axes.indexOf(a));
  if (to.some((p, i) => p < 0 || (i > 0 && p <= to[i - 1]))) return null;
  const trailing = to.every((p, i) => p === rank - k + i);
  const { axes: _old, ...rest } = field;
  return trailing ? rest : { ...rest, axes: to };
}

export function transposeRule(ctx: OpContext, t: TensorV, d0: number | null, d1: number | null, argOffset: number | null = null): Value {
  if (!t.ranked) return unrankedLike(t);
  const a = normAxis(d0, t.shape.length);
  const b = normAxis(d1, t.shape.length);
  if (a === null || b === null) {
    const fixes = argOffset === null ? [] : [a === null && d0 !== null ? dimFix(ctx.site, 'dim0', argOffset, d0, t.shape.length) : null, b === null && d1 !== null ? dimFix(ctx.site, 'dim1', argOffset + 1, d1, t.shape.length) : null];
    ctx.interp.report('shape-mismatch', 'error', ctx.site, `transpose(${d0}, ${d1}) is out of range for ${formatTensorShape(t)}`, related(ctx, t), rangeDetails(t, fixes));
    return unrankedLike(t);
  }
  const shape = [...t.shape];
  [shape[a], shape[b]] = [shape[b], shape[a]];
  const order = t.shape.map((_, i) => i);
  [order[a], order[b]] = [order[b], order[a]];
  return out(shape, t, { field: permutedField(t, order) });
}

export function flattenRule(ctx: OpContext, t: TensorV, start: number, end: number, argOffset: number | null = null): Value {
  if (!t.ranked) return unrankedLike(t);
  if (t.shape.length === 0) return out([1], t);
  const s = normAxis(start, t.shape.length);
  const e = normAxis(end, t.shape.length);
  if (s === null || e === null || s > e) {
    const fixes = argOffset === null ? [] : [s === null ? dimFix(ctx.site, 'start_dim', argOffset, start, t.shape.length) : null, e === null ? dimFix(ctx.site, 'end_dim', argOffset + 1, end, t.shape.length) : null];
    ctx.interp.report('shape-mismatch', 'error', ctx.site, `flatten(${start}, ${end}) is out of range for ${formatTensorShape(t)}`, related(ctx, t), rangeDetails(t, fixes));
    return unrankedLike(t);
  }
  return out([...t.shape.slice(0, s), productDim(t.shape.slice(s, e + 1)), ...t.shape.slice(e + 1)], t);
}

export function unsqueezeRule(ctx: OpContext, t: TensorV, d: number | null, argOffset: number | null = null): Value {
  if (!t.ranked) return unrankedLike(t);
  const a = normAxis(d, t.shape.length + 1);
  if (a === null) {
    const fixes = argOffset === null || d === null ? [] : [dimFix(ctx.site, 'dim', argOffset, d, t.shape.length + 1)];
    ctx.interp.report('shape-mismatch', 'error', ctx.site, `unsqueeze(${d}) is out of range for ${formatTensorShape(t)}`, related(ctx, t), rangeDetails(t, fixes, t.shape.length + 1));
    return unrankedLike(t);
  }
  const shape = [...t.shape];
  shape.splice(a, 0, 1);
  return out(shape, t);
}

export function squeezeRule(ctx: OpContext, t: TensorV, d: Value | undefined): Value {
  if (!t.ranked) return unrankedLike(t);
  if (d === undefined || d.k === 'none') {
    if (t.shape.some((x) => !isKnown(x))) {
      const shape = t.shape.filter((x) => x !== 1);
      return out(shape, t);
    }
    return out(t.shape.filter((x) => x !== 1), t);
  }
  const dims = d.k === 'tuple' || d.k === 'list' ? d.items.map(intOf) : [intOf(d)];
  const axes = dims.map((x) => normAxis(x, t.shape.length));
  if (axes.some((a) => a === null)) {
    ctx.interp.report('shape-mismatch', 'error', ctx.site, `squeeze dimension out of range for ${formatTensorShape(t)}`);
    return unrankedLike(t);
  }
  // A symbolic size may or may not be 1 (code often asserts `h == 1` first): whether the axis
  // goes is not certain, so neither is the rank after it.
  if (axes.some((a) => !isKnown(t.shape[a!]))) return unrankedLike(t);
  return out(t.shape.filter((x, i) => !(axes.includes(i) && x === 1)), t);
}

export function reduceRule(ctx: OpContext, t: TensorV, dimV: Value | undefined, keepdim: boolean, dtype?: TensorV['dtype']): TensorV {
  if (dimV === undefined || dimV.k === 'none') return out([], t, { dtype });
  if (!t.ranked) return unrankedLike(t, dtype);
  const dims = dimV.k === 'tuple' || dimV.k === 'list' ? dimV.items.map(intOf) : [intOf(dimV)];
  const axes = dims.map((x) => normAxis(x, t.shape.length));
  if (axes.some((a) => a === null)) {
    ctx.interp.report('shape-mismatch', 'error', ctx.site, `reduction dimension out of range for ${formatTensorShape(t)}`);
    return unrankedLike(t, dtype);
  }
  const shape: Dim[] = [];
  t.shape.forEach((x, i) => {
    if (!axes.includes(i)) shape.push(x);
    else if (keepdim) shape.push(1);
  });
  // Reducing over batch or channel axes keeps each spatial unit's field; over spatial axes ends it.
  const spatialFrom = t.shape.length - (t.field?.size.length ?? 0);
  const field = t.field && axes.every((a) => a! < spatialFrom) ? t.field : null;
  return out(shape, t, { dtype, field });
}

export function catRule(ctx: OpContext, seq: Value | undefined, dimV: Value | undefined, stack: boolean): Value {
  const items = seq ? ctx.interp.iterate(seq, ctx.site) : null;
  if (!items || items.length === 0) {
    ctx.interp.gap(ctx.site, `${stack ? 'stack' : 'cat'} of a sequence the analysis cannot enumerate`);
    return unrankedLike(null);
  }
  const ts = items.map(tensorArg);
  if (ts.some((t) => t === null)) return unrankedLike(ts.find((t) => t) ?? null);
  const tensors = ts as TensorV[];
  if (tensors.some((t) => !t.ranked)) return unrankedLike(tensors[0]);
  const rank = tensors[0].shape.length;
  const d = intOf(dimV) ?? (dimV === undefined ? 0 : null);
  const axis = normAxis(d, stack ? rank + 1 : rank);
  if (axis === null) {
    const fixes = d === null ? [] : [dimFix(ctx.site, 'dim', 1, d, stack ? rank + 1 : rank)];
    ctx.interp.report('shape-mismatch', 'error', ctx.site, `${stack ? 'stack' : 'cat'} dimension ${d} is out of range for rank ${rank}`, [], rangeDetails(tensors[0], fixes, stack ? rank + 1 : rank));
    return unrankedLike(tensors[0]);
  }
  for (const t of tensors.slice(1)) {
    if (t.shape.length !== rank) {
      ctx.interp.report('shape-mismatch', 'error', ctx.site, `${stack ? 'stack' : 'cat'}: tensors of rank ${rank} and ${t.shape.length} (${formatTensorShape(tensors[0])} and ${formatTensorShape(t)})`);
      return unrankedLike(tensors[0]);
    }
  }
  const shape = [...tensors[0].shape];
  for (let i = 0; i < rank; i++) {
    if (!stack && i === axis) continue;
    for (const t of tensors.slice(1)) {
      // The same dimension object (carried through unchanged) needs no symbolic comparison.
      if (sameDim(shape[i], t.shape[i])) continue;
      const c = compareDims(shape[i], t.shape[i]);
      if (c === 'different') {
        ctx.interp.report('shape-mismatch', 'error', ctx.site, `${stack ? 'stack' : 'cat'} along dim ${d}: sizes differ in dim ${i} (${formatTensorShape(tensors[0])} vs ${formatTensorShape(t)})${originText(tensors[0], t)}`, related(ctx, tensors[0], t), catDetails(ctx, tensors, d, stack));
        shape[i] = unknownDim();
      } else if (c === 'unknown' && isUnknown(shape[i])) shape[i] = t.shape[i];
    }
  }
  let field: ReceptiveField | null = null;
  if (!stack) {
    shape[axis] = tensors.reduce<Dim>((acc, t) => addDim(acc, t.shape[axis]), 0);
    // Concatenating feature maps along channels merges the branches' fields.
    const spatialStart = rank - (tensors.find((t) => t.field)?.field?.size.length ?? 0);
    if (axis < spatialStart) for (const t of tensors) if (t.field) field = field ? mergeFields(field, t.field) : t.field;
    return out(shape, tensors[0], { field });
  }
  shape.splice(axis, 0, tensors.length);
  // Stacking before the spatial axes keeps them last: the fields of the stacked tensors merge.
  const fieldRank = tensors.find((t) => t.field)?.field?.size.length ?? 0;
  if (fieldRank && axis <= rank - fieldRank) for (const t of tensors) if (t.field) field = field ? mergeFields(field, t.field) : t.field;
  return out(shape, tensors[0], { field });
}

/** A piece of `t` cut along `axis`: it keeps the field when the cut is across channels, not space. */
export function pieceOf(t: TensorV, shape: Dim[], axis: number): TensorV {
  const spatialFrom = t.shape.length - (t.field?.size.length ?? 0);
  return out(shape, t, { field: axis < spatialFrom ? t.field : null });
}

export function chunkRule(ctx: OpContext, t: TensorV, chunks: number | null, d: number | null): Value {
  if (!t.ranked || chunks === null || chunks <= 0) return unknown('chunk with unknown arguments', ctx.site);
  const axis = normAxis(d, t.shape.length);
  if (axis === null) return unknown('chunk dim out of range', ctx.site);
  const size = t.shape[axis];
  const each = ceilDivDim(size, chunks);
  if (isKnown(size)) {
    const parts: Value[] = [];
    let left = size;
    const step = Math.ceil(size / chunks);
    while (left > 0) {
      const s = Math.min(step, left);
      const shape = [...t.shape];
      shape[axis] = s;
      parts.push(pieceOf(t, shape, axis));
      left -= s;
    }
    return tuple(parts);
  }
  const shape = [...t.shape];
  shape[axis] = exactDiv(size, chunks) ?? each;
  if (!fitsCollection(chunks)) return unknown(beyondBoundMessage('chunk: a tuple', chunks, MAX_COLLECTION_ITEMS), ctx.site);
  return tuple(new Array(chunks).fill(null).map(() => pieceOf(t, [...shape], axis)));
}

export function splitRule(ctx: OpContext, t: TensorV, sizeV: Value | undefined, d: number | null): Value {
  if (!t.ranked || !sizeV) return unknown('split with unknown arguments', ctx.site);
  const axis = normAxis(d, t.shape.length);
  if (axis === null) return unknown('split dim out of range', ctx.site);
  const total = t.shape[axis];
  if (sizeV.k === 'list' || sizeV.k === 'tuple') {
    const sizes = sizeV.items.map((v) => dimOf(v) ?? unknownDim());
    const sum = sizes.reduce<Dim>((a, b) => addDim(a, b), 0);
    if (compareDims(sum, total) === 'different') ctx.interp.report('shape-mismatch', 'error', ctx.site, `split sizes add up to ${formatDim(sum)} but dim ${d} of ${formatTensorShape(t)} is ${formatDim(total)}`);
    return tuple(sizes.map((s) => pieceOf(t, t.shape.map((x, i) => (i === axis ? s : x)), axis)));
  }
  const size = dimOf(sizeV);
  if (size === null) return unknown('split size unknown', ctx.site);
  if (isKnown(total) && isKnown(size) && size > 0) {
    const parts: Value[] = [];
    for (let left = total; left > 0; left -= size) parts.push(pieceOf(t, t.shape.map((x, i) => (i === axis ? Math.min(size, left) : x)), axis));
    return tuple(parts);
  }
  const n = exactDiv(total, size);
  if (n !== null && isKnown(n) && !fitsCollection(n)) return unknown(beyondBoundMessage('split: a tuple', n, MAX_COLLECTION_ITEMS), ctx.site);
  if (n !== null && isKnown(n)) return tuple(new Array(n).fill(null).map(() => pieceOf(t, t.shape.map((x, i) => (i === axis ? size : x)), axis)));
  return unknown('split into an unknown number of pieces', ctx.site);
}

export function expandRule(ctx: OpContext, t: TensorV, sizes: Dim[] | null): Value {
  if (!sizes) return unrankedLike(t);
  if (!t.ranked) return out(sizes.map((s) => (s === -1 ? unknownDim() : s)), t, { ranked: true });
  const lead = sizes.length - t.shape.length;
  if (lead < 0) {
    ctx.interp.report('shape-mismatch', 'error', ctx.site, `expand to ${sizes.length} dims is fewer than the ${t.shape.length} of ${formatTensorShape(t)}`);
    return unrankedLike(t);
  }
  const shape = sizes.map((s, i) => {
    if (i < lead) return s;
    const cur = t.shape[i - lead];
    if (s === -1) return cur;
    if (cur !== 1 && compareDims(cur, s) === 'different') ctx.interp.report('shape-mismatch', 'error', ctx.site, `expand: dim ${i} of ${formatTensorShape(t)} is ${formatDim(cur)}, cannot expand to ${formatDim(s)}`);
    return s;
  });
  return out(shape, t);
}

export function repeatRule(ctx: OpContext, t: TensorV, reps: Dim[] | null): Value {
  if (!reps || !t.ranked) return unrankedLike(t);
  if (reps.length < t.shape.length) {
    ctx.interp.report('shape-mismatch', 'error', ctx.site, `repeat needs at least ${t.shape.length} repeat counts for ${formatTensorShape(t)}`);
    return unrankedLike(t);
  }
  const lead = reps.length - t.shape.length;
  return out(reps.map((r, i) => (i < lead ? r : mulDim(r, t.shape[i - lead]))), t);
}
