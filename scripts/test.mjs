// `npm test`: build, type-check, lint, then the four suites, with a per-suite summary and, as the last
// line, `N passed, N failed` over all of them. A suite that cannot run counts as failed; nothing
// is skipped silently: a pending (skipped) test is listed by title and counted as failed, because
// a test whose tool is missing must fail with the reason, and CI reads only the last line.
//
//   npm test                      everything
//   npm test -- unit              one or more of: build typecheck lint unit integration web webview package
//   LAYER_LENS_TEST_GREP=hover    only tests whose title matches, in every mocha suite
//   VSCODE_EXECUTABLE=/path/code  run the integration and package suites in a desktop VS Code
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from './build.mjs';
import { chromiumPath, codeServerEntry, makeTempDir, repoRoot } from './codeServer.mjs';
import { packageExtension } from './package.mjs';
import { installIntoExtensionsDir, runExtensionTests } from './runInWorkbench.mjs';
import { runWebExtensionTests } from './testWeb.mjs';

const steps = ['build', 'typecheck', 'lint', 'unit', 'integration', 'web', 'webview', 'package'];
/** The files Prettier keeps (configuration, with .prettierrc.json's options); see lintSuite. */
const FORMATTED = [
  'eslint.config.mjs',
  '.prettierrc.json',
  'package.json',
  'tsconfig.json',
  'src/analysis/tsconfig.json',
  'webview/tsconfig.json',
  'test/webview/tsconfig.json',
];
const requested = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = requested.filter((name) => !steps.includes(name));
if (unknown.length) {
  console.error(`test.mjs: unknown suite ${unknown.join(', ')}; choose from ${steps.join(', ')}`);
  process.exit(2);
}
const selected = requested.length ? steps.filter((s) => requested.includes(s)) : steps;
const grep = process.env.LAYER_LENS_TEST_GREP;
const desktopVsCode = process.env.VSCODE_EXECUTABLE;

/** @type {{name: string, passed: number, failed: number, pending?: number, pendingTitles?: string[], seconds: number, note: string}[]} */
const outcomes = [];

function heading(text) {
  console.log(`\n━━ ${text} ${'━'.repeat(Math.max(0, 70 - text.length))}`);
}

/** Runs one step, timing it and turning a thrown error into one failure with its message. */
async function step(name, body) {
  heading(name);
  const started = Date.now();
  const outcome = { name, passed: 0, failed: 0, seconds: 0, note: '' };
  try {
    Object.assign(outcome, await body());
  } catch (error) {
    outcome.failed += 1;
    outcome.note = `could not run: ${error.message}`;
    console.error(`\n✘ ${name} ${outcome.note}`);
  }
  outcome.seconds = (Date.now() - started) / 1000;
  outcomes.push(outcome);
  return outcome;
}

/** Test files below dir whose names end in .test.ts, relative to the repo. */
function testFiles(dir) {
  const absolute = join(repoRoot, dir);
  if (!existsSync(absolute)) return [];
  return readdirSync(absolute, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.test.ts') && !f.split('/').includes('node_modules'))
    .sort()
    .map((f) => relative(repoRoot, join(absolute, f)));
}

/** Reads a results file written by our reporters, or null when the run never got that far. */
function readResults(file) {
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
}

/** Runs mocha (with tsx) over the given files in a child process, spec output to the terminal. */
function runMocha(files, { timeoutMs }) {
  const temp = makeTempDir('layer-lens-mocha-');
  try {
    const resultsFile = join(temp.dir, 'results.json');
    const args = [
      join(repoRoot, 'node_modules/mocha/bin/mocha.js'),
      '--import=tsx',
      '--reporter', join(repoRoot, 'scripts/mochaCountingReporter.cjs'),
      '--timeout', String(timeoutMs),
      ...(grep ? ['--grep', grep] : []),
      ...files,
    ];
    const child = spawnSync(process.execPath, args, {
      cwd: repoRoot,
      stdio: 'inherit',
      env: { ...process.env, LAYER_LENS_TEST_RESULTS: resultsFile },
    });
    const results = readResults(resultsFile);
    if (!results) throw new Error(`mocha exited with ${child.status ?? child.signal} before finishing (see its output above)`);
    if (child.status !== 0 && results.failed === 0) {
      return { ...results, failed: 1, note: `mocha exited with ${child.status} after its tests` };
    }
    return results;
  } finally {
    temp.remove();
  }
}

/** The mocha suites that run in Node: unit and webview. */
async function nodeSuite(dir, { timeoutMs }) {
  const files = testFiles(dir);
  if (files.length === 0) {
    console.log(`⚠ no test files match ${dir}/**/*.test.ts — this suite ran nothing`);
    return { note: 'no test files' };
  }
  console.log(`${files.length} file(s) from ${dir}/`);
  return runMocha(files, { timeoutMs });
}

/** The full title of the one test of the untrusted run, for matching LAYER_LENS_TEST_GREP. */
const restrictedModeTitle = 'security: Restricted Mode (issue 19) follows no imports when the workspace is not trusted';

/** The workspace folder the integration tests open: examples/, or an empty temporary folder if absent. */
function exampleFolder() {
  const examples = join(repoRoot, 'examples');
  return existsSync(examples) ? { dir: examples, remove: () => {} } : makeTempDir('layer-lens-workspace-');
}

/** Prints what an extension-host run reported and turns it into counts. */
function reportExtensionRun(run, what) {
  if (run.log) console.log(run.log.trimEnd());
  if (!run.results) {
    if (run.diagnostics) console.log(run.diagnostics);
    throw new Error(`${what} reported no results (exit ${run.exitCode})`);
  }
  const { passed, failed, pending, pendingTitles, failures } = run.results;
  if (run.exitCode !== 0 && failed === 0) {
    if (run.diagnostics) console.log(`\nworkbench diagnostics:\n${run.diagnostics}`);
    return { passed, failed: 1, pending, pendingTitles, note: `the extension host exited with ${run.exitCode}` };
  }
  return { passed, failed, pending, pendingTitles, failures };
}

function assertRunnable() {
  if (desktopVsCode) {
    if (!existsSync(desktopVsCode)) throw new Error(`VSCODE_EXECUTABLE=${desktopVsCode} does not exist`);
    return;
  }
  if (!existsSync(codeServerEntry)) {
    throw new Error('code-server is not installed: run `npm install` (or `node scripts/setup.mjs`); see docs/running.md');
  }
  if (!existsSync(chromiumPath)) throw new Error(`chromium is missing at ${chromiumPath}: apt-get install -y chromium`);
}

let buildFailed = false;
const needsBuild = selected.some((s) => ['build', 'integration', 'web', 'webview'].includes(s));
if (needsBuild) {
  // The whole build when everything runs; otherwise only what the chosen suites load.
  const targets = selected.includes('build')
    ? []
    : [...new Set(selected.flatMap((s) => ({ integration: ['extension-node', 'tests'], web: ['extension-web', 'tests-web', 'webview'], webview: ['webview'] })[s] ?? []))];
  const outcome = await step('build', async () => {
    if (!build(targets)) throw new Error('esbuild failed (see above)');
    console.log(`built ${targets.length ? targets.join(', ') : 'every target'}`);
    return { note: 'ok' };
  });
  buildFailed = outcome.failed > 0;
  // The build is a step, not a suite: it counts only when it fails.
  if (!selected.includes('build') && !buildFailed) outcomes.pop();
}

if (selected.includes('typecheck')) {
  await step('typecheck', async () => {
    // The three projects of the repo, plus the webview tests' own when it exists.
    const projects = ['.', 'src/analysis', 'webview', 'test/webview'].filter((p) => existsSync(join(repoRoot, p, 'tsconfig.json')));
    const broken = projects.filter((project) => {
      console.log(`tsc --noEmit -p ${project}`);
      const tsc = spawnSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', project], {
        cwd: repoRoot,
        stdio: 'inherit',
      });
      return tsc.status !== 0;
    });
    return broken.length ? { failed: broken.length, note: `type errors in ${broken.join(', ')}` } : { note: `ok (${projects.length} projects)` };
  });
}

if (selected.includes('lint')) {
  await step('lint', lintSuite);
}

if (selected.includes('unit')) {
  await step('unit', () => nodeSuite('test/unit', { timeoutMs: 10_000 }));
}

if (selected.includes('integration')) {
  await step('integration', async () => {
    if (buildFailed) throw new Error('the build failed');
    assertRunnable();
    const workspace = exampleFolder();
    try {
      const run = await runExtensionTests({
        extensionDevelopmentPath: repoRoot,
        extensionTestsPath: join(repoRoot, 'dist/test/index.js'),
        folder: workspace.dir,
        env: grep ? { LAYER_LENS_TEST_GREP: grep } : {},
      });
      const trusted = reportExtensionRun(run, 'the integration run');
      // A second, short run in Restricted Mode (issue 19): code-server with workspace trust on and a
      // folder nobody trusted, running only the suite declared for it (test/integration/security.test.ts).
      if (grep && !new RegExp(grep).test(restrictedModeTitle)) return trusted;
      if (desktopVsCode) {
        console.log('the Restricted Mode run needs code-server (its trust is set per run): not run with VSCODE_EXECUTABLE');
        return trusted;
      }
      console.log('\nthe same extension in an untrusted workspace (Restricted Mode):');
      const untrustedRun = await runExtensionTests({
        extensionDevelopmentPath: repoRoot,
        extensionTestsPath: join(repoRoot, 'dist/test/index.js'),
        folder: join(repoRoot, 'test/fixtures/restrictedMode'),
        env: { LAYER_LENS_TEST_GREP: 'Restricted Mode', LAYER_LENS_UNTRUSTED_RUN: '1' },
        untrusted: true,
      });
      const untrusted = reportExtensionRun(untrustedRun, 'the untrusted integration run');
      if (untrusted.passed + untrusted.failed === 0) untrusted.failed = 1;
      return {
        passed: trusted.passed + untrusted.passed,
        failed: trusted.failed + untrusted.failed,
        pending: trusted.pending + untrusted.pending,
        pendingTitles: [...(trusted.pendingTitles ?? []), ...(untrusted.pendingTitles ?? [])],
        failures: [...(trusted.failures ?? []), ...(untrusted.failures ?? [])],
        ...(trusted.note || untrusted.note ? { note: [trusted.note, untrusted.note].filter(Boolean).join('; ') } : {}),
      };
    } finally {
      workspace.remove();
    }
  });
}

if (selected.includes('web')) {
  // The same integration suites in the web worker extension host (scripts/testWeb.mjs, VSCODE.md route B).
  await step('web', async () => {
    if (buildFailed) throw new Error('the build failed');
    const workspace = exampleFolder();
    try {
      const run = await runWebExtensionTests({ folder: workspace.dir });
      return reportExtensionRun(run, 'the web extension host run');
    } finally {
      workspace.remove();
    }
  });
}

if (selected.includes('webview')) {
  await step('webview', async () => {
    if (buildFailed) throw new Error('the build failed');
    return nodeSuite('test/webview', { timeoutMs: 60_000 });
  });
}

if (selected.includes('package')) {
  await step('package', async () => {
    assertRunnable();
    const temp = makeTempDir('layer-lens-vsix-');
    try {
      const { file, bytes } = packageExtension(join(temp.dir, 'layer-lens.vsix'));
      const size = `${(bytes / 1024).toFixed(1)} KB`;
      console.log(`✔ built the .vsix (${size})`);
      const extensionsDir = join(temp.dir, 'extensions');
      installIntoExtensionsDir(file, extensionsDir);
      console.log('✔ installed it with --install-extension into a fresh extensions directory');
      const run = await runExtensionTests(await vsixProbeOptions(temp.dir, extensionsDir));
      const counts = reportExtensionRun(run, 'the package check');
      return { ...counts, passed: counts.passed + 2, note: `vsix ${size}` };
    } finally {
      temp.remove();
    }
  });
}

/**
 * The lint suite: ESLint's layer rules (eslint.config.mjs) over src/ and webview/, one test per
 * file, and Prettier's check over the files it is trusted to format (FORMATTED below), one test per
 * file. The TypeScript sources keep their hand-made layout: Prettier would rewrite most of them.
 */
async function lintSuite() {
  const { ESLint } = await import('eslint');
  const eslint = new ESLint({ cwd: repoRoot });
  const results = await eslint.lintFiles(['src', 'webview']);
  const failures = [];
  for (const result of results) {
    const errors = result.messages.filter((m) => m.severity === 2 || m.fatal);
    if (errors.length === 0) continue;
    const where = relative(repoRoot, result.filePath);
    for (const e of errors) console.log(`  ✘ ${where}:${e.line}:${e.column} ${e.message} (${e.ruleId ?? 'parse'})`);
    failures.push({ title: `eslint ${where}`, message: errors.map((e) => `${e.line}:${e.column} ${e.message}`).join('; ') });
  }
  console.log(`eslint: ${results.length} file(s), ${failures.length} with errors`);
  const prettier = await import('prettier');
  const formatted = FORMATTED.filter((f) => existsSync(join(repoRoot, f)));
  let unformatted = 0;
  for (const file of formatted) {
    const path = join(repoRoot, file);
    const options = { ...(await prettier.resolveConfig(path)), filepath: path };
    if (await prettier.check(readFileSync(path, 'utf8'), options)) continue;
    unformatted += 1;
    console.log(`  ✘ ${file} is not formatted: npx prettier --write ${file}`);
    failures.push({ title: `prettier ${file}`, message: 'not formatted' });
  }
  console.log(`prettier: ${formatted.length} file(s), ${unformatted} not formatted`);
  const checked = results.length + formatted.length;
  return { passed: checked - failures.length, failed: failures.length, failures, note: `${results.length} linted, ${formatted.length} format-checked` };
}

/**
 * The package check runs scripts/vsixProbe.cjs as extensionTestsPath. VS Code only runs a tests
 * module alongside a development extension, so a tiny empty one (no code) carries it; Layer Lens
 * itself comes only from the extensions directory the .vsix was installed into.
 */
async function vsixProbeOptions(tempDir, extensionsDir) {
  const { cpSync, mkdirSync, writeFileSync } = await import('node:fs');
  const probeDir = join(tempDir, 'probe');
  mkdirSync(probeDir);
  writeFileSync(
    join(probeDir, 'package.json'),
    JSON.stringify({ name: 'vsix-probe', publisher: 'layer-lens-tests', version: '0.0.0', engines: { vscode: '^1.100.0' } }),
  );
  cpSync(join(repoRoot, 'scripts/vsixProbe.cjs'), join(probeDir, 'vsixProbe.cjs'));
  const workspace = join(tempDir, 'workspace');
  mkdirSync(workspace);
  return {
    extensionDevelopmentPath: probeDir,
    extensionTestsPath: join(probeDir, 'vsixProbe.cjs'),
    extensionsDir,
    folder: workspace,
    env: { LAYER_LENS_EXPECTED_EXTENSIONS_DIR: extensionsDir },
  };
}

heading('summary');
let passed = 0;
let failed = 0;
let pendingTotal = 0;
for (const o of outcomes) {
  // A skipped test is a failure here: it did not show that the feature works.
  const pending = o.pending ?? 0;
  const suiteFailed = o.failed + pending;
  passed += o.passed;
  failed += suiteFailed;
  pendingTotal += pending;
  const counts = `${o.passed} passed, ${suiteFailed} failed${pending ? ` (${pending} pending)` : ''}`;
  console.log(`  ${suiteFailed ? '✘' : '✔'} ${o.name.padEnd(12)} ${counts.padEnd(34)} ${o.seconds.toFixed(1).padStart(6)} s  ${o.note ?? ''}`);
  for (const failure of o.failures ?? []) console.log(`      ✘ ${failure.title}: ${failure.message.split('\n')[0]}`);
  for (const title of o.pendingTitles ?? []) console.log(`      ✘ ${title}: skipped (pending)`);
}
if (pendingTotal > 0) {
  console.log(`⚠ ${pendingTotal} pending test(s) counted as failed: a test that cannot run must fail with its reason, not skip`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
