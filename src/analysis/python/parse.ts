// The parse step, kept apart from interpretation so that an editor can reuse the previous tree
// (Lezer reparses only what an edit touched) and so that an imported module is parsed once.

import { TreeFragment, type ChangedRange, type Tree } from '@lezer/common';
import { parser } from '@lezer/python';

/** A parse result that can seed the next incremental parse of the same document. */
export interface ParsedPython {
  readonly text: string;
  readonly tree: Tree;
  readonly fragments: readonly TreeFragment[];
}

/**
 * Parses Python text with @lezer/python (error-tolerant: broken code yields error nodes, never a
 * throw). Given the previous parse and the changed ranges since, unchanged subtrees are reused.
 */
export function parsePython(text: string, previous?: ParsedPython, changes?: readonly ChangedRange[]): ParsedPython {
  let fragments: readonly TreeFragment[] = [];
  if (previous) fragments = changes ? TreeFragment.applyChanges(previous.fragments, changes) : previous.text === text ? previous.fragments : [];
  if (previous && previous.text === text) return previous;
  const tree = parser.parse(text, fragments);
  return { text, tree, fragments: TreeFragment.addTree(tree, fragments) };
}
