// The abstract interpreter: it runs Python statements over abstract values (values.ts). Module
// construction, module calls and tensor operations belong to the framework plug-ins (torch.ts,
// keras.ts), reached through FrameworkHooks; operators are operators.ts, imports imports.ts. This
// file keeps the language itself: scopes, statements, expressions, calls, classes.
// Every path is total. Budgets (steps, loop iterations, call depth) bound the work; when one
// runs out the interpreter produces unknowns and one 'budget' finding.

import type { Finding, Fix, Severity, Span } from '../types';
import { beyondBoundMessage, chargeFor, fitsCollection, MAX_COLLECTION_ITEMS, WalkMeter } from '../allocation';
import { formatDim, isKnown, subDim, symDim, unknownDim, type Dim } from '../shapes';
import type { Arg, Expr, FunctionDef, Module, Param, Stmt } from './ast';
import { lineAt } from '../lineIndex';
import { rankFixes } from '../repairs';
import { ModuleLoader } from './imports';
import type { ParseStore } from './parseStore';
import { binaryOperation, compareValues, joinValues, sliceIndices, toStr, valuesEqual, type OperatorHost } from './operators';
import {
  FALSE,
  NONE,
  Scope,
  SharedEmptyMap,
  force,
  formatTensorShape,
  TRUE,
  describe,
  dictKey,
  int,
  str,
  truthy,
  tuple,
  typeName,
  unknown,
  type BuiltinV,
  type CallSite,
  type ClassV,
  type DictV,
  type FuncV,
  type InstanceV,
  type NamespaceV,
  type SourceFile,
  type TensorV,
  type Value,
} from './values';

/** Control-flow outcome of a statement. */
type Completion = null | { kind: 'break' } | { kind: 'continue' } | { kind: 'return'; value: Value };
const BREAK: Completion = { kind: 'break' };
const CONTINUE: Completion = { kind: 'continue' };

/** Limits that keep every file bounded. */

/** What a finding may say beyond its message: expected, got, the repair in words and as edits. */
export type FindingDetails = Pick<Finding, 'expected' | 'got' | 'hint' | 'fixes'>;
export interface Budgets {
  steps: number;
  loopIterations: number;
  callDepth: number;
}

/** Hooks the interpreter calls for framework behaviour (torch, keras), installed by the front end. */
export interface FrameworkHooks {
  /** A top-level import of a framework package (`torch`, `torch.nn`, `keras`), or undefined. */
  importModule(dotted: string): Value | undefined;
  /** Attribute of a tensor (`x.shape`, `x.view`). */
  tensorAttr(t: TensorV, name: string, site: CallSite): Value;
  /** Binary operator on operands of which at least one is a tensor. */
  tensorBinop(op: string, a: Value, b: Value, site: CallSite): Value;
  /** Subscript of a tensor. */
  tensorIndex(t: TensorV, index: Value, site: CallSite): Value;
  /** Calling an nn.Module instance (records the first call). */
  callModule(inst: InstanceV, args: Value[], kwargs: Map<string, Value>, site: CallSite): Value;
  /** Assigning an attribute of a module instance (registers submodules and parameters). */
  setModuleAttr(inst: InstanceV, name: string, v: Value): void;
  /** Reading an attribute of a module instance not found in its own attributes. */
  getModuleAttr(inst: InstanceV, name: string): Value | undefined;
  /** A new instance of a class deriving from a native module class. */
  newModule(cls: ClassV, site: CallSite): InstanceV;
  /** Iterating a module container (ModuleList, Sequential, ModuleDict). */
  iterateModule(inst: InstanceV): Value[] | null;
  /** Subscripting a module container. */
  indexModule(inst: InstanceV, index: Value, site: CallSite): Value;
  /** `len()` of a module container. */
  lenModule(inst: InstanceV): number | null;
  /**
   * After an imported workspace module's top level ran: a front end may set globals there the way
   * its framework does when it imports that package (Keras gives keras_applications its submodules).
   */
  workspaceModuleRan?(path: string, setGlobal: (name: string, v: Value) => void): void;
  /** `copy.deepcopy` of a module: a new module with the same configuration and submodules cloned. */
  cloneModule?(inst: InstanceV, site: CallSite): Value;
  /**
   * The fix that sets the output size of the layer that made dim `axis` of `t` (its out_features,
   * out_channels) to `size`, when that layer certainly made it and was built in the analysed file.
   */
  producerSizeFix?(t: TensorV, axis: number, size: number): Fix | null;
}

/** The items of an instance of a dict subclass, or null. */
function itemsOfInstance(inst: InstanceV): DictV | null {
  return (inst as InstanceV & { items?: DictV }).items ?? null;
}

/** The 1-based line of an offset in a source file. */
export function lineOf(file: SourceFile, offset: number): number {
  return lineAt(file.lineStarts, offset);
}

/** Python's builtins as an interpreter receives them. */
export interface BuiltinTable {
  /** Builtin names (`range`, `len`, `isinstance` …). */
  names: Map<string, Value>;
  /** A method of a builtin value (`str.join`, `list.append` …), or undefined when there is none. */
  method(obj: Value, name: string, site: CallSite): Value | undefined;
}

/**
 * What the front end plugs into an interpreter at construction (analyzePython.ts composes it):
 * factories, because the plug-ins themselves hold the interpreter. Both are called once, in the
 * constructor, `hooks` first.
 */
export interface InterpreterSetup {
  /** The framework plug-ins (torch, keras) as one set of hooks. */
  hooks(interp: Interpreter): FrameworkHooks;
  /** The builtins (builtins/index.ts's builtinTable). */
  builtins(interp: Interpreter): BuiltinTable;
}

/** Lists longer than this are walked only up to the loop-iteration cap. */
const MAX_LISTED_ITERATIONS = 4096;

/** Thrown only to unwind when the step budget is gone; caught at the top level of analysis. */
export class BudgetExhausted extends Error {}

/**
 * Thrown when one loop has spent its share of the step budget: caught by that loop, which stops
 * there (its values keep what they had) while the rest of the model goes on. A subclass of
 * BudgetExhausted so that every place that lets a budget unwind lets this one too.
 */
class LoopBudgetExceeded extends BudgetExhausted {
  constructor(
    readonly frame: LoopFrame,
    /** The walk over a collection that spent the last of the loop's share, if one did. */
    readonly walk: string | null,
  ) {
    super('loop budget');
  }
}

/** A loop running under its own share of the step budget. */
interface LoopFrame {
  start: number;
  limit: number;
}


/** The interpreter for one analysis run. */
export class Interpreter {
  readonly findings: Finding[] = [];
  private readonly findingKeys = new Map<string, Finding>();
  /** Modules whose children are being run by their catalogue rule (a guard against re-entry). */
  readonly callingChildren = new Set<number>();
  steps = 0;
  exhausted = false;
  private depth = 0;
  /** Innermost call site in the main file: where effects in other files are reported. */
  anchor: CallSite;
  /** Set while a model is built and run: only then do gaps inside imported files matter. */
  reportForeignGaps = false;
  /** Set while a model's forward runs, so tensor-producing expressions are annotated. */
  annotating = false;
  /** The framework plug-ins' behaviour (torch, keras), from the setup given to the constructor. */
  readonly hooks: FrameworkHooks;
  /** Python's builtin names, from the setup given to the constructor. */
  readonly builtins: Map<string, Value>;
  /** Methods of builtin values (`str.join`, `list.append` …), from the setup given to the constructor. */
  readonly builtinMethod: BuiltinTable['method'];
  readonly mainScope: Scope;
  /** Imports and the workspace modules they read (imports.ts). */
  private readonly modules: ModuleLoader;
  /** What the operators (operators.ts) ask of this interpreter. */
  private readonly operatorHost: OperatorHost;

  /**
   * An interpreter for one analysis run. `setup` plugs in the framework hooks and the builtins:
   * each factory receives this interpreter once its own state exists (scopes, budgets, the
   * module loader), and is called exactly once, hooks first, so builtins may use what the
   * hooks' plug-ins made (the `object` class). See InterpreterSetup.
   */
  constructor(
    readonly main: SourceFile,
    readonly mainModule: Module,
    readonly budgets: Budgets,
    readModule: ((path: string) => string | undefined) | undefined,
    parseStore: ParseStore | undefined,
    setup: InterpreterSetup,
    /** Folders searched for absolute imports after the importing file's package (AnalyzeOptions.pythonPath). */
    searchPath: readonly string[] = [],
  ) {
    this.anchor = { from: 0, to: 0, file: main };
    this.mainScope = new Scope(null, main, true);
    this.modules = new ModuleLoader(
      {
        importNative: (name) => this.hooks.importModule(name),
        gap: (site, message) => this.gap(site, message),
        runModuleBody: (stmts, scope, file, path) => this.runModuleBody(stmts, scope, file, path),
        getAttr: (obj, name, site, quiet) => this.getAttr(obj, name, site, quiet),
        withoutForeignGaps: (read) => {
          const saved = this.reportForeignGaps;
          this.reportForeignGaps = false;
          try {
            return read();
          } finally {
            this.reportForeignGaps = saved;
          }
        },
      },
      readModule,
      parseStore,
      searchPath,
    );
    this.operatorHost = {
      tensorBinop: (op, a, b, site) => this.hooks.tensorBinop(op, a, b, site),
      instanceOperator: (inst, method, arg, site) => {
        const m = this.lookupClassAttr(inst.cls, method);
        return m ? this.call(this.bindClassAttr(m, inst, inst.cls), [arg], new Map(), site) : undefined;
      },
      gap: (site, message) => this.gap(site, message),
      charge: (n, site) => this.charge(n, site),
      walked: (items, site, what) => this.walks.walked(items, site, what),
    };
    this.hooks = setup.hooks(this);
    const table = setup.builtins(this);
    this.builtins = table.names;
    this.builtinMethod = table.method;
  }

  // ---------------------------------------------------------------- findings

  /** The span to report at for a site, in the main file (an anchor when the site is elsewhere). */
  mainSpan(site: { from: number; to: number; file: SourceFile }): { span: Span; line: number; where: string } {
    if (site.file.isMain) return { span: { from: site.from, to: site.to }, line: lineOf(site.file, site.from), where: '' };
    const base = site.file.path.split('/').pop() ?? site.file.path;
    return { span: { from: this.anchor.from, to: this.anchor.to }, line: lineOf(this.main, this.anchor.from), where: ` (in ${base}:${lineOf(site.file, site.from)})` };
  }

  /** How many budget limits were hit so far (a model built past one is incomplete). */
  budgetHits = 0;

  /**
   * Set by the incremental analysis while a model is built: every finding reported (duplicates
   * too), so that replaying them later deduplicates exactly as a fresh run would.
   */
  reportLog: Finding[] | null = null;
  /** Set by the incremental analysis while a model is built: start offsets of the main-file definitions it used. */
  touched: Set<number> | null = null;

  /** Records a finding once per place and message; returns it (the one already listed for a repeat). */
  report(code: Finding['code'], severity: Severity, site: { from: number; to: number; file: SourceFile }, message: string, related: Finding['related'] = [], extra: FindingDetails = {}): Finding {
    if (code === 'budget') this.budgetHits++;
    const at = this.mainSpan(site);
    const finding: Finding = { severity, code, span: at.span, line: at.line, message: message + at.where, related };
    if (extra.expected !== undefined) finding.expected = extra.expected;
    if (extra.got !== undefined) finding.got = extra.got;
    if (extra.hint !== undefined) finding.hint = extra.hint;
    // Edits are offsets into the main file: a finding anchored there for another file offers none.
    if (extra.fixes?.length && site.file.isMain) finding.fixes = rankFixes(extra.fixes);
    return this.addFinding(finding);
  }

  /** Adds a finding unless the same place, code and message is already listed (also replays a logged finding). */
  addFinding(finding: Finding): Finding {
    this.reportLog?.push(finding);
    const key = `${finding.span.from}:${finding.code}:${finding.message}`;
    const listed = this.findingKeys.get(key);
    if (listed) return listed;
    this.findingKeys.set(key, finding);
    this.findings.push(finding);
    return finding;
  }

  /** An inference gap: a construct the analysis cannot follow, named at its place. */
  gap(site: { from: number; to: number; file: SourceFile }, message: string): void {
    // What an imported module's top level cannot follow matters only if the model uses it, and
    // then the model's own call reports it; reading the import itself stays quiet.
    if (!site.file.isMain && (this.modules.loading.size > 0 || !this.reportForeignGaps)) return;
    this.report('inference-gap', 'info', site, message);
  }

  /** Counts native work against the step budget. */
  charge(n: number, site: CallSite): void {
    this.steps += n;
    this.step(site, site.file);
  }

  /** The walk being charged right now (named in the budget's findings), else null. */
  private chargingWalk: string | null = null;

  /**
   * Charges the step budget for the items that operations over existing collections walk
   * (membership tests, comparisons, copies, slices, string scans), in proportion to their length
   * (allocation.ts).
   */
  readonly walks = new WalkMeter<CallSite>((steps, site, what) => {
    this.chargingWalk = what;
    try {
      // charge() adds one step of its own.
      this.charge(steps - 1, site);
    } finally {
      this.chargingWalk = null;
    }
  });

  /** Loops now running, outermost first, each with its own step limit; and the lowest of those limits. */
  private readonly loopFrames: LoopFrame[] = [];
  private loopLimit = Infinity;
  /** Steps given back by loops that were stopped; bounded so that a model's total work stays bounded. */
  refunded = 0;
  /** Module instances created so far (a stopped loop that made none did not cut the model short). */
  private modulesCreated = 0;

  private step(site: { from: number; to: number }, file: SourceFile): void {
    if (++this.steps > this.loopLimit && this.steps <= this.budgets.steps) {
      // The outermost loop past its share is the one that ran away.
      const frame = this.loopFrames.find((f) => this.steps > f.limit)!;
      throw new LoopBudgetExceeded(frame, this.chargingWalk);
    }
    if (this.steps > this.budgets.steps) {
      if (!this.exhausted) {
        this.exhausted = true;
        const walk = this.chargingWalk === null ? '' : ` (the last step: ${this.chargingWalk}, charged by its length)`;
        this.report('budget', 'warning', { ...site, file }, `analysis stopped here: step budget of ${this.budgets.steps} exhausted${walk}; later shapes are unknown`);
      }
      throw new BudgetExhausted();
    }
  }

  /**
   * Runs a loop under its own share of the budget (three quarters of what remains), so that one
   * runaway loop (a table filled element by element) costs its own values, not the model: past its
   * share the loop stops with a warning naming it, its steps are given back (up to the file's
   * budget once more in all), and `stopped` gives the loop's value. Budget exhaustion of the file
   * as a whole still unwinds as before.
   */
  withLoopBudget<T>(site: CallSite, run: () => T, stopped: () => T): T {
    const start = this.steps;
    const modulesBefore = this.modulesCreated;
    const frame: LoopFrame = { start, limit: start + Math.floor(((this.budgets.steps - start) * 3) / 4) };
    const savedLimit = this.loopLimit;
    this.loopFrames.push(frame);
    this.loopLimit = Math.min(savedLimit, frame.limit);
    try {
      return run();
    } catch (e) {
      if (!(e instanceof LoopBudgetExceeded) || e.frame !== frame) throw e;
      const spent = this.steps - start;
      const walk = e.walk === null ? '' : `, the last of them for ${e.walk}`;
      this.report('budget', 'warning', site, `loop stopped after ${spent} steps (its share of the step budget${walk}); values it computes may be incomplete, the rest of the model goes on`);
      // A loop that made no module until it stopped was computing values (a table filled element
      // by element), not building the model: the model's totals stay known.
      if (this.modulesCreated === modulesBefore) this.budgetHits--;
      if (this.refunded + spent <= this.budgets.steps) {
        this.refunded += spent;
        this.steps = start;
      }
      return stopped();
    } finally {
      this.loopFrames.pop();
      this.loopLimit = savedLimit;
    }
  }

  // ---------------------------------------------------------------- modules and imports

  /** Runs the main file's top level. */
  runMain(): void {
    this.mainScope.vars.set('__name__', str('__layer_lens__'));
    this.mainScope.vars.set('__file__', str(this.main.path));
    this.execBlock(this.mainModule.body, this.mainScope);
  }

  /** Resolves a dotted import from a file: framework packages first, then workspace files. */
  importDotted(dotted: string[], level: number, from: SourceFile, site: CallSite): Value {
    return this.modules.importDotted(dotted, level, from, site);
  }

  /** A namespace whose every attribute is unknown (a library we do not model). */
  opaqueNamespace(name: string): NamespaceV {
    return this.modules.opaqueNamespace(name);
  }

  /** An opaque callable standing for an unmodelled library function or class. */
  builtinsOpaque(qualified: string): Value {
    return this.modules.opaque(qualified);
  }

  /** Runs an imported module's top level (the loader's ImportHost.runModuleBody). */
  private runModuleBody(stmts: readonly Stmt[], scope: Scope, file: SourceFile, path: string): void {
    try {
      for (const st of stmts) {
        // An imported module's top-level values (URL tables, metadata, registries) are
        // computed when first used, so that reading one model does not evaluate them all.
        if (st.t === 'assign' && st.value && st.targets.length === 1 && st.targets[0].t === 'name' && st.value.t !== 'name' && st.value.t !== 'num' && st.value.t !== 'str') {
          const value = st.value;
          scope.set(st.targets[0].id, { k: 'lazy', resolve: () => this.eval(value, scope) });
          continue;
        }
        const c = this.exec(st, scope);
        if (c) break;
      }
      this.hooks.workspaceModuleRan?.(path, (name, v) => scope.set(name, v));
    } catch (e) {
      if (e instanceof BudgetExhausted) throw e;
      this.gap({ from: 0, to: 0, file }, `internal error while reading ${path}: ${(e as Error).message}`);
    }
  }

  // ---------------------------------------------------------------- statements

  execBlock(stmts: readonly Stmt[], scope: Scope): Completion {
    for (const s of stmts) {
      let c: Completion;
      try {
        c = this.exec(s, scope);
      } catch (e) {
        // A fault of the analysis itself costs the statement, not the model: its bindings stay
        // as they were and the next statement runs. Budgets unwind as they always do.
        if (e instanceof BudgetExhausted || !(e instanceof Error) || e instanceof RangeError) throw e;
        this.report('internal', 'warning', this.site(s, scope), `internal error in the analysis at this statement (its values are unknown): ${e.message}`);
        continue;
      }
      if (c) return c;
    }
    return null;
  }

  private site(node: { from: number; to: number }, scope: Scope): CallSite {
    return { from: node.from, to: node.to, file: scope.file };
  }

  exec(s: Stmt, scope: Scope): Completion {
    this.step(s, scope.file);
    switch (s.t) {
      case 'expr':
        this.eval(s.value, scope);
        return null;
      case 'assign': {
        if (!s.value) {
          // A bare annotation (`x: int`) declares a dataclass field; nothing to bind.
          if (s.targets[0]?.t === 'name') this.recordAnnotationOnly(scope, s.targets[0].id);
          return null;
        }
        if (s.targets.length === 1) this.refineFromShapeUnpack(s.targets[0], s.value, scope);
        const v = this.eval(s.value, scope);
        // The shape of a tensor of certain rank has a certain length: unpacking it into the wrong
        // number of names raises in Python every time, so it is an error, not a warning.
        const certain = v.k === 'tuple' && s.targets.some((t) => t.t === 'tuple' || t.t === 'list') ? this.rankedShapeSource(s.value, scope) : null;
        this.certainUnpack = certain;
        try {
          for (const t of s.targets) this.assign(t, v, scope);
        } finally {
          this.certainUnpack = null;
        }
        if (s.annotation && s.targets[0]?.t === 'name') this.recordAnnotationOnly(scope, s.targets[0].id);
        if (this.annotating && scope.file.isMain && v.k === 'tensor' && s.targets.length === 1 && s.targets[0].t !== 'tuple') this.annotateAssign(s.targets[0], v);
        return null;
      }
      case 'augassign': {
        const cur = force(this.eval(s.target, scope));
        const rhs = this.eval(s.value, scope);
        this.assign(s.target, this.inPlaceOperation(s.op, cur, rhs, this.site(s, scope)), scope);
        return null;
      }
      case 'if':
        return this.execIf(s.branches, s.orelse, scope, 0);
      case 'for':
        return this.withLoopBudget(this.site(s, scope), () => this.execFor(s, scope), () => null);
      case 'while':
        return this.withLoopBudget(this.site(s, scope), () => this.execWhile(s, scope), () => null);
      case 'return':
        return { kind: 'return', value: s.value ? this.eval(s.value, scope) : NONE };
      case 'pass':
        return null;
      case 'break':
        return BREAK;
      case 'continue':
        return CONTINUE;
      case 'def': {
        const f = this.makeFunction(s.def, scope);
        let v: Value = f;
        for (const d of [...s.def.decorators].reverse()) v = this.applyDecorator(d, v, scope);
        scope.set(s.def.name, v);
        return null;
      }
      case 'class':
        this.execClass(s.def, scope);
        return null;
      case 'import':
        this.modules.execImport(s, scope, this.site(s, scope));
        return null;
      case 'importfrom':
        this.modules.execImportFrom(s, scope, this.site(s, scope));
        return null;
      case 'with':
        for (const item of s.items) {
          const v = this.eval(item.expr, scope);
          if (item.target) this.assign(item.target, v, scope);
        }
        return this.execBlock(s.body, scope);
      case 'try': {
        const c = this.execBlock(s.body, scope);
        if (c) return c;
        if (s.orelse) {
          const e = this.execBlock(s.orelse, scope);
          if (e) return e;
        }
        return s.final ? this.execBlock(s.final, scope) : null;
      }
      case 'raise':
        // A raise ends this path; the caller sees an unknown result.
        return { kind: 'return', value: unknown('raises an exception', s) };
      case 'assert':
        return null;
      case 'delete':
        for (const t of s.targets) this.deleteTarget(t, scope);
        return null;
      case 'scope':
        scope.globalNames ??= new Set();
        for (const n of s.names) scope.globalNames.add(n);
        return null;
      case 'error':
        return null;
    }
  }

  /**
   * `B, T, D = x.shape` on a tensor of unknown rank states its rank: the tensor becomes
   * (B,T,D), named after the targets, so everything computed from it stays symbolic but exact.
   */
  /** Set while assigning the shape of a tensor of certain rank: the tensor's name and shape, for the unpack error. */
  private certainUnpack: { what: string; tensor: TensorV } | null = null;

  /** `x.shape` or `x.size()` of a tensor whose rank is certain: its text and the tensor. */
  private rankedShapeSource(value: Expr, scope: Scope): { what: string; tensor: TensorV } | null {
    let objExpr: Expr | null = null;
    if (value.t === 'attr' && value.attr === 'shape') objExpr = value.obj;
    else if (value.t === 'call' && value.args.length === 0 && value.fn.t === 'attr' && value.fn.attr === 'size') objExpr = value.fn.obj;
    if (!objExpr || (objExpr.t !== 'name' && objExpr.t !== 'attr')) return null;
    const obj = this.eval(objExpr, scope);
    if (obj.k !== 'tensor' || !obj.ranked) return null;
    return { what: scope.file.text.slice(value.from, value.to), tensor: obj };
  }

  private refineFromShapeUnpack(target: Expr, value: Expr, scope: Scope): void {
    if (target.t !== 'tuple' || target.elts.some((e) => e.t === 'starred')) return;
    let objExpr: Expr | null = null;
    if (value.t === 'attr' && value.attr === 'shape') objExpr = value.obj;
    else if (value.t === 'call' && value.args.length === 0 && value.fn.t === 'attr' && value.fn.attr === 'size') objExpr = value.fn.obj;
    if (!objExpr || (objExpr.t !== 'name' && objExpr.t !== 'attr')) return;
    const obj = this.eval(objExpr, scope);
    if (obj.k !== 'tensor' || obj.ranked) return;
    const n = target.elts.length;
    const known = obj.shape;
    const shape: Dim[] = target.elts.map((e, i) => (e.t === 'name' && e.id !== '_' ? symDim(e.id) : symDim(`d${i}`)));
    for (let i = 0; i < known.length && i < n; i++) shape[n - known.length + i] = known[i];
    obj.shape = shape;
    obj.ranked = true;
  }

  private recordAnnotationOnly(scope: Scope, name: string): void {
    const fields = (scope as Scope & { fieldOrder?: string[] }).fieldOrder;
    if (fields && !fields.includes(name)) fields.push(name);
  }

  private execIf(branches: { test: Expr; body: Stmt[] }[], orelse: Stmt[] | null, scope: Scope, i: number): Completion {
    if (i >= branches.length) return orelse ? this.execBlock(orelse, scope) : null;
    const cond = truthy(this.eval(branches[i].test, scope));
    if (cond === true) return this.execBlock(branches[i].body, scope);
    if (cond === false) return this.execIf(branches, orelse, scope, i + 1);
    // Unknown condition: run both arms on copies of the local names and join what they leave.
    const base = new Map(scope.vars);
    const a = this.execBlock(branches[i].body, scope);
    const varsA = scope.vars;
    (scope as { vars: Map<string, Value> }).vars = new Map(base);
    const b = this.execIf(branches, orelse, scope, i + 1);
    const varsB = scope.vars;
    const aReturns = a?.kind === 'return';
    const bReturns = b?.kind === 'return';
    if (aReturns && bReturns) return { kind: 'return', value: joinValues((a as { value: Value }).value, (b as { value: Value }).value) };
    if (aReturns) return b;
    if (bReturns) {
      (scope as { vars: Map<string, Value> }).vars = varsA;
      return a;
    }
    const joined = new Map<string, Value>();
    for (const [k, v] of varsA) {
      const w = varsB.get(k);
      joined.set(k, w === undefined ? v : joinValues(v, w));
    }
    for (const [k, v] of varsB) if (!joined.has(k)) joined.set(k, v);
    (scope as { vars: Map<string, Value> }).vars = joined;
    return a ?? b;
  }

  /**
   * `a op= b` as Python runs it: an object's `__iop__` first (ModuleList's `+=` extends it), a list's
   * `+=` extends that very list (other names bound to it see the items), else `a op b`.
   */
  private inPlaceOperation(op: string, cur: Value, rhs: Value, site: CallSite): Value {
    const inPlace: Record<string, string> = { '+': '__iadd__', '-': '__isub__', '*': '__imul__', '/': '__itruediv__', '|': '__ior__' };
    if (cur.k === 'instance' && inPlace[op]) {
      const m = this.lookupClassAttr(cur.cls, inPlace[op]);
      if (m) return this.call(this.bindClassAttr(m, cur, cur.cls), [rhs], new Map(), site);
    }
    if (op === '+' && cur.k === 'list') {
      const items = this.iterate(rhs, site);
      if (items) {
        cur.items.push(...items);
        return cur;
      }
    }
    return this.binop(op, cur, rhs, site);
  }

  private execWhile(s: Extract<Stmt, { t: 'while' }>, scope: Scope): Completion {
    let n = 0;
    for (;;) {
      const cond = truthy(this.eval(s.test, scope));
      if (cond === false) break;
      if (cond === undefined) {
        this.gap(this.site(s.test, scope), 'while loop with a condition the analysis cannot decide; body run once');
      }
      if (++n > this.budgets.loopIterations) {
        this.report('budget', 'warning', this.site(s, scope), `loop stopped after ${this.budgets.loopIterations} iterations`);
        break;
      }
      const c = this.execBlock(s.body, scope);
      if (c === BREAK) return null;
      if (c && c.kind === 'return') return c;
      if (cond === undefined) break;
    }
    return s.orelse ? this.execBlock(s.orelse, scope) : null;
  }

  private execFor(s: Extract<Stmt, { t: 'for' }>, scope: Scope): Completion {
    const it = this.eval(s.iter, scope);
    const items = this.iterate(it, this.site(s.iter, scope));
    if (!items) {
      this.gap(this.site(s.iter, scope), `cannot iterate over ${describe(it)} statically; loop body run once with unknown values`);
      this.assign(s.target, unknown('loop variable of an unknown iterable', s.target), scope);
      const c = this.execBlock(s.body, scope);
      return c && c.kind === 'return' ? c : null;
    }
    // A list the analysis holds in full (a model's 433 modules) is walked to its end, bounded by
    // the loop's share of the step budget; a range cut short at the iteration cap stops there.
    const forced = force(it);
    const cap = (forced as { truncated?: boolean }).truncated === true || items.length > MAX_LISTED_ITERATIONS ? this.budgets.loopIterations : Infinity;
    let n = 0;
    for (const item of items) {
      if (++n > cap) {
        this.report('budget', 'warning', this.site(s, scope), `loop stopped after ${this.budgets.loopIterations} iterations`);
        break;
      }
      this.assign(s.target, item, scope);
      const c = this.execBlock(s.body, scope);
      if (c === BREAK) return null;
      if (c && c.kind === 'return') return c;
    }
    return s.orelse ? this.execBlock(s.orelse, scope) : null;
  }

  private applyDecorator(d: Expr, v: Value, scope: Scope): Value {
    if (d.t === 'name' && (d.id === 'staticmethod' || d.id === 'classmethod' || d.id === 'property')) {
      if (v.k === 'func') v.decorators.push(d.id);
      if (d.id === 'property') return { k: 'property', getter: v };
      return v;
    }
    if (d.t === 'attr' && d.attr === 'setter') return v;
    const dv = this.eval(d, scope);
    if (dv.k === 'unknown' || dv.k === 'none') return v;
    if (dv.k === 'builtin' && dv.name === 'dataclass') return this.call(dv, [v], new Map(), this.site(d, scope));
    // Decorators of unknown effect (torch.jit.unused, register_model, wraps) keep the function.
    const r = this.call(dv, [v], new Map(), this.site(d, scope));
    return r.k === 'unknown' ? v : r;
  }

  makeFunction(def: FunctionDef, scope: Scope, owner: ClassV | null = null): FuncV {
    const defaults = new Map<string, Value>();
    for (const p of def.params) if (p.default) defaults.set(p.name, this.eval(p.default, scope));
    return { k: 'func', name: def.name, def, closure: scope, file: scope.file, defaults, decorators: [], owner };
  }

  private execClass(def: Extract<Stmt, { t: 'class' }>['def'], scope: Scope): void {
    const bases: ClassV[] = [];
    const site = this.site(def, scope);
    for (const b of def.bases) {
      if (b.kind !== 'pos') continue;
      const bv = this.eval(b.value, scope);
      if (bv.k === 'class') bases.push(bv);
      else if (bv.k === 'builtin' && (bv.name === 'dict' || bv.name === 'OrderedDict' || bv.name === 'defaultdict')) bases.push(this.dictBase());
      else if (bv.k === 'unknown') this.gap({ from: b.from, to: b.to, file: scope.file }, `base class ${scope.file.text.slice(b.from, b.to)} is unknown; its behaviour is not followed`);
    }
    const cls: ClassV = { k: 'class', name: def.name, bases, ns: new Map(), def, file: scope.file, layer: null, native: null, mro: [] };
    cls.mro = computeMro(cls);
    cls.layer = cls.mro.find((c) => c.layer)?.layer ?? null;
    const body = new Scope(scope, scope.file) as Scope & { fieldOrder?: string[]; classOwner?: ClassV };
    body.fieldOrder = [];
    body.classOwner = cls;
    this.execBlockInClass(def.body, body, cls, scope);
    for (const [k, v] of body.vars) cls.ns.set(k, v);
    (cls as ClassV & { fields?: string[] }).fields = body.fieldOrder;
    let v: Value = cls;
    for (const d of [...def.decorators].reverse()) v = this.applyDecorator(d, v, scope);
    scope.set(def.name, v);
    void site;
  }

  private execBlockInClass(stmts: readonly Stmt[], body: Scope, cls: ClassV, outer: Scope): void {
    for (const s of stmts) {
      if (s.t === 'def') {
        // Methods close over the enclosing scope, not the class body (Python's scoping rule).
        const f = this.makeFunction(s.def, outer, cls);
        for (const p of s.def.params) if (p.default && !f.defaults.has(p.name)) f.defaults.set(p.name, this.eval(p.default, body));
        let v: Value = f;
        for (const d of [...s.def.decorators].reverse()) v = this.applyDecorator(d, v, body);
        body.set(s.def.name, v);
      } else if (s.t === 'assign' && s.value && s.targets.length === 1 && s.targets[0].t === 'name' && cls.mro.some((c) => c.native === 'Enum')) {
        // Enum members (torchvision's weights tables) are evaluated only if something uses them.
        const value = s.value;
        body.set(s.targets[0].id, { k: 'lazy', resolve: () => this.eval(value, body) });
      } else if (s.t === 'if' || s.t === 'try') {
        // Conditional method definitions are rare; run them as ordinary statements.
        this.exec(s, body);
      } else this.exec(s, body);
    }
  }

  // ---------------------------------------------------------------- assignment

  assign(target: Expr, v: Value, scope: Scope): void {
    switch (target.t) {
      case 'name':
        scope.set(target.id, v);
        return;
      case 'tuple':
      case 'list': {
        const starIdx = target.elts.findIndex((e) => e.t === 'starred');
        const items = this.unpack(v, target.elts.length, starIdx, this.site(target, scope));
        target.elts.forEach((e, i) => this.assign(e.t === 'starred' ? e.value : e, items[i], scope));
        return;
      }
      case 'attr': {
        // `layer.weight.data = w` replaces the layer's weight, as `layer.weight = w` would.
        if (target.attr === 'data' && target.obj.t === 'attr') {
          const owner = force(this.eval(target.obj.obj, scope));
          if (owner.k === 'instance' && owner.mod) {
            const replaced = force(v);
            this.setAttr(owner, target.obj.attr, replaced.k === 'tensor' ? { ...replaced, param: true } : replaced, this.site(target, scope));
            return;
          }
        }
        const obj = this.eval(target.obj, scope);
        this.setAttr(obj, target.attr, v, this.site(target, scope));
        return;
      }
      case 'subscript': {
        const obj = this.eval(target.obj, scope);
        const idx = this.evalIndex(target, scope);
        this.setItem(obj, idx, v, this.site(target, scope));
        return;
      }
      case 'starred':
        this.assign(target.value, v, scope);
        return;
      default:
        return;
    }
  }

  private unpack(v: Value, n: number, starIdx: number, site: CallSite): Value[] {
    let items = this.iterate(v, site);
    if (!items) return new Array(n).fill(unknown(`cannot unpack ${describe(v)}`, site));
    if (starIdx >= 0) {
      const before = items.slice(0, starIdx);
      const afterCount = n - starIdx - 1;
      const middle = items.slice(starIdx, items.length - afterCount);
      const after = items.slice(items.length - afterCount);
      items = [...before, { k: 'list', items: middle }, ...after];
    }
    if (items.length !== n) {
      const certain = this.certainUnpack;
      if (certain && starIdx < 0 && certain.tensor.shape.length === items.length)
        this.report('shape-mismatch', 'error', site, `cannot unpack ${items.length} values into ${n} names: ${certain.what} of ${formatTensorShape(certain.tensor)} has ${items.length} dims`, [], { expected: `${n} dims`, got: `${items.length} dims ${formatTensorShape(certain.tensor)}` });
      else this.report('invalid-argument', 'warning', site, `cannot unpack ${items.length} values into ${n} names`);
      return Array.from({ length: n }, (_, i) => items![i] ?? unknown('unpacking mismatch', site));
    }
    return items;
  }

  setAttr(obj: Value, name: string, v: Value, site: CallSite): void {
    obj = force(obj);
    if (obj.k === 'instance') {
      const prop = this.lookupClassAttr(obj.cls, name);
      if (prop && prop.k === 'property') return;
      if (name === '__dict__') {
        // `self.__dict__ = mapping`: the mapping's string keys become the attributes.
        const src = force(v);
        if (src.k === 'dict') {
          for (const e of src.entries.values()) if (e.key.k === 'str') this.setAttr(obj, e.key.v, e.value, site);
        } else if (src === obj && itemsOfInstance(obj)) (obj as InstanceV & { itemsAreAttrs?: boolean }).itemsAreAttrs = true;
        else this.gap(site, `assigning ${describe(src)} to __dict__ is not followed`);
        return;
      }
      if (obj.mod) this.hooks.setModuleAttr(obj, name, v);
      else obj.attrs.set(name, v);
    } else if (obj.k === 'class') obj.ns.set(name, v);
    else if (obj.k === 'namespace' && obj.set) obj.set(name, v);
    else if (obj.k === 'namespace') this.gap(site, `assigning ${obj.name}.${name} is not followed`);
    void site;
  }

  /**
   * `del d[k]`, `del xs[i]`, `del name`: the entry or binding goes, as in Python (torchvision's
   * model builders delete the legacy `pretrained` keyword this way). Deleting an attribute or
   * a slice is not followed.
   */
  private deleteTarget(target: Expr, scope: Scope): void {
    if (target.t === 'tuple' || target.t === 'list') {
      for (const e of target.elts) this.deleteTarget(e, scope);
    } else if (target.t === 'name') {
      scope.vars.delete(target.id);
    } else if (target.t === 'subscript') {
      const obj = force(this.eval(target.obj, scope));
      const idx = this.evalIndex(target, scope);
      if (obj.k === 'dict') {
        const key = dictKey(idx);
        if (key) obj.entries.delete(key);
      } else if (obj.k === 'list' && idx.k === 'int' && isKnown(idx.v)) {
        const i = idx.v < 0 ? obj.items.length + idx.v : idx.v;
        if (i >= 0 && i < obj.items.length) obj.items.splice(i, 1);
      }
    }
  }

  setItem(obj: Value, idx: Value, v: Value, site: CallSite): void {
    const attributesOf = obj.k === 'namespace' ? (obj as NamespaceV & { attributesOf?: InstanceV }).attributesOf : undefined;
    if (attributesOf && idx.k === 'str') this.setAttr(attributesOf, idx.v, v, site);
    else if (obj.k === 'list') {
      if (idx.k === 'int' && isKnown(idx.v)) {
        const i = idx.v < 0 ? obj.items.length + idx.v : idx.v;
        if (i >= 0 && i < obj.items.length) obj.items[i] = v;
      }
    } else if (obj.k === 'dict') {
      const key = dictKey(idx);
      if (key) obj.entries.set(key, { key: idx, value: v });
    } else if (obj.k === 'instance' && !obj.mod && this.lookupClassAttr(obj.cls, '__setitem__')) {
      this.call(this.bindClassAttr(this.lookupClassAttr(obj.cls, '__setitem__')!, obj, obj.cls), [idx, v], new Map(), site);
    } else if (obj.k === 'instance' && obj.mod && (obj.cls.mro.some((c) => c.native === 'ModuleDict') || obj.cls.mro.some((c) => c.native === 'ModuleList'))) {
      const name = idx.k === 'str' ? idx.v : idx.k === 'int' ? formatDim(idx.v) : null;
      if (name !== null) this.hooks.setModuleAttr(obj, name, v);
    }
    // In-place writes into tensors (x[:, 0] = 1) leave the shape as it was.
    void site;
  }

  // ---------------------------------------------------------------- expressions

  eval(e: Expr, scope: Scope): Value {
    this.step(e, scope.file);
    switch (e.t) {
      case 'name': {
        const v = scope.lookup(e.id) ?? this.builtins.get(e.id);
        if (v === undefined) {
          this.gap(this.site(e, scope), `name '${e.id}' is not defined (or not visible to the analysis)`);
          return unknown(`name ${e.id} is undefined`, e);
        }
        return force(v);
      }
      case 'num':
        return e.isFloat ? { k: 'float', v: e.value } : int(e.value);
      case 'str':
        return str(e.value);
      case 'fstr': {
        let out = '';
        for (const p of e.parts) {
          if (typeof p === 'string') out += p;
          else {
            const v = this.eval(p, scope);
            const s = this.toStr(v);
            if (s === null) return unknown('formatted string with an unknown part', e);
            out += s;
          }
        }
        return str(out);
      }
      case 'bool':
        return e.value ? TRUE : FALSE;
      case 'none':
        return NONE;
      case 'ellipsis':
        return { k: 'ellipsis' };
      case 'tuple':
        return tuple(this.evalElements(e.elts, scope));
      case 'list':
        return { k: 'list', items: this.evalElements(e.elts, scope) };
      case 'set':
        return { k: 'set', items: this.evalElements(e.elts, scope) };
      case 'dict': {
        const d: DictV = { k: 'dict', entries: new Map() };
        for (const item of e.items) {
          if ('spread' in item) {
            const sv = this.eval(item.spread, scope);
            if (sv.k === 'dict') for (const [k, ent] of sv.entries) d.entries.set(k, ent);
          } else {
            const key = this.eval(item.key, scope);
            const dk = dictKey(key);
            if (dk) d.entries.set(dk, { key, value: this.evalPassing(item.value, scope) });
          }
        }
        return d;
      }
      case 'starred':
        return this.eval(e.value, scope);
      case 'attr': {
        const obj = this.eval(e.obj, scope);
        // `self.conv1`, `self.heads`: an instance's own attribute or child module, found as getAttr
        // finds it first, without making the call site only its failures need.
        const own = obj.k === 'instance' ? this.ownAttr(obj, e.attr) : undefined;
        return own ?? this.getAttr(obj, e.attr, this.site(e, scope));
      }
      case 'subscript': {
        const obj = this.eval(e.obj, scope);
        const idx = this.evalIndex(e, scope);
        const r = this.getItem(obj, idx, this.site(e, scope));
        if (this.annotating && scope.file.isMain && r.k === 'tensor') this.annotate(e, r, 'op', null);
        return r;
      }
      case 'slice':
        return { k: 'slice', lo: e.lo ? this.eval(e.lo, scope) : NONE, hi: e.hi ? this.eval(e.hi, scope) : NONE, step: e.step ? this.eval(e.step, scope) : NONE };
      case 'call':
        return this.evalCall(e, scope);
      case 'binop': {
        const a = this.eval(e.left, scope);
        const b = this.eval(e.right, scope);
        const r = this.binop(e.op, a, b, this.site(e, scope));
        if (this.annotating && scope.file.isMain && r.k === 'tensor' && e.op === '@') this.annotate(e, r, 'op', (r as TensorV & { notation?: string }).notation ?? null);
        return r;
      }
      case 'boolop': {
        const a = this.eval(e.left, scope);
        const ta = truthy(a);
        if (e.op === 'and') {
          if (ta === false) return a;
          if (ta === true) return this.eval(e.right, scope);
          const b = this.eval(e.right, scope);
          return truthy(b) === false ? b : unknown('boolean of unknown operands', e);
        }
        if (ta === true) return a;
        if (ta === false) return this.eval(e.right, scope);
        const b = this.eval(e.right, scope);
        return truthy(b) === true && a.k === 'unknown' ? unknown('boolean of unknown operands', e) : joinValues(a, b);
      }
      case 'compare':
        return this.compare(e.op, this.eval(e.left, scope), this.eval(e.right, scope), this.site(e, scope));
      case 'unary': {
        const v = this.eval(e.operand, scope);
        if (e.op === 'not') {
          const t = truthy(v);
          return t === undefined ? unknown('negation of an unknown', e) : t ? FALSE : TRUE;
        }
        if (e.op === '-') {
          if (v.k === 'int') return int(subDim(0, v.v));
          if (v.k === 'float') return { k: 'float', v: -v.v };
          if (v.k === 'bool') return int(v.v ? -1 : 0);
          if (v.k === 'tensor') return v;
        }
        if (e.op === '+') return v;
        if (e.op === '~') {
          if (v.k === 'int' && isKnown(v.v)) return int(~v.v);
          if (v.k === 'tensor') return v;
          if (v.k === 'bool') return int(v.v ? -2 : -1);
        }
        return unknown(`${e.op}${describe(v)}`, e);
      }
      case 'ifexp': {
        const t = truthy(this.eval(e.test, scope));
        if (t === true) return this.eval(e.body, scope);
        if (t === false) return this.eval(e.orelse, scope);
        return joinValues(this.eval(e.body, scope), this.eval(e.orelse, scope));
      }
      case 'lambda': {
        const defaults = new Map<string, Value>();
        for (const p of e.params) if (p.default) defaults.set(p.name, this.eval(p.default, scope));
        return { k: 'func', name: '<lambda>', def: { lambda: true, params: e.params, body: e.body, from: e.from, to: e.to }, closure: scope, file: scope.file, defaults, decorators: [], owner: null };
      }
      case 'comp':
        return this.withLoopBudget(this.site(e, scope), () => this.evalComprehension(e, scope), () => unknown('comprehension stopped by its step budget', e));
      case 'walrus': {
        const v = this.eval(e.value, scope);
        scope.set(e.target, v);
        return v;
      }
      case 'error':
        return unknown(`unreadable code (${e.what})`, e);
    }
  }

  /**
   * Evaluates a value that is only passed along (an argument, a container element): a lazily
   * imported name stays unresolved until something actually uses it.
   */
  evalPassing(e: Expr, scope: Scope): Value {
    if (e.t === 'name') {
      const v = scope.lookup(e.id);
      if (v && v.k === 'lazy') return v;
    }
    return this.eval(e, scope);
  }

  private evalElements(elts: Expr[], scope: Scope): Value[] {
    const out: Value[] = [];
    for (const el of elts) {
      if (el.t === 'starred') {
        const v = this.eval(el.value, scope);
        const items = this.iterate(v, this.site(el, scope));
        if (items) out.push(...items);
        else return [unknown('starred unknown iterable', el)];
      } else out.push(this.evalPassing(el, scope));
    }
    return out;
  }

  evalIndex(e: Extract<Expr, { t: 'subscript' }>, scope: Scope): Value {
    const items = e.index.map((i) => this.eval(i, scope));
    if (e.tupleIndex || items.length !== 1) return tuple(items);
    return items[0];
  }

  private evalComprehension(e: Extract<Expr, { t: 'comp' }>, scope: Scope): Value {
    const inner = new Scope(scope, scope.file);
    const results: Value[] = [];
    const dict: DictV = { k: 'dict', entries: new Map() };
    let failed = false;
    const run = (ci: number): void => {
      if (failed) return;
      if (ci >= e.clauses.length) {
        if (e.kind === 'dict') {
          const key = this.eval(e.elt, inner);
          const dk = dictKey(key);
          if (dk) dict.entries.set(dk, { key, value: e.value ? this.eval(e.value, inner) : NONE });
        } else results.push(this.eval(e.elt, inner));
        return;
      }
      const c = e.clauses[ci];
      if (c.kind === 'if') {
        const t = truthy(this.eval(c.test, inner));
        if (t === undefined) {
          failed = true;
          this.gap(this.site(c.test, scope), 'comprehension filter the analysis cannot decide');
          return;
        }
        if (t) run(ci + 1);
        return;
      }
      const it = this.eval(c.iter, inner);
      const items = this.iterate(it, this.site(c.iter, scope));
      if (!items) {
        failed = true;
        this.gap(this.site(c.iter, scope), `cannot iterate over ${describe(it)} statically`);
        return;
      }
      let n = 0;
      for (const item of items) {
        if (++n > this.budgets.loopIterations) {
          // Never silent: a comprehension cut short lists fewer items than Python would.
          this.report('budget', 'warning', this.site(c.iter, scope), `comprehension stopped after ${this.budgets.loopIterations} items`);
          break;
        }
        this.assign(c.target, item, inner);
        run(ci + 1);
      }
    };
    run(0);
    if (failed) return unknown('comprehension over unknown values', e);
    if (e.kind === 'dict') return dict;
    if (e.kind === 'set') return { k: 'set', items: results };
    if (e.kind === 'gen') return { k: 'list', items: results, ...{ generator: true } } as Value;
    return { k: 'list', items: results };
  }

  private evalCall(e: Extract<Expr, { t: 'call' }>, scope: Scope): Value {
    // Zero-argument super() needs the defining class and the first parameter of the method.
    if (e.fn.t === 'name' && e.fn.id === 'super' && e.args.length === 0 && !scope.lookup('super')) return this.superProxy(scope, e);
    const fn = this.eval(e.fn, scope);
    const { args, kwargs, unknownStar } = this.evalArgs(e.args, scope);
    const site: CallSite = { from: e.from, to: e.to, file: scope.file };
    // `f(*xs)` where xs cannot be listed: the arguments are not known, so a function or a tensor
    // rule called with what remains would judge a call that never happens (`view(*shape)` read
    // as `view()`). Its result is unknown; constructors still run, so containers stay registered.
    const callee = force(fn);
    if (unknownStar && (callee.k === 'builtin' || callee.k === 'func' || callee.k === 'bound' || callee.k === 'partial')) return unknown('call with *arguments the analysis cannot list', site);
    // A Sequential built from modules the analysis cannot list (`nn.Sequential(*list(backbone.children())[:-1])`)
    // holds something unknown, not nothing: its forward gives an unknown tensor, never the identity.
    if (unknownStar && callee.k === 'class' && callee.mro.some((c) => c.native === 'Sequential')) args.push(unknown('modules the analysis cannot list', site));
    const saved = this.anchor;
    if (scope.file.isMain) this.anchor = site;
    try {
      const r = this.call(fn, args, kwargs, site);
      if (this.annotating && scope.file.isMain && (r.k === 'tensor' || (r.k === 'tuple' && r.items.some((i) => i.k === 'tensor')))) {
        const modRec = fn.k === 'instance' && fn.mod ? fn.mod : null;
        this.annotate(e, r, 'op', (r as TensorV & { notation?: string }).notation ?? null, modRec?.id ?? null);
      }
      return r;
    } finally {
      this.anchor = saved;
    }
  }

  evalArgs(argNodes: Arg[], scope: Scope): { args: Value[]; kwargs: Map<string, Value>; unknownStar: boolean } {
    const args: Value[] = [];
    // Most calls pass no keywords: they share NO_KEYWORDS, and a map is made for the first keyword.
    let keywords: Map<string, Value> | null = null;
    let unknownStar = false;
    for (const a of argNodes) {
      const v = a.kind === 'pos' || a.kind === 'kw' ? this.evalPassing(a.value, scope) : this.eval(a.value, scope);
      if (a.kind === 'pos') args.push(v);
      else if (a.kind === 'kw') (keywords ??= new Map()).set(a.name!, v);
      else if (a.kind === 'star') {
        const items = this.iterate(v, this.site(a, scope));
        if (items) args.push(...items);
        else {
          unknownStar = true;
          this.gap(this.site(a, scope), `cannot expand *${scope.file.text.slice(a.value.from, a.value.to)} statically; its arguments are unknown`);
        }
      } else if (a.kind === 'dstar') {
        if (v.k === 'dict') {
          for (const ent of v.entries.values()) if (ent.key.k === 'str') (keywords ??= new Map()).set(ent.key.v, ent.value);
        } else if (v.k !== 'unknown') this.gap(this.site(a, scope), `cannot expand **${scope.file.text.slice(a.value.from, a.value.to)} statically`);
      }
    }
    return { args, kwargs: keywords ?? NO_KEYWORDS, unknownStar };
  }

  private superProxy(scope: Scope, e: Expr): Value {
    // Find the innermost function scope's owner class and its first parameter.
    const info = (scope as Scope & { superInfo?: { owner: ClassV; self: Value } }).superInfo ?? findSuperInfo(scope);
    if (!info) return unknown('super() outside a method', e);
    return this.makeSuper(info.owner, info.self);
  }

  /** A proxy that resolves attributes in the MRO after `owner`, bound to `self`. */
  makeSuper(owner: ClassV, self: Value): NamespaceV {
    const selfCls = self.k === 'instance' ? self.cls : self.k === 'class' ? self : owner;
    const mro = selfCls.mro;
    const start = mro.indexOf(owner);
    const rest = start >= 0 ? mro.slice(start + 1) : owner.mro.slice(1);
    return {
      k: 'namespace',
      name: `super(${owner.name})`,
      get: (attr) => {
        for (const c of rest) {
          const v = c.ns.get(attr);
          if (v !== undefined) return this.bindClassAttr(v, self, c);
        }
        if (attr === '__init__') return { k: 'builtin', name: 'object.__init__', fn: () => NONE };
        return undefined;
      },
    };
  }

  // ---------------------------------------------------------------- attributes and items

  lookupClassAttr(cls: ClassV, name: string): Value | undefined {
    for (const c of cls.mro) {
      const v = c.ns.get(name);
      if (v !== undefined) {
        if (this.touched && c.def && c.file?.isMain) this.touched.add(c.def.from);
        return v;
      }
    }
    return undefined;
  }

  private bindClassAttr(v: Value, self: Value, cls: ClassV): Value {
    if (v.k === 'func') {
      if (v.decorators.includes('staticmethod')) return v;
      if (v.decorators.includes('classmethod')) return { k: 'bound', fn: v, self: self.k === 'instance' ? self.cls : cls };
      if (self.k === 'class') return v;
      return { k: 'bound', fn: v, self };
    }
    if (v.k === 'builtin' && self.k === 'instance') return { k: 'bound', fn: v, self };
    if (v.k === 'property' && self.k === 'instance') return this.call(v.getter, [self], new Map(), this.anchor);
    return v;
  }

  /** An instance's own attribute, or its child module of that name (what getAttr looks for first). */
  private ownAttr(obj: InstanceV, name: string): Value | undefined {
    const own = obj.attrs.get(name);
    if (own !== undefined || !obj.mod) return own;
    return this.hooks.getModuleAttr(obj, name);
  }

  getAttr(obj: Value, name: string, site: CallSite, quiet = false): Value {
    obj = force(obj);
    switch (obj.k) {
      case 'instance': {
        const own = this.ownAttr(obj, name);
        if (own !== undefined) return own;
        const cv = this.lookupClassAttr(obj.cls, name);
        if (cv !== undefined) return this.bindClassAttr(cv, obj, obj.cls);
        if (name === '__class__') return obj.cls;
        if (name === '__module__') return str(obj.cls.file?.path ?? '');
        const dataModel = this.dataModelAttr(obj, name);
        if (dataModel) return dataModel;
        if ((obj as InstanceV & { itemsAreAttrs?: boolean }).itemsAreAttrs) {
          const ent = itemsOfInstance(obj)?.entries.get(`s:${name}`);
          if (ent) return ent.value;
        }
        if (!quiet) this.gap(site, `${obj.cls.name} has no attribute '${name}' the analysis can see`);
        return unknown(`${obj.cls.name}.${name}`, site);
      }
      case 'class': {
        const cv = this.lookupClassAttr(obj, name);
        if (cv !== undefined) {
          if (cv.k === 'func' && cv.decorators.includes('classmethod')) return { k: 'bound', fn: cv, self: obj };
          if (cv.k === 'builtin' && cv.classmethod) return { k: 'bound', fn: cv, self: obj };
          return cv;
        }
        if (name === '__name__' || name === '__qualname__') return str(obj.name);
        if (name === '__module__') return str(obj.file?.path ?? '');
        return unknown(`${obj.name}.${name}`, site);
      }
      case 'namespace': {
        const v = obj.get(name);
        if (v !== undefined) return v;
        if (!quiet && !obj.name.startsWith('super')) this.gap(site, `${obj.name}.${name} is not known to the analysis`);
        return unknown(`${obj.name}.${name}`, site);
      }
      case 'tensor':
        return this.hooks.tensorAttr(obj, name, site);
      case 'unknown':
        return obj;
      default: {
        const m = this.builtinMethod(obj, name, site);
        if (m) return m;
        return unknown(`${typeName(obj)}.${name}`, site);
      }
    }
  }

  /**
   * The object protocol's own attributes on an instance: `__dict__` (a live view of the
   * attributes), `__setattr__`, `__getattr__`, `__getattribute__` and `__delattr__` as Python's
   * defaults, so `self.__dict__.update(kw)` and `self.__setattr__(name, m)` behave as plain code.
   */
  private dataModelAttr(obj: InstanceV, name: string): Value | undefined {
    switch (name) {
      case '__dict__':
        return this.attributeDict(obj);
      case '__setattr__':
        return { k: 'builtin', name: '__setattr__', fn: (args, _kw, site) => (args[0]?.k === 'str' && args[1] ? (this.setAttr(obj, args[0].v, args[1], site), NONE) : NONE) };
      case '__getattr__':
      case '__getattribute__':
        return { k: 'builtin', name, fn: (args, _kw, site) => (args[0]?.k === 'str' ? this.getAttr(obj, args[0].v, site) : unknown(`${name} of a computed name`, site)) };
      case '__delattr__':
        return { k: 'builtin', name, fn: (args) => (args[0]?.k === 'str' ? (obj.attrs.delete(args[0].v), NONE) : NONE) };
      default:
        return undefined;
    }
  }

  /** `obj.__dict__`: reads see the attributes now; `update`, item writes and deletes change them. */
  private attributeDict(obj: InstanceV): NamespaceV {
    const snapshot = (): DictV => {
      const d: DictV = { k: 'dict', entries: new Map() };
      for (const [k, x] of obj.attrs) d.entries.set(`s:${k}`, { key: str(k), value: x });
      return d;
    };
    const view: NamespaceV & { attributesOf?: InstanceV } = {
      k: 'namespace',
      name: `${obj.cls.name}.__dict__`,
      get: (attr) => {
        if (attr === 'update')
          return {
            k: 'builtin',
            name: '__dict__.update',
            fn: (args, kwargs, site) => {
              const src = args[0] ? force(args[0]) : null;
              if (src?.k === 'dict') for (const e of src.entries.values()) if (e.key.k === 'str') this.setAttr(obj, e.key.v, e.value, site);
              if (src && src.k !== 'dict' && src.k !== 'none') this.gap(site, `__dict__.update from ${describe(src)} is not followed`);
              for (const [k, v] of kwargs) this.setAttr(obj, k, v, site);
              return NONE;
            },
          };
        return this.builtinMethod(snapshot(), attr, this.anchor);
      },
    };
    view.attributesOf = obj;
    return view;
  }

  private dictBaseClass: ClassV | null = null;

  /**
   * The base of user classes deriving from `dict` (configuration dicts such as hifi-gan's
   * AttrDict): an instance keeps its items in a dict value; `self.__dict__ = self` makes the
   * items its attributes, as in Python.
   */
  private dictBase(): ClassV {
    if (this.dictBaseClass) return this.dictBaseClass;
    const object = this.builtins.get('object');
    const cls: ClassV = { k: 'class', name: 'dict', bases: object?.k === 'class' ? [object] : [], ns: new Map(), def: null, file: null, layer: null, native: null, mro: [] };
    cls.mro = computeMro(cls);
    const itemsOf = (self: Value | undefined): DictV | null => (self?.k === 'instance' ? itemsOfInstance(self) : null);
    cls.ns.set('__init__', { k: 'builtin', name: 'dict.__init__', fn: (args, kwargs, site) => {
      const self = args[0];
      if (self?.k !== 'instance') return NONE;
      const made = this.call(this.builtins.get('dict')!, args.slice(1), kwargs, site);
      (self as InstanceV & { items?: DictV }).items = made.k === 'dict' ? made : { k: 'dict', entries: new Map() };
      return NONE;
    } });
    cls.ns.set('__getitem__', { k: 'builtin', name: 'dict.__getitem__', fn: (args, _kw, site) => {
      const items = itemsOf(args[0]);
      return items && args[1] ? this.getItem(items, args[1], site) : unknown('dict item', site);
    } });
    cls.ns.set('__setitem__', { k: 'builtin', name: 'dict.__setitem__', fn: (args, _kw, site) => {
      const items = itemsOf(args[0]);
      if (items && args[1] && args[2]) this.setItem(items, args[1], args[2], site);
      return NONE;
    } });
    cls.ns.set('__iter__', { k: 'builtin', name: 'dict.__iter__', fn: (args) => itemsOf(args[0]) ?? unknown('dict iteration') });
    cls.ns.set('__len__', { k: 'builtin', name: 'dict.__len__', fn: (args) => int(itemsOf(args[0])?.entries.size ?? unknownDim()) });
    for (const name of ['get', 'keys', 'values', 'items', 'update', 'pop', 'setdefault', 'copy']) {
      cls.ns.set(name, { k: 'builtin', name: `dict.${name}`, fn: (args, kwargs, site) => {
        const items = itemsOf(args[0]);
        const m = items ? this.builtinMethod(items, name, site) : undefined;
        return m ? this.call(m, args.slice(1), kwargs, site) : unknown(`dict.${name}`, site);
      } });
    }
    this.dictBaseClass = cls;
    return cls;
  }

  /** `copy.deepcopy`: containers and plain objects copied all the way down, modules cloned by their plug-in. */
  deepCopy(v: Value, site: CallSite, depth = 0): Value {
    v = force(v);
    if (depth > 32) return v;
    switch (v.k) {
      case 'list':
      case 'tuple':
      case 'set':
        return { ...v, items: v.items.map((i) => this.deepCopy(i, site, depth + 1)) } as Value;
      case 'dict': {
        const d: DictV = { ...v, entries: new Map() };
        for (const [k, e] of v.entries) d.entries.set(k, { key: e.key, value: this.deepCopy(e.value, site, depth + 1) });
        return d;
      }
      case 'tensor':
        return { ...v };
      case 'instance': {
        if (v.mod) {
          if (this.hooks.cloneModule) return this.hooks.cloneModule(v, site);
          this.gap(site, `deepcopy of module ${v.cls.name} is not followed; the copy is the same module`);
          return v;
        }
        const copy: InstanceV = { k: 'instance', cls: v.cls, attrs: new Map(), mod: null };
        for (const [k, x] of v.attrs) copy.attrs.set(k, this.deepCopy(x, site, depth + 1));
        return copy;
      }
      default:
        return v;
    }
  }

  getItem(obj: Value, idx: Value, site: CallSite): Value {
    obj = force(obj);
    idx = force(idx);
    const attributesOf = obj.k === 'namespace' ? (obj as NamespaceV & { attributesOf?: InstanceV }).attributesOf : undefined;
    if (attributesOf && idx.k === 'str') return this.getAttr(attributesOf, idx.v, site);
    switch (obj.k) {
      case 'tuple':
      case 'list': {
        if (idx.k === 'int' || idx.k === 'bool') {
          const n = idx.k === 'bool' ? (idx.v ? 1 : 0) : idx.v;
          if (!isKnown(n)) return unknown('index by a symbolic integer', site);
          const i = n < 0 ? obj.items.length + n : n;
          if (i < 0 || i >= obj.items.length) {
            this.report('invalid-argument', 'warning', site, `index ${n} is out of range for a ${obj.k} of length ${obj.items.length}`);
            return unknown('index out of range', site);
          }
          return obj.items[i];
        }
        if (idx.k === 'slice') {
          const r = sliceIndices(obj.items.length, idx);
          if (!r) return obj.items.length === 0 ? { k: obj.k, items: [] } : unknown('slice with unknown bounds', site);
          const items: Value[] = [];
          for (let i = r.start; r.step > 0 ? i < r.stop : i > r.stop; i += r.step) items.push(obj.items[i]);
          this.walks.walked(items.length, site, `a slice of ${items.length} items`);
          return { k: obj.k, items };
        }
        return unknown(`${obj.k} index ${describe(idx)}`, site);
      }
      case 'str':
        if (idx.k === 'int' && isKnown(idx.v)) return str(obj.v.at(idx.v) ?? '');
        return unknown('string index', site);
      case 'dict': {
        const key = dictKey(idx);
        const ent = key ? obj.entries.get(key) : undefined;
        if (ent) return ent.value;
        return unknown(`key ${describe(idx)} not in dict`, site);
      }
      case 'tensor':
        return this.hooks.tensorIndex(obj, idx, site);
      case 'instance': {
        if (obj.mod) return this.hooks.indexModule(obj, idx, site);
        const gi = this.lookupClassAttr(obj.cls, '__getitem__');
        if (gi) return this.call(this.bindClassAttr(gi, obj, obj.cls), [idx], new Map(), site);
        return unknown(`${obj.cls.name}[...]`, site);
      }
      case 'class':
        // Generic aliases in annotations (`List[int]`) and enum lookups by name.
        if (obj.native === 'Enum' && idx.k === 'str') return obj.ns.get(idx.v) ?? unknown('enum member', site);
        return obj;
      case 'namespace':
        return unknown(`${obj.name}[...]`, site);
      default:
        return unknown(`subscript of ${typeName(obj)}`, site);
    }
  }

  /** The items of an iterable value, or null when they cannot be known. */
  iterate(v: Value, site: CallSite): Value[] | null {
    v = force(v);
    switch (v.k) {
      case 'tuple':
      case 'list':
      case 'set':
        // Walking a long list is work too (torch.cat over a growing list in a loop is quadratic).
        if (v.items.length > 16) this.charge(v.items.length, site);
        return v.items;
      case 'dict':
        return [...v.entries.values()].map((e) => e.key);
      case 'str':
        if (!fitsCollection(v.v.length)) {
          this.gap(site, beyondBoundMessage('iterating a string: a sequence', v.v.length, MAX_COLLECTION_ITEMS));
          return null;
        }
        this.charge(chargeFor(v.v.length), site);
        return [...v.v].map(str);
      case 'tensor': {
        // Iterating a tensor yields its slices along dim 0 when that size is known.
        if (!v.ranked || v.shape.length === 0 || !isKnown(v.shape[0])) return null;
        // `for row in torch.zeros(10**9, 1)` is not unrolled into a billion rows.
        if (!fitsCollection(v.shape[0])) {
          this.gap(site, beyondBoundMessage('iterating a tensor: a sequence', v.shape[0], MAX_COLLECTION_ITEMS));
          return null;
        }
        this.charge(chargeFor(v.shape[0]), site);
        const slice = this.hooks.tensorIndex(v, int(0), site);
        return new Array(v.shape[0]).fill(slice);
      }
      case 'instance': {
        if (v.mod) return this.hooks.iterateModule(v);
        const it = this.lookupClassAttr(v.cls, '__iter__');
        if (it) return this.iterate(this.call(this.bindClassAttr(it, v, v.cls), [], new Map(), site), site);
        return null;
      }
      case 'class':
        if (v.native === 'Enum') return [...v.ns.values()].filter((m) => m.k === 'instance' && m.cls === v);
        return null;
      default:
        return null;
    }
  }

  // ---------------------------------------------------------------- operators

  /** Python's binary operators (operators.ts). */
  binop(op: string, a: Value, b: Value, site: CallSite): Value {
    return binaryOperation(this.operatorHost, op, a, b, site);
  }

  /** Python's comparisons (operators.ts); undecidable ones are unknown. */
  compare(op: string, a: Value, b: Value, site: CallSite = this.anchor): Value {
    return compareValues(this.operatorHost, op, a, b, site);
  }

  /** `str(v)` when it is known, else null. */
  toStr(v: Value): string | null {
    v = force(v);
    // Writing out a list or tuple walks all of it.
    if (v.k === 'list' || v.k === 'tuple') this.walks.walked(v.items.length, this.anchor, `writing out a ${v.k} of ${v.items.length} items`);
    return toStr(v);
  }

  // ---------------------------------------------------------------- calls

  /** Calls any callable value; never throws on user code. */
  call(fn: Value, args: Value[], kwargs: Map<string, Value>, site: CallSite): Value {
    fn = force(fn);
    switch (fn.k) {
      case 'func':
        return this.callFunction(fn, args, kwargs, site);
      case 'builtin': {
        // Native rules inspect their arguments; only partial() merely stores them.
        if (fn.name === 'partial') return fn.fn(args, kwargs, site);
        return fn.fn(forcedArgs(args), forcedKwargs(kwargs), site);
      }
      case 'bound': {
        // A loop rather than a spread: every method call passes here.
        const withSelf: Value[] = [fn.self];
        for (let i = 0; i < args.length; i++) withSelf.push(args[i]);
        return this.call(fn.fn, withSelf, kwargs, site);
      }
      case 'partial': {
        const kw = new Map(fn.kwargs);
        for (const [k, v] of kwargs) kw.set(k, v);
        return this.call(fn.fn, [...fn.args, ...args], kw, site);
      }
      case 'class':
        return this.instantiate(fn, args, kwargs, site);
      case 'instance': {
        if (fn.mod) return this.hooks.callModule(fn, args, kwargs, site);
        const c = this.lookupClassAttr(fn.cls, '__call__');
        if (c) return this.call(this.bindClassAttr(c, fn, fn.cls), args, kwargs, site);
        return unknown(`${fn.cls.name} is not callable`, site);
      }
      case 'unknown': {
        const tensorArg = args.find((a) => a.k === 'tensor');
        this.gap(site, `cannot follow call of ${site.file.text.slice(site.from, site.to).split('(')[0].trim() || 'an unknown function'} (${fn.reason})`);
        if (tensorArg) return unknown(`result of an unknown call on a tensor`, site);
        return unknown(fn.reason, site);
      }
      default:
        return unknown(`${typeName(fn)} is not callable`, site);
    }
  }

  instantiate(cls: ClassV, args: Value[], kwargs: Map<string, Value>, site: CallSite): Value {
    if (this.touched && cls.def && cls.file?.isMain) this.touched.add(cls.def.from);
    const init = this.lookupClassAttr(cls, '__new__');
    // A native `__new__` makes the value itself (a named tuple's fields, `torch.Tensor(4, 16)`).
    if (init && init.k === 'builtin' && (cls.native === null || cls.ns.get('__new__') === init)) return this.call(init, [cls, ...args], kwargs, site);
    let inst: InstanceV;
    if (cls.mro.some((c) => c.native === 'Module' || c.native === 'KerasModel')) {
      inst = this.hooks.newModule(cls, site);
      this.modulesCreated++;
    }
    else if (cls.native === 'Enum' || cls.mro.some((c) => c.native === 'Enum')) {
      // Calling an Enum class looks a member up by value.
      for (const v of cls.ns.values()) if (v.k === 'instance' && v.cls === cls && args[0] && valuesEqual(v.attrs.get('value') ?? NONE, args[0]) === true) return v;
      return unknown(`${cls.name}(...)`, site);
    } else inst = { k: 'instance', cls, attrs: new Map(), mod: null };
    // Remembered so that a class built with its defaults inside a model can stand for itself.
    if (args.length === 0 && kwargs.size === 0 && inst.mod) (inst as InstanceV & { defaultConstructed?: boolean }).defaultConstructed = true;
    const initFn = this.lookupClassAttr(cls, '__init__');
    if (initFn) this.call(this.bindClassAttr(initFn, inst, cls), args, kwargs, site);
    else if ((cls as ClassV & { fields?: string[] }).fields && cls.isDataclass) this.dataclassInit(cls, inst, args, kwargs);
    return inst;
  }

  /** The generated `__init__` of a dataclass: fields from the class and its dataclass bases. */
  dataclassInit(cls: ClassV, inst: InstanceV, args: Value[], kwargs: Map<string, Value>): void {
    const fields: string[] = [];
    for (const c of [...cls.mro].reverse()) for (const f of (c as ClassV & { fields?: string[] }).fields ?? []) if (!fields.includes(f)) fields.push(f);
    fields.forEach((f, i) => {
      const v = i < args.length ? args[i] : kwargs.get(f) ?? this.lookupClassAttr(cls, f) ?? unknown(`dataclass field ${f}`);
      inst.attrs.set(f, v);
    });
    const post = this.lookupClassAttr(cls, '__post_init__');
    if (post) this.call(this.bindClassAttr(post, inst, cls), [], new Map(), this.anchor);
  }

  callFunction(fn: FuncV, args: Value[], kwargs: Map<string, Value>, site: CallSite): Value {
    if (this.touched && fn.file.isMain) this.touched.add(fn.def.from);
    if (this.depth >= this.budgets.callDepth) {
      this.report('budget', 'warning', site, `call depth limit ${this.budgets.callDepth} reached at ${fn.name}; its result is unknown`);
      return unknown('call depth limit', site);
    }
    const scope = new Scope(fn.closure, fn.file);
    this.bindParams(fn, fn.def.params, args, kwargs, scope, site);
    if ('lambda' in fn.def) {
      this.depth++;
      try {
        return this.eval(fn.def.body, scope);
      } finally {
        this.depth--;
      }
    }
    const def = fn.def as FunctionDef;
    if (def.isGenerator) {
      this.gap(site, `generator function ${fn.name} is not followed`);
      return unknown(`generator ${fn.name}`, site);
    }
    if (fn.owner && def.params.length > 0) {
      const first = scope.vars.get(def.params[0].name);
      if (first) (scope as Scope & { superInfo?: { owner: ClassV; self: Value } }).superInfo = { owner: fn.owner, self: first };
    }
    this.depth++;
    try {
      const c = this.execBlock(def.body, scope);
      return c && c.kind === 'return' ? c.value : NONE;
    } finally {
      this.depth--;
    }
  }

  private bindParams(fn: FuncV, params: Param[], args: Value[], kwargs: Map<string, Value>, scope: Scope, site: CallSite): void {
    let ai = 0;
    // Keywords not yet bound; a call without keywords (most calls) needs no copy of its empty map.
    const rest = kwargs.size > 0 ? new Map(kwargs) : kwargs;
    for (const p of params) {
      if (p.kind === 'pos') {
        if (ai < args.length) scope.vars.set(p.name, args[ai++]);
        else if (rest.has(p.name)) {
          scope.vars.set(p.name, rest.get(p.name)!);
          rest.delete(p.name);
        } else if (fn.defaults.has(p.name)) scope.vars.set(p.name, fn.defaults.get(p.name)!);
        else {
          this.report('invalid-argument', 'warning', site, `${fn.name}() is missing the argument '${p.name}'`);
          scope.vars.set(p.name, unknown(`missing argument ${p.name}`, site));
        }
      } else if (p.kind === 'star') {
        scope.vars.set(p.name, tuple(args.slice(ai)));
        ai = args.length;
      } else if (p.kind === 'kwonly') {
        if (rest.has(p.name)) {
          scope.vars.set(p.name, rest.get(p.name)!);
          rest.delete(p.name);
        } else scope.vars.set(p.name, fn.defaults.get(p.name) ?? unknown(`missing argument ${p.name}`, site));
      } else if (p.kind === 'dstar') {
        const d: DictV = { k: 'dict', entries: new Map() };
        for (const [k, v] of rest) d.entries.set(`s:${k}`, { key: str(k), value: v });
        rest.clear();
        scope.vars.set(p.name, d);
      }
    }
    if (ai < args.length && !params.some((p) => p.kind === 'star')) this.report('invalid-argument', 'warning', site, `${fn.name}() takes ${params.filter((p) => p.kind === 'pos').length} positional arguments but ${args.length} were given`);
    if (rest.size && !params.some((p) => p.kind === 'dstar')) this.report('invalid-argument', 'warning', site, `${fn.name}() got an unexpected keyword argument '${[...rest.keys()][0]}'`);
  }

  // ---------------------------------------------------------------- annotations

  readonly annotationsOut: { span: Span; kind: 'layer' | 'op' | 'assign'; value: Value; notation: string | null; modId: number | null }[] = [];
  /** Spans annotated in this model, as numbers (see `spanKey`). */
  private readonly annotated = new Set<number | string>();

  annotate(node: { from: number; to: number }, v: Value, kind: 'op' | 'assign' | 'layer', notation: string | null, modId: number | null = null): void {
    const key = spanKey(node.from, node.to);
    if (this.annotated.has(key)) return;
    this.annotated.add(key);
    this.annotationsOut.push({ span: { from: node.from, to: node.to }, kind, value: v, notation, modId });
  }

  private annotateAssign(target: Expr, v: Value): void {
    // The value's own expression already carries a hint when it was a call or an operator.
    this.annotate(target, v, 'assign', null);
  }

  /** Starts a fresh annotation set (one per model). */
  takeAnnotations(): Interpreter['annotationsOut'] {
    const out = this.annotationsOut.splice(0);
    this.annotated.clear();
    return out;
  }
}

function findSuperInfo(scope: Scope): { owner: ClassV; self: Value } | undefined {
  for (let s: Scope | null = scope; s; s = s.parent) {
    const info = (s as Scope & { superInfo?: { owner: ClassV; self: Value } }).superInfo;
    if (info) return info;
  }
  return undefined;
}

/** Depth-first, left-to-right linearisation keeping each class's last occurrence. */
export function computeMro(cls: ClassV): ClassV[] {
  const order: ClassV[] = [];
  const visit = (c: ClassV) => {
    order.push(c);
    for (const b of c.bases) visit(b);
  };
  visit(cls);
  const out: ClassV[] = [];
  for (let i = 0; i < order.length; i++) if (order.lastIndexOf(order[i]) === i) out.push(order[i]);
  return out;
}

export type { BuiltinV };
// Kept here for the callers that imported them from the interpreter before operators.ts existed.
export { joinValues, sliceIndices, valuesEqual };
export { lineStartsOf } from '../lineIndex';

/**
 * Arguments as native rules see them: lazy imports resolved, in a copy (a rule may keep or change
 * its arguments). Most calls pass no lazy value and get a plain copy, without a `force` per item.
 */
function forcedArgs(args: Value[]): Value[] {
  for (const a of args) if (a.k === 'lazy') return args.map(force);
  return args.slice();
}

/** Keyword arguments as native rules see them (see `forcedArgs`). */
function forcedKwargs(kwargs: Map<string, Value>): Map<string, Value> {
  if (kwargs.size === 0) return NO_KEYWORDS;
  const out = new Map<string, Value>();
  for (const [k, v] of kwargs) out.set(k, v.k === 'lazy' ? force(v) : v);
  return out;
}

/**
 * The keywords of a call that passes none, shared by every such call (a map per call was a tenth
 * of a cold analysis's maps). Nothing writes to the keywords it receives (rules that add some copy
 * them first); should anything try, it fails loudly instead of leaking keywords into other calls.
 */
const NO_KEYWORDS: Map<string, Value> = new SharedEmptyMap<string, Value>((key) => `internal: keyword ${key} added to a call's shared empty keywords`);

/** A span as one number (offsets below 2^26, as every real file's are), else as text: no string built per annotation. */
export function spanKey(from: number, to: number): number | string {
  return from >= 0 && from < 0x4000000 && to >= 0 && to < 0x4000000 ? from * 0x4000000 + to : `${from}:${to}`;
}
