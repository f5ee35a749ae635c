// Rules that move or regroup axes: view/reshape, permute/transpose, flatten, (un)squeeze,
// reductions, cat/stack, chunk/split, expand/repeat.

import { notationShape } from '../../notation';
import { beyondBoundMessage, fitsCollection, MAX_COLLECTION_ITEMS } from '../../allocation';
import { mergeFields } from '../../receptiveField';
import { addDim, ceilDivDim, compareDims, formatDim, isKnown, isUnknown, mulDim, productDim, symDim, unknownDim, type Dim } from '../../shapes';
import type { ReceptiveField } from '../../types';
import { formatTensorShape, tuple, unknown, type TensorRemake, type TensorV, type Value } from '../values';
import { dimOf, exactDiv, intOf, normAxis, out, sameDim, tensorArg, type OpContext, unrankedLike } from './helpers';
import { originText, related } from './broadcasting';
import { callArguments, catDimRepair, fixEdit, reshapeRepairs } from '../../repairs';
import type { Fix } from '../../types';
import type { FindingDetails } from '../interpreter';
import { appendToArgument, dimFix, dimRewrites, literalInt, writtenArguments } from './repairSites';

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
  // A size written as a literal is the likely slip; an expression of known value may be replaced too, after them.
  const literal = items.map((a, i) => isKnown(sizes[i]) && sizes[i] !== -1 && (literalInt(a.text) === sizes[i] || !/^-?\d+$/.test(a.text)));
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

export function permuteRule(ctx: OpContext, t: TensorV, dims: (number | null)[], argOffset: number | null = null): Value {
  if (!t.ranked) return unrankedLike(t);
  if (dims.length !== t.shape.length) {
    ctx.interp.report('shape-mismatch', 'error', ctx.site, `permute of ${formatTensorShape(t)} needs ${t.shape.length} dimensions, got ${dims.length}`);
    return unrankedLike(t);
  }
  const rank = t.shape.length;
  const axes = dims.map((d) => normAxis(d, rank));
  // PyTorch raises on a known dim out of range and on a dim named twice, whatever the others are.
  const outOfRange = dims.findIndex((d, i) => d !== null && axes[i] === null);
  const repeated = axes.findIndex((a, i) => a !== null && axes.indexOf(a) !== i);
  if (outOfRange >= 0 || repeated >= 0) {
    const what = outOfRange >= 0 ? `dim ${dims[outOfRange]} is out of range` : `dim ${dims[repeated]} appears twice`;
    const fixes = argOffset === null ? [] : permuteFixes(ctx, dims, rank, argOffset);
    ctx.interp.report('shape-mismatch', 'error', ctx.site, `permute(${dims.map((d) => d ?? '?').join(', ')}) of ${formatTensorShape(t)}: ${what}`, related(ctx, t), {
      expected: `a permutation of ${Array.from({ length: rank }, (_, i) => i).join(', ')}`,
      got: `(${dims.map((d) => d ?? '?').join(', ')})`,
      ...(fixes.length ? { fixes, hint: lowerFirst(fixes[0].title) } : {}),
    });
    return unrankedLike(t);
  }
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
  const flat = (from: number): Dim[] => [...t.shape.slice(0, from), productDim(t.shape.slice(from, e + 1)), ...t.shape.slice(e + 1)];
  const result = out(flat(s), t);
  if (argOffset === null || s === e) return result;
  // The remakes: flattening from another start (the slip `start_dim=2` for 1 is common).
  const others = t.shape.map((_, i) => i).filter((i) => i !== s && i <= e);
  const fixes = dimRewrites(ctx.site, 'start_dim', argOffset, start, t.shape.length, others, 'flatten');
  return withRemakes(result, [...fixes].map(([from, fix]) => ({ shape: flat(from), fix })));
}

/** A tensor with the remakes of the op that made it (none kept when there are none). */
function withRemakes(t: TensorV, remakes: TensorRemake[]): TensorV {
  return remakes.length ? { ...t, remakes } : t;
}

export function unsqueezeRule(ctx: OpContext, t: TensorV, d: number | null, argOffset: number | null = null): Value {
  if (!t.ranked) return unrankedLike(t);
  const a = normAxis(d, t.shape.length + 1);
  if (a === null) {
    const fixes = argOffset === null || d === null ? [] : [dimFix(ctx.site, 'dim', argOffset, d, t.shape.length + 1)];
    ctx.interp.report('shape-mismatch', 'error', ctx.site, `unsqueeze(${d}) is out of range for ${formatTensorShape(t)}`, related(ctx, t), rangeDetails(t, fixes, t.shape.length + 1));
    return unrankedLike(t);
  }
  const at = (i: number): Dim[] => {
    const shape = [...t.shape];
    shape.splice(i, 0, 1);
    return shape;
  };
  const result = out(at(a), t);
  if (argOffset === null || d === null) return result;
  // The remakes: the new dim at another place (a mask unsqueezed at 2 for 1).
  const others = Array.from({ length: t.shape.length + 1 }, (_, i) => i).filter((i) => i !== a);
  const fixes = dimRewrites(ctx.site, 'dim', argOffset, d, t.shape.length + 1, others, 'unsqueeze');
  return withRemakes(result, [...fixes].map(([i, fix]) => ({ shape: at(i), fix })));
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

export function reduceRule(ctx: OpContext, t: TensorV, dimV: Value | undefined, keepdim: boolean, dtype?: TensorV['dtype'], argOffset: number | null = null): TensorV {
  if (dimV === undefined || dimV.k === 'none') return out([], t, { dtype });
  if (!t.ranked) return unrankedLike(t, dtype);
  const dims = dimV.k === 'tuple' || dimV.k === 'list' ? dimV.items.map(intOf) : [intOf(dimV)];
  const axes = dims.map((x) => normAxis(x, t.shape.length));
  if (axes.some((a) => a === null)) {
    const single = dimV.k === 'int' ? intOf(dimV) : null;
    const fixes = argOffset === null || single === null ? [] : [dimFix(ctx.site, 'dim', argOffset, single, t.shape.length)];
    ctx.interp.report('shape-mismatch', 'error', ctx.site, `reduction dimension out of range for ${formatTensorShape(t)}`, related(ctx, t), rangeDetails(t, fixes));
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
    const joined: TensorV = { ...out(shape, tensors[0], { field }), catParts: { axis, parts: tensors } };
    return withRemakes(joined, d === null ? [] : catRemakes(ctx, tensors, d, axis));
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

/**
 * Reports a chunk/split dim that is certainly out of range (PyTorch raises "Dimension out of
 * range"), with the nearest dim in range as its fix when the dim is written as a literal.
 */
function reportSplitDim(ctx: OpContext, t: TensorV, op: string, d: number, dimIndex: number | null): Value {
  const fixes = dimIndex === null ? [] : [dimFix(ctx.site, 'dim', dimIndex, d, t.shape.length)];
  ctx.interp.report('shape-mismatch', 'error', ctx.site, `${op} dim ${d} is out of range for ${formatTensorShape(t)}`, related(ctx, t), rangeDetails(t, fixes));
  return unknown(`${op} dim out of range`, ctx.site);
}

export function chunkRule(ctx: OpContext, t: TensorV, chunks: number | null, d: number | null, dimIndex: number | null = null): Value {
  if (t.ranked && d !== null && normAxis(d, t.shape.length) === null) return reportSplitDim(ctx, t, 'chunk', d, dimIndex);
  if (!t.ranked || chunks === null || chunks <= 0) return unknown('chunk with unknown arguments', ctx.site);
  const axis = normAxis(d, t.shape.length);
  if (axis === null) return unknown('chunk with an unknown dim', ctx.site);
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

export function splitRule(ctx: OpContext, t: TensorV, sizeV: Value | undefined, d: number | null, dimIndex: number | null = null): Value {
  if (t.ranked && d !== null && normAxis(d, t.shape.length) === null) return reportSplitDim(ctx, t, 'split', d, dimIndex);
  if (!t.ranked || !sizeV) return unknown('split with unknown arguments', ctx.site);
  const axis = normAxis(d, t.shape.length);
  if (axis === null) return unknown('split with an unknown dim', ctx.site);
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

/**
 * Fixes of a permute whose dims are not a permutation, when they are written as literals (one
 * argument each, or one tuple): the one dim out of range, or either of a repeated dim, replaced by
 * the one dim missing. A dim out of range has one candidate; a repeated dim two, which the
 * re-analysis of the fixed text orders (the one that lets the code after it agree first).
 */
function permuteFixes(ctx: OpContext, dims: (number | null)[], rank: number, argOffset: number): Fix[] {
  const written = writtenArguments(ctx.site);
  if (!written) return [];
  let args = written.args.filter((a) => a.name === null).slice(argOffset);
  if (args.length === 1 && dims.length > 1 && args[0].text.startsWith('(')) {
    const inner = callArguments(ctx.site.file.text, args[0].value);
    if (!inner) return [];
    args = inner.args;
  }
  if (args.length !== dims.length || args.some((a, i) => a.starred || a.name !== null || literalInt(a.text) !== dims[i])) return [];
  const axes = dims.map((d) => normAxis(d, rank));
  const missing = Array.from({ length: rank }, (_, i) => i).filter((i) => !axes.includes(i));
  if (missing.length !== 1) return [];
  const bad = axes.map((a, i) => (a === null ? i : -1)).filter((i) => i >= 0);
  const candidates = bad.length ? bad : axes.map((a, i) => (a !== null && axes.filter((b) => b === a).length > 1 ? i : -1)).filter((i) => i >= 0);
  if (bad.length > 1 || candidates.length === 0) return [];
  const m = missing[0];
  return candidates.map((i, k) => ({
    title: `Use ${m} for the dim ${dims[i]} at position ${i} of permute (the missing dim)`,
    edits: [fixEdit(ctx.site.file.lineStarts, args[i].value, String(dims[i]! < 0 ? m - rank : m))],
    ...(k === 0 && bad.length === 1 ? { preferred: true } : {}),
  }));
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/**
 * The remakes of a cat: along each other dim where the tensors agree everywhere else (all sizes
 * known), what it would give, with the edit of its written dim.
 */
function catRemakes(ctx: OpContext, tensors: TensorV[], d: number, axis: number): TensorRemake[] {
  const rank = tensors[0].shape.length;
  if (tensors.length < 2 || tensors.some((t) => t.shape.some((x) => !isKnown(x)))) return [];
  const shapes = tensors.map((t) => t.shape as number[]);
  const along = Array.from({ length: rank }, (_, i) => i).filter((i) => i !== axis && shapes.every((s) => s.every((x, j) => j === i || x === shapes[0][j])));
  if (!along.length) return [];
  const fixes = dimRewrites(ctx.site, 'dim', 1, d, rank, along, 'cat');
  return [...fixes].map(([i, fix]) => ({ shape: shapes[0].map((x, j) => (j === i ? shapes.reduce((a, s) => a + s[i], 0) : x)), fix }));
}
