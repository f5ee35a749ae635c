// The parse step, kept apart from interpretation so that an editor can reuse the previous tree
// (Lezer reparses only what an edit touched) and so that an imported module is parsed once.

import { TreeFragment, type ChangedRange, type Tree } from '@lezer/common';
import { parser } from '@lezer/python';

/** A parse result that can seed the next incremental parse of the same document. */
export interface ParsedPython {
  readonly text: string;
  readonly tree: Tree;
  readonly fragments: readonly TreeFragment[];
  /** Lines left unread because their brackets nest deeper than the parser can follow. */
  readonly unread?: readonly { from: number; to: number }[];
}

/** Bracket depth beyond which a line is not parsed (Lezer's tree building recurses per level). */
export const MAX_BRACKET_DEPTH = 1000;

/**
 * Parses Python text with @lezer/python (error-tolerant: broken code yields error nodes, never a
 * throw). Given the previous parse and the changed ranges since, unchanged subtrees are reused.
 */
export function parsePython(text: string, previous?: ParsedPython, changes?: readonly ChangedRange[]): ParsedPython {
  let fragments: readonly TreeFragment[] = [];
  if (previous) fragments = changes ? TreeFragment.applyChanges(previous.fragments, changes) : previous.text === text ? previous.fragments : [];
  if (previous && previous.text === text) return previous;
  const unread = deeplyNestedLines(text);
  if (unread.length) {
    // Such lines are blanked (same length, so every offset stays valid) and parsed from scratch.
    let blanked = '';
    let at = 0;
    for (const r of unread) {
      blanked += text.slice(at, r.from) + ' '.repeat(r.to - r.from);
      at = r.to;
    }
    blanked += text.slice(at);
    const tree = parser.parse(blanked);
    return { text, tree, fragments: [], unread };
  }
  const tree = parser.parse(text, fragments);
  return { text, tree, fragments: TreeFragment.addTree(tree, fragments) };
}

/** Lines (without their line break) on which the bracket depth exceeds MAX_BRACKET_DEPTH. */
function deeplyNestedLines(text: string): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  let depth = 0;
  let lineStart = 0;
  let deep = false;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 10;
    if (c === 40 || c === 91 || c === 123) {
      if (++depth > MAX_BRACKET_DEPTH) deep = true;
    } else if (c === 41 || c === 93 || c === 125) {
      if (depth > 0) depth--;
    } else if (c === 10) {
      if (deep) out.push({ from: lineStart, to: i });
      deep = false;
      lineStart = i + 1;
    }
  }
  return out;
}
