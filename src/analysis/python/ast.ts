// The Python syntax tree's entry point: converts a Lezer tree into `syntax.ts`'s statements (the
// lowering itself is `lower.ts`), reusing the statements of a previous version an edit left alone.

import type { Tree } from '@lezer/common';
import { Lowerer } from './lower';
import type { At, Module, Stmt } from './syntax';

export type { Arg, At, ClassDef, CompClause, Expr, FunctionDef, Module, Param, Stmt } from './syntax';

/**
 * Converted top-level statements of a previous version, by their source text: an editor's next
 * version converts only the statements an edit changed (the others are reused, or copied with
 * their offsets moved when the edit was above them).
 */
export class ConvertCache {
  entries = new Map<string, { from: number; stmts: Stmt[]; errors: At[] }>();
}

/** Converts a Lezer tree into statements; never throws on any tree Lezer produces. */
export function convertTree(tree: Tree, text: string, cache?: ConvertCache): Module {
  const lowerer = new Lowerer(text);
  const errors = lowerer.errors;
  const module: Stmt[] = [];
  const top = tree.topNode;
  const next = cache ? new Map<string, { from: number; stmts: Stmt[]; errors: At[] }>() : null;
  for (let c = top.firstChild; c; c = c.nextSibling) {
    if (c.name === 'Comment') continue;
    const key = next ? text.slice(c.from, c.to) : '';
    const hit = next ? (next.get(key) ?? cache!.entries.get(key)) : undefined;
    if (hit && next) {
      const delta = c.from - hit.from;
      const entry = delta === 0 ? hit : { from: c.from, stmts: shiftOffsets(hit.stmts, delta), errors: shiftOffsets(hit.errors, delta) };
      module.push(...entry.stmts);
      errors.push(...entry.errors);
      next.set(key, entry);
      continue;
    }
    const stmtsBefore = module.length;
    const errorsBefore = errors.length;
    lowerer.statement(c, module);
    // Error nodes nested inside expressions and statements are syntax errors too.
    const cursor = c.cursor();
    let depth = 0;
    for (;;) {
      // A bare `yield` statement is valid Python that @lezer/python closes with an empty error node.
      if (cursor.type.isError && !(cursor.from === cursor.to && cursor.node.parent?.name === 'YieldStatement')) errors.push({ from: cursor.from, to: Math.max(cursor.to, cursor.from) });
      if (cursor.firstChild()) {
        depth++;
        continue;
      }
      while (depth > 0 && !cursor.nextSibling()) {
        cursor.parent();
        depth--;
      }
      if (depth === 0) break;
    }
    next?.set(key, { from: c.from, stmts: module.slice(stmtsBefore), errors: errors.slice(errorsBefore) });
  }
  if (cache && next) cache.entries = next;
  return { body: module, errors: dedupeErrors(errors) };
}

/** A deep copy of converted syntax with every source offset moved by `delta`. */
function shiftOffsets<T>(value: T, delta: number): T {
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      out[i] = v !== null && typeof v === 'object' ? shiftOffsets(v, delta) : v;
    }
    return out as T;
  }
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k in src) {
    const v = src[k];
    if (typeof v === 'number') out[k] = k === 'from' || k === 'to' || k === 'nameFrom' || k === 'attrFrom' ? v + delta : v;
    else out[k] = v !== null && typeof v === 'object' ? shiftOffsets(v, delta) : v;
  }
  return out as T;
}

function dedupeErrors(errors: At[]): At[] {
  const seen = new Set<number>();
  const out: At[] = [];
  for (const e of errors.sort((a, b) => a.from - b.from)) {
    if (seen.has(e.from)) continue;
    seen.add(e.from);
    out.push(e);
  }
  return out;
}
