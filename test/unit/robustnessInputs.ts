// Inputs and checks shared by the robustness suite (test/unit/robustness.test.ts) and the long fuzz
// run (bench/fuzz.mjs): real model files as seeds, mutations that imitate half-typed and damaged
// code, the extreme inputs of issue 10.1, and the invariants every analysis must satisfy.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import type { Analysis, AnalyzeOptions, Language, Span } from '../../src/analysis/types';
import { debianDistPackages, findTorchvisionRoot } from './torchvisionSources';

const repoRoot = join(__dirname, '..', '..');

/**
 * torchvision's model zoo as test/unit/torchvisionSources.ts finds it (Debian's package, or the copy
 * `npm install` unpacks). Where there is none this names Debian's absent folder and loadSeeds leaves
 * torchvision out, which the fuzz run accepts; the unit suite fails on it instead.
 */
export const torchvisionModelsDir = join(findTorchvisionRoot() ?? debianDistPackages, 'torchvision', 'models');

/** One real file the mutations start from. */
export interface SeedFile {
  name: string;
  /** Absolute path, so relative imports resolve against the real neighbours. */
  path: string;
  language: Language;
  text: string;
}

/** Files of examples/ (Python, TS, JS) and, where installed, torchvision's model files. */
export function loadSeeds(options: { torchvision?: boolean } = {}): SeedFile[] {
  const seeds: SeedFile[] = [];
  const add = (dir: string, file: string) => {
    const path = join(dir, file);
    const language: Language | null = file.endsWith('.py') ? 'python' : file.endsWith('.ts') ? 'typescript' : file.endsWith('.js') ? 'javascript' : null;
    if (language) seeds.push({ name: file, path, language, text: readFileSync(path, 'utf8') });
  };
  for (const dir of [join(repoRoot, 'examples'), join(repoRoot, 'examples', 'broken')]) {
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).sort()) add(dir, file);
  }
  if (options.torchvision !== false && existsSync(torchvisionModelsDir)) {
    for (const file of readdirSync(torchvisionModelsDir).sort()) {
      // Metadata tables and the feature-extraction utility are not model definitions.
      if (file.endsWith('.py') && !file.startsWith('_') && file !== 'feature_extraction.py') add(torchvisionModelsDir, file);
    }
  }
  return seeds;
}

const moduleTextCache = new Map<string, string | undefined>();

/**
 * The folder that plays the workspace for a file: torchvision's package for its model files (so
 * `..ops.misc` resolves, as in an editor opened on torchvision), the file's own folder otherwise.
 * Imports outside it (torch itself) are not read, as an editor's workspace would not contain them.
 */
export function workspaceRootOf(path: string): string {
  const torchvisionRoot = dirname(torchvisionModelsDir);
  return path.startsWith(torchvisionRoot + '/') ? torchvisionRoot : dirname(path);
}

/** A readModule that reads real files from disk (cached), as the CLI would. */
export function readModuleFromDisk(path: string, root = workspaceRootOf(path)): string | undefined {
  if (!path.startsWith(root + '/')) return undefined;
  if (!moduleTextCache.has(path)) {
    let text: string | undefined;
    try {
      text = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    } catch {
      text = undefined;
    }
    moduleTextCache.set(path, text);
  }
  return moduleTextCache.get(path);
}

/** Analysis options for a seed: its file name and, for files with real neighbours, a disk reader. */
export function optionsFor(seed: Pick<SeedFile, 'path'>): AnalyzeOptions {
  const root = workspaceRootOf(seed.path);
  return { fileName: seed.path, readModule: (p) => readModuleFromDisk(p, root) };
}

/** Options as `optionsFor`, plus the number of lines of imported modules the analysis read. */
export function trackedOptions(path: string | undefined): { options: AnalyzeOptions; importedLines: () => number } {
  let lines = 0;
  if (!path) return { options: {}, importedLines: () => 0 };
  const root = workspaceRootOf(path);
  const readModule = (p: string) => {
    const text = readModuleFromDisk(p, root);
    if (text !== undefined) lines += lineCount(text);
    return text;
  };
  return { options: { fileName: path, readModule }, importedLines: () => lines };
}

// ---------------------------------------------------------------------------------------------
// Mutations. Each is plain data (so fast-check can shrink it and a failure can be printed) and is
// applied deterministically: positions are taken modulo the text length.

/** One edit to a seed text. */
export type Mutation =
  | { kind: 'deleteLines'; at: number; count: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'deleteRange'; at: number; length: number }
  | { kind: 'swapBrackets'; at: number; count: number }
  | { kind: 'insertText'; at: number; text: string }
  | { kind: 'mixIndent'; at: number; count: number }
  | { kind: 'duplicateLines'; at: number; count: number }
  | { kind: 'replaceNumber'; at: number; value: string }
  | { kind: 'swapLines'; a: number; b: number };

/** Tokens worth inserting: fragments of Python/TS that stress the interpreter, not just the parser. */
const TOKENS = [
  '(', ')', '[', ']', '{', '}', ':', ',', '.', '*', '**', '@', '=', '->', '\\', '"""', "'", '"', '#', '\n', '\t', '    ',
  'def ', 'class ', 'lambda', 'return ', 'yield ', 'for i in range(10**9):', 'while True:', 'if ', 'else:', 'import ',
  'from . import x', 'self', 'super().__init__()', 'nn.Sequential(', 'nn.Conv2d(3, 0, 7, stride=0)', 'nn.Linear(-1, 10**12)',
  'x.view(-1, -1)', 'x.reshape(0)', 'x @ x', 'torch.cat([x, x], dim=9)', '*layers', '**kwargs', 'None', '1e309', '-0',
  'tf.layers.dense({units: -1})', '.apply(', 'async ', 'await ', '=>', '`${', '/*', '*/', '//', '?.', '...', '<T>',
];

/** Characters from awkward corners of Unicode: lone surrogates, joiners, RTL marks, astral symbols, NUL. */
const AWKWARD = ['\uD800', '\uDFFF', '\u200D', '\u202E', '\uFEFF', '\u0000', '\u2028', '\u2029', '😀', '𝔁', 'λ', 'Ω', '\r', '\r\n', '\v', '\f'];

const pos = fc.nat({ max: 1 << 30 });

/** An arbitrary single mutation. */
export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('deleteLines' as const), at: pos, count: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: pos }),
  fc.record({ kind: fc.constant('deleteRange' as const), at: pos, length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('swapBrackets' as const), at: pos, count: fc.integer({ min: 1, max: 6 }) }),
  fc.record({
    kind: fc.constant('insertText' as const),
    at: pos,
    text: fc.oneof(
      fc.constantFrom(...TOKENS),
      fc.constantFrom(...AWKWARD),
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.string({ unit: 'grapheme', maxLength: 8 }),
    ),
  }),
  fc.record({ kind: fc.constant('mixIndent' as const), at: pos, count: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ kind: fc.constant('duplicateLines' as const), at: pos, count: fc.integer({ min: 1, max: 6 }) }),
  fc.record({
    kind: fc.constant('replaceNumber' as const),
    at: pos,
    value: fc.constantFrom('0', '-1', '-7', '10**9', '10**12', '2**63', '1e308', '0.5', 'True', 'None', '(1, 2)', '[]', "'same'", "'valid'"),
  }),
  fc.record({ kind: fc.constant('swapLines' as const), a: pos, b: pos }),
);

function lineBounds(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

const BRACKETS = '()[]{}';

/** Applies one mutation; never throws, whatever the text. */
export function applyMutation(text: string, m: Mutation): string {
  const n = text.length;
  switch (m.kind) {
    case 'deleteLines':
    case 'duplicateLines': {
      const lines = text.split('\n');
      const at = m.at % Math.max(1, lines.length);
      if (m.kind === 'deleteLines') lines.splice(at, m.count);
      else lines.splice(at, 0, ...lines.slice(at, at + m.count));
      return lines.join('\n');
    }
    case 'truncate':
      return text.slice(0, n === 0 ? 0 : m.at % n);
    case 'deleteRange': {
      const at = n === 0 ? 0 : m.at % n;
      return text.slice(0, at) + text.slice(at + m.length);
    }
    case 'swapBrackets': {
      const chars = text.split('');
      const positions: number[] = [];
      for (let i = 0; i < chars.length; i++) if (BRACKETS.includes(chars[i])) positions.push(i);
      if (positions.length === 0) return text;
      for (let k = 0; k < m.count; k++) {
        const i = positions[(m.at + k * 7919) % positions.length];
        const swapped = BRACKETS[(BRACKETS.indexOf(chars[i]) + 1 + (m.at >> k) % 5) % 6];
        chars[i] = swapped;
      }
      return chars.join('');
    }
    case 'insertText': {
      const at = n === 0 ? 0 : m.at % (n + 1);
      return text.slice(0, at) + m.text + text.slice(at);
    }
    case 'mixIndent': {
      const lines = text.split('\n');
      for (let k = 0; k < m.count && lines.length > 0; k++) {
        const i = (m.at + k * 31) % lines.length;
        // Tabs for four spaces (or the reverse), as an editor with another tab setting would write.
        lines[i] = lines[i].startsWith('    ') ? '\t' + lines[i].slice(4) : lines[i].startsWith('\t') ? '  ' + lines[i].slice(1) : '\t ' + lines[i];
      }
      return lines.join('\n');
    }
    case 'replaceNumber': {
      const numbers = [...text.matchAll(/\b\d+\b/g)];
      if (numbers.length === 0) return text;
      const hit = numbers[m.at % numbers.length];
      return text.slice(0, hit.index) + m.value + text.slice(hit.index! + hit[0].length);
    }
    case 'swapLines': {
      const lines = text.split('\n');
      const a = m.a % lines.length;
      const b = m.b % lines.length;
      [lines[a], lines[b]] = [lines[b], lines[a]];
      return lines.join('\n');
    }
  }
}

/** A seed index and the mutations applied to it, in order. */
export interface MutatedCase {
  seed: number;
  mutations: Mutation[];
}

/** Arbitrary cases over `seedCount` seeds with 1–6 mutations each. */
export function mutatedCaseArb(seedCount: number): fc.Arbitrary<MutatedCase> {
  return fc.record({ seed: fc.nat({ max: seedCount - 1 }), mutations: fc.array(mutationArb, { minLength: 1, maxLength: 6 }) });
}

/** The text of a mutated case. */
export function mutatedText(seeds: readonly SeedFile[], c: MutatedCase): string {
  return c.mutations.reduce(applyMutation, seeds[c.seed].text);
}

// ---------------------------------------------------------------------------------------------
// The extreme inputs of issue 10.1, built deterministically.

/** A named extreme input. */
export interface ExtremeInput {
  name: string;
  language: Language;
  text: string;
  fileName?: string;
}

/** Deterministic pseudo-random bytes (xorshift), so "binary garbage" is the same on every run. */
export function garbageBytes(length: number, seed = 0x9e3779b9): Uint8Array {
  const out = new Uint8Array(length);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = s & 0xff;
  }
  return out;
}

/** The extreme inputs: 1 MB lines, 200-deep nesting of several kinds, 50,000 lines, binary garbage. */
export function extremeInputs(seeds: readonly SeedFile[]): ExtremeInput[] {
  const python = seeds.filter((s) => s.language === 'python');
  const big = python.map((s) => s.text).join('\n');
  let fiftyK = '';
  // Whole real files repeated until 50,000 lines: many classes, imports and factories.
  while (fiftyK.split('\n').length < 50_000) fiftyK += big + '\n';
  fiftyK = fiftyK.split('\n').slice(0, 50_000).join('\n');

  const deepIndent = Array.from({ length: 200 }, (_, i) => ' '.repeat(i) + 'if True:').join('\n') + '\n' + ' '.repeat(200) + 'pass\n';
  const deepSequential =
    'import torch.nn as nn\nclass Deep(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.net = ' +
    'nn.Sequential('.repeat(200) + 'nn.Linear(4, 4)' + ')'.repeat(200) +
    '\n    def forward(self, x):\n        return self.net(x)\n';
  const deepModules = [
    'import torch.nn as nn',
    'class Block0(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.l = nn.Linear(8, 8)',
    '    def forward(self, x):',
    '        return self.l(x)',
    ...Array.from({ length: 199 }, (_, i) => [
      `class Block${i + 1}(nn.Module):`,
      '    def __init__(self):',
      '        super().__init__()',
      `        self.inner = Block${i}()`,
      '    def forward(self, x):',
      '        return self.inner(x)',
    ]).flat(),
  ].join('\n');
  const deepTs = 'const m = ' + 'tf.sequential({layers: ['.repeat(200) + 'tf.layers.dense({units: 4, inputShape: [4]})' + ']})'.repeat(200) + ';\n';

  const megabyte = 1 << 20;
  const longExpr = 'x = ' + '1 + '.repeat(megabyte / 4) + '1\n';
  const longString = 's = "' + 'a'.repeat(megabyte) + '"\n';
  const longLinear = 'import torch.nn as nn\nclass M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.l = nn.Sequential(' +
    'nn.Linear(4, 4), '.repeat(Math.floor(megabyte / 17)) + ')\n';

  const garbage = garbageBytes(256 * 1024);
  const latin1 = Array.from(garbage, (b) => String.fromCharCode(b)).join('');
  const utf8 = new TextDecoder('utf-8', { fatal: false }).decode(garbage);
  const tsGarbage = new TextDecoder('utf-16le', { fatal: false }).decode(garbageBytes(64 * 1024, 12345));

  return [
    { name: '50,000-line Python file (examples and torchvision repeated)', language: 'python', text: fiftyK },
    { name: '200-deep nested if blocks', language: 'python', text: deepIndent },
    { name: '200-deep nested brackets', language: 'python', text: 'x = ' + '('.repeat(200) + '1' + ')'.repeat(200) + '\n' + 'y = ' + '['.repeat(200) + ']'.repeat(200) },
    { name: '200 unclosed brackets', language: 'python', text: 'x = ' + '(['.repeat(100) + '\nclass A:\n    pass\n' },
    { name: '200-deep nn.Sequential', language: 'python', text: deepSequential },
    { name: '200 modules each containing the previous one', language: 'python', text: deepModules },
    { name: '200-deep tf.sequential', language: 'typescript', text: deepTs },
    { name: '1 MB single line: an arithmetic chain', language: 'python', text: longExpr },
    { name: '1 MB single line: a string literal', language: 'python', text: longString },
    { name: '1 MB single line: a Sequential of 61,680 Linear layers', language: 'python', text: longLinear },
    { name: '1 MB single line in TypeScript', language: 'typescript', text: 'const s = [' + '1, '.repeat(megabyte / 3) + '];\n' },
    { name: 'binary garbage (latin-1, 256 KiB)', language: 'python', text: latin1 },
    { name: 'binary garbage (UTF-8 with replacement characters)', language: 'python', text: utf8 },
    { name: 'binary garbage as TypeScript (UTF-16)', language: 'typescript', text: tsGarbage },
    { name: 'binary garbage as JavaScript', language: 'javascript', text: latin1.slice(0, 65536) },
    { name: 'empty file', language: 'python', text: '' },
    { name: 'only a BOM and NULs', language: 'python', text: '\uFEFF\u0000\u0000\u0000' },
    { name: 'lone surrogates everywhere', language: 'python', text: '\uD800class\uDC00 M(nn.Module):\n\uD83D    def __init__(self):\uDE00\n' },
  ];
}

// ---------------------------------------------------------------------------------------------
// The invariants.

/** Lines in the text as an editor counts them (1-based lines must lie in 1..lineCount). */
export function lineCount(text: string): number {
  return lineBounds(text).length;
}

/**
 * Time allowed for one analysis: a hang detector, not a benchmark. 250 ms plus 0.2 ms per line,
 * where a very long line counts as one line per 40 characters and the lines of imported modules
 * the analysis read count too, scaled by `slack` for slow runners. The constant covers a first
 * run's compilation and a loaded machine (a 100-line file was once measured at 302 ms under a load
 * average of 8); a hang or a super-linear blow-up still overshoots it by orders of magnitude.
 */
export function timeBoundMs(text: string, slack = 1, importedLines = 0): number {
  const lineEquivalents = Math.max(lineCount(text), text.length / 40) + importedLines;
  return (250 + 0.2 * lineEquivalents) * slack;
}

function checkSpan(where: string, span: Span, line: number | null, length: number, lines: number, problems: string[]): void {
  const ok =
    span && Number.isInteger(span.from) && Number.isInteger(span.to) && span.from >= 0 && span.from <= span.to && span.to <= length;
  if (!ok) problems.push(`${where}: span ${JSON.stringify(span)} outside [0, ${length}]`);
  if (line !== null && !(Number.isInteger(line) && line >= 1 && line <= lines)) problems.push(`${where}: line ${line} outside 1..${lines}`);
}

/**
 * What must hold for every analysis of any text: every finding, annotation and module points inside
 * the document, on an existing line, and the result is plain JSON. Returns the problems found.
 */
export function analysisProblems(text: string, analysis: Analysis): string[] {
  const problems: string[] = [];
  const length = text.length;
  const lines = lineCount(text);
  if (!analysis || !Array.isArray(analysis.findings) || !Array.isArray(analysis.models) || !Array.isArray(analysis.annotations)) {
    return ['the result is not an Analysis'];
  }
  analysis.findings.forEach((f, i) => {
    checkSpan(`finding ${i} (${f.code}: ${String(f.message).slice(0, 60)})`, f.span, f.line, length, lines, problems);
    if (typeof f.message !== 'string' || f.message.length === 0) problems.push(`finding ${i}: empty message`);
    for (const r of f.related ?? []) checkSpan(`finding ${i} related`, r.span, r.line, length, lines, problems);
  });
  analysis.annotations.forEach((a, i) => checkSpan(`annotation ${i}`, a.span, null, length, lines, problems));
  analysis.models.forEach((m, i) => {
    checkSpan(`model ${i} (${m.name})`, m.span, m.line, length, lines, problems);
    m.modules.forEach((mod, j) => {
      // Modules may come from an imported file; only those of this file must point into it.
      if (mod.span && mod.span.to <= length) checkSpan(`model ${i} module ${j} (${mod.path})`, mod.span, null, length, lines, problems);
    });
  });
  // analyze() turns an exception into this finding so the editor survives; it is still a crash.
  for (const f of analysis.findings) {
    if (/^internal error/i.test(String(f.message))) problems.push(`crash inside the analysis: ${f.message.slice(0, 200)}`);
  }
  try {
    JSON.stringify(analysis);
  } catch (error) {
    problems.push(`the result is not plain JSON: ${(error as Error).message}`);
  }
  return problems;
}

/** A short printable description of a mutated case, for failure messages and reproducer files. */
export function describeCase(seeds: readonly SeedFile[], c: MutatedCase): string {
  return `${seeds[c.seed].name} with ${JSON.stringify(c.mutations)}`;
}

/** The directory of a seed, for reproducer files that must keep resolving relative imports. */
export function seedDir(seed: SeedFile): string {
  return dirname(seed.path);
}
