// Issue 17, item 7: inference gaps are hints, grouped when one cause makes several; what a user
// should act on keeps its severity; `verboseFindings` gives the interpreter's findings unchanged.
import assert from 'node:assert/strict';
import { analyze } from '../../src/analysis/analyze';
import { gapCause, quietFindings } from '../../src/analysis/quietFindings';
import type { Finding } from '../../src/analysis/types';

function finding(severity: Finding['severity'], code: Finding['code'], from: number, message: string): Finding {
  return { severity, code, span: { from, to: from + 1 }, line: from, message, related: [] };
}

describe('quietFindings: gaps as hints, grouped by cause', () => {
  it('reads the cause of a gap from its last parentheses', () => {
    assert.equal(gapCause('cannot follow call of q.view (cannot unpack ?)'), 'cannot unpack ?');
    assert.equal(gapCause('tensor method .foo() is not modelled'), 'tensor method .foo() is not modelled');
  });

  it('turns gaps into hints and keeps errors, invalid arguments and budgets as they are', () => {
    const out = quietFindings([
      finding('error', 'shape-mismatch', 1, 'mismatch'),
      finding('info', 'inference-gap', 2, 'cannot follow call of f (a)'),
      finding('warning', 'unknown-layer', 3, 'nn.Foo is not in the catalogue'),
      finding('warning', 'invalid-argument', 4, 'f() takes 2 arguments'),
      finding('warning', 'budget', 5, 'loop stopped'),
    ]);
    assert.deepEqual(
      out.map((f) => f.severity),
      ['error', 'hint', 'hint', 'warning', 'warning'],
    );
  });

  it('groups gaps with one cause in one definition into one finding with related locations', () => {
    const out = quietFindings(
      [
        finding('info', 'inference-gap', 10, 'cannot follow call of q.view (cannot unpack ?)'),
        finding('info', 'inference-gap', 20, 'cannot follow call of k.view (cannot unpack ?)'),
        finding('info', 'inference-gap', 30, 'cannot follow call of v.view (cannot unpack ?)'),
        finding('info', 'inference-gap', 150, 'cannot follow call of w.view (cannot unpack ?)'),
      ],
      [
        { from: 0, to: 100 },
        { from: 100, to: 200 },
      ],
    );
    assert.equal(out.length, 2);
    assert.match(out[0].message, /q\.view .*and 2 more places with the same cause/);
    assert.deepEqual(out[0].related.map((r) => r.span.from), [20, 30]);
    assert.equal(out[1].related.length, 0, 'another definition is another group');
  });
});

describe('analyze: quiet by default, verbose on request', () => {
  const source = [
    'import torch',
    'from torch import nn',
    '',
    'class Net(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.fc = nn.Linear(4, 2)',
    '',
    '    def forward(self, x):',
    '        y = mystery.a(x)',
    '        z = mystery.b(x)',
    '        return self.fc(x)',
    '',
  ].join('\n');

  it('reports the gaps of one unknown name once, as a hint', () => {
    const quiet = analyze(source, 'python').findings.filter((f) => f.code === 'inference-gap');
    const verbose = analyze(source, 'python', { verboseFindings: true }).findings.filter((f) => f.code === 'inference-gap');
    assert.ok(verbose.length >= 2, JSON.stringify(verbose));
    assert.ok(verbose.every((f) => f.severity === 'info'));
    assert.ok(quiet.length < verbose.length, JSON.stringify(quiet));
    assert.ok(quiet.every((f) => f.severity === 'hint'));
  });
});
