// Runs an extensionTestsPath module inside a real VS Code extension host and returns what the module
// reported. Used by the integration and package suites. Two routes, the same tests modules:
// - code-server's Node extension host driven by headless chromium (these machines; VSCODE.md route A);
// - a desktop VS Code through @vscode/test-electron when VSCODE_EXECUTABLE points at one.
//
// The workbench calls window.codeAutomationExit(code) when the tests module's run() settles; we
// expose that function through playwright-core and wait for it: a real event, never a sleep.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeServerEntry, isolateWebviews, launchChromium, makeTempDir, startCodeServer, workbenchUrl } from './codeServer.mjs';

/** Runs the tests module in a desktop VS Code when VSCODE_EXECUTABLE is set, else in code-server. */
export function runExtensionTests(options) {
  return process.env.VSCODE_EXECUTABLE ? runInDesktopVsCode(options) : runInWorkbench(options);
}

/** Installs a .vsix into an extensions directory with the same VS Code the tests will use. */
export function installIntoExtensionsDir(vsix, extensionsDir) {
  const temp = makeTempDir('layer-lens-install-');
  try {
    const [command, prefix] = process.env.VSCODE_EXECUTABLE
      ? [process.env.VSCODE_EXECUTABLE, []]
      : [process.execPath, [codeServerEntry]];
    const output = execFileSync(
      command,
      [...prefix, '--user-data-dir', join(temp.dir, 'user-data'), '--extensions-dir', extensionsDir, '--install-extension', vsix],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    if (!/successfully installed/i.test(output)) throw new Error(`--install-extension did not confirm the install:\n${output}`);
  } finally {
    temp.remove();
  }
}

/** The @vscode/test-electron route, for a developer's desktop VS Code (cannot be downloaded here). */
async function runInDesktopVsCode(options) {
  const { runTests } = await import('@vscode/test-electron');
  const temp = makeTempDir('layer-lens-desktop-');
  const resultsFile = join(temp.dir, 'results.json');
  const logFile = join(temp.dir, 'mocha.log');
  try {
    let exitCode = 0;
    try {
      await runTests({
        vscodeExecutablePath: process.env.VSCODE_EXECUTABLE,
        extensionDevelopmentPath: options.extensionDevelopmentPath,
        extensionTestsPath: options.extensionTestsPath,
        extensionTestsEnv: { ...options.env, LAYER_LENS_TEST_RESULTS: resultsFile, LAYER_LENS_TEST_LOG: logFile },
        launchArgs: [
          ...(options.folder ? [options.folder] : []),
          '--disable-workspace-trust',
          '--user-data-dir', join(temp.dir, 'user-data'),
          '--extensions-dir', options.extensionsDir ?? join(temp.dir, 'extensions'),
        ],
      });
    } catch (error) {
      exitCode = 1;
      if (!existsSync(resultsFile)) throw error;
    }
    const results = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : null;
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    return { exitCode, results, log, diagnostics: '' };
  } finally {
    temp.remove();
  }
}

/**
 * @param {object} options
 * @param {string} options.extensionTestsPath  absolute path of the built tests module (exports run()).
 * @param {string} [options.extensionDevelopmentPath]  absolute path of the extension under development.
 * @param {string} [options.folder]  the workspace folder to open.
 * @param {string} [options.extensionsDir]  an extensions directory to use (default: a fresh empty one).
 * @param {Record<string,string>} [options.env]  extra environment for code-server and its extension host.
 * @param {number} [options.timeoutMs]  how long the whole run may take.
 * @param {boolean} [options.untrusted]  open the folder in Restricted Mode (workspace trust on, never granted).
 * @returns {Promise<{exitCode: number|null, results: any, log: string, diagnostics: string}>}
 */
export async function runInWorkbench(options) {
  const temp = makeTempDir('layer-lens-workbench-');
  const resultsFile = join(temp.dir, 'results.json');
  const logFile = join(temp.dir, 'mocha.log');
  const diagnostics = [];
  let server;
  let browser;
  try {
    server = await startCodeServer({
      userDataDir: join(temp.dir, 'user-data'),
      extensionsDir: options.extensionsDir ?? join(temp.dir, 'extensions'),
      folder: options.folder,
      env: { ...options.env, LAYER_LENS_TEST_RESULTS: resultsFile, LAYER_LENS_TEST_LOG: logFile },
      untrusted: options.untrusted === true,
    });
    browser = await launchChromium();
    const page = await browser.newPage();
    await isolateWebviews(page, server.origin);
    const exited = new Promise((resolve) => page.exposeFunction('codeAutomationExit', (code) => resolve(code)));
    page.on('console', (message) => {
      if (message.type() === 'error') diagnostics.push(`[browser console] ${message.text()}`);
    });
    page.on('pageerror', (error) => diagnostics.push(`[page error] ${error.message}`));
    const timeoutMs = options.timeoutMs ?? 10 * 60_000;
    let timer;
    const timedOut = new Promise((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    await page.goto(
      workbenchUrl(server.origin, {
        folder: options.folder,
        extensionDevelopmentPath: options.extensionDevelopmentPath,
        extensionTestsPath: options.extensionTestsPath,
      }),
    );
    const outcome = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') diagnostics.push(`the workbench did not finish the tests within ${timeoutMs / 1000} s`);
    const results = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : null;
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    if (!results) diagnostics.push(`code-server output:\n${server.output()}`);
    return { exitCode: outcome === 'timeout' ? null : outcome, results, log, diagnostics: diagnostics.join('\n') };
  } finally {
    await browser?.close().catch(() => {});
    await server?.stop();
    temp.remove();
  }
}
