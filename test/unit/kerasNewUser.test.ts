// Keras models written as a new user copies them from keras.io and the TensorFlow tutorials (issue
// 16's build items 1-4): a Transformer block subclass, a subclassed Model given only
// `model.build(...)`, `LayerNormalization()(x + attn)` in the functional API, a Lambda splitting
// channels. Each gives the total Keras's `model.summary()` prints, computed here by Keras's own
// formulas, with no error finding, with and without a bound input.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyze } from '../../src/analysis/analyze';
import type { InputBinding } from '../../src/analysis/types';
import { errors, kerasModel } from './kerasAnalysisReaders';

const dir = resolve(__dirname, '../fixtures/keras/newUser');

/** MultiHeadAttention: query, key, value projections E·H·K + H·K each, the output H·K·E + E. */
const mha = (e: number, h: number, k: number) => 3 * (e * h * k + h * k) + (h * k * e + e);
const dense = (i: number, o: number) => i * o + o;

const transformer = 5000 * 48 + 100 * 48 + mha(48, 3, 48) + dense(48, 64) + dense(64, 48) + 2 * 2 * 48 + dense(48, 16) + dense(16, 3);
const cases: { file: string; model: string; total: number; input: InputBinding }[] = [
  { file: 'transformerBlock.py', model: 'model', total: transformer, input: { shape: ['N', 100], dtype: 'long' } },
  { file: 'transformerBlockTf2.py', model: 'model', total: transformer, input: { shape: ['N', 100], dtype: 'long' } },
  { file: 'subclassedModelBuild.py', model: 'net', total: (3 * 3 * 3 * 16 + 16) + (3 * 3 * 16 * 32 + 32) + dense(32, 5), input: { shape: ['N', 32, 32, 3] } },
  { file: 'layerNormOfSum.py', model: 'model', total: mha(32, 4, 8) + 2 * 64 + dense(32, 128) + dense(128, 32) + dense(32, 1), input: { shape: ['N', 64, 32] } },
  { file: 'lambdaSplitChannels.py', model: 'model', total: 3 * ((2 * 16 * 32 + 32) + dense(16, 16)) + dense(16, 8), input: { shape: ['N', 'T', 16] } },
];

describe('Keras as a new user writes it (keras.io style)', () => {
  it('the Transformer total is the one keras.io-style formulas give (280,211)', () => assert.equal(transformer, 280_211));
  for (const c of cases) {
    it(`${c.file}: total ${c.total.toLocaleString('en-US')}, no error, unbound and bound`, () => {
      const text = readFileSync(join(dir, c.file), 'utf8');
      for (const inputs of [undefined, [c.input]]) {
        const a = analyze(text, 'python', { fileName: c.file, model: c.model, ...(inputs ? { inputs } : {}) });
        assert.deepEqual(errors(a), [], `${inputs ? 'bound' : 'unbound'}`);
        assert.equal(kerasModel(a).totalParams, c.total, `${inputs ? 'bound' : 'unbound'}: ${a.findings.map((f) => f.message).join('; ')}`);
      }
    });
  }

  it('a position index the analysis cannot follow leaves gaps naming the layers, never an error', () => {
    const text = readFileSync(join(dir, 'transformerBlock.py'), 'utf8').replace('ops.arange(start=0, stop=length, step=1)', 'mystery(length)');
    const a = analyze(text, 'python', { model: 'model' });
    assert.deepEqual(errors(a), []);
    const messages = a.findings.map((f) => f.message).join('\n');
    assert.match(messages, /multi_head_attention: the rank of its input is not known here/);
    assert.match(messages, /global_average_pooling1d: the rank of its input is not known here/);
    // The layers are all still there.
    assert.equal(kerasModel(a).modules.filter((m) => !m.path.includes('.') && m.path !== '').length, 7);
  });

  it('a subclassed model called on tf.zeros, tf.random.normal or keras.ops.ones is built on that shape', () => {
    const text = readFileSync(join(dir, 'subclassedModelBuild.py'), 'utf8');
    for (const call of ['tf.zeros((8, 32, 32, 3))', 'tf.random.normal((8, 32, 32, 3), stddev=0.1)', 'keras.ops.ones((8, 32, 32, 3), dtype="float32")', 'tf.zeros([8, 32, 32, 3], tf.float32)']) {
      const a = analyze(text.replace('net.build((None, 32, 32, 3))', `y = net(${call})`), 'python', {});
      assert.deepEqual(errors(a), [], call);
      const net = a.models.find((m) => m.name === 'net');
      assert.ok(net, call);
      assert.equal(net.totalParams, cases[2].total, call);
      assert.deepEqual(net.inputs, [{ name: 'images', shape: [8, 32, 32, 3] }], call);
    }
  });

  it('torch.arange and keras.ops.arange by keyword (start=, end=/stop=, step=)', () => {
    const a = analyze('import torch\nimport torch.nn as nn\nclass M(nn.Module):\n    def forward(self, x):\n        return x + torch.arange(start=0, end=12, step=3)\n', 'python', { model: 'M()', inputs: [{ shape: [2, 4] }] });
    assert.deepEqual(a.models[0].outputShapes, [[2, 4]]);
  });
});
