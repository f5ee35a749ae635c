// Issue 17, item 2: a block class without a binding that a bound model builds shows the shapes of
// that use, and says which, instead of an analysis of its own on unknown inputs.
import assert from 'node:assert/strict';
import { analyze } from '../../src/analysis/analyze';
import { inputSourceMarkdown } from '../../src/editor/inputSourceText';

const text = [
  'import torch',
  'from torch import nn',
  '',
  'class Head(nn.Module):',
  '    def __init__(self, d=32, h=2):',
  '        super().__init__()',
  '        self.h = h',
  '        self.qkv = nn.Linear(d, 3 * d)',
  '',
  '    def forward(self, x):',
  '        b, t, d = x.shape',
  '        q, k, v = self.qkv(x).chunk(3, dim=-1)',
  '        return q.view(b, t, self.h, d // self.h)',
  '',
  'class Model(nn.Module):',
  '    def __init__(self):',
  '        super().__init__()',
  '        self.head = Head(64, 4)',
  '',
  '    # layer-lens: x: (2, 10, 64)',
  '    def forward(self, x):',
  '        return self.head(x)',
  '',
].join('\n');

describe('helper blocks take their shapes from their users', () => {
  const analysis = analyze(text, 'python');
  const head = analysis.models.find((m) => m.name === 'Head')!;

  it('shows the use in the bound model, with that use as its input source', () => {
    assert.deepEqual(head.inputs, [{ name: 'x', shape: [2, 10, 64] }]);
    assert.deepEqual(head.outputShapes, [[2, 10, 4, 16]]);
    assert.deepEqual(head.modules.map((m) => m.path), ['', 'qkv']);
    assert.deepEqual(head.modules[1].config.in_features, 64, 'the module built by the user, with its arguments');
    assert.deepEqual([head.inputSource?.kind, head.inputSource?.text], ['user', 'Model.head']);
  });

  it('annotates the block with the shapes of that use', () => {
    const index = analysis.models.indexOf(head);
    const view = analysis.annotations.find((a) => a.model === index && text.slice(a.span.from, a.span.to).startsWith('q.view'));
    assert.deepEqual(view?.shape, [2, 10, 4, 16]);
  });

  it('says which use in the hover', () => {
    const t = (m: string, ...args: (string | number | boolean)[]) => m.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)]));
    assert.equal(inputSourceMarkdown(head, t, (line) => `#L${line}`), 'Shapes of its use in Model\\.head, [line 18](#L18).');
  });

  it('leaves a block alone when nothing bound uses it', () => {
    const unbound = analyze(text.replace('    # layer-lens: x: (2, 10, 64)\n', ''), 'python').models.find((m) => m.name === 'Head')!;
    assert.equal(unbound.inputSource, undefined);
    assert.deepEqual(unbound.inputs[0].shape, ['b', 't', 'd']);
  });
});
