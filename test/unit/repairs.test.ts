// The repairs of shape errors: the pure rules of src/analysis/repairs.ts (arguments found in a
// call's text, the size or layout a layer needs, a view's number, the nearest dim, a cat's dim),
// then the fixes the analysis attaches to findings, applied to the text and analysed again.

import assert from 'node:assert/strict';
import { analyze } from '../../src/analysis/analyze';
import { argumentEdit, callArguments, catDimRepair, layerRepairs, nearestDim, positionAt, rankFixes, reshapeRepairs, sizeArgumentRewrite } from '../../src/analysis/repairs';
import { lineStartsOf } from '../../src/analysis/lineIndex';
import { literalInt } from '../../src/analysis/python/tensorOps/repairSites';
import type { Analysis, Finding, Fix } from '../../src/analysis/types';

/** Applies a fix's edits (offsets) to a text, last edit first. */
function apply(text: string, fix: Fix): string {
  let out = text;
  for (const e of [...fix.edits].sort((a, b) => b.span.from - a.span.from)) out = out.slice(0, e.span.from) + e.newText + out.slice(e.span.to);
  return out;
}

function errors(a: Analysis): Finding[] {
  return a.findings.filter((f) => f.severity === 'error');
}

describe('repairs: pure rules', () => {
  it('turns offsets into LSP positions (0-based lines, UTF-16 characters)', () => {
    const text = 'ab\n😀x\n';
    const starts = lineStartsOf(text);
    assert.deepEqual(positionAt(starts, 0), { line: 0, character: 0 });
    assert.deepEqual(positionAt(starts, 3), { line: 1, character: 0 });
    assert.deepEqual(positionAt(starts, 5), { line: 1, character: 2 }, 'the emoji is two UTF-16 code units');
  });

  it('finds the arguments of a call as written, keywords, nesting and strings included', () => {
    const text = "nn.Linear(16 * (5 + 0), f(a, b), bias=False, name='x,)')";
    const call = callArguments(text, { from: 0, to: text.length })!;
    assert.deepEqual(
      call.args.map((a) => [a.name, a.text]),
      [
        [null, '16 * (5 + 0)'],
        [null, 'f(a, b)'],
        ['bias', 'False'],
        ['name', "'x,)'"],
      ],
    );
    assert.equal(callArguments('x.view', { from: 0, to: 6 }), null);
  });

  it('edits a parameter by keyword, by position, or adds it', () => {
    const text = 'nn.Conv2d(3, 16, kernel_size=3)';
    const span = { from: 0, to: text.length };
    assert.deepEqual(argumentEdit(text, span, 'in_channels', 0, '4'), { span: { from: 10, to: 11 }, newText: '4', old: '3' });
    assert.equal(argumentEdit(text, span, 'kernel_size', 2, '5')?.old, '3');
    assert.deepEqual(argumentEdit(text, span, 'stride', 3, '2')?.newText, ', stride=2');
    assert.equal(argumentEdit(text, span, 'in_channels', 0, '3'), null, 'no edit that changes nothing');
  });

  it('repairs a layer size: the argument, or the layout when another dim matches', () => {
    assert.deepEqual(
      layerRepairs('Linear', 129, [1, 128]).map((r) => (r.kind === 'argument' ? r.value : r.suffix)),
      ['128'],
    );
    assert.deepEqual(
      layerRepairs('Linear', 400, [1, 16, 5, 5]).map((r) => (r.kind === 'argument' ? r.value : r.suffix)),
      ['.flatten(1)', '5'],
    );
    assert.deepEqual(
      layerRepairs('Conv1d', 80, [1, 100, 80]).map((r) => (r.kind === 'argument' ? `${r.param}=${r.value}` : r.suffix)),
      ['.transpose(1, 2)', 'in_channels=100'],
    );
    assert.deepEqual(
      layerRepairs('Conv2d', 3, [1, 32, 32, 3]).map((r) => (r.kind === 'argument' ? r.value : r.suffix)),
      ['.permute(0, 3, 1, 2)', '32'],
    );
    assert.deepEqual(
      layerRepairs('LayerNorm', [64], [2, 10, 32]).map((r) => (r.kind === 'argument' ? r.value : r.suffix)),
      ['(32,)'],
    );
    assert.deepEqual(layerRepairs('Linear', 128, [1, 128]), [], 'no repair without a disagreement');
    assert.deepEqual(layerRepairs('Linear', 128, [1, null]), [], 'no repair from an unknown size');
    assert.deepEqual(layerRepairs('Dropout', 1, [1, 2]), []);
  });

  it('finds the number that makes a view agree', () => {
    assert.deepEqual(reshapeRepairs([1, 16, 5, 5], [-1, 401], [false, true]), [{ index: 1, value: 400 }]);
    assert.deepEqual(reshapeRepairs([null, 16, 5, 5], ['same', 17, -1], [false, true, false]), [{ index: 1, value: 16 }]);
    assert.deepEqual(reshapeRepairs([2, 6], [5, 2], [true, true])[0], { index: 0, value: 6 });
    assert.deepEqual(reshapeRepairs([null, 6], [-1, 5], [false, true]), [], 'an unknown dim that does not cancel decides nothing');
  });

  it('picks the nearest dim in range and the dim a cat can use', () => {
    assert.equal(nearestDim(2, 2), 1);
    assert.equal(nearestDim(-3, 2), -2);
    assert.equal(nearestDim(1, 2), null);
    assert.equal(catDimRepair([[1, 3, 8], [1, 5, 8]]), 1);
    assert.equal(catDimRepair([[1, 3, 8], [2, 5, 8]]), null);
    assert.equal(catDimRepair([[1, null, 8], [1, 5, 8]]), null);
  });

  it('rewrites a size argument for every layer one constructor call made', () => {
    assert.equal(sizeArgumentRewrite('129', [{ want: 129, got: 128 }]), '128');
    assert.equal(sizeArgumentRewrite('out_filters + 1', [{ want: 65, got: 64 }, { want: 129, got: 128 }]), 'out_filters');
    assert.equal(sizeArgumentRewrite('ch * 2', [{ want: 128, got: 64 }, { want: 256, got: 128 }]), 'ch');
    assert.equal(sizeArgumentRewrite('ch', [{ want: 64, got: 128 }, { want: 128, got: 256 }]), 'ch * 2');
    assert.equal(sizeArgumentRewrite('a + b', [{ want: 10, got: 13 }, { want: 20, got: 23 }]), '(a + b) + 3');
    assert.equal(sizeArgumentRewrite('ch', [{ want: 64, got: 100 }, { want: 128, got: 130 }]), null, 'no one edit fixes both');
  });

  it('reads integer arithmetic on literals only', () => {
    assert.equal(literalInt('16 * 5 * 5'), 400);
    assert.equal(literalInt('-1'), -1);
    assert.equal(literalInt('(3 + 1) // 2'), 2);
    assert.equal(literalInt('n * 2'), null);
    assert.equal(literalInt('2.5'), null);
  });

  it('keeps the preferred fix first and at most a handful', () => {
    const edit = (n: number) => ({ span: { from: n, to: n }, range: { start: { line: 0, character: n }, end: { line: 0, character: n } }, newText: 'x' });
    const fixes = rankFixes([{ title: 'a', edits: [edit(1)] }, { title: 'b', edits: [edit(2)], preferred: true }, { title: 'c', edits: [edit(1)] }, ...[3, 4, 5, 6].map((n) => ({ title: `${n}`, edits: [edit(n)] }))]);
    assert.deepEqual(
      fixes.map((f) => [f.title, f.preferred === true]),
      [
        ['b', true],
        ['a', false],
        ['3', false],
        ['4', false],
      ],
    );
  });
});

function model(body: string, input = '(2, 16, 5, 5)', init = ''): string {
  return `import torch
import torch.nn as nn
import torch.nn.functional as F

class M(nn.Module):
    def __init__(self):
        super().__init__()
${init || '        self.fc = nn.Linear(400, 10)'}

    # layer-lens: x: ${input}
    def forward(self, x):
${body
  .split('\n')
  .map((l) => `        ${l}`)
  .join('\n')}
`;
}

/** The first error of a text (later ones may follow from it), its preferred fix applied, and the errors left afterwards. */
function repairOnce(text: string): { finding: Finding; fixed: string; left: Finding[] } {
  const found = errors(analyze(text, 'python'));
  assert.ok(found.length >= 1, 'an error expected');
  const fix = found[0].fixes?.[0];
  assert.ok(fix?.preferred, `a preferred fix for: ${found[0].message}`);
  const fixed = apply(text, fix!);
  return { finding: found[0], fixed, left: errors(analyze(fixed, 'python')) };
}

describe('repairs: fixes on findings', () => {
  const cases: [string, string, RegExp][] = [
    ['a view number', model('x = x.view(-1, 16 * 5 * 6)\nreturn self.fc(x)'), /x\.view\(-1, 400\)/],
    ['F.softmax dim', model('return F.softmax(x.flatten(1), dim=2)'), /dim=1\)/],
    ['x.log_softmax dim', model('return x.flatten(1).log_softmax(3)'), /log_softmax\(1\)/],
    ['torch.log_softmax dim', model('return torch.log_softmax(x.flatten(1), 2)'), /, 1\)/],
    ['transpose dim', model('return x.flatten(2).transpose(1, 3)'), /transpose\(1, 2\)/],
    ['flatten dim', model('return x.flatten(4)'), /flatten\(3\)/],
    ['unsqueeze dim', model('return x.unsqueeze(6)'), /unsqueeze\(4\)/],
    ['cat dim', model('return torch.cat([x, x[:, :3]], dim=0)'), /dim=1\)/],
    ['F.layer_norm', model('return F.layer_norm(x, (4,))'), /\(5,\)/],
    ['a permute dim out of range', model('return x.permute(0, 2, 4, 1)'), /permute\(0, 2, 3, 1\)/],
    ['a permute dim out of range in a tuple', model('return torch.permute(x, (0, -5, 3, 1))'), /\(0, -2, 3, 1\)/],
    ['a chunk dim out of range', model('a, b = x.flatten(2).chunk(2, dim=3)\nreturn a'), /chunk\(2, dim=2\)/],
    ['a split dim out of range', model('a, b = torch.split(x.flatten(2), 20, -4)\nreturn a'), /20, -3\)/],
  ];
  for (const [name, text, after] of cases) {
    it(`repairs ${name}`, () => {
      const { finding, fixed, left } = repairOnce(text);
      assert.ok(finding.expected && finding.got, 'says what was expected and what arrived');
      assert.match(fixed, after);
      assert.deepEqual(
        left.map((f) => f.message),
        [],
      );
    });
  }

  it('repairs a repeated permute dim with the missing dim where the code after it agrees', () => {
    // Either 2 may be the slip; the Linear after the permute tells which one.
    for (const [features, after] of [
      [16, /permute\(0, 2, 3, 1\)/],
      [8, /permute\(0, 2, 1, 3\)/],
    ] as const) {
      const text = model('y = x.permute(0, 2, 3, 3)\nreturn self.fc(y)', '(2, 16, 5, 8)', `        self.fc = nn.Linear(${features}, 10)`);
      const found = errors(analyze(text, 'python'));
      assert.equal(found.length, 1);
      assert.match(found[0].message, /dim 3 appears twice/);
      assert.equal(found[0].fixes?.length, 2, 'one candidate per repeated dim');
      const fixed = apply(text, found[0].fixes![0]);
      assert.match(fixed, after);
      assert.deepEqual(errors(analyze(fixed, 'python')), []);
    }
  });

  it('leaves a chunk whose dim is not known silent, and a chunk dim in range unflagged', () => {
    const text = model('d = int(x.sum())\na, b = x.chunk(2, dim=d)\nreturn a');
    assert.deepEqual(errors(analyze(text, 'python')), []);
    assert.deepEqual(errors(analyze(model('a, b = x.chunk(2, -1)\nreturn a'), 'python')), []);
  });

  // A remake: the op that made a tensor, with its literal dim written otherwise, gives what the consumer accepts.
  const remakes: [string, string, RegExp][] = [
    ['a cat dim, at the layer that disagrees', model('y = torch.cat([x, x], dim=0)\nreturn self.conv(y)', '(2, 16, 5, 5)', '        self.conv = nn.Conv2d(32, 8, 3)'), /torch\.cat\(\[x, x\], dim=1\)/],
    ['a flatten start_dim, at the Linear that disagrees', model('y = torch.flatten(x, start_dim=2)\nreturn self.fc(y)'), /start_dim=1\)/],
    ['a cat dim, at a sum that does not broadcast', model('z = torch.cat([x, x], 0)\nreturn z + x.repeat(1, 2, 1, 1)'), /torch\.cat\(\[x, x\], 1\)/],
    ['an unsqueeze dim, at a mask that does not broadcast', model('m = (x.sum(1) > 0).unsqueeze(2)\nreturn x.masked_fill(m, 0.0)'), /unsqueeze\(1\)/],
    ['a cat dim, at a matrix product whose inner sizes differ', model('y = x.flatten(1)\nz = torch.cat([y, y], dim=0)\nreturn z @ torch.randn(800, 3)'), /dim=1\)/],
    ['a negative cat dim stays negative', model('y = torch.cat([x, x], dim=-4)\nreturn self.conv(y)', '(2, 16, 5, 5)', '        self.conv = nn.Conv2d(32, 8, 3)'), /dim=-3\)/],
  ];
  for (const [name, text, after] of remakes) {
    it(`repairs ${name} at the op that made the input`, () => {
      const { fixed, left } = repairOnce(text);
      assert.match(fixed, after);
      assert.deepEqual(
        left.map((f) => f.message),
        [],
      );
    });
  }

  it('repairs a sum of two layer outputs at the layer whose size the code after it does not accept', () => {
    const init = '        self.a = nn.Linear(400, 10)\n        self.b = nn.Linear(400, 11)\n        self.c = nn.Linear(10, 2)';
    const text = model('y = self.a(x.flatten(1)) + self.b(x.flatten(1))\nreturn self.c(y)', '(2, 16, 5, 5)', init);
    const found = errors(analyze(text, 'python'));
    assert.equal(found.length, 1);
    assert.deepEqual(
      found[0].fixes?.map((f) => f.title),
      ['Set out_features of b to 10', 'Set out_features of a to 11'],
      'the fix that leaves no error first',
    );
    assert.deepEqual(errors(analyze(apply(text, found[0].fixes![0]), 'python')), []);
  });

  it('repairs a layer fed by a cat at the layer that made the part whose size is off', () => {
    const init = '        self.up = nn.Conv2d(16, 9, 1)\n        self.skip = nn.Conv2d(16, 8, 1)\n        self.fuse = nn.Conv2d(16, 4, 1)\n        self.head = nn.Conv2d(8, 4, 1)';
    const text = model('u = self.up(x)\ny = torch.cat([u, self.skip(x)], dim=1)\nreturn self.fuse(y) * self.head(u)', '(2, 16, 5, 5)', init);
    const found = errors(analyze(text, 'python'));
    assert.equal(found.length, 2);
    const titles = found[0].fixes?.map((f) => f.title) ?? [];
    assert.equal(titles[0], 'Set out_channels of up to 8', 'the one fix that leaves no error');
    assert.ok(titles.includes('Set out_channels of skip to 7'), 'each part of the cat is a candidate');
    assert.deepEqual(errors(analyze(apply(text, found[0].fixes![0]), 'python')), []);
  });

  it('offers no remake when the op is written with a dim that is not a literal', () => {
    const text = model('d = 0\ny = torch.cat([x, x], dim=d)\nreturn self.conv(y)', '(2, 16, 5, 5)', '        self.conv = nn.Conv2d(32, 8, 3)');
    const found = errors(analyze(text, 'python'));
    assert.equal(found.length, 1);
    assert.ok(!(found[0].fixes ?? []).some((f) => /cat/.test(f.title)), 'no edit of an argument the rule did not read as written');
  });

  it('makes no error of a layer size when the code replaced the layer weight with another shape', () => {
    const init = (w: string) => `        self.conv = nn.Conv1d(9, 8, 1, bias=False)\n        self.conv.weight.data = ${w}`;
    const replaced = analyze(model('return self.conv(x)', '(1, 8, 100)', init('torch.randn(8, 8, 1)')), 'python');
    assert.deepEqual(errors(replaced), [], 'PyTorch computes with the (8, 8, 1) weight');
    assert.ok(replaced.findings.some((f) => f.severity === 'warning' && /weight was replaced/.test(f.message)), 'never silent');
    const same = analyze(model('return self.conv(x)', '(1, 8, 100)', init('torch.randn(8, 9, 1)')), 'python');
    assert.equal(errors(same).length, 1, 'a weight of the declared shape changes nothing');
    const assigned = analyze(model('return self.conv(x)', '(1, 8, 100)', '        self.conv = nn.Conv1d(9, 8, 1, bias=False)\n        self.conv.weight = nn.Parameter(torch.randn(8, 8, 1))'), 'python');
    assert.deepEqual(errors(assigned), []);
  });

  it('gives each edit its LSP range from the offsets', () => {
    const text = model('x = x.view(-1, 401)\nreturn self.fc(x)');
    const f = errors(analyze(text, 'python'))[0];
    const e = f.fixes![0].edits[0];
    const starts = lineStartsOf(text);
    assert.deepEqual(e.range.start, positionAt(starts, e.span.from));
    assert.equal(text.split('\n')[e.range.start.line].slice(e.range.start.character, e.range.end.character), '401');
  });

  it('makes unpacking a certain-rank shape into the wrong number of names an error', () => {
    const a = analyze(model('b, c, h = x.shape\nreturn x'), 'python');
    const f = errors(a);
    assert.equal(f.length, 1);
    assert.match(f[0].message, /cannot unpack 4 values into 3 names/);
    const unranked = analyze(model('b, c, h = y.shape\nreturn x').replace('def forward(self, x):', 'def forward(self, x, y=None):'), 'python');
    assert.deepEqual(errors(unranked), [], 'an unknown rank is no error');
  });

  it('checks the weights handed to F.multi_head_attention_forward', () => {
    const body = 'w = torch.randn(3 * 64, 64)\nb = torch.randn(3 * 64)\now = torch.randn(64, 32)\nout, _ = F.multi_head_attention_forward(x, x, x, 64, 4, w, b, None, None, False, 0.0, ow, None)\nreturn out';
    const f = errors(analyze(model(body, '(10, 2, 64)'), 'python'));
    assert.equal(f.length, 1);
    assert.match(f[0].message, /out_proj_weight \(64,32\) needs 64 input features/);
    const good = analyze(model(body.replace('torch.randn(64, 32)', 'torch.randn(64, 64)'), '(10, 2, 64)'), 'python');
    assert.deepEqual(errors(good), []);
    assert.deepEqual(good.models[0].outputShapes?.[0], [10, 2, 64]);
  });

  it('prefers the producer when its size is the wrong one, and the consumer when that is', () => {
    const block = (conv: string, norm: string) => `import torch.nn as nn

class Block(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv2d(cin, ${conv}, 3, padding=1)
        self.bn = nn.BatchNorm2d(${norm})

    def forward(self, x):
        return self.bn(self.conv(x))

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.Sequential(Block(3, 16), Block(16, 32))

    # layer-lens: x: (1, 3, 8, 8)
    def forward(self, x):
        return self.blocks(x)
`;
    for (const [text, edited] of [
      [block('cout * 2', 'cout'), /nn\.Conv2d\(cin, cout, 3/],
      [block('cout', 'cout + 1'), /nn\.BatchNorm2d\(cout\)/],
    ] as const) {
      const first = errors(analyze(text, 'python'))[0];
      const fix = first.fixes?.[0];
      assert.ok(fix?.preferred, first.message);
      const fixed = apply(text, fix!);
      assert.match(fixed, edited);
      assert.deepEqual(errors(analyze(fixed, 'python')).map((f) => f.message), []);
    }
  });

  it('offers the transpose a layer expects at its own call, not at a container', () => {
    const text = model('return self.conv(x)', '(2, 100, 80)', '        self.conv = nn.Conv1d(80, 64, 3)');
    const { fixed, left } = repairOnce(text);
    assert.match(fixed, /self\.conv\(x\.transpose\(1, 2\)\)/);
    assert.deepEqual(left, []);
    const wrapped = model('return self.seq(x)', '(2, 100, 80)', '        self.seq = nn.Sequential(nn.Conv1d(80, 64, 3))');
    const f = errors(analyze(wrapped, 'python'))[0];
    assert.ok(!f.fixes?.some((x) => x.title.includes('transpose')), 'no edit of the Sequential\'s argument');
  });
});
