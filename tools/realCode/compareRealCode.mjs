// Compares Layer Lens's CLI with the committed truth of the real-code corpora (issue 16):
// test/fixtures/realCode/keras/*.json (Keras builders, truth by tools/realCode/measureKeras.py) and
// test/fixtures/realCode/tfjs/*.json (tfjs models, truth by tools/realCode/measureTfjs.mjs). For each
// builder the CLI runs twice, without --input and with the truth's input shapes bound, and the
// script counts: layers exact (output shapes and parameters), totals right, error findings on these
// correct files, crashes. It prints a per-source table (the one in docs/accuracy.md) and writes
// every detail to $OUT (default /tmp/realCodeComparison.json). A run the CLI stops at its 2 s deadline
// (a loaded machine) is retried up to 5 times and listed at the end when it never finishes.
//
// usage: npm run build && node tools/realCode/compareRealCode.mjs [keras|tfjs] [ID...]

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(new URL('.', import.meta.url).pathname, '../..');
const cli = join(root, 'dist/cli/layerLens.js');
const corpusDir = process.env.CORPUS ?? '/work/corpus-keras';
const args = process.argv.slice(2);
const kinds = args.filter((a) => a === 'keras' || a === 'tfjs');
const only = new Set(args.filter((a) => a !== 'keras' && a !== 'tfjs'));

function sourceFile(kind, entry) {
  if (entry.boundCopy) return join(corpusDir, 'keras_applications_bound', entry.path.split('/').pop());
  if (entry.source.startsWith('deb:')) return join('/usr/lib/python3/dist-packages', entry.path);
  if (kind === 'tfjs') return join(corpusDir, 'tfjs', `${entry.id}.${entry.ext}`);
  return join(corpusDir, entry.source.split('@')[0].replace('/', '+'), entry.path);
}

// The CLI stops an analysis after the editor's 2 s deadline; on a loaded machine a large builder
// (NASNetLarge, ResNet152) can reach it: such a run is retried, and still stopped it is counted as such.
const STOPPED = /stopped the analysis after/;
const stoppedRuns = [];

function runCli(file, model, inputs) {
  const argv = [cli, 'summary', file, '--model', model, '--json'];
  for (const i of inputs) argv.push('--input', i);
  for (let attempt = 1; ; attempt++) {
    let json;
    try {
      const out = execFileSync('node', argv, { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120000 });
      json = JSON.parse(out);
    } catch (e) {
      return { crash: String(e.stderr || e.message).split('\n').filter(Boolean).slice(-2).join(' | ').slice(0, 300) };
    }
    const stopped = json.findings.some((f) => STOPPED.test(f.message));
    if (!stopped || attempt === 5) {
      if (stopped) stoppedRuns.push(`${model} ${inputs.join(' ')}`);
      if (attempt > 1) console.error(`${model} ${inputs.join(' ')}: ${stopped ? 'stopped by the deadline' : 'finished'} on attempt ${attempt}`);
      return { json };
    }
  }
}

/** A truth size matches ours when equal; an unknown (null) size matches a named symbolic size. */
function sameShapes(mine, real) {
  if (!Array.isArray(mine) || !Array.isArray(real) || mine.length < 1) return false;
  // Ours lists a tuple output as one entry per tensor, like the truth.
  if (mine.length !== real.length) return false;
  return real.every((shape, i) => {
    const s = mine[i];
    if (!Array.isArray(s) || !Array.isArray(shape) || s.length !== shape.length) return false;
    return shape.every((d, j) => (d === null ? typeof s[j] === 'string' && s[j] !== '?' : s[j] === d));
  });
}

const stem = (name) => name.replace(/_\d+$/, '').replace(/\d+$/, '');

function pair(kind, truthLayers, modules) {
  const mine = modules.filter((m) => m.type !== 'InputLayer' && m.path !== '');
  const used = new Set();
  return truthLayers.filter((l) => l.class !== 'InputLayer').map((l, i) => {
    let m;
    if (kind === 'tfjs') {
      // tfjs's automatic names carry per-process counters (the truth's run of earlier models moved
      // them on): pair by position, class and name stem first, by the exact name otherwise.
      const cand = mine[i];
      if (cand && !used.has(cand) && cand.type === l.class && stem(cand.path) === stem(l.name)) m = cand;
    }
    m ??= mine.find((x) => !used.has(x) && (x.path === l.name || x.path.endsWith(`.${l.name}`)));
    if (m) used.add(m);
    return [l, m];
  });
}

function inputSpecs(truth) {
  return (truth.inputs ?? []).map((shape) => `(${shape.map((d, i) => (d === null ? (i === 0 ? 'N' : 'T') : d)).join(',')})${truth.input_dtypes?.[0] === 'int32' ? ':long' : ''}`);
}

function compareOne(kind, entry, truth) {
  const file = sourceFile(kind, entry);
  const result = { id: entry.id, source: entry.source.split('@')[0], builder: entry.builder, layers: truth.layers.filter((l) => l.class !== 'InputLayer').length, exact: 0, shapeExact: 0, paramsExact: 0, totalRight: false, total: null, truthTotal: truth.total_params, errors: { unbound: 0, bound: 0 }, crash: null, misses: [], errorMessages: [] };
  if (!existsSync(file)) {
    result.crash = `corpus file missing: ${file}`;
    return result;
  }
  const runs = { unbound: runCli(file, entry.builder, []) };
  const specs = inputSpecs(truth);
  if (specs.length) runs.bound = runCli(file, entry.builder, specs);
  for (const [how, run] of Object.entries(runs)) {
    if (run.crash) {
      result.crash = `${how}: ${run.crash}`;
      continue;
    }
    const errs = run.json.findings.filter((f) => f.severity === 'error');
    result.errors[how] = errs.length;
    result.errorMessages.push(...errs.slice(0, 3).map((f) => `${how} line ${f.line}: ${f.message}`));
  }
  // Layers and totals are counted on both runs: without --input (what the file alone gives) and
  // with the truth's input shapes bound (what a user who states them gets).
  for (const how of ['unbound', 'bound']) {
    const json = (runs[how] ?? runs.unbound).json;
    const r = { exact: 0, shapeExact: 0, paramsExact: 0, total: null, totalRight: false, misses: [] };
    result[how] = r;
    if (!json) continue;
    r.total = json.total_params;
    r.totalRight = json.total_params === truth.total_params;
    for (const [l, m] of pair(kind, truth.layers, json.modules)) {
      const nested = l.kind === 'subclass' || ['Sequential', 'Functional', 'Model', 'LayersModel'].includes(l.class);
      const params = m ? (nested ? m.params_total : m.params_own) : null;
      const shapeOk = !!m && sameShapes(m.output_shapes, l.output_shapes);
      const paramsOk = !!m && params === l.params;
      if (shapeOk) r.shapeExact++;
      if (paramsOk) r.paramsExact++;
      if (shapeOk && paramsOk) r.exact++;
      else r.misses.push(`${l.name} (${l.class}): ${m ? `ours ${JSON.stringify(m.output_shapes)} ${params} vs ${JSON.stringify(l.output_shapes)} ${l.params}` : 'missing'}`);
    }
  }
  Object.assign(result, { exact: result.unbound.exact, total: result.unbound.total, totalRight: result.unbound.totalRight, misses: result.unbound.misses });
  return result;
}

function loadKind(kind) {
  const manifest = JSON.parse(readFileSync(join(root, `tools/realCode/${kind}Corpus.json`), 'utf8'));
  const dir = join(root, 'test/fixtures/realCode', kind);
  const out = [];
  for (const entry of manifest.entries) {
    if (only.size && !only.has(entry.id)) continue;
    const truthPath = join(dir, `${entry.id}.json`);
    if (!existsSync(truthPath)) {
      out.push({ id: entry.id, source: entry.source.split('@')[0], builder: entry.builder, noTruth: true });
      continue;
    }
    const truth = JSON.parse(readFileSync(truthPath, 'utf8'));
    out.push(compareOne(kind, entry, truth));
    // Keras Applications once more with its submodules imported instead of passed as arguments.
    if (entry.source.startsWith('deb:python3-keras-applications')) {
      const bound = { ...entry, id: `${entry.id}+import`, source: 'deb:python3-keras-applications (submodules imported)', boundCopy: true };
      out.push(compareOne(kind, bound, truth));
    }
  }
  return out;
}

const results = {};
for (const kind of kinds.length ? kinds : ['keras', 'tfjs']) {
  if (!existsSync(join(root, `tools/realCode/${kind}Corpus.json`))) continue;
  results[kind] = loadKind(kind);
}

const fmt = (n) => n.toLocaleString('en-US');
for (const [kind, list] of Object.entries(results)) {
  const measured = list.filter((r) => !r.noTruth);
  const bySource = new Map();
  for (const r of measured) {
    const s = bySource.get(r.source) ?? { builders: 0, layers: 0, exact: 0, exactB: 0, totals: 0, totalsB: 0, errU: 0, errB: 0, crashes: 0, errFiles: 0 };
    s.exactB += r.bound?.exact ?? 0;
    s.totalsB += r.bound?.totalRight ? 1 : 0;
    s.builders++;
    s.layers += r.layers;
    s.exact += r.exact;
    s.totals += r.totalRight ? 1 : 0;
    s.errU += r.errors.unbound;
    s.errB += r.errors.bound;
    s.errFiles += r.errors.unbound + r.errors.bound > 0 ? 1 : 0;
    s.crashes += r.crash ? 1 : 0;
    bySource.set(r.source, s);
  }
  console.log(`\n### ${kind}: ${measured.length} builders measured (${list.length - measured.length} without truth)\n`);
  console.log('| source | builders | layers exact (unbound / inputs bound) | totals right (unbound / bound) | error findings (unbound / bound) | files with errors | crashes |');
  console.log('|---|---|---|---|---|---|---|');
  const all = { builders: 0, layers: 0, exact: 0, exactB: 0, totals: 0, totalsB: 0, errU: 0, errB: 0, crashes: 0, errFiles: 0 };
  // Rounded down, so that 100.0% means every one.
  const pct = (a, b) => (b ? (Math.floor((1000 * a) / b) / 10).toFixed(1) : '0');
  for (const [src, s] of bySource) {
    console.log(`| ${src} | ${s.builders} | ${fmt(s.exact)} / ${fmt(s.exactB)} of ${fmt(s.layers)} | ${s.totals} / ${s.totalsB} of ${s.builders} | ${s.errU} / ${s.errB} | ${s.errFiles} | ${s.crashes} |`);
    for (const k of Object.keys(all)) all[k] += s[k];
  }
  console.log(`| **all** | ${all.builders} | ${fmt(all.exact)} (${pct(all.exact, all.layers)}%) / ${fmt(all.exactB)} (${pct(all.exactB, all.layers)}%) of ${fmt(all.layers)} | ${all.totals} / ${all.totalsB} of ${all.builders} | ${all.errU} / ${all.errB} | ${all.errFiles} | ${all.crashes} |`);
  console.log('\n| builder | layers exact (unbound / bound) | total ours unbound / bound / truth | errors u/b | crash |');
  console.log('|---|---|---|---|---|');
  const t = (x) => (x === null || x === undefined ? '—' : fmt(x));
  for (const r of measured) console.log(`| \`${r.id}\` | ${r.unbound?.exact ?? 0} / ${r.bound?.exact ?? 0} of ${r.layers} | ${t(r.unbound?.total)} ${r.unbound?.totalRight ? '✓' : '✗'} / ${t(r.bound?.total)} ${r.bound?.totalRight ? '✓' : '✗'} / ${fmt(r.truthTotal)} | ${r.errors.unbound} / ${r.errors.bound} | ${r.crash ? 'yes' : ''} |`);
}
if (stoppedRuns.length) console.log(`\nStill stopped by the CLI's deadline after 5 attempts: ${stoppedRuns.join('; ')}`);
writeFileSync(process.env.OUT ?? '/tmp/realCodeComparison.json', JSON.stringify(results, null, 1));
