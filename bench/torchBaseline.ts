// Side by side on the same models: PyTorch's forward-hooks method (bench/torchHooks.py, what
// torchinfo does: import torch, build, run one forward pass, print), our CLI as a process (served by
// its warm analysis child, and with one-off children), and analyze() in-process. Processes are timed from spawn to exit, i.e. to the printed table, and in
// turns (hooks, CLI, CLI, hooks, …) so that both see the same load on a shared machine: the ratio
// of their medians is the figure the budgets check.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../src/analysis/analyze';
import type { AnalyzeOptions, InputBinding } from '../src/analysis/types';
import { torchvisionRoot } from './analysisBench';
import { spreadOf, timeRepeated, type Spread } from './stats';

const repoRoot = join(__dirname, '..');
const python = '/usr/bin/python3';

/**
 * The CLI as users install it: a production build in a staging copy (the working tree's dist/
 * holds whatever the last test build left, unminified). Returns the bin's path and the folder to
 * remove afterwards, or the reason the build failed.
 */
function productionCli(): { bin: string; staging: string } | { error: string } {
  const staging = mkdtempSync(join(tmpdir(), 'layer-lens-bench-cli-'));
  for (const name of ['src', 'node_modules', 'esbuild.mjs', 'tsconfig.json', 'media']) symlinkSync(join(repoRoot, name), join(staging, name));
  const run = spawnSync(process.execPath, ['esbuild.mjs', '--production', 'cli'], { cwd: staging, encoding: 'utf8' });
  const bin = join(staging, 'dist/cli/layerLens.js');
  if (run.status !== 0 || !existsSync(bin)) {
    rmSync(staging, { recursive: true, force: true });
    return { error: `the production build of the CLI failed: ${(run.stderr || run.stdout).trim().split('\n')[0] ?? ''}` };
  }
  return { bin, staging };
}

/** One model measured three ways. */
export interface BaselineRow {
  label: string;
  torchHooks: Spread | null;
  torchError: string | null;
  cli: Spread | null;
  cliError: string | null;
  /**
   * The CLI's first run with an empty code cache directory (it compiles the bundle from source and
   * writes the cache); `cli` is the runs after it, which start from the cache as a user's do.
   */
  cliFirstRun?: number | null;
  /** CLI median ÷ hooks median, both measured in the same turns. */
  cliRatio?: number | null;
  /**
   * The CLI with LAYER_LENS_SERVER=off, in the same turns: every run starts a one-off analysis child
   * (warm code and parse caches), as a run does when no warm child is alive (the first run after a
   * minute without one).
   */
  cliOneOff?: Spread | null;
  /** That median ÷ hooks median. */
  cliOneOffRatio?: number | null;
  analyze: Spread;
  analyzeModules: number;
}

/** "x=(2,256,100)" or "text=(2,30):long" as an InputBinding. */
export function parseInput(spec: string): InputBinding {
  const m = /^(?:(\w+)=)?\(([^)]*)\)(?::(\w+))?$/.exec(spec.trim());
  if (!m) throw new Error(`bad input ${spec}`);
  return { name: m[1], shape: m[2].split(',').map((d) => Number(d.trim())), dtype: (m[3] as InputBinding['dtype']) ?? undefined };
}

/** Examples with the model and inputs their PyTorch fixtures were generated with. */
function cases(): { label: string; file: string; model: string; inputs: string[]; torchSource: string }[] {
  const dir = join(repoRoot, 'test/fixtures/examples');
  const out = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { file: string; model: string; inputs: string[] })
    .filter((fx) => fx.file && fx.model && !fx.file.includes('broken'))
    .map((fx) => ({ label: `${fx.file.replace('examples/', '')} ${fx.model}`, file: join(repoRoot, fx.file), model: fx.model, inputs: fx.inputs, torchSource: join(repoRoot, fx.file) }));
  for (const [file, model] of [['resnet.py', 'resnet18()'], ['resnet.py', 'resnet50()'], ['mobilenetv2.py', 'mobilenet_v2()']]) {
    out.push({ label: `torchvision ${model}`, file: join(torchvisionRoot, 'models', file), model, inputs: ['x=(1,3,224,224)'], torchSource: 'torchvision' });
  }
  return out;
}

interface ProcessCommand {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

/** Milliseconds from spawn to exit, or the reason the process failed. */
function runProcess(c: ProcessCommand): number | string {
  const started = performance.now();
  const run = spawnSync(c.command, c.args, { cwd: repoRoot, encoding: 'utf8', timeout: 120_000, env: c.env ?? process.env });
  const elapsed = performance.now() - started;
  if (run.status !== 0) return `${c.command} exited ${run.status}: ${(run.stderr || run.stdout).trim().split('\n').slice(-1)[0]?.slice(0, 200)}`;
  return elapsed;
}

/**
 * Times the commands in turns: each round runs every command (`times[i]` times in a row), so a
 * load change on the machine reaches all of them alike. A command that fails is dropped from
 * later rounds and reports its error.
 */
function timeInTurns(commands: (ProcessCommand | null)[], times: number[], rounds: number): { spread: Spread | null; error: string | null }[] {
  const samples: number[][] = commands.map(() => []);
  const errors: (string | null)[] = commands.map(() => null);
  for (let r = 0; r < rounds; r++) {
    commands.forEach((c, i) => {
      for (let k = 0; k < times[i] && c && !errors[i]; k++) {
        const t = runProcess(c);
        if (typeof t === 'string') errors[i] = t;
        else samples[i].push(t);
      }
    });
  }
  return samples.map((s, i) => ({ spread: !errors[i] && s.length ? spreadOf(s) : null, error: errors[i] }));
}

/** Runs the comparison; the hooks method is slow (a second or more per model), so rounds stay few. */
export function runBaseline(quick: boolean, log: (s: string) => void): BaselineRow[] {
  const rows: BaselineRow[] = [];
  const haveTorch = spawnSync(python, ['-c', 'import torch, torchvision'], { encoding: 'utf8' }).status === 0;
  const list = quick ? cases().filter((c) => /linear_classifier|wavenet\(\)|resnet18|mobilenet_v2/.test(c.label)) : cases();
  // The CLI keeps its V8 code cache under $XDG_CACHE_HOME; the bench gives it an empty one of its own.
  const cacheHome = mkdtempSync(join(tmpdir(), 'layer-lens-bench-cache-'));
  const built = productionCli();
  for (const c of list) {
    const torch: ProcessCommand | null = haveTorch ? { command: python, args: [join(repoRoot, 'bench/torchHooks.py'), c.torchSource, c.model, ...c.inputs] } : null;
    const ours: ProcessCommand | null = 'bin' in built
      ? { command: process.execPath, args: [built.bin, 'summary', c.file, '--model', c.model, ...c.inputs.flatMap((i) => ['--input', i]), '--json'], env: { ...process.env, XDG_CACHE_HOME: cacheHome } }
      : null;
    // The first run of the CLI fills the code cache, as a user's first run does; it is reported apart.
    rmSync(join(cacheHome, 'layer-lens'), { recursive: true, force: true });
    const first = ours ? runProcess(ours) : null;
    const oneOff: ProcessCommand | null = ours ? { ...ours, env: { ...ours.env, LAYER_LENS_SERVER: 'off' } } : null;
    const [torchTimes, cliTimes, oneOffTimes] = timeInTurns([torch, ours, oneOff], [1, 2, 1], quick ? 2 : 5);
    const torchError = haveTorch ? torchTimes.error : 'python3-torch is not installed';
    const cliError = 'error' in built ? built.error : typeof first === 'string' ? first : cliTimes.error;
    const readModule = (p: string) => (p.startsWith(torchvisionRoot + '/') && existsSync(p) ? readFileSync(p, 'utf8') : undefined);
    const options: AnalyzeOptions = { fileName: c.file, model: c.model, inputs: c.inputs.map(parseInput), readModule };
    const text = readFileSync(c.file, 'utf8');
    let modules = 0;
    const inProcess = timeRepeated(() => {
      modules = analyze(text, 'python', options).models.reduce((n, m) => n + m.modules.length, 0);
    }, quick ? 2 : 7);
    const cliSpread = cliError ? null : cliTimes.spread;
    rows.push({
      label: c.label,
      torchHooks: torchTimes.spread,
      torchError,
      cli: cliSpread,
      cliError,
      cliFirstRun: typeof first === 'number' ? first : null,
      cliRatio: cliSpread && torchTimes.spread ? cliSpread.median / torchTimes.spread.median : null,
      cliOneOff: cliError ? null : oneOffTimes.spread,
      cliOneOffRatio: !cliError && oneOffTimes.spread && torchTimes.spread ? oneOffTimes.spread.median / torchTimes.spread.median : null,
      analyze: spreadOf(inProcess),
      analyzeModules: modules,
    });
    log(`baseline ${c.label}`);
  }
  rmSync(cacheHome, { recursive: true, force: true });
  if ('staging' in built) rmSync(built.staging, { recursive: true, force: true });
  return rows;
}
