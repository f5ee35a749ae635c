// The interpreters never build a collection or string beyond the allocation bounds (issue 19,
// item 3): each of the pathological inputs, analysed in this very process (a crash would
// end the test run), ends with a finding that names the bound, and its analysis stays small.
import assert from 'node:assert/strict';
import { analyze } from '../../src/analysis/analyze';
import { MAX_COLLECTION_ITEMS, MAX_STRING_CHARS } from '../../src/analysis/allocation';
import { pathologicalInputs } from './pathologicalInputs';

describe('allocation bounds (issue 19)', function () {
  this.timeout(60_000);

  for (const input of pathologicalInputs.filter((i) => i.bounded)) {
    it(`bounds ${input.name} with a finding`, () => {
      const analysis = analyze(input.text, input.language);
      const messages = analysis.findings.map((f) => f.message);
      assert.ok(
        messages.some((m) => /would exceed the analysis's bound|step budget/.test(m)),
        `no finding names the bound: ${JSON.stringify(messages)}`,
      );
      assert.ok(JSON.stringify(analysis).length < 100_000, 'the analysis is small');
    });
  }

  it('still builds collections and strings within the bounds', () => {
    const text = [`a = [0] * ${MAX_COLLECTION_ITEMS}`, `s = 'x' * ${MAX_STRING_CHARS}`, 'n = len(a) + len(s)', 'import torch.nn as nn', 'fc = nn.Linear(n, 2)'].join('\n');
    const analysis = analyze(text, 'python');
    assert.ok(!analysis.findings.some((f) => /would exceed/.test(f.message)), JSON.stringify(analysis.findings));
  });
});
