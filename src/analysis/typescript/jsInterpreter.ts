// A small abstract evaluator for the JavaScript/TypeScript that model files are written in:
// declarations and destructuring, literals, arithmetic, closures with defaults, calls, returns,
// loops over known ranges and arrays, and ifs with known conditions. It knows nothing about
// tfjs: the host supplies imported modules and the members of its own objects. Step, loop and
// depth budgets bound every run; running out raises BudgetExhausted, which the caller turns into
// a finding. Nothing else escapes: what cannot be followed becomes an unknown value.

import type { SyntaxNode } from '@lezer/common';
import { beyondBoundMessage, fitsCollection, fitsString, MAX_COLLECTION_ITEMS, MAX_STRING_CHARS, WalkMeter } from '../allocation';
import { bool, type ClassValue, describe, num, Scope, str, truthy, UNDEF, unknown, type Value } from './jsValues';

/** What the evaluator needs from the framework layer. */
export interface InterpreterHost {
  /** The value an import of `source` binds, or null for modules the analysis does not model. */
  importModule(source: string): Value | null;
  /** A member of a host object (namespace, layer, model, tensor); undefined when it has none. */
  member(obj: Value, prop: string, node: SyntaxNode): Value | undefined;
  /** Reports an unknown condition or construct the evaluator had to guess past. */
  gap(node: SyntaxNode, message: string): void;
  /** A global the page provides without an import (tfjs's `tf` from a script tag), if any. */
  global(name: string): Value | undefined;
  /**
   * `new C(...)` of a user class whose root base is a host class (`extends tf.layers.Layer`): the
   * host may give the instance its base's members before `construct` runs the class's own
   * construction, and returns the value `new` gives (a layer), or null to keep the plain object.
   */
  constructForeign?(base: Value, cls: ClassValue, instance: Extract<Value, { t: 'object' }>, args: Value[], node: SyntaxNode, construct: () => void): Value | null;
}

/** Budgets of one evaluation. */
export interface Budgets {
  steps: number;
  loopIterations: number;
  callDepth: number;
}

/** Raised when a budget runs out; carries where. */
export class BudgetExhausted extends Error {
  constructor(readonly at: number, readonly what: string) {
    super(what);
  }
}

type Completion = { type: 'return'; value: Value } | { type: 'break' } | { type: 'continue' } | null;

/** Children of a node, skipping punctuation and keywords that carry no meaning. */
function kids(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

const PUNCTUATION = new Set(['(', ')', '[', ']', '{', '}', ',', ';', ':', '.', '?.', 'Equals', '=>', 'Arrow', 'LineComment', 'BlockComment']);

function meaningful(node: SyntaxNode): SyntaxNode[] {
  return kids(node).filter((c) => !PUNCTUATION.has(c.name));
}

/** Decodes a JS string literal's text. */
function stringValue(text: string): string {
  const body = text.slice(1, -1);
  return body.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/g, (_, e: string) => {
    if (e[0] === 'u') return String.fromCodePoint(parseInt(e.replace(/[u{}]/g, ''), 16));
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    return ({ n: '\n', t: '\t', r: '\r', '0': '\0' } as Record<string, string>)[e] ?? e;
  });
}

/** The abstract evaluator. One instance per evaluation of a module (and its factory calls). */
export class Interpreter {
  private steps = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly host: InterpreterHost,
    private readonly budgets: Budgets,
  ) {}

  /** The source text of a node. */
  src(node: SyntaxNode): string {
    return this.text.slice(node.from, node.to);
  }

  private tick(node: SyntaxNode): void {
    if (++this.steps > this.budgets.steps) throw new BudgetExhausted(node.from, `the step budget (${this.budgets.steps}) ran out`);
  }

  /**
   * Charges the step budget for the items that array operations walk or copy (includes, join,
   * slice, concat, spreads, reverse …) and the characters of strings compared or joined, in
   * proportion to their length (allocation.ts): each is one expression however long its array.
   */
  private readonly walks = new WalkMeter<SyntaxNode>((steps, node, what) => {
    this.steps += steps;
    if (this.steps > this.budgets.steps) throw new BudgetExhausted(node.from, `the step budget (${this.budgets.steps}) ran out (the last step: ${what}, charged by its length)`);
  });

  // ---- Statements ----

  /** Runs a list of statements in a scope, hoisting function declarations first. */
  runBody(statements: SyntaxNode[], scope: Scope): Completion {
    for (const s of statements) this.hoist(s, scope);
    for (const s of statements) {
      const c = this.exec(s, scope);
      if (c) return c;
    }
    return null;
  }

  private hoist(node: SyntaxNode, scope: Scope): void {
    const cls = node.name === 'ExportDeclaration' ? node.getChild('ClassDeclaration') : node.name === 'ClassDeclaration' ? node : null;
    if (cls) {
      this.declareClass(cls, scope);
      return;
    }
    const target = node.name === 'ExportDeclaration' ? node.getChild('FunctionDeclaration') : node.name === 'FunctionDeclaration' ? node : null;
    if (!target) return;
    const nameNode = target.getChild('VariableDefinition');
    if (nameNode) scope.declare(this.src(nameNode), { t: 'func', node: target, env: scope, name: this.src(nameNode) });
  }

  /** Executes one statement. */
  exec(node: SyntaxNode, scope: Scope): Completion {
    this.tick(node);
    switch (node.name) {
      case 'ExpressionStatement': {
        const e = meaningful(node)[0];
        if (e) this.eval(e, scope);
        return null;
      }
      case 'VariableDeclaration':
        this.declareVariables(node, scope);
        return null;
      case 'ClassDeclaration':
        this.declareClass(node, scope);
        return null;
      case 'FunctionDeclaration':
        return null;
      case 'ExportDeclaration': {
        const inner = meaningful(node).filter((c) => c.name !== 'export' && c.name !== 'default');
        if (inner.length === 1) {
          const n = inner[0];
          if (n.name === 'VariableDeclaration' || n.name === 'FunctionDeclaration' || n.name === 'ClassDeclaration') return this.exec(n, scope);
          if (node.getChild('default')) scope.declare('default', this.eval(n, scope));
        }
        return null;
      }
      case 'ImportDeclaration':
        this.importDeclaration(node, scope);
        return null;
      case 'Block':
        return this.runBody(meaningful(node), new Scope(scope));
      case 'ReturnStatement': {
        const e = meaningful(node).filter((c) => c.name !== 'return')[0];
        return { type: 'return', value: e ? this.eval(e, scope) : UNDEF };
      }
      case 'IfStatement':
        return this.ifStatement(node, scope);
      case 'ForStatement':
        return this.forStatement(node, scope);
      case 'WhileStatement':
        return this.whileStatement(node, scope);
      case 'SwitchStatement':
        return this.switchStatement(node, scope);
      case 'BreakStatement':
        return { type: 'break' };
      case 'ContinueStatement':
        return { type: 'continue' };
      case 'TryStatement': {
        const block = node.getChild('Block');
        return block ? this.exec(block, scope) : null;
      }
      case 'LabeledStatement': {
        const body = meaningful(node).slice(-1)[0];
        return body ? this.exec(body, scope) : null;
      }
      default:
        // Types, interfaces, classes, empty statements and anything else carry no shapes we follow.
        return null;
    }
  }

  private importDeclaration(node: SyntaxNode, scope: Scope): void {
    const source = node.getChild('String');
    const module = source ? this.host.importModule(stringValue(this.src(source))) : null;
    const bind = (name: string, v: Value) => scope.declare(name, v);
    const children = kids(node);
    for (let i = 0; i < children.length; i++) {
      const c = children[i];
      if (c.name === 'Star') {
        const def = children.slice(i).find((x) => x.name === 'VariableDefinition');
        if (def) bind(this.src(def), module ?? unknown(`module ${source ? this.src(source) : ''} is not analysed`, c.from));
      } else if (c.name === 'VariableDefinition' && children[i - 1]?.name === 'import') {
        // A default import: tfjs has no default export, but bundlers give the namespace.
        bind(this.src(c), module ?? unknown(`module ${source ? this.src(source) : ''} is not analysed`, c.from));
      } else if (c.name === 'ImportGroup') {
        const parts = kids(c);
        for (let j = 0; j < parts.length; j++) {
          const p = parts[j];
          if (p.name !== 'VariableDefinition' && p.name !== 'VariableName') continue;
          const aliased = parts[j + 1]?.name === 'as';
          if (aliased) continue;
          const imported = parts[j - 1]?.name === 'as' ? this.src(parts[j - 2]) : this.src(p);
          const member = module ? this.host.member(module, imported, p) : undefined;
          bind(this.src(p), member ?? unknown(`'${imported}' is not modelled`, p.from));
        }
      }
    }
  }

  private declareVariables(node: SyntaxNode, scope: Scope): void {
    const children = kids(node);
    for (let i = 0; i < children.length; i++) {
      const c = children[i];
      if (c.name !== 'VariableDefinition' && c.name !== 'ObjectPattern' && c.name !== 'ArrayPattern') continue;
      let j = i + 1;
      while (j < children.length && children[j].name === 'TypeAnnotation') j++;
      let value: Value = UNDEF;
      if (children[j]?.name === 'Equals' && children[j + 1]) {
        value = this.eval(children[j + 1], scope);
        i = j + 1;
      }
      this.bindPattern(c, value, scope);
    }
  }

  /** Binds a declaration target (name, object or array pattern) to a value. */
  bindPattern(target: SyntaxNode, value: Value, scope: Scope): void {
    if (target.name === 'VariableDefinition' || target.name === 'VariableName') {
      scope.declare(this.src(target), value);
      return;
    }
    if (target.name === 'ArrayPattern') {
      const parts = kids(target);
      let index = 0;
      for (let i = 0; i < parts.length; i++) {
        const p = parts[i];
        if (p.name === ',') {
          index++;
          continue;
        }
        if (p.name === 'Spread') {
          const rest = parts[i + 1];
          if (rest) this.bindPattern(rest, value.t === 'array' ? { t: 'array', items: value.items.slice(index) } : unknown('rest of an unknown array', rest.from), scope);
          i++;
          continue;
        }
        if (p.name === 'VariableDefinition' || p.name === 'ObjectPattern' || p.name === 'ArrayPattern') {
          let v = this.index(value, num(index), p);
          if (parts[i + 1]?.name === 'Equals' && parts[i + 2]) {
            if (v.t === 'undef') v = this.eval(parts[i + 2], scope);
            i += 2;
          }
          this.bindPattern(p, v, scope);
        }
      }
      return;
    }
    if (target.name === 'ObjectPattern') {
      for (const prop of target.getChildren('PatternProperty')) {
        const parts = kids(prop);
        if (parts[0]?.name === 'Spread') {
          if (parts[1]) this.bindPattern(parts[1], unknown('object rest', parts[1].from), scope);
          continue;
        }
        const key = parts[0];
        if (!key) continue;
        const colon = parts.findIndex((p) => p.name === ':');
        const inner = colon >= 0 ? parts[colon + 1] : key;
        let v = this.property(value, key.name === 'String' ? stringValue(this.src(key)) : this.src(key), key);
        const eq = parts.findIndex((p) => p.name === 'Equals');
        if (eq >= 0 && parts[eq + 1] && v.t === 'undef') v = this.eval(parts[eq + 1], scope);
        if (inner) this.bindPattern(inner, v, scope);
      }
    }
  }

  private ifStatement(node: SyntaxNode, scope: Scope): Completion {
    const parts = meaningful(node).filter((c) => c.name !== 'if' && c.name !== 'else');
    const [cond, then, otherwise] = parts;
    if (!cond || !then) return null;
    const value = this.eval(cond, scope);
    const known = truthy(value);
    if (known === null) {
      // An unknown condition: follow the first branch and say so, rather than invent a join.
      const text = this.src(cond).replace(/^\((.*)\)$/s, '$1').slice(0, 60);
      const why = value.t === 'unknown' ? ` (${value.why})` : '';
      this.host.gap(cond, `the condition \`${text}\` is not known statically${why}; the analysis follows the if-branch`);
      return this.exec(then, scope);
    }
    if (known) return this.exec(then, scope);
    return otherwise ? this.exec(otherwise, scope) : null;
  }

  /** `switch` on a known value: runs from the matching case (or default) until a break. */
  private switchStatement(node: SyntaxNode, scope: Scope): Completion {
    const disc = node.getChild('ParenthesizedExpression');
    const body = node.getChild('SwitchBody');
    if (!disc || !body) return null;
    const value = this.eval(disc, scope);
    const parts = meaningful(body);
    let start = -1;
    for (let i = 0; i < parts.length && start < 0; i++) {
      if (parts[i].name !== 'CaseLabel') continue;
      const test = meaningful(parts[i]).filter((c) => c.name !== 'case')[0];
      const eq = test ? this.equal(value, this.eval(test, scope)) : false;
      if (eq === null) {
        this.host.gap(disc, `the switch on \`${this.src(disc).slice(0, 60)}\` is not known statically; no case is followed`);
        return null;
      }
      if (eq) start = i;
    }
    if (start < 0) start = parts.findIndex((p) => p.name === 'DefaultLabel');
    if (start < 0) return null;
    const inner = new Scope(scope);
    for (const stmt of parts.slice(start)) {
      if (stmt.name === 'CaseLabel' || stmt.name === 'DefaultLabel') continue;
      const c = this.exec(stmt, inner);
      if (c?.type === 'break') return null;
      if (c) return c;
    }
    return null;
  }

  private loopBody(body: SyntaxNode, scope: Scope): Completion | 'break' {
    const c = this.exec(body, scope);
    if (c?.type === 'return') return c;
    if (c?.type === 'break') return 'break';
    return null;
  }

  private forStatement(node: SyntaxNode, scope: Scope): Completion {
    const body = meaningful(node).slice(-1)[0];
    const spec = node.getChild('ForSpec') ?? node.getChild('ForOfSpec') ?? node.getChild('ForInSpec');
    if (!spec || !body) return null;
    const loopScope = new Scope(scope);
    if (spec.name === 'ForSpec') {
      const parts = kids(spec);
      const semis = parts.map((p, i) => (p.name === ';' ? i : -1)).filter((i) => i >= 0);
      const init = parts.find((p) => p.name === 'VariableDeclaration');
      // With a declaration as init, its own ';' is inside the VariableDeclaration node.
      const condStart = init ? parts.indexOf(init) + 1 : (semis[0] ?? 0) + 1;
      const condNode = parts.slice(condStart).find((p) => p.name !== ';' && p.name !== ')');
      const condIsReal = condNode && parts.indexOf(condNode) < (init ? semis[0] ?? parts.length : semis[1] ?? parts.length);
      const updateNode = parts.slice(init ? (semis[0] ?? parts.length) + 1 : (semis[1] ?? parts.length) + 1).find((p) => p.name !== ')' && p.name !== ';');
      if (init) this.declareVariables(init, loopScope);
      else if (parts[1] && parts[1].name !== ';') this.eval(parts[1], loopScope);
      for (let i = 0; ; i++) {
        if (i >= this.budgets.loopIterations) throw new BudgetExhausted(node.from, `the loop ran more than ${this.budgets.loopIterations} iterations`);
        if (condIsReal && condNode) {
          const go = truthy(this.eval(condNode, loopScope));
          if (go === null) {
            this.host.gap(condNode, `the loop condition \`${this.src(condNode).slice(0, 60)}\` is not known statically; the loop body is not followed`);
            return null;
          }
          if (!go) return null;
        }
        const c = this.loopBody(body, new Scope(loopScope));
        if (c === 'break') return null;
        if (c) return c;
        if (updateNode) this.eval(updateNode, loopScope);
      }
    }
    const parts = kids(spec);
    const target = parts.find((p) => p.name === 'VariableDefinition' || p.name === 'ObjectPattern' || p.name === 'ArrayPattern' || p.name === 'VariableName');
    const iterableNode = parts.filter((p) => p.name !== ')' && p.name !== '(').slice(-1)[0];
    if (!target || !iterableNode) return null;
    const iterable = this.eval(iterableNode, loopScope);
    let items: Value[] | null = null;
    if (spec.name === 'ForOfSpec') items = iterable.t === 'array' ? [...iterable.items] : iterable.t === 'str' ? [...iterable.v].map(str) : null;
    else if (iterable.t === 'object') items = [...iterable.props.keys()].map(str);
    else if (iterable.t === 'array') items = iterable.items.map((_, i) => str(String(i)));
    if (items === null) {
      this.host.gap(iterableNode, `the loop runs over \`${this.src(iterableNode).slice(0, 60)}\`, which is not known statically; the loop body is not followed`);
      return null;
    }
    for (let i = 0; i < items.length; i++) {
      if (i >= this.budgets.loopIterations) throw new BudgetExhausted(node.from, `the loop ran more than ${this.budgets.loopIterations} iterations`);
      const iterScope = new Scope(loopScope);
      this.bindPattern(target, items[i], iterScope);
      const c = this.loopBody(body, iterScope);
      if (c === 'break') return null;
      if (c) return c;
    }
    return null;
  }

  private whileStatement(node: SyntaxNode, scope: Scope): Completion {
    const parts = meaningful(node).filter((c) => c.name !== 'while');
    const [cond, body] = parts;
    if (!cond || !body) return null;
    for (let i = 0; ; i++) {
      if (i >= this.budgets.loopIterations) throw new BudgetExhausted(node.from, `the loop ran more than ${this.budgets.loopIterations} iterations`);
      const go = truthy(this.eval(cond, scope));
      if (go === null) {
        this.host.gap(cond, `the loop condition \`${this.src(cond).slice(0, 60)}\` is not known statically; the loop body is not followed`);
        return null;
      }
      if (!go) return null;
      const c = this.loopBody(body, new Scope(scope));
      if (c === 'break') return null;
      if (c) return c;
    }
  }

  // ---- Expressions ----

  /** Evaluates an expression. */
  eval(node: SyntaxNode, scope: Scope): Value {
    this.tick(node);
    switch (node.name) {
      case 'Number': {
        const v = Number(this.src(node).replace(/_/g, '').replace(/n$/, ''));
        return Number.isNaN(v) ? unknown('a number literal', node.from) : num(v);
      }
      case 'String':
        return str(stringValue(this.src(node)));
      case 'TemplateString':
        return this.template(node, scope);
      case 'BooleanLiteral':
        return bool(this.src(node) === 'true');
      case 'null':
        return { t: 'null' };
      case 'this':
      case 'super':
        return scope.lookup(node.name)?.value ?? unknown(`\`${node.name}\` outside a class`, node.from);
      case 'ClassExpression':
        return this.classValue(node, scope);
      case 'VariableName': {
        const name = this.src(node);
        const cell = scope.lookup(name);
        if (cell) return cell.value;
        if (name === 'undefined') return UNDEF;
        if (name === 'Math' || name === 'Array' || name === 'Number' || name === 'Object' || name === 'JSON') return { t: 'ns', path: name };
        const global = this.host.global(name);
        if (global) return global;
        if (name === 'NaN') return num(NaN);
        if (name === 'Infinity') return num(Infinity);
        return unknown(`'${name}' is not defined in this file`, node.from);
      }
      case 'ParenthesizedExpression': {
        const inner = meaningful(node);
        return inner.length ? this.eval(inner[inner.length - 1], scope) : UNDEF;
      }
      case 'SequenceExpression': {
        let last: Value = UNDEF;
        for (const e of meaningful(node)) last = this.eval(e, scope);
        return last;
      }
      case 'ArrayExpression':
        return { t: 'array', items: this.elements(kids(node), scope) };
      case 'ObjectExpression':
        return this.object(node, scope);
      case 'ArrowFunction':
      case 'FunctionExpression': {
        const nameNode = node.getChild('VariableDefinition');
        return { t: 'func', node, env: scope, name: nameNode ? this.src(nameNode) : 'anonymous' };
      }
      case 'UnaryExpression':
        return this.unary(node, scope);
      case 'PostfixExpression':
        return this.postfix(node, scope);
      case 'BinaryExpression':
        return this.binary(node, scope);
      case 'ConditionalExpression': {
        const [cond, a, b] = meaningful(node).filter((c) => c.name !== 'LogicOp');
        const known = truthy(this.eval(cond, scope));
        if (known === null) return unknown(`the condition \`${this.src(cond).slice(0, 60)}\` is not known statically`, cond.from);
        return known ? this.eval(a, scope) : this.eval(b, scope);
      }
      case 'AssignmentExpression':
        return this.assign(node, scope);
      case 'MemberExpression':
        return this.member(node, scope);
      case 'CallExpression':
        return this.callExpression(node, scope);
      case 'NewExpression':
        return this.newExpression(node, scope);
      case 'PrefixCast':
      case 'AwaitExpression': {
        const last = meaningful(node).slice(-1)[0];
        return last ? this.eval(last, scope) : UNDEF;
      }
      default:
        return unknown(`\`${this.src(node).slice(0, 40)}\` is not followed`, node.from);
    }
  }

  private template(node: SyntaxNode, scope: Scope): Value {
    const raw = this.src(node);
    let out = '';
    let pos = node.from + 1;
    for (const part of node.getChildren('Interpolation')) {
      out += this.text.slice(pos, part.from);
      const e = meaningful(part).filter((c) => c.name !== 'InterpolationStart' && c.name !== 'InterpolationEnd')[0];
      const v = e ? this.eval(e, scope) : UNDEF;
      if (v.t === 'num' || v.t === 'str' || v.t === 'bool') out += String(v.v);
      else return unknown(`the template ${raw.slice(0, 40)} is not known statically`, node.from);
      pos = part.to;
    }
    out += this.text.slice(pos, node.to - 1);
    return str(out);
  }

  /** Array elements and call arguments, with spreads expanded. */
  elements(parts: SyntaxNode[], scope: Scope): Value[] {
    const out: Value[] = [];
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (PUNCTUATION.has(p.name)) continue;
      if (p.name === 'Spread') {
        const next = parts[i + 1];
        if (!next) continue;
        const v = this.eval(next, scope);
        if (v.t === 'array') this.walks.walked(v.items.length, next, `a spread of ${v.items.length} items`);
        if (v.t === 'array') out.push(...v.items);
        else out.push(unknown(`the spread \`${this.src(next)}\` is not a known array`, next.from));
        i++;
        continue;
      }
      out.push(this.eval(p, scope));
    }
    return out;
  }

  private object(node: SyntaxNode, scope: Scope): Value {
    const props = new Map<string, Value>();
    for (const prop of node.getChildren('Property')) {
      const parts = kids(prop);
      const first = parts[0];
      if (!first) continue;
      if (first.name === 'Spread') {
        const v = parts[1] ? this.eval(parts[1], scope) : UNDEF;
        if (v.t === 'object') for (const [k, x] of v.props) props.set(k, x);
        continue;
      }
      let key: string | null = null;
      if (first.name === 'PropertyDefinition' || first.name === 'PropertyName') key = this.src(first);
      else if (first.name === 'String') key = stringValue(this.src(first));
      else if (first.name === 'Number') key = String(Number(this.src(first)));
      else if (first.name === '[') {
        const k = parts[1] ? this.eval(parts[1], scope) : UNDEF;
        key = k.t === 'str' || k.t === 'num' ? String(k.v) : null;
      }
      if (key === null) continue;
      const colon = parts.findIndex((p) => p.name === ':');
      if (colon >= 0 && parts[colon + 1]) props.set(key, this.eval(parts[colon + 1], scope));
      else if (prop.getChild('ParamList')) props.set(key, { t: 'func', node: prop, env: scope, name: key });
      else {
        // Shorthand `{units}` reads the variable of that name.
        const cell = scope.lookup(key);
        props.set(key, cell ? cell.value : unknown(`'${key}' is not defined`, first.from));
      }
    }
    return { t: 'object', props };
  }

  private unary(node: SyntaxNode, scope: Scope): Value {
    const [op, operand] = kids(node);
    if (!op || !operand) return unknown('an incomplete expression', node.from);
    const o = this.src(op);
    if (o === '++' || o === '--') {
      const v = this.eval(operand, scope);
      const next = v.t === 'num' ? num(v.v + (o === '++' ? 1 : -1)) : unknown('an increment of an unknown value', node.from);
      this.store(operand, next, scope);
      return next;
    }
    const v = this.eval(operand, scope);
    if (o === '!') {
      const t = truthy(v);
      return t === null ? unknown(`\`${this.src(node)}\` is not known`, node.from) : bool(!t);
    }
    if (o === 'typeof') return v.t === 'unknown' ? v : str(v.t === 'num' ? 'number' : v.t === 'str' ? 'string' : v.t === 'bool' ? 'boolean' : v.t === 'undef' ? 'undefined' : v.t === 'func' || v.t === 'builtin' ? 'function' : 'object');
    if (o === 'void') return UNDEF;
    if (v.t !== 'num') return unknown(`\`${this.src(node)}\` is not a known number`, node.from);
    if (o === '-') return num(-v.v);
    if (o === '+') return v;
    if (o === '~') return num(~v.v);
    return unknown(`the operator ${o}`, node.from);
  }

  private postfix(node: SyntaxNode, scope: Scope): Value {
    const [operand, op] = kids(node);
    if (!operand || !op) return unknown('an incomplete expression', node.from);
    const o = this.src(op);
    const v = this.eval(operand, scope);
    if (o === '!') return v; // TypeScript's non-null assertion
    if (o === '++' || o === '--') {
      this.store(operand, v.t === 'num' ? num(v.v + (o === '++' ? 1 : -1)) : unknown('an increment of an unknown value', node.from), scope);
      return v;
    }
    return unknown(`the operator ${o}`, node.from);
  }

  private binary(node: SyntaxNode, scope: Scope): Value {
    const parts = kids(node);
    const [left, op, right] = parts;
    if (!left || !op) return unknown('an incomplete expression', node.from);
    const o = this.src(op);
    if (o === 'as' || o === 'satisfies') return this.eval(left, scope);
    if (!right) return unknown('an incomplete expression', node.from);
    const a = this.eval(left, scope);
    if (o === '&&' || o === '||' || o === '??') {
      if (o === '??') return a.t === 'null' || a.t === 'undef' ? this.eval(right, scope) : a.t === 'unknown' ? a : a;
      const t = truthy(a);
      if (t === null) return unknown(`\`${this.src(node).slice(0, 60)}\` is not known statically`, node.from);
      if (o === '&&') return t ? this.eval(right, scope) : a;
      return t ? a : this.eval(right, scope);
    }
    const b = this.eval(right, scope);
    return this.arith(o, a, b, node);
  }

  /** Binary arithmetic and comparison on known values. */
  arith(o: string, a: Value, b: Value, node: SyntaxNode): Value {
    if (o === '===' || o === '==' || o === '!==' || o === '!=') {
      if (a.t === 'str' && b.t === 'str' && a.v.length === b.v.length) this.walks.walkedChars(a.v.length, node, `\`${o}\` between strings of ${a.v.length} characters`);
      const eq = this.equal(a, b);
      if (eq === null) return unknown(`\`${this.src(node).slice(0, 60)}\` is not known statically`, node.from);
      return bool(o.startsWith('!') ? !eq : eq);
    }
    if (o === '+' && (a.t === 'str' || b.t === 'str')) {
      const sa = a.t === 'str' || a.t === 'num' || a.t === 'bool' ? String(a.v) : null;
      const sb = b.t === 'str' || b.t === 'num' || b.t === 'bool' ? String(b.v) : null;
      if (sa !== null && sb !== null && !fitsString(sa.length + sb.length)) {
        const message = beyondBoundMessage('a string', sa.length + sb.length, MAX_STRING_CHARS);
        this.host.gap(node, message);
        return unknown(message, node.from);
      }
      if (sa !== null && sb !== null) this.walks.walkedChars(sa.length + sb.length, node, `a string of ${sa.length + sb.length} characters`);
      return sa !== null && sb !== null ? str(sa + sb) : unknown('a string built from unknown parts', node.from);
    }
    if (a.t !== 'num' || b.t !== 'num') {
      if (a.t === 'unknown') return a;
      if (b.t === 'unknown') return b;
      return unknown(`\`${this.src(node).slice(0, 60)}\` on ${describe(a)} and ${describe(b)}`, node.from);
    }
    const x = a.v;
    const y = b.v;
    switch (o) {
      case '+': return num(x + y);
      case '-': return num(x - y);
      case '*': return num(x * y);
      case '/': return num(x / y);
      case '%': return num(x % y);
      case '**': return num(x ** y);
      case '<': return bool(x < y);
      case '>': return bool(x > y);
      case '<=': return bool(x <= y);
      case '>=': return bool(x >= y);
      case '<<': return num(x << y);
      case '>>': return num(x >> y);
      case '>>>': return num(x >>> y);
      case '&': return num(x & y);
      case '|': return num(x | y);
      case '^': return num(x ^ y);
      default: return unknown(`the operator ${o}`, node.from);
    }
  }

  private equal(a: Value, b: Value): boolean | null {
    if (a.t === 'unknown' || b.t === 'unknown') return null;
    if ((a.t === 'null' || a.t === 'undef') && (b.t === 'null' || b.t === 'undef')) return a.t === b.t || true;
    if (a.t !== b.t) return false;
    if (a.t === 'num' || a.t === 'str' || a.t === 'bool') return a.v === (b as typeof a).v;
    return a === b;
  }

  private assign(node: SyntaxNode, scope: Scope): Value {
    const parts = kids(node);
    const [target, op, rhs] = parts;
    if (!target || !op || !rhs) return unknown('an incomplete assignment', node.from);
    const o = this.src(op);
    let value = this.eval(rhs, scope);
    if (o !== '=') {
      const base = o.slice(0, -1);
      const current = this.eval(target, scope);
      if (base === '&&' || base === '||' || base === '??') {
        const t = truthy(current);
        if (base === '??') value = current.t === 'null' || current.t === 'undef' ? value : current;
        else if (t === null) value = unknown('a logical assignment on an unknown value', node.from);
        else value = (base === '&&') === t ? value : current;
      } else value = this.arith(base, current, value, node);
    }
    if (target.name === 'ArrayPattern' || target.name === 'ObjectPattern') this.destructureAssign(target, value, scope);
    else this.store(target, value, scope);
    return value;
  }

  private destructureAssign(target: SyntaxNode, value: Value, scope: Scope): void {
    // Assignment patterns write to existing bindings: bind into a scratch scope, then copy over.
    const scratch = new Scope(null);
    this.bindPattern(target, value, scratch);
    const names: string[] = [];
    const walk = (n: SyntaxNode) => {
      if (n.name === 'VariableDefinition' || n.name === 'VariableName') names.push(this.src(n));
      for (let c = n.firstChild; c; c = c.nextSibling) walk(c);
    };
    walk(target);
    for (const name of names) {
      const v = scratch.lookup(name);
      const cell = scope.lookup(name);
      if (v && cell) cell.value = v.value;
      else if (v) scope.declare(name, v.value);
    }
  }

  /** Writes a value to a variable, property or element. */
  private store(target: SyntaxNode, value: Value, scope: Scope): void {
    if (target.name === 'VariableName') {
      const name = this.src(target);
      const cell = scope.lookup(name);
      if (cell) cell.value = value;
      else scope.declare(name, value);
      return;
    }
    if (target.name === 'MemberExpression') {
      const parts = kids(target);
      const obj = this.eval(parts[0], scope);
      const key = this.memberKey(parts, scope);
      if (key === null) return;
      if (obj.t === 'object') obj.props.set(key, value);
      else if (obj.t === 'array' && /^\d+$/.test(key)) {
        const i = Number(key);
        while (obj.items.length < i) obj.items.push(UNDEF);
        obj.items[i] = value;
      }
    }
    if (target.name === 'ParenthesizedExpression') {
      const inner = meaningful(target).slice(-1)[0];
      if (inner) this.store(inner, value, scope);
    }
  }

  private memberKey(parts: SyntaxNode[], scope: Scope): string | null {
    const prop = parts.find((p) => p.name === 'PropertyName' || p.name === 'PrivatePropertyName');
    if (prop) return this.src(prop);
    const open = parts.findIndex((p) => p.name === '[');
    if (open >= 0 && parts[open + 1]) {
      const k = this.eval(parts[open + 1], scope);
      if (k.t === 'num' || k.t === 'str') return String(k.v);
    }
    return null;
  }

  private member(node: SyntaxNode, scope: Scope): Value {
    const parts = kids(node);
    const obj = this.eval(parts[0], scope);
    const key = this.memberKey(parts, scope);
    if (key === null) return unknown(`the index in \`${this.src(node).slice(0, 40)}\` is not known`, node.from);
    if (parts.some((p) => p.name === '?.') && (obj.t === 'null' || obj.t === 'undef')) return UNDEF;
    return this.property(obj, key, node);
  }

  /** `obj.key` on any value. */
  property(obj: Value, key: string, node: SyntaxNode): Value {
    switch (obj.t) {
      case 'object':
        return obj.props.get(key) ?? UNDEF;
      case 'array':
        if (key === 'length') return num(obj.items.length);
        if (/^\d+$/.test(key)) return obj.items[Number(key)] ?? UNDEF;
        return this.arrayMethod(obj, key, node);
      case 'str':
        if (key === 'length') return num(obj.v.length);
        return unknown(`the string method .${key}`, node.from);
      case 'ns':
        if (obj.path === 'Math') return this.mathMember(key, node);
        if (obj.path === 'Array' && key === 'from') return this.arrayFrom();
        if (obj.path === 'Array' && key === 'isArray') return { t: 'builtin', name: 'Array.isArray', call: (args) => bool(args[0]?.t === 'array') };
        break;
      case 'unknown':
        return obj;
      default:
        break;
    }
    return this.host.member(obj, key, node) ?? unknown(`\`.${key}\` of ${describe(obj)} is not modelled`, node.from);
  }

  /** `xs[i]` with a value index (destructuring). */
  private index(obj: Value, i: Value, node: SyntaxNode): Value {
    if (i.t !== 'num' && i.t !== 'str') return unknown('an unknown index', node.from);
    return this.property(obj, String(i.v), node);
  }

  private mathMember(key: string, node: SyntaxNode): Value {
    const fns: Record<string, (...xs: number[]) => number> = {
      floor: Math.floor, ceil: Math.ceil, round: Math.round, max: Math.max, min: Math.min, abs: Math.abs,
      pow: Math.pow, sqrt: Math.sqrt, log2: Math.log2, trunc: Math.trunc, sign: Math.sign,
    };
    if (key === 'PI') return num(Math.PI);
    const f = fns[key];
    if (!f) return unknown(`Math.${key}`, node.from);
    return {
      t: 'builtin',
      name: `Math.${key}`,
      call: (args, callNode) => (args.every((a) => a.t === 'num') ? num(f(...args.map((a) => (a as { v: number }).v))) : unknown(`Math.${key} of an unknown value`, callNode.from)),
    };
  }

  private arrayFrom(): Value {
    return {
      t: 'builtin',
      name: 'Array.from',
      call: (args, callNode) => {
        const src = args[0];
        let items: Value[] | null = null;
        if (src?.t === 'array') items = [...src.items];
        else if (src?.t === 'object') {
          const len = src.props.get('length');
          if (len?.t === 'num' && len.v >= 0 && len.v <= this.budgets.loopIterations) items = Array.from({ length: len.v }, () => UNDEF);
        }
        if (items === null) return unknown('Array.from of an unknown length', callNode.from);
        const fn = args[1];
        if (fn) return { t: 'array', items: items.map((x, i) => this.callValue(fn, [x, num(i)], callNode)) };
        return { t: 'array', items };
      },
    };
  }

  private arrayMethod(arr: { t: 'array'; items: Value[] }, key: string, node: SyntaxNode): Value {
    const builtin = (call: (args: Value[], callNode: SyntaxNode) => Value): Value => ({ t: 'builtin', name: `Array.${key}`, call });
    // Notes a walk over the array (or `items` items) when the method is called.
    const walk = (callNode: SyntaxNode, items = arr.items.length) => this.walks.walked(items, callNode, `Array.${key} over ${items} items`);
    switch (key) {
      case 'push':
        return builtin((args) => {
          arr.items.push(...args);
          return num(arr.items.length);
        });
      case 'pop':
        return builtin(() => arr.items.pop() ?? UNDEF);
      case 'unshift':
        return builtin((args) => {
          arr.items.unshift(...args);
          return num(arr.items.length);
        });
      case 'map':
        return builtin((args, n) => ({ t: 'array', items: arr.items.map((x, i) => this.callValue(args[0] ?? UNDEF, [x, num(i), arr], n)) }));
      case 'forEach':
        return builtin((args, n) => {
          arr.items.forEach((x, i) => this.callValue(args[0] ?? UNDEF, [x, num(i), arr], n));
          return UNDEF;
        });
      case 'filter':
        return builtin((args, n) => ({ t: 'array', items: arr.items.filter((x, i) => truthy(this.callValue(args[0] ?? UNDEF, [x, num(i), arr], n)) === true) }));
      case 'reduce':
        return builtin((args, n) => {
          let acc = args.length > 1 ? args[1] : arr.items[0] ?? UNDEF;
          arr.items.slice(args.length > 1 ? 0 : 1).forEach((x, i) => (acc = this.callValue(args[0] ?? UNDEF, [acc, x, num(i)], n)));
          return acc;
        });
      case 'concat':
        return builtin((args) => {
          // `a = a.concat(a)` in a loop doubles: beyond the bound the array is unknown, not built.
          const count = arr.items.length + args.reduce((n, a) => n + (a.t === 'array' ? a.items.length : 1), 0);
          if (!fitsCollection(count)) {
            const message = beyondBoundMessage('an array', count, MAX_COLLECTION_ITEMS);
            this.host.gap(node, message);
            return unknown(message, node.from);
          }
          walk(node, count);
          return { t: 'array', items: [...arr.items, ...args.flatMap((a) => (a.t === 'array' ? a.items : [a]))] };
        });
      case 'slice':
        return builtin((args) => {
          const a = args[0]?.t === 'num' ? args[0].v : undefined;
          const b = args[1]?.t === 'num' ? args[1].v : undefined;
          const items = arr.items.slice(a, b);
          walk(node, items.length);
          return { t: 'array', items };
        });
      case 'includes':
        return builtin((args, n) => {
          walk(n);
          return bool(arr.items.some((x) => this.equal(x, args[0] ?? UNDEF) === true));
        });
      case 'join':
        return builtin((args, n) => {
          walk(n);
          const sep = args[0]?.t === 'str' ? args[0].v : ',';
          return arr.items.every((x) => x.t === 'num' || x.t === 'str') ? str(arr.items.map((x) => String((x as { v: unknown }).v)).join(sep)) : unknown('join of unknown values', node.from);
        });
      case 'fill':
        return builtin((args, n) => {
          walk(n);
          arr.items = arr.items.map(() => args[0] ?? UNDEF);
          return arr;
        });
      case 'keys':
        return builtin((_args, n) => {
          walk(n);
          return { t: 'array', items: arr.items.map((_, i) => num(i)) };
        });
      case 'entries':
        return builtin((_args, n) => {
          walk(n);
          return { t: 'array', items: arr.items.map((x, i) => ({ t: 'array', items: [num(i), x] })) };
        });
      case 'reverse':
        return builtin((_args, n) => {
          walk(n);
          arr.items.reverse();
          return arr;
        });
      default:
        return unknown(`the array method .${key}`, node.from);
    }
  }

  private callExpression(node: SyntaxNode, scope: Scope): Value {
    const callee = node.firstChild;
    const argList = node.getChild('ArgList');
    if (!callee) return unknown('an incomplete call', node.from);
    const args = argList ? this.elements(kids(argList), scope) : [];
    if (callee.name === 'VariableName' && this.src(callee) === 'require' && args[0]?.t === 'str') {
      return this.host.importModule(args[0].v) ?? unknown(`module '${args[0].v}' is not analysed`, node.from);
    }
    const fn = this.eval(callee, scope);
    return this.callValue(fn, args, node);
  }

  private newExpression(node: SyntaxNode, scope: Scope): Value {
    const parts = meaningful(node).filter((c) => c.name !== 'new');
    const ctor = parts[0];
    const argList = node.getChild('ArgList');
    const args = argList ? this.elements(kids(argList), scope) : [];
    if (ctor && this.src(ctor) === 'Array' && args.length === 1 && args[0].t === 'num' && args[0].v <= this.budgets.loopIterations) {
      return { t: 'array', items: Array.from({ length: args[0].v }, () => UNDEF) };
    }
    const cls = ctor ? this.eval(ctor, scope) : null;
    if (cls?.t === 'class') {
      const instance: Extract<Value, { t: 'object' }> = { t: 'object', props: new Map() };
      let root: ClassValue = cls;
      while (root.base?.t === 'class') root = root.base;
      if (root.base && this.host.constructForeign) {
        const made = this.host.constructForeign(root.base, cls, instance, args, node, () => this.construct(cls, instance, args, node));
        if (made) return made;
      }
      this.construct(cls, instance, args, node);
      return instance;
    }
    return unknown(`\`new ${ctor ? this.src(ctor) : ''}\` is not followed`, node.from);
  }

  private declareClass(node: SyntaxNode, scope: Scope): void {
    const nameNode = node.getChild('VariableDefinition');
    if (nameNode) scope.declare(this.src(nameNode), this.classValue(node, scope));
  }

  private classValue(node: SyntaxNode, scope: Scope): ClassValue {
    const nameNode = node.getChild('VariableDefinition');
    const ext = node.getChild('extends');
    const baseNode = ext?.nextSibling ?? null;
    const base = baseNode && baseNode.name !== 'ClassBody' ? this.eval(baseNode, scope) : null;
    return { t: 'class', node, env: scope, name: nameNode ? this.src(nameNode) : 'anonymous', base };
  }

  /**
   * Runs a class's construction on `instance` as JS does: methods first (the prototype), then for a
   * derived class the base's construction at `super(...)`, the class's own fields, and the rest of
   * its constructor. A base that is not a class of the file (a tfjs class) contributes nothing.
   */
  private construct(cls: ClassValue, instance: Value, args: Value[], node: SyntaxNode): void {
    if (instance.t !== 'object') return;
    if (this.depth >= this.budgets.callDepth) throw new BudgetExhausted(node.from, `calls nest deeper than ${this.budgets.callDepth}`);
    const self = new Scope(cls.env);
    self.declare('this', instance);
    const members = cls.node.getChild('ClassBody')?.getChildren('MethodDeclaration') ?? [];
    let ctor: SyntaxNode | null = null;
    for (const m of members) {
      const name = m.getChild('PropertyDefinition');
      if (!name || m.getChild('static') || m.getChild('get') || m.getChild('set')) continue;
      const key = this.src(name);
      if (key === 'constructor') ctor = m;
      else instance.props.set(key, { t: 'func', node: m, env: self, name: key });
    }
    const base = cls.base?.t === 'class' ? cls.base : null;
    const fields = () => {
      for (const f of cls.node.getChild('ClassBody')?.getChildren('PropertyDeclaration') ?? []) {
        const name = f.getChild('PropertyDefinition');
        if (!name || f.getChild('static')) continue;
        const eq = f.getChild('Equals');
        const init = eq?.nextSibling;
        instance.props.set(this.src(name), init && init.name !== ';' ? this.eval(init, self) : UNDEF);
      }
    };
    if (!ctor) {
      if (base) this.construct(base, instance, args, node);
      fields();
      return;
    }
    if (!base) fields();
    self.declare('super', {
      t: 'builtin',
      name: 'super',
      call: (superArgs, superNode) => {
        if (base) {
          this.construct(base, instance, superArgs, superNode);
          fields();
        }
        return UNDEF;
      },
    });
    this.callFunction({ t: 'func', node: ctor, env: self, name: 'constructor' }, args, node);
  }

  /** Calls a function value with argument values. */
  callValue(fn: Value, args: Value[], node: SyntaxNode): Value {
    if (fn.t === 'builtin') return fn.call(args, node);
    if (fn.t === 'func') return this.callFunction(fn, args, node);
    if (fn.t === 'unknown') return fn;
    if (fn.t === 'class') return unknown(`class ${fn.name} is called without \`new\``, node.from);
    return unknown(`${describe(fn)} is not a function`, node.from);
  }

  /** Runs a user function with its parameters bound (defaults, destructuring, rest). */
  callFunction(fn: { t: 'func'; node: SyntaxNode; env: Scope; name: string }, args: Value[], callNode: SyntaxNode): Value {
    if (this.depth >= this.budgets.callDepth) throw new BudgetExhausted(callNode.from, `calls nest deeper than ${this.budgets.callDepth}`);
    this.depth++;
    try {
      const scope = new Scope(fn.env);
      const params = fn.node.getChild('ParamList');
      if (params) this.bindParams(params, args, scope);
      else {
        // `x => ...` with a single bare parameter.
        const single = fn.node.firstChild;
        if (single && single.name === 'VariableDefinition') scope.declare(this.src(single), args[0] ?? UNDEF);
      }
      const body = fn.node.getChild('Block');
      if (body) {
        const c = this.runBody(meaningful(body), scope);
        return c?.type === 'return' ? c.value : UNDEF;
      }
      const expr = meaningful(fn.node).slice(-1)[0];
      return expr && expr.name !== 'ParamList' ? this.eval(expr, scope) : UNDEF;
    } finally {
      this.depth--;
    }
  }

  /**
   * Arguments for calling a function the way the analysis calls a factory: parameters with a
   * default get it, the others an unknown value (not `undefined`, which would be a guess).
   */
  factoryArguments(fn: { node: SyntaxNode }): Value[] {
    const params = fn.node.getChild('ParamList');
    if (!params) return [];
    const out: Value[] = [];
    const parts = kids(params);
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (p.name === 'Spread') break;
      if (p.name !== 'VariableDefinition' && p.name !== 'ObjectPattern' && p.name !== 'ArrayPattern') continue;
      let j = i + 1;
      while (parts[j] && (parts[j].name === 'TypeAnnotation' || this.src(parts[j]) === '?')) j++;
      const optional = parts.slice(i + 1, j).some((x) => this.src(x) === '?');
      out.push(parts[j]?.name === 'Equals' || optional ? UNDEF : unknown(`the parameter '${this.src(p)}' has no default`, p.from));
    }
    return out;
  }

  private bindParams(params: SyntaxNode, args: Value[], scope: Scope): void {
    const parts = kids(params);
    let index = 0;
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (p.name === 'Spread') {
        const target = parts[i + 1];
        if (target) this.bindPattern(target, { t: 'array', items: args.slice(index) }, scope);
        return;
      }
      if (p.name !== 'VariableDefinition' && p.name !== 'ObjectPattern' && p.name !== 'ArrayPattern') continue;
      let v = args[index] ?? UNDEF;
      let j = i + 1;
      while (parts[j] && (parts[j].name === 'TypeAnnotation' || parts[j].name === 'Optional' || this.src(parts[j]) === '?')) j++;
      if (parts[j]?.name === 'Equals' && parts[j + 1]) {
        if (v.t === 'undef') v = this.eval(parts[j + 1], scope);
        i = j + 1;
      }
      this.bindPattern(p, v, scope);
      index++;
    }
  }
}
