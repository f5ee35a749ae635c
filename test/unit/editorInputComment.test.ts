// "Set input shape…": parsing what the user types and placing the `# layer-lens:` comment.
import assert from 'node:assert/strict';
import { findForwardDef, formatInputBinding, inputCommentEdit, parseInputBinding } from '../../src/analysis/inputComment';
import { parseLayerLensComment } from '../../src/analysis/python/inputs';
import { formatDim } from '../../src/analysis/shapes';
import type { InputBinding } from '../../src/analysis/types';

function binding(text: string): InputBinding {
  const parsed = parseInputBinding(text);
  assert.ok('binding' in parsed, `${text}: ${'error' in parsed ? parsed.error : ''}`);
  return parsed.binding;
}

function apply(text: string, edit: { from: number; to: number; text: string } | null): string {
  assert.ok(edit);
  return text.slice(0, edit.from) + edit.text + text.slice(edit.to);
}

const model = [
  'class Net(nn.Module):',
  '    def __init__(self):',
  '        super().__init__()',
  '',
  '    def forward(self, x):',
  '        return x',
  '',
].join('\n');
const whole = { from: 0, to: model.length };

describe('editor input binding: parsing', () => {
  it('reads named, bare, typed and one-element shapes', () => {
    assert.deepEqual(binding('x: (N, 3, 224, 224)'), { name: 'x', shape: ['N', 3, 224, 224] });
    assert.deepEqual(binding('x=(1,3,224,224)'), { name: 'x', shape: [1, 3, 224, 224] });
    assert.deepEqual(binding('(N, T):long'), { shape: ['N', 'T'], dtype: 'long' });
    assert.deepEqual(binding('lengths: (N,)'), { name: 'lengths', shape: ['N'] });
    assert.deepEqual(binding('h: (?, T - 1)'), { name: 'h', shape: ['?', 'T-1'] });
  });

  it('rejects what is not a shape', () => {
    for (const text of ['x: 3, 224', 'x: (3, 2.5)', '(N, T):int64', 'x: (N, [3])', '']) {
      assert.ok('error' in parseInputBinding(text), text);
    }
  });

  it('prints what it parses', () => {
    for (const text of ['x: (N, 3, 224, 224)', 'tokens: (N, T):long', 'lengths: (N,)']) {
      assert.equal(formatInputBinding(binding(text)), text);
    }
  });
});

describe('editor input binding: the comment edit', () => {
  it('finds forward() or call()', () => {
    assert.equal(findForwardDef(model, whole)?.indent, '    ');
    assert.equal(findForwardDef(model.replace('forward', 'call'), whole)?.indent, '    ');
    assert.equal(findForwardDef(model.replace('forward', 'step'), whole), null);
  });

  it('inserts the comment above forward(), indented like it', () => {
    const out = apply(model, inputCommentEdit(model, whole, binding('x: (N, 4)'), true));
    assert.ok(out.includes('\n    # layer-lens: x: (N, 4)\n    def forward(self, x):'), out);
  });

  it('replaces the comment for the same input instead of adding another', () => {
    const once = apply(model, inputCommentEdit(model, whole, binding('x: (N, 4)'), true));
    const twice = apply(once, inputCommentEdit(once, { from: 0, to: once.length }, binding('x: (1, 4)'), true));
    assert.equal(twice.match(/layer-lens:/g)?.length, 1, twice);
    assert.ok(twice.includes('# layer-lens: x: (1, 4)\n    def forward'));
  });

  it('keeps every input on the one line the analysis reads, above the decorators', () => {
    const decorated = model.replace('    def forward', '    @torch.no_grad()\n    def forward');
    const first = apply(decorated, inputCommentEdit(decorated, { from: 0, to: decorated.length }, binding('x: (N, 80)'), false));
    assert.ok(first.includes('\n    # layer-lens: x: (N, 80)\n    @torch.no_grad()\n    def forward'), first);
    const second = apply(first, inputCommentEdit(first, { from: 0, to: first.length }, binding('h: (N, 64):long'), false));
    assert.ok(second.includes('\n    # layer-lens: x: (N, 80), h: (N, 64):long\n    @torch.no_grad()'), second);
    const third = apply(second, inputCommentEdit(second, { from: 0, to: second.length }, binding('x: (2, 80)'), false));
    assert.ok(third.includes('# layer-lens: x: (2, 80), h: (N, 64):long\n'), third);
    assert.equal(third.match(/layer-lens/g)?.length, 1);
  });

  it('writes what the analysis reads back', () => {
    let text = model;
    for (const b of ['x: (N, 80, T)', 'lengths: (N,):long', 'h: (?, T - 1)']) text = apply(text, inputCommentEdit(text, { from: 0, to: text.length }, binding(b), false));
    const line = text.split('\n').find((l) => l.includes('layer-lens'))!;
    const read = parseLayerLensComment(line)!.map((b) => `${b.name}: (${b.dims.map(formatDim).join(',')}) ${b.dtype}`);
    assert.deepEqual(read, ['x: (N,80,T) float', 'lengths: (N) long', 'h: (?,T-1) float']);
  });

  it('replaces an unnamed binding when the model has one input', () => {
    const unnamed = model.replace('    def forward', '    # layer-lens: (N, 4)\n    def forward');
    const out = apply(unnamed, inputCommentEdit(unnamed, { from: 0, to: unnamed.length }, binding('x: (1, 4)'), true));
    assert.ok(out.includes('    # layer-lens: x: (1, 4)\n    def forward'), out);
  });

  it('keeps Windows line endings', () => {
    const crlf = model.replace(/\n/g, '\r\n');
    const out = apply(crlf, inputCommentEdit(crlf, { from: 0, to: crlf.length }, binding('x: (N, 4)'), true));
    assert.ok(out.includes('    # layer-lens: x: (N, 4)\r\n    def forward'), JSON.stringify(out));
    const again = apply(out, inputCommentEdit(out, { from: 0, to: out.length }, binding('x: (2, 4)'), true));
    assert.ok(again.includes('    # layer-lens: x: (2, 4)\r\n    def forward'), JSON.stringify(again));
  });

  it('declines a model without forward()', () => {
    const noForward = model.replace('forward', 'step');
    assert.equal(inputCommentEdit(noForward, { from: 0, to: noForward.length }, binding('x: (N, 4)'), true), null);
  });
});
