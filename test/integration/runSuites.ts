// What both integration runners share (index.ts in the Node extension host, webIndex.ts in the web
// worker host): loading the suites into a mocha instance and counting a run's outcomes. No Node
// modules here, so the web bundle can use it.
import type Mocha from 'mocha';
import { integrationSuites } from './suites.generated';

/** What the runners report back to scripts/test.mjs and scripts/testWeb.mjs: counts plus the failures' titles and messages. */
export interface IntegrationResults {
  passed: number;
  failed: number;
  pending: number;
  /** Titles of skipped tests: scripts/test.mjs counts them as failures, since nothing may skip silently. */
  pendingTitles: string[];
  failures: { title: string; message: string }[];
}

/** Evaluates every suite in order, as mocha.loadFiles does for files on disk (the globals come first). */
export async function loadSuites(mocha: Mocha): Promise<void> {
  for (const suite of integrationSuites) {
    mocha.suite.emit('pre-require', globalThis, suite.file, mocha);
    await suite.load();
    mocha.suite.emit('post-require', globalThis, suite.file, mocha);
  }
}

/** Runs the loaded suites and resolves, whatever the outcome, with the counts and mocha's failure count. */
export function runCounting(mocha: Mocha): Promise<{ results: IntegrationResults; failures: number }> {
  const results: IntegrationResults = { passed: 0, failed: 0, pending: 0, pendingTitles: [], failures: [] };
  return new Promise((resolve) => {
    const runner = mocha.run((failures) => resolve({ results, failures }));
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
