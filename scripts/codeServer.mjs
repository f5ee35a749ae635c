// Shared helpers for running a real VS Code here: code-server (VS Code 1.100.3 with a Node extension
// host) on a free loopback port, and Debian's chromium driven by playwright-core.
// See /work/shared/VSCODE.md ("Route A") for why each flag is there.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
export const codeServerVersion = '4.100.3';
export const codeServerDir = join(repoRoot, '.vscode-test/code-server');
export const codeServerEntry = join(codeServerDir, 'node_modules/code-server/out/node/entry.js');
export const installedMarker = join(codeServerDir, 'installed.json');
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Chromium flags that keep it quiet on a machine without internet and inside containers. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** A loopback port nobody listens on right now (several engineers run tests at the same time). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A fresh temporary directory and a function that removes it. */
export function makeTempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Throws a readable error when code-server is not installed. */
export function assertCodeServerInstalled() {
  if (!existsSync(codeServerEntry)) {
    throw new Error(
      `code-server is not installed (${codeServerEntry} missing). Run \`npm install\` (or \`node scripts/setup.mjs\`) first.`,
    );
  }
}

/**
 * User settings for a fresh profile that keep prompts about things outside our extension (the
 * repository's git folder above examples/, the welcome page) out of screenshots and tests.
 */
function writeQuietUserSettings(userDataDir, untrusted = false) {
  const settingsFile = join(userDataDir, 'User/settings.json');
  if (existsSync(settingsFile)) return;
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  const settings = {
    // An untrusted run opens its folder in Restricted Mode without asking.
    ...(untrusted ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'never' } : {}),
    'git.openRepositoryInParentFolders': 'never',
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
  };
  writeFileSync(settingsFile, JSON.stringify(settings, null, 2) + '\n');
}

/**
 * Starts code-server on a free loopback port with its own user-data and extensions directories.
 * Resolves once it listens. `extraArgs` are appended (e.g. the folder to open).
 */
export async function startCodeServer({ userDataDir, extensionsDir, folder, env = {}, quiet = true, logFile, untrusted = false }) {
  assertCodeServerInstalled();
  writeQuietUserSettings(userDataDir, untrusted);
  // Retry a few times in case another process takes the port between our probe and code-server's bind.
  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const args = [
      codeServerEntry,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      // Trusted unless asked: `untrusted` leaves workspace trust on, so the folder opens in Restricted Mode.
      ...(untrusted ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      // A config file of our own: code-server would otherwise create ~/.config/code-server/config.yaml.
      '--config', join(userDataDir, 'config.yaml'),
      '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir,
      ...(folder ? [folder] : []),
    ];
    const child = spawn(process.execPath, args, {
      cwd: repoRoot,
      // No extension gallery: these machines cannot reach one, and tests must not depend on it.
      env: { ...process.env, EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: '' }), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const onData = (chunk) => {
      output += chunk;
      if (!quiet) process.stdout.write(chunk);
      logFile?.write(chunk);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    try {
      await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`code-server did not start within 60 s:\n${output}`)), 60_000);
        const check = () => {
          if (/HTTP server listening on/.test(output)) {
            clearTimeout(timer);
            resolve();
          }
        };
        child.stdout.on('data', check);
        child.stderr.on('data', check);
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`code-server exited with ${code} before listening:\n${output}`));
        });
      });
    } catch (error) {
      lastError = error;
      child.kill();
      if (/EADDRINUSE/.test(String(error))) continue;
      throw error;
    }
    const origin = `http://127.0.0.1:${port}`;
    const stop = () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      });
    return { port, origin, child, output: () => output, stop };
  }
  throw lastError;
}

/**
 * The workbench URL that opens FOLDER and passes VS Code's development options through the
 * `payload` query parameter (code-server has no --extensionDevelopmentPath flag).
 */
export function workbenchUrl(origin, { folder, extensionDevelopmentPath, extensionTestsPath }) {
  const host = new URL(origin).host;
  const remote = (path) => `vscode-remote://${host}${path}`;
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  const query = new URLSearchParams();
  if (folder) query.set('folder', folder);
  if (payload.length) query.set('payload', JSON.stringify(payload));
  return `${origin}/?${query.toString()}`;
}

/**
 * Launches headless Debian chromium through playwright-core. Local-network-access checks are off
 * because isolateWebviews() serves the workbench page through playwright, which Chromium then no
 * longer counts as a loopback page allowed to open sockets to 127.0.0.1.
 */
export async function launchChromium({ headless = true } = {}) {
  if (!existsSync(chromiumPath)) {
    throw new Error(`chromium not found at ${chromiumPath}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: chromiumPath,
    headless,
    args: [...chromiumArgs, '--disable-features=LocalNetworkAccessChecks,LocalNetworkAccessChecksWebSockets'],
  });
}

/**
 * Gives webviews an origin of their own, as VS Code proper does (`<hash>.vscode-cdn.net`), instead
 * of code-server's same-origin webview endpoint. On the shared origin, a second webview in the same
 * page waits forever for its service worker ("Found unexpected service worker controller"), so
 * tests that open panels one after another time out. `<hash>.localhost` resolves to loopback, and the
 * same code-server serves the webview files there. The workbench page is rewritten in flight: its
 * configuration's webviewEndpoint, and the CSP's frame-src to allow those origins.
 */
export async function isolateWebviews(page, origin) {
  const { port } = new URL(origin);
  const webviewOrigins = `http://*.localhost:${port}`;
  const allowFrames = (csp) => csp.replaceAll("frame-src 'self'", `frame-src 'self' ${webviewOrigins}`);
  await page.route(
    (url) => url.origin === origin && url.pathname === '/',
    async (route) => {
      const response = await route.fetch();
      const body = allowFrames(
        (await response.text()).replace(
          '&quot;webviewEndpoint&quot;:&quot;',
          `&quot;webviewEndpoint&quot;:&quot;http://{{uuid}}.localhost:${port}/`,
        ),
      );
      const headers = Object.fromEntries(
        Object.entries(response.headers()).map(([name, value]) =>
          [name, name.toLowerCase() === 'content-security-policy' ? allowFrames(value) : value]),
      );
      await route.fulfill({ response, body, headers });
    },
  );
}
