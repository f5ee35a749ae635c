// The TensorFlow.js front end: parses a TS/JS file with @lezer/javascript, evaluates it with the
// abstract evaluator, and reports every model it builds — at the top level, or returned by a
// top-level function (`digitCnn()`) — as the same Analysis the PyTorch front end produces.

import type { SyntaxNode, Tree } from '@lezer/common';
import { parser } from '@lezer/javascript';
import { isDimObject } from '../layers/ruleHelpers';
import type { ConfigValue, LayerValue } from '../layers/catalogue';
import { dimOut, shapeOut } from '../shapes';
import { lineIndex } from '../lineIndex';
import type { Analysis, AnalyzeOptions, Finding, InputSource, ModelInfo, ModuleInfo, ShapeAnnotation, ShapesOut, Span } from '../types';
import { BudgetExhausted, Interpreter, type Budgets } from './jsInterpreter';
import { Scope, type LayerInstance, type ModelObject, type SymbolicTensor, type Value } from './jsValues';
import { TfjsRuntime, type RuntimeFinding } from './tfjsRuntime';
import { tfjsInputSource, tfjsUsages } from './tfjsUsage';

const DEFAULT_STEPS = 200_000;

// Configuring a Lezer parser builds tables; one per dialect is enough.
const TS_PARSER = parser.configure({ dialect: 'ts' });
const JS_PARSER = parser.configure({ dialect: '' });

/** Offsets to 1-based lines. */
function statementsOf(tree: Tree): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = tree.topNode.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

/** A top-level function that may build a model: its name, the node to call and the definition's span. */
interface Factory {
  name: string;
  span: Span;
}

/** Top-level `function f()`, `export function f()` and `const f = () => ...` definitions. */
function factoriesOf(statements: SyntaxNode[], text: string): Factory[] {
  const out: Factory[] = [];
  for (const s of statements) {
    const decl = s.name === 'ExportDeclaration' ? s.getChild('FunctionDeclaration') ?? s.getChild('VariableDeclaration') : s;
    if (!decl) continue;
    if (decl.name === 'FunctionDeclaration') {
      const name = decl.getChild('VariableDefinition');
      if (name) out.push({ name: text.slice(name.from, name.to), span: { from: s.from, to: s.to } });
    } else if (decl.name === 'VariableDeclaration') {
      for (const def of decl.getChildren('VariableDefinition')) {
        let next = def.nextSibling;
        while (next && (next.name === 'TypeAnnotation' || next.name === 'Equals')) next = next.nextSibling;
        if (next && (next.name === 'ArrowFunction' || next.name === 'FunctionExpression')) {
          out.push({ name: text.slice(def.from, def.to), span: { from: s.from, to: s.to } });
        }
      }
    }
  }
  return out;
}

/** A catalogue config as plain JSON: dims print as numbers or strings. */
function configJson(v: ConfigValue): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(configJson);
  if (isDimObject(v)) return dimOut(v);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = configJson(x);
  return out;
}

function shapesOfValue(v: LayerValue): ShapesOut {
  if (v.kind === 'tensor') return shapeOut(v.shape);
  if (v.kind === 'tuple') return { tuple: v.items.map(shapesOfValue) };
  return ['?'];
}

/** One entry per tensor: a list input (merge layers) or a tuple output (return_state) lists each. */
function shapeList(v: LayerValue): ShapesOut[] {
  if (v.kind === 'tuple') return v.items.map(shapesOfValue);
  return [shapesOfValue(v)];
}

function tensorShape(t: SymbolicTensor): ShapesOut {
  return t.shape ? shapeOut(t.shape) : ['?'];
}

function contains(outer: Span, inner: Span): boolean {
  return outer.from <= inner.from && inner.to <= outer.to;
}

/** The parameters of a model used as a layer: the sum over its own layers, as its countParams(). */
function nestedParams(model: ModelObject, lineOf: (offset: number) => number): number | null {
  let total: number | null = 0;
  for (const l of model.layers) {
    const p = moduleOf(l, lineOf).paramsTotal;
    total = total === null || p === null ? null : total + p;
  }
  return total;
}

/** Builds the module table entry of one layer from its first call. */
function moduleOf(layer: LayerInstance, lineOf: (offset: number) => number): ModuleInfo {
  const spec = layer.spec;
  const call = layer.firstCall;
  const isInput = layer.className === 'InputLayer';
  const inputs = call ? call.inputs : [];
  let params: number | null = null;
  if (isInput) params = 0;
  else if (layer.nested) params = nestedParams(layer.nested, lineOf);
  else if (layer.custom) params = layer.custom.weights;
  else if (spec) params = spec.params(layer.config, inputs);
  const output = call?.output ?? null;
  const known = output !== null && output.kind !== 'unknown' && !isInput;
  return {
    path: layer.name,
    type: layer.className,
    framework: 'tfjs',
    isLayer: true,
    span: layer.span,
    line: lineOf(layer.span.from),
    config: configJson(layer.config as ConfigValue) as Record<string, unknown>,
    paramsOwn: params,
    paramsTotal: params,
    inputShapes: call ? inputs.flatMap(shapeList) : null,
    outputShapes: output ? shapeList(output) : null,
    callSpan: call ? call.span : null,
    notation: known && spec?.notation ? spec.notation(layer.config, inputs, output!) : null,
    formula: known && spec?.formula ? spec.formula(layer.config, inputs, output!) : null,
    macs: known && spec?.macs ? spec.macs(layer.config, inputs, output!) : null,
    geometry: layer.geometry,
    receptiveField: layer.receptiveField,
    attention: spec?.attention ? spec.attention(layer.config) : null,
  };
}

/** Everything one evaluation produced that belongs to one model. */
interface Built {
  model: ModelObject;
  name: string;
  expr: string;
  span: Span;
  findings: RuntimeFinding[];
  /** Where the inputs were bound, when the file's own use bound them. */
  source?: InputSource;
}

function modelInfoOf(built: Built, lineOf: (offset: number) => number): ModelInfo {
  const { model } = built;
  const layers = model.kind === 'sequential' ? model.layers : model.layers;
  const modules = layers.map((l) => moduleOf(l, lineOf));
  const total = modules.reduce<number | null>((acc, m) => (acc === null || m.paramsTotal === null ? null : acc + m.paramsTotal), 0);
  const inputNames = model.kind === 'sequential' ? [model.inputLayer?.name ?? 'input'] : model.inputs.map((t) => t.node?.layer.name ?? 'input');
  return {
    name: built.name,
    expr: built.expr,
    framework: 'tfjs',
    span: built.span,
    line: lineOf(built.span.from),
    inputs: model.inputs.map((t, i) => ({ name: inputNames[i] ?? `input${i + 1}`, shape: tensorShape(t) })),
    outputShapes: model.outputs.length ? model.outputs.map(tensorShape) : null,
    totalParams: modules.length ? total : 0,
    modules,
    ...(built.source ? { inputSource: built.source } : {}),
  };
}

function annotationsOf(built: Built, info: ModelInfo, index: number): ShapeAnnotation[] {
  const out: ShapeAnnotation[] = [];
  const layers = built.model.kind === 'sequential' ? built.model.layers : built.model.layers;
  layers.forEach((layer, i) => {
    const call = layer.firstCall;
    const module = info.modules[i];
    if (!call || !module) return;
    const shape: ShapesOut = call.output.kind === 'unknown' ? ['?'] : shapesOfValue(call.output);
    const base = { shape, notation: module.notation, modulePath: layer.name, model: index };
    if (layer.addedToSequential || layer.className === 'InputLayer') {
      out.push({ span: layer.span, kind: 'layer', ...base });
    } else if (contains(call.span, layer.span)) {
      out.push({ span: call.span, kind: 'layer', ...base });
    } else {
      out.push({ span: layer.span, kind: 'layer', ...base });
      out.push({ span: call.span, kind: 'op', ...base });
    }
  });
  return out;
}

/** Runs the module's top level in a fresh evaluator; returns it with its root scope. */
function evaluateModule(text: string, statements: SyntaxNode[], options: AnalyzeOptions, lineOf: (offset: number) => number) {
  const runtime = new TfjsRuntime(options, lineOf);
  const budgets: Budgets = { steps: options.stepBudget ?? DEFAULT_STEPS, loopIterations: 10_000, callDepth: 64 };
  const interp = new Interpreter(text, runtime, budgets);
  runtime.interp = interp;
  const scope = new Scope(null);
  const budgetFinding = guard(runtime, () => interp.runBody(statements, scope));
  return { runtime, interp, scope, budgetFinding };
}

/** Runs a step, turning an exhausted budget into a finding. */
function guard(runtime: TfjsRuntime, step: () => unknown): void {
  try {
    step();
  } catch (e) {
    if (!(e instanceof BudgetExhausted)) throw e;
    runtime.findings.push({ severity: 'warning', code: 'budget', span: { from: e.at, to: e.at }, message: `Analysis stopped here: ${e.what}; shapes after this point are unknown`, related: [] });
  }
}

function syntaxFindings(tree: Tree, text: string): RuntimeFinding[] {
  const out: RuntimeFinding[] = [];
  tree.iterate({
    enter: (n) => {
      if (n.type.isError && out.length < 5) {
        out.push({ severity: 'error', code: 'syntax', span: { from: n.from, to: Math.max(n.to, Math.min(n.from + 1, text.length)) }, message: 'Syntax error: the analysis skips what it cannot parse here', related: [] });
      }
    },
  });
  return out;
}

/** The model a value is, if it is one. */
function asModel(v: Value | undefined): ModelObject | null {
  return v?.t === 'model' ? v.model : null;
}

/** Analyses a TensorFlow.js model file (TypeScript or JavaScript). Never throws on user code. */
export function analyzeTfjs(text: string, language: 'typescript' | 'javascript', options: AnalyzeOptions = {}): Analysis {
  const started = Date.now();
  const lineOf = lineIndex(text);
  const findings: RuntimeFinding[] = [];
  const builds: Built[] = [];
  try {
    const lezer = language === 'typescript' ? TS_PARSER : JS_PARSER;
    if (options.model) {
      // The model expression is evaluated as if it were written at the end of the file.
      const full = `${text}\n;${options.model};`;
      const tree = lezer.parse(full);
      const statements = statementsOf(tree);
      const last = statements.pop();
      findings.push(...syntaxFindings(lezer.parse(text), text));
      const { runtime, interp, scope } = evaluateModule(full, statements, options, lineOf);
      runtime.resetNames();
      const before = runtime.findings.length;
      let value: Value | undefined;
      const expr = last?.firstChild;
      guard(runtime, () => {
        if (expr) value = interp.eval(expr, scope);
      });
      const model = asModel(value);
      findings.push(...runtime.findings.slice(before));
      if (model) builds.push({ model, name: options.model.replace(/\(.*$/s, '').trim(), expr: options.model, span: model.span, findings: [] });
      else findings.push({ severity: 'error', code: 'inference-gap', span: { from: 0, to: 0 }, message: `--model ${options.model} does not evaluate to a tfjs model in this file`, related: [] });
    } else {
      const tree = lezer.parse(text);
      const statements = statementsOf(tree);
      findings.push(...syntaxFindings(tree, text));
      const factories = factoriesOf(statements, text);
      const usages = tfjsUsages(text);
      for (const factory of factories) {
        // The file's own `model.predict(tf.zeros([...]))` binds the model before the setting does (not before the CLI's --input).
        const usage = tfjsInputSource(usages, factory.name, lineOf);
        const explicit = (options as { inputsOverrideComments?: boolean }).inputsOverrideComments && options.inputs;
        const { runtime, interp, scope } = evaluateModule(text, statements, usage && !explicit ? { ...options, inputs: [{ shape: usage.shape }] } : options, lineOf);
        runtime.resetNames();
        const before = runtime.findings.length;
        const fn = scope.lookup(factory.name)?.value;
        let value: Value | undefined;
        if (fn?.t === 'func') guard(runtime, () => (value = interp.callFunction(fn, interp.factoryArguments(fn), fn.node)));
        const model = asModel(value);
        const own = runtime.findings.slice(before);
        if (model) builds.push({ model, name: factory.name, expr: `${factory.name}()`, span: factory.span, findings: own, source: usage && !explicit ? usage.source : undefined });
        // A helper that is not a model factory is only called to find out; its budget overruns still matter.
        else findings.push(...own.filter((f) => f.code === 'budget'));
      }
      const top = evaluateModule(text, statements, options, lineOf);
      findings.push(...top.runtime.findings);
      for (const [name, value] of top.scope.entries()) {
        const model = asModel(value);
        if (!model) continue;
        // A model built inside a factory is already reported as that factory's model.
        if (factories.some((f) => contains(f.span, model.span))) continue;
        const decl = statements.find((s) => contains({ from: s.from, to: s.to }, model.span)) ?? null;
        builds.push({ model, name, expr: name, span: decl ? { from: decl.from, to: decl.to } : model.span, findings: [] });
      }
    }
  } catch (e) {
    findings.push({ severity: 'warning', code: 'internal', span: { from: 0, to: 0 }, message: `The TensorFlow.js analysis stopped on an internal error: ${String(e)}`, related: [] });
  }
  const models = builds.map((b) => modelInfoOf(b, lineOf));
  const annotations: ShapeAnnotation[] = [];
  const seen = new Set<string>();
  builds.forEach((b, i) => {
    for (const a of annotationsOf(b, models[i], i)) {
      const key = `${a.span.from}:${a.span.to}:${a.kind}`;
      if (seen.has(key)) continue;
      seen.add(key);
      annotations.push(a);
    }
    findings.push(...b.findings);
  });
  // Spans from an appended --model expression lie past the end of the document: hints there are
  // dropped, and every other span is kept inside the document.
  const clampSpan = (span: Span) => {
    span.from = Math.min(span.from, text.length);
    span.to = Math.min(Math.max(span.to, span.from), text.length);
  };
  const inside = annotations.filter((a) => a.span.to <= text.length);
  for (const m of models) {
    clampSpan(m.span);
    for (const mod of m.modules) {
      clampSpan(mod.span);
      if (mod.callSpan) clampSpan(mod.callSpan);
    }
  }
  for (const f of findings) {
    clampSpan(f.span);
    f.related.forEach((r) => clampSpan(r.span));
  }
  return { language, models, annotations: inside, findings: finalFindings(findings, lineOf), elapsedMs: Date.now() - started };
}

/** Attaches lines and drops duplicates (the same file is evaluated once per factory). */
function finalFindings(raw: RuntimeFinding[], lineOf: (offset: number) => number): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const f of raw) {
    const key = `${f.span.from}:${f.span.to}:${f.code}:${f.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...f, line: lineOf(f.span.from), related: f.related.map((r) => ({ span: r.span, line: lineOf(r.span.from), message: r.message })) });
  }
  return out;
}
