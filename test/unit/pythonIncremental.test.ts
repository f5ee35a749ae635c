// The incremental analyser must return exactly what a fresh analysis returns (elapsedMs aside),
// whatever sequence of edits reaches a text: random typing, deletions, pasted lines and edited
// numbers across the examples, a torchvision file and a large synthetic file.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { syntheticModel } from '../../bench/syntheticModel';
import { analyze } from '../../src/analysis/analyze';
import { createIncrementalAnalyzer } from '../../src/analysis/incremental';
import type { Analysis, AnalyzeOptions } from '../../src/analysis/types';
import { requireTorchvisionRoot } from './torchvisionSources';

const examples = join(__dirname, '..', '..', 'examples');

/** A small deterministic generator, so a failure replays. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** One random edit of the kinds typing makes. */
function edit(text: string, random: () => number): string {
  const at = Math.floor(random() * (text.length + 1));
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const lineEnd = text.indexOf('\n', at) < 0 ? text.length : text.indexOf('\n', at);
  switch (Math.floor(random() * 7)) {
    case 0:
      return text.slice(0, at) + ' ' + text.slice(at);
    case 1:
      return text.slice(0, at) + 'abcdefgh()[],:=\n 0123456789'[Math.floor(random() * 28)] + text.slice(at);
    case 2:
      return text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + Math.floor(random() * 4)));
    case 3: {
      // Change a number, as when a channel count is edited.
      const m = /\d+/.exec(text.slice(at));
      if (!m) return text;
      const from = at + m.index;
      return text.slice(0, from) + String(1 + Math.floor(random() * 128)) + text.slice(from + m[0].length);
    }
    case 4:
      // Duplicate a line (paste).
      return text.slice(0, lineEnd) + '\n' + text.slice(lineStart, lineEnd) + text.slice(lineEnd);
    case 5:
      // Delete a line.
      return text.slice(0, lineStart) + text.slice(Math.min(text.length, lineEnd + 1));
    default:
      // Undo-like: a comment line inserted above.
      return text.slice(0, lineStart) + '# note\n' + text.slice(lineStart);
  }
}

function comparable(a: Analysis): unknown {
  return JSON.parse(JSON.stringify({ ...a, elapsedMs: 0 }));
}

function checkSequence(name: string, start: string, options: AnalyzeOptions, steps: number, seed: number): void {
  const random = rng(seed);
  const incremental = createIncrementalAnalyzer();
  let text = start;
  for (let i = 0; i <= steps; i++) {
    const got = incremental.update(text, 'python', options);
    const want = analyze(text, 'python', options);
    assert.deepEqual(comparable(got), comparable(want), `${name}: step ${i} (seed ${seed}) differs from a fresh analysis`);
    // Mostly small edits near the previous one, sometimes a jump, sometimes back to the start text.
    text = random() < 0.08 ? start : edit(text, random);
  }
}

describe('incremental analysis equals fresh analysis', function () {
  this.timeout(300_000);
  const seed = Number(process.env.LAYER_LENS_INCREMENTAL_SEED ?? 20251125);

  for (const file of readdirSync(examples).filter((f) => f.endsWith('.py')).sort()) {
    it(`random edits of ${file}`, () => {
      const path = join(examples, file);
      checkSequence(file, readFileSync(path, 'utf8'), { fileName: path }, 25, seed + file.length);
    });
  }

  it('random edits of a 2,000-line synthetic file with many models', () => {
    checkSequence('synthetic', syntheticModel(2000).text, { fileName: '/bench/synthetic.py' }, 12, seed);
  });

  it('random edits of torchvision resnet.py with its imports read', () => {
    const torchvision = join(requireTorchvisionRoot(), 'torchvision');
    const path = join(torchvision, 'models', 'resnet.py');
    const readModule = (p: string) => (p.startsWith(torchvision + '/') && existsSync(p) ? readFileSync(p, 'utf8') : undefined);
    checkSequence('resnet.py', readFileSync(path, 'utf8'), { fileName: path, readModule }, 8, seed);
  });

  it('keeps a model result for an edit elsewhere and follows an edit inside it', () => {
    const text = [
      'import torch.nn as nn',
      '',
      'class A(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.fc = nn.Linear(8, 4)',
      '',
      '    # layer-lens: x: (N, 8)',
      '    def forward(self, x):',
      '        return self.fc(x)',
      '',
      'class B(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.fc = nn.Linear(16, 2)',
      '',
      '    # layer-lens: x: (N, 16)',
      '    def forward(self, x):',
      '        return self.fc(x)',
      '',
    ].join('\n');
    const incremental = createIncrementalAnalyzer();
    const first = incremental.update(text, 'python');
    // The first version has nothing to replay: both models are built.
    assert.deepEqual(incremental.stats(), { replayed: 0, rebuilt: 2, fellBack: false, full: false });
    // A line typed inside A moves B down a line: B's result is replayed, moved; A is rebuilt.
    const moved = text.replace('        self.fc = nn.Linear(8, 4)', '        self.fc = nn.Linear(8, 4)\n        self.act = nn.ReLU()');
    const second = incremental.update(moved, 'python');
    assert.deepEqual(incremental.stats(), { replayed: 1, rebuilt: 1, fellBack: false, full: false });
    assert.deepEqual(comparable(second), comparable(analyze(moved, 'python')));
    assert.equal(second.models.find((m) => m.name === 'B')!.line, first.models.find((m) => m.name === 'B')!.line + 1);
    // Editing B's Linear changes B only: A, untouched, is replayed.
    const edited = moved.replace('nn.Linear(16, 2)', 'nn.Linear(16, 3)');
    const third = incremental.update(edited, 'python');
    assert.deepEqual(incremental.stats(), { replayed: 1, rebuilt: 1, fellBack: false, full: false });
    assert.deepEqual(third.models.find((m) => m.name === 'B')!.outputShapes, [['N', 3]]);
    assert.deepEqual(comparable(third), comparable(analyze(edited, 'python')));
    // The same text again replays everything; another language does not use the memo at all.
    incremental.update(edited, 'python');
    assert.deepEqual(incremental.stats(), { replayed: 2, rebuilt: 0, fellBack: false, full: false });
    incremental.update('const x = 1;', 'typescript');
    assert.deepEqual(incremental.stats(), { replayed: 0, rebuilt: 0, fellBack: false, full: true });
  });

  it('replays the untouched models of a large file after a one-line edit', () => {
    const { text } = syntheticModel(2000);
    const incremental = createIncrementalAnalyzer();
    incremental.update(text, 'python', { fileName: '/bench/synthetic.py' });
    const built = incremental.stats();
    assert.ok(built.rebuilt > 1 && built.replayed === 0, `first version: ${JSON.stringify(built)}`);
    // An edit of Block1's docstring rebuilds Block1 and the three models built on it; every other
    // model is replayed.
    incremental.update(text.replace('Residual block 1:', 'Residual block one:'), 'python', { fileName: '/bench/synthetic.py' });
    assert.deepEqual(incremental.stats(), { replayed: built.rebuilt - 4, rebuilt: 4, fellBack: false, full: false });
  });

  it('reparses with Lezer from a tree several fast-parsed versions old when a half-typed line comes', () => {
    // Versions 1-3 are error-free (the fast parser reads them); version 4 breaks a line far from
    // the edits since the first version, the only one Lezer parsed: its reparse must cover them all.
    const { text } = syntheticModel(600);
    const options = { fileName: '/bench/synthetic.py' };
    const versions = [
      'x = (\n' + text,
      text,
      text.replace('Residual block 1:', 'Residual block one:'),
      text.replace('Residual block 1:', 'Residual block one:').replace('nn.BatchNorm2d(hidden)', 'nn.BatchNorm2d(hidden').replace('bias=False)\n', 'bias=False)\n# note\n'),
      text.replace('nn.BatchNorm2d(hidden)', 'nn.BatchNorm2d(hidden'),
      text,
    ];
    const incremental = createIncrementalAnalyzer();
    versions.forEach((version, i) => {
      const got = incremental.update(version, 'python', options);
      assert.deepEqual(comparable(got), comparable(analyze(version, 'python', options)), `version ${i + 1} differs from a fresh analysis`);
    });
    assert.ok(analyze(versions[3], 'python', options).findings.some((f) => f.code === 'syntax'), 'the broken version has a syntax finding');
  });
});
