// A focused analysis (AnalyzeOptions.focus: the editor's visible lines of a cold document) builds
// only the models the range needs, and must show there exactly the hints the full analysis shows.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { syntheticModel } from '../../bench/syntheticModel';
import * as analysisApi from '../../src/analysis/api';
import { analyze } from '../../src/analysis/analyze';
import type { Analysis, Span } from '../../src/analysis/types';
import { provideAnalysisCore } from '../../src/editor/core';
import { hintsToShow } from '../../src/editor/format';

provideAnalysisCore(() => analysisApi);

const examples = join(__dirname, '..', '..', 'examples');

/** The hint labels a range shows, as the inlay hint provider filters them. */
function hintsIn(analysis: Analysis, text: string, range: Span): string[] {
  return hintsToShow(analysis, text, 'notation', 'both')
    .filter((h) => h.annotation.span.to >= range.from && h.annotation.span.to <= range.to)
    .map((h) => `${h.annotation.span.to}:${h.label}`)
    .sort();
}

/** Windows of `size` lines every `step` lines, as offsets. */
function windows(text: string, size: number, step: number): Span[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const out: Span[] = [];
  for (let line = 0; line < starts.length; line += step) out.push({ from: starts[line], to: starts[Math.min(starts.length - 1, line + size)] });
  return out;
}

function checkFile(name: string, text: string, fileName: string): void {
  const full = analyze(text, 'python', { fileName });
  assert.equal(full.partial, undefined);
  for (const range of windows(text, 60, 40)) {
    const focused = analyze(text, 'python', { fileName, focus: range });
    assert.deepEqual(focused.partial, range, `${name}: a focused result says so`);
    assert.ok(focused.models.length <= full.models.length);
    assert.deepEqual(hintsIn(focused, text, range), hintsIn(full, text, range), `${name}: hints in ${range.from}..${range.to}`);
  }
}

describe('focused analysis: the visible models first', function () {
  this.timeout(60_000);

  for (const file of readdirSync(examples).filter((f) => f.endsWith('.py')).sort()) {
    it(`${file}: every 60-line window shows the full analysis's hints`, () => {
      checkFile(file, readFileSync(join(examples, file), 'utf8'), join(examples, file));
    });
  }

  it('a 2,000-line synthetic file: same hints in every window, far fewer models built', () => {
    const { text } = syntheticModel(2000);
    checkFile('synthetic', text, 'synthetic.py');
    const middle = windows(text, 60, 1000)[1];
    const focused = analyze(text, 'python', { focus: middle });
    const full = analyze(text, 'python', {});
    assert.ok(focused.models.length * 5 < full.models.length, `${focused.models.length} of ${full.models.length} models built`);
  });

  it('builds the models that use a class in the range, so its hints carry their shapes', () => {
    const text = [
      'import torch.nn as nn',
      '',
      'class Inner(nn.Module):',
      '    def __init__(self, d=8):',
      '        super().__init__()',
      '        self.fc = nn.Linear(d, d)',
      '',
      '    def forward(self, x):',
      '        return self.fc(x)',
      '',
      'class Outer(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.inner = Inner(16)',
      '',
      '    # layer-lens: x: (4, 16)',
      '    def forward(self, x):',
      '        return self.inner(x)',
      '',
    ].join('\n');
    const range = { from: text.indexOf('class Inner'), to: text.indexOf('class Outer') - 1 };
    const focused = analyze(text, 'python', { focus: range });
    assert.deepEqual(focused.models.map((m) => m.name).sort(), ['Inner', 'Outer']);
    assert.deepEqual(hintsIn(focused, text, range), hintsIn(analyze(text, 'python'), text, range));
    assert.ok(hintsIn(focused, text, range).some((h) => h.includes('(4,16)')), hintsIn(focused, text, range).join(' '));
  });

  it('a range with no model in it builds none, and an explicit model ignores the focus', () => {
    const text = readFileSync(join(examples, 'wavenet.py'), 'utf8');
    const top = { from: 0, to: text.indexOf('\n') };
    assert.equal(analyze(text, 'python', { focus: top }).models.length, 0);
    const explicit = analyze(text, 'python', { focus: top, model: 'WaveNet()' });
    assert.equal(explicit.partial, undefined);
    assert.equal(explicit.models.length, 1);
  });
});
