// The integration test runner VS Code's extension host loads through extensionTestsPath (built to
// dist/test/index.js). The same file serves code-server (scripts/test.mjs) and a desktop VS Code
// (@vscode/test-electron). Suites are the test/integration/*.test.ts files, listed at build time in
// suites.generated.ts, and use mocha's BDD interface (describe/it, before/after).
import { appendFileSync, writeFileSync } from 'node:fs';
import { format } from 'node:util';
import Mocha from 'mocha';
import { loadSuites, runCounting } from './runSuites';

/**
 * Runs every integration suite. Spec output also goes, line by line, to LAYER_LENS_TEST_LOG, because
 * console output of a code-server extension host ends up in the browser, not in a terminal.
 */
export async function run(): Promise<void> {
  const resultsFile = process.env.LAYER_LENS_TEST_RESULTS;
  const logFile = process.env.LAYER_LENS_TEST_LOG;
  const grep = process.env.LAYER_LENS_TEST_GREP;
  if (logFile) {
    writeFileSync(logFile, '');
    const base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void; useColors: boolean };
    base.useColors = false;
    base.consoleLog = (...args: unknown[]) => {
      console.log(...args);
      appendFileSync(logFile, format(...args) + '\n');
    };
  }

  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 30_000, color: false });
  if (grep) mocha.grep(grep);
  await loadSuites(mocha);
  const { results, failures } = await runCounting(mocha);
  if (resultsFile) writeFileSync(resultsFile, JSON.stringify(results, null, 2));
  if (failures > 0) throw new Error(`${failures} integration test(s) failed.`);
}
