// Shape-mismatch findings name the layer that produced the offending dimension, with its line, and
// point their related locations at it — also when that layer sits inside a container or a block.
import assert from 'node:assert/strict';
import { analyze } from '../../src/analysis/analyze';

const text = `import torch
import torch.nn as nn

class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(16, 12)

    def forward(self, x):
        return torch.relu(self.proj(x))

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.q = nn.Linear(16, 64)
        self.k = nn.Linear(16, 32)
        self.head = nn.Sequential(nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 4))
        self.block = Block()
        self.fc = nn.Linear(5, 2)
        self.fc2 = nn.Linear(10, 2)

    # layer-lens: x: (N, 16)
    def forward(self, x):
        a = self.q(x)
        b = self.k(x)
        c = a + b
        h = self.head(x)
        y = self.fc(h)
        z = self.fc2(self.block(x))
        return y + z
`;

const lineOf = (needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

describe('python findings: provenance of mismatched dimensions', () => {
  const a = analyze(text, 'python');
  const mismatches = a.findings.filter((f) => f.code === 'shape-mismatch');

  it('names both operands of a failed broadcast with the lines that made them', () => {
    const f = mismatches.find((m) => m.line === lineOf('c = a + b'));
    assert.ok(f, JSON.stringify(mismatches));
    assert.ok(f.message.endsWith(`(N,64) comes from q (line ${lineOf('a = self.q(x)')}); (N,32) comes from k (line ${lineOf('b = self.k(x)')})`), f.message);
    assert.deepEqual(f.related.map((r) => r.line), [lineOf('a = self.q(x)'), lineOf('b = self.k(x)')]);
  });

  it('names the layer inside a Sequential that produced the dimension, not the container', () => {
    const f = mismatches.find((m) => m.line === lineOf('y = self.fc(h)'));
    assert.ok(f, JSON.stringify(mismatches));
    assert.equal(f.message, `(N,4)·(5,2): inner dimensions 4 ≠ 5 — Linear(5, 2) expects 5 features but head.2 (line ${lineOf('h = self.head(x)')}) gives 4`);
    assert.equal(f.related[0].message, 'head.2 gives (N,4)');
  });

  it('names the layer inside a user block, at its line in the block', () => {
    const f = mismatches.find((m) => m.line === lineOf('z = self.fc2'));
    assert.ok(f, JSON.stringify(mismatches));
    assert.match(f.message, new RegExp(`but block\\.proj \\(line ${lineOf('return torch.relu(self.proj(x))')}\\) gives 12$`));
    assert.equal(f.related[0].line, lineOf('return torch.relu(self.proj(x))'));
    assert.equal(text.slice(f.related[0].span.from, f.related[0].span.to), 'self.proj(x)');
  });
});
