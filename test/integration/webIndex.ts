// The integration test runner for the web worker extension host (vscode.dev, github.dev), built to
// dist/test/web.js and loaded by @vscode/test-web through extensionTestsPath (scripts/testWeb.mjs).
// It runs the same suites as index.ts, with mocha's browser build: a worker has no file system and
// no process.env, so counts come back as one marked console line, which the worker's console
// forwards to the Node process that started the browser.
import 'mocha/mocha';
import { integrationSuites } from './suites.generated';

/** The prefix of the console line that carries the results; scripts/testWeb.mjs looks for it. */
export const resultsMarker = 'LAYER_LENS_WEB_RESULTS ';

/** Set at build time by esbuild.mjs from LAYER_LENS_TEST_GREP (a worker cannot read the environment). */
declare const LAYER_LENS_TEST_GREP: string;

/** What scripts/testWeb.mjs reads back after the run: the same shape as index.ts writes to a file. */
interface IntegrationResults {
  passed: number;
  failed: number;
  pending: number;
  /** Titles of skipped tests: scripts/test.mjs counts them as failures, since nothing may skip silently. */
  pendingTitles: string[];
  failures: { title: string; message: string }[];
}

/** Runs every integration suite in the web extension host. */
export async function run(): Promise<void> {
  // mocha/mocha (the browser build) defines the global `mocha`; the spec reporter writes through
  // console.log, where the default HTML reporter would need a DOM the worker lacks.
  const browserMocha = mocha;
  browserMocha.setup({ ui: 'bdd', reporter: 'spec', timeout: 30_000, color: false });
  if (LAYER_LENS_TEST_GREP) browserMocha.grep(LAYER_LENS_TEST_GREP);
  for (const suite of integrationSuites) {
    // mocha.setup already defined the BDD globals; each suite only needs evaluating, in order.
    browserMocha.suite.emit('pre-require', globalThis, suite.file, browserMocha);
    await suite.load();
    browserMocha.suite.emit('post-require', globalThis, suite.file, browserMocha);
  }

  const results: IntegrationResults = { passed: 0, failed: 0, pending: 0, pendingTitles: [], failures: [] };
  await new Promise<void>((resolve, reject) => {
    const runner = browserMocha.run((failures) => {
      console.log(resultsMarker + JSON.stringify(results));
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed in the web extension host.`));
      else resolve();
    });
    runner.on('pass', () => results.passed++);
    runner.on('pending', (test) => {
      results.pending++;
      results.pendingTitles.push(test.fullTitle());
    });
    runner.on('fail', (test, error: Error) => {
      results.failed++;
      results.failures.push({ title: test.fullTitle(), message: String(error?.message ?? error) });
    });
  });
}
