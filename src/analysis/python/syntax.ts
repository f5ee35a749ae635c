// The syntax the interpreter reads: a compact tree of statements and expressions with named fields
// and source ranges. `lower.ts` builds it from Lezer's concrete tree; nothing here depends on Lezer.

/** Fields every node carries: its source range. */
export interface At {
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
