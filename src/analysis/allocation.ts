// Bounds on the values the interpreters build (issue 19). A file decides how large a list, tuple
// or string it asks for (`[0] * 100000 * 100000`, `'a' * 300000000`, `a = a + a` in a loop); built
// for real, such a value exhausts the editor's memory inside one uninterruptible call. So a
// collection beyond these bounds is never built: it becomes unknown, with a finding naming the
// bound, and what is built is charged to the step budget in proportion to its size.

/** The most items a list or tuple the analysis builds may hold. */
export const MAX_COLLECTION_ITEMS = 100_000;

/** The most characters a string the analysis builds may hold. */
export const MAX_STRING_CHARS = 1_000_000;

/** True when a collection of `count` items may be built. */
export function fitsCollection(count: number): boolean {
  return Number.isFinite(count) && count >= 0 && count <= MAX_COLLECTION_ITEMS;
}

/** True when a string of `length` characters may be built. */
export function fitsString(length: number): boolean {
  return Number.isFinite(length) && length >= 0 && length <= MAX_STRING_CHARS;
}

/**
 * Steps charged for building `items` items: one per 16, so the step budget also bounds the total
 * built in one analysis (60,000 steps: about a million items), while a table of a few thousand
 * entries costs what a few hundred statements do.
 */
export function chargeFor(items: number): number {
  return Math.ceil(items / 16);
}

/** The finding's message for a value beyond a bound. */
export function beyondBoundMessage(what: string, size: number, bound: number): string {
  const amount = Number.isFinite(size) ? size.toLocaleString('en') : 'unboundedly many';
  return `${what} of ${amount} would exceed the analysis's bound of ${bound.toLocaleString('en')}; its value is unknown`;
}
