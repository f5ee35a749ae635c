// Differential check of the fast Python parser against the Lezer path, on real files.
//
//   node tools/fastParseCheck.mjs ROOT... [--json] [--show N]
//   node tools/fastParseCheck.mjs --bench [--lines 2000] [--runs 30]   (also times whole analyze() calls)
//
// For every `.py` file under the roots, compares `fastParsePython(text)` with
// `convertTree(parsePython(text).tree, text)`: the fast parser must either bail out (null) or
// give the identical module. Prints files, how often the fast path was taken, how many were
// identical, every DIFFERENT file with the first differing path (must be none), the files it
// bailed on although Lezer found no error with a histogram of bail reasons, and the time each
// path took. `--bench` times both paths on the synthetic model file instead (median of the runs,
// after a warm-up, in this one process). The driver is bundled from the working tree with esbuild.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleDriver } from '../bench/bundleDriver.mjs';

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const flag = (name) => args.includes(`--${name}`);

const driverSource = `
export { fastParsePython, fastParseBailReason, setFastParseEnabled } from './src/analysis/python/fastParse';
export { analyze } from './src/analysis/analyze';
export { parsePython } from './src/analysis/python/parse';
export { convertTree } from './src/analysis/python/ast';
export { syntheticModel } from './bench/syntheticModel';
`;

async function loadDriver() {
  const work = mkdtempSync(join(tmpdir(), 'fast-parse-check-'));
  const outfile = await bundleDriver({ repoRoot, source: driverSource, resolveDir: repoRoot, sourcefile: 'fastParseDriver.ts', outfile: join(work, 'driver.cjs') });
  const driver = await import(pathToFileURL(outfile).href);
  rmSync(work, { recursive: true, force: true });
  return driver.default ?? driver;
}

/** JSON with non-finite numbers kept apart from null (`1e999` is Infinity on both paths). */
function canonical(value) {
  return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? `#${v}` : v));
}

/** The first path at which two values differ, or null. */
function firstDifference(a, b, path = '') {
  if (a === b) return null;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') {
    if (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b)) return null;
    return `${path || '/'}: ${JSON.stringify(a)?.slice(0, 80)} vs ${JSON.stringify(b)?.slice(0, 80)}`;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return `${path}: array vs object`;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const d = firstDifference(a[k], b[k], `${path}/${k}`);
    if (d) return d;
  }
  return null;
}

function* pythonFiles(root) {
  let entries;
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries.sort((x, y) => (x.name < y.name ? -1 : 1))) {
    const p = join(root, e.name);
    if (e.isDirectory()) yield* pythonFiles(p);
    else if (e.isFile() && e.name.endsWith('.py')) yield p;
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function bench(d) {
  const lines = Number(option('lines', '2000'));
  const runs = Number(option('runs', '30'));
  const text = d.syntheticModel(lines).text;
  const lezer = () => d.convertTree(d.parsePython(text).tree, text);
  const fast = () => d.fastParsePython(text);
  const a = lezer();
  const b = fast();
  if (!b) throw new Error(`fast path bailed on the synthetic file: ${d.fastParseBailReason()}`);
  if (canonical(a) !== canonical(b)) throw new Error(`DIFFERENT on the synthetic file: ${firstDifference(a, b)}`);
  for (let i = 0; i < 10; i++) {
    lezer();
    fast();
  }
  const tl = [];
  const tf = [];
  for (let i = 0; i < runs; i++) {
    let t0 = performance.now();
    lezer();
    tl.push(performance.now() - t0);
    t0 = performance.now();
    fast();
    tf.push(performance.now() - t0);
  }
  const ml = median(tl);
  const mf = median(tf);
  console.log(`synthetic ${lines} lines (${text.length} chars), median of ${runs} warm runs:`);
  console.log(`  Lezer parse + convertTree  ${ml.toFixed(2)} ms`);
  console.log(`  fastParsePython            ${mf.toFixed(2)} ms   (${(ml / mf).toFixed(1)}x faster)`);
  // Whole cold analyses, the fast path on and forced off in turns (a changing first line, so no
  // cache keyed by the text answers).
  let counter = 0;
  const analyzeOnce = (fastOn) => {
    d.setFastParseEnabled(fastOn);
    const t = `# run ${++counter}\n` + text;
    const t0 = performance.now();
    d.analyze(t, 'python', { fileName: '/bench/synthetic.py' });
    return performance.now() - t0;
  };
  for (let i = 0; i < 8; i++) analyzeOnce(i % 2 === 0);
  const on = [];
  const off = [];
  for (let i = 0; i < runs; i++) {
    off.push(analyzeOnce(false));
    on.push(analyzeOnce(true));
  }
  d.setFastParseEnabled(true);
  console.log(`  analyze(), Lezer path      ${median(off).toFixed(2)} ms`);
  console.log(`  analyze(), fast path       ${median(on).toFixed(2)} ms   (${(median(on) / median(off)).toFixed(3)} of the Lezer path)`);
}

async function check(d, roots) {
  const show = Number(option('show', '10'));
  const stats = { files: 0, fast: 0, identical: 0, different: 0, validWhereLezerErred: 0, lezerErrors: 0, bailedClean: 0, lezerMs: 0, fastMs: 0 };
  const reasons = new Map();
  const differences = [];
  const bailedExamples = new Map();
  for (const root of roots) {
    for (const file of pythonFiles(root)) {
      let text;
      try {
        if (statSync(file).size > 3_000_000) continue;
        text = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      stats.files++;
      let t0 = performance.now();
      const lezer = d.convertTree(d.parsePython(text).tree, text);
      stats.lezerMs += performance.now() - t0;
      t0 = performance.now();
      const fast = d.fastParsePython(text);
      stats.fastMs += performance.now() - t0;
      if (lezer.errors.length) stats.lezerErrors++;
      if (fast) {
        stats.fast++;
        if (canonical(fast) === canonical(lezer)) stats.identical++;
        else if (lezer.errors.length) {
          // Lezer reported an error on a text the fast parser read without one: listed apart, as
          // these are Lezer misreadings the fast parser cannot foresee (they must stay rare).
          stats.validWhereLezerErred++;
          differences.push({ file, at: `Lezer errors at ${lezer.errors.map((e) => e.from).join(',')}; first difference ${firstDifference(lezer, fast)}` });
        } else {
          stats.different++;
          differences.push({ file, at: firstDifference(lezer, fast) });
        }
      } else if (!lezer.errors.length) {
        stats.bailedClean++;
        const reason = d.fastParseBailReason();
        reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
        if (!bailedExamples.has(reason)) bailedExamples.set(reason, file);
      }
    }
  }
  const pct = (x) => (stats.files ? ((100 * x) / stats.files).toFixed(1) : '0') + '%';
  const histogram = [...reasons.entries()].sort((a, b) => b[1] - a[1]);
  if (flag('json')) {
    console.log(JSON.stringify({ roots, ...stats, differences, bailReasons: Object.fromEntries(histogram) }, null, 1));
    return stats.different;
  }
  console.log(`roots: ${roots.join(' ')}`);
  console.log(`files ${stats.files}  fast path ${stats.fast} (${pct(stats.fast)})  identical ${stats.identical}  DIFFERENT ${stats.different}  read as valid where Lezer erred ${stats.validWhereLezerErred}  Lezer errors ${stats.lezerErrors}  bailed without Lezer errors ${stats.bailedClean}`);
  console.log(`time: Lezer+lower ${stats.lezerMs.toFixed(0)} ms, fast ${stats.fastMs.toFixed(0)} ms (all files, bails included)`);
  for (const { file, at } of differences.slice(0, 50)) console.log(`  ${at.startsWith('Lezer errors') ? 'VALID WHERE LEZER ERRED' : 'DIFFERENT'} ${file}\n      ${at}`);
  for (const [reason, count] of histogram.slice(0, show)) console.log(`  bail ${String(count).padStart(5)}  ${reason}   e.g. ${bailedExamples.get(reason)}`);
  return stats.different;
}

const d = await loadDriver();
if (flag('bench')) await bench(d);
else {
  const roots = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1] === '--show'));
  if (roots.length === 0) {
    console.error('usage: node tools/fastParseCheck.mjs ROOT... [--json] [--show N] | --bench [--lines N] [--runs N]');
    process.exitCode = 2;
  } else if (await check(d, roots)) process.exitCode = 1;
}
