// Post-install set-up: everything `npm start` and `npm test` need beyond the extension's own
// node_modules. It installs code-server (a real VS Code 1.100 with a Node extension host) into the
// git-ignored .vscode-test/code-server/, outside our dependency tree so that `npm ci` stays fast,
// generates the integration suite list, and unpacks torchvision's Python sources (the unit tests
// analyse them; they are never run) from Debian's python3-torchvision package without installing
// PyTorch. Idempotent: a second run only checks and returns.
//
// Environment:
//   VSCODE_EXECUTABLE=/path/to/code   a desktop VS Code exists; code-server is optional then.
//   LAYER_LENS_SKIP_SETUP=1           skip everything (e.g. a machine that only packages the vsix).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeServerDir, codeServerVersion, codeServerEntry, installedMarker } from './codeServer.mjs';
import { generateIntegrationSuiteList } from './build.mjs';

/** Debian packages the set-up and the test suites need, with a file that proves each is present. */
const debianPackages = [
  { name: 'build-essential', probe: '/usr/bin/make', why: 'native modules of code-server (node-pty, kerberos, spdlog)' },
  { name: 'python3', probe: '/usr/bin/python3', why: 'node-gyp' },
  { name: 'libkrb5-dev', probe: '/usr/include/krb5.h', why: "code-server's kerberos module" },
  { name: 'ripgrep', probe: '/usr/bin/rg', why: "VS Code's search (stands in for @vscode/ripgrep's download)" },
  { name: 'chromium', probe: '/usr/bin/chromium', why: 'the browser that shows the workbench and runs webview tests' },
];

// The versions @vscode/ripgrep 1.15.11 (pinned by code-server 4.100.3's shrinkwrap) looks for in its cache.
const ripgrepPackageVersion = '1.15.11';
const ripgrepReleaseVersion = 'v13.0.0-10';

const log = (message) => console.log(`[layer-lens setup] ${message}`);

function fail(message) {
  console.error(`\n[layer-lens setup] FAILED: ${message}\n`);
  process.exit(1);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) return { ok: false, message: result.error.message };
  return { ok: result.status === 0, message: `${command} ${args.join(' ')} exited with ${result.status}` };
}

/** Names of the Debian packages whose probe file is missing. */
function missingDebianPackages() {
  return debianPackages.filter((p) => !existsSync(p.probe));
}

/** Installs missing Debian packages when we may (root with apt-get); otherwise says what to install. */
function ensureDebianPackages() {
  const missing = missingDebianPackages();
  if (missing.length === 0) return true;
  const names = missing.map((p) => p.name);
  for (const p of missing) log(`missing ${p.name} (${p.why})`);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (platform() === 'linux' && isRoot && existsSync('/usr/bin/apt-get')) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    log('installing them with apt-get');
    const update = run('apt-get', ['update'], { env });
    if (!update.ok) log(`apt-get update failed (${update.message}); trying the install anyway`);
    const install = run('apt-get', ['install', '-y', '--no-install-recommends', ...names], { env });
    if (!install.ok) fail(`could not install ${names.join(' ')}: ${install.message}`);
    return missingDebianPackages().length === 0;
  }
  console.error(
    `[layer-lens setup] please install these packages first, then run \`npm install\` again:\n` +
      `    sudo apt-get install -y ${names.join(' ')}`,
  );
  return false;
}

/**
 * Places an archive holding Debian's rg where @vscode/ripgrep's postinstall looks for a cached
 * download, so it never tries to reach GitHub.
 */
function seedRipgrepCache(tmpDir) {
  const rg = '/usr/bin/rg';
  if (!existsSync(rg)) fail('ripgrep is not installed (/usr/bin/rg missing)');
  const target = arch() === 'arm64' ? 'aarch64-unknown-linux-musl' : 'x86_64-unknown-linux-musl';
  const cacheDir = join(tmpDir, `vscode-ripgrep-cache-${ripgrepPackageVersion}`);
  mkdirSync(cacheDir, { recursive: true });
  const archive = join(cacheDir, `ripgrep-${ripgrepReleaseVersion}-${target}.tar.gz`);
  const tar = run('tar', ['czf', archive, '-C', '/usr/bin', 'rg']);
  if (!tar.ok) fail(`could not build the ripgrep cache archive: ${tar.message}`);
}

/** An environment for the nested npm: our own lifecycle variables removed, code-server's needs added. */
function nestedNpmEnvironment(tmpDir) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_(config|package|lifecycle)_/i.test(key) || key === 'INIT_CWD') continue;
    env[key] = value;
  }
  return {
    ...env,
    TMPDIR: tmpDir,
    // code-server's install script refuses root without it.
    npm_config_unsafe_perm: 'true',
    // node-pty's build runs `npx node-gyp`, which a `yes=false` npm config would cancel.
    npm_config_yes: 'true',
    // Build native modules against the installed Node headers instead of downloading them.
    ...(existsSync('/usr/include/node/node.h') ? { npm_config_nodedir: '/usr' } : {}),
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
}

function isCodeServerInstalled() {
  if (!existsSync(installedMarker) || !existsSync(codeServerEntry)) return false;
  try {
    return JSON.parse(readFileSync(installedMarker, 'utf8')).version === codeServerVersion;
  } catch {
    return false;
  }
}

function installCodeServer() {
  const started = Date.now();
  const tmpDir = join(codeServerDir, 'tmp');
  rmSync(installedMarker, { force: true });
  mkdirSync(tmpDir, { recursive: true });
  seedRipgrepCache(tmpDir);
  writeFileSync(
    join(codeServerDir, 'package.json'),
    JSON.stringify(
      {
        name: 'layer-lens-code-server',
        private: true,
        description: 'The VS Code that `npm start` and `npm test` run (installed by scripts/setup.mjs).',
        dependencies: { 'code-server': codeServerVersion },
      },
      null,
      2,
    ) + '\n',
  );
  log(`installing code-server@${codeServerVersion} into ${codeServerDir} (about a minute and ~310 MB the first time)`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = run(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: codeServerDir,
    env: nestedNpmEnvironment(tmpDir),
  });
  if (!result.ok || !existsSync(codeServerEntry)) {
    fail(
      `code-server did not install (${result.message}). ` +
        'It needs Node 20, build-essential, python3 and libkrb5-dev; see docs/running.md.',
    );
  }
  const ripgrepBinary = join(codeServerDir, 'node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg');
  if (!existsSync(ripgrepBinary)) fail(`code-server installed but ${ripgrepBinary} is missing`);
  rmSync(tmpDir, { recursive: true, force: true });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  writeFileSync(installedMarker, JSON.stringify({ version: codeServerVersion, seconds: Number(seconds) }) + '\n');
  log(`code-server@${codeServerVersion} installed in ${seconds} s`);
}

const torchvisionDir = join('.vscode-test', 'torchvision');
const torchvisionProbe = join('torchvision', 'models', 'resnet.py');

/**
 * The torchvision model zoo is the yardstick of the unit tests (test/fixtures/torchvision). Where
 * Debian's python3-torchvision is installed its sources are used in place; otherwise its .deb is
 * downloaded (about 3 MB, without PyTorch) and unpacked into .vscode-test/torchvision.
 */
function ensureTorchvisionSources() {
  if (existsSync(join('/usr/lib/python3/dist-packages', torchvisionProbe))) return true;
  const target = join(torchvisionDir, 'usr', 'lib', 'python3', 'dist-packages');
  if (existsSync(join(target, torchvisionProbe))) return true;
  if (!existsSync('/usr/bin/apt-get') || !existsSync('/usr/bin/dpkg-deb')) {
    log("torchvision's sources are missing and this is not a Debian system: the torchvision unit tests will fail (set LAYER_LENS_TORCHVISION_ROOT)");
    return false;
  }
  const download = join(torchvisionDir, 'deb');
  rmSync(download, { recursive: true, force: true });
  mkdirSync(download, { recursive: true });
  log("downloading Debian's python3-torchvision (sources only, for the unit tests)");
  let fetched = run('apt-get', ['download', 'python3-torchvision'], { cwd: download });
  if (!fetched.ok && process.getuid?.() === 0) {
    run('apt-get', ['update'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    fetched = run('apt-get', ['download', 'python3-torchvision'], { cwd: download });
  }
  const debs = fetched.ok ? readdirSync(download).filter((f) => f.endsWith('.deb')) : [];
  if (debs.length === 0 || !run('dpkg-deb', ['-x', join(download, debs[0]), torchvisionDir]).ok) {
    log(`could not fetch python3-torchvision (${fetched.message}): the torchvision unit tests will fail`);
    return false;
  }
  rmSync(download, { recursive: true, force: true });
  return existsSync(join(target, torchvisionProbe));
}

function main() {
  if (process.env.LAYER_LENS_SKIP_SETUP === '1') {
    log('LAYER_LENS_SKIP_SETUP=1: skipped; `npm start` and the integration tests will not work');
    return;
  }
  generateIntegrationSuiteList();
  ensureTorchvisionSources();
  const desktop = process.env.VSCODE_EXECUTABLE;
  if (isCodeServerInstalled()) {
    log(`code-server@${codeServerVersion} already installed in ${codeServerDir}`);
    if (missingDebianPackages().length > 0) ensureDebianPackages();
    return;
  }
  if (desktop && existsSync(desktop)) {
    log(`VSCODE_EXECUTABLE=${desktop}: using that VS Code; code-server not installed`);
    return;
  }
  if (process.version.split('.')[0] !== 'v20') {
    fail(
      `code-server@${codeServerVersion} needs Node 20 (this is ${process.version}). ` +
        'Use Node 20, or set VSCODE_EXECUTABLE to a desktop VS Code.',
    );
  }
  if (!ensureDebianPackages()) fail('required system packages are missing (see above)');
  mkdirSync(codeServerDir, { recursive: true });
  installCodeServer();
}

// Only run when invoked as a script, so other scripts can import the helpers above.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
export { isCodeServerInstalled, missingDebianPackages };
