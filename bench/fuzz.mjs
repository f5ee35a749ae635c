// The long fuzz run of issue 10.1: `node bench/fuzz.mjs [--runs 100000] [--seed N] [--torchvision 0.05] [--out FILE]`.
// A child process (bench/fuzzWorker.ts) analyses deterministic mutated cases; this parent watches
// it, kills and restarts it past any case that hangs, and writes bench/results/fuzz.json with the
// counts, the seed, the slowest cases and every failure (reproducers in test/fixtures/robustness/crashes/).
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const runs = option('runs', 100_000);
const seed = option('seed', Math.floor(Math.random() * 2 ** 31));
const torchvisionShare = option('torchvision', 0.05);
// A case that has not finished after this long (or 10× its proportional bound) is a hang.
const hangFloorMs = option('hang-ms', 10_000);
const reproducerDir = join(repoRoot, 'test/fixtures/robustness/crashes');
// Several runs may go on at once (one per core), each with its own record.
const outIndex = args.indexOf('--out');
const resultsFile = outIndex >= 0 ? args[outIndex + 1] : join(repoRoot, 'bench/results/fuzz.json');

const summary = {
  seed,
  runsRequested: runs,
  torchvisionShare,
  started: new Date().toISOString(),
  finished: null,
  casesRun: 0,
  extremeInputsRun: 0,
  overBound: 0,
  hangs: [],
  failures: [],
  failureSignatures: {},
  slowest: [],
  totalMs: 0,
  node: process.version,
};

function record(report) {
  if (report.type === 'done') {
    if (report.index >= 0) summary.casesRun++;
    else summary.extremeInputsRun++;
    summary.totalMs += report.ms;
    if (report.ms > report.boundMs) summary.overBound++;
    summary.slowest.push({ index: report.index, ms: Math.round(report.ms), boundMs: Math.round(report.boundMs), lines: report.lines, chars: report.chars, label: current?.label.slice(0, 200) });
    if (summary.slowest.length > 40) summary.slowest = summary.slowest.sort((a, b) => b.ms / b.boundMs - a.ms / a.boundMs).slice(0, 10);
  } else if (report.type === 'failure') {
    summary.failureSignatures[report.signature] = (summary.failureSignatures[report.signature] ?? 0) + 1;
    if (report.reproducer || summary.failures.length < 50) summary.failures.push(report);
  }
}

let current = null;

/** Runs cases [from, to) in a child; resolves with the index to resume from (to when finished). */
function runRange(from, to, extremes) {
  return new Promise((resolve) => {
    const child = fork(join(repoRoot, 'bench/fuzzWorker.ts'), [], { execArgv: ['--import', 'tsx', '--max-old-space-size=4096'], cwd: repoRoot });
    let next = from;
    let timer = null;
    const arm = (ms) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        summary.hangs.push({ ...current, limitMs: ms });
        console.error(`\nhang: case ${current?.index} (${current?.label.slice(0, 160)}) ran over ${ms} ms; restarting after it`);
        child.kill('SIGKILL');
      }, ms);
    };
    child.on('message', (report) => {
      if (report.type === 'start') {
        current = report;
        arm(Math.max(hangFloorMs, 10 * report.boundMs));
      } else if (report.type === 'done') {
        record(report);
        if (report.index >= 0) next = report.index + 1;
        if (report.index >= 0 && summary.casesRun % 1000 === 0) {
          process.stdout.write(`\r${summary.casesRun.toLocaleString('en')} cases, ${Object.keys(summary.failureSignatures).length} failure kinds, ${summary.hangs.length} hangs`);
          writeResults();
        }
      } else if (report.type === 'failure') {
        record(report);
        if (report.reproducer) console.error(`\n${report.kind} on case ${report.index}: ${report.signature}\n  reproducer ${report.reproducer}`);
      } else if (report.type === 'finished') {
        child.kill();
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const crashedHard = signal !== null && signal !== 'SIGTERM' && signal !== 'SIGKILL';
      if (code !== 0 && code !== null && current) {
        // The process itself died (stack or heap exhausted): that is a crash of the analysis.
        summary.failures.push({ type: 'failure', index: current.index, kind: 'process-exit', signature: `exit ${code}`, detail: '', label: current.label, reproducer: null });
        summary.failureSignatures[`process exit ${code}`] = (summary.failureSignatures[`process exit ${code}`] ?? 0) + 1;
      }
      if (signal === 'SIGKILL' && current && current.index >= 0) dumpHang(current.index);
      // After a hang or a dead process, resume after the case that was running.
      const resumeAt = current && current.index >= next ? current.index + 1 : next;
      resolve(crashedHard || code !== 0 || signal === 'SIGKILL' ? resumeAt : to);
    });
    child.send({ seed, from, to, torchvisionShare, extremes, reproducerDir });
  });
}

/** Asks a fresh worker to write the input of a hung case as a reproducer file. */
function dumpHang(index) {
  const child = fork(join(repoRoot, 'bench/fuzzWorker.ts'), [], { execArgv: ['--import', 'tsx'], cwd: repoRoot });
  child.on('message', (m) => m.type === 'finished' && child.kill());
  child.send({ seed, from: 0, to: 0, torchvisionShare, extremes: false, reproducerDir, dump: index });
}

function writeResults() {
  mkdirSync(join(repoRoot, 'bench/results'), { recursive: true });
  const out = { ...summary, slowest: [...summary.slowest].sort((a, b) => b.ms / b.boundMs - a.ms / a.boundMs).slice(0, 10) };
  writeFileSync(resultsFile, JSON.stringify(out, null, 2) + '\n');
}

console.log(`fuzz: ${runs.toLocaleString('en')} mutated cases, seed ${seed}, torchvision share ${torchvisionShare}`);
let from = 0;
let extremes = true;
while (from < runs) {
  from = await runRange(from, runs, extremes);
  extremes = false;
}
summary.finished = new Date().toISOString();
writeResults();
console.log(`\nfuzz: ${summary.casesRun.toLocaleString('en')} cases + ${summary.extremeInputsRun} extreme inputs, ${summary.failures.length} failures (${Object.keys(summary.failureSignatures).length} kinds), ${summary.hangs.length} hangs, ${summary.overBound} over the time bound; ${resultsFile}`);
process.exit(summary.failures.length + summary.hangs.length > 0 ? 1 : 0);
