// Minimal reproducers of library-side gaps seen on real PyTorch code: tensor methods the rules
// lacked (Tensor.unfold, new_tensor, ger, in-place twins), a star-expanded unknown list passed to
// a shape rule, and a package whose submodule imports from the package while it is loading.

import assert from 'node:assert/strict';
import { analyze } from '../../src/analysis/analyze';
import type { Analysis, ShapesOut } from '../../src/analysis/types';

function forward(body: string, inputs = 'x: (B, 6, 4), t: (B, T, 64)', params = 'x, t'): Analysis {
  const src = `import torch
import torch.nn as nn

class M(nn.Module):
    # layer-lens: ${inputs}
    def forward(self, ${params}):
${body.split('\n').map((l) => `        ${l}`).join('\n')}
`;
  return analyze(src, 'python');
}

function outputOf(body: string, inputs?: string, params?: string): ShapesOut | undefined {
  return forward(body, inputs, params).models[0]?.outputShapes?.[0];
}

function errors(a: Analysis): string[] {
  return a.findings.filter((f) => f.severity === 'error').map((f) => f.message);
}

describe('torch library: tensor methods from real code', () => {
  it('Tensor.unfold(dimension, size, step) makes windows and a new last axis', () => {
    assert.deepEqual(outputOf('return x.unfold(2, 2, 1)'), ['B', 6, 3, 2]);
    assert.deepEqual(outputOf('return torch.arange(0, 10).unfold(0, 4, 2)'), [4, 4]);
  });

  it('new_tensor takes the shape of its data; new_zeros takes sizes given as varargs or size=', () => {
    assert.deepEqual(outputOf('return x.new_tensor([[1, 2, 3], [4, 5, 6]])'), [2, 3]);
    assert.deepEqual(outputOf('return x.new_tensor(torch.arange(0, 10).unfold(0, 4, 2)).long()'), [4, 4]);
    assert.deepEqual(outputOf('return x.new_zeros(size=(2, 5))'), [2, 5]);
  });

  it("Conv-TasNet's overlap_and_add: star-unpacked sizes, gcd, unfold, new_tensor, new_zeros, index_add_", () => {
    const body = `import math
outer_dimensions = x.size()[:-2]
frames, frame_length = x.size()[-2:]
frame_step = 2
subframe_length = math.gcd(frame_length, frame_step)
subframe_step = frame_step // subframe_length
subframes_per_frame = frame_length // subframe_length
output_size = frame_step * (frames - 1) + frame_length
output_subframes = output_size // subframe_length
subframe_signal = x.view(*outer_dimensions, -1, subframe_length)
frame = torch.arange(0, output_subframes).unfold(0, subframes_per_frame, subframe_step)
frame = x.new_tensor(frame).long()
frame = frame.contiguous().view(-1)
result = x.new_zeros(*outer_dimensions, output_subframes, subframe_length)
result.index_add_(-2, frame, subframe_signal)
result = result.view(*outer_dimensions, -1)
return result`;
    const a = forward(body, 'x: (2, 3, 6, 4)', 'x');
    assert.deepEqual(errors(a), []);
    assert.deepEqual(a.models[0]?.outputShapes?.[0], [2, 3, 14]);
  });

  it('F.multi_head_attention_forward gives the output and the weights PyTorch 1.13 gives', () => {
    const setup = 'import torch.nn.functional as F\nq = torch.randn(5, 2, 16)\nk = torch.randn(7, 2, 16)\nw = torch.randn(48, 16)\nb = torch.randn(48)\now = torch.randn(16, 16)\nob = torch.randn(16)';
    // Shapes printed by PyTorch 1.13 for the same calls.
    assert.deepEqual(outputOf(`${setup}\nreturn F.multi_head_attention_forward(q, k, k, 16, 4, w, b, None, None, False, 0.0, ow, ob, training=False)`), { tuple: [[5, 2, 16], [2, 5, 7]] });
    assert.deepEqual(
      outputOf(`${setup}\nreturn F.multi_head_attention_forward(q, k, k, 16, 4, w, b, torch.randn(1, 1, 16), torch.randn(1, 1, 16), True, 0.0, ow, ob, training=False, average_attn_weights=False)`),
      { tuple: [[5, 2, 16], [2, 4, 5, 9]] },
    );
    assert.deepEqual(outputOf(`${setup}\nreturn F.multi_head_attention_forward(q, k, k, 16, 4, w, b, None, None, False, 0.0, ow, ob, need_weights=False)[0]`), [5, 2, 16]);
  });

  it('*outer, a, b = x.size() binds the leading sizes as a list', () => {
    assert.deepEqual(outputOf('*outer, a, b = x.size()\nreturn x.new_zeros(*outer, a * b)'), ['B', 24]);
  });

  it('ger and outer give the outer product of two vectors', () => {
    assert.deepEqual(outputOf('return torch.zeros(5).ger(torch.zeros(3))'), [5, 3]);
    assert.deepEqual(outputOf('return torch.outer(torch.zeros(5), torch.zeros(3))'), [5, 3]);
  });

  it('in-place twins: triu_ keeps the shape, unsqueeze_ changes the tensor itself', () => {
    assert.deepEqual(outputOf('m = torch.ones(4, 4)\nm.triu_(1)\nreturn m'), [4, 4]);
    assert.deepEqual(outputOf('x.unsqueeze_(1)\nreturn x'), ['B', 1, 6, 4]);
    const a = forward('y = x.triu_(1)\nreturn y');
    assert.ok(!a.findings.some((f) => /not modelled/.test(f.message)), a.findings.map((f) => f.message).join('; '));
  });

  it('a star-expanded list whose length is unknown is not read as view() with no sizes (no false error)', () => {
    const a = forward('g = torch.zeros(64)\nshape = [-1] + [1] * (t.dim() - 1)\nreturn g.view(*shape)', 't', 't');
    assert.deepEqual(errors(a), []);
    assert.ok(a.findings.some((f) => /cannot expand \*shape/.test(f.message)), 'the unexpanded star is named');
  });
});

describe('torch library: no false errors from uncertain ranks', () => {
  it('squeeze(d) of a symbolic size leaves the rank uncertain (crnn: b, c, h, w = conv.size(); assert h == 1)', () => {
    const a = forward('b, c, h, w = x.size()\nassert h == 1\ny = x.squeeze(2)\nreturn y.permute(2, 0, 1)', 'x', 'x');
    assert.deepEqual(errors(a), []);
  });

  it('an index whose value is unknown may drop an axis: no rank error after it (autovc)', () => {
    const body = 'outs = []\nfor i in range(0, t.size(1), 4):\n    outs.append(t[:, i, :])\nreturn outs[0].unsqueeze(1).expand(-1, 3, -1)';
    assert.deepEqual(errors(forward(body, 't')), []);
    assert.deepEqual(outputOf(body, 't: (2, 8, 5)'), [2, 3, 5]);
  });
});

describe('torch library: an unknown dtype is not float', () => {
  const src = `import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(10, 8)
        self.fc = nn.Linear(8, 2)

    def forward(self, ids):
        return self.fc(self.emb(ids + 0))
`;

  it('an unbound input reaching nn.Embedding is not reported as a float tensor', () => {
    const a = analyze(src, 'python', { model: 'Net()' });
    assert.deepEqual(errors(a), []);
  });

  it('a bound float input still is', () => {
    const a = analyze(src, 'python', { model: 'Net()', inputs: [{ name: 'ids', shape: [2, 5], dtype: 'float' }] });
    assert.equal(errors(a).filter((m) => /integer token ids/.test(m)).length, 1, errors(a).join('; '));
  });
});

describe('torch library: packed sequences', () => {
  const src = (lengths: string, padArgs = 'batch_first=True') => `import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 16, batch_first=True, bidirectional=True)
        self.out = nn.Linear(32, 5)

    def forward(self, x):
        packed = pack_padded_sequence(x, ${lengths}, batch_first=True)
        out, (h, c) = self.lstm(packed)
        y, lengths = pad_packed_sequence(out, ${padArgs})
        return self.out(y), h
`;
  const run = (code: string) => analyze(code, 'python', { model: 'Tagger()', inputs: [{ name: 'x', shape: [3, 7, 8] }] });

  // Shapes printed by PyTorch 1.13 for x (3, 7, 8): lengths [7, 5, 2] pad to 7 steps, [6, 5, 2] to 6,
  // total_length=9 to 9; h is (2, 3, 16).
  it('an LSTM given a PackedSequence runs on its padded batch; pad_packed_sequence pads to the longest length', () => {
    const a = run(src('torch.tensor([7, 5, 2])'));
    assert.deepEqual(a.models.at(-1)?.outputShapes?.[0], { tuple: [[3, 7, 5], [2, 3, 16]] });
    assert.deepEqual(run(src('[6, 5, 2]')).models.at(-1)?.outputShapes?.[0], { tuple: [[3, 6, 5], [2, 3, 16]] });
    assert.deepEqual(errors(a), []);
  });

  it('total_length fixes the padded length; lengths of unknown values leave it unknown, never a guess', () => {
    assert.deepEqual(run(src('lengths_unknown', 'batch_first=True, total_length=9')).models.at(-1)?.outputShapes?.[0], { tuple: [[3, 9, 5], [2, 3, 16]] });
    const shapes = run(src('x.new_ones(3).long()')).models.at(-1)?.outputShapes?.[0] as { tuple: string[][] };
    assert.equal(shapes.tuple[0][0], 3);
    assert.notEqual(shapes.tuple[0][1], 7);
  });
});

describe('torch library: containers', () => {
  it('self.layers[i] and self.layers[-1] give the module at that index (autovc Postnet)', () => {
    const src = `import torch
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.convolutions = nn.ModuleList()
        for i in range(3):
            self.convolutions.append(nn.Sequential(nn.Conv1d(4, 4, 3, padding=1), nn.BatchNorm1d(4)))

    def forward(self, x):
        for i in range(len(self.convolutions) - 1):
            x = torch.tanh(self.convolutions[i](x))
        return self.convolutions[-1](x)
`;
    const a = analyze(src, 'python', { model: 'Net()', inputs: [{ name: 'x', shape: [1, 4, 10] }] });
    assert.deepEqual(a.models.at(-1)?.outputShapes?.[0], [1, 4, 10]);
    assert.ok(!a.findings.some((f) => /module index/.test(f.message)), a.findings.map((f) => f.message).join('; '));
  });
});

describe('torch library: parameters as PyTorch counts them', () => {
  it('a tied weight counts once in every subtree holding it twice, and once per holder as its own', () => {
    const src = `import torch.nn as nn

class Body(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = nn.Embedding(100, 16)
        self.ln = nn.LayerNorm(16)

class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.transformer = Body()
        self.lm_head = nn.Linear(16, 100, bias=False)
        self.transformer.wte.weight = self.lm_head.weight

    def forward(self, ids):
        return self.lm_head(self.transformer.ln(self.transformer.wte(ids)))
`;
    const a = analyze(src, 'python', { model: 'GPT()', inputs: [{ name: 'ids', shape: [2, 5], dtype: 'long' }] });
    const model = a.models.at(-1)!;
    // Printed by PyTorch 1.13: parameters() and parameters(recurse=False) of each named module.
    const want: [string, number, number][] = [['', 1632, 0], ['transformer', 1632, 0], ['transformer.wte', 1600, 1600], ['transformer.ln', 32, 32], ['lm_head', 1600, 1600]];
    assert.deepEqual(model.modules.map((m) => [m.path, m.paramsTotal, m.paramsOwn]), want);
    assert.equal(model.totalParams, 1632);
  });
});

describe('torch library: receptive fields through channels-last views', () => {
  it("convnext's pattern: a field survives permute → LayerNorm/Linear → permute back", () => {
    const src = `import torch.nn as nn
import torch.nn.functional as F

class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 4, stride=4)
        self.norm = nn.LayerNorm(8)
        self.dw = nn.Conv2d(8, 8, 7, padding=3, groups=8)
        self.pw = nn.Linear(8, 32)

    def forward(self, x):
        x = self.stem(x)
        x = self.norm(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
        y = self.dw(x)
        y = self.pw(y.permute(0, 2, 3, 1))
        return y.permute(0, 3, 1, 2)
`;
    const a = analyze(src, 'python', { model: 'Block()', inputs: [{ name: 'x', shape: [1, 3, 32, 32] }] });
    const field = (path: string) => a.models.at(-1)!.modules.find((m) => m.path === path)?.receptiveField ?? null;
    assert.deepEqual(field('stem'), { size: [4, 4], stride: [4, 4], padding: [0, 0] });
    assert.deepEqual(field('norm')?.axes, [1, 2], 'the channels-last view records where its spatial axes are');
    // Kernel 7 at stride 4 adds 6·4 to the size and 3·4 to the padding, as for convnext's blocks.
    assert.deepEqual(field('dw'), { size: [28, 28], stride: [4, 4], padding: [12, 12] });
    assert.deepEqual(field('pw'), { size: [28, 28], stride: [4, 4], padding: [12, 12], axes: [1, 2] });
    assert.deepEqual(field(''), { size: [28, 28], stride: [4, 4], padding: [12, 12] });
  });
});

describe('torch library: imports as Python runs them', () => {
  it('a package whose submodule imports from the package while it loads finishes and resolves the name', () => {
    const files: Record<string, string> = {
      '/ws/pkg/__init__.py': '',
      '/ws/pkg/layers/__init__.py': 'from .block import *\nfrom .up import *\n',
      '/ws/pkg/layers/block.py': 'import torch\n\nclass Conv1d(torch.nn.Conv1d):\n    def __init__(self, *args, **kwargs):\n        super().__init__(*args, **kwargs)\n',
      '/ws/pkg/layers/up.py': 'import torch\nfrom pkg.layers import Conv1d\n\nclass Up(torch.nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.c = Conv1d(2, 2, 3)\n',
    };
    const main = `import torch
from pkg.layers import Conv1d, Up

class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = Conv1d(4, 2, 3)
        self.b = Up()

    def forward(self, x):
        return self.b.c(self.a(x))
`;
    const a = analyze(main, 'python', { fileName: '/ws/pkg/models/net.py', model: 'Net()', inputs: [{ name: 'x', shape: [1, 4, 16] }], readModule: (p) => files[p] });
    const model = a.models[a.models.length - 1];
    assert.ok(model, a.findings.map((f) => f.message).join('; '));
    assert.deepEqual(model.outputShapes?.[0], [1, 2, 12]);
    assert.equal(model.totalParams, 4 * 2 * 3 + 2 + 2 * 2 * 3 + 2);
  });

  it('absolute imports search the pythonPath folders after the package (an installed model zoo used as a backbone)', () => {
    const files: Record<string, string> = {
      '/site/zoo/__init__.py': 'from .nets import *\n',
      '/site/zoo/nets.py': `import functools
import torch.nn as nn

def legacy(**renames):
    def outer(builder):
        @functools.wraps(builder)
        def inner(*args, **kwargs):
            for new, old in renames.items():
                if old in kwargs:
                    del kwargs[old]
                    kwargs[new] = None
            return builder(*args, **kwargs)
        return inner
    return outer

class Net(nn.Module):
    def __init__(self, width=8, num_classes=10):
        super().__init__()
        self.conv = nn.Conv2d(3, width, 3)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(width, num_classes)

    def forward(self, x):
        return self.fc(self.pool(self.conv(x)).flatten(1))

@legacy(weights='pretrained')
def net(*, weights=None, **kwargs):
    return Net(**kwargs)
`,
    };
    const main = `import torch.nn as nn
from zoo import net

class Head(nn.Module):
    def __init__(self):
        super().__init__()
        backbone = net(pretrained=False, width=16)
        self.features = nn.Sequential(*list(backbone.children())[:-1])
        self.out = nn.Linear(backbone.fc.in_features, 2)

    def forward(self, x):
        return self.out(self.features(x).flatten(1))
`;
    const options = { fileName: '/ws/head.py', model: 'Head()', inputs: [{ name: 'x', shape: [1, 3, 10, 10] }], readModule: (p: string) => files[p] };
    const without = analyze(main, 'python', options);
    assert.notEqual(without.models.at(-1)?.totalParams, 3 * 16 * 9 + 16 + 16 * 2 + 2, 'without the search path the package is not found');
    const a = analyze(main, 'python', { ...options, pythonPath: ['/site'] });
    const model = a.models.at(-1);
    assert.ok(model, a.findings.map((f) => f.message).join('; '));
    assert.deepEqual(model.outputShapes?.[0], [1, 2]);
    assert.equal(model.totalParams, 3 * 16 * 9 + 16 + 16 * 2 + 2);
    assert.deepEqual(errors(a), []);
    assert.ok(!a.findings.some((f) => f.severity === 'warning'), a.findings.map((f) => f.message).join('; '));
  });
});
