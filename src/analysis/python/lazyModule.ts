// Which top-level statements of an imported module a name needs. `from x import y` needs the
// statements that bind `y`, then those that bind the names they read (a function's body reads
// its globals when called, so its names count too), transitively; everything else in the module
// (weight enums, metadata tables, helpers no one calls) is never run. The analysis is by name
// and conservative: a statement reads every name that occurs in it, and an expression statement
// (`registry.update(...)`) counts as binding every name it reads, since it may change them.
// Constructs that bind names the analysis cannot see (star imports, globals(), exec, a module
// `__getattr__`) make the module run whole, as does a name bound by more than one statement
// (the order of those statements against the others could then change what a name holds).

import type { Arg, Expr, Param, Stmt } from './ast';

/** Names whose use means a module binds or reads names by other means than its statements. */
const DYNAMIC_NAMES = new Set(['globals', 'locals', 'vars', 'exec', 'eval', '__import__', '__getattr__', '__dict__']);

/** What one top-level statement binds and reads. */
interface StatementNames {
  binds: Set<string>;
  reads: Set<string>;
}

/** Collects the names an expression reads (and binds, for `:=`) into the given sets. */
function exprNames(e: Expr | null | undefined, reads: Set<string>, binds: Set<string>): void {
  if (!e) return;
  switch (e.t) {
    case 'name':
      reads.add(e.id);
      return;
    case 'num':
    case 'str':
    case 'bool':
    case 'none':
    case 'ellipsis':
    case 'error':
      return;
    case 'fstr':
      for (const p of e.parts) if (typeof p !== 'string') exprNames(p, reads, binds);
      return;
    case 'tuple':
    case 'list':
    case 'set':
      for (const x of e.elts) exprNames(x, reads, binds);
      return;
    case 'dict':
      for (const item of e.items) {
        if ('spread' in item) exprNames(item.spread, reads, binds);
        else {
          exprNames(item.key, reads, binds);
          exprNames(item.value, reads, binds);
        }
      }
      return;
    case 'starred':
      exprNames(e.value, reads, binds);
      return;
    case 'attr':
      exprNames(e.obj, reads, binds);
      return;
    case 'subscript':
      exprNames(e.obj, reads, binds);
      for (const x of e.index) exprNames(x, reads, binds);
      return;
    case 'slice':
      exprNames(e.lo, reads, binds);
      exprNames(e.hi, reads, binds);
      exprNames(e.step, reads, binds);
      return;
    case 'call':
      exprNames(e.fn, reads, binds);
      argNames(e.args, reads, binds);
      return;
    case 'binop':
    case 'boolop':
    case 'compare':
      exprNames(e.left, reads, binds);
      exprNames(e.right, reads, binds);
      return;
    case 'unary':
      exprNames(e.operand, reads, binds);
      return;
    case 'ifexp':
      exprNames(e.body, reads, binds);
      exprNames(e.test, reads, binds);
      exprNames(e.orelse, reads, binds);
      return;
    case 'lambda':
      paramNames(e.params, reads, binds);
      exprNames(e.body, reads, binds);
      return;
    case 'comp':
      exprNames(e.elt, reads, binds);
      exprNames(e.value, reads, binds);
      for (const c of e.clauses) {
        if (c.kind === 'for') {
          exprNames(c.target, reads, binds);
          exprNames(c.iter, reads, binds);
        } else exprNames(c.test, reads, binds);
      }
      return;
    case 'walrus':
      binds.add(e.target);
      exprNames(e.value, reads, binds);
      return;
  }
}

function argNames(args: readonly Arg[], reads: Set<string>, binds: Set<string>): void {
  for (const a of args) exprNames(a.value, reads, binds);
}

function paramNames(params: readonly Param[], reads: Set<string>, binds: Set<string>): void {
  for (const p of params) {
    exprNames(p.default, reads, binds);
    exprNames(p.annotation, reads, binds);
  }
}

/** The root name a target binds or changes: `x`, `x.a`, `x[i]` all change `x`. */
function targetNames(t: Expr, reads: Set<string>, binds: Set<string>): void {
  switch (t.t) {
    case 'name':
      binds.add(t.id);
      return;
    case 'tuple':
    case 'list':
      for (const x of t.elts) targetNames(x, reads, binds);
      return;
    case 'starred':
      targetNames(t.value, reads, binds);
      return;
    case 'attr':
    case 'subscript': {
      // Changing an attribute or an item changes the object the root name holds.
      const inner = new Set<string>();
      exprNames(t, inner, binds);
      let root: Expr = t;
      while (root.t === 'attr' || root.t === 'subscript') root = root.obj;
      if (root.t === 'name') binds.add(root.id);
      for (const n of inner) reads.add(n);
      return;
    }
    default:
      exprNames(t, reads, binds);
  }
}

/**
 * Names of one statement. `nested` is true inside a def or class body, where assignments bind
 * local names (they are still read, conservatively, but bind nothing at module level).
 */
function stmtNames(s: Stmt, out: StatementNames, nested: boolean): void {
  const { reads, binds } = out;
  const bindHere = nested ? new Set<string>() : binds;
  switch (s.t) {
    case 'expr':
      exprNames(s.value, reads, bindHere);
      // A top-level call may change any object it can reach by name.
      if (!nested) for (const n of reads) binds.add(n);
      return;
    case 'assign':
      for (const t of s.targets) targetNames(t, reads, bindHere);
      exprNames(s.value, reads, bindHere);
      exprNames(s.annotation, reads, bindHere);
      return;
    case 'augassign':
      targetNames(s.target, reads, bindHere);
      exprNames(s.target, reads, bindHere);
      exprNames(s.value, reads, bindHere);
      return;
    case 'if':
      for (const b of s.branches) {
        exprNames(b.test, reads, bindHere);
        for (const x of b.body) stmtNames(x, out, nested);
      }
      for (const x of s.orelse ?? []) stmtNames(x, out, nested);
      return;
    case 'for':
      targetNames(s.target, reads, bindHere);
      exprNames(s.iter, reads, bindHere);
      for (const x of s.body) stmtNames(x, out, nested);
      for (const x of s.orelse ?? []) stmtNames(x, out, nested);
      return;
    case 'while':
      exprNames(s.test, reads, bindHere);
      for (const x of s.body) stmtNames(x, out, nested);
      for (const x of s.orelse ?? []) stmtNames(x, out, nested);
      return;
    case 'return':
    case 'raise':
      exprNames(s.value, reads, bindHere);
      return;
    case 'assert':
      exprNames(s.test, reads, bindHere);
      return;
    case 'delete':
      for (const t of s.targets) targetNames(t, reads, bindHere);
      return;
    case 'def': {
      const d = s.def;
      bindHere.add(d.name);
      for (const x of d.decorators) exprNames(x, reads, bindHere);
      paramNames(d.params, reads, bindHere);
      for (const x of d.body) stmtNames(x, out, true);
      return;
    }
    case 'class': {
      const d = s.def;
      bindHere.add(d.name);
      for (const x of d.decorators) exprNames(x, reads, bindHere);
      argNames(d.bases, reads, bindHere);
      for (const x of d.body) stmtNames(x, out, true);
      return;
    }
    case 'import':
      for (const n of s.names) if (n.module.length) bindHere.add(n.alias ?? n.module[0]);
      return;
    case 'importfrom':
      if (s.names === '*') return;
      for (const n of s.names) bindHere.add(n.alias ?? n.name);
      return;
    case 'with':
      for (const item of s.items) {
        exprNames(item.expr, reads, bindHere);
        if (item.target) targetNames(item.target, reads, bindHere);
      }
      for (const x of s.body) stmtNames(x, out, nested);
      return;
    case 'try':
      for (const x of s.body) stmtNames(x, out, nested);
      for (const h of s.handlers) {
        exprNames(h.type, reads, bindHere);
        if (h.name) bindHere.add(h.name);
        for (const x of h.body) stmtNames(x, out, nested);
      }
      for (const x of s.orelse ?? []) stmtNames(x, out, nested);
      for (const x of s.final ?? []) stmtNames(x, out, nested);
      return;
    case 'scope':
      // `global x` inside a function lets a call rebind a module name: the function then binds it.
      if (nested) for (const n of s.names) binds.add(n);
      return;
    case 'pass':
    case 'break':
    case 'continue':
    case 'error':
      return;
  }
}

/** True when a statement binds or reads names in ways the analysis above cannot follow. */
function isDynamic(s: Stmt, names: StatementNames): boolean {
  if (s.t === 'importfrom' && s.names === '*') return true;
  for (const n of names.reads) if (DYNAMIC_NAMES.has(n)) return true;
  for (const n of names.binds) if (DYNAMIC_NAMES.has(n)) return true;
  return false;
}

/**
 * The top-level statements of one module, and which of them have run. `take` answers the
 * statements still to run for some names, in source order.
 */
export class ModulePlan {
  private readonly names: StatementNames[];
  private readonly binders = new Map<string, number[]>();
  private readonly ran: boolean[];

  private constructor(private readonly body: readonly Stmt[], names: StatementNames[]) {
    this.names = names;
    this.ran = body.map(() => false);
    names.forEach((n, i) => {
      for (const b of n.binds) {
        const list = this.binders.get(b);
        if (list) list.push(i);
        else this.binders.set(b, [i]);
      }
    });
  }

  /**
   * The plan of a module, or null when it must run whole: it binds names dynamically, or binds
   * one name in several statements.
   */
  static of(body: readonly Stmt[]): ModulePlan | null {
    const names: StatementNames[] = [];
    for (const s of body) {
      const n: StatementNames = { binds: new Set(), reads: new Set() };
      stmtNames(s, n, false);
      if (isDynamic(s, n)) return null;
      names.push(n);
    }
    const plan = new ModulePlan(body, names);
    for (const list of plan.binders.values()) if (list.length > 1) return null;
    return plan;
  }

  /** The statements not yet run that the names need, in source order; they count as run from now on. */
  take(wanted: Iterable<string>): Stmt[] {
    const pending = [...wanted];
    const seen = new Set<string>();
    const picked = new Set<number>();
    while (pending.length) {
      const name = pending.pop()!;
      if (seen.has(name)) continue;
      seen.add(name);
      for (const i of this.binders.get(name) ?? []) {
        if (this.ran[i] || picked.has(i)) continue;
        picked.add(i);
        for (const r of this.names[i].reads) if (!seen.has(r)) pending.push(r);
      }
    }
    const order = [...picked].sort((a, b) => a - b);
    for (const i of order) this.ran[i] = true;
    return order.map((i) => this.body[i]);
  }

  /** Every statement not yet run, in source order (a star import, or a fallback). */
  rest(): Stmt[] {
    const out: Stmt[] = [];
    this.body.forEach((s, i) => {
      if (!this.ran[i]) {
        this.ran[i] = true;
        out.push(s);
      }
    });
    return out;
  }
}
