// Strings a file chooses leave the core clipped (issue 19, item 3): a 300 MB `padding_mode` must
// not travel into a finding, a hover or a diagnostic whole.
import assert from 'node:assert/strict';
import { analyze } from '../../src/analysis/analyze';
import { clipText, MAX_MESSAGE_CHARS, MAX_VALUE_CHARS } from '../../src/analysis/clipStrings';
import { createIncrementalAnalyzer } from '../../src/analysis/incremental';

const source = (n: number) =>
  [
    'import torch.nn as nn',
    'class Net(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    `        self.conv = nn.Conv2d(3, 8, 3, padding_mode='a' * ${n})`,
    `        self.add_module('m' * ${n}, nn.Linear(4, 4))`,
    `        self.norm = nn.LayerNorm(4, eps='e' * ${n})`,
  ].join('\n');

describe('clipped strings (issue 19)', () => {
  it('clips configs, paths, formulas and messages of a file with huge strings', () => {
    for (const analysis of [analyze(source(100_000), 'python'), createIncrementalAnalyzer().update(source(100_000), 'python')]) {
      const strings: string[] = [];
      const collect = (v: unknown): void => {
        if (typeof v === 'string') strings.push(v);
        else if (Array.isArray(v)) v.forEach(collect);
        else if (v && typeof v === 'object') Object.entries(v).forEach(([k, x]) => (strings.push(k), collect(x)));
      };
      collect(analysis.models);
      collect(analysis.annotations);
      for (const s of strings) assert.ok(s.length <= MAX_VALUE_CHARS, `a string of ${s.length} characters: ${s.slice(0, 60)}…`);
      for (const f of analysis.findings) assert.ok(f.message.length <= MAX_MESSAGE_CHARS, `a message of ${f.message.length} characters`);
      assert.ok(strings.some((s) => /… \(100,000 characters\)$/.test(s)), 'the clipped text says how long it was');
      assert.ok(JSON.stringify(analysis).length < 100_000, 'the analysis is small');
    }
  });

  it('clips to at most the bound, and clipping twice changes nothing', () => {
    const once = clipText('x'.repeat(10_000), 100);
    assert.ok(once.length <= 100);
    assert.equal(clipText(once, 100), once);
    assert.equal(clipText('short', 100), 'short');
  });
});
