// The child process of bench/fuzz.mjs: analyses a deterministic range of mutated cases and reports
// each one to the parent before starting it, so the parent can tell which input hung. A crash or a
// broken invariant is minimised here (line- then character-wise delta debugging) and written as a
// reproducer file under test/fixtures/robustness/crashes/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { analyze } from '../src/analysis/analyze';
import type { Language } from '../src/analysis/types';
import {
  analysisProblems,
  extremeInputs,
  loadSeeds,
  mutatedCaseArb,
  mutatedText,
  optionsFor,
  trackedOptions,
  timeBoundMs,
  type MutatedCase,
} from '../test/unit/robustnessInputs';

/** What the parent asks for. */
interface Job {
  seed: number;
  from: number;
  to: number;
  /** Share of cases drawn from torchvision seeds (the rest from examples/). */
  torchvisionShare: number;
  extremes: boolean;
  reproducerDir: string;
}

/** Messages to the parent. */
export type WorkerReport =
  | { type: 'start'; index: number; label: string; boundMs: number }
  | { type: 'done'; index: number; ms: number; boundMs: number; lines: number; chars: number }
  | { type: 'failure'; index: number; kind: 'throw' | 'invariant'; signature: string; detail: string; label: string; reproducer: string | null }
  | { type: 'finished' };

const CHUNK = 1000;
const seeds = loadSeeds();
const exampleSeeds = seeds.filter((s) => !s.path.includes('torchvision'));
const torchvisionSeeds = seeds.filter((s) => s.path.includes('torchvision'));
const seen = new Set<string>();

function send(report: WorkerReport): void {
  process.send!(report);
}

/** Runs analyze and returns what went wrong, or null. */
function failureOf(text: string, language: Language, fileName: string | undefined): { kind: 'throw' | 'invariant'; signature: string; detail: string } | null {
  try {
    const analysis = analyze(text, language, fileName ? optionsFor({ path: fileName }) : {});
    const problems = analysisProblems(text, analysis);
    if (problems.length === 0) return null;
    // The first problem without its numbers identifies the bug, not the input.
    return { kind: 'invariant', signature: problems[0].replace(/\d+/g, '#').slice(0, 120), detail: problems.slice(0, 5).join('; ') };
  } catch (error) {
    const e = error as Error;
    const frame = (e.stack ?? '').split('\n').find((l) => l.includes('src/analysis')) ?? '';
    return { kind: 'throw', signature: `${e.name}: ${String(e.message).replace(/\d+/g, '#').slice(0, 80)} @ ${frame.trim().replace(/:\d+\)?$/, '')}`, detail: e.stack ?? String(e) };
  }
}

/** Shrinks `text` while the same failure signature reproduces: whole lines first, then characters. */
function minimise(text: string, language: Language, fileName: string | undefined, signature: string): string {
  const reproduces = (t: string) => failureOf(t, language, fileName)?.signature === signature;
  const shrink = (parts: string[], join: string, budget: number): string[] => {
    let chunk = Math.max(1, Math.floor(parts.length / 2));
    let tries = 0;
    while (chunk >= 1 && tries < budget) {
      let removed = false;
      for (let i = 0; i < parts.length && tries < budget; ) {
        const candidate = parts.slice(0, i).concat(parts.slice(i + chunk));
        tries++;
        if (candidate.length > 0 && reproduces(candidate.join(join))) {
          parts = candidate;
          removed = true;
        } else {
          i += chunk;
        }
      }
      if (!removed) chunk = Math.floor(chunk / 2);
    }
    return parts;
  };
  const lines = shrink(text.split('\n'), '\n', 2000).join('\n');
  return lines.length <= 400 ? shrink(lines.split(''), '', 3000).join('') : lines;
}

function reportFailure(index: number, label: string, text: string, language: Language, fileName: string | undefined, dir: string): void {
  const failure = failureOf(text, language, fileName);
  if (!failure) return;
  let reproducer: string | null = null;
  if (!seen.has(failure.signature)) {
    seen.add(failure.signature);
    const small = minimise(text, language, fileName, failure.signature);
    mkdirSync(dir, { recursive: true });
    const extension = language === 'python' ? 'py' : language === 'typescript' ? 'ts' : 'js';
    reproducer = join(dir, `case${index}.${extension}`);
    writeFileSync(reproducer, small);
    writeFileSync(`${reproducer}.txt`, `${failure.kind}: ${failure.signature}\nfile name given to analyze(): ${fileName ?? '(none)'}\ncase: ${label}\n\n${failure.detail}\n`);
  }
  send({ type: 'failure', index, kind: failure.kind, signature: failure.signature, detail: failure.detail.slice(0, 2000), label, reproducer });
}

function runOne(index: number, label: string, text: string, language: Language, fileName: string | undefined, dir: string): void {
  const { options, importedLines } = trackedOptions(fileName);
  send({ type: 'start', index, label, boundMs: timeBoundMs(text, 1, 20_000) });
  const started = performance.now();
  let threw = false;
  let problems: string[] = [];
  try {
    const analysis = analyze(text, language, options);
    problems = analysisProblems(text, analysis);
  } catch {
    threw = true;
  }
  const ms = performance.now() - started;
  if (threw || problems.length > 0) reportFailure(index, label, text, language, fileName, dir);
  send({ type: 'done', index, ms, boundMs: timeBoundMs(text, 1, importedLines()), lines: text.split('\n').length, chars: text.length });
}

/** The deterministic case at `index` for `seed`: chunks are sampled with their own derived seed. */
function caseAt(job: Job, index: number, cache: Map<number, MutatedCase[]>): { c: MutatedCase; torchvision: boolean } {
  const chunk = Math.floor(index / CHUNK);
  if (!cache.has(chunk)) {
    cache.clear();
    const arb = fc.record({ pickTorchvision: fc.double({ min: 0, max: 1, noNaN: true }), c: mutatedCaseArb(1 << 16) });
    const sampled = fc.sample(arb, { seed: job.seed + chunk * 7919, numRuns: CHUNK }).map(({ pickTorchvision, c }) => {
      const torchvision = torchvisionSeeds.length > 0 && pickTorchvision < job.torchvisionShare;
      const pool = torchvision ? torchvisionSeeds : exampleSeeds;
      return { ...c, seed: c.seed % pool.length, torchvision } as MutatedCase & { torchvision: boolean };
    });
    cache.set(chunk, sampled);
  }
  const c = cache.get(chunk)![index % CHUNK] as MutatedCase & { torchvision: boolean };
  return { c, torchvision: c.torchvision };
}

/** Writes the input of case `index` to a reproducer file (the parent asks after a hang). */
function dumpCase(job: Job, index: number): void {
  const c = caseAt(job, index, new Map());
  const pool = c.torchvision ? torchvisionSeeds : exampleSeeds;
  const s = pool[c.c.seed];
  mkdirSync(job.reproducerDir, { recursive: true });
  const file = join(job.reproducerDir, `hang${index}.${s.language === 'python' ? 'py' : 'ts'}`);
  writeFileSync(file, mutatedText(pool, c.c));
  const resolved = !c.torchvision || index % 10 === 0;
  writeFileSync(`${file}.txt`, `hang: seed file ${s.path}, imports resolved: ${resolved}\nfile name given to analyze(): ${resolved ? s.path : `/fuzz/${s.name}`}\nmutations ${JSON.stringify(c.c.mutations)}\n`);
}

// Without the parent there is nobody to report to: stop rather than run on unattended.
process.on('disconnect', () => process.exit(0));

process.on('message', (job: Job & { dump?: number }) => {
  if (job.dump !== undefined) {
    dumpCase(job, job.dump);
    send({ type: 'finished' });
    return;
  }
  if (job.extremes) {
    extremeInputs(seeds).forEach((input, i) => runOne(-1 - i, `extreme: ${input.name}`, input.text, input.language, input.fileName, job.reproducerDir));
  }
  const cache = new Map<number, MutatedCase[]>();
  for (let index = job.from; index < job.to; index++) {
    // The loop is synchronous, so a 'disconnect' event would never be delivered: poll instead.
    if (!process.connected) process.exit(0);
    const { c, torchvision } = caseAt(job, index, cache);
    const pool = torchvision ? torchvisionSeeds : exampleSeeds;
    const s = pool[c.seed];
    // Resolving torchvision's imports reads ~17,000 lines per case; one case in ten does it, the
    // others analyse the mutated file alone (its imports then become inference gaps).
    const resolveImports = !torchvision || index % 10 === 0;
    const fileName = resolveImports ? s.path : `/fuzz/${s.name}`;
    runOne(index, `${s.name}${resolveImports ? '' : ' (imports unresolved)'} ${JSON.stringify(c.mutations)}`, mutatedText(pool, c), s.language, fileName, job.reproducerDir);
  }
  send({ type: 'finished' });
});
