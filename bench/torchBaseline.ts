// Side by side on the same models: PyTorch's forward-hooks method (bench/torchHooks.py, what
// torchinfo does: import torch, build, run one forward pass, print), our CLI as a process, and
// analyze() in-process. Processes are timed from spawn to exit, i.e. to the printed table.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../src/analysis/analyze';
import type { AnalyzeOptions, InputBinding } from '../src/analysis/types';
import { torchvisionRoot } from './analysisBench';
import { spreadOf, timeRepeated, type Spread } from './stats';

const repoRoot = join(__dirname, '..');
const python = '/usr/bin/python3';
const cli = join(repoRoot, 'dist/cli/layerLens.js');

/** One model measured three ways. */
export interface BaselineRow {
  label: string;
  torchHooks: Spread | null;
  torchError: string | null;
  cli: Spread | null;
  cliError: string | null;
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
  for (const model of ['resnet18()', 'resnet50()']) {
    out.push({ label: `torchvision ${model}`, file: join(torchvisionRoot, 'models/resnet.py'), model, inputs: ['x=(1,3,224,224)'], torchSource: 'torchvision' });
  }
  return out;
}

function timeProcess(command: string, args: string[], repeats: number): { spread: Spread | null; error: string | null } {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    const run = spawnSync(command, args, { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
    const elapsed = performance.now() - started;
    if (run.status !== 0) return { spread: null, error: `${command} exited ${run.status}: ${(run.stderr || run.stdout).trim().split('\n').slice(-1)[0]?.slice(0, 200)}` };
    times.push(elapsed);
  }
  return { spread: spreadOf(times), error: null };
}

/** Runs the comparison; the hooks method is slow (seconds per model), so repeats stay low. */
export function runBaseline(quick: boolean, log: (s: string) => void): BaselineRow[] {
  const rows: BaselineRow[] = [];
  const haveTorch = spawnSync(python, ['-c', 'import torch, torchvision'], { encoding: 'utf8' }).status === 0;
  const list = quick ? cases().filter((c) => /linear_classifier|wavenet\(\)|resnet18/.test(c.label)) : cases();
  for (const c of list) {
    const torch = haveTorch ? timeProcess(python, [join(repoRoot, 'bench/torchHooks.py'), c.torchSource, c.model, ...c.inputs], quick ? 1 : 3) : { spread: null, error: 'python3-torch is not installed' };
    const ours = existsSync(cli)
      ? timeProcess(process.execPath, [cli, 'summary', c.file, '--model', c.model, ...c.inputs.flatMap((i) => ['--input', i]), '--json'], quick ? 2 : 5)
      : { spread: null, error: 'dist/cli/layerLens.js is not built (src/cli/layerLens.ts missing when the bench ran)' };
    const readModule = (p: string) => (p.startsWith(torchvisionRoot + '/') && existsSync(p) ? readFileSync(p, 'utf8') : undefined);
    const options: AnalyzeOptions = { fileName: c.file, model: c.model, inputs: c.inputs.map(parseInput), readModule };
    const text = readFileSync(c.file, 'utf8');
    let modules = 0;
    const inProcess = timeRepeated(() => {
      modules = analyze(text, 'python', options).models.reduce((n, m) => n + m.modules.length, 0);
    }, quick ? 2 : 7);
    rows.push({ label: c.label, torchHooks: torch.spread, torchError: torch.error, cli: ours.spread, cliError: ours.error, analyze: spreadOf(inProcess), analyzeModules: modules });
    log(`baseline ${c.label}`);
  }
  return rows;
}
