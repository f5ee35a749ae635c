// Python's `%` string formatting (src/analysis/python/operators.ts): what it formats, and that a
// hostile format string costs linear time (issue 19 item 4: the regular expression it replaced
// backtracked quadratically on `'%' + '0' * n`, 28 s for n = 100000 — this file then times out
// under mocha's limit instead of passing) and, past a cap, is not formatted at all.

import assert from 'node:assert/strict';
import { analyze } from '../../src/analysis/analyze';
import { formatPercent, MAX_FORMAT_LENGTH, percentFormat, type OperatorHost } from '../../src/analysis/python/operators';
import { int, str, unknown, type CallSite, type Value } from '../../src/analysis/python/values';

const site: CallSite = { from: 0, to: 0, file: { path: 'm.py', text: '', isMain: true, lineStarts: [0] } };

function host(gaps: string[]): OperatorHost {
  return {
    tensorBinop: () => unknown('tensor'),
    instanceOperator: () => undefined,
    gap: (_site, message) => gaps.push(message),
    // The step budget is the interpreter's; operators only report what they build (issue 19).
    charge: () => undefined,
    walked: () => undefined,
  };
}

describe('python operators: %-formatting', () => {
  it('formats flags, widths, precisions and %% as before', () => {
    assert.equal(formatPercent('block%d', [int(3)]), 'block3');
    assert.equal(formatPercent('%s_%05d %.2f %% %-3i', [str('a'), int(7), { k: 'float', v: 1.5 }, { k: 'float', v: 2.9 }]), 'a_7 1.5 % 2');
    assert.equal(formatPercent('100% sure', [int(1)]), '1001ure', "'% s' is a conversion with the space flag, as in Python");
    assert.equal(formatPercent('50%z', [int(1)]), '50%z');
    assert.equal(formatPercent('%5.z %', []), '%5.z %');
  });

  it('is unknown when a converted argument is unknown or missing', () => {
    assert.equal(formatPercent('%d-%d', [int(1)]), null);
    assert.equal(formatPercent('%s', [unknown('x')]), null);
  });

  it("scans '%' + '0' * 100000 + 'z' in linear time, leaving it as written", () => {
    const fmt = '%' + '0'.repeat(100_000) + 'z';
    assert.equal(formatPercent(fmt, [int(1)]), fmt);
    const many = '%0.'.repeat(50_000);
    assert.equal(formatPercent(many, []), many);
  });

  it(`leaves a format longer than ${MAX_FORMAT_LENGTH} characters unknown, with a finding`, () => {
    const gaps: string[] = [];
    const v: Value = percentFormat(host(gaps), '%' + '0'.repeat(100_000) + 'z', int(1), site);
    assert.equal(v.k, 'unknown');
    assert.equal(gaps.length, 1);
    assert.match(gaps[0], /%-format string of 100002 characters/);
    assert.equal(percentFormat(host(gaps), 'x%dy', int(2), site).k, 'str');
  });

  it('a hostile format in a model file completes with a finding naming it', () => {
    const a = analyze(
      `import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        name = ('%' + '0' * 100000 + 'z') % 1
        self.add_module(name, nn.Linear(4, 2))
    # layer-lens: x: (N, 4)
    def forward(self, x):
        return x
`,
      'python',
    );
    assert.ok(a.findings.some((f) => /%-format string of 100002 characters/.test(f.message)), a.findings.map((f) => f.message).join(' | '));
  });
});
