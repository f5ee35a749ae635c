// Solving for the input. Where a symbolic size meets a layer's fixed one — `nn.Linear(9216, 128)`
// after the flatten of (N,64,(H-4)//2,(W-4)//2) — the layer already says what the input must be.
// The sizes that make the two agree are found by trying values (floor divisions make an algebraic
// answer awkward, and inputs are small numbers), when the answer is one run of values for one
// symbol or for a square input (H = W). The model then carries the suggested binding, and a hint
// at the layer says so; the editor offers it as the binding.

import type { Analysis, DimOut, Finding, InputSolution, ModelInfo, ModuleInfo } from './types';

/** Largest input size tried for a symbol. */
const MAX_SIZE = 4096;

type Node = { k: 'num'; v: number } | { k: 'sym'; name: string } | { k: 'neg'; a: Node } | { k: 'bin'; op: string; a: Node; b: Node } | { k: 'max'; a: Node; b: Node };

/** Parses a printed dimension (`64*((H-4)//2)*((W-4)//2)`, `(H+1)//2`, `max(H,W)`); null if it is not one. */
export function parseDimExpression(text: string): Node | null {
  const tokens = text.match(/\d+|[A-Za-z_][A-Za-z_0-9]*|\/\/|[-+*%(),]/g);
  if (!tokens || tokens.join('') !== text.replace(/\s+/g, '')) return null;
  let i = 0;
  const peek = () => tokens[i];
  const expr = (): Node | null => {
    let left = term();
    while (left && (peek() === '+' || peek() === '-')) {
      const op = tokens[i++];
      const right = term();
      if (!right) return null;
      left = { k: 'bin', op, a: left, b: right };
    }
    return left;
  };
  const term = (): Node | null => {
    let left = unary();
    while (left && (peek() === '*' || peek() === '//' || peek() === '%')) {
      const op = tokens[i++];
      const right = unary();
      if (!right) return null;
      left = { k: 'bin', op, a: left, b: right };
    }
    return left;
  };
  const unary = (): Node | null => {
    if (peek() === '-') {
      i++;
      const a = unary();
      return a && { k: 'neg', a };
    }
    return atom();
  };
  const atom = (): Node | null => {
    const t = tokens[i++];
    if (t === undefined) return null;
    if (/^\d+$/.test(t)) return { k: 'num', v: Number(t) };
    if (t === 'max' && peek() === '(') {
      i++;
      const a = expr();
      if (tokens[i++] !== ',') return null;
      const b = expr();
      if (tokens[i++] !== ')') return null;
      return a && b && { k: 'max', a, b };
    }
    if (/^[A-Za-z_]/.test(t)) return { k: 'sym', name: t };
    if (t === '(') {
      const inner = expr();
      return tokens[i++] === ')' ? inner : null;
    }
    return null;
  };
  const node = expr();
  return node && i === tokens.length ? node : null;
}

/** Evaluates a parsed dimension with Python's floor division and modulo; NaN when undefined. */
export function evaluateDim(node: Node, env: ReadonlyMap<string, number>): number {
  switch (node.k) {
    case 'num':
      return node.v;
    case 'sym':
      return env.get(node.name) ?? NaN;
    case 'neg':
      return -evaluateDim(node.a, env);
    case 'max':
      return Math.max(evaluateDim(node.a, env), evaluateDim(node.b, env));
    case 'bin': {
      const a = evaluateDim(node.a, env);
      const b = evaluateDim(node.b, env);
      if (node.op === '+') return a + b;
      if (node.op === '-') return a - b;
      if (node.op === '*') return a * b;
      if (b === 0) return NaN;
      return node.op === '//' ? Math.floor(a / b) : ((a % b) + b) % b;
    }
  }
}

function symbolsOf(node: Node, out = new Set<string>()): Set<string> {
  if (node.k === 'sym') out.add(node.name);
  else if (node.k === 'neg') symbolsOf(node.a, out);
  else if (node.k === 'bin' || node.k === 'max') {
    symbolsOf(node.a, out);
    symbolsOf(node.b, out);
  }
  return out;
}

/** The values of one free size (all the symbols set to it) that give `target`, as one run, or null. */
function solveRun(node: Node, symbols: readonly string[], target: number): { first: number; last: number } | null {
  let first = -1;
  let last = -1;
  for (let v = 1; v <= MAX_SIZE; v++) {
    const env = new Map(symbols.map((s) => [s, v]));
    if (evaluateDim(node, env) !== target) continue;
    if (first < 0) first = v;
    else if (v !== last + 1) return null;
    last = v;
  }
  return first < 0 ? null : { first, last };
}

/** The size a layer fixes for its input's last axis (`in_features` of a Linear), if it does. */
function fixedInputSize(module: ModuleInfo): number | null {
  const v = module.config.in_features;
  return module.isLayer && typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : null;
}

/** The suggested binding of a model from the first layer whose fixed size settles its symbols. */
export function solveModelInputs(model: ModelInfo): InputSolution | null {
  for (const module of model.modules) {
    const target = fixedInputSize(module);
    const input = module.inputShapes?.[0];
    if (target === null || !Array.isArray(input) || input.length === 0) continue;
    const last = input[input.length - 1];
    if (typeof last !== 'string') continue;
    const node = parseDimExpression(last);
    if (!node) continue;
    const symbols = [...symbolsOf(node)];
    if (symbols.length === 0 || symbols.length > 2) continue;
    // Every symbol must be a size of one model input (not the batch, which a flatten keeps apart).
    const owner = model.inputs.find((i) => Array.isArray(i.shape) && symbols.every((s) => (i.shape as DimOut[]).includes(s)));
    if (!owner || !Array.isArray(owner.shape)) continue;
    const run = solveRun(node, symbols, target);
    if (!run) continue;
    const values = Object.fromEntries(symbols.map((s) => [s, run.first]));
    return {
      input: owner.name,
      shape: owner.shape.map((d) => (typeof d === 'string' && d in values ? values[d] : d)),
      values,
      last: run.last,
      square: symbols.length === 2,
      from: module.path,
      span: module.span,
      line: module.line,
    };
  }
  return null;
}

/** How a solution reads: `input must be 28×28, from fc1`. */
export function solutionText(solution: InputSolution): string {
  const sizes = Object.values(solution.values);
  const size = solution.square ? `${sizes[0]}×${sizes[0]}` : String(sizes[0]);
  const also = solution.last > sizes[0] ? ` (up to ${solution.square ? `${solution.last}×${solution.last}` : solution.last} also fits)` : '';
  return `input must be ${size}${also}, from ${solution.from}`;
}

/**
 * The analysis with a suggested binding on each model whose symbolic input a layer settles, and a
 * hint at that layer. A new analysis object; the given one is not changed.
 */
export function withInputSolutions(analysis: Analysis): Analysis {
  const findings: Finding[] = [];
  let changed = false;
  const models = analysis.models.map((model) => {
    const solution = solveModelInputs(model);
    if (!solution) return model;
    changed = true;
    const shape = `(${solution.shape.join(', ')})`;
    // A layer shared by several models (a block and the model using it) gets one hint.
    if (!findings.some((f) => f.span.from === solution.span.from && f.span.to === solution.span.to)) findings.push({
      severity: 'hint',
      code: 'input-solution',
      span: solution.span,
      line: solution.line,
      message: `${model.name}: ${solutionText(solution)}; bind it with # layer-lens: ${solution.input}: ${shape}`,
      related: [],
    });
    return { ...model, inputSolution: solution };
  });
  if (!changed) return analysis;
  return { ...analysis, models, findings: [...analysis.findings, ...findings].sort((a, b) => a.span.from - b.span.from) };
}
