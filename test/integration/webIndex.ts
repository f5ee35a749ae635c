// The integration test runner for the web worker extension host (vscode.dev, github.dev), built to
// dist/test/web.js and loaded by @vscode/test-web through extensionTestsPath (scripts/testWeb.mjs).
// It runs the same suites as index.ts, with mocha's browser build: a worker has no file system and
// no process.env, so counts come back as one marked console line, which the worker's console
// forwards to the Node process that started the browser.
import 'mocha/mocha';
import { loadSuites, runCounting } from './runSuites';

/** The prefix of the console line that carries the results; scripts/testWeb.mjs looks for it. */
export const resultsMarker = 'LAYER_LENS_WEB_RESULTS ';

/** Set at build time by esbuild.mjs from LAYER_LENS_TEST_GREP (a worker cannot read the environment). */
declare const LAYER_LENS_TEST_GREP: string;

/** Runs every integration suite in the web extension host. */
export async function run(): Promise<void> {
  // mocha/mocha (the browser build) defines the global `mocha`; the spec reporter writes through
  // console.log, where the default HTML reporter would need a DOM the worker lacks.
  const browserMocha = mocha;
  browserMocha.setup({ ui: 'bdd', reporter: 'spec', timeout: 30_000, color: false });
  if (LAYER_LENS_TEST_GREP) browserMocha.grep(LAYER_LENS_TEST_GREP);
  // mocha.setup already defined the BDD globals; each suite only needs evaluating, in order.
  await loadSuites(browserMocha);
  const { results, failures } = await runCounting(browserMocha);
  console.log(resultsMarker + JSON.stringify(results));
  if (failures > 0) throw new Error(`${failures} integration test(s) failed in the web extension host.`);
}
