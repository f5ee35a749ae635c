// `npm run bench`: measures the analysis, the CLI against PyTorch's forward hooks, the extension
// and the panel on this machine, writes bench/results/latest.json, the plots under
// docs/benchmarks/ and docs/benchmarks.md. Flags: --quick (fewer repeats and sizes), --check
// (exit 1 when a median misses bench/budgets.json), --check-only (check latest.json, no run),
// --no-host (skip code-server), --only analysis,baseline,extension,panel (re-run those sections,
// keep the others from latest.json), --report-only (rewrite the report from latest.json).
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import type { FileTiming, Growth } from './analysisBench';
import { runExtensionBench } from './extensionBench';
import { writeReport, type BenchResults } from './report';
import { runBaseline } from './torchBaseline';
import { spreadOf } from './stats';

const repoRoot = join(__dirname, '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArg = args.find((a) => a.startsWith('--only'));
const only = onlyArg ? (onlyArg.includes('=') ? onlyArg.split('=')[1] : args[args.indexOf(onlyArg) + 1]).split(',') : null;
const wants = (part: string) => !only || only.includes(part);
const resultsFile = join(repoRoot, 'bench/results/latest.json');

interface Budget {
  id: string;
  issue: string;
  what: string;
  /** The figure must be at most this (times, ratios, memory)… */
  max?: number;
  /** …or at least this (throughputs such as lines per second). */
  min?: number;
  unit: string;
  measure: string;
}

function log(s: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
}

/**
 * A fixed CPU workload (sorting 200,000 seeded numbers, median of five), timed at the start and
 * end of a run: on a shared machine it shows how much CPU the benchmarks actually got.
 */
function calibrationMs(): number {
  const times: number[] = [];
  for (let r = 0; r < 5; r++) {
    let s = 12345;
    const values = Array.from({ length: 200_000 }, () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648));
    const started = performance.now();
    values.sort((a, b) => a - b);
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[2];
}

/** Machine facts for the report. */
function machine(): BenchResults['machine'] {
  let chromium = 'unknown';
  let python = 'unknown';
  try {
    chromium = execSync('/usr/bin/chromium --version', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    /* Chromium missing: the panel section says so. */
  }
  try {
    python = execSync(`/usr/bin/python3 -c "import torch, sys; print(sys.version.split()[0], 'torch', torch.__version__)"`, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    /* No torch: the baseline section says so. */
  }
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: totalmem() / 2 ** 30,
    node: process.version,
    chromium,
    python,
    loadAverageAtStart: loadavg(),
    calibrationAtStartMs: calibrationMs(),
    date: new Date().toISOString(),
  };
}

/**
 * The analysis section, run in its own Node process on the core bundled as the product bundles it
 * (esbuild, minified, one file: what the editor's analysis worker and the CLI's child load).
 */
async function runAnalysisBundled(quick: boolean): Promise<{ files: FileTiming[]; growth: Growth }> {
  const esbuild = await import('esbuild');
  const work = mkdtempSync(join(tmpdir(), 'layer-lens-bench-'));
  try {
    const bundle = join(work, 'analysisChild.cjs');
    await esbuild.build({ entryPoints: [join(repoRoot, 'bench/analysisChild.ts')], outfile: bundle, bundle: true, minify: true, platform: 'node', format: 'cjs', target: 'es2022', legalComments: 'none', logLevel: 'warning' });
    const out = join(work, 'analysis.json');
    const run = spawnSync(process.execPath, [bundle, repoRoot, out, quick ? 'quick' : 'full'], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (run.status !== 0) throw new Error(`the analysis bench's process failed (exit ${run.status}${run.signal ? `, ${run.signal}` : ''})`);
    return JSON.parse(readFileSync(out, 'utf8'));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The figures budgets are checked against, from a results object. */
export function measuredFigures(r: BenchResults): Record<string, { value: number | null; how: string }> {
  const synthetic2000 = r.analysis?.files.find((f) => f.name.startsWith('synthetic 2,000'));
  const torchvision = r.analysis?.files.filter((f) => f.group === 'torchvision') ?? [];
  const host = r.extension?.host;
  const twenty = host?.ok ? host.steps?.find((s) => s.open === 20) : undefined;
  const launches = host?.ok && host.wasActiveBefore === false ? (host.activateCallSamples ?? (host.activateCallMs !== undefined ? [host.activateCallMs] : [])) : [];
  const activationHost = launches.length > 0 ? spreadOf(launches).median : null;
  const emptyLaunches = host?.ok ? (host.emptyActivateCallSamples ?? []) : [];
  const emptyMedian = emptyLaunches.length > 0 ? spreadOf(emptyLaunches).median : null;
  const cpuField = r.panelCpu?.rows.find((row: { channels: number }) => row.channels === 2);
  const synthetic10000 = r.analysis?.files.find((f) => f.name.startsWith('synthetic 10,000'));
  const cliRatio = (label: string): { value: number | null; how: string } => {
    const row = r.baseline?.find((b) => b.label === label);
    const ratio = row?.cliRatio ?? null;
    return {
      value: ratio,
      how: row && ratio !== null && row.cli && row.torchHooks
        ? `\`layer-lens summary … --json\` process ${row.cli.median.toFixed(0)} ms ÷ torch forward-hooks process ${row.torchHooks.median.toFixed(0)} ms, medians of runs taken in turns in this run (${(1 / ratio).toFixed(1)}× faster; served by the warm analysis child; with a one-off child every run, ${row.cliOneOff ? `${row.cliOneOff.median.toFixed(0)} ms, ${row.cliOneOffRatio?.toFixed(3)}` : 'not measured'}; the CLI's first run, with empty caches (it compiles its bundle and parses every file, and keeps both), took ${row.cliFirstRun?.toFixed(0) ?? '?'} ms)`
        : `not measured: ${row?.torchError ?? row?.cliError ?? 'no baseline row'}`,
    };
  };
  return {
    activation: activationHost !== null
      ? { value: activationHost, how: `real extension host (code-server), production bundle: extension.activate() call, bundle load included; median of ${launches.length} fresh host${launches.length === 1 ? '' : 's'}${emptyMedian !== null ? ` (an extension whose activate() does nothing: ${emptyMedian.toFixed(1)} ms in the same launches; both spread widely on a shared machine, and our code's own cost, measured in plain Node, is ${r.extension?.activation?.total.median.toFixed(1) ?? '?'} ms)` : ''}${typeof host?.coreLoadMs === 'number' ? `; the first analysis then loads the core in ${host.coreLoadMs.toFixed(0)} ms` : ''}` }
      : { value: r.extension?.activation?.total.median ?? null, how: 'plain Node with a vscode stand-in: require(dist/extension/node.js) + activate(), production build' },
    keystrokeIncremental2000: synthetic2000?.incrementalMemo
      ? { value: synthetic2000.incrementalMemo.median, how: `createIncrementalAnalyzer().update, as the editor runs it (previous parse tree, unchanged models replayed); a full analyze() of the edited text takes ${synthetic2000.incremental.median.toFixed(0)} ms` }
      : { value: synthetic2000?.incremental.median ?? null, how: 'analyze() after a one-character edit (full re-analysis: analyze() takes no previous parse)' },
    keystrokeCold2000: synthetic2000?.coldVisible
      ? { value: synthetic2000.coldVisible.median, how: `analyze() of the edited text on a cold document for the 60 visible lines around the edit, as the editor's hints run it (AnalyzeOptions.focus: the models defined there and those that use them); the whole file's analysis for diagnostics and lenses follows after the typing pause and takes ${synthetic2000.cold.median.toFixed(0)} ms${synthetic2000.coldCpu ? ` (CPU ${synthetic2000.coldCpu.median.toFixed(0)} ms)` : ''}` }
      : { value: synthetic2000?.cold.median ?? null, how: `analyze() of the unedited text${synthetic2000?.coldCpu ? ` (CPU time ${synthetic2000.coldCpu.median.toFixed(0)} ms)` : ''}` },
    hostMemory20Files: { value: twenty ? twenty.heapGrowthMb : null, how: 'extension-host heapUsed after 20 files opened and analysed, minus before' },
    torchvisionWorst: {
      value: torchvision.length ? Math.max(...torchvision.map((f) => f.cold.median)) : null,
      how: `worst median over ${torchvision.length} torchvision models${torchvision.every((f) => f.coldCpu) ? ` (worst CPU time ${Math.max(...torchvision.map((f) => f.coldCpu!.median)).toFixed(0)} ms)` : ''}`,
    },
    panelReady: { value: r.panel?.ready?.median ?? null, how: 'webview bootMs: navigation start to the ready message' },
    layerSwitch: { value: r.panel?.layerSwitch?.median ?? null, how: 'snapshot posted to rendered message, five-layer stack' },
    frameP90: { value: r.panel?.frames?.playing ? r.panel.frames.p90 : null, how: 'requestAnimationFrame intervals while the conv view plays' },
    effectiveFieldCpu: { value: cpuField?.time.median ?? null, how: 'webview/render/convCompute effectiveField() on tfjs CPU in Node, 224×224, 2 channels' },
    cliRatioResnet18: cliRatio('torchvision resnet18()'),
    cliRatioMobilenetV2: cliRatio('torchvision mobilenet_v2()'),
    coldAnalysis2000: {
      value: synthetic2000?.cold.median ?? null,
      how: `analyze() of the whole 2,000-line synthetic file, nothing cached (${synthetic2000 ? `${Math.round(synthetic2000.linesPerSecond).toLocaleString('en')} lines/s` : '?'}${synthetic2000?.coldCpu ? `, CPU ${synthetic2000.coldCpu.median.toFixed(0)} ms` : ''})`,
    },
    coldLinesPerSecond10000: {
      value: synthetic10000?.linesPerSecond ?? null,
      how: `analyze() of the whole 10,000-line synthetic file, nothing cached: lines ÷ median wall time (${synthetic10000 ? `${synthetic10000.cold.median.toFixed(0)} ms` : '?'}${synthetic10000?.coldCpu ? `, CPU ${synthetic10000.coldCpu.median.toFixed(0)} ms` : ''})`,
    },
  };
}

/** Compares the figures with the budgets; returns the lines to print and whether all were met. */
function check(r: BenchResults): { lines: string[]; ok: boolean } {
  const budgets = (JSON.parse(readFileSync(join(repoRoot, 'bench/budgets.json'), 'utf8')) as { budgets: Budget[] }).budgets;
  const figures = measuredFigures(r);
  const lines: string[] = [];
  let ok = true;
  for (const b of budgets) {
    const f = figures[b.measure];
    if (!f || f.value === null) {
      lines.push(`  ?  ${b.id}: not measured in this run (${b.what})`);
      continue;
    }
    const met = b.min !== undefined ? f.value >= b.min : f.value <= b.max!;
    ok &&= met;
    const value = b.unit === 'ratio' ? f.value.toFixed(3) : b.unit === 'lines/s' ? Math.round(f.value).toLocaleString('en') : f.value.toFixed(1);
    const limit = b.min !== undefined ? `budget ≥ ${b.min.toLocaleString('en')}` : `budget ≤ ${b.max}`;
    lines.push(`  ${met ? '✔' : '✘'}  ${b.id}: ${value} ${b.unit} (${limit} ${b.unit}) — ${f.how}`);
  }
  return { lines, ok };
}

async function main(): Promise<void> {
  if (args.includes('--check-only')) {
    const r = JSON.parse(readFileSync(resultsFile, 'utf8')) as BenchResults;
    const { lines, ok } = check(r);
    console.log(lines.join('\n'));
    process.exit(ok ? 0 : 1);
  }
  if (args.includes('--report-only')) {
    const r = JSON.parse(readFileSync(resultsFile, 'utf8')) as BenchResults;
    await writeReport(r, check(r).lines, repoRoot);
    console.log('rewrote docs/benchmarks.md from bench/results/latest.json');
    return;
  }
  const previous: Partial<BenchResults> = only && existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : {};
  const results: BenchResults = { quick, machine: machine(), analysis: null, baseline: null, extension: null, panel: null, panelCpu: null, ...previous } as BenchResults;
  // A partial run keeps the other sections of the previous run; the report says which were redone.
  if (only) {
    const older = (previous.rerun ?? []).map((x) => ({ ...x, parts: x.parts.filter((p) => !only.includes(p)) })).filter((x) => x.parts.length > 0);
    results.rerun = [...older, { parts: only, date: new Date().toISOString(), loadAverage: loadavg() }];
  }
  else results.machine = machine();
  results.quick = quick;
  if (wants('analysis')) results.analysis = await runAnalysisBundled(quick);
  if (wants('baseline')) results.baseline = runBaseline(quick, log);
  if (wants('extension')) results.extension = await runExtensionBench(quick, !quick && !args.includes('--no-host'), log);
  if (wants('panel')) {
    const panelPath = join(repoRoot, 'bench/panelBench.mjs');
    const panel = await import(panelPath);
    results.panel = await panel.runPanelBench(quick, log);
    results.panelCpu = await panel.effectiveFieldCpu(quick, log);
  }
  if (!only) {
    results.machine.loadAverageAtEnd = loadavg();
    results.machine.calibrationAtEndMs = calibrationMs();
  }
  mkdirSync(join(repoRoot, 'bench/results'), { recursive: true });
  writeFileSync(resultsFile, JSON.stringify(results, null, 1) + '\n');
  const { lines, ok } = check(results);
  await writeReport(results, lines, repoRoot);
  console.log(`\nbudgets:\n${lines.join('\n')}\n\nwrote docs/benchmarks.md and bench/results/latest.json`);
  if (args.includes('--check') && !ok) process.exit(1);
}

void main().catch((error) => {
  console.error(error);
  process.exit(2);
});
