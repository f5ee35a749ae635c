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

/** What one fixture must produce. */
interface Expectation {
  file: string;
  /** Acceptable finding codes. */
  codes: Finding['code'][];
  /** Every pattern must match the message of one and the same finding. */
  message: RegExp[];
  /** Lines the finding may point at (the constructor or the call that fails). */
  lines: number[];
  /** Severity at least this serious. */
  severity: 'error' | 'warning';
}

const expectations: Expectation[] = [
  { file: 'kernel_larger_than_input.py', codes: ['shape-mismatch', 'invalid-argument'], message: [/kernel/i, /7/, /5/], lines: [8, 12], severity: 'error' },
  { file: 'negative_dims.py', codes: ['invalid-argument', 'shape-mismatch'], message: [/negative|-5/i], lines: [8], severity: 'error' },
  { file: 'zero_dims.py', codes: ['shape-mismatch', 'invalid-argument'], message: [/kernel|zero|empty|\b0\b/i], lines: [8, 12], severity: 'error' },
  { file: 'stride_zero.py', codes: ['invalid-argument'], message: [/stride/i], lines: [8], severity: 'error' },
  { file: 'dilation_zero.py', codes: ['invalid-argument'], message: [/dilation/i], lines: [8], severity: 'error' },
  { file: 'groups_not_dividing.py', codes: ['invalid-argument'], message: [/groups/i, /divisible|divide/i], lines: [8], severity: 'error' },
  { file: 'mutual_recursion.py', codes: ['budget', 'inference-gap', 'invalid-argument'], message: [/recurs|cycle|itself|depth|nest/i], lines: [10, 19], severity: 'warning' },
  { file: 'self_containing.py', codes: ['budget', 'inference-gap', 'invalid-argument'], message: [/recurs|cycle|itself|depth|nest/i], lines: [9], severity: 'warning' },
  { file: 'billion_iterations.py', codes: ['budget', 'inference-gap'], message: [/budget|iteration|steps|too many|loop|gave up/i], lines: [9, 10], severity: 'warning' },
  { file: 'huge_linear.py', codes: ['invalid-argument', 'budget', 'inference-gap', 'shape-mismatch'], message: [/large|exceed|overflow|memory|precision|too many|10\^?\*?\*?12|1e\+?12|\b10{12}\b/i], lines: [9], severity: 'warning' },
];

const rank = { error: 3, warning: 2, info: 1, hint: 0 } as const;

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

  for (const e of expectations) {
    it(`${e.file}: ${e.codes.join('/')} finding matching ${e.message.map(String).join(' and ')}`, () => {
      const { text, analysis, heapGrowthMb } = run(e.file);
      assert.ok(heapGrowthMb < 256, `the heap grew by ${heapGrowthMb.toFixed(0)} MB`);
      assert.deepEqual(analysisProblems(text, analysis), []);
      const match = analysis.findings.find(
        (f) => e.codes.includes(f.code) && rank[f.severity] >= rank[e.severity] && e.message.every((r) => r.test(f.message)),
      );
      assert.ok(match, `expected a ${e.severity}+ ${e.codes.join('/')} finding matching ${e.message.join(', ')}; got:\n${describeFindings(analysis)}`);
      assert.ok(e.lines.includes(match.line), `the finding points at line ${match.line}, expected one of ${e.lines.join(', ')}`);
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
