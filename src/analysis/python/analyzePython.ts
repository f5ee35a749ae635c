// The Python front end's entry: parse, run the file's top level, pick the models (EXPR, or each
// nn.Module class constructible with default arguments, each model the script builds at module
// level, Keras models), build each one, call its forward on the bound inputs, and turn the
// interpreter's records into the plain-data Analysis.

import { identityField } from '../receptiveField';
import { dimOut, isKnown, productDim, symDim, type Dim } from '../shapes';
import type { Analysis, AnalyzeOptions, Finding, InputSource, ModelInfo, ModuleInfo, ShapeAnnotation, ShapesOut, Span } from '../types';
import { convertTree, type Expr, type FunctionDef, type Module, type Stmt } from './ast';
import { builtinTable } from './builtins';
import { inputSourceOf, usageForModel, usageKey, type UsageChoice } from './usageInputs';
import { bindByParams, bindingsNamingNoParameter, commentBindingsAbove, hasCommentBindingsAbove, jaxtypingBinding, optionBindings, withCommentCache, type ParsedBinding } from './inputs';
import { BudgetExhausted, Interpreter, lineOf, spanKey } from './interpreter';
import { lineStartsOf } from '../lineIndex';
import { MemoFallback, type LiveEntry, type MemoRun, type ModelMemo } from './modelMemo';
import { MAX_BRACKET_DEPTH, parsePython, type ParsedPython } from './parse';
import { parseThrough } from './parseStore';
import { tryFastParse } from './fastParse';
import { KerasFrontEnd } from './kerasFrontEnd';
import { ModuleSystem } from './moduleSystem';
import { TorchFrontEnd } from './torchFrontEnd';
import { DeferredAttrs, force, Scope, unknown, type CallSite, type ClassV, type InstanceV, type ModuleRec, type SourceFile, type TensorV, type Value } from './values';

/** Default budgets: generous for real files, bounded for pathological ones. */
const DEFAULT_STEPS = 60_000;

function now(): number {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf ? perf.now() : Date.now();
}

/** Options of the Python front end beyond AnalyzeOptions. */
export interface PythonOptions extends AnalyzeOptions {
  /** When true, options.inputs win over `# layer-lens:` comments (the CLI's explicit --input). */
  inputsOverrideComments?: boolean;
  /** Set per model: the file's own use of it, which binds its inputs after a comment (usageInputs.ts). */
  usage?: UsageChoice;
  /**
   * Filled by a run: the shapes input bindings give Keras model inputs whose declaration leaves
   * sizes unknown (`keras.Input(shape=(120, raw_data.shape[-1]))`), keyed by the declaring call.
   */
  kerasInputRequests?: Map<number, Dim[]>;
  /** Set for the second run that applies those requests (the declarations then give these shapes). */
  kerasInputOverrides?: Map<number, Dim[]>;
}

/** A text already parsed: Lezer's tree (reparsed incrementally by an editor) or the fast parser's syntax. */
export type PythonParse = ParsedPython | { readonly text: string; readonly module: Module };

/**
 * Analyses a Python (PyTorch/Keras) model file. Never throws. An editor may pass the parse of
 * this text (from `parsePython(text, previous, changes)`, so only the edited region is reparsed,
 * or from `tryFastParse`).
 */
export function analyzePython(text: string, options: PythonOptions = {}, parsed?: PythonParse, memo?: ModelMemo): Analysis {
  const t0 = now();
  const findings: Finding[] = [];
  const models: ModelInfo[] = [];
  const annotations: ShapeAnnotation[] = [];
  const reuse = parsed && parsed.text === text ? parsed : undefined;
  const requests = new Map<number, Dim[]>();
  const first = { ...options, kerasInputRequests: requests };
  const outerPrinted = printedShapes;
  printedShapes = new Map();
  try {
    try {
      withCommentCache(() => run(text, first, findings, models, annotations, reuse, memo));
    } catch (e) {
      if (!(e instanceof MemoFallback)) throw e;
      // The memo could not reproduce a fresh run exactly here: analyse afresh, and record anew.
      memo!.clear();
      findings.length = models.length = annotations.length = 0;
      requests.clear();
      run(text, first, findings, models, annotations, reuse, memo);
    }
    if (requests.size > 0) {
      // A Keras model's inputs were built when the file ran, from declarations that leave sizes
      // unknown; the bound shapes fill them: the file runs once more with those declarations giving them.
      memo?.clear();
      findings.length = models.length = annotations.length = 0;
      run(text, { ...options, kerasInputOverrides: requests }, findings, models, annotations, reuse);
    }
  } catch (e) {
    memo?.clear();
    findings.push({ severity: 'warning', code: 'internal', span: { from: 0, to: 0 }, line: 1, message: `internal error in the analysis: ${(e as Error)?.message ?? String(e)}`, related: [] });
  } finally {
    printedShapes = outerPrinted;
  }
  const partial = options.focus && !options.model ? { from: options.focus.from, to: options.focus.to } : undefined;
  return { language: 'python', models, annotations, findings, elapsedMs: now() - t0, ...(partial ? { partial } : {}) };
}

function run(text: string, options: PythonOptions, findings: Finding[], models: ModelInfo[], annotations: ShapeAnnotation[], reuse?: PythonParse, memo?: ModelMemo): void {
  const fileName = options.fileName ?? 'model.py';
  // A host's parse store (the CLI's on disk) answers a text parsed before; an editor's previous
  // parse and model memo (incremental analysis) take their own path.
  const stored = !reuse && !memo && options.parseStore ? parseThrough(options.parseStore, text) : undefined;
  // A fresh text without a memo: the fast parser reads an error-free file (else null, and Lezer).
  // An editor passes the fast parser's syntax itself when it read the text (incremental.ts).
  const given = reuse && 'module' in reuse ? reuse.module : null;
  const lezer = reuse && !('module' in reuse) ? reuse : undefined;
  const fast = given ?? (!stored && !reuse && !memo ? tryFastParse(text) : null);
  const parsed = stored || fast ? undefined : (lezer ?? parsePython(text));
  const module = stored ? stored.module : (fast ?? convertTree(parsed!.tree, text, memo?.convertCache));
  const unread = stored ? stored.unread : fast ? [] : (parsed!.unread ?? []);
  // An explicit model expression is one model: nothing to memoise per model. A focused run builds
  // some models only: a memo must not take it for the file.
  const focus = options.model ? undefined : options.focus;
  const memoRun: MemoRun | null = memo && !options.model && !focus ? memo.begin(text, module.body, options) : null;
  if (memo && !memoRun) memo.clear();
  // The plug-ins hold the interpreter, so the interpreter makes them through these factories.
  let world!: ModuleSystem;
  let keras!: KerasFrontEnd;
  const interp = new Interpreter({ path: fileName, text, isMain: true, lineStarts: [] }, module, { steps: options.stepBudget ?? DEFAULT_STEPS, loopIterations: 256, callDepth: 48 }, memoRun ? memoRun.readModule : options.readModule, options.parseStore, {
    hooks: (it) => {
      // One module system with PyTorch and Keras plugged in; PyTorch is the default framework.
      world = new ModuleSystem(it);
      keras = new KerasFrontEnd(world);
      world.register(new TorchFrontEnd(world));
      world.register(keras);
      return world.frameworkHooks();
    },
    builtins: (it) => builtinTable(it, world.objectClass),
  }, options.pythonPath);
  keras.inputOverrides = options.kerasInputOverrides ?? null;
  const main = interp.main as SourceFile;
  main.lineStarts.push(...lineStartsOf(text));
  for (const r of unread) {
    findings.push({ severity: 'error', code: 'syntax', span: { from: r.from, to: r.to }, line: lineOf(main, r.from), message: `brackets nest more than ${MAX_BRACKET_DEPTH} deep here: the analysis does not read this line`, related: [] });
  }
  for (const e of module.errors.slice(0, 20)) {
    findings.push({ severity: 'error', code: 'syntax', span: { from: Math.min(e.from, text.length), to: Math.min(text.length, Math.max(e.to, e.from + 1)) }, line: lineOf(main, Math.min(e.from, text.length)), message: 'syntax error: the analysis reads around it, code here is unknown', related: [] });
  }
  try {
    interp.runMain();
  } catch (e) {
    if (!(e instanceof BudgetExhausted)) throw e;
  }

  const picked = pickModels(interp, module.body, options);
  const candidates = focus ? focusedCandidates(picked, focus, text) : picked;
  // Modules made by the top level (a module-level Sequential, Keras functional models) are shared
  // by every model's build: such files are analysed whole each time.
  // Two candidates of the same name (a class defined twice) would share a memo key.
  const distinctNames = new Set(candidates.map((c) => `${c.name}\u0000${c.expr}`)).size === candidates.length;
  const recorder = memoRun !== null && world.records.length === 0 && distinctNames ? memoRun : null;
  if (memo && !recorder) memo.clear();
  // Later classes usually contain earlier ones: build from the last, and let a class that a
  // built model already constructed with default arguments reuse that subtree (linear, not
  // quadratic, in chains of classes that each contain the previous one).
  const slots: (ModelInfo | null)[] = new Array(candidates.length).fill(null);
  const built = new Map<ClassV, InstanceV>();
  /** What each built class's builder used, for the memo entries of models reusing it. */
  const builderTouched = new Map<ClassV, Set<number>>();
  const nameOf = (cls: ClassV): string | null => (interp.mainScope.vars.get(cls.name) === cls ? cls.name : null);
  const claimedByReplay = (cls: ClassV): boolean => {
    const name = nameOf(cls);
    return name !== null && recorder !== null && recorder.claimedByReplay.has(name);
  };
  for (let index = candidates.length - 1; index >= 0; index--) {
    const cand = candidates[index];
    // The file's own use of the model binds its inputs (usageInputs.ts): a new use is a new result.
    // A module-level PyTorch model is also used under its other names, and only as its own class.
    const usage = options.model ? null : usageForModel(module, text, cand.name, !cand.cls && cand.expr === cand.name, cand.aliases, cand.instance?.cls.name, cand.cls !== undefined);
    const key = `${cand.name}\u0000${cand.expr}\u0000${usageKey(usage)}`;
    const reuse = cand.cls && !usage ? built.get(cand.cls) : undefined;
    if (recorder && !reuse) {
      const claimed = cand.cls ? claimedByReplay(cand.cls) : false;
      const entry = recorder.replay(key);
      if (entry && (claimed || entry.kind !== 'reused')) {
        slots[index] = entry.model;
        for (const a of entry.annotations) annotations.push(a.model === index ? a : { ...a, model: index });
        for (const f of entry.reports) interp.addFinding(f);
        for (const name of entry.claims) {
          const cls = interp.mainScope.vars.get(name);
          if (!(cls && cls.k === 'class' && built.has(cls))) recorder.claimedByReplay.add(name);
        }
        recorder.keepReplayed(key, entry);
        continue;
      }
      // A fresh run would reuse an instance of a build that was replayed, not interpreted.
      if (claimed) throw new MemoFallback();
    }
    if (reuse && reuse.mod!.firstCall && !hasFileBindings(interp, reuse)) {
      slots[index] = reusedModel(interp, world, cand, reuse);
      recorder?.keepLive(key, { kind: 'reused', model: slots[index], annotations: [], reports: [], claims: [], touched: builderTouched.get(cand.cls!) ?? [] });
      continue;
    }
    interp.steps = 0;
    interp.refunded = 0;
    interp.exhausted = false;
    const annotationsBefore = annotations.length;
    const touched = new Set<number>();
    const reports: Finding[] = [];
    if (recorder) {
      interp.touched = touched;
      interp.reportLog = reports;
    }
    const claimedNow: ClassV[] = [];
    try {
      // A module-level instance's subtree carries the script's arguments: class candidates build their own, as before.
      slots[index] = buildModel(interp, world, keras, cand, index, usage ? { ...options, usage } : options, annotations, cand.instance ? new Map() : built, claimedByReplay, claimedNow);
    } finally {
      interp.touched = null;
      interp.reportLog = null;
    }
    if (recorder) {
      const claims: string[] = [];
      for (const cls of claimedNow) {
        builderTouched.set(cls, touched);
        const name = nameOf(cls);
        if (name !== null) claims.push(name);
      }
      const live: LiveEntry = {
        kind: slots[index] ? 'built' : 'none',
        model: slots[index],
        annotations: annotations.slice(annotationsBefore),
        reports,
        claims,
        touched,
      };
      recorder.keepLive(key, live);
    }
  }
  recorder?.finish();
  const newIndex = new Map<number, number>();
  slots.forEach((m, i) => {
    if (!m) return;
    newIndex.set(i, models.length);
    models.push(m);
  });
  // Models that built nothing leave no slot: later models' annotations move down.
  if (models.length !== slots.length) {
    const kept = annotations.filter((a) => newIndex.has(a.model));
    annotations.length = 0;
    for (const a of kept) annotations.push(a.model === newIndex.get(a.model) ? a : { ...a, model: newIndex.get(a.model)! });
  }
  // An explicit EXPR that built nothing is worth saying.
  // Not an error: the expression may hold what the analysis cannot know (a model loaded from a file).
  if (options.model && models.length === 0) findings.push({ severity: 'warning', code: 'inference-gap', span: { from: 0, to: 0 }, line: 1, message: `--model ${options.model} did not build a module`, related: [] });
  // A focused run builds some models only: which classes the others would build is not known there.
  if (!options.model && !focus) findings.push(...unbuiltClassHints(interp, module.body, models));
  findings.push(...interp.findings);
  findings.sort((a, b) => a.span.from - b.span.from);
}

/**
 * The candidates a focused run builds: those defined in the range, and every candidate that names
 * one of them (transitively), because a class that a later model builds shows the shapes that model
 * gives it — the full run's hints — rather than its own defaults.
 */
function focusedCandidates(all: Candidate[], focus: Span, text: string): Candidate[] {
  // A module-level PyTorch model may call any class of the file: it is built whatever the range.
  const keep = new Set(all.filter((c) => c.instance || (c.span.from <= focus.to && focus.from <= c.span.to)));
  const users = new Map<string, Candidate[]>();
  for (const c of all) {
    for (const name of new Set(text.slice(c.span.from, c.span.to).match(/[A-Za-z_][A-Za-z_0-9]*/g) ?? [])) {
      const list = users.get(name);
      if (list) list.push(c);
      else users.set(name, [c]);
    }
  }
  const pending = [...keep];
  while (pending.length > 0) {
    const named = pending.pop()!;
    for (const user of users.get(named.name) ?? []) {
      if (keep.has(user)) continue;
      keep.add(user);
      pending.push(user);
    }
  }
  return all.filter((c) => keep.has(c));
}

interface Candidate {
  name: string;
  expr: string;
  span: Span;
  build: () => Value;
  /** The model class, when the candidate is a class constructed with default arguments. */
  cls?: ClassV;
  /** The instance, when the candidate is a PyTorch model the file's top level built (moduleLevelTorchModels). */
  instance?: InstanceV;
  /** Other names the file binds the same instance to (`m = model`): their uses bind its inputs too. */
  aliases?: string[];
}

function pickModels(interp: Interpreter, body: readonly Stmt[], options: PythonOptions): Candidate[] {
  if (options.model) {
    const exprText = options.model.trim();
    const exprFile: SourceFile = { path: '<model>', text: exprText, isMain: false, lineStarts: [0] };
    const exprModule = convertTree(parsePython(exprText).tree, exprText);
    const stmt = exprModule.body[0];
    const headName = exprText.match(/^[A-Za-z_][A-Za-z_0-9.]*/)?.[0] ?? exprText;
    // A name only a `__main__` block binds (`--model model` of a script that builds it there) is read in that block, as without --model.
    const guard = interp.mainScope.lookup(headName.split('.')[0]) === undefined ? body.find((s): s is Stmt & { t: 'if' } => s.t === 'if' && isMainGuard(s.branches[0].test)) : undefined;
    const evalScope = guard ? runMainBlock(interp, guard.branches[0].body) : interp.mainScope;
    const target = evalScope.lookup(headName.split('.')[0]);
    // A model the script built at module level (`--model model`) is listed at its assignment, as without --model.
    const assigned = target?.k === 'instance' && !exprText.slice(headName.length).trim() ? (guard ? guard.branches[0].body : body).find((s) => s.t === 'assign' && s.targets.length === 1 && s.targets[0].t === 'name' && s.targets[0].id === headName) : undefined;
    const defSpan = (assigned ? { from: assigned.from, to: assigned.to } : spanOfDefinition(target, interp)) ?? { from: 0, to: 0 };
    return [
      {
        name: headName,
        expr: exprText,
        span: defSpan,
        build: () => {
          if (!stmt || stmt.t !== 'expr') return unknown(`cannot read the model expression ${exprText}`);
          const scope = new Scope(evalScope, exprFile);
          interp.anchor = { ...defSpan, file: interp.main };
          const v = interp.eval(stmt.value, scope);
          // A PyTorch instance the script's top level built and called (`--model model`) shows the call this build makes.
          if (v.k === 'instance' && v.mod && v.mod.framework === 'pytorch') forgetCalls(v);
          return v;
        },
      },
    ];
  }
  const out: Candidate[] = [];
  for (const s of body) {
    // Keras models built at module level (`model = build_cnn()`) are models of the file too.
    if (s.t === 'assign' && s.targets.length === 1 && s.targets[0].t === 'name') {
      const name = s.targets[0].id;
      const v = interp.mainScope.vars.get(name);
      // A name bound to the same model again (`model = keras.models.load_model(path)` of a model the
      // program saved) is one model, listed where it is first assigned.
      if (v && v.k === 'instance' && v.mod && v.cls.mro.some((c) => c.native === 'KerasModel') && !out.some((c) => c.name === name && !c.cls)) {
        out.push({ name, expr: name, span: { from: s.from, to: s.to }, build: () => v });
      }
      continue;
    }
    if (s.t !== 'class') continue;
    const cls = interp.mainScope.vars.get(s.def.name);
    if (!isModelClass(cls) || !constructibleWithDefaults(interp, cls)) continue;
    out.push({
      name: s.def.name,
      expr: `${s.def.name}()`,
      cls,
      span: { from: s.from, to: s.to },
      build: () => {
        interp.anchor = { from: s.from, to: s.from, file: interp.main };
        return interp.call(cls, [], new Map(), { from: s.from, to: s.from, file: interp.main });
      },
    });
  }
  // Factories stand in for a file without class or Keras models, as before module-level PyTorch models were read.
  if (out.length === 0) out.push(...factoryCandidates(interp, body));
  // A PyTorch model the script builds itself (`model = Head(40, 21)`) is listed beside the classes,
  // in source order: the models are built from the last, so its shapes are the ones the hints of a
  // class body show where a class candidate annotates the same span (hintsToShow keeps the first).
  const classCandidates = new Set<ClassV>();
  for (const c of out) if (c.cls) classCandidates.add(c.cls);
  out.push(...moduleLevelTorchModels(interp, body, classCandidates));
  out.sort((a, b) => a.span.from - b.span.from);
  return out;
}

/**
 * The PyTorch modules a script builds at module level and binds to a name by a plain assignment
 * (`model = Head(40, 21)`, `net = Net(cfg).to(device)`, `model = nn.Sequential(...)`,
 * `model = resnet18()`), as the Keras branch of pickModels lists module-level Keras models:
 *
 * - The assignments read are those of the top level, also inside its `if`/`with`/`try` blocks (they
 *   ran when the file ran), and of an `if __name__ == '__main__':` block. The interpreter does not
 *   run that block with the top level (training loops live there); its statements up to its last
 *   assignment that builds a module (constructsModule) run here, in a scope of their own so the
 *   module's names stay as the top level left them for the other models.
 * - Every such instance is a model, a submodule of another one included (`encoder = Encoder();
 *   model = AutoEncoder(encoder, decoder)` lists all three): each is an instance the user made and
 *   may call, as the Keras branch lists a sub-model and the model built on it.
 * - One instance under several names (`model = Net(); m = model`) is one model, under the name
 *   listed first; its uses under the other names bind its inputs too.
 * - A name assigned several times is listed at the assignment that made its last instance: the last
 *   one whose right side does not read the name (`model = model.to(device)` keeps the instance).
 * - Catalogue layers (losses, activations, a lone `nn.Linear`) and ModuleList/ModuleDict are not
 *   models: a script's `criterion = nn.CrossEntropyLoss()` would flood the list. nn.Sequential is.
 * - An instance built without arguments of a class that is a candidate itself (`model = Net()`,
 *   `Net` constructible with its defaults) is that candidate, which already binds its inputs from
 *   the uses of `model`: listing it twice would repeat the same table.
 * - Instances made inside functions (`def main(): model = Net(3)`) are locals of a call the analysis
 *   does not make: their classes keep unbuiltClassHints' hint.
 */
function moduleLevelTorchModels(interp: Interpreter, body: readonly Stmt[], classCandidates: ReadonlySet<ClassV>): Candidate[] {
  const assignments: { name: string; stmt: Stmt & { t: 'assign' }; scope: Scope }[] = [];
  const collect = (stmts: readonly Stmt[], scope: Scope): void => {
    for (const s of stmts) {
      if (s.t === 'assign' && s.targets.length === 1 && s.targets[0].t === 'name' && s.value) assignments.push({ name: s.targets[0].id, stmt: s, scope });
      else if (s.t === 'if' && scope === interp.mainScope && isMainGuard(s.branches[0].test)) collect(s.branches[0].body, runMainBlock(interp, s.branches[0].body));
      else if (s.t === 'if') {
        for (const b of s.branches) collect(b.body, scope);
        if (s.orelse) collect(s.orelse, scope);
      } else if (s.t === 'with') collect(s.body, scope);
      else if (s.t === 'try') {
        collect(s.body, scope);
        for (const h of s.handlers) collect(h.body, scope);
        if (s.orelse) collect(s.orelse, scope);
        if (s.final) collect(s.final, scope);
      }
    }
  };
  collect(body, interp.mainScope);
  const text = interp.main.text;
  const readsName = (s: Stmt & { t: 'assign' }, name: string) => new RegExp(`\\b${name}\\b`).test(text.slice(s.value!.from, s.value!.to));
  // Each name of a scope once, listed at the assignment that made its final instance.
  const listed = new Map<Scope, Map<string, { name: string; stmt: Stmt & { t: 'assign' }; inst: InstanceV }>>();
  for (const { name, stmt, scope } of assignments) {
    const v = scope.vars.get(name);
    if (!v || v.k !== 'instance' || !isScriptTorchModel(interp, v)) continue;
    const names = listed.get(scope) ?? new Map();
    listed.set(scope, names);
    const before = names.get(name);
    if (!before) names.set(name, { name, stmt, inst: v });
    else if (!readsName(stmt, name)) before.stmt = stmt;
  }
  const byInstance = new Map<InstanceV, Candidate>();
  for (const { name, stmt, inst } of [...listed.values()].flatMap((names) => [...names.values()]).sort((a, b) => a.stmt.from - b.stmt.from)) {
    const known = byInstance.get(inst);
    if (known) {
      known.aliases!.push(name);
      continue;
    }
    if (inst.defaultConstructed && classCandidates.has(inst.cls)) continue;
    const cand: Candidate = {
      name,
      expr: name,
      span: { from: stmt.from, to: stmt.to },
      instance: inst,
      aliases: [],
      build: () => {
        // The table shows the call this build makes (on the bound inputs), not a call the script's top level made.
        forgetCalls(inst);
        return inst;
      },
    };
    byInstance.set(inst, cand);
  }
  return [...byInstance.values()];
}

/** `__name__ == '__main__'`, either way round. */
function isMainGuard(test: Expr): boolean {
  if (test.t !== 'compare' || test.op !== '==') return false;
  const isName = (e: Expr) => e.t === 'name' && e.id === '__name__';
  const isMain = (e: Expr) => e.t === 'str' && e.value === '__main__';
  return (isName(test.left) && isMain(test.right)) || (isMain(test.left) && isName(test.right));
}

/**
 * Runs a `__main__` block's statements up to its last assignment of a call (where a script builds
 * its model; the training loop after it is not run), in a scope of its own, and returns the scope.
 * A budget that runs out leaves the names bound so far.
 */
function runMainBlock(interp: Interpreter, stmts: readonly Stmt[]): Scope {
  const scope = new Scope(interp.mainScope, interp.main);
  let last = -1;
  stmts.forEach((s, i) => {
    if (s.t === 'assign' && s.targets.length === 1 && s.targets[0].t === 'name' && s.value && constructsModule(interp, s.value)) last = i;
  });
  if (last < 0) return scope;
  interp.steps = 0;
  interp.refunded = 0;
  interp.exhausted = false;
  try {
    interp.execBlock(stmts.slice(0, last + 1), scope);
  } catch (e) {
    if (!(e instanceof BudgetExhausted)) throw e;
  }
  return scope;
}

/**
 * Whether an expression reads as building a module: a call of a module class (`Net(16).to(device)`,
 * through method calls on the result; `nn.Sequential(...)`) or of a `models.` factory
 * (`torchvision.models.resnet18()`). A __main__ block runs only up to such a statement: the
 * helpers and tests it calls after are not models, and a block that builds none is not run.
 */
function constructsModule(interp: Interpreter, e: Expr): boolean {
  if (e.t !== 'call') return false;
  if (e.fn.t === 'attr' && e.fn.obj.t === 'call') return constructsModule(interp, e.fn.obj);
  const isModuleClass = (v: Value | undefined) => v !== undefined && v.k === 'class' && v.mro.some((c) => c.native === 'Module');
  if (e.fn.t === 'name') {
    const callee = interp.mainScope.lookup(e.fn.id);
    return callee !== undefined && isModuleClass(force(callee));
  }
  if (e.fn.t !== 'attr') return false;
  if (/(?:^|\.)models\.\w+$/.test(interp.main.text.slice(e.fn.from, e.fn.to))) return true;
  // An attribute of a module the top level imported (`nn.Sequential`), read through the namespaces
  // only: nothing is evaluated, so nothing is reported about a call that builds no module.
  const path: string[] = [];
  let head: Expr = e.fn;
  for (; head.t === 'attr'; head = head.obj) path.unshift(head.attr);
  const start = head.t === 'name' ? interp.mainScope.lookup(head.id) : undefined;
  let v: Value | undefined = start === undefined ? undefined : force(start);
  for (const attr of path) {
    const got: Value | undefined = v?.k === 'namespace' ? v.get(attr) : undefined;
    v = got === undefined ? undefined : force(got);
  }
  return isModuleClass(v);
}

/** A module instance a script would call as its model: a user or library model class, or nn.Sequential. */
function isScriptTorchModel(interp: Interpreter, v: InstanceV): boolean {
  if (!v.mod || v.mod.framework === 'keras' || v.cls.mro.some((c) => c.native === 'KerasModel')) return false;
  if (v.cls.mro.some((c) => c.native === 'ModuleList' || c.native === 'ModuleDict')) return false;
  if (v.cls.native === 'Sequential') return true;
  // A class the analysis only stubs (a loss the catalogue lacks) has no forward of its own to run.
  return isModelClass(v.cls) && !v.cls.layer && interp.lookupClassAttr(v.cls, 'forward')?.k === 'func';
}

/** Forgets the calls a module tree recorded, so its next call is its first again. */
function forgetCalls(root: InstanceV): void {
  const seen = new Set<InstanceV>();
  const pending = [root];
  while (pending.length > 0) {
    const m = pending.pop()!;
    if (seen.has(m) || !m.mod) continue;
    seen.add(m);
    m.mod.calls = 0;
    m.mod.firstCall = null;
    for (const child of m.mod.children.values()) pending.push(child);
  }
}

/**
 * A file without module classes may still build models in functions (`def build_wavenet(...):
 * ... return keras.Model(inputs, logits)`): each top-level function that can be called with its
 * defaults and visibly builds a model becomes a candidate; one that builds nothing leaves no model.
 */
function factoryCandidates(interp: Interpreter, body: readonly Stmt[]): Candidate[] {
  const out: Candidate[] = [];
  for (const s of body) {
    if (s.t !== 'def' || s.def.name.startsWith('_')) continue;
    const fn = interp.mainScope.vars.get(s.def.name);
    if (!fn || fn.k !== 'func' || 'lambda' in fn.def) continue;
    const callable = fn.def.params.every((p) => p.kind === 'star' || p.kind === 'dstar' || fn.defaults.has(p.name));
    if (!callable || !/\b(?:Model|Sequential)\s*\(/.test(interp.main.text.slice(s.from, s.to))) continue;
    const site = { from: s.from, to: s.from, file: interp.main };
    out.push({
      name: s.def.name,
      expr: `${s.def.name}()`,
      span: { from: s.from, to: s.to },
      build: () => {
        interp.anchor = site;
        return interp.call(fn, [], new Map(), site);
      },
    });
  }
  return out;
}

function spanOfDefinition(v: Value | undefined, interp: Interpreter): Span | null {
  if (!v) return null;
  if (v.k === 'class' && v.def && v.file?.isMain) return { from: v.def.from, to: v.def.to };
  if (v.k === 'func' && v.file.isMain && !('lambda' in v.def)) return { from: v.def.from, to: v.def.to };
  void interp;
  return null;
}

/**
 * A model class of the file that no model built: its constructor needs arguments (so it is not a
 * model on its own) and no model of the file constructs it. Each gets a hint naming what it
 * needs, so a class never goes silent.
 */
function unbuiltClassHints(interp: Interpreter, body: readonly Stmt[], models: readonly ModelInfo[]): Finding[] {
  const built = new Set<string>();
  for (const m of models) for (const mod of m.modules) built.add(mod.type);
  const hints: Finding[] = [];
  for (const s of body) {
    if (s.t !== 'class' || built.has(s.def.name)) continue;
    const cls = interp.mainScope.vars.get(s.def.name);
    if (!isModelClass(cls) || constructibleWithDefaults(interp, cls)) continue;
    const init = interp.lookupClassAttr(cls, '__init__');
    const needed = init?.k === 'func' ? init.def.params.slice(1).filter((p) => p.kind !== 'star' && p.kind !== 'dstar' && !init.defaults.has(p.name)).map((p) => p.name) : [];
    const what = needed.length > 0 ? `its constructor needs ${needed.join(', ')}, which have no defaults` : 'its constructor cannot be called with no arguments';
    hints.push({
      severity: 'hint',
      code: 'inference-gap',
      span: { from: s.from, to: s.from },
      line: lineOf(interp.main, s.from),
      message: `${s.def.name} is not analysed: ${what}, and no model of this file constructs it; build one in the script (\`model = ${s.def.name}(…)\`, then call it on a tensor), construct it in a model of the file, or run layer-lens summary with --model '${s.def.name}(…)'`,
      related: [],
    });
  }
  return hints;
}

/** A user class that is a PyTorch module or a Keras model, and not a bare catalogue layer alias. */
function isModelClass(cls: Value | undefined): cls is ClassV {
  if (!cls || cls.k !== 'class' || !cls.mro.some((c) => c.native === 'Module' || c.native === 'KerasModel')) return false;
  return !(cls.layer && !cls.ns.has('forward') && !cls.ns.has('__init__'));
}

function constructibleWithDefaults(interp: Interpreter, cls: ClassV): boolean {
  const init = interp.lookupClassAttr(cls, '__init__');
  if (!init) return true;
  if (init.k === 'builtin') return !cls.layer;
  if (init.k !== 'func') return false;
  return init.def.params.slice(1).every((p) => p.kind === 'star' || p.kind === 'dstar' || init.defaults.has(p.name));
}

/** The forward() of a module instance, when it is user code. */
function forwardOf(interp: Interpreter, inst: InstanceV): Value | undefined {
  return interp.lookupClassAttr(inst.cls, inst.mod!.framework === 'keras' && !inst.cls.layer ? 'call' : 'forward') ?? interp.lookupClassAttr(inst.cls, 'forward');
}

/** Whether the class states its own input shapes (a comment or jaxtyping), which a reuse would ignore. */
function hasFileBindings(interp: Interpreter, inst: InstanceV): boolean {
  const fwd = forwardOf(interp, inst);
  if (!fwd || fwd.k !== 'func' || 'lambda' in fwd.def) return false;
  const def = fwd.def as FunctionDef;
  if (def.params.some((p) => jaxtypingBinding(p.annotation, fwd.file.text))) return true;
  return fwd.file.isMain && hasCommentBindingsAbove(fwd.file.text, fwd.file.lineStarts, lineOf(fwd.file, def.from));
}

/** A model whose class another model already built with default arguments: its subtree, re-rooted. */
function reusedModel(interp: Interpreter, world: ModuleSystem, cand: Candidate, inst: InstanceV): ModelInfo {
  const modules = moduleTable(world, world.namedModules(inst));
  const call = inst.mod!.firstCall!;
  const fwd = forwardOf(interp, inst);
  const names = fwd && fwd.k === 'func' ? fwd.def.params.slice(1).map((p) => p.name) : [];
  const inputs = call.inputs.filter((v): v is TensorV => v.k === 'tensor').map((t, i) => ({ name: names[i] ?? `input${i}`, shape: shapesOut(t) ?? [] }));
  return { name: cand.name, expr: cand.expr, framework: inst.mod!.framework, span: cand.span, line: lineOf(interp.main, cand.span.from), inputs, outputShapes: outputList(call.output), totalParams: modules[0]?.paramsTotal ?? null, modules };
}

function buildModel(interp: Interpreter, world: ModuleSystem, keras: KerasFrontEnd, cand: Candidate, index: number, options: PythonOptions, annotations: ShapeAnnotation[], built: Map<ClassV, InstanceV>, claimedElsewhere: (cls: ClassV) => boolean, claimedNow: ClassV[]): ModelInfo | null {
  let root: Value;
  const budgetHitsBefore = interp.budgetHits;
  interp.reportForeignGaps = true;
  try {
    root = cand.build();
  } catch (e) {
    if (!(e instanceof BudgetExhausted)) throw e;
    return null;
  }
  if (root.k !== 'instance' || !root.mod) {
    interp.report('inference-gap', 'warning', { ...cand.span, file: interp.main }, `${cand.expr} did not evaluate to a module${root.k === 'unknown' ? ` (${root.reason})` : ''}`);
    return null;
  }
  const inst = root;
  const named = world.assignPaths(inst);

  // Inputs: comments and jaxtyping in the file, then the caller's bindings (or the reverse for the CLI).
  const fwd = interp.lookupClassAttr(inst.cls, inst.mod!.framework === 'keras' && !inst.cls.layer ? 'call' : 'forward') ?? interp.lookupClassAttr(inst.cls, 'forward');
  // A catalogue layer as the model (`--model 'nn.MultiheadAttention(16, 4)'`) takes every input
  // given, in the order given (query, key, value; src, tgt).
  const givenNames = options.inputs && options.inputs.length > 1 ? options.inputs.map((b, i) => b.name ?? `input${i === 0 ? '' : i + 1}`) : ['input'];
  let params: FunctionDef['params'] = givenNames.map((name) => ({ name, kind: 'pos' as const, default: null, annotation: null, from: 0, to: 0 }));
  let fileBindings: ParsedBinding[] | null = null;
  let fwdSite: CallSite = { from: cand.span.from, to: cand.span.from, file: interp.main };
  if (fwd && fwd.k === 'func' && !('lambda' in fwd.def)) {
    const def = fwd.def as FunctionDef;
    params = def.params.slice(1);
    if (fwd.file.isMain) {
      fileBindings = commentBindingsAbove(fwd.file.text, fwd.file.lineStarts, lineOf(fwd.file, def.from));
      fwdSite = { from: def.nameFrom, to: def.nameFrom + def.name.length, file: interp.main };
    }
    const jax: ParsedBinding[] = [];
    for (const p of params) {
      const b = jaxtypingBinding(p.annotation, fwd.file.text);
      if (b) jax.push({ ...b, name: p.name });
    }
    if (jax.length) fileBindings = [...(fileBindings ?? []), ...jax];
  }
  // A `# layer-lens:` comment on or above a module-level model's assignment binds that instance,
  // before the comment of its class's forward (which every instance of the class shares).
  if (cand.instance) {
    const onAssignment = commentBindingsAbove(interp.main.text, interp.main.lineStarts, lineOf(interp.main, cand.span.from));
    if (onAssignment) fileBindings = onAssignment;
  }
  // A Keras model built when the file ran (keras.Input, model.build): its inputs are the ones it
  // was built on, named as Keras names them unless call() names them.
  const builtInputs = inst.attrs.get('_inputs');
  const builtOutputs = inst.attrs.get('_outputs');
  const builtList = builtInputs && builtOutputs ? (interp.iterate(builtInputs, fwdSite) ?? []).filter((t): t is TensorV => t.k === 'tensor') : null;
  if (builtList && builtList.length > 0 && !(fwd && fwd.k === 'func')) {
    params = builtList.map((t, i) => ({ name: keras.history.get(t)?.rec.name ?? (i === 0 ? 'input' : `input${i + 1}`), kind: 'pos' as const, default: null, annotation: null, from: 0, to: 0 }));
    // Without a call(), a `# layer-lens:` comment on or above the line that makes the model binds its inputs.
    const made = world.bookkeeping(inst.mod!).defSpan ?? (cand.span.to > cand.span.from ? cand.span : null);
    if (made) fileBindings = commentBindingsAbove(interp.main.text, interp.main.lineStarts, lineOf(interp.main, made.from));
  }
  const fromOptions = optionBindings(options.inputs);
  // Precedence: a comment, the file's own use of the model, then the setting (the CLI's --input first).
  const usage = options.usage ?? null;
  const fromUsage = usage?.first.bindings ?? null;
  const bound = bindByParams(params, options.inputsOverrideComments ? [fromOptions, fileBindings, fromUsage] : [fileBindings, fromUsage, fromOptions]);
  for (const w of bindingsNamingNoParameter(params, fileBindings)) interp.report('invalid-argument', 'warning', { ...w.site, file: interp.main }, w.message);
  if (builtList) bindBuiltInputs(interp, keras, builtList, params, bound, options, fwdSite);
  const args: Value[] = [];
  const kwargs = new Map<string, Value>();
  const inputs: { name: string; tensor: TensorV }[] = [];
  let positional = true;
  const inputTensor = (b: ParsedBinding | undefined): TensorV => {
    const t: TensorV = b
      ? { k: 'tensor', shape: [...b.dims], ranked: b.ranked, dtype: b.dtype, field: null, origin: null }
      : { k: 'tensor', shape: [], ranked: false, dtype: 'float', dtypeUncertain: true, field: null, origin: null };
    if (t.ranked && t.shape.length >= 3 && t.dtype === 'float') t.field = identityField(t.shape.length - 2);
    if (!t.ranked) world.inputTensors.add(t);
    return t;
  };
  for (const p of params) {
    const b = bound.get(p.name);
    if (p.kind === 'kwonly' && b) {
      // A keyword-only input (`def forward(self, x, *, mask)`) is given by name.
      const t = inputTensor(b);
      inputs.push({ name: p.name, tensor: t });
      kwargs.set(p.name, t);
      continue;
    }
    if (p.kind !== 'pos') {
      positional = false;
      continue;
    }
    if (!b && p.default) {
      positional = false;
      continue;
    }
    const t = inputTensor(b);
    inputs.push({ name: p.name, tensor: t });
    if (positional) args.push(t);
    else kwargs.set(p.name, t);
  }
  // Inputs named for `**kwargs` (`forward(self, x, **kwargs)` reading `kwargs['labels']`).
  if (params.some((p) => p.kind === 'dstar')) {
    for (const [name, b] of bound) {
      if (params.some((p) => p.name === name)) continue;
      const t = inputTensor(b);
      inputs.push({ name, tensor: t });
      kwargs.set(name, t);
    }
  }

  let output: Value | null = null;
  interp.annotating = true;
  // A Keras model built on keras.Input already ran symbolically: its inputs and outputs are known.
  try {
    interp.anchor = fwdSite;
    if (builtInputs && builtOutputs) {
      inputs.length = 0;
      for (const t of interp.iterate(builtInputs, fwdSite) ?? []) if (t.k === 'tensor') inputs.push({ name: keras.history.get(t)?.rec.name ?? 'input', tensor: t });
      output = builtOutputs;
      inst.mod!.calls = Math.max(inst.mod!.calls, 1);
      inst.mod!.firstCall ??= { inputs: inputs.map((i) => i.tensor), output, span: fwdSite, notation: null, formula: null, macs: null, geometry: null };
    } else output = world.callModule(inst, args, kwargs, fwdSite);
  } catch (e) {
    if (!(e instanceof BudgetExhausted)) throw e;
  } finally {
    interp.annotating = false;
    interp.reportForeignGaps = false;
  }

  const modules = moduleTable(world, named);
  countSharedWeightsOnce(world, named, modules);

  // Annotations of this model.
  const recById = world.recordById;
  for (const a of interp.takeAnnotations()) {
    const shape = shapesOut(a.value);
    if (!shape) continue;
    const path = a.modId !== null ? world.bookkeepingById.get(a.modId)?.path ?? null : null;
    annotations.push({ span: a.span, kind: a.kind, shape, notation: a.notation ?? (a.modId !== null ? recById.get(a.modId)?.firstCall?.notation ?? null : null), modulePath: path, model: index });
  }
  const seenDef = new Set<number | string>();
  for (let i = 0; i < named.length; i++) {
    const path = named[i][0];
    const m = named[i][1];
    const call = m.mod!.firstCall;
    if (!call) continue;
    const extra = world.bookkeeping(m.mod!);
    if (!extra.defSpan) continue;
    const key = spanKey(extra.defSpan.from, extra.defSpan.to);
    if (seenDef.has(key)) continue;
    seenDef.add(key);
    const shape = shapesOut(call.output);
    if (shape) annotations.push({ span: extra.defSpan, kind: 'layer', shape, notation: call.notation, modulePath: path, model: index });
  }

  // A model cut short by a budget may miss modules: its total is not known.
  const complete = interp.budgetHits === budgetHitsBefore;
  if (!complete && modules[0]) modules[0].paramsTotal = null;
  const totals = complete ? modules[0]?.paramsTotal ?? null : null;
  // Only a complete build may stand in for the classes it constructed with their defaults.
  if (complete) for (let i = 0; i < named.length; i++) {
    const m = named[i][1];
    if (m.defaultConstructed && !built.has(m.cls) && !claimedElsewhere(m.cls)) {
      built.set(m.cls, m);
      claimedNow.push(m.cls);
    }
  }
  return {
    name: cand.name,
    expr: cand.expr,
    framework: inst.mod!.framework,
    span: cand.span,
    line: lineOf(interp.main, cand.span.from),
    inputs: inputs.map((i) => ({ name: i.name, shape: shapesOut(i.tensor) ?? [] })),
    outputShapes: output ? outputList(output) : null,
    totalParams: totals,
    modules,
    ...withInputSource(inputSourceOf(bound, fileBindings, usage, fromOptions, interp.main.text, (offset) => lineOf(interp.main, offset))),
  };
}

/**
 * Input bindings of a Keras model built when the file ran: a binding fills the sizes its input's
 * declaration leaves unknown (asked of the next run, see analyzePython), and one that contradicts a
 * size the declaration states is a finding, the declared shape kept. The batch size stays Keras's None.
 */
function bindBuiltInputs(interp: Interpreter, keras: KerasFrontEnd, built: TensorV[], params: FunctionDef['params'], bound: Map<string, ParsedBinding>, options: PythonOptions, fallback: CallSite): void {
  const fmt = (dims: Dim[]) => `(${dims.map((d) => String(dimOut(d))).join(',')})`;
  for (const b of optionBindings(options.inputs) ?? []) {
    if (b.name && !params.some((p) => p.name === b.name)) interp.report('invalid-argument', 'warning', fallback, `the input binding ${b.name} names no input of this model (its inputs: ${params.map((p) => p.name).join(', ')})`);
  }
  built.forEach((t, i) => {
    const name = params[i]?.name;
    const b = name !== undefined ? bound.get(name) : undefined;
    if (!b || !b.ranked) return;
    const declaredAt = keras.inputSites.get(t);
    const site: CallSite = declaredAt ? { ...declaredAt, file: interp.main } : fallback;
    const where = declaredAt ? `line ${lineOf(interp.main, declaredAt.from)}` : 'the model';
    if (t.ranked && t.shape.length !== b.dims.length) {
      interp.report('invalid-argument', 'warning', site, `the input binding ${fmt(b.dims)} for ${name} has ${b.dims.length} dims, but the input declared at ${where} is ${fmt(t.shape)}: the declared shape is kept`);
      return;
    }
    const clash = t.ranked ? t.shape.findIndex((d, j) => j > 0 && isKnown(d) && isKnown(b.dims[j]) && d !== b.dims[j]) : -1;
    if (clash >= 0) {
      interp.report('invalid-argument', 'warning', site, `the input binding ${fmt(b.dims)} for ${name} gives size ${String(b.dims[clash])} at dim ${clash}, but the input declared at ${where} is ${fmt(t.shape)}: the declared shape is kept`);
      return;
    }
    const filled: Dim[] = b.dims.map((d, j) => (j === 0 ? (t.ranked ? t.shape[0] : symDim('N')) : t.ranked && isKnown(t.shape[j]) ? t.shape[j] : d));
    const adds = filled.some((d, j) => j > 0 && isKnown(d) && !(t.ranked && isKnown(t.shape[j])));
    if (adds && declaredAt && !options.kerasInputOverrides) options.kerasInputRequests?.set(declaredAt.from, filled);
  });
}

/** The `inputSource` field when there is one (absent otherwise, so unbound models print as before). */
function withInputSource(source: InputSource | undefined): { inputSource?: InputSource } {
  return source ? { inputSource: source } : {};
}

/**
 * Tied weights (`self.lm_head.weight = self.wte.weight`): one parameter held by several layers.
 * Each holder lists it among its own parameters, as `parameters(recurse=False)` does, but a
 * subtree holding it several times counts it once, as `parameters()` does.
 */
function countSharedWeightsOnce(world: ModuleSystem, named: [string, InstanceV][], modules: ModuleInfo[]): void {
  // Most models hold no weight twice: the holders of a parameter are listed only once a second holder appears.
  const firstHolder = new Map<TensorV, string>();
  let holders: Map<TensorV, string[]> | null = null;
  for (let i = 0; i < named.length; i++) {
    const path = named[i][0];
    const m = named[i][1];
    // Attributes still deferred were never read, so no other module can hold their weights.
    if (m.attrs instanceof DeferredAttrs && m.attrs.deferred) continue;
    const declared = world.bookkeeping(m.mod!).peekLayerParams();
    if (declared) for (const name of declared) {
      const w = m.attrs.get(name);
      if (w?.k !== 'tensor' || !w.param) continue;
      const first = firstHolder.get(w);
      if (first === undefined) {
        firstHolder.set(w, path);
        continue;
      }
      holders ??= new Map();
      const list = holders.get(w);
      if (list) list.push(path);
      else holders.set(w, [first, path]);
    }
  }
  if (!holders) return;
  for (const [w, paths] of holders) {
    const size = w.ranked ? productDim(w.shape) : null;
    for (const info of modules) {
      const inside = paths.filter((p) => info.path === '' || p === info.path || p.startsWith(`${info.path}.`)).length;
      if (inside < 2 || info.paramsTotal === null) continue;
      info.paramsTotal = size !== null && isKnown(size) ? info.paramsTotal - (inside - 1) * size : null;
    }
  }
}

/** The module table of a model's [path, module] pairs: each module's own and subtree parameters, shapes and config. */
function moduleTable(world: ModuleSystem, named: [string, InstanceV][]): ModuleInfo[] {
  const own = new Map<number, number | null>();
  // Index loops over the [path, module] pairs: destructuring in a for-of allocates an iterator result per pair.
  for (let i = 0; i < named.length; i++) own.set(named[i][1].mod!.id, ownParamCount(world, named[i][1].mod!));
  const totals = subtreeTotals(named, own);
  const modules: ModuleInfo[] = [];
  for (let i = 0; i < named.length; i++) modules.push(moduleInfo(world, named[i][0], named[i][1], own, totals));
  return modules;
}

function ownParamCount(world: ModuleSystem, rec: ModuleRec): number | null {
  let total = 0;
  const book = world.bookkeeping(rec);
  if (rec.spec && rec.config) {
    const inputs = book.inputs ?? undefined;
    let n: number | null;
    try {
      n = rec.spec.ownParams ? rec.spec.ownParams(rec.config, inputs) : rec.spec.params(rec.config, inputs);
    } catch {
      n = null;
    }
    if (n === null) return null;
    total += n;
  }
  const params = book.peekParams();
  if (params && params.size > 0) for (const shape of params.values()) {
    if (!shape) return null;
    const p = productDim(shape);
    if (!isKnown(p)) return null;
    total += p;
  }
  if (book.movedParams) for (const shape of book.movedParams.values()) {
    const p = productDim(shape);
    if (!isKnown(p)) return null;
    total -= p;
  }
  return total;
}

/**
 * Parameter totals of every module of a tree, bottom-up in one pass, when no module is shared
 * (then a subtree's total is its own count plus its children's totals); null when some module is
 * reached twice, and each total is then summed over its deduplicated subtree.
 */
function subtreeTotals(named: [string, InstanceV][], own: Map<number, number | null>): Map<number, number | null> | null {
  let edges = 0;
  for (let i = 0; i < named.length; i++) edges += named[i][1].mod!.children.size;
  if (edges !== named.length - 1) return null;
  const totals = new Map<number, number | null>();
  for (let i = named.length - 1; i >= 0; i--) {
    const rec = named[i][1].mod!;
    let total = own.get(rec.id) ?? null;
    for (const child of rec.children.values()) {
      const t = totals.get(child.mod!.id);
      total = total === null || t === undefined || t === null ? null : total + t;
    }
    totals.set(rec.id, total);
  }
  return totals;
}

function moduleInfo(world: ModuleSystem, path: string, m: InstanceV, own: Map<number, number | null>, totals: Map<number, number | null> | null): ModuleInfo {
  const rec = m.mod!;
  let total: number | null = 0;
  if (totals && totals.has(rec.id)) total = totals.get(rec.id)!;
  else
    for (const [, sub] of world.namedModules(m)) {
      const n = own.get(sub.mod!.id) ?? ownParamCount(world, sub.mod!);
      if (n === null || total === null) total = null;
      else total += n;
    }
  const call = rec.firstCall;
  let attention = null;
  try {
    attention = rec.spec && rec.config ? rec.spec.attention?.(rec.config) ?? null : null;
  } catch {
    attention = null;
  }
  return {
    path,
    type: rec.type,
    framework: rec.framework,
    isLayer: rec.spec !== null,
    span: rec.span,
    line: rec.line,
    config: rec.config ? (configJson(rec.config) as Record<string, unknown>) : {},
    paramsOwn: own.get(rec.id) ?? null,
    paramsTotal: total,
    inputShapes: call ? inputShapesOf(call.inputs) : null,
    outputShapes: call ? outputList(call.output) : null,
    callSpan: call ? call.span : null,
    notation: call?.notation ?? null,
    formula: call?.formula ?? null,
    macs: call?.macs ?? null,
    geometry: call?.geometry ?? null,
    receptiveField: rec.field,
    attention,
  };
}

/** The printed shapes of a call's inputs that have shapes, in order. */
function inputShapesOf(inputs: readonly Value[]): ShapesOut[] {
  const out: ShapesOut[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const s = shapesOut(inputs[i]);
    if (s !== null) out.push(s);
  }
  return out;
}

function outputList(v: Value): ShapesOut[] {
  const s = shapesOut(v);
  return s ? [s] : [];
}

/**
 * Printed shapes of the tensors of the analysis under way (null outside one). A Map dropped with
 * its analysis, not a WeakMap kept for the process: a WeakMap's insertions cost several times a
 * Map's, and a cold analysis prints thousands of tensors.
 */
let printedShapes: Map<TensorV, ShapesOut> | null = null;

/** A value's shapes for output: tensors, (nested) tuples of them; null for other values. */
export function shapesOut(v: Value, nested = false): ShapesOut | null {
  if (v.k === 'tensor') {
    // The same tensor is often listed many times (DenseNet's growing feature lists): print it once.
    const cached = printedShapes?.get(v);
    if (cached) return cached;
    const dims = v.shape.map((d: Dim) => dimOut(d));
    const out = v.ranked ? dims : ['…', ...dims];
    printedShapes?.set(v, out);
    return out;
  }
  if (v.k === 'tuple' || v.k === 'list') {
    const items = v.items.map((item) => shapesOut(item, true));
    // A tuple of non-tensors inside an output (segnet returns `x.size()` beside its tensors) is
    // listed item by item, as PyTorch's hooks record it; a whole output without tensors is none.
    if (items.every((i) => i === null) && !nested) return null;
    // None inside a tuple (MultiheadAttention's weights with need_weights=False) is an empty tuple.
    return { tuple: items.map((i) => i ?? { tuple: [] }) };
  }
  return null;
}

function configJson(c: unknown): unknown {
  if (c === null || typeof c !== 'object') return c;
  if (Array.isArray(c)) return c.map(configJson);
  const o = c as Record<string, unknown>;
  if ((o.kind === 'sym' && o.terms instanceof Map) || o.kind === 'unknown') return dimOut(o as unknown as Dim);
  const keys = Object.keys(o);
  // Most configs hold numbers, strings, booleans and null only: a spread copies those as the loop
  // below would (same keys, same order), without a keyed store per key.
  let plain = true;
  for (let i = 0; i < keys.length; i++) {
    const v = o[keys[i]];
    // (An own `__proto__` key would be copied by a spread but not by an assignment.)
    if ((v !== null && typeof v === 'object') || keys[i] === '__proto__') {
      plain = false;
      break;
    }
  }
  if (plain) return { ...o };
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = configJson(o[k]);
  return out;
}

export { symDim };
