// A compact syntax tree built from Lezer's concrete tree in one linear pass. The interpreter reads
// named fields instead of walking token children, which keeps it short and fast, and every Lezer
// quirk (subscripts as MemberExpression, generator arguments inside ArgList, assignment targets as
// comma-separated children) is handled here once.

import type { SyntaxNode, Tree } from '@lezer/common';

/** Fields every node carries: its source range. */
interface At {
  from: number;
  to: number;
}

/** One call argument. */
export type Arg = At & { kind: 'pos' | 'star' | 'kw' | 'dstar'; name?: string; value: Expr };

/** One function parameter. */
export interface Param {
  name: string;
  kind: 'pos' | 'kwonly' | 'star' | 'dstar';
  default: Expr | null;
  annotation: Expr | null;
  from: number;
  to: number;
}

/** A `for` or `if` clause of a comprehension. */
export type CompClause = { kind: 'for'; target: Expr; iter: Expr } | { kind: 'if'; test: Expr };

/** An expression. */
export type Expr = At &
  (
    | { t: 'name'; id: string }
    | { t: 'num'; value: number; isFloat: boolean }
    | { t: 'str'; value: string }
    | { t: 'fstr'; parts: (string | Expr)[] }
    | { t: 'bool'; value: boolean }
    | { t: 'none' }
    | { t: 'ellipsis' }
    | { t: 'tuple'; elts: Expr[] }
    | { t: 'list'; elts: Expr[] }
    | { t: 'set'; elts: Expr[] }
    | { t: 'dict'; items: ({ key: Expr; value: Expr } | { spread: Expr })[] }
    | { t: 'starred'; value: Expr }
    | { t: 'attr'; obj: Expr; attr: string; attrFrom: number }
    | { t: 'subscript'; obj: Expr; index: Expr[]; tupleIndex: boolean }
    | { t: 'slice'; lo: Expr | null; hi: Expr | null; step: Expr | null }
    | { t: 'call'; fn: Expr; args: Arg[] }
    | { t: 'binop'; op: string; left: Expr; right: Expr }
    | { t: 'boolop'; op: 'and' | 'or'; left: Expr; right: Expr }
    | { t: 'compare'; op: string; left: Expr; right: Expr }
    | { t: 'unary'; op: string; operand: Expr }
    | { t: 'ifexp'; body: Expr; test: Expr; orelse: Expr }
    | { t: 'lambda'; params: Param[]; body: Expr }
    | { t: 'comp'; kind: 'list' | 'set' | 'gen' | 'dict'; elt: Expr; value: Expr | null; clauses: CompClause[] }
    | { t: 'walrus'; target: string; value: Expr }
    | { t: 'error'; what: string }
  );

/** A function definition, shared by `def` statements and methods. */
export interface FunctionDef extends At {
  name: string;
  nameFrom: number;
  params: Param[];
  body: Stmt[];
  decorators: Expr[];
  isGenerator: boolean;
}

/** A class definition. */
export interface ClassDef extends At {
  name: string;
  bases: Arg[];
  body: Stmt[];
  decorators: Expr[];
}

/** A statement. */
export type Stmt = At &
  (
    | { t: 'expr'; value: Expr }
    | { t: 'assign'; targets: Expr[]; value: Expr | null; annotation: Expr | null }
    | { t: 'augassign'; target: Expr; op: string; value: Expr }
    | { t: 'if'; branches: { test: Expr; body: Stmt[] }[]; orelse: Stmt[] | null }
    | { t: 'for'; target: Expr; iter: Expr; body: Stmt[]; orelse: Stmt[] | null }
    | { t: 'while'; test: Expr; body: Stmt[]; orelse: Stmt[] | null }
    | { t: 'return'; value: Expr | null }
    | { t: 'pass' }
    | { t: 'break' }
    | { t: 'continue' }
    | { t: 'def'; def: FunctionDef }
    | { t: 'class'; def: ClassDef }
    | { t: 'import'; names: { module: string[]; alias: string | null }[] }
    | { t: 'importfrom'; level: number; module: string[]; names: { name: string; alias: string | null }[] | '*' }
    | { t: 'with'; items: { expr: Expr; target: Expr | null }[]; body: Stmt[] }
    | { t: 'try'; body: Stmt[]; handlers: { type: Expr | null; name: string | null; body: Stmt[] }[]; orelse: Stmt[] | null; final: Stmt[] | null }
    | { t: 'raise'; value: Expr | null }
    | { t: 'assert'; test: Expr }
    | { t: 'delete'; targets: Expr[] }
    | { t: 'scope'; names: string[] }
    | { t: 'error'; what: string }
  );

/** A parsed module: its statements and the syntax errors found while converting. */
export interface Module {
  body: Stmt[];
  errors: At[];
}

/** Nesting of expressions and statements beyond which the syntax is read as an error. */
const MAX_NESTING = 320;

const PUNCT = new Set(['(', ')', '[', ']', '{', '}', ',', ':', ';', '.', '=', '->', 'Comment']);

function kids(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) if (c.name !== 'Comment') out.push(c);
  return out;
}

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
  const errors: At[] = [];
  let depth = 0;
  const src = (n: At) => text.slice(n.from, n.to);

  function err(n: At, what: string): Expr {
    errors.push({ from: n.from, to: n.to });
    return { t: 'error', what, from: n.from, to: n.to };
  }

  function isExprNode(n: SyntaxNode): boolean {
    return !PUNCT.has(n.name) && !/^[a-z]+$/.test(n.name) && n.name !== 'AssignOp' && n.name !== 'TypeDef' && n.name !== '*' && n.name !== '**' && n.name !== 'UpdateOp';
  }

  /** Splits a node's expression children at commas into a single expression or a tuple. */
  function commaGroup(nodes: SyntaxNode[], from: number, to: number): Expr {
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
          elts.push({ t: 'starred', value: expr(v), from: n.from, to: v.to });
          i++;
        }
        continue;
      }
      elts.push(expr(n));
    }
    if (elts.length === 1 && !trailingComma) return elts[0];
    return { t: 'tuple', elts, from, to };
  }

  function stringValue(raw: string): string {
    const m = raw.match(/^([a-zA-Z]*)('''|"""|'|")([\s\S]*?)(\2)?$/);
    if (!m) return raw;
    const prefix = m[1].toLowerCase();
    const body = m[3];
    if (prefix.includes('r')) return body;
    return body.replace(/\\(n|t|r|\\|'|"|\n)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c === '\n' ? '' : c));
  }

  function formatString(n: SyntaxNode): Expr {
    const parts: (string | Expr)[] = [];
    const raw = src(n);
    const open = raw.match(/^[a-zA-Z]*('''|"""|'|")/);
    const start = n.from + (open ? open[0].length : 0);
    const quote = open ? open[1].length : 0;
    const end = n.to - (raw.length >= quote * 2 ? quote : 0);
    let pos = start;
    for (const c of kids(n)) {
      if (c.name !== 'FormatReplacement') continue;
      if (c.from > pos) parts.push(text.slice(pos, c.from).replace(/\{\{/g, '{').replace(/\}\}/g, '}'));
      const inner = kids(c).filter((k) => isExprNode(k) && k.name !== 'FormatSpec' && k.name !== 'FormatConversion');
      parts.push(inner.length ? expr(inner[0]) : { t: 'str', value: '', from: c.from, to: c.to });
      pos = c.to;
    }
    if (end > pos) parts.push(text.slice(pos, end).replace(/\{\{/g, '{').replace(/\}\}/g, '}'));
    return { t: 'fstr', parts, from: n.from, to: n.to };
  }

  function params(n: SyntaxNode): Param[] {
    const out: Param[] = [];
    let kind: Param['kind'] = 'pos';
    const cs = kids(n);
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i];
      if (c.name === '*' || c.name === '**') {
        const next = cs[i + 1];
        if (next && next.name === 'VariableName') {
          const p: Param = { name: src(next), kind: c.name === '*' ? 'star' : 'dstar', default: null, annotation: null, from: c.from, to: next.to };
          if (cs[i + 2]?.name === 'TypeDef') {
            p.annotation = typeDef(cs[i + 2]);
            i++;
          }
          out.push(p);
          i++;
        }
        if (c.name === '*') kind = 'kwonly';
        continue;
      }
      if (c.name === 'VariableName') {
        const p: Param = { name: src(c), kind, default: null, annotation: null, from: c.from, to: c.to };
        if (cs[i + 1]?.name === 'TypeDef') {
          p.annotation = typeDef(cs[i + 1]);
          i++;
        }
        if (cs[i + 1]?.name === 'AssignOp' && cs[i + 2]) {
          p.default = expr(cs[i + 2]);
          p.to = cs[i + 2].to;
          i += 2;
        }
        out.push(p);
      }
    }
    return out;
  }

  function typeDef(n: SyntaxNode): Expr | null {
    const inner = kids(n).filter(isExprNode);
    return inner.length ? expr(inner[0]) : null;
  }

  function args(n: SyntaxNode): Arg[] {
    const cs = kids(n);
    if (cs.some((c) => c.name === 'for')) {
      const inner = cs.filter((c) => c.name !== '(' && c.name !== ')');
      const gen = comprehension(inner, 'gen', n.from, n.to);
      return [{ kind: 'pos', value: gen, from: n.from, to: n.to }];
    }
    const out: Arg[] = [];
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i];
      if (c.name === '(' || c.name === ')' || c.name === ',') continue;
      if ((c.name === '*' || c.name === '**') && cs[i + 1]) {
        out.push({ kind: c.name === '*' ? 'star' : 'dstar', value: expr(cs[i + 1]), from: c.from, to: cs[i + 1].to });
        i++;
        continue;
      }
      if (c.name === 'VariableName' && cs[i + 1]?.name === 'AssignOp' && cs[i + 2]) {
        out.push({ kind: 'kw', name: src(c), value: expr(cs[i + 2]), from: c.from, to: cs[i + 2].to });
        i += 2;
        continue;
      }
      if (isExprNode(c)) out.push({ kind: 'pos', value: expr(c), from: c.from, to: c.to });
    }
    return out;
  }

  /** Builds a comprehension from `elt for a in b if c ...` children (brackets removed). */
  function comprehension(cs: SyntaxNode[], kind: 'list' | 'set' | 'gen' | 'dict', from: number, to: number): Expr {
    let i = 0;
    const head: SyntaxNode[] = [];
    while (i < cs.length && cs[i].name !== 'for') head.push(cs[i++]);
    let elt: Expr;
    let value: Expr | null = null;
    if (kind === 'dict') {
      const colon = head.findIndex((h) => h.name === ':');
      elt = head[0] ? expr(head[0]) : err({ from, to }, 'comprehension');
      value = colon >= 0 && head[colon + 1] ? expr(head[colon + 1]) : null;
    } else elt = head.length ? commaGroup(head, head[0].from, head[head.length - 1].to) : err({ from, to }, 'comprehension');
    const clauses: CompClause[] = [];
    while (i < cs.length) {
      const c = cs[i];
      if (c.name === 'for') {
        i++;
        const tgt: SyntaxNode[] = [];
        while (i < cs.length && cs[i].name !== 'in') tgt.push(cs[i++]);
        i++;
        const iterNode = cs[i++];
        const target = tgt.length ? commaGroup(tgt, tgt[0].from, tgt[tgt.length - 1].to) : err(c, 'for target');
        clauses.push({ kind: 'for', target, iter: iterNode ? expr(iterNode) : err(c, 'for iterable') });
      } else if (c.name === 'if') {
        i++;
        const testNode = cs[i++];
        clauses.push({ kind: 'if', test: testNode ? expr(testNode) : err(c, 'if') });
      } else i++;
    }
    return { t: 'comp', kind, elt, value, clauses, from, to };
  }

  function expr(n: SyntaxNode): Expr {
    // Deeper nesting than any real model (generated or hostile input) is read as unknown, so that
    // neither this conversion nor the interpreter's recursion can run out of stack.
    if (depth >= MAX_NESTING) return err(n, 'nesting');
    depth++;
    try {
      return exprAt(n);
    } finally {
      depth--;
    }
  }

  function exprAt(n: SyntaxNode): Expr {
    const at = { from: n.from, to: n.to };
    switch (n.name) {
      case 'VariableName':
        return { t: 'name', id: src(n), ...at };
      case 'Number': {
        const raw = src(n).replace(/_/g, '');
        if (/[jJ]$/.test(raw)) return { t: 'error', what: 'complex number', ...at };
        if (/^0[xob]/i.test(raw)) return { t: 'num', value: Number(raw), isFloat: false, ...at };
        const isFloat = /[.eE]/.test(raw);
        return { t: 'num', value: Number(raw), isFloat, ...at };
      }
      case 'String':
        return { t: 'str', value: stringValue(src(n)), ...at };
      case 'FormatString':
        return formatString(n);
      case 'ContinuedString': {
        const parts: (string | Expr)[] = [];
        for (const c of kids(n)) {
          const e = expr(c);
          if (e.t === 'str') parts.push(e.value);
          else if (e.t === 'fstr') parts.push(...e.parts);
        }
        if (parts.every((p) => typeof p === 'string')) return { t: 'str', value: parts.join(''), ...at };
        return { t: 'fstr', parts, ...at };
      }
      case 'Boolean':
        return { t: 'bool', value: src(n) === 'True', ...at };
      case 'None':
        return { t: 'none', ...at };
      case 'Ellipsis':
        return { t: 'ellipsis', ...at };
      case 'ParenthesizedExpression': {
        const inner = kids(n).filter(isExprNode);
        return inner.length ? expr(inner[0]) : err(n, 'parenthesis');
      }
      case 'TupleExpression': {
        const inner = kids(n).filter((c) => c.name !== '(' && c.name !== ')');
        const g = commaGroup(inner, n.from, n.to);
        return g.t === 'tuple' ? g : { t: 'tuple', elts: [g], ...at };
      }
      case 'ArrayExpression':
      case 'SetExpression': {
        const elts: Expr[] = [];
        const cs = kids(n);
        for (let i = 0; i < cs.length; i++) {
          const c = cs[i];
          if (c.name === '*' && cs[i + 1]) {
            elts.push({ t: 'starred', value: expr(cs[i + 1]), from: c.from, to: cs[i + 1].to });
            i++;
          } else if (isExprNode(c)) elts.push(expr(c));
        }
        return { t: n.name === 'ArrayExpression' ? 'list' : 'set', elts, ...at };
      }
      case 'DictionaryExpression': {
        const items: ({ key: Expr; value: Expr } | { spread: Expr })[] = [];
        const cs = kids(n).filter((c) => c.name !== '{' && c.name !== '}' && c.name !== ',');
        for (let i = 0; i < cs.length; i++) {
          const c = cs[i];
          if (c.name === '**' && cs[i + 1]) {
            items.push({ spread: expr(cs[i + 1]) });
            i++;
          } else if (cs[i + 1]?.name === ':' && cs[i + 2]) {
            items.push({ key: expr(c), value: expr(cs[i + 2]) });
            i += 2;
          }
        }
        return { t: 'dict', items, ...at };
      }
      case 'ArrayComprehensionExpression':
      case 'SetComprehensionExpression':
      case 'DictionaryComprehensionExpression':
      case 'ComprehensionExpression': {
        const cs = kids(n).filter((c) => !['[', ']', '{', '}', '(', ')'].includes(c.name));
        const kind = n.name.startsWith('Array') ? 'list' : n.name.startsWith('Set') ? 'set' : n.name.startsWith('Dict') ? 'dict' : 'gen';
        return comprehension(cs, kind, n.from, n.to);
      }
      case 'MemberExpression': {
        const cs = kids(n);
        const obj = cs[0] ? expr(cs[0]) : err(n, 'member');
        if (cs[1]?.name === '.') {
          const prop = cs[2];
          return { t: 'attr', obj, attr: prop ? src(prop) : '', attrFrom: prop ? prop.from : n.to, ...at };
        }
        // A subscript: split the bracket contents at commas into index items, slices included.
        const inner = cs.slice(2, cs[cs.length - 1]?.name === ']' ? -1 : undefined);
        const index: Expr[] = [];
        let group: SyntaxNode[] = [];
        let sawComma = false;
        const flush = (end: number) => {
          if (group.length === 0) return;
          index.push(sliceOrExpr(group, end));
          group = [];
        };
        for (const c of inner) {
          if (c.name === ',') {
            sawComma = true;
            flush(c.from);
          } else group.push(c);
        }
        flush(n.to);
        return { t: 'subscript', obj, index, tupleIndex: sawComma, ...at };
      }
      case 'CallExpression': {
        const cs = kids(n);
        const fn = cs[0] ? expr(cs[0]) : err(n, 'call');
        const argList = cs.find((c) => c.name === 'ArgList');
        return { t: 'call', fn, args: argList ? args(argList) : [], ...at };
      }
      case 'BinaryExpression': {
        const cs = kids(n);
        const left = cs[0] ? expr(cs[0]) : err(n, 'operand');
        const rightNode = cs[cs.length - 1];
        const right = rightNode && rightNode !== cs[0] ? expr(rightNode) : err(n, 'operand');
        const opNodes = cs.slice(1, -1);
        const op = opNodes.map((o) => src(o)).join(' ');
        if (op === 'and' || op === 'or') return { t: 'boolop', op, left, right, ...at };
        if (opNodes[0] && (opNodes[0].name === 'CompareOp' || ['in', 'not in', 'is', 'is not'].includes(op))) {
          // Lezer nests `a < b <= c` to the left; Python means `a < b and b <= c`.
          if (left.t === 'compare' && cs[0].name === 'BinaryExpression') {
            const middle = left.right;
            return { t: 'boolop', op: 'and', left, right: { t: 'compare', op, left: middle, right, from: middle.from, to: n.to }, ...at };
          }
          if (left.t === 'boolop' && left.op === 'and' && left.right.t === 'compare' && cs[0].name === 'BinaryExpression' && src(cs[0]).trim()[0] !== '(') {
            const middle = left.right.right;
            return { t: 'boolop', op: 'and', left, right: { t: 'compare', op, left: middle, right, from: middle.from, to: n.to }, ...at };
          }
          return { t: 'compare', op, left, right, ...at };
        }
        return { t: 'binop', op, left, right, ...at };
      }
      case 'UnaryExpression': {
        const cs = kids(n);
        const operand = cs[1] ? expr(cs[cs.length - 1]) : err(n, 'operand');
        return { t: 'unary', op: cs[0] ? src(cs[0]) : '-', operand, ...at };
      }
      case 'ConditionalExpression': {
        const cs = kids(n).filter(isExprNode);
        if (cs.length < 3) return err(n, 'conditional expression');
        return { t: 'ifexp', body: expr(cs[0]), test: expr(cs[1]), orelse: expr(cs[2]), ...at };
      }
      case 'LambdaExpression': {
        const cs = kids(n);
        const pl = cs.find((c) => c.name === 'ParamList');
        const body = cs[cs.length - 1];
        return { t: 'lambda', params: pl ? params(pl) : [], body: body && isExprNode(body) && body.name !== 'ParamList' ? expr(body) : err(n, 'lambda'), ...at };
      }
      case 'NamedExpression': {
        const cs = kids(n);
        return { t: 'walrus', target: cs[0] ? src(cs[0]) : '_', value: cs[2] ? expr(cs[2]) : err(n, 'walrus'), ...at };
      }
      case 'AwaitExpression':
        return { t: 'error', what: 'await', ...at };
      case '⚠':
        return err(n, 'syntax');
      default:
        return err(n, n.name);
    }
  }

  function sliceOrExpr(nodes: SyntaxNode[], end: number): Expr {
    if (!nodes.some((c) => c.name === ':')) return nodes.length === 1 ? expr(nodes[0]) : commaGroup(nodes, nodes[0].from, end);
    const partsList: (Expr | null)[] = [null];
    for (const c of nodes) {
      if (c.name === ':') partsList.push(null);
      else partsList[partsList.length - 1] = expr(c);
    }
    return { t: 'slice', lo: partsList[0] ?? null, hi: partsList[1] ?? null, step: partsList[2] ?? null, from: nodes[0].from, to: nodes[nodes.length - 1].to };
  }

  function body(n: SyntaxNode | undefined): Stmt[] {
    if (!n) return [];
    const out: Stmt[] = [];
    for (const c of kids(n)) {
      if (c.name === ':') continue;
      stmtInto(c, out);
    }
    return out;
  }

  function funcDef(n: SyntaxNode, decorators: Expr[]): FunctionDef {
    const cs = kids(n);
    const nameNode = cs.find((c) => c.name === 'VariableName');
    const pl = cs.find((c) => c.name === 'ParamList');
    const b = cs.find((c) => c.name === 'Body');
    const stmts = body(b);
    const isGenerator = b ? /\byield\b/.test(src(b)) : false;
    return { name: nameNode ? src(nameNode) : '_', nameFrom: nameNode ? nameNode.from : n.from, params: pl ? params(pl) : [], body: stmts, decorators, isGenerator, from: n.from, to: n.to };
  }

  function classDef(n: SyntaxNode, decorators: Expr[]): ClassDef {
    const cs = kids(n);
    const nameNode = cs.find((c) => c.name === 'VariableName');
    const al = cs.find((c) => c.name === 'ArgList');
    return { name: nameNode ? src(nameNode) : '_', bases: al ? args(al) : [], body: body(cs.find((c) => c.name === 'Body')), decorators, from: n.from, to: n.to };
  }

  function dottedNames(cs: SyntaxNode[]): string[] {
    return cs.filter((c) => c.name === 'VariableName').map(src);
  }

  function stmtInto(n: SyntaxNode, out: Stmt[]): void {
    if (depth >= MAX_NESTING) {
      errors.push({ from: n.from, to: n.to });
      out.push({ t: 'error', what: 'nesting', from: n.from, to: n.to });
      return;
    }
    depth++;
    try {
      stmtAt(n, out);
    } finally {
      depth--;
    }
  }

  function stmtAt(n: SyntaxNode, out: Stmt[]): void {
    const at = { from: n.from, to: n.to };
    const cs = kids(n);
    switch (n.name) {
      case 'StatementGroup':
        for (const c of cs) if (c.name !== ';') stmtInto(c, out);
        return;
      case 'ExpressionStatement':
        out.push({ t: 'expr', value: commaGroup(cs, n.from, n.to), ...at });
        return;
      case 'AssignStatement': {
        const groups: SyntaxNode[][] = [[]];
        let annotation: Expr | null = null;
        for (const c of cs) {
          if (c.name === 'AssignOp') groups.push([]);
          else if (c.name === 'TypeDef') annotation = typeDef(c);
          else groups[groups.length - 1].push(c);
        }
        const exprs = groups.filter((g) => g.length).map((g) => commaGroup(g, g[0].from, g[g.length - 1].to));
        if (groups.length === 1) out.push({ t: 'assign', targets: exprs, value: null, annotation, ...at });
        else out.push({ t: 'assign', targets: exprs.slice(0, -1), value: exprs[exprs.length - 1] ?? err(n, 'assignment'), annotation, ...at });
        return;
      }
      case 'UpdateStatement': {
        const opIdx = cs.findIndex((c) => c.name === 'UpdateOp');
        if (opIdx < 1 || !cs[opIdx + 1]) {
          out.push({ t: 'error', what: 'update', ...at });
          return;
        }
        out.push({ t: 'augassign', target: expr(cs[0]), op: src(cs[opIdx]).slice(0, -1), value: commaGroup(cs.slice(opIdx + 1), cs[opIdx + 1].from, n.to), ...at });
        return;
      }
      case 'IfStatement': {
        const branches: { test: Expr; body: Stmt[] }[] = [];
        let orelse: Stmt[] | null = null;
        for (let i = 0; i < cs.length; i++) {
          const c = cs[i];
          if ((c.name === 'if' || c.name === 'elif') && cs[i + 1]) {
            const test = expr(cs[i + 1]);
            branches.push({ test, body: body(cs[i + 2]?.name === 'Body' ? cs[i + 2] : undefined) });
            i += 2;
          } else if (c.name === 'else') {
            orelse = body(cs[i + 1]);
            i++;
          }
        }
        out.push({ t: 'if', branches, orelse, ...at });
        return;
      }
      case 'ForStatement': {
        const forIdx = cs.findIndex((c) => c.name === 'for');
        const inIdx = cs.findIndex((c) => c.name === 'in');
        const bodies = cs.filter((c) => c.name === 'Body');
        const tgt = cs.slice(forIdx + 1, inIdx);
        const iterNodes = cs.slice(inIdx + 1).filter((c) => c.name !== 'Body' && c.name !== 'else');
        if (inIdx < 0 || tgt.length === 0 || iterNodes.length === 0) {
          out.push({ t: 'error', what: 'for', ...at });
          errors.push(at);
          return;
        }
        out.push({
          t: 'for',
          target: commaGroup(tgt, tgt[0].from, tgt[tgt.length - 1].to),
          iter: commaGroup(iterNodes, iterNodes[0].from, iterNodes[iterNodes.length - 1].to),
          body: body(bodies[0]),
          orelse: bodies[1] ? body(bodies[1]) : null,
          ...at,
        });
        return;
      }
      case 'WhileStatement': {
        const bodies = cs.filter((c) => c.name === 'Body');
        out.push({ t: 'while', test: cs[1] ? expr(cs[1]) : err(n, 'while'), body: body(bodies[0]), orelse: bodies[1] ? body(bodies[1]) : null, ...at });
        return;
      }
      case 'ReturnStatement': {
        const rest = cs.slice(1);
        out.push({ t: 'return', value: rest.length ? commaGroup(rest, rest[0].from, n.to) : null, ...at });
        return;
      }
      case 'YieldStatement':
        out.push({ t: 'expr', value: { t: 'error', what: 'yield', ...at }, ...at });
        return;
      case 'PassStatement':
        out.push({ t: 'pass', ...at });
        return;
      case 'BreakStatement':
        out.push({ t: 'break', ...at });
        return;
      case 'ContinueStatement':
        out.push({ t: 'continue', ...at });
        return;
      case 'FunctionDefinition':
        out.push({ t: 'def', def: funcDef(n, []), ...at });
        return;
      case 'ClassDefinition':
        out.push({ t: 'class', def: classDef(n, []), ...at });
        return;
      case 'DecoratedStatement': {
        const decorators = cs.filter((c) => c.name === 'Decorator').map((d) => {
          const inner = kids(d).filter((k) => k.name !== 'At');
          // A decorator's children are a dotted name optionally followed by an argument list.
          let e: Expr | null = null;
          for (const k of inner) {
            if (k.name === 'VariableName' && !e) e = { t: 'name', id: src(k), from: k.from, to: k.to };
            else if (k.name === 'VariableName' && e) e = { t: 'attr', obj: e, attr: src(k), attrFrom: k.from, from: e.from, to: k.to };
            else if (k.name === 'ArgList' && e) e = { t: 'call', fn: e, args: args(k), from: e.from, to: k.to };
          }
          return e ?? { t: 'error' as const, what: 'decorator', from: d.from, to: d.to };
        });
        const target = cs.find((c) => c.name === 'FunctionDefinition' || c.name === 'ClassDefinition');
        if (target?.name === 'FunctionDefinition') out.push({ t: 'def', def: funcDef(target, decorators), ...at });
        else if (target) out.push({ t: 'class', def: classDef(target, decorators), ...at });
        return;
      }
      case 'ImportStatement': {
        if (cs[0]?.name === 'from') {
          let i = 1;
          let level = 0;
          const module: string[] = [];
          for (; i < cs.length && cs[i].name !== 'import'; i++) {
            if (cs[i].name === '.') level++;
            else if (cs[i].name === 'Ellipsis') level += 3;
            else if (cs[i].name === 'VariableName') module.push(src(cs[i]));
          }
          // Dots between module names are separators, not levels: count only leading dots.
          level = 0;
          for (let j = 1; j < cs.length && (cs[j].name === '.' || cs[j].name === 'Ellipsis'); j++) level += cs[j].name === '.' ? 1 : 3;
          const rest = cs.slice(i + 1);
          if (rest.some((c) => c.name === '*')) {
            out.push({ t: 'importfrom', level, module, names: '*', ...at });
            return;
          }
          const names: { name: string; alias: string | null }[] = [];
          for (let j = 0; j < rest.length; j++) {
            if (rest[j].name !== 'VariableName') continue;
            const entry = { name: src(rest[j]), alias: null as string | null };
            if (rest[j + 1]?.name === 'as' && rest[j + 2]) {
              entry.alias = src(rest[j + 2]);
              j += 2;
            }
            names.push(entry);
          }
          out.push({ t: 'importfrom', level, module, names, ...at });
          return;
        }
        const names: { module: string[]; alias: string | null }[] = [];
        let cur: SyntaxNode[] = [];
        let alias: string | null = null;
        const flush = () => {
          if (cur.length) names.push({ module: dottedNames(cur), alias });
          cur = [];
          alias = null;
        };
        for (let j = 1; j < cs.length; j++) {
          const c = cs[j];
          if (c.name === ',') flush();
          else if (c.name === 'as' && cs[j + 1]) {
            alias = src(cs[j + 1]);
            j++;
          } else cur.push(c);
        }
        flush();
        out.push({ t: 'import', names, ...at });
        return;
      }
      case 'WithStatement': {
        const items: { expr: Expr; target: Expr | null }[] = [];
        const inner = cs.filter((c) => c.name !== 'with' && c.name !== 'Body' && c.name !== 'async');
        for (let i = 0; i < inner.length; i++) {
          const c = inner[i];
          if (c.name === ',' || !isExprNode(c)) continue;
          const item = { expr: expr(c), target: null as Expr | null };
          if (inner[i + 1]?.name === 'as' && inner[i + 2]) {
            item.target = expr(inner[i + 2]);
            i += 2;
          }
          items.push(item);
        }
        out.push({ t: 'with', items, body: body(cs.find((c) => c.name === 'Body')), ...at });
        return;
      }
      case 'TryStatement': {
        let tryBody: Stmt[] = [];
        const handlers: { type: Expr | null; name: string | null; body: Stmt[] }[] = [];
        let orelse: Stmt[] | null = null;
        let final: Stmt[] | null = null;
        for (let i = 0; i < cs.length; i++) {
          const c = cs[i];
          if (c.name === 'try') tryBody = body(cs[i + 1]);
          else if (c.name === 'except') {
            let type: Expr | null = null;
            let name: string | null = null;
            let j = i + 1;
            for (; j < cs.length && cs[j].name !== 'Body'; j++) {
              if (cs[j].name === 'as' && cs[j + 1]) {
                name = src(cs[j + 1]);
                j++;
              } else if (isExprNode(cs[j]) && !type) type = expr(cs[j]);
            }
            handlers.push({ type, name, body: body(cs[j]) });
            i = j;
          } else if (c.name === 'else') orelse = body(cs[i + 1]);
          else if (c.name === 'finally') final = body(cs[i + 1]);
        }
        out.push({ t: 'try', body: tryBody, handlers, orelse, final, ...at });
        return;
      }
      case 'RaiseStatement': {
        const e = cs.slice(1).find(isExprNode);
        out.push({ t: 'raise', value: e ? expr(e) : null, ...at });
        return;
      }
      case 'AssertStatement': {
        const e = cs.slice(1).find(isExprNode);
        out.push({ t: 'assert', test: e ? expr(e) : err(n, 'assert'), ...at });
        return;
      }
      case 'DeleteStatement':
        out.push({ t: 'delete', targets: cs.slice(1).filter(isExprNode).map(expr), ...at });
        return;
      case 'ScopeStatement':
        out.push({ t: 'scope', names: cs.filter((c) => c.name === 'VariableName').map(src), ...at });
        return;
      case 'PrintStatement':
      case 'Comment':
        return;
      case '⚠':
        errors.push(at);
        out.push({ t: 'error', what: 'syntax', ...at });
        return;
      default:
        if (cs.length === 0 && /^[a-z]+$/.test(n.name)) return;
        errors.push(at);
        out.push({ t: 'error', what: n.name, ...at });
    }
  }

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
    stmtInto(c, module);
    // Error nodes nested inside expressions and statements are syntax errors too.
    const cursor = c.cursor();
    let depth = 0;
    for (;;) {
      if (cursor.type.isError) errors.push({ from: cursor.from, to: Math.max(cursor.to, cursor.from) });
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
