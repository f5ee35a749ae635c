// Lowering: Lezer's concrete Python tree to the compact syntax of `syntax.ts`, in one linear pass.
// Every Lezer quirk (subscripts as MemberExpression, generator arguments inside ArgList, assignment
// targets as comma-separated children) is handled here once, with one method per syntax kind, so
// the interpreter reads named fields instead of token children.

import type { SyntaxNode } from '@lezer/common';
import type { Arg, At, ClassDef, CompClause, Expr, FunctionDef, Param, Stmt } from './syntax';

/** Nesting of expressions and statements beyond which the syntax is read as an error. */
const MAX_NESTING = 320;

const PUNCT = new Set(['(', ')', '[', ']', '{', '}', ',', ':', ';', '.', '=', '->', 'Comment']);

/** A node's children without comments. */
export function kids(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) if (c.name !== 'Comment') out.push(c);
  return out;
}

/**
 * Whether a function body makes its function a generator: a `yield` expression or statement in the
 * body itself, not in a nested function, lambda or class (those are their own scopes), and never
 * the word in a string or comment (a docstring saying "will yield" is not a generator).
 */
function containsYield(body: SyntaxNode): boolean {
  // A cursor walk: no node objects for the body's tokens (this reads every function body a second
  // time), and no recursion (long expressions nest deeply in Lezer's trees).
  const cursor = body.cursor();
  if (!cursor.firstChild()) return false;
  let depth = 1;
  for (;;) {
    const name = cursor.name;
    if (name === 'YieldExpression' || name === 'YieldStatement') return true;
    if (!OWN_SCOPES.has(name) && cursor.firstChild()) {
      depth++;
      continue;
    }
    while (!cursor.nextSibling()) {
      cursor.parent();
      if (--depth === 0) return false;
    }
  }
}

/** Nodes whose yields belong to another scope, or are words in text. */
const OWN_SCOPES = new Set(['FunctionDefinition', 'ClassDefinition', 'LambdaExpression', 'String', 'FormatString']);

function isExprNode(n: SyntaxNode): boolean {
  // Kept by node name: the grammar has a few hundred, and this runs for most nodes of a file.
  let answer = EXPR_NODE_NAMES.get(n.name);
  if (answer === undefined) {
    answer = !PUNCT.has(n.name) && !/^[a-z]+$/.test(n.name) && n.name !== 'AssignOp' && n.name !== 'TypeDef' && n.name !== '*' && n.name !== '**' && n.name !== 'UpdateOp';
    EXPR_NODE_NAMES.set(n.name, answer);
  }
  return answer;
}

const EXPR_NODE_NAMES = new Map<string, boolean>();

function stringValue(raw: string): string {
  const m = raw.match(/^([a-zA-Z]*)('''|"""|'|")([\s\S]*?)(\2)?$/);
  if (!m) return raw;
  const prefix = m[1].toLowerCase();
  const body = m[3];
  if (prefix.includes('r')) return body;
  return body.replace(/\\(n|t|r|\\|'|"|\n)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c === '\n' ? '' : c));
}

/**
 * Lowers the statements of one source text. Never throws on any tree Lezer produces: what it cannot
 * read becomes an `error` node, and its range is recorded in `errors`.
 */
export class Lowerer {
  /** Syntax errors met so far, in the order they were found. */
  readonly errors: At[] = [];
  private depth = 0;

  constructor(private readonly text: string) {}

  /** Lowers one statement node (a top-level child of the tree, or a body's child) into `out`. */
  statement(n: SyntaxNode, out: Stmt[]): void {
    this.stmtInto(n, out);
  }

  private src(n: At): string {
    return this.text.slice(n.from, n.to);
  }

  private err(n: At, what: string): Expr {
    this.errors.push({ from: n.from, to: n.to });
    return { t: 'error', what, from: n.from, to: n.to };
  }

  /** Splits a node's expression children at commas into a single expression or a tuple. */
  private commaGroup(nodes: SyntaxNode[], from: number, to: number): Expr {
    const elts: Expr[] = [];
    let trailingComma = false;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i];
      if (n.name === ',') {
        trailingComma = true;
        continue;
      }
      trailingComma = false;
      if (n.name === '*') {
        const v = nodes[i + 1];
        if (v) {
          elts.push({ t: 'starred', value: this.expr(v), from: n.from, to: v.to });
          i++;
        }
        continue;
      }
      elts.push(this.expr(n));
    }
    if (elts.length === 1 && !trailingComma) return elts[0];
    return { t: 'tuple', elts, from, to };
  }

  private formatString(n: SyntaxNode): Expr {
    const parts: (string | Expr)[] = [];
    const raw = this.src(n);
    const open = raw.match(/^[a-zA-Z]*('''|"""|'|")/);
    const start = n.from + (open ? open[0].length : 0);
    const quote = open ? open[1].length : 0;
    const end = n.to - (raw.length >= quote * 2 ? quote : 0);
    let pos = start;
    for (const c of kids(n)) {
      if (c.name !== 'FormatReplacement') continue;
      if (c.from > pos) parts.push(this.text.slice(pos, c.from).replace(/\{\{/g, '{').replace(/\}\}/g, '}'));
      const inner = kids(c).filter((k) => isExprNode(k) && k.name !== 'FormatSpec' && k.name !== 'FormatConversion');
      parts.push(inner.length ? this.expr(inner[0]) : { t: 'str', value: '', from: c.from, to: c.to });
      pos = c.to;
    }
    if (end > pos) parts.push(this.text.slice(pos, end).replace(/\{\{/g, '{').replace(/\}\}/g, '}'));
    return { t: 'fstr', parts, from: n.from, to: n.to };
  }

  private params(n: SyntaxNode): Param[] {
    const out: Param[] = [];
    let kind: Param['kind'] = 'pos';
    const cs = kids(n);
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i];
      if (c.name === '*' || c.name === '**') {
        const next = cs[i + 1];
        if (next && next.name === 'VariableName') {
          const p: Param = { name: this.src(next), kind: c.name === '*' ? 'star' : 'dstar', default: null, annotation: null, from: c.from, to: next.to };
          if (cs[i + 2]?.name === 'TypeDef') {
            p.annotation = this.typeDef(cs[i + 2]);
            i++;
          }
          out.push(p);
          i++;
        }
        if (c.name === '*') kind = 'kwonly';
        continue;
      }
      if (c.name === 'VariableName') {
        const p: Param = { name: this.src(c), kind, default: null, annotation: null, from: c.from, to: c.to };
        if (cs[i + 1]?.name === 'TypeDef') {
          p.annotation = this.typeDef(cs[i + 1]);
          i++;
        }
        if (cs[i + 1]?.name === 'AssignOp' && cs[i + 2]) {
          p.default = this.expr(cs[i + 2]);
          p.to = cs[i + 2].to;
          i += 2;
        }
        out.push(p);
      }
    }
    return out;
  }

  private typeDef(n: SyntaxNode): Expr | null {
    const inner = kids(n).filter(isExprNode);
    return inner.length ? this.expr(inner[0]) : null;
  }

  private args(n: SyntaxNode): Arg[] {
    const cs = kids(n);
    if (cs.some((c) => c.name === 'for')) {
      const inner = cs.filter((c) => c.name !== '(' && c.name !== ')');
      const gen = this.comprehension(inner, 'gen', n.from, n.to);
      return [{ kind: 'pos', value: gen, from: n.from, to: n.to }];
    }
    const out: Arg[] = [];
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i];
      if (c.name === '(' || c.name === ')' || c.name === ',') continue;
      if ((c.name === '*' || c.name === '**') && cs[i + 1]) {
        out.push({ kind: c.name === '*' ? 'star' : 'dstar', value: this.expr(cs[i + 1]), from: c.from, to: cs[i + 1].to });
        i++;
        continue;
      }
      if (c.name === 'VariableName' && cs[i + 1]?.name === 'AssignOp' && cs[i + 2]) {
        out.push({ kind: 'kw', name: this.src(c), value: this.expr(cs[i + 2]), from: c.from, to: cs[i + 2].to });
        i += 2;
        continue;
      }
      if (isExprNode(c)) out.push({ kind: 'pos', value: this.expr(c), from: c.from, to: c.to });
    }
    return out;
  }

  /** Builds a comprehension from `elt for a in b if c ...` children (brackets removed). */
  private comprehension(cs: SyntaxNode[], kind: 'list' | 'set' | 'gen' | 'dict', from: number, to: number): Expr {
    let i = 0;
    const head: SyntaxNode[] = [];
    while (i < cs.length && cs[i].name !== 'for') head.push(cs[i++]);
    let elt: Expr;
    let value: Expr | null = null;
    if (kind === 'dict') {
      const colon = head.findIndex((h) => h.name === ':');
      elt = head[0] ? this.expr(head[0]) : this.err({ from, to }, 'comprehension');
      value = colon >= 0 && head[colon + 1] ? this.expr(head[colon + 1]) : null;
    } else elt = head.length ? this.commaGroup(head, head[0].from, head[head.length - 1].to) : this.err({ from, to }, 'comprehension');
    const clauses: CompClause[] = [];
    while (i < cs.length) {
      const c = cs[i];
      if (c.name === 'for') {
        i++;
        const tgt: SyntaxNode[] = [];
        while (i < cs.length && cs[i].name !== 'in') tgt.push(cs[i++]);
        i++;
        const iterNode = cs[i++];
        const target = tgt.length ? this.commaGroup(tgt, tgt[0].from, tgt[tgt.length - 1].to) : this.err(c, 'for target');
        clauses.push({ kind: 'for', target, iter: iterNode ? this.expr(iterNode) : this.err(c, 'for iterable') });
      } else if (c.name === 'if') {
        i++;
        const testNode = cs[i++];
        clauses.push({ kind: 'if', test: testNode ? this.expr(testNode) : this.err(c, 'if') });
      } else i++;
    }
    return { t: 'comp', kind, elt, value, clauses, from, to };
  }

  private expr(n: SyntaxNode): Expr {
    // Deeper nesting than any real model (generated or hostile input) is read as unknown, so that
    // neither this conversion nor the interpreter's recursion can run out of stack.
    if (this.depth >= MAX_NESTING) return this.err(n, 'nesting');
    this.depth++;
    try {
      return this.exprAt(n);
    } finally {
      this.depth--;
    }
  }

  private sliceOrExpr(nodes: SyntaxNode[], end: number): Expr {
    if (!nodes.some((c) => c.name === ':')) return nodes.length === 1 ? this.expr(nodes[0]) : this.commaGroup(nodes, nodes[0].from, end);
    const partsList: (Expr | null)[] = [null];
    for (const c of nodes) {
      if (c.name === ':') partsList.push(null);
      else partsList[partsList.length - 1] = this.expr(c);
    }
    return { t: 'slice', lo: partsList[0] ?? null, hi: partsList[1] ?? null, step: partsList[2] ?? null, from: nodes[0].from, to: nodes[nodes.length - 1].to };
  }

  private body(n: SyntaxNode | undefined): Stmt[] {
    if (!n) return [];
    const out: Stmt[] = [];
    for (const c of kids(n)) {
      if (c.name === ':') continue;
      this.stmtInto(c, out);
    }
    return out;
  }

  private funcDef(n: SyntaxNode, decorators: Expr[], cs: SyntaxNode[] = kids(n)): FunctionDef {
    const nameNode = cs.find((c) => c.name === 'VariableName');
    const pl = cs.find((c) => c.name === 'ParamList');
    const b = cs.find((c) => c.name === 'Body');
    const stmts = this.body(b);
    const isGenerator = b ? containsYield(b) : false;
    return { name: nameNode ? this.src(nameNode) : '_', nameFrom: nameNode ? nameNode.from : n.from, params: pl ? this.params(pl) : [], body: stmts, decorators, isGenerator, from: n.from, to: n.to };
  }

  private classDef(n: SyntaxNode, decorators: Expr[], cs: SyntaxNode[] = kids(n)): ClassDef {
    const nameNode = cs.find((c) => c.name === 'VariableName');
    const al = cs.find((c) => c.name === 'ArgList');
    return { name: nameNode ? this.src(nameNode) : '_', bases: al ? this.args(al) : [], body: this.body(cs.find((c) => c.name === 'Body')), decorators, from: n.from, to: n.to };
  }

  private dottedNames(cs: SyntaxNode[]): string[] {
    return cs.filter((c) => c.name === 'VariableName').map((c) => this.src(c));
  }

  private stmtInto(n: SyntaxNode, out: Stmt[]): void {
    if (this.depth >= MAX_NESTING) {
      this.errors.push({ from: n.from, to: n.to });
      out.push({ t: 'error', what: 'nesting', from: n.from, to: n.to });
      return;
    }
    this.depth++;
    try {
      this.stmtAt(n, out);
    } finally {
      this.depth--;
    }
  }

  /** Lowers one expression node by its syntax kind. */
  private exprAt(n: SyntaxNode): Expr {
    const at = { from: n.from, to: n.to };
    switch (n.name) {
      case 'VariableName':
        return { t: 'name', id: this.src(n), from: at.from, to: at.to };
      case 'Number':
        return this.number(n, at);
      case 'String':
        return { t: 'str', value: stringValue(this.src(n)), from: at.from, to: at.to };
      case 'FormatString':
        return this.formatString(n);
      case 'ContinuedString':
        return this.continuedString(n, at);
      case 'Boolean':
        return { t: 'bool', value: this.src(n) === 'True', from: at.from, to: at.to };
      case 'None':
        return { t: 'none', from: at.from, to: at.to };
      case 'Ellipsis':
        return { t: 'ellipsis', from: at.from, to: at.to };
      case 'ParenthesizedExpression':
        return this.parenthesizedExpression(n);
      case 'TupleExpression':
        return this.tupleExpression(n, at);
      case 'ArrayExpression':
      case 'SetExpression':
        return this.arrayOrSet(n, at);
      case 'DictionaryExpression':
        return this.dictionaryExpression(n, at);
      case 'ArrayComprehensionExpression':
      case 'SetComprehensionExpression':
      case 'DictionaryComprehensionExpression':
      case 'ComprehensionExpression':
        return this.comprehensionExpression(n);
      case 'MemberExpression':
        return this.memberExpression(n, at);
      case 'CallExpression':
        return this.callExpression(n, at);
      case 'BinaryExpression':
        return this.binaryExpression(n, at);
      case 'UnaryExpression':
        return this.unaryExpression(n, at);
      case 'ConditionalExpression':
        return this.conditionalExpression(n, at);
      case 'LambdaExpression':
        return this.lambdaExpression(n, at);
      case 'NamedExpression':
        return this.namedExpression(n, at);
      case 'AwaitExpression':
        return { t: 'error', what: 'await', from: at.from, to: at.to };
      case '⚠':
        return this.err(n, 'syntax');
      default:
        return this.err(n, n.name);
    }
  }

  private number(n: SyntaxNode, at: At): Expr {
    const raw = this.src(n).replace(/_/g, '');
    if (/[jJ]$/.test(raw)) return { t: 'error', what: 'complex number', from: at.from, to: at.to };
    if (/^0[xob]/i.test(raw)) return { t: 'num', value: Number(raw), isFloat: false, from: at.from, to: at.to };
    // A float written without its fraction (`6.`): parse.ts blanked the dot, which follows the node.
    const next = this.text[n.to + 1];
    const trailingDot = this.text[n.to] === '.' && (next === undefined || (!/[A-Za-z0-9_.]/.test(next)));
    const isFloat = trailingDot || /[.eE]/.test(raw);
    return { t: 'num', value: Number(raw), isFloat, from: at.from, to: at.to };
  }

  private continuedString(n: SyntaxNode, at: At): Expr {
    const parts: (string | Expr)[] = [];
    for (const c of kids(n)) {
      const e = this.expr(c);
      if (e.t === 'str') parts.push(e.value);
      else if (e.t === 'fstr') parts.push(...e.parts);
    }
    if (parts.every((p) => typeof p === 'string')) return { t: 'str', value: parts.join(''), from: at.from, to: at.to };
    return { t: 'fstr', parts, from: at.from, to: at.to };
  }

  private parenthesizedExpression(n: SyntaxNode): Expr {
    const inner = kids(n).filter(isExprNode);
    return inner.length ? this.expr(inner[0]) : this.err(n, 'parenthesis');
  }

  private tupleExpression(n: SyntaxNode, at: At): Expr {
    const inner = kids(n).filter((c) => c.name !== '(' && c.name !== ')');
    const g = this.commaGroup(inner, n.from, n.to);
    return g.t === 'tuple' ? g : { t: 'tuple', elts: [g], from: at.from, to: at.to };
  }

  private arrayOrSet(n: SyntaxNode, at: At): Expr {
    const elts: Expr[] = [];
    const cs = kids(n);
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i];
      if (c.name === '*' && cs[i + 1]) {
        elts.push({ t: 'starred', value: this.expr(cs[i + 1]), from: c.from, to: cs[i + 1].to });
        i++;
      } else if (isExprNode(c)) elts.push(this.expr(c));
    }
    return { t: n.name === 'ArrayExpression' ? 'list' : 'set', elts, from: at.from, to: at.to };
  }

  private dictionaryExpression(n: SyntaxNode, at: At): Expr {
    const items: ({ key: Expr; value: Expr } | { spread: Expr })[] = [];
    const cs = kids(n).filter((c) => c.name !== '{' && c.name !== '}' && c.name !== ',');
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i];
      if (c.name === '**' && cs[i + 1]) {
        items.push({ spread: this.expr(cs[i + 1]) });
        i++;
      } else if (cs[i + 1]?.name === ':' && cs[i + 2]) {
        items.push({ key: this.expr(c), value: this.expr(cs[i + 2]) });
        i += 2;
      }
    }
    return { t: 'dict', items, from: at.from, to: at.to };
  }

  private comprehensionExpression(n: SyntaxNode): Expr {
    const cs = kids(n).filter((c) => !['[', ']', '{', '}', '(', ')'].includes(c.name));
    const kind = n.name.startsWith('Array') ? 'list' : n.name.startsWith('Set') ? 'set' : n.name.startsWith('Dict') ? 'dict' : 'gen';
    return this.comprehension(cs, kind, n.from, n.to);
  }

  private memberExpression(n: SyntaxNode, at: At): Expr {
    const cs = kids(n);
    const obj = cs[0] ? this.expr(cs[0]) : this.err(n, 'member');
    if (cs[1]?.name === '.') {
      const prop = cs[2];
      return { t: 'attr', obj, attr: prop ? this.src(prop) : '', attrFrom: prop ? prop.from : n.to, from: at.from, to: at.to };
    }
    // A subscript: split the bracket contents at commas into index items, slices included.
    const inner = cs.slice(2, cs[cs.length - 1]?.name === ']' ? -1 : undefined);
    const index: Expr[] = [];
    let group: SyntaxNode[] = [];
    let sawComma = false;
    const flush = (end: number) => {
      if (group.length === 0) return;
      index.push(this.sliceOrExpr(group, end));
      group = [];
    };
    for (const c of inner) {
      if (c.name === ',') {
        sawComma = true;
        flush(c.from);
      } else group.push(c);
    }
    flush(n.to);
    return { t: 'subscript', obj, index, tupleIndex: sawComma, from: at.from, to: at.to };
  }

  private callExpression(n: SyntaxNode, at: At): Expr {
    const cs = kids(n);
    const fn = cs[0] ? this.expr(cs[0]) : this.err(n, 'call');
    const argList = cs.find((c) => c.name === 'ArgList');
    return { t: 'call', fn, args: argList ? this.args(argList) : [], from: at.from, to: at.to };
  }

  private binaryExpression(n: SyntaxNode, at: At): Expr {
    const cs = kids(n);
    const left = cs[0] ? this.expr(cs[0]) : this.err(n, 'operand');
    const rightNode = cs[cs.length - 1];
    const right = rightNode && rightNode !== cs[0] ? this.expr(rightNode) : this.err(n, 'operand');
    const opNodes = cs.slice(1, -1);
    const op = opNodes.map((o) => this.src(o)).join(' ');
    if (op === 'and' || op === 'or') return { t: 'boolop', op, left, right, from: at.from, to: at.to };
    if (opNodes[0] && (opNodes[0].name === 'CompareOp' || ['in', 'not in', 'is', 'is not'].includes(op))) {
      // Lezer nests `a < b <= c` to the left; Python means `a < b and b <= c`.
      if (left.t === 'compare' && cs[0].name === 'BinaryExpression') {
        const middle = left.right;
        return { t: 'boolop', op: 'and', left, right: { t: 'compare', op, left: middle, right, from: middle.from, to: n.to }, from: at.from, to: at.to };
      }
      if (left.t === 'boolop' && left.op === 'and' && left.right.t === 'compare' && cs[0].name === 'BinaryExpression' && this.src(cs[0]).trim()[0] !== '(') {
        const middle = left.right.right;
        return { t: 'boolop', op: 'and', left, right: { t: 'compare', op, left: middle, right, from: middle.from, to: n.to }, from: at.from, to: at.to };
      }
      return { t: 'compare', op, left, right, from: at.from, to: at.to };
    }
    return { t: 'binop', op, left, right, from: at.from, to: at.to };
  }

  private unaryExpression(n: SyntaxNode, at: At): Expr {
    const cs = kids(n);
    const operand = cs[1] ? this.expr(cs[cs.length - 1]) : this.err(n, 'operand');
    return { t: 'unary', op: cs[0] ? this.src(cs[0]) : '-', operand, from: at.from, to: at.to };
  }

  private conditionalExpression(n: SyntaxNode, at: At): Expr {
    const cs = kids(n).filter(isExprNode);
    if (cs.length < 3) return this.err(n, 'conditional expression');
    return { t: 'ifexp', body: this.expr(cs[0]), test: this.expr(cs[1]), orelse: this.expr(cs[2]), from: at.from, to: at.to };
  }

  private lambdaExpression(n: SyntaxNode, at: At): Expr {
    const cs = kids(n);
    const pl = cs.find((c) => c.name === 'ParamList');
    const body = cs[cs.length - 1];
    return { t: 'lambda', params: pl ? this.params(pl) : [], body: body && isExprNode(body) && body.name !== 'ParamList' ? this.expr(body) : this.err(n, 'lambda'), from: at.from, to: at.to };
  }

  private namedExpression(n: SyntaxNode, at: At): Expr {
    const cs = kids(n);
    return { t: 'walrus', target: cs[0] ? this.src(cs[0]) : '_', value: cs[2] ? this.expr(cs[2]) : this.err(n, 'walrus'), from: at.from, to: at.to };
  }

  /** Lowers one statement node by its syntax kind, appending to `out`. */
  private stmtAt(n: SyntaxNode, out: Stmt[]): void {
    const at = { from: n.from, to: n.to };
    const cs = kids(n);
    switch (n.name) {
      case 'StatementGroup':
        for (const c of cs) if (c.name !== ';') this.stmtInto(c, out);
        return;
      case 'ExpressionStatement':
        out.push({ t: 'expr', value: this.commaGroup(cs, n.from, n.to), from: at.from, to: at.to });
        return;
      case 'AssignStatement':
        this.assignStatement(n, cs, at, out);
        return;
      case 'UpdateStatement':
        this.updateStatement(n, cs, at, out);
        return;
      case 'IfStatement':
        this.ifStatement(n, cs, at, out);
        return;
      case 'ForStatement':
        this.forStatement(n, cs, at, out);
        return;
      case 'WhileStatement':
        this.whileStatement(n, cs, at, out);
        return;
      case 'ReturnStatement':
        this.returnStatement(n, cs, at, out);
        return;
      case 'YieldStatement':
        out.push({ t: 'expr', value: { t: 'error', what: 'yield', from: at.from, to: at.to }, from: at.from, to: at.to });
        return;
      case 'PassStatement':
        out.push({ t: 'pass', from: at.from, to: at.to });
        return;
      case 'BreakStatement':
        out.push({ t: 'break', from: at.from, to: at.to });
        return;
      case 'ContinueStatement':
        out.push({ t: 'continue', from: at.from, to: at.to });
        return;
      case 'FunctionDefinition':
        out.push({ t: 'def', def: this.funcDef(n, [], cs), from: at.from, to: at.to });
        return;
      case 'ClassDefinition':
        out.push({ t: 'class', def: this.classDef(n, [], cs), from: at.from, to: at.to });
        return;
      case 'DecoratedStatement':
        this.decoratedStatement(n, cs, at, out);
        return;
      case 'ImportStatement':
        this.importStatement(n, cs, at, out);
        return;
      case 'WithStatement':
        this.withStatement(n, cs, at, out);
        return;
      case 'TryStatement':
        this.tryStatement(n, cs, at, out);
        return;
      case 'RaiseStatement':
        this.raiseStatement(n, cs, at, out);
        return;
      case 'AssertStatement':
        this.assertStatement(n, cs, at, out);
        return;
      case 'DeleteStatement':
        out.push({ t: 'delete', targets: cs.slice(1).filter(isExprNode).map((c) => this.expr(c)), from: at.from, to: at.to });
        return;
      case 'ScopeStatement':
        out.push({ t: 'scope', names: cs.filter((c) => c.name === 'VariableName').map((c) => this.src(c)), from: at.from, to: at.to });
        return;
      case 'PrintStatement':
      case 'Comment':
        return;
      case '⚠':
        this.errorNode(at, out);
        return;
      default:
        if (cs.length === 0 && /^[a-z]+$/.test(n.name)) return;
        this.errors.push(at);
        out.push({ t: 'error', what: n.name, from: at.from, to: at.to });
    }
  }

  private assignStatement(n: SyntaxNode, cs: SyntaxNode[], at: At, out: Stmt[]): void {
    const groups: SyntaxNode[][] = [[]];
    let annotation: Expr | null = null;
    for (const c of cs) {
      if (c.name === 'AssignOp') groups.push([]);
      else if (c.name === 'TypeDef') annotation = this.typeDef(c);
      else groups[groups.length - 1].push(c);
    }
    const exprs = groups.filter((g) => g.length).map((g) => this.commaGroup(g, g[0].from, g[g.length - 1].to));
    if (groups.length === 1) out.push({ t: 'assign', targets: exprs, value: null, annotation, from: at.from, to: at.to });
    else out.push({ t: 'assign', targets: exprs.slice(0, -1), value: exprs[exprs.length - 1] ?? this.err(n, 'assignment'), annotation, from: at.from, to: at.to });
  }

  private updateStatement(n: SyntaxNode, cs: SyntaxNode[], at: At, out: Stmt[]): void {
    const opIdx = cs.findIndex((c) => c.name === 'UpdateOp');
    if (opIdx < 1 || !cs[opIdx + 1]) {
      out.push({ t: 'error', what: 'update', from: at.from, to: at.to });
      return;
    }
    out.push({ t: 'augassign', target: this.expr(cs[0]), op: this.src(cs[opIdx]).slice(0, -1), value: this.commaGroup(cs.slice(opIdx + 1), cs[opIdx + 1].from, n.to), from: at.from, to: at.to });
  }

  private ifStatement(n: SyntaxNode, cs: SyntaxNode[], at: At, out: Stmt[]): void {
    const branches: { test: Expr; body: Stmt[] }[] = [];
    let orelse: Stmt[] | null = null;
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i];
      if ((c.name === 'if' || c.name === 'elif') && cs[i + 1]) {
        const test = this.expr(cs[i + 1]);
        branches.push({ test, body: this.body(cs[i + 2]?.name === 'Body' ? cs[i + 2] : undefined) });
        i += 2;
      } else if (c.name === 'else') {
        orelse = this.body(cs[i + 1]);
        i++;
      }
    }
    out.push({ t: 'if', branches, orelse, from: at.from, to: at.to });
  }

  private forStatement(n: SyntaxNode, cs: SyntaxNode[], at: At, out: Stmt[]): void {
    const forIdx = cs.findIndex((c) => c.name === 'for');
    const inIdx = cs.findIndex((c) => c.name === 'in');
    const bodies = cs.filter((c) => c.name === 'Body');
    const tgt = cs.slice(forIdx + 1, inIdx);
    const iterNodes = cs.slice(inIdx + 1).filter((c) => c.name !== 'Body' && c.name !== 'else');
    if (inIdx < 0 || tgt.length === 0 || iterNodes.length === 0) {
      out.push({ t: 'error', what: 'for', from: at.from, to: at.to });
      this.errors.push(at);
      return;
    }
    out.push({
      t: 'for',
      target: this.commaGroup(tgt, tgt[0].from, tgt[tgt.length - 1].to),
      iter: this.commaGroup(iterNodes, iterNodes[0].from, iterNodes[iterNodes.length - 1].to),
      body: this.body(bodies[0]),
      orelse: bodies[1] ? this.body(bodies[1]) : null,
      from: at.from,
      to: at.to,
    });
  }

  private whileStatement(n: SyntaxNode, cs: SyntaxNode[], at: At, out: Stmt[]): void {
    const bodies = cs.filter((c) => c.name === 'Body');
    out.push({ t: 'while', test: cs[1] ? this.expr(cs[1]) : this.err(n, 'while'), body: this.body(bodies[0]), orelse: bodies[1] ? this.body(bodies[1]) : null, from: at.from, to: at.to });
  }

  private returnStatement(n: SyntaxNode, cs: SyntaxNode[], at: At, out: Stmt[]): void {
    const rest = cs.slice(1);
    out.push({ t: 'return', value: rest.length ? this.commaGroup(rest, rest[0].from, n.to) : null, from: at.from, to: at.to });
  }

  private decoratedStatement(n: SyntaxNode, cs: SyntaxNode[], at: At, out: Stmt[]): void {
    const decorators = cs.filter((c) => c.name === 'Decorator').map((d) => {
      const inner = kids(d).filter((k) => k.name !== 'At');
      // A decorator's children are a dotted name optionally followed by an argument list.
      let e: Expr | null = null;
      for (const k of inner) {
        if (k.name === 'VariableName' && !e) e = { t: 'name', id: this.src(k), from: k.from, to: k.to };
        else if (k.name === 'VariableName' && e) e = { t: 'attr', obj: e, attr: this.src(k), attrFrom: k.from, from: e.from, to: k.to };
        else if (k.name === 'ArgList' && e) e = { t: 'call', fn: e, args: this.args(k), from: e.from, to: k.to };
      }
      return e ?? { t: 'error' as const, what: 'decorator', from: d.from, to: d.to };
    });
    const target = cs.find((c) => c.name === 'FunctionDefinition' || c.name === 'ClassDefinition');
    if (target?.name === 'FunctionDefinition') out.push({ t: 'def', def: this.funcDef(target, decorators), from: at.from, to: at.to });
    else if (target) out.push({ t: 'class', def: this.classDef(target, decorators), from: at.from, to: at.to });
  }

  private importStatement(n: SyntaxNode, cs: SyntaxNode[], at: At, out: Stmt[]): void {
    if (cs[0]?.name === 'from') {
      let i = 1;
      let level = 0;
      const module: string[] = [];
      for (; i < cs.length && cs[i].name !== 'import'; i++) {
        if (cs[i].name === '.') level++;
        else if (cs[i].name === 'Ellipsis') level += 3;
        else if (cs[i].name === 'VariableName') module.push(this.src(cs[i]));
      }
      // Dots between module names are separators, not levels: count only leading dots.
      level = 0;
      for (let j = 1; j < cs.length && (cs[j].name === '.' || cs[j].name === 'Ellipsis'); j++) level += cs[j].name === '.' ? 1 : 3;
      const rest = cs.slice(i + 1);
      if (rest.some((c) => c.name === '*')) {
        out.push({ t: 'importfrom', level, module, names: '*', from: at.from, to: at.to });
        return;
      }
      const names: { name: string; alias: string | null }[] = [];
      for (let j = 0; j < rest.length; j++) {
        if (rest[j].name !== 'VariableName') continue;
        const entry = { name: this.src(rest[j]), alias: null as string | null };
        if (rest[j + 1]?.name === 'as' && rest[j + 2]) {
          entry.alias = this.src(rest[j + 2]);
          j += 2;
        }
        names.push(entry);
      }
      out.push({ t: 'importfrom', level, module, names, from: at.from, to: at.to });
      return;
    }
    const names: { module: string[]; alias: string | null }[] = [];
    let cur: SyntaxNode[] = [];
    let alias: string | null = null;
    const flush = () => {
      if (cur.length) names.push({ module: this.dottedNames(cur), alias });
      cur = [];
      alias = null;
    };
    for (let j = 1; j < cs.length; j++) {
      const c = cs[j];
      if (c.name === ',') flush();
      else if (c.name === 'as' && cs[j + 1]) {
        alias = this.src(cs[j + 1]);
        j++;
      } else cur.push(c);
    }
    flush();
    out.push({ t: 'import', names, from: at.from, to: at.to });
  }

  private withStatement(n: SyntaxNode, cs: SyntaxNode[], at: At, out: Stmt[]): void {
    const items: { expr: Expr; target: Expr | null }[] = [];
    const inner = cs.filter((c) => c.name !== 'with' && c.name !== 'Body' && c.name !== 'async');
    for (let i = 0; i < inner.length; i++) {
      const c = inner[i];
      if (c.name === ',' || !isExprNode(c)) continue;
      const item = { expr: this.expr(c), target: null as Expr | null };
      if (inner[i + 1]?.name === 'as' && inner[i + 2]) {
        item.target = this.expr(inner[i + 2]);
        i += 2;
      }
      items.push(item);
    }
    out.push({ t: 'with', items, body: this.body(cs.find((c) => c.name === 'Body')), from: at.from, to: at.to });
  }

  private tryStatement(n: SyntaxNode, cs: SyntaxNode[], at: At, out: Stmt[]): void {
    let tryBody: Stmt[] = [];
    const handlers: { type: Expr | null; name: string | null; body: Stmt[] }[] = [];
    let orelse: Stmt[] | null = null;
    let final: Stmt[] | null = null;
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i];
      if (c.name === 'try') tryBody = this.body(cs[i + 1]);
      else if (c.name === 'except') {
        let type: Expr | null = null;
        let name: string | null = null;
        let j = i + 1;
        for (; j < cs.length && cs[j].name !== 'Body'; j++) {
          if (cs[j].name === 'as' && cs[j + 1]) {
            name = this.src(cs[j + 1]);
            j++;
          } else if (isExprNode(cs[j]) && !type) type = this.expr(cs[j]);
        }
        handlers.push({ type, name, body: this.body(cs[j]) });
        i = j;
      } else if (c.name === 'else') orelse = this.body(cs[i + 1]);
      else if (c.name === 'finally') final = this.body(cs[i + 1]);
    }
    out.push({ t: 'try', body: tryBody, handlers, orelse, final, from: at.from, to: at.to });
  }

  private raiseStatement(n: SyntaxNode, cs: SyntaxNode[], at: At, out: Stmt[]): void {
    const e = cs.slice(1).find(isExprNode);
    out.push({ t: 'raise', value: e ? this.expr(e) : null, from: at.from, to: at.to });
  }

  private assertStatement(n: SyntaxNode, cs: SyntaxNode[], at: At, out: Stmt[]): void {
    const e = cs.slice(1).find(isExprNode);
    out.push({ t: 'assert', test: e ? this.expr(e) : this.err(n, 'assert'), from: at.from, to: at.to });
  }

  private errorNode(at: At, out: Stmt[]): void {
    this.errors.push(at);
    out.push({ t: 'error', what: 'syntax', from: at.from, to: at.to });
  }
}
