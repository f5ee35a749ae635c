// The integration test runner VS Code's extension host loads through extensionTestsPath (built to
// dist/test/index.js). The same file serves code-server (scripts/test.mjs) and a desktop VS Code
// (@vscode/test-electron). Suites are the test/integration/*.test.ts files, listed at build time in
// suites.generated.ts, and use mocha's BDD interface (describe/it, before/after).
import { appendFileSync, writeFileSync } from 'node:fs';
import { format } from 'node:util';
import Mocha from 'mocha';
import { integrationSuites } from './suites.generated';

/** What scripts/test.mjs reads back after the run: counts plus the failures' titles and messages. */
interface IntegrationResults {
  passed: number;
  failed: number;
  pending: number;
  /** Titles of skipped tests: scripts/test.mjs counts them as failures, since nothing may skip silently. */
  pendingTitles: string[];
  failures: { title: string; message: string }[];
}

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
  for (const suite of integrationSuites) {
    // What mocha.loadFiles does for a file on disk: define the globals, then evaluate the suite.
    mocha.suite.emit('pre-require', globalThis, suite.file, mocha);
    await suite.load();
    mocha.suite.emit('post-require', globalThis, suite.file, mocha);
  }

  const results: IntegrationResults = { passed: 0, failed: 0, pending: 0, pendingTitles: [], failures: [] };
  await new Promise<void>((resolve, reject) => {
    const runner = mocha.run((failures) => {
      if (resultsFile) writeFileSync(resultsFile, JSON.stringify(results, null, 2));
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed.`));
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
