// Keras in Python through the interpreter: Sequential (list and .add), the functional API with
// keras.Input and keras.Model, subclassed keras.Model with call(), Keras's layer names, and a
// shape error explained like PyTorch's.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/analysis/analyze';
import type { Analysis, ModelInfo } from '../../src/analysis/types';

const root = join(__dirname, '..', '..');

function last(a: Analysis): ModelInfo {
  const m = a.models[a.models.length - 1];
  assert.ok(m, a.findings.map((f) => `${f.line}: ${f.message}`).join('\n'));
  return m;
}

describe('python interpreter: Keras', () => {
  it('reads keras.Sequential with keras.Input, naming layers as Keras does', () => {
    const a = analyze(readFileSync(join(root, 'examples/keras_cnn.py'), 'utf8'), 'python', { fileName: 'keras_cnn.py' });
    const m = last(a);
    assert.equal(m.framework, 'keras');
    assert.deepEqual(m.inputs, [{ name: 'input_layer', shape: ['N', 80, 64, 1] }]);
    assert.deepEqual(m.modules.map((x) => x.path), ['', 'conv2d', 'batch_normalization', 'activation', 'max_pooling2d', 'conv2d_1', 'max_pooling2d_1', 'conv2d_2', 'global_average_pooling2d', 'dropout', 'dense']);
    assert.deepEqual(m.outputShapes, [['N', 40]]);
    assert.equal(m.modules.find((x) => x.path === 'dense')?.paramsOwn, 16 * 40 + 40);
    assert.deepEqual(m.modules.find((x) => x.path === 'conv2d')?.receptiveField, { size: [3, 3], stride: [1, 1], padding: [1, 1] });
  });

  it('follows the functional API built in helper functions and loops (--model build_wavenet())', () => {
    const a = analyze(readFileSync(join(root, 'examples/keras_wavenet.py'), 'utf8'), 'python', { fileName: 'keras_wavenet.py', model: 'build_wavenet()' });
    const m = last(a);
    assert.deepEqual(m.inputs, [{ name: 'audio', shape: ['N', 'T', 256] }]);
    assert.deepEqual(m.outputShapes, [['N', 'T', 256]]);
    assert.equal(m.modules[1].path, 'audio');
    assert.ok(m.modules.some((x) => x.path === 'layer5_skip'));
    assert.deepEqual(m.modules.find((x) => x.path === 'skip_sum')?.outputShapes, [['N', 'T', 64]]);
    // Kernel 2 with dilations 1, 2, 4 twice: 1 + (1 + 2 + 4) * 2 = 15 samples of context.
    assert.deepEqual(m.modules.find((x) => x.path === 'logits')?.receptiveField?.size, [15]);
  });

  it('supports Sequential.add, subclassed models with call() and tf.keras spellings', () => {
    const a = analyze(`import tensorflow as tf
from tensorflow.keras import layers

class Tiny(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(8, activation="relu")
        self.out = layers.Dense(2)

    # layer-lens: x: (N, 4)
    def call(self, x):
        return self.out(self.hidden(x))

def build():
    m = tf.keras.Sequential(name="seq")
    m.add(tf.keras.Input(shape=(4,)))
    m.add(layers.Dense(3))
    return m
`, 'python', { fileName: 'tiny.py' });
    const tiny = a.models.find((m) => m.name === 'Tiny');
    assert.ok(tiny);
    assert.deepEqual(tiny.outputShapes, [['N', 2]]);
    assert.equal(tiny.totalParams, 4 * 8 + 8 + 8 * 2 + 2);
    const b = analyze(`import tensorflow as tf
from tensorflow.keras import layers

def build():
    m = tf.keras.Sequential(name="seq")
    m.add(tf.keras.Input(shape=(4,)))
    m.add(layers.Dense(3))
    return m
`, 'python', { model: 'build()' });
    assert.deepEqual(last(b).outputShapes, [['N', 3]]);
    assert.equal(last(b).totalParams, 15);
  });

  it('explains an Add of mismatched shapes', () => {
    const a = analyze(`import keras
from keras import layers

def build():
    x = keras.Input(shape=(32, 32, 16))
    y = layers.MaxPooling2D(2)(x)
    z = layers.Add()([x, y])
    return keras.Model(x, z)
`, 'python', { model: 'build()' });
    const err = a.findings.find((f) => f.code === 'shape-mismatch');
    assert.ok(err, a.findings.map((f) => f.message).join('\n'));
    assert.equal(err.line, 7);
  });
});
