// Analysis timings: cold (a full analysis of a document nobody analysed before in this process's
// caches) and incremental (analysis after a one-character edit, the keystroke case) for each
// example, synthetic 2,000- and 10,000-line files and torchvision's largest model files; the
// growth with file size (500…20,000 lines) and its fit.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../src/analysis/analyze';
import { createIncrementalAnalyzer } from '../src/analysis/incremental';
import { importedModuleParses } from '../src/analysis/python/parseStore';
import type { AnalyzeOptions, Language } from '../src/analysis/types';
import { linearFit, spreadOf, timeRepeated, type LinearFit, type Spread } from './stats';
import { syntheticModel } from './syntheticModel';

export const torchvisionRoot = '/usr/lib/python3/dist-packages/torchvision';

/** One file's analysis timings. */
export interface FileTiming {
  name: string;
  group: 'example' | 'synthetic' | 'torchvision';
  lines: number;
  model: string | null;
  cold: Spread;
  /** CPU time (user + system) of the cold runs: unlike wall time, not inflated when the machine is shared. */
  coldCpu?: Spread;
  incremental: Spread;
  /**
   * Python only: the keystroke through `createIncrementalAnalyzer().update`, as the editor's cache
   * runs it: Lezer reparses from the previous tree and unchanged models are replayed, not re-run.
   */
  incrementalMemo?: Spread;
  /**
   * Python only: a keystroke on a cold document as the editor's hints see it — the edited text
   * analysed with `focus` on the 60 lines around the edit (the visible models and their users).
   */
  coldVisible?: Spread;
  /** Lines per second of a cold analysis at the median. */
  linesPerSecond: number;
  modelsFound: number;
  modulesFound: number;
  findings: number;
}

/** Growth of analysis time with file size. */
export interface Growth {
  points: { lines: number; cold: Spread; coldCpu?: Spread }[];
  /** Fit of the wall-time medians. */
  fit: LinearFit;
  /** Fit of the CPU-time medians, which a shared machine distorts less. */
  cpuFit?: LinearFit;
}

/** Reads a module of the workspace (torchvision's package for its files), as the editor and CLI do. */
function diskReader(root: string): (path: string) => string | undefined {
  const cache = new Map<string, string | undefined>();
  return (path) => {
    if (!path.startsWith(root + '/')) return undefined;
    if (!cache.has(path)) {
      try {
        cache.set(path, readFileSync(path, 'utf8'));
      } catch {
        cache.set(path, undefined);
      }
    }
    return cache.get(path);
  };
}

/**
 * A one-character edit in the middle of the file, alternating insert and delete so that every
 * timed analysis sees a text different from the one before (no cache can answer it).
 */
function keystrokeText(text: string, i: number): string {
  const lines = text.split('\n');
  const middle = Math.floor(lines.length / 2);
  // A line inside a function body, so the edit lands in code, not between classes.
  let at = middle;
  while (at < lines.length - 1 && !/^\s{8}\S/.test(lines[at])) at++;
  lines[at] = i % 2 === 0 ? lines[at] + ' ' : lines[at] + '  ';
  return lines.join('\n');
}

/** The 60 lines around the line `keystrokeText` edits, as offsets: what an editor shows of the file. */
function visibleWindow(text: string): { from: number; to: number } {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  const middle = Math.floor(starts.length / 2);
  return { from: starts[Math.max(0, middle - 30)], to: starts[Math.min(starts.length - 1, middle + 30)] };
}

/** Keystrokes on a cold document, analysed for the visible lines only (the editor's first hints). */
function timeColdVisible(text: string, options: AnalyzeOptions, repeats: number): Spread {
  const times = timeRepeated((i) => {
    const edited = keystrokeText(text, i);
    analyze(edited, 'python', { ...options, focus: visibleWindow(edited) });
  }, repeats);
  return spreadOf(times);
}

/** Keystrokes through `createIncrementalAnalyzer`, the analyser the editor keeps per document (see `incrementalMemo`). */
function timeMemoIncremental(text: string, language: Language, options: AnalyzeOptions, repeats: number): Spread {
  const analyzer = createIncrementalAnalyzer();
  analyzer.update(text, language, options);
  const times = timeRepeated((i) => {
    analyzer.update(keystrokeText(text, i), language, options);
  }, repeats);
  return spreadOf(times);
}

function timeFile(name: string, group: FileTiming['group'], text: string, language: Language, options: AnalyzeOptions, repeats: number): FileTiming {
  let last = analyze(text, language, options);
  const cpu: number[] = [];
  const cold = timeRepeated(() => {
    // Cold means nothing kept: not even the imported modules' parses an editor keeps between analyses.
    importedModuleParses.clear();
    const before = process.cpuUsage();
    last = analyze(text, language, options);
    const used = process.cpuUsage(before);
    cpu.push((used.user + used.system) / 1000);
  }, repeats);
  const incremental = timeRepeated((i) => {
    analyze(keystrokeText(text, i), language, options);
  }, repeats);
  const lines = text.split('\n').length;
  const spread = spreadOf(cold);
  return {
    name,
    group,
    lines,
    model: options.model ?? null,
    cold: spread,
    coldCpu: spreadOf(cpu.slice(-repeats)),
    incremental: spreadOf(incremental),
    incrementalMemo: language === 'python' ? timeMemoIncremental(text, language, options, repeats) : undefined,
    coldVisible: language === 'python' && !options.model ? timeColdVisible(text, options, repeats) : undefined,
    linesPerSecond: (lines / spread.median) * 1000,
    modelsFound: last.models.length,
    modulesFound: last.models.reduce((n, m) => n + m.modules.length, 0),
    findings: last.findings.length,
  };
}

/** Factories analysed in torchvision's files: the models the issue names, on the largest files. */
export const torchvisionModels: { file: string; model: string }[] = [
  { file: 'resnet.py', model: 'resnet50()' },
  { file: 'resnet.py', model: 'resnet18()' },
  { file: 'regnet.py', model: 'regnet_y_400mf()' },
  { file: 'efficientnet.py', model: 'efficientnet_b0()' },
  { file: 'swin_transformer.py', model: 'swin_t()' },
  { file: 'vision_transformer.py', model: 'vit_b_16()' },
  { file: 'maxvit.py', model: 'maxvit_t()' },
  { file: 'inception.py', model: 'inception_v3()' },
  { file: 'densenet.py', model: 'densenet121()' },
  { file: 'vgg.py', model: 'vgg16()' },
];

/** Runs every analysis timing; `quick` lowers repeats and sizes for iteration. */
export function runAnalysisBench(repoRoot: string, quick: boolean, log: (s: string) => void): { files: FileTiming[]; growth: Growth } {
  const repeats = quick ? 3 : 15;
  const files: FileTiming[] = [];
  // Warm the JIT on every example once so the first measured file is not penalised.
  const exampleDir = join(repoRoot, 'examples');
  const examples = readdirSync(exampleDir).filter((f) => /\.(py|ts|js)$/.test(f)).sort();
  for (const f of examples) analyze(readFileSync(join(exampleDir, f), 'utf8'), f.endsWith('.py') ? 'python' : 'typescript', { fileName: join(exampleDir, f) });

  for (const f of examples) {
    const language: Language = f.endsWith('.py') ? 'python' : f.endsWith('.ts') ? 'typescript' : 'javascript';
    files.push(timeFile(f, 'example', readFileSync(join(exampleDir, f), 'utf8'), language, { fileName: join(exampleDir, f) }, repeats));
    log(`analysis ${f}`);
  }
  for (const size of [2000, 10_000]) {
    const { text } = syntheticModel(size);
    files.push(timeFile(`synthetic ${size.toLocaleString('en')} lines`, 'synthetic', text, 'python', { fileName: '/bench/synthetic.py' }, quick ? 2 : size > 5000 ? 5 : 9));
    log(`analysis synthetic ${size}`);
  }
  const models = quick ? torchvisionModels.slice(0, 2) : torchvisionModels;
  for (const { file, model } of models) {
    const path = join(torchvisionRoot, 'models', file);
    const options: AnalyzeOptions = { fileName: path, model, readModule: diskReader(torchvisionRoot), inputs: [{ shape: [1, 3, 224, 224] }] };
    files.push(timeFile(`torchvision ${file} ${model}`, 'torchvision', readFileSync(path, 'utf8'), 'python', options, quick ? 2 : 5));
    log(`analysis torchvision ${model}`);
  }

  const sizes = quick ? [500, 2000, 5000] : [500, 1000, 2000, 5000, 10_000, 15_000, 20_000];
  const points = sizes.map((size) => {
    const { text, lines } = syntheticModel(size);
    const cpu: number[] = [];
    const times = timeRepeated(() => {
      const before = process.cpuUsage();
      analyze(text, 'python', { fileName: '/bench/synthetic.py' });
      const used = process.cpuUsage(before);
      cpu.push((used.user + used.system) / 1000);
    }, quick ? 2 : size > 5000 ? 3 : 5);
    log(`growth ${size}`);
    return { lines, cold: spreadOf(times), coldCpu: spreadOf(cpu.slice(-times.length)) };
  });
  const lines = points.map((p) => p.lines);
  return {
    files,
    growth: { points, fit: linearFit(lines, points.map((p) => p.cold.median)), cpuFit: linearFit(lines, points.map((p) => p.coldCpu.median)) },
  };
}
