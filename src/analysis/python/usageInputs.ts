// Input shapes from the file's own use of its model. Scripts in the style of the PyTorch and Keras
// examples end by building a tensor and calling the model on it (`model = Net(); x =
// torch.randn(8, 1, 28, 28); model(x)`, `model.build((None, 28, 28, 1))`, `summary(model,
// input_size=(1, 28, 28))`): those shapes bind the model's inputs when no comment does. This is a
// syntactic pass over the statements in source order; it evaluates nothing but integer arithmetic
// and shape literals, so it cannot run user code and never throws.

import { parseDim, type Dim } from '../shapes';
import type { InputSource, InputSourcePlace, Span } from '../types';
import type { Arg, Expr, Module, Stmt } from './ast';
import type { ParsedBinding } from './inputs';

/** One use of a model on tensors whose shapes the file states. */
export interface ModelUsage {
  /** The class whose instance was used (`Net` in `model = Net(); model(x)`), when known. */
  className: string | null;
  /** The variable that holds the model (`model`), when the use went through one. */
  variable: string | null;
  /**
   * Whether the reader did not see the name get a model (`model = resnet18()`, a call it cannot
   * place): such a use binds only a model the analysis found under that name (a module-level PyTorch model).
   */
  unplaced?: boolean;
  /** Whether the class or factory was called with arguments (`Head(40, 21)`), so the use is not one of its defaults' model. */
  withArguments: boolean;
  /** The shapes, positional in order and keyword ones by name. */
  bindings: ParsedBinding[];
  /** The call that used the model. */
  site: Span;
  /** How the use reads, for the hover: `model(x)`, `model.build(...)`, `summary(model, ...)`. */
  how: string;
}

/** A model's usages that bind it: the first binds, the others are mentioned. */
export interface UsageChoice {
  first: ModelUsage;
  others: ModelUsage[];
}

type Known = { k: 'int'; v: number } | { k: 'tensor'; dims: Dim[]; dtype: ParsedBinding['dtype'] } | { k: 'model'; className: string | null; withArguments: boolean } | { k: 'shape'; dims: Dim[] };

/** Dotted name of an expression (`torch.nn.functional`), or null. */
function dotted(e: Expr): string | null {
  if (e.t === 'name') return e.id;
  if (e.t === 'attr') {
    const head = dotted(e.obj);
    return head === null ? null : `${head}.${e.attr}`;
  }
  return null;
}

/** The last segment of a dotted call name, with its module prefix normalised. */
function callName(e: Expr, aliases: ReadonlyMap<string, string>): string | null {
  const name = dotted(e);
  if (name === null) return null;
  const [head, ...rest] = name.split('.');
  return [aliases.get(head) ?? head, ...rest].join('.');
}

const tensorMakers = /^(?:torch|numpy|tensorflow|tensorflow\.random|torch\.random|numpy\.random|keras\.ops|keras\.random|tensorflow\.keras\.ops)\.(randn|rand|zeros|ones|empty|full|normal|uniform|random|random_sample|standard_normal|randint|integers)$/;
const passThrough = new Set(['to', 'cuda', 'cpu', 'float', 'double', 'half', 'bfloat16', 'requires_grad_', 'contiguous', 'detach', 'clone', 'numpy', 'astype']);

/** Reads a file's statements in source order for uses of its models on tensors it builds. */
class UsageReader {
  private readonly env = new Map<string, Known>();
  private readonly aliases = new Map<string, string>([
    ['np', 'numpy'],
    ['tf', 'tensorflow'],
  ]);
  private readonly classes = new Set<string>();
  /** Top-level functions: `model = build_model()` holds the model that factory builds. */
  private readonly factories = new Set<string>();
  private summaryWithBatch: boolean | null = null;
  readonly out: ModelUsage[] = [];

  constructor(private readonly text: string) {}

  /** Reads the statements (classes and factories first, wherever they are defined). */
  read(body: readonly Stmt[]): ModelUsage[] {
    // Classes and factories are known before their uses are read, wherever they are defined.
    for (const s of body) if (s.t === 'class') this.classes.add(s.def.name);
    for (const s of body) if (s.t === 'def') this.factories.add(s.def.name);
    this.visitBody(body, true);
    return this.out;
  }

  private intOf(e: Expr): number | null {
    if (e.t === 'num' && !e.isFloat) return e.value;
    if (e.t === 'name') {
      const v = this.env.get(e.id);
      return v?.k === 'int' ? v.v : null;
    }
    if (e.t === 'unary' && e.op === '-') {
      const v = this.intOf(e.operand);
      return v === null ? null : -v;
    }
    if (e.t === 'binop') {
      const a = this.intOf(e.left);
      const b = this.intOf(e.right);
      if (a === null || b === null) return null;
      if (e.op === '+') return a + b;
      if (e.op === '-') return a - b;
      if (e.op === '*') return a * b;
      if (e.op === '//' && b !== 0) return Math.floor(a / b);
      if (e.op === '**' && b >= 0 && b < 64) return a ** b;
    }
    return null;
  }

  /** A size element: an integer, `None` or `-1` (an open batch), or an unknown name read as a symbol. */
  private dimOf(e: Expr): Dim | null {
    if (e.t === 'none') return parseDim('N');
    const n = this.intOf(e);
    if (n !== null) return n < 0 ? parseDim('N') : n;
    return null;
  }

  private dimsOf(e: Expr): Dim[] | null {
    if (e.t === 'tuple' || e.t === 'list') {
      const dims = e.elts.map((x) => this.dimOf(x));
      return dims.every((d): d is Dim => d !== null) ? dims : null;
    }
    if (e.t === 'name') {
      const v = this.env.get(e.id);
      if (v?.k === 'shape') return v.dims;
    }
    const single = this.dimOf(e);
    return single === null ? null : [single];
  }

  /** The nested-list shape of a literal (`[[1, 2], [3, 4]]` → (2, 2)) and whether it holds floats. */
  private literalShape(e: Expr): { dims: Dim[]; dtype: ParsedBinding['dtype'] } | null {
    if (e.t === 'num') return { dims: [], dtype: e.isFloat ? 'float' : 'long' };
    if (e.t === 'bool') return { dims: [], dtype: 'bool' };
    if (e.t !== 'list' && e.t !== 'tuple') return null;
    if (e.elts.length === 0) return { dims: [0], dtype: 'float' };
    const inner = e.elts.map((x) => this.literalShape(x));
    if (inner.some((s) => s === null)) return null;
    const first = inner[0]!;
    if (inner.some((s) => JSON.stringify(s!.dims) !== JSON.stringify(first.dims))) return null;
    const dtype = inner.some((s) => s!.dtype === 'float') ? 'float' : first.dtype;
    return { dims: [e.elts.length, ...first.dims], dtype };
  }

  private positional(args: readonly Arg[]) {
    return args.filter((a) => a.kind === 'pos').map((a) => a.value);
  }
  private keyword(args: readonly Arg[], name: string) {
    return args.find((a) => a.kind === 'kw' && a.name === name)?.value;
  }

  /** The shape a tensor-building expression gives, or null. */
  private tensorOf(e: Expr): { dims: Dim[]; dtype: ParsedBinding['dtype'] } | null {
    if (e.t === 'name') {
      const v = this.env.get(e.id);
      return v?.k === 'tensor' ? { dims: v.dims, dtype: v.dtype } : null;
    }
    if (e.t !== 'call') return null;
    // Chains that keep the shape: `.to(device)`, `.cuda()`, `.float()`, `.astype(np.float32)`.
    if (e.fn.t === 'attr' && passThrough.has(e.fn.attr) && dotted(e.fn.obj) === null) {
      const inner = this.tensorOf(e.fn.obj);
      return inner;
    }
    if (e.fn.t === 'attr' && (e.fn.attr === 'long' || e.fn.attr === 'int')) {
      const inner = this.tensorOf(e.fn.obj);
      return inner ? { ...inner, dtype: 'long' } : null;
    }
    if (e.fn.t === 'attr' && passThrough.has(e.fn.attr)) {
      const inner = this.tensorOf(e.fn.obj);
      if (inner) return inner;
    }
    const name = callName(e.fn, this.aliases);
    if (name === null) return null;
    const pos = this.positional(e.args);
    if (name === 'torch.tensor' || name === 'numpy.array' || name === 'numpy.asarray' || name === 'tensorflow.constant' || name === 'torch.as_tensor') {
      return pos[0] ? this.literalShape(pos[0]) : null;
    }
    if (name === 'torch.from_numpy' || name === 'tensorflow.convert_to_tensor' || name === 'torch.as_tensor') return pos[0] ? this.tensorOf(pos[0]) : null;
    const m = name.match(tensorMakers);
    if (!m) return null;
    const maker = m[1];
    const size = this.keyword(e.args, 'size') ?? this.keyword(e.args, 'shape');
    if (maker === 'randint' || maker === 'integers') {
      // torch.randint(high, size) / (low, high, size); numpy's randint(low, high, size).
      const sizeArg = size ?? (pos.length >= 2 ? pos[pos.length - 1] : undefined);
      const dims = sizeArg ? this.dimsOf(sizeArg) : null;
      return dims ? { dims, dtype: 'long' } : null;
    }
    if (maker === 'full' || maker === 'normal' || maker === 'uniform') {
      // torch.full(size, value); tf.random.normal(shape); numpy's normal(loc, scale, size).
      const sizeArg = size ?? (name.startsWith('numpy') ? pos[2] : pos[0]);
      const dims = sizeArg ? this.dimsOf(sizeArg) : null;
      return dims ? { dims, dtype: 'float' } : null;
    }
    if (size) {
      const dims = this.dimsOf(size);
      return dims ? { dims, dtype: 'float' } : null;
    }
    // torch.randn(8, 1, 28, 28), torch.zeros((8, 1, 28, 28)), np.random.rand(2, 3); a shape first,
    // then a dtype, as NumPy and TensorFlow write it (`tf.zeros([8, 28], tf.float32)`).
    if (pos.length >= 1 && (pos[0].t === 'tuple' || pos[0].t === 'list' || (pos[0].t === 'name' && this.env.get(pos[0].id)?.k === 'shape'))) {
      const dims = this.dimsOf(pos[0]);
      return dims ? { dims, dtype: 'float' } : null;
    }
    const dims = pos.map((x) => this.dimOf(x));
    return pos.length > 0 && dims.every((d): d is Dim => d !== null) ? { dims, dtype: 'float' } : null;
  }

  /** The model an expression names: a variable holding one, or a class called in place (`Net()(x)`). */
  private modelOf(e: Expr): { className: string | null; variable: string | null; withArguments: boolean } | null {
    if (e.t === 'name') {
      const v = this.env.get(e.id);
      if (v?.k === 'model') return { className: v.className, variable: e.id, withArguments: v.withArguments };
      if (v === undefined && !this.classes.has(e.id)) return { className: null, variable: e.id, withArguments: false };
      return null;
    }
    if (e.t === 'call' && e.fn.t === 'name' && this.classes.has(e.fn.id)) return { className: e.fn.id, variable: null, withArguments: e.args.length > 0 };
    if (e.t === 'call' && e.fn.t === 'attr' && passThrough.has(e.fn.attr)) return this.modelOf(e.fn.obj);
    if (e.t === 'call' && e.fn.t === 'attr' && (e.fn.attr === 'eval' || e.fn.attr === 'train')) return this.modelOf(e.fn.obj);
    return null;
  }

  private bindingsOfArgs(args: readonly Arg[]): ParsedBinding[] | null {
    const bindings: ParsedBinding[] = [];
    for (const a of args) {
      if (a.kind === 'star' || a.kind === 'dstar') return null;
      const t = this.tensorOf(a.value);
      // A keyword the file does not build as a tensor (`mask=mask`) binds nothing; a positional one would shift the rest.
      if (t === null && a.kind === 'kw') continue;
      if (t === null) return null;
      bindings.push({ name: a.kind === 'kw' ? a.name : undefined, dims: t.dims, ranked: true, dtype: t.dtype, site: { from: a.from, to: a.to } });
    }
    return bindings.length > 0 ? bindings : null;
  }

  private record(model: { className: string | null; variable: string | null; withArguments: boolean }, bindings: ParsedBinding[] | null, call: Expr, unplaced = false) {
    if (bindings === null || bindings.length === 0) return;
    this.out.push({ ...model, ...(unplaced ? { unplaced } : {}), bindings, site: { from: call.from, to: call.to }, how: this.text.slice(call.from, call.to).replace(/\s+/g, ' ').slice(0, 80) });
  }

  /** Looks at one call for a use of a model. */
  private visitCall(e: Expr & { t: 'call' }) {
    // model(x), Net()(x), model.forward(x), model.predict(x)
    const direct = e.fn.t === 'name' || (e.fn.t === 'call' && e.fn.fn.t === 'name') ? this.modelOf(e.fn) : null;
    if (direct && (direct.className !== null || this.env.get(direct.variable ?? '')?.k === 'model')) {
      this.record(direct, this.bindingsOfArgs(e.args), e);
      return;
    }
    // A name the reader does not know as a model may still hold one the analysis found (a script's
    // `model = resnet18()`): the use is kept under the name, and binds only a model listed by it.
    if (direct && direct.variable !== null && e.fn.t === 'name') this.record(direct, this.bindingsOfArgs(e.args), e, true);
    if (e.fn.t === 'attr' && ['forward', 'predict', 'predict_on_batch', '__call__'].includes(e.fn.attr)) {
      const model = this.modelOf(e.fn.obj);
      if (model) this.record(model, this.bindingsOfArgs(e.args.filter((a) => a.kind === 'pos').slice(0, e.fn.attr === 'predict' ? 1 : undefined)), e);
      return;
    }
    // Keras: model.build((None, 28, 28, 1)) or model.build(input_shape=...)
    if (e.fn.t === 'attr' && e.fn.attr === 'build') {
      const model = this.modelOf(e.fn.obj);
      const shape = this.keyword(e.args, 'input_shape') ?? this.positional(e.args)[0];
      const dims = shape ? this.dimsOf(shape) : null;
      if (model && dims) this.record(model, [{ dims, ranked: true, dtype: 'float', site: { from: shape!.from, to: shape!.to } }], e);
      return;
    }
    // torchinfo / torchsummary: summary(model, input_size=...) or summary(model, (1, 28, 28)).
    const name = callName(e.fn, this.aliases);
    if (name === 'summary' || name === 'torchinfo.summary' || name === 'torchsummary.summary') {
      const pos = this.positional(e.args);
      const model = pos[0] ? this.modelOf(pos[0]) : null;
      if (!model) return;
      const data = this.keyword(e.args, 'input_data');
      const t = data ? this.tensorOf(data) : null;
      if (t) {
        this.record(model, [{ dims: t.dims, ranked: true, dtype: t.dtype, site: { from: data!.from, to: data!.to } }], e);
        return;
      }
      const size = this.keyword(e.args, 'input_size') ?? pos[1];
      if (!size) return;
      const withBatch = name === 'torchinfo.summary' || (name === 'summary' && this.summaryWithBatch === true);
      // A list of shapes is one per input; a flat tuple of sizes is one input.
      const shapes = (size.t === 'list' || size.t === 'tuple') && size.elts.length > 0 && size.elts.every((x) => x.t === 'tuple' || x.t === 'list') ? size.elts : [size];
      const bindings: ParsedBinding[] = [];
      for (const s of shapes) {
        const dims = this.dimsOf(s);
        if (!dims) return;
        bindings.push({ dims: withBatch ? dims : [parseDim('N'), ...dims], ranked: true, dtype: 'float', site: { from: s.from, to: s.to } });
      }
      this.record(model, bindings, e);
    }
  }

  private visitExpr(e: Expr | null | undefined): void {
    if (!e) return;
    switch (e.t) {
      case 'call':
        this.visitExpr(e.fn);
        for (const a of e.args) this.visitExpr(a.value);
        this.visitCall(e);
        return;
      case 'attr':
        return this.visitExpr(e.obj);
      case 'subscript':
        this.visitExpr(e.obj);
        for (const i of e.index) this.visitExpr(i);
        return;
      case 'tuple':
      case 'list':
      case 'set':
        for (const x of e.elts) this.visitExpr(x);
        return;
      case 'binop':
      case 'boolop':
      case 'compare':
        this.visitExpr(e.left);
        this.visitExpr(e.right);
        return;
      case 'unary':
        return this.visitExpr(e.operand);
      case 'starred':
        return this.visitExpr(e.value);
      case 'ifexp':
        this.visitExpr(e.test);
        this.visitExpr(e.body);
        this.visitExpr(e.orelse);
        return;
      case 'fstr':
        for (const p of e.parts) if (typeof p !== 'string') this.visitExpr(p);
        return;
      default:
        return;
    }
  }

  private assign(target: Expr, value: Expr) {
    // `M, T = 2, 12`: each name its own value (a script's sizes, set on one line).
    if ((target.t === 'tuple' || target.t === 'list') && (value.t === 'tuple' || value.t === 'list') && target.elts.length === value.elts.length) {
      target.elts.forEach((t, i) => this.assign(t, value.elts[i]));
      return;
    }
    if (target.t === 'tuple' || target.t === 'list') {
      for (const t of target.elts) if (t.t === 'name') this.env.delete(t.id);
      return;
    }
    if (target.t !== 'name') return;
    const n = this.intOf(value);
    if (n !== null) return void this.env.set(target.id, { k: 'int', v: n });
    const t = this.tensorOf(value);
    if (t !== null) return void this.env.set(target.id, { k: 'tensor', dims: t.dims, dtype: t.dtype });
    const model = this.modelOf(value);
    if (model && model.className !== null) return void this.env.set(target.id, { k: 'model', className: model.className, withArguments: model.withArguments });
    if (value.t === 'call' && value.fn.t === 'name' && this.factories.has(value.fn.id)) return void this.env.set(target.id, { k: 'model', className: value.fn.id, withArguments: value.args.length > 0 });
    if (value.t === 'call') {
      const name = callName(value.fn, this.aliases) ?? '';
      // keras.Sequential([...]) / keras.Model(...) / a factory: a model held in a variable.
      if (/(?:^|\.)(?:Sequential|Model|sequential|model)$/.test(name) || /^(?:build|make|create|get)_?\w*model/i.test(name)) {
        return void this.env.set(target.id, { k: 'model', className: null, withArguments: value.args.length > 0 });
      }
    }
    if ((value.t === 'tuple' || value.t === 'list') && value.elts.length > 0) {
      const dims = this.dimsOf(value);
      if (dims) return void this.env.set(target.id, { k: 'shape', dims });
    }
    this.env.delete(target.id);
  }

  private visitBody(stmts: readonly Stmt[], topLevel: boolean): void {
    for (const s of stmts) {
      switch (s.t) {
        case 'class':
          if (topLevel) this.classes.add(s.def.name);
          break;
        case 'def':
          // A `main()` or `test()` function of the script: its body uses the model the same way.
          if (topLevel) {
            this.factories.add(s.def.name);
            this.visitBody(s.def.body, false);
          }
          break;
        case 'import':
          for (const n of s.names) if (n.alias) this.aliases.set(n.alias, n.module.join('.'));
          if (s.names.some((n) => n.module[0] === 'torchinfo')) this.summaryWithBatch = true;
          break;
        case 'importfrom':
          if (s.module[0] === 'torchinfo') this.summaryWithBatch = true;
          if (s.module[0] === 'torchsummary') this.summaryWithBatch = false;
          if (s.names !== '*') for (const n of s.names) this.aliases.set(n.alias ?? n.name, [...s.module, n.name].join('.'));
          break;
        case 'assign':
          if (s.value) {
            this.visitExpr(s.value);
            for (const target of s.targets) this.assign(target, s.value);
          }
          break;
        case 'expr':
          this.visitExpr(s.value);
          break;
        case 'return':
          this.visitExpr(s.value);
          break;
        case 'if':
          for (const b of s.branches) {
            this.visitExpr(b.test);
            this.visitBody(b.body, topLevel);
          }
          if (s.orelse) this.visitBody(s.orelse, topLevel);
          break;
        case 'with':
          for (const item of s.items) this.visitExpr(item.expr);
          this.visitBody(s.body, topLevel);
          break;
        case 'for':
        case 'while':
          this.visitBody(s.body, topLevel);
          break;
        case 'try':
          this.visitBody(s.body, topLevel);
          break;
        default:
          break;
      }
    }
  }
}

/** The statements' uses of models on tensors, in source order. */
export function modelUsages(body: readonly Stmt[], text: string): ModelUsage[] {
  return new UsageReader(text).read(body).filter((u) => !u.unplaced);
}

/** The usages that bind a model: by its class, or by the variable that holds it (a module-level Keras model). */
export function usageFor(usages: readonly ModelUsage[], className: string | null, variable: string | null): UsageChoice | null {
  return choiceOf(usages.filter((u) => (className !== null && u.className === className) || (variable !== null && u.variable === variable)));
}

/** The first of a model's usages binds it; the others are listed beside it. */
function choiceOf(mine: ModelUsage[]): UsageChoice | null {
  return mine.length === 0 ? null : { first: mine[0], others: mine.slice(1) };
}

/** A parsed module's usages, all of them and those the reader placed (see ModelUsage.unplaced). */
const usagesByModule = new WeakMap<Module, { all: ModelUsage[]; placed: ModelUsage[] }>();

/**
 * The usage that binds a model of the analysed file, by its candidate name: a class or factory
 * (`Net`, `build_model`) or a module-level model variable (`model`). Read once per parsed module.
 */
export function usageForModel(module: Module, text: string, name: string, isVariable: boolean, aliases: readonly string[] = [], ofClass?: string, asClass = false): UsageChoice | null {
  let read = usagesByModule.get(module);
  if (read === undefined) {
    let all: ModelUsage[];
    try {
      all = new UsageReader(text).read(module.body);
    } catch {
      // The pass is total by construction; should it ever throw, the file simply binds nothing from usage.
      all = [];
    }
    read = { all, placed: all.filter((u) => !u.unplaced) };
    usagesByModule.set(module, read);
  }
  const { all: usages, placed } = read;
  // A class built with its defaults is not the instance a script built with its own arguments
  // (`model = Head(40, 21); model(x)`): that instance is a model of its own (analyzePython's
  // moduleLevelTorchModels), and its input would not fit the defaults' layers.
  if (!isVariable) return usageFor(asClass ? placed.filter((u) => !u.withArguments) : placed, name, null);
  if (aliases.length === 0 && ofClass === undefined) return usageFor(placed, null, name);
  // A module-level PyTorch model: its uses under any of its names, and none made while a name held
  // an instance of another class (`model = A(); model(x); model = B()` binds B with nothing of A's).
  const names = new Set([name, ...aliases]);
  const fileClasses = new Set(module.body.flatMap((s) => (s.t === 'class' ? [s.def.name] : [])));
  const ofOtherClass = (u: ModelUsage) => ofClass !== undefined && u.className !== null && u.className !== ofClass && fileClasses.has(u.className);
  return choiceOf(usages.filter((u) => u.variable !== null && names.has(u.variable) && !ofOtherClass(u)));
}

/** A key that changes whenever the usage binding a model changes (for per-model memoisation). */
export function usageKey(usage: UsageChoice | null): string {
  return usage ? JSON.stringify([usage.first.how, usage.first.bindings.map((b) => [b.name ?? null, b.dims, b.dtype])]) : '';
}

/**
 * Where the bound inputs came from: the comment when one of its bindings was used, else the usage,
 * else the setting; undefined when nothing was bound. `lineOf` maps an offset to its 1-based line.
 */
export function inputSourceOf(
  bound: ReadonlyMap<string, ParsedBinding>,
  fileBindings: readonly ParsedBinding[] | null,
  usage: UsageChoice | null,
  fromOptions: readonly ParsedBinding[],
  text: string,
  lineOf: (offset: number) => number,
): InputSource | undefined {
  const used = new Set(bound.values());
  const place = (span: Span): InputSourcePlace => ({ text: text.slice(span.from, span.to).replace(/\s+/g, ' ').slice(0, 80), span, line: lineOf(span.from) });
  const comment = (fileBindings ?? []).find((b) => used.has(b));
  if (comment) {
    const span = comment.site ?? { from: 0, to: 0 };
    return { kind: 'comment', ...place(span), others: [] };
  }
  if (usage && usage.first.bindings.some((b) => used.has(b))) {
    const others = usage.others.map((u) => place(u.site));
    return { kind: 'usage', ...place(usage.first.site), others };
  }
  if (fromOptions.some((b) => used.has(b))) return { kind: 'setting', text: '', span: { from: 0, to: 0 }, line: 0, others: [] };
  return undefined;
}
