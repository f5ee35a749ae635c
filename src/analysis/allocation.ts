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

/**
 * How many characters of a string count as one item of a walk: a scan over characters (`str.find`,
 * `str.upper`, comparing two strings) is cheaper per unit than one over values, as building a
 * string is charged per 64 characters and a list per 16 items.
 */
export const CHARS_PER_WALKED_ITEM = 4;

/**
 * Counts the items that operations over existing collections walk (a membership test, `list.index`,
 * a comparison of two lists, a copy, a slice, `str.find`) and charges the step budget for them at
 * the rate at which building is charged (chargeFor). Such an operation is one expression, hence one
 * step, however long its collection: `1 in a` on a 100,000-item list in nested loops would
 * otherwise run for minutes within the budget. Walks add up across operations, so a model that
 * walks a few short lists pays almost nothing, and the meter charges every 1,024 items as they are
 * walked, so a single walk that would never end (a comparison of lists nested in themselves, shared
 * at every level) is stopped part-way by the budget, not after it.
 */
export class WalkMeter<Site> {
  private pending = 0;

  /**
   * @param charge charges the step budget that many steps at a site, naming the walk (for the
   * budget's finding); it throws when the budget is gone.
   */
  constructor(private readonly charge: (steps: number, site: Site, what: string) => void) {}

  /** Notes `items` more items walked by `what` (`\`in\` over a list of 100,000 items`). */
  walked(items: number, site: Site, what: string): void {
    this.pending += items;
    if (this.pending < 1024) return;
    const steps = Math.floor(this.pending / 16);
    this.pending -= steps * 16;
    this.charge(steps, site, what);
  }

  /** Notes a walk over `length` characters of a string. */
  walkedChars(length: number, site: Site, what: string): void {
    this.walked(Math.ceil(length / CHARS_PER_WALKED_ITEM), site, what);
  }
}
