// Minimal reproducers of the Python constructs real model code builds its layers with (issue 15):
// configuration records, the object protocol, computed attribute names, numpy, legacy tensor
// constructors, docstrings that mention `yield`, and a runaway loop that must cost only its own
// values. Each expectation was read from PyTorch 1.13 running the same code (named_modules(),
// parameter counts, forward hooks).

import assert from 'node:assert/strict';
import { analyze } from '../../src/analysis/analyze';
import type { Analysis, ModelInfo } from '../../src/analysis/types';

const HEADER = 'import torch\nimport torch.nn as nn\n';

function model(src: string, inputs: Record<string, number[]>): { a: Analysis; m: ModelInfo } {
  const a = analyze(src, 'python', { model: 'Net()', inputs: Object.entries(inputs).map(([name, shape]) => ({ name, shape })) });
  const m = a.models.find((x) => x.name === 'Net') ?? a.models[a.models.length - 1];
  assert.ok(m, `a model was built; findings: ${a.findings.map((f) => `${f.line}: ${f.message}`).join(' | ')}`);
  return { a, m };
}

/** path → [parameters, first output shape] for every module, as PyTorch lists them. */
function table(m: ModelInfo): Record<string, [number | null, string]> {
  const out: Record<string, [number | null, string]> = {};
  for (const x of m.modules) out[x.path] = [x.paramsTotal, JSON.stringify(x.outputShapes?.[0] ?? null)];
  return out;
}

function errors(a: Analysis): string[] {
  return a.findings.filter((f) => f.severity === 'error').map((f) => `${f.line}: ${f.message}`);
}

describe('real-code Python: configuration objects and the object protocol', () => {
  it('follows namedtuple (with _replace and defaults), __dict__.update, dict subclasses, dataclasses, argparse, setattr/getattr by computed names', () => {
    const { a, m } = model(
      `${HEADER}import collections
from dataclasses import dataclass, field
from typing import List

Cfg = collections.namedtuple('Cfg', ['width', 'depth', 'act'])
Cfg2 = collections.namedtuple('Cfg2', 'a b', defaults=[7])

class Attr:
    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)

class AttrDict(dict):
    def __init__(self, *args, **kwargs):
        super(AttrDict, self).__init__(*args, **kwargs)
        self.__dict__ = self

@dataclass
class DC:
    width: int = 4
    sizes: List[int] = field(default_factory=lambda: [3, 5])

class Net(nn.Module):
    def __init__(self, cfg=Cfg(4, 2, 'relu')):
        super().__init__()
        cfg = cfg._replace(depth=3)
        c2 = Cfg2(1)
        a = Attr(hidden=6, n=2)
        d = DC()
        h = AttrDict({'k': 5})
        ns = __import__('argparse').Namespace(emb=7)
        self.layers = nn.ModuleList([nn.Linear(cfg.width, cfg.width) for _ in range(cfg.depth)])
        self.b = nn.Linear(cfg.width, c2.b)
        self.c = nn.Linear(c2.b, a.hidden)
        self.d = nn.Linear(a.hidden, d.sizes[1])
        self.e = nn.Linear(d.sizes[1], h.k)
        self.f = nn.Linear(h['k'], ns.emb)
        for i in range(2):
            setattr(self, f'level_{i}', nn.Linear(7, 7))
        self.__setattr__('extra', nn.Linear(7, 7))

    def forward(self, x):
        for l in self.layers:
            x = l(x)
        x = self.f(self.e(self.d(self.c(self.b(x)))))
        for i in range(2):
            x = getattr(self, f'level_{i}')(x)
        return self.__getattr__('extra')(x)
`,
      { x: [2, 4] },
    );
    assert.deepEqual(table(m), {
      '': [418, '[2,7]'],
      layers: [60, 'null'],
      'layers.0': [20, '[2,4]'],
      'layers.1': [20, '[2,4]'],
      'layers.2': [20, '[2,4]'],
      b: [35, '[2,7]'],
      c: [48, '[2,6]'],
      d: [35, '[2,5]'],
      e: [30, '[2,5]'],
      f: [42, '[2,7]'],
      level_0: [56, '[2,7]'],
      level_1: [56, '[2,7]'],
      extra: [56, '[2,7]'],
    });
    assert.deepEqual(errors(a), []);
  });

  it('unpacks and indexes a namedtuple like the tuple of its fields', () => {
    const { m } = model(
      `${HEADER}from collections import namedtuple
from typing import NamedTuple

Spec = namedtuple('Spec', 'cin cout')

class Block(NamedTuple):
    k: int
    s: int = 1

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        cin, cout = Spec(3, 8)
        b = Block(3)
        self.conv = nn.Conv2d(cin, Spec._make([3, 8])[1], b.k, b.s, padding=b[0] // 2)
        self.n = len(Spec(1, 2)) + len(b._asdict())

    def forward(self, x):
        return self.conv(x)
`,
      { x: [1, 3, 8, 8] },
    );
    assert.deepEqual(table(m).conv, [224, '[1,8,8,8]']);
  });
});

describe('real-code Python: generators, numpy, legacy constructors, star arguments', () => {
  it('does not take a docstring that says "yield" for a generator', () => {
    const { m } = model(
      `${HEADER}
class Net(nn.Module):
    def __init__(self):
        """Using the defaults will yield a small net."""
        super().__init__()
        self.l = nn.Linear(2, 3)

    def forward(self, x):
        return self.l(x)
`,
      { x: [2, 2] },
    );
    assert.deepEqual(table(m).l, [9, '[2,3]']);
  });

  it('computes numpy scalars and arrays (power, log2, sqrt, arange, array, newaxis, from_numpy, astype)', () => {
    const { a, m } = model(
      `${HEADER}import numpy as np

class Net(nn.Module):
    def __init__(self, n=3):
        super().__init__()
        self.c = nn.Conv2d(3, 8, int(np.power(2, n)) - 5, padding=int(np.log2(4)) - 1)
        self.l = nn.Linear(9, 9)
        self.register_buffer('pe', torch.from_numpy(np.arange(9).astype(np.float32)))
        self.s = int(np.sqrt(16))

    def forward(self, x):
        b = x.shape[0]
        iden = torch.from_numpy(np.array([1, 0, 0, 0, 1, 0, 0, 0, 1]).astype(np.float32)).view(1, 9).repeat(b, 1)
        y = self.c(x)
        z = y[:, np.newaxis]
        return self.l(iden) + self.pe[np.newaxis, :], z
`,
      { x: [2, 3, 8, 8] },
    );
    assert.deepEqual(table(m), { '': [314, '{"tuple":[[2,9],[2,1,8,8,8]]}'], c: [224, '[2,8,8,8]'], l: [90, '[2,9]'] });
    assert.deepEqual(errors(a), []);
  });

  it('gives torch.FloatTensor(4, 16) and torch.LongTensor([...]) their shapes', () => {
    const { m } = model(
      `${HEADER}
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.v = nn.Parameter(torch.FloatTensor(4, 16))
        self.idx = torch.LongTensor([0, 2, 1])
        self.l = nn.Linear(16, 16)

    def forward(self, q):
        return self.l(q + self.v)[:, self.idx]
`,
      { q: [2, 4, 16] },
    );
    assert.deepEqual(table(m)[''], [336, '[2,3,16]']);
  });

  it('leaves a call with *arguments it cannot list unknown instead of judging it as a call without them', () => {
    const { a } = model(
      `${HEADER}
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.gamma = nn.Parameter(torch.ones(64))

    def forward(self, x):
        shape = [-1] + [1] * (x.dim() - 1)
        return x * self.gamma.view(*shape)
`,
      {},
    );
    assert.deepEqual(errors(a), []);
  });
});

describe('real-code Python: a runaway loop costs its own values, not the model', () => {
  it('stops a positional-encoding table filled element by element and keeps every module and total', () => {
    const { a, m } = model(
      `${HEADER}import math
import numpy as np

class PositionalEncoding(nn.Module):
    def __init__(self, d_model=64, max_len=300):
        super().__init__()
        pe = np.zeros((max_len, d_model))
        for pos in range(max_len):
            for i in range(0, d_model, 2):
                pe[pos, i] = math.sin(pos / (10000 ** ((2 * i) / d_model)))
                pe[pos, i + 1] = math.cos(pos / (10000 ** ((2 * (i + 1)) / d_model)))
        self.register_buffer('pe', torch.from_numpy(pe).float().unsqueeze(0))
        self.proj = nn.Linear(d_model, d_model)

    def forward(self, x):
        return self.proj(x + self.pe[:, :x.size(1)])

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Linear(10, 64)
        self.pos = PositionalEncoding()
        self.layers = nn.ModuleList([nn.Linear(64, 64) for _ in range(4)])
        self.head = nn.Linear(64, 3)

    def forward(self, x):
        x = self.pos(self.emb(x))
        for l in self.layers:
            x = l(x)
        return self.head(x)
`,
      { x: [2, 20, 10] },
    );
    assert.deepEqual(table(m), {
      '': [21699, '[2,20,3]'],
      emb: [704, '[2,20,64]'],
      pos: [4160, '[2,20,64]'],
      'pos.proj': [4160, '[2,20,64]'],
      layers: [16640, 'null'],
      'layers.0': [4160, '[2,20,64]'],
      'layers.1': [4160, '[2,20,64]'],
      'layers.2': [4160, '[2,20,64]'],
      'layers.3': [4160, '[2,20,64]'],
      head: [195, '[2,20,3]'],
    });
    const budget = a.findings.filter((f) => f.code === 'budget');
    assert.equal(budget.length, 1, 'the stopped loop is named once');
    assert.equal(budget[0].severity, 'warning');
    assert.equal(budget[0].line, 10);
    assert.deepEqual(errors(a), []);
  });
});

describe('real-code Python: wrappers, containers and the module protocol', () => {
  it('keeps weight_norm / spectral_norm / parametrizations wrapped modules with the parameters PyTorch registers', () => {
    const { m } = model(
      `import torch.nn as nn
from torch.nn.utils import weight_norm, spectral_norm
from torch.nn.utils.parametrizations import orthogonal

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = nn.utils.weight_norm(nn.Conv1d(80, 64, 7))
        self.s = nn.Sequential(nn.ReflectionPad1d(3), weight_norm(nn.Conv1d(64, 32, 7)), spectral_norm(nn.Conv1d(32, 16, 3, padding=1)))
        self.p = nn.utils.parametrizations.spectral_norm(nn.Linear(16, 16))
        self.q = orthogonal(nn.Linear(16, 16))
        self.w = weight_norm(nn.Linear(16, 4), dim=None)
        self.v = weight_norm(nn.Conv2d(4, 6, 3), dim=1)

    def forward(self, x):
        y = self.s(self.c(x)).transpose(1, 2)
        return self.w(self.q(self.p(y)))
`,
      { x: [1, 80, 32] },
    );
    const t = table(m);
    assert.deepEqual(Object.keys(t), ['', 'c', 's', 's.0', 's.1', 's.2', 'p', 'p.parametrizations', 'p.parametrizations.weight', 'p.parametrizations.weight.0', 'q', 'q.parametrizations', 'q.parametrizations.weight', 'q.parametrizations.weight.0', 'w', 'v']);
    assert.deepEqual(t[''], [52759, '[1,26,4]']);
    assert.deepEqual(t.c, [35968, '[1,64,26]']);
    assert.deepEqual(t['s.1'], [14400, '[1,32,26]']);
    assert.deepEqual(t['s.2'], [1552, '[1,16,26]']);
    assert.deepEqual(t.p, [272, '[1,26,16]']);
    assert.deepEqual(t['p.parametrizations.weight'][0], 256);
    assert.deepEqual(t.w, [69, '[1,26,4]']);
    assert.deepEqual(t.v[0], 226);
    assert.equal(m.modules.find((x) => x.path === 'p')!.paramsOwn, 16);
  });

  it('applies weight_norm through self.apply(fn), children first', () => {
    const { m } = model(
      `${HEADER}
def init_weights(m):
    if isinstance(m, nn.Conv1d):
        torch.nn.utils.weight_norm(m)

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv1d(4, 8, 3)
        self.b = nn.Conv1d(8, 8, 3)
        self.apply(init_weights)

    def forward(self, x):
        return self.b(self.a(x))
`,
      { x: [1, 4, 16] },
    );
    assert.deepEqual(table(m), { '': [320, '[1,8,12]'], a: [112, '[1,8,14]'], b: [208, '[1,8,12]'] });
  });

  it('follows ModuleList +=, extend, insert, append; Sequential subclasses iterating _modules; nn.X = Class; _triple', () => {
    const lists = model(
      `${HEADER}
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.ModuleList()
        for i in range(2):
            self.a += [nn.Linear(4, 4)]
        self.a.extend([nn.ReLU(), nn.Linear(4, 4)])
        self.a.insert(0, nn.Tanh())
        self.a.append(nn.Linear(4, 2))

    def forward(self, x):
        for m in self.a:
            x = m(x)
        return x
`,
      { x: [2, 4] },
    );
    assert.deepEqual(table(lists.m), { '': [70, '[2,2]'], a: [70, 'null'], 'a.0': [0, '[2,4]'], 'a.1': [20, '[2,4]'], 'a.2': [20, '[2,4]'], 'a.3': [0, '[2,4]'], 'a.4': [20, '[2,4]'], 'a.5': [10, '[2,2]'] });
    const seq = model(
      `${HEADER}from torch.nn.modules.utils import _triple

class MaskedLinear(nn.Linear):
    pass

nn.MaskedLinear = MaskedLinear

class Seq(nn.Sequential):
    def forward(self, x):
        for m in self._modules.values():
            x = m(x)
        return x

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        k = _triple(3)
        self.c = nn.Conv3d(1, 2, (1, k[1], k[2]), padding=(0, 1, 1))
        self.s = Seq(nn.MaskedLinear(4, 5), nn.ReLU(), nn.Linear(5, 2))

    def forward(self, x, v):
        return self.c(x), self.s(v)
`,
      { x: [1, 1, 2, 4, 4], v: [2, 4] },
    );
    const t = table(seq.m);
    assert.deepEqual(t.c, [20, '[1,2,2,4,4]']);
    assert.deepEqual(t.s, [37, '[2,2]']);
    assert.deepEqual(t['s.0'], [25, '[2,5]']);
    assert.equal(seq.a.findings.filter((f) => f.code === 'unknown-layer').length, 0);
  });

  it('gives copy.deepcopy(layer) clones in a comprehension one module each', () => {
    const { m } = model(
      `${HEADER}import copy

class Net(nn.Module):
    def __init__(self, n=3):
        super().__init__()
        base = nn.Linear(8, 8)
        self.layers = nn.ModuleList([copy.deepcopy(base) for _ in range(n)])

    def forward(self, x):
        for l in self.layers:
            x = l(x)
        return x
`,
      { x: [2, 8] },
    );
    assert.deepEqual(table(m), { '': [216, '[2,8]'], layers: [216, 'null'], 'layers.0': [72, '[2,8]'], 'layers.1': [72, '[2,8]'], 'layers.2': [72, '[2,8]'] });
  });

  it('runs autograd Function.apply through the static forward, and binds inputs given for **kwargs', () => {
    const { m } = model(
      `${HEADER}
class Ste(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, scale):
        ctx.save_for_backward(x)
        return x * scale

    @staticmethod
    def backward(ctx, g):
        return g, None

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.l = nn.Linear(10, 3)

    def forward(self, x, **kwargs):
        y = Ste.apply(kwargs['labels'].float(), 2.0)
        return self.l(y) + x
`,
      { x: [2, 3], labels: [2, 10] },
    );
    assert.deepEqual(table(m), { '': [33, '[2,3]'], l: [33, '[2,3]'] });
  });
});

describe('real-code Python: loops over long module lists', () => {
  it('walks an initialisation loop over more modules than the iteration cap to its end', () => {
    const { a, m } = model(
      `${HEADER}
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(150)] + [nn.ReLU() for _ in range(150)])
        for mod in self.modules():
            if isinstance(mod, nn.Linear):
                nn.init.zeros_(mod.bias)

    def forward(self, x):
        return self.layers[0](x)
`,
      { x: [1, 2] },
    );
    assert.equal(m.modules.length, 302);
    assert.equal(m.totalParams, 150 * 6);
    assert.deepEqual(a.findings.filter((f) => f.code === 'budget'), []);
  });
});

describe('real-code Python: what cannot be listed is unknown, not empty', () => {
  it('a Sequential of modules the analysis cannot list is no identity: the layer after it raises no error', () => {
    const { a, m } = model(
      `${HEADER}from backbones import make_backbone
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(*list(make_backbone().children())[:-3])
        self.fc = nn.Linear(256, 8)
    def forward(self, x):
        return self.fc(self.features(x).flatten(1))
`,
      { x: [1, 768] },
    );
    assert.deepEqual(errors(a), []);
    assert.equal(table(m).fc[0], 256 * 8 + 8);
    assert.ok(a.findings.some((f) => /cannot list/.test(f.message)), 'a finding names the unlisted modules');
  });

  it('resolves `from .b import Block` beside a file whose folder has no __init__.py (a namespace package)', () => {
    const files: Record<string, string> = { '/w/pkg/b.py': 'import torch.nn as nn\nclass Block(nn.Module):\n    def __init__(self, n):\n        super().__init__()\n        self.fc = nn.Linear(n, n)\n' };
    const a = analyze(`${HEADER}from .b import Block\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.block = Block(8)\n`, 'python', { fileName: '/w/pkg/a.py', model: 'Net()', readModule: (p) => files[p] });
    assert.equal(a.models[0]?.modules.find((x) => x.path === '')?.paramsTotal, 72);
  });
});
