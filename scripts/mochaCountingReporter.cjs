// Mocha's spec reporter plus a results file: scripts/test.mjs passes LAYER_LENS_TEST_RESULTS and
// reads back the counts, so a suite's numbers never depend on parsing its console output.
'use strict';
const { writeFileSync } = require('node:fs');
const Mocha = require('mocha');

class CountingSpecReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const results = { passed: 0, failed: 0, pending: 0, pendingTitles: [], failures: [] };
    runner.on('pass', () => results.passed++);
    runner.on('pending', (test) => {
      results.pending++;
      results.pendingTitles.push(test.fullTitle());
    });
    runner.on('fail', (test, error) => {
      results.failed++;
      results.failures.push({ title: test.fullTitle(), message: String(error?.message ?? error) });
    });
    runner.once('end', () => {
      if (process.env.LAYER_LENS_TEST_RESULTS) {
        writeFileSync(process.env.LAYER_LENS_TEST_RESULTS, JSON.stringify(results, null, 2));
      }
    });
  }
}

module.exports = CountingSpecReporter;
