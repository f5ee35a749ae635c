// Issue 10.2: pathological models. Each fixture in test/fixtures/robustness/ is a model that real
// PyTorch rejects (its comment quotes PyTorch's error; checkWithPytorch.py beside them reproduces them).
// The analysis must answer each with a clear finding at the right place, without allocating
// anything near the size the model asks for. Time is bench/fuzz.mjs's business; a hang here fails
// on the suite's timeout.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/analysis/analyze';
import type { Analysis, Finding } from '../../src/analysis/types';
import { analysisProblems } from './robustnessInputs';

const fixtures = join(__dirname, '..', 'fixtures', 'robustness');

/** A finding as the test compares it: severity, code, line and message. */
type Expected = [Finding['severity'], Finding['code'], number, string];

/**
 * Every finding each fixture must produce, exactly: the code says what kind of problem it is, the
 * line is where PyTorch raises (the constructor, or the call in forward), and the message names the
 * numbers that disagree. A fixture that gained or lost a finding fails here.
 */
const expectations: Record<string, Expected[]> = {
  'kernel_larger_than_input.py': [
    ['error', 'shape-mismatch', 12, 'Conv2d(3, 8, 7): kernel extent 7 along H is larger than the padded input (5 + padding 0)'],
    ['error', 'shape-mismatch', 12, 'Conv2d(3, 8, 7): kernel extent 7 along W is larger than the padded input (5 + padding 0)'],
  ],
  'negative_dims.py': [
    ['error', 'invalid-argument', 8, 'Linear: in_features must be non-negative but got -5'],
    ['error', 'shape-mismatch', 12, '(4,16)·(-5,10): inner dimensions 16 ≠ -5 — Linear(-5, 10) expects -5 features but the input has 16'],
  ],
  'zero_dims.py': [
    ['error', 'shape-mismatch', 12, 'Conv2d(3, 16, 3): kernel extent 3 along H is larger than the padded input (0 + padding 0)'],
    ['error', 'shape-mismatch', 12, 'Conv2d(3, 16, 3): kernel extent 3 along W is larger than the padded input (0 + padding 0)'],
  ],
  'stride_zero.py': [
    ['error', 'invalid-argument', 8, 'Conv2d: non-positive stride is not supported'],
  ],
  'dilation_zero.py': [
    ['error', 'invalid-argument', 8, 'Conv1d: dilation should be greater than zero'],
  ],
  'groups_not_dividing.py': [
    ['error', 'invalid-argument', 8, 'Conv2d: in_channels (6) must be divisible by groups (4)'],
  ],
  'mutual_recursion.py': [
    ['warning', 'budget', 10, 'call depth limit 48 reached at __init__; its result is unknown'],
    ['warning', 'budget', 13, 'call depth limit 48 reached at forward; its result is unknown'],
    ['warning', 'budget', 20, 'call depth limit 48 reached at __init__; its result is unknown'],
    ['warning', 'budget', 23, 'call depth limit 48 reached at forward; its result is unknown'],
  ],
  'self_containing.py': [
    ['warning', 'budget', 9, 'call depth limit 48 reached at __init__; its result is unknown'],
    ['warning', 'budget', 12, 'call depth limit 48 reached at forward; its result is unknown'],
  ],
  'billion_iterations.py': [
    ['warning', 'budget', 9, 'loop stopped after 256 iterations'],
  ],
  'huge_linear.py': [
    ['error', 'invalid-argument', 9, 'Linear(1000000000000, 1000000000000): the weight would hold about 1.00e+24 parameters, too large to allocate or count exactly (more than 2^53)'],
  ],
};


/** Analyses a fixture and measures the heap growth around it. */
function run(file: string): { text: string; analysis: Analysis; heapGrowthMb: number } {
  const text = readFileSync(join(fixtures, file), 'utf8');
  const heapBefore = process.memoryUsage().heapUsed;
  const analysis = analyze(text, 'python', { fileName: join(fixtures, file) });
  return { text, analysis, heapGrowthMb: (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20 };
}

function describeFindings(analysis: Analysis): string {
  return analysis.findings.map((f) => `  ${f.severity} ${f.code} line ${f.line}: ${f.message}`).join('\n') || '  (no findings)';
}

describe('robustness: pathological models give a clear finding, no hang, no giant allocation', function () {
  this.timeout(30_000);

  for (const [file, expected] of Object.entries(expectations)) {
    it(`${file}: ${expected.map(([severity, code, line]) => `${severity} ${code} at line ${line}`).join(', ')}`, () => {
      const { text, analysis, heapGrowthMb } = run(file);
      assert.ok(heapGrowthMb < 256, `the heap grew by ${heapGrowthMb.toFixed(0)} MB`);
      assert.deepEqual(analysisProblems(text, analysis), []);
      const got = analysis.findings.map((f): Expected => [f.severity, f.code, f.line, f.message]);
      assert.deepEqual(got, expected, `findings of ${file}:\n${describeFindings(analysis)}`);
    });
  }

  it('huge_linear.py: no parameter count printed as exact beyond 2^53', () => {
    const { analysis } = run('huge_linear.py');
    for (const model of analysis.models) {
      for (const m of model.modules) {
        for (const count of [m.paramsOwn, m.paramsTotal]) {
          // 10^24 + 10^12 is not representable; a number here would silently be wrong.
          assert.ok(count === null || Number.isSafeInteger(count), `${m.path || model.name}: parameter count ${count} is not exact`);
        }
      }
      assert.ok(model.totalParams === null || Number.isSafeInteger(model.totalParams), `${model.name}: total ${model.totalParams} is not exact`);
    }
  });
});
