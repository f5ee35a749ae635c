// "Set input shape…": parsing what the user types and placing the `# layer-lens:` comment.
import assert from 'node:assert/strict';
import { bindingAnchor, findForwardDef, findFunctionalModelLine, formatInputBinding, functionalInputsUnknown, inputCommentEdit, parseInputBinding } from '../../src/analysis/inputComment';
import { analyze } from '../../src/analysis/analyze';
import { parseLayerLensComment } from '../../src/analysis/python/inputs';
import { formatDim } from '../../src/analysis/shapes';
import type { InputBinding, ModelInfo } from '../../src/analysis/types';

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

describe('editor input binding: a Keras functional model', () => {
  const HEAD = 'import keras\nfrom keras import layers\n\n';
  // A feature count read from downloaded data: unknown to the analysis.
  const MODULE = `${HEAD}inputs = keras.Input(shape=(120, raw_data.shape[-1]), name="series")
x = layers.LSTM(16)(inputs)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs=inputs, outputs=outputs)
`;
  const FACTORY = `${HEAD}def build():
    inputs = keras.Input(shape=(120, raw_data.shape[-1]), name="series")
    x = layers.LSTM(16)(inputs)
    return keras.Model(
        inputs, layers.Dense(1)(x))
`;
  /** LSTM 4·16·(14+16+1) = 1,984, Dense 17. */
  const TOTAL = 2001;
  const only = (text: string): ModelInfo => {
    const a = analyze(text, 'python', {});
    assert.equal(a.models.length, 1, JSON.stringify(a.models.map((m) => m.name)));
    return a.models[0];
  };

  it('finds the Model(...) line, not a class that subclasses keras.Model, nor a comment', () => {
    const text = `class Net(keras.Model):\n    pass\n\n# keras.Model(a, b) in a comment\nm = tf.keras.models.Model(a, b)\n`;
    const found = findFunctionalModelLine(text, { from: 0, to: text.length });
    assert.equal(found?.lineStart, text.indexOf('m = tf'));
    assert.equal(findFunctionalModelLine('class Net(keras.Model):\n    pass\n', { from: 0, to: 33 }), null);
  });

  it('says when a functional model leaves an input size unknown, and not for a declared one or a class', () => {
    assert.equal(functionalInputsUnknown(MODULE, only(MODULE)), true);
    const declared = MODULE.replace('raw_data.shape[-1]', '14');
    assert.equal(functionalInputsUnknown(declared, only(declared)), false);
    const subclass = `${HEAD}class Net(keras.Model):\n    def __init__(self):\n        super().__init__()\n        self.d = layers.Dense(4)\n\n    def call(self, x):\n        return self.d(x)\n`;
    assert.equal(functionalInputsUnknown(subclass, only(subclass)), false);
    // A Sequential built on keras.Input is bound the same way; one not built has no rank to bind.
    const sequential = `${HEAD}model = keras.Sequential([\n    keras.Input(shape=(raw.shape[1],)),\n    layers.Dense(4),\n])\n`;
    assert.equal(functionalInputsUnknown(sequential, only(sequential)), true);
    const out = apply(sequential, inputCommentEdit(sequential, only(sequential), binding('(N, 14)'), true));
    assert.ok(out.includes('# layer-lens: (N, 14)\nmodel = keras.Sequential(['), out);
    assert.equal(only(out).totalParams, 60);
    const unbuilt = `${HEAD}model = keras.Sequential([layers.Dense(4)])\n`;
    assert.equal(functionalInputsUnknown(unbuilt, only(unbuilt)), false);
  });

  it('writes the comment above the model line in the form the analysis reads, and the total becomes known', () => {
    const m = only(MODULE);
    assert.equal(m.totalParams, null);
    const out = apply(MODULE, inputCommentEdit(MODULE, m, { name: m.inputs[0].name, shape: ['N', 120, 14] }, true));
    assert.ok(out.includes('# layer-lens: series: (N, 120, 14)\nmodel = keras.Model('), out);
    assert.equal(out.replace('# layer-lens: series: (N, 120, 14)\n', ''), MODULE, 'nothing else changed');
    assert.equal(only(out).totalParams, TOTAL);
  });

  it('keeps the indentation inside a factory, over a call split across lines', () => {
    const m = only(FACTORY);
    const out = apply(FACTORY, inputCommentEdit(FACTORY, m, binding('series: (N, 120, 14)'), true));
    assert.ok(out.includes('    # layer-lens: series: (N, 120, 14)\n    return keras.Model(\n'), out);
    assert.equal(only(out).totalParams, TOTAL);
  });

  it('replaces a binding comment already above the model line instead of stacking a second', () => {
    const once = apply(MODULE, inputCommentEdit(MODULE, only(MODULE), binding('series: (N, 120, 7)'), true));
    const twice = apply(once, inputCommentEdit(once, only(once), binding('series: (N, 120, 14)'), true));
    assert.equal(twice.match(/# layer-lens:/g)?.length, 1, twice);
    assert.ok(twice.includes('# layer-lens: series: (N, 120, 14)\nmodel = keras.Model('), twice);
    assert.equal(only(twice).totalParams, TOTAL);
  });

  it('anchors a class model at forward()/call(), and declines a tfjs model', () => {
    assert.equal(bindingAnchor(model, { span: whole, framework: 'pytorch', inputs: [] })?.lineStart, model.indexOf('    def forward'));
    assert.equal(bindingAnchor('const m = tf.sequential();\n', { span: { from: 0, to: 26 }, framework: 'tfjs', inputs: [{ name: 'x', shape: ['N', 'D'] }] }), null);
    // A Sequential not built on keras.Input: the analysis reads no comment for it, so none is written.
    const unbuilt = `${HEAD}model = keras.Sequential([layers.Dense(4)])\n`;
    assert.equal(bindingAnchor(unbuilt, only(unbuilt)), null);
  });
});
