// Minimal reproducers of the constructs that real Keras and TensorFlow.js code uses and that the
// real-code corpus (docs/accuracy.md, "Real code: Keras and TensorFlow.js") found unread: each case
// is one construct, written here, checked against the shapes and counts Keras or tfjs give.

import assert from 'node:assert/strict';
import { analyze } from '../../src/analysis/analyze';
import { convertTree } from '../../src/analysis/python/ast';
import { parsePython, trailingDots } from '../../src/analysis/python/parse';
import type { Analysis, ModelInfo } from '../../src/analysis/types';

function errors(a: Analysis): string[] {
  return a.findings.filter((f) => f.severity === 'error').map((f) => `${f.line}: ${f.message}`);
}

function kerasModel(a: Analysis): ModelInfo {
  const m = a.models.find((x) => x.framework === 'keras');
  assert.ok(m, `no Keras model; findings: ${a.findings.map((f) => `${f.line}: ${f.message}`).join('; ')}`);
  return m;
}

describe('Python text @lezer/python misreads', () => {
  it('reads float literals without a fraction (`6.`, `100.`) as floats, with no syntax error', () => {
    const text = 'a = f(6., name="r")\nb = 1. if c else 2.\nc = 100. * d\ne = [1., 2.]\ns = "1. not a number"  # 3. neither\ng = 1.5 + x.y\nh = 1.e5\n';
    assert.deepEqual(trailingDots(text), [7, 25, 38, 47, 59, 63]);
    const parsed = parsePython(text);
    const module = convertTree(parsed.tree, text);
    assert.deepEqual(module.errors, []);
    const first = module.body[0];
    assert.ok(first.t === 'assign' && first.value?.t === 'call');
    const arg = first.value.args[0].value;
    assert.ok(arg.t === 'num' && arg.isFloat && arg.value === 6);
  });

  it('accepts a bare `yield` statement', () => {
    const text = 'def gen():\n    yield\n    x = 1\n';
    assert.deepEqual(convertTree(parsePython(text).tree, text).errors, []);
  });

  it('gives no error finding for `layers.ReLU(6.)` in a Keras model', () => {
    const a = analyze('from tensorflow import keras\nfrom tensorflow.keras import layers\ninputs = keras.Input(shape=(8,))\nx = layers.ReLU(6., name="r")(inputs)\nmodel = keras.Model(inputs, x)\n', 'python', { model: 'model' });
    assert.deepEqual(errors(a), []);
    assert.ok(kerasModel(a).modules.some((m) => m.type === 'ReLU'));
  });

  it('reparses incrementally when an edit turns `1.` into `1.5`', () => {
    const before = 'a = 1.\nb = 2\n';
    const after = 'a = 1.5\nb = 2\n';
    const first = parsePython(before);
    const second = parsePython(after, first, [{ fromA: 6, toA: 6, fromB: 6, toB: 7 }]);
    const module = convertTree(second.tree, after);
    assert.deepEqual(module.errors, []);
    const s = module.body[0];
    assert.ok(s.t === 'assign' && s.value?.t === 'num' && s.value.value === 1.5);
  });
});
