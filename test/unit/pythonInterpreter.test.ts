// The Python interpreter on small, focused model files: construction (loops, comprehensions,
// flags, Sequential/ModuleList/ModuleDict, helpers, super chains, factories, partial, *args),
// registration order as named_modules() gives it, forward data flow, inputs and findings.

import assert from 'node:assert/strict';
import { analyze } from '../../src/analysis/analyze';
import type { Analysis, AnalyzeOptions, ModelInfo, ModuleInfo } from '../../src/analysis/types';

function run(src: string, options: AnalyzeOptions = {}): Analysis {
  return analyze(src, 'python', options);
}

function lastModel(a: Analysis): ModelInfo {
  const m = a.models[a.models.length - 1];
  assert.ok(m, `a model was built; findings: ${a.findings.map((f) => `${f.line}: ${f.message}`).join(' | ')}`);
  return m;
}

function mod(a: Analysis, path: string): ModuleInfo {
  const m = lastModel(a).modules.find((x) => x.path === path);
  assert.ok(m, `module ${path} exists among ${lastModel(a).modules.map((x) => x.path).join(', ')}`);
  return m;
}

const HEADER = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n';

describe('python interpreter: construction', () => {
  it('registers submodules in assignment order with Sequential children 0, 1, ...', () => {
    const a = run(`${HEADER}
class Net(nn.Module):
    def __init__(self, sizes=(8, 16, 4)):
        super().__init__()
        layers = []
        for i in range(len(sizes) - 1):
            layers += [nn.Linear(sizes[i], sizes[i + 1]), nn.ReLU()]
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(sizes[-1], 2)

    # layer-lens: x: (N, 8)
    def forward(self, x):
        return self.head(self.body(x))
`);
    assert.deepEqual(lastModel(a).modules.map((m) => m.path), ['', 'body', 'body.0', 'body.1', 'body.2', 'body.3', 'head']);
    assert.deepEqual(mod(a, 'head').outputShapes, [['N', 2]]);
    assert.equal(lastModel(a).totalParams, 8 * 16 + 16 + 16 * 4 + 4 + 4 * 2 + 2);
  });

  it('follows OrderedDict Sequentials, ModuleDict, comprehensions and helper methods', () => {
    const a = run(`${HEADER}from collections import OrderedDict

class Net(nn.Module):
    def __init__(self, width=4, use_norm=True):
        super().__init__()
        self.stem = nn.Sequential(OrderedDict([("conv", nn.Conv2d(3, width, 3, padding=1)), ("act", nn.ReLU(inplace=True))]))
        self.heads = nn.ModuleDict({k: nn.Linear(width, n) for k, n in [("a", 2), ("b", 3)]})
        self.blocks = nn.ModuleList([self._block(width) for _ in range(2)])
        self.norm = nn.BatchNorm2d(width) if use_norm else nn.Identity()

    def _block(self, c):
        return nn.Conv2d(c, c, kernel_size=3, padding=1, bias=False)

    # layer-lens: x: (N, 3, 32, 32)
    def forward(self, x):
        x = self.stem(x)
        for b in self.blocks:
            x = x + b(x)
        x = self.norm(x).mean(dim=(2, 3))
        return self.heads["a"](x), self.heads["b"](x)
`);
    assert.deepEqual(lastModel(a).modules.map((m) => m.path), ['', 'stem', 'stem.conv', 'stem.act', 'heads', 'heads.a', 'heads.b', 'blocks', 'blocks.0', 'blocks.1', 'norm']);
    assert.equal(mod(a, 'norm').type, 'BatchNorm2d');
    assert.deepEqual(lastModel(a).outputShapes, [{ tuple: [['N', 2], ['N', 3]] }]);
    assert.deepEqual(mod(a, 'blocks.1').outputShapes, [['N', 4, 32, 32]]);
  });

  it('runs super().__init__ chains, keyword defaults, *args/**kwargs and functools.partial', () => {
    const a = run(`${HEADER}from functools import partial

class Base(nn.Module):
    def __init__(self, channels, norm_layer=None, **kwargs):
        super().__init__()
        norm_layer = norm_layer or nn.BatchNorm1d
        self.conv = nn.Conv1d(channels, channels * 2, kernel_size=kwargs.get("k", 3))
        self.norm = norm_layer(channels * 2)

class Child(Base):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, norm_layer=partial(nn.GroupNorm, 4), **kwargs)

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.block = Child(8, k=5)

    # layer-lens: x: (N, 8, 100)
    def forward(self, x):
        return self.block.norm(self.block.conv(x))
`);
    assert.equal(mod(a, 'block.norm').type, 'GroupNorm');
    assert.deepEqual(mod(a, 'block.conv').outputShapes, [['N', 16, 96]]);
  });

  it('gives subclasses of catalogue layers their own forward, including super().forward', () => {
    const a = run(`${HEADER}
class CausalConv1d(nn.Conv1d):
    def __init__(self, c_in, c_out, kernel_size, dilation=1):
        super().__init__(c_in, c_out, kernel_size, dilation=dilation)
        self.left = (kernel_size - 1) * dilation

    def forward(self, x):
        return super().forward(F.pad(x, (self.left, 0)))

class Functional(nn.Conv1d):
    def forward(self, x):
        return F.conv1d(x, self.weight, self.bias, self.stride, self.padding, self.dilation)

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = CausalConv1d(4, 8, 2, dilation=4)
        self.b = Functional(8, 8, 3, padding=1)

    # layer-lens: x: (N, 4, T)
    def forward(self, x):
        return self.b(self.a(x))
`);
    assert.deepEqual(mod(a, 'a').outputShapes, [['N', 8, 'T']]);
    assert.equal(mod(a, 'a').paramsOwn, 4 * 8 * 2 + 8);
    assert.deepEqual(mod(a, 'a').receptiveField, { size: [5], stride: [1], padding: [4] });
    assert.deepEqual(mod(a, 'b').outputShapes, [['N', 8, 'T']]);
    assert.equal(mod(a, 'b').paramsOwn, 8 * 8 * 3 + 8);
  });

  it('builds the model named by options.model through a factory function', () => {
    const a = run(`${HEADER}
class WaveNet(nn.Module):
    def __init__(self, stacks=1, layers=3):
        super().__init__()
        self.convs = nn.ModuleList([nn.Conv1d(16, 16, 2, dilation=2 ** (i % layers)) for i in range(stacks * layers)])

    # layer-lens: x: (N, 16, 1000)
    def forward(self, x):
        for c in self.convs:
            x = torch.tanh(c(x))
        return x

def wavenet():
    return WaveNet(stacks=2)
`, { model: 'wavenet()' });
    assert.equal(lastModel(a).modules.length, 1 + 1 + 6);
    assert.deepEqual(lastModel(a).outputShapes, [['N', 16, 1000 - (1 + 2 + 4) * 2]]);
    assert.deepEqual(mod(a, 'convs.5').receptiveField, { size: [15], stride: [1], padding: [0] });
  });

  it('lists modules forward() never calls, with null shapes', () => {
    const a = run(`${HEADER}
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.used = nn.Linear(4, 4)
        self.unused = nn.Linear(4, 4)

    # layer-lens: x: (N, 4)
    def forward(self, x):
        return self.used(x)
`);
    assert.equal(mod(a, 'unused').outputShapes, null);
    assert.equal(mod(a, 'unused').paramsOwn, 20);
    assert.equal(lastModel(a).totalParams, 40);
  });

  it('counts nn.Parameter and shares modules once', () => {
    const a = run(`${HEADER}
class Net(nn.Module):
    def __init__(self, d=8):
        super().__init__()
        self.pos = nn.Parameter(torch.zeros(1, 10, d))
        self.proj = nn.Linear(d, d)
        self.tied = self.proj

    # layer-lens: x: (N, 10, 8)
    def forward(self, x):
        return self.tied(x + self.pos)
`);
    assert.deepEqual(lastModel(a).modules.map((m) => m.path), ['', 'proj']);
    assert.equal(lastModel(a).modules[0].paramsOwn, 80);
    assert.equal(lastModel(a).totalParams, 80 + 72);
  });
});

describe('python interpreter: inputs', () => {
  const body = `${HEADER}
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(100, 16)
        self.fc = nn.Linear(16, 2)

    DECL
    def forward(self, tokens, lengths, mask=None):
        return self.fc(self.emb(tokens)), lengths
`;
  it('reads several inputs and dtypes from a layer-lens comment', () => {
    const a = run(body.replace('DECL', '# layer-lens: tokens: (N, T):long, lengths: (N,):long'));
    assert.deepEqual(lastModel(a).inputs, [{ name: 'tokens', shape: ['N', 'T'] }, { name: 'lengths', shape: ['N'] }]);
    assert.deepEqual(lastModel(a).outputShapes, [{ tuple: [['N', 'T', 2], ['N']] }]);
  });

  it('reads jaxtyping annotations', () => {
    const a = run(`${HEADER}from jaxtyping import Float
from torch import Tensor

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(80, 32, 5)

    def forward(self, x: Float[Tensor, "batch 80 time"]) -> Float[Tensor, "batch 32 time"]:
        return self.conv(x)
`);
    assert.deepEqual(lastModel(a).inputs, [{ name: 'x', shape: ['batch', 80, 'time'] }]);
    assert.deepEqual(lastModel(a).outputShapes, [['batch', 32, 'time-4']]);
  });

  it('binds options.inputs and keeps unbound inputs honest', () => {
    const src = `${HEADER}
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(64, 2)

    def forward(self, x):
        return self.fc(x)
`;
    assert.deepEqual(lastModel(run(src, { inputs: [{ shape: [5, 64] }] })).outputShapes, [[5, 2]]);
    assert.deepEqual(lastModel(run(src)).outputShapes, [['…', 2]]);
  });

  it('fixes an unknown rank from B, T, D = x.shape and from the first convolution', () => {
    const a = run(`${HEADER}
class A(nn.Module):
    def forward(self, x):
        B, T, D = x.shape
        return x.view(B, T, 2, D // 2)

class C(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)

    def forward(self, x):
        return self.conv(x)
`);
    assert.deepEqual(a.models[0].outputShapes, [['B', 'T', 2, 'D//2']]);
    assert.deepEqual(a.models[1].inputs, [{ name: 'x', shape: ['N', 3, 'H', 'W'] }]);
    assert.deepEqual(a.models[1].outputShapes, [['N', 8, 'H-2', 'W-2']]);
  });
});

describe('python interpreter: findings and robustness', () => {
  it('explains a Linear mismatch in the tutorial notation and keeps going', () => {
    const a = run(`${HEADER}
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv4 = nn.Conv2d(3, 64, 3, padding=1)
        self.fc = nn.Linear(32, 2)
        self.out = nn.Linear(2, 1)

    # layer-lens: x: (N, 3, 8, 8)
    def forward(self, x):
        x = self.conv4(x).mean(dim=(2, 3))
        return self.out(self.fc(x))
`);
    const err = a.findings.find((f) => f.code === 'shape-mismatch');
    assert.ok(err);
    assert.equal(err.line, 15);
    assert.equal(err.message, '(N,64)·(32,2): inner dimensions 64 ≠ 32 — Linear(32, 2) expects 32 features but conv4 (line 14) gives 64');
    assert.equal(err.related[0]?.line, 14);
    assert.deepEqual(mod(a, 'out').outputShapes, [['N', 1]]);
  });

  it('reports matmul, broadcast and view mismatches', () => {
    const a = run(`${HEADER}
class Net(nn.Module):
    # layer-lens: q: (B, 4, T, 64), k: (B, 4, T, 32)
    def forward(self, q, k):
        s = q @ k.transpose(-2, -1)
        t = q @ k
        u = torch.zeros(3, 5) + torch.zeros(4, 5)
        v = torch.zeros(6, 4).view(5, 5)
        return s
`);
    const messages = a.findings.filter((f) => f.code === 'shape-mismatch').map((f) => f.message);
    assert.equal(messages.length, 3, messages.join('\n'));
    assert.deepEqual(messages, [
      '(B,4,T,64)·(B,4,32,T): inner dimensions 64 ≠ 32',
      '(3,5) + (4,5): cannot broadcast — dimension 0 is 3 on the left and 4 on the right',
      'view: (6,4) has 24 elements but (5,5) needs 25',
    ]);
    assert.deepEqual(lastModel(a).outputShapes, [['B', 4, 'T', 'T']]);
  });

  it('turns syntax errors into findings and still analyses the rest', () => {
    const a = run(`${HEADER}
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)
        self.broken = nn.Linear(2, (

    # layer-lens: x: (N, 4)
    def forward(self, x):
        return self.fc(x)
`);
    assert.ok(a.findings.some((f) => f.code === 'syntax'));
  });

  it('stops runaway loops and recursion with budget findings, never throwing', () => {
    const a = run(`${HEADER}
def f(n):
    return f(n + 1)

x = f(0)
i = 0
while True:
    i += 1

class Net(nn.Module):
    # layer-lens: x: (N, 4)
    def forward(self, x):
        return x
`, { stepBudget: 200_000 });
    assert.ok(a.findings.some((f) => f.code === 'budget'));
    assert.equal(a.models.length, 1);
  });

  it('names the construct it cannot follow at its line', () => {
    const a = run(`${HEADER}import mystery

class Net(nn.Module):
    # layer-lens: x: (N, 4)
    def forward(self, x):
        return mystery.transform(x)
`);
    const gap = a.findings.find((f) => f.code === 'inference-gap' && f.line === 9);
    assert.ok(gap, a.findings.map((f) => `${f.line} ${f.message}`).join('\n'));
    assert.match(gap.message, /mystery\.transform/);
  });
});

describe('python interpreter: annotations', () => {
  it('annotates module calls, ops and layer definitions with shapes and notation', () => {
    const src = `${HEADER}
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(64, 2)

    # layer-lens: x: (N, 64)
    def forward(self, x):
        y = self.fc(x)
        return y @ y.transpose(0, 1)
`;
    const a = run(src);
    const at = (needle: string, kind: string) => a.annotations.find((n) => src.slice(n.span.from, n.span.to) === needle && n.kind === kind);
    assert.deepEqual(at('self.fc(x)', 'op')?.shape, ['N', 2]);
    assert.equal(at('self.fc(x)', 'op')?.notation, '(N,64)·(64,2)=(N,2)');
    assert.equal(at('self.fc(x)', 'op')?.modulePath, 'fc');
    assert.deepEqual(at('nn.Linear(64, 2)', 'layer')?.shape, ['N', 2]);
    assert.equal(at('y @ y.transpose(0, 1)', 'op')?.notation, '(N,2)·(2,N)=(N,N)');
  });
});

describe('python interpreter: language details real model files use', () => {
  it('evaluates chained comparisons, %-formatting, dataclasses and f-string module names', () => {
    const a = run(`${HEADER}from dataclasses import dataclass

@dataclass
class Cfg:
    width: int
    depth: int = 2

class Net(nn.Module):
    def __init__(self, cfg=Cfg(8)):
        super().__init__()
        if not 0.0 < 0.5 < 1.0:
            raise ValueError("never")
        for i in range(cfg.depth):
            self.add_module("block%d" % (i + 1), nn.Linear(cfg.width, cfg.width))
        self.add_module(f"head_{cfg.width}", nn.Linear(cfg.width, 1))

    # layer-lens: x: (N, 8)
    def forward(self, x):
        for m in self.children():
            x = m(x)
        return x
`);
    assert.deepEqual(lastModel(a).modules.map((m) => m.path), ['', 'block1', 'block2', 'head_8']);
    assert.deepEqual(lastModel(a).outputShapes, [['N', 1]]);
  });

  it('joins both arms of an if whose condition is unknown', () => {
    const a = run(`${HEADER}
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    # layer-lens: x: (N, 4)
    def forward(self, x, flag=None):
        if x.sum() > 0:
            y = self.fc(x)
        else:
            y = x
        return y
`);
    assert.deepEqual(lastModel(a).outputShapes, [['N', 4]]);
  });
});

describe('python parse reuse', () => {
  it('reparses incrementally and gives the same analysis as a fresh parse', async () => {
    const { parsePython } = await import('../../src/analysis/python/parse');
    const { analyzePython } = await import('../../src/analysis/python/analyzePython');
    const before = `${HEADER}
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(64, 2)

    # layer-lens: x: (N, 64)
    def forward(self, x):
        return self.fc(x)
`;
    const after = before.replace('nn.Linear(64, 2)', 'nn.Linear(64, 3)');
    const first = parsePython(before);
    const at = before.indexOf('2)');
    const second = parsePython(after, first, [{ fromA: at, toA: at + 1, fromB: at, toB: at + 1 }]);
    const incremental = analyzePython(after, {}, second);
    const fresh = analyzePython(after);
    assert.deepEqual(incremental.models[0].outputShapes, [['N', 3]]);
    assert.deepEqual(incremental.models, fresh.models);
  });
});
