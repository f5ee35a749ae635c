// Cold analysis side by side: the working tree against a git revision, in one run.
//
//   node bench/coldCompare.mjs [--base REV] [--lines 2000] [--runs 6] [--rounds 6]
//
// Exports REV (default HEAD) with `git archive`, bundles the same small driver against both
// trees with esbuild, and runs the two bundles in turns, each round in a fresh process: every
// process warms its JIT on the examples, then times `analyze()` on freshly generated synthetic
// files (bench/syntheticModel.ts with a changing first line, so no cache keyed by text answers).
// Prints the medians of wall and CPU time (CPU is what a shared machine distorts less) and their
// ratio, after checking that both trees give the same analyses (synthetic files, the examples and
// torchvision models, elapsed times aside). Nothing is written outside a temporary folder.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleDriver } from './bundleDriver.mjs';

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
const option = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};

// A child process: times one bundle and prints its runs as JSON (and ends by itself: an exit
// call could cut the JSON short on a pipe).
async function child() {
  const driver = await import(process.env.COLD_COMPARE_BUNDLE);
  const d = driver.default ?? driver;
  if (process.env.COLD_COMPARE_OUTPUTS) {
    process.stdout.write(JSON.stringify(d.outputs(process.env.COLD_COMPARE_ROOT)));
  } else {
    const lines = Number(process.env.COLD_COMPARE_LINES);
    d.warm(process.env.COLD_COMPARE_ROOT);
    for (let i = 0; i < 8; i++) d.timeOnce(lines);
    const runs = [];
    for (let i = 0; i < Number(process.env.COLD_COMPARE_RUNS); i++) runs.push(d.timeOnce(lines));
    process.stdout.write(JSON.stringify(runs));
  }
}

const driverSource = `
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from './src/analysis/analyze';
import { syntheticModel } from './bench/syntheticModel';

let counter = 0;
export function warm(root: string): void {
  const dir = join(root, 'examples');
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.py')).sort()) analyze(readFileSync(join(dir, f), 'utf8'), 'python', { fileName: join(dir, f) });
}
export function timeOnce(lines: number): { wall: number; cpu: number } {
  // A first line no earlier run had: nothing keyed by the text can answer.
  const text = '# cold run ' + ++counter + ' ' + Math.random() + '\\n' + syntheticModel(lines).text;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  analyze(text, 'python', { fileName: '/bench/synthetic.py' });
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wall, cpu: (cpu.user + cpu.system) / 1000 };
}
export function outputs(root: string): string[] {
  const out: string[] = [];
  const json = (a: unknown) => JSON.stringify(a, (k, v) => (k === 'elapsedMs' ? 0 : v));
  for (const size of [500, 2000]) out.push(json(analyze(syntheticModel(size).text, 'python', { fileName: '/bench/synthetic.py' })));
  const dir = join(root, 'examples');
  for (const f of readdirSync(dir).filter((f) => /\\.(py|ts|js)$/.test(f)).sort()) {
    out.push(f + json(analyze(readFileSync(join(dir, f), 'utf8'), f.endsWith('.py') ? 'python' : 'typescript', { fileName: '/examples/' + f })));
  }
  const tv = '/usr/lib/python3/dist-packages/torchvision';
  const readModule = (p: string) => {
    try {
      return p.startsWith(tv + '/') ? readFileSync(p, 'utf8') : undefined;
    } catch {
      return undefined;
    }
  };
  for (const [file, model] of [['resnet.py', 'resnet50()'], ['densenet.py', 'densenet121()'], ['swin_transformer.py', 'swin_t()'], ['inception.py', 'inception_v3()']]) {
    const path = join(tv, 'models', file);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    out.push(file + json(analyze(text, 'python', { fileName: path, model, readModule, inputs: [{ shape: [1, 3, 224, 224] }] })));
  }
  return out;
}
`;

async function compare() {
  const base = option('base', 'HEAD');
  const lines = Number(option('lines', '2000'));
  const runs = Number(option('runs', '6'));
  const rounds = Number(option('rounds', '6'));
  const work = mkdtempSync(join(tmpdir(), 'cold-compare-'));
  try {
    const baseRoot = join(work, 'base');
    mkdirSync(baseRoot);
    const archive = execFileSync('git', ['archive', base, 'src', 'bench', 'examples', 'package.json'], { cwd: repoRoot, maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '-C', baseRoot], { input: archive });
    symlinkSync(join(repoRoot, 'node_modules'), join(baseRoot, 'node_modules'));
    const bundle = async (root, name) => {
      const outfile = await bundleDriver({ repoRoot, source: driverSource, resolveDir: root, sourcefile: 'coldDriver.ts', outfile: join(work, `${name}.cjs`) });
      return { name, root, outfile };
    };
    const trees = [await bundle(baseRoot, `base (${base})`), await bundle(repoRoot, 'working tree')];
    const run = (tree, extra) => {
      const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], {
        env: { ...process.env, COLD_COMPARE_BUNDLE: tree.outfile, COLD_COMPARE_ROOT: tree.root, COLD_COMPARE_LINES: String(lines), COLD_COMPARE_RUNS: String(runs), ...extra },
        maxBuffer: 1 << 30,
      });
      if (r.status !== 0) throw new Error(`${tree.name}: ${r.stderr}`);
      return JSON.parse(r.stdout.toString());
    };
    const [a, b] = trees.map((t) => run(t, { COLD_COMPARE_OUTPUTS: '1' }));
    const differing = a.filter((x, i) => x !== b[i]).length;
    console.log(differing === 0 ? `same analyses: ${a.length} outputs identical` : `DIFFERENT analyses: ${differing} of ${a.length} outputs differ`);
    const times = trees.map(() => ({ wall: [], cpu: [] }));
    for (let round = 0; round < rounds; round++) {
      trees.forEach((tree, i) => {
        for (const r of run(tree, {})) {
          times[i].wall.push(r.wall);
          times[i].cpu.push(r.cpu);
        }
      });
    }
    const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
    const m = times.map((t) => ({ wall: median(t.wall), cpu: median(t.cpu) }));
    trees.forEach((tree, i) => console.log(`${tree.name}: ${lines.toLocaleString('en')} lines, wall ${m[i].wall.toFixed(1)} ms, CPU ${m[i].cpu.toFixed(1)} ms (medians of ${times[i].wall.length} runs in ${rounds} processes)`));
    console.log(`working tree ÷ base: wall ${(m[1].wall / m[0].wall).toFixed(3)}, CPU ${(m[1].cpu / m[0].cpu).toFixed(3)}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.env.COLD_COMPARE_BUNDLE) await child();
else await compare();
