// How exactly does Layer Lens read real PyTorch code from public repositories (issue 15)?
//
// Run after `npm run build` and `/usr/bin/python3 tools/measureRealCode.py` (which writes the
// truth, test/fixtures/realCode/torch/<case>.json, from PyTorch 1.13):
//
//   node tools/compareRealCode.mjs                          # every case; rewrites docs/accuracy.md
//   node tools/compareRealCode.mjs --cases bert,crnn --no-write --details /tmp/details.json
//   node tools/compareRealCode.mjs --corpus /elsewhere      # else $LAYER_LENS_CORPUS, /work/corpus
//   node tools/compareRealCode.mjs --python-path DIR        # else the site-packages holding the
//                                                           # torchvision of /usr/bin/python3
//
// The CLI searches the Python environment that measured the truth (`--python-path`), as a user's
// own environment would be searched, so installed packages (`from torchvision.models import
// resnet18`) resolve to their sources.
//
// For every case of tools/realCode/torchCorpus.json that has a truth fixture, the CLI runs twice
// from the repository's folder (so its imports resolve as Python's would from there): once with
// the model expression and the inputs bound (`--model EXPR --input name=(...)`), once with the
// model expression only. The bound run is compared with PyTorch path by path, in named_modules()
// order: a path is present when the CLI lists it; its shapes are exact when its output_shapes
// equal PyTorch's (paths PyTorch never ran, or ran into its own error, count as exact: there is
// no truth to compare); its parameters are exact when params_own and params_total both are. A
// path is exact when present with exact shapes and parameters; a file is exact when every path
// is, its total parameter count is, and neither run has an error finding. Error findings count
// on correct code only (cases whose forward PyTorch ran without raising). A crash is a run that
// exits with no JSON (or times out). Prints per case, writes the per-repository table and the
// totals to docs/accuracy.md between the `realCode:torch` markers, and with --details every
// mismatch and every error or warning finding, for whoever looks for the causes.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MANIFEST = join(ROOT, 'tools', 'realCode', 'torchCorpus.json');
const TRUTH = join(ROOT, 'test', 'fixtures', 'realCode', 'torch');
const START = '<!-- realCode:torch:start -->';
const END = '<!-- realCode:torch:end -->';

function parseArgs(argv) {
  const args = { corpus: process.env.LAYER_LENS_CORPUS || '/work/corpus', cli: join(ROOT, 'dist', 'cli', 'layerLens.js'), timeout: 120, write: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--corpus') args.corpus = argv[++i];
    else if (a === '--cases') args.cases = new Set(argv[++i].split(','));
    else if (a === '--cli') args.cli = argv[++i];
    else if (a === '--details') args.details = argv[++i];
    else if (a === '--timeout') args.timeout = Number(argv[++i]);
    else if (a === '--no-write') args.write = false;
    else if (a === '--python-path') args.pythonPath = argv[++i];
    else throw new Error(`unknown option ${a}`);
  }
  args.pythonPath ??= truthSitePackages();
  return args;
}

/** The folder holding the torchvision of the Python that measured the truth, or undefined. */
function truthSitePackages() {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import os, torchvision; print(os.path.dirname(os.path.dirname(torchvision.__file__)))'], { encoding: 'utf8' });
  const dir = probe.status === 0 ? probe.stdout.trim() : '';
  return dir && existsSync(dir) ? dir : undefined;
}

/** One CLI run: its JSON report, or the reason it gave none (a crash). */
function runCli(args, folder, file, model, inputs) {
  const command = [args.cli, 'summary', file, '--model', model, ...inputs.flatMap((i) => ['--input', i]), ...(args.pythonPath ? ['--python-path', args.pythonPath] : []), '--json'];
  const started = process.hrtime.bigint();
  const done = spawnSync('node', command, { cwd: folder, encoding: 'utf8', timeout: args.timeout * 1000, maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (done.error) return { report: null, ms, crash: `${done.error.code || done.error.message}` };
  try {
    return { report: JSON.parse(done.stdout), ms, crash: null };
  } catch {
    const lines = `${done.stderr}\n${done.stdout}`.split('\n').map((l) => l.trim()).filter(Boolean);
    return { report: null, ms, crash: `exit ${done.status}: ${(lines.find((l) => /Error/.test(l)) || lines[0] || 'no output').slice(0, 200)}` };
  }
}

const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function compare(truth, report) {
  const listed = new Map((report?.modules ?? []).map((m) => [m.path, m]));
  const result = { paths: truth.modules.length, present: 0, shapes: 0, params: 0, exact: 0, mismatches: [] };
  for (const want of truth.modules) {
    const got = listed.get(want.path);
    if (!got) {
      result.mismatches.push({ path: want.path, type: want.type, missing: true });
      continue;
    }
    result.present++;
    const shapeOk = want.output_shapes === null || same(got.output_shapes, want.output_shapes);
    const paramOk = got.params_own === want.params_own && got.params_total === want.params_total;
    result.shapes += shapeOk;
    result.params += paramOk;
    result.exact += shapeOk && paramOk;
    if (!(shapeOk && paramOk)) {
      result.mismatches.push({
        path: want.path, type: want.type, got_type: got.type,
        want_shapes: want.output_shapes, got_shapes: got.output_shapes,
        want_params: [want.params_own, want.params_total], got_params: [got.params_own, got.params_total],
      });
    }
  }
  result.totalExact = report !== null && report.total_params === truth.total_params;
  return result;
}

const serious = (report) => (report?.findings ?? []).filter((f) => f.severity === 'error' || f.severity === 'warning')
  .map((f) => ({ severity: f.severity, line: f.line, message: f.message }));

function main() {
  const args = parseArgs(process.argv.slice(2));
  const cases = JSON.parse(readFileSync(MANIFEST, 'utf8')).cases.filter((c) => !args.cases || args.cases.has(c.id));
  const rows = [];
  const details = {};
  for (const c of cases) {
    const truthFile = join(TRUTH, `${c.id}.json`);
    if (!existsSync(truthFile)) {
      console.log(`${c.id.padEnd(36)} no truth (run tools/measureRealCode.py)`);
      continue;
    }
    const truth = JSON.parse(readFileSync(truthFile, 'utf8'));
    const folder = join(args.corpus, c.repo.replace('/', '+'));
    const file = c.cut ? c.path.replace(/\.py$/, '_cut.py') : c.path;
    const bound = runCli(args, folder, file, c.model, truth.inputs);
    const unbound = runCli(args, folder, file, c.model, []);
    const result = compare(truth, bound.report);
    const correct = truth.findings.length === 0;
    const errorsBound = correct ? serious(bound.report).filter((f) => f.severity === 'error') : [];
    const errorsUnbound = correct ? serious(unbound.report).filter((f) => f.severity === 'error') : [];
    const crashes = [bound.crash, unbound.crash].filter(Boolean);
    const fileExact = result.exact === result.paths && result.totalExact && errorsBound.length === 0 && errorsUnbound.length === 0 && crashes.length === 0;
    const row = { id: c.id, repo: c.repo, kind: c.kind, path: c.path, model: c.model, correct, ...result, fileExact, errorsBound: errorsBound.length, errorsUnbound: errorsUnbound.length, crashes, ms: bound.ms };
    delete row.mismatches;
    rows.push(row);
    details[c.id] = {
      repo: c.repo, path: c.path, model: c.model, inputs: truth.inputs, crashes,
      errors_bound: errorsBound, errors_unbound: errorsUnbound,
      warnings_bound: serious(bound.report).filter((f) => f.severity === 'warning'),
      findings_bound: (bound.report?.findings ?? []).map((f) => `${f.severity} ${f.line}: ${f.message}`),
      mismatches: result.mismatches,
    };
    console.log(`${c.id.padEnd(36)} present ${String(result.present).padStart(3)}/${String(result.paths).padEnd(3)} shapes ${String(result.shapes).padStart(3)} params ${String(result.params).padStart(3)} exact ${String(result.exact).padStart(3)} total ${result.totalExact ? 'yes' : 'no '} errors ${errorsBound.length}/${errorsUnbound.length}${crashes.length ? `  CRASH ${crashes[0]}` : ''}${fileExact ? '  EXACT' : ''}`);
  }
  if (args.details) writeFileSync(args.details, `${JSON.stringify(details, null, 1)}\n`);
  if (args.write && !args.cases) writeAccuracy(rows, args);
  const sum = totals(rows);
  console.log(`\npaths ${sum.paths}: present ${pct(sum.present, sum.paths)}, shapes ${pct(sum.shapes, sum.paths)}, params ${pct(sum.params, sum.paths)}, exact ${pct(sum.exact, sum.paths)}; files exact ${sum.files}/${rows.length}; error findings ${sum.errorsBound} bound, ${sum.errorsUnbound} unbound; crashes ${sum.crashes}`);
}

function totals(rows) {
  const sum = { paths: 0, present: 0, shapes: 0, params: 0, exact: 0, files: 0, totals: 0, errorsBound: 0, errorsUnbound: 0, crashes: 0 };
  for (const r of rows) {
    for (const k of ['paths', 'present', 'shapes', 'params', 'exact', 'errorsBound', 'errorsUnbound']) sum[k] += r[k];
    sum.files += r.fileExact;
    sum.totals += r.totalExact;
    sum.crashes += r.crashes.length;
  }
  return sum;
}

const pct = (a, b) => `${a}/${b} (${((100 * a) / Math.max(b, 1)).toFixed(1)}%)`;

function writeAccuracy(rows, args) {
  const byRepo = new Map();
  for (const r of rows) {
    if (!byRepo.has(r.repo)) byRepo.set(r.repo, []);
    byRepo.get(r.repo).push(r);
  }
  const sum = totals(rows);
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const lines = [
    START,
    '## Real code: PyTorch',
    '',
    `Real model files from ${byRepo.size} public repositories (${rows.length} cases: GANs, diffusion U-Nets, vocoders, speech,`,
    'NLP written from scratch, segmentation, super-resolution, video and 3-D, point clouds, graph networks,',
    'RL policies, VAEs and VQ codecs, flows), listed with their commits in `tools/realCode/torchCorpus.json`.',
    'Truth from PyTorch 1.13 by `/usr/bin/python3 tools/measureRealCode.py` (forward hooks, eval mode,',
    'test/fixtures/realCode/torch); compared by `node tools/compareRealCode.mjs`, which runs the CLI from each',
    'repository\'s folder with the inputs bound and without. The repositories\' code is not in this project.',
    `Measured ${when} UTC with the CLI built from commit ${head} (Node ${process.version}, ${os.cpus().length} cores, shared).`,
    '',
    `**Result: ${pct(sum.exact, sum.paths)} module paths exact (present, output shapes and parameters);`,
    `present ${pct(sum.present, sum.paths)}, shapes ${pct(sum.shapes, sum.paths)}, parameters ${pct(sum.params, sum.paths)};`,
    `${sum.files} / ${rows.length} files exact; total parameters exact for ${sum.totals} / ${rows.length};`,
    `${sum.errorsBound} error findings on correct code with inputs bound, ${sum.errorsUnbound} without; ${sum.crashes} crashes.**`,
    '',
    'Columns per repository: cases; module paths; present; output shapes exact; parameters exact; both;',
    'files exact; error findings on correct code with inputs / without; crashes.',
    '',
    '| repository | kind | cases | paths | present | shapes | params | exact | files exact | errors (bound / unbound) | crashes |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const [repo, list] of byRepo) {
    const s = totals(list);
    lines.push(`| ${repo} | ${[...new Set(list.map((r) => r.kind))].join(', ')} | ${list.length} | ${s.paths} | ${s.present} | ${s.shapes} | ${s.params} | ${s.exact} | ${s.files} / ${list.length} | ${s.errorsBound} / ${s.errorsUnbound} | ${s.crashes} |`);
  }
  lines.push(`| **Total** | | ${rows.length} | ${sum.paths} | ${sum.present} | ${sum.shapes} | ${sum.params} | ${sum.exact} | ${sum.files} / ${rows.length} | ${sum.errorsBound} / ${sum.errorsUnbound} | ${sum.crashes} |`, '');
  const causes = join(ROOT, 'tools', 'realCode', 'torchGaps.md');
  if (existsSync(causes)) lines.push(readFileSync(causes, 'utf8').trimEnd(), '');
  lines.push(END);
  const target = join(ROOT, 'docs', 'accuracy.md');
  const text = readFileSync(target, 'utf8');
  const block = lines.join('\n');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  const next = start >= 0 && end > start ? text.slice(0, start) + block + text.slice(end + END.length) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(target, next);
}

main();
