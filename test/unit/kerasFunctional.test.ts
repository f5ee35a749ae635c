// Keras written the way keras.io, the TensorFlow tutorials and Keras Applications write it: one
// construct per case, each checked against the shapes and parameter counts Keras gives (the
// formulas are Keras's own: Dense in·out+out, Conv2D k·k·in·out+out, BatchNormalization 4·C with
// 2·C trainable, Normalization 2·C+1 non-trainable).

import assert from 'node:assert/strict';
import { analyze } from '../../src/analysis/analyze';
import type { Analysis, ModelInfo } from '../../src/analysis/types';
import { errors, kerasModel } from './kerasAnalysisReaders';

const HEAD = 'import tensorflow as tf\nfrom tensorflow import keras\nfrom tensorflow.keras import layers\n';

function run(body: string, model = 'model', inputs?: string[]): Analysis {
  return analyze(HEAD + body, 'python', { model, ...(inputs ? { inputs: inputs.map((shape) => ({ shape: shape.split(',').map((d) => (/^\d+$/.test(d) ? Number(d) : d)) })) } : {}) });
}


/** Layer rows as [name, class, output shape, own parameters], InputLayers left out. */
function rows(m: ModelInfo): [string, string, unknown, number | null][] {
  return m.modules.filter((x) => x.type !== 'InputLayer' && x.path !== '' && !x.path.includes('.')).map((x) => [x.path, x.type, x.outputShapes?.[0] ?? null, x.paramsTotal]);
}

describe('Keras functional API on real code', () => {
  it('reads the functional merge forms layers.add([...]) and layers.concatenate([...], axis=)', () => {
    const a = run(`inputs = keras.Input(shape=(16, 16, 3))
a = layers.Conv2D(8, 3, padding="same")(inputs)
b = layers.Conv2D(8, 1)(inputs)
x = layers.add([a, b])
x = layers.concatenate([x, a], axis=-1)
model = keras.Model(inputs, x)
`);
    assert.deepEqual(errors(a), []);
    const m = kerasModel(a);
    assert.deepEqual(rows(m), [
      ['conv2d', 'Conv2D', ['N', 16, 16, 8], 224],
      ['conv2d_1', 'Conv2D', ['N', 16, 16, 8], 32],
      ['add', 'Add', ['N', 16, 16, 8], 0],
      ['concatenate', 'Concatenate', ['N', 16, 16, 16], 0],
    ]);
    assert.equal(m.totalParams, 256);
  });

  it("takes Keras's default image_data_format 'channels_last' for the branch on it", () => {
    const a = run(`from tensorflow.keras import backend
channel_axis = 1 if backend.image_data_format() == 'channels_first' else -1
inputs = keras.Input(shape=(8, 8, 3))
a = layers.Conv2D(4, 1)(inputs)
b = layers.Conv2D(4, 1)(inputs)
x = layers.Concatenate(axis=channel_axis)([a, b])
x = layers.BatchNormalization(axis=channel_axis)(x)
model = keras.Model(inputs, x)
`);
    assert.deepEqual(errors(a), []);
    const m = kerasModel(a);
    assert.deepEqual(m.outputShapes, [['N', 8, 8, 8]]);
    assert.equal(m.totalParams, 64);
  });

  it('gives no error for a Concatenate whose axis is not known', () => {
    const a = run(`import random
axis = random.choice([1, -1])
inputs = keras.Input(shape=(8, 8, 3))
x = layers.Concatenate(axis=axis)([inputs, inputs])
model = keras.Model(inputs, x)
`);
    assert.deepEqual(errors(a), []);
    assert.ok(!a.findings.some((f) => f.message.includes('[object Object]')), a.findings.map((f) => f.message).join('; '));
  });

  it('takes the input from input_shape= on the first layer of a Sequential and from InputLayer(input_shape=)', () => {
    for (const first of ['layers.Conv2D(8, 3, input_shape=(28, 28, 1)),', 'layers.InputLayer(input_shape=(28, 28, 1)), layers.Conv2D(8, 3),']) {
      const a = run(`model = keras.Sequential([${first} layers.MaxPool2D(), layers.Flatten(), layers.Dense(10)])\n`);
      assert.deepEqual(errors(a), []);
      const m = kerasModel(a);
      // Conv2D 3·3·1·8+8 = 80; pooled (13,13,8) flattened 1352; Dense 1352·10+10 = 13530.
      assert.equal(m.totalParams, 13610, first);
      assert.deepEqual(m.outputShapes, [['N', 10]]);
    }
  });

  it('takes the input from model.build((None, 3)) on a Sequential', () => {
    const a = run(`model = keras.Sequential([layers.Dense(64), layers.Dense(1)])
model.build((None, 3))
`);
    assert.deepEqual(errors(a), []);
    // 3·64+64 = 256; 64+1 = 65.
    assert.equal(kerasModel(a).totalParams, 321);
  });

  it('knows the aliases Keras exports (MaxPool1D, AvgPool1D, GlobalAvgPool1D, ...)', () => {
    const a = run(`model = keras.Sequential([keras.Input(shape=(32, 4)), layers.Conv1D(8, 3), layers.MaxPool1D(), layers.AvgPool1D(), layers.GlobalAvgPool1D(), layers.Dense(2)])\n`);
    assert.deepEqual(errors(a), []);
    const m = kerasModel(a);
    assert.deepEqual(rows(m).map((r) => r[1]), ['Conv1D', 'MaxPooling1D', 'AveragePooling1D', 'GlobalAveragePooling1D', 'Dense']);
    // Conv1D 3·4·8+8 = 104; Dense 8·2+2 = 18.
    assert.equal(m.totalParams, 122);
  });

  it('counts layers.Normalization as Keras does (mean, variance and count: 2·C+1)', () => {
    const a = run(`inputs = tf.keras.layers.Input(shape=[5])
x = tf.keras.layers.Normalization()(inputs)
outputs = tf.keras.layers.Dense(1)(x)
model = tf.keras.Model(inputs, outputs)
`);
    assert.deepEqual(errors(a), []);
    assert.equal(kerasModel(a).totalParams, 17);
  });

  it('keeps an encoder reached only through initial_state=', () => {
    const a = run(`enc_in = keras.Input(shape=(None,), dtype="int64")
dec_in = keras.Input(shape=(None,), dtype="int64")
state = layers.GRU(8)(layers.Embedding(100, 4)(enc_in))
x = layers.GRU(8, return_sequences=True)(layers.Embedding(100, 4)(dec_in), initial_state=state)
model = keras.Model([enc_in, dec_in], layers.Dense(100)(x))
`);
    assert.deepEqual(errors(a), []);
    // Embeddings 400 each; GRU(4 → 8) with reset_after: 3·(4·8+8·8+2·8) = 336 each; Dense 900.
    assert.equal(kerasModel(a).totalParams, 400 + 400 + 336 + 336 + 900);
  });
});

describe('Keras builders called without their arguments', () => {
  it('keeps every layer, with unknown sizes and no error, when the input shape is a parameter', () => {
    const a = run(`def build_model(input_shape, n_classes, filters=32):
    inputs = keras.Input(shape=input_shape)
    x = layers.Conv2D(filters, 3, activation="relu")(inputs)
    x = layers.MaxPooling2D()(x)
    x = layers.Flatten()(x)
    outputs = layers.Dense(n_classes, activation="softmax")(x)
    return keras.Model(inputs, outputs)
`, 'build_model()');
    assert.deepEqual(errors(a), []);
    const m = kerasModel(a);
    assert.deepEqual(rows(m).map((r) => r[1]), ['Conv2D', 'MaxPooling2D', 'Flatten', 'Dense']);
    assert.equal(m.totalParams, null);
  });
});

describe('Keras tensor arithmetic in the functional API', () => {
  it('follows the graph through x + y, x * y and slicing of symbolic tensors', () => {
    const a = run(`inputs = keras.Input(shape=(10, 16))
attn = layers.Dense(16)(inputs)
x = layers.LayerNormalization()(inputs + attn)
gate = layers.Dense(32)(x)
x = gate[..., :16] * tf.sigmoid(gate[..., 16:])
outputs = layers.Dense(4)(x)
model = keras.Model(inputs, outputs)
`);
    assert.deepEqual(errors(a), []);
    const m = kerasModel(a);
    // Dense 272; LayerNormalization 32; Dense 544; Dense 68.
    assert.deepEqual(rows(m).map((r) => r[0]), ['dense', 'layer_normalization', 'dense_1', 'dense_2']);
    assert.equal(m.totalParams, 272 + 32 + 544 + 68);
    assert.deepEqual(m.outputShapes, [['N', 10, 4]]);
  });
});

describe('Keras Lambda layers', () => {
  it("runs a Lambda's function: a tuple output that splits channels (WaveNet's gated unit)", () => {
    const a = run(`inputs = keras.Input(shape=(None, 4))
x = layers.Conv1D(16, 2, padding="causal")(inputs)
a, b = layers.Lambda(lambda t: (t[..., :8], t[..., 8:]))(x)
z = layers.Multiply()([layers.Activation("tanh")(a), layers.Activation("sigmoid")(b)])
outputs = layers.Conv1D(1, 1)(z)
model = keras.Model(inputs, outputs)
`);
    assert.deepEqual(errors(a), []);
    const m = kerasModel(a);
    assert.deepEqual(rows(m).map((r) => r[0]), ['conv1d', 'lambda', 'activation', 'activation_1', 'multiply', 'conv1d_1']);
    // Conv1D 2·4·16+16 = 144; Conv1D 8·1+1 = 9.
    assert.equal(m.totalParams, 153);
  });

  it('reports a Lambda whose function cannot be followed, and keeps every other layer', () => {
    const a = run(`import some_library
inputs = keras.Input(shape=(8,))
x = layers.Dense(4)(inputs)
y = layers.Lambda(lambda t: some_library.transform(t))(x)
model = keras.Model(inputs, layers.Dense(2)(layers.Concatenate()([x, y])))
`);
    assert.deepEqual(errors(a), []);
    assert.ok(a.findings.some((f) => f.code === 'inference-gap' && f.line === 7 && /lambda/i.test(f.message)), a.findings.map((f) => `${f.line}: ${f.message}`).join('; '));
    assert.deepEqual(rows(kerasModel(a)).map((r) => r[0]), ['dense', 'lambda', 'concatenate', 'dense_1']);
  });

  it('passes arguments= to the function, as Inception-ResNet does', () => {
    const a = run(`inputs = keras.Input(shape=(8,))
up = layers.Dense(8)(inputs)
x = layers.Lambda(lambda inputs, scale: inputs[0] + inputs[1] * scale, output_shape=(8,), arguments={'scale': 0.2})([inputs, up])
model = keras.Model(inputs, layers.Dense(2)(x))
`);
    assert.deepEqual(errors(a), []);
    assert.equal(kerasModel(a).totalParams, 72 + 18);
  });
});

describe('Keras subclassed layers and models', () => {
  it('builds a subclassed Layer used in a functional model, named as Keras names it', () => {
    const a = run(`class ResidualBlock(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.d1 = layers.Dense(units, activation="relu")
        self.d2 = layers.Dense(units)

    def call(self, x):
        return self.d2(self.d1(x)) + x

inputs = keras.Input(shape=(8,))
x = ResidualBlock(8)(inputs)
outputs = layers.Dense(2)(x)
model = keras.Model(inputs, outputs)
`);
    assert.deepEqual(errors(a), []);
    const m = kerasModel(a);
    assert.deepEqual(rows(m).map((r) => [r[0], r[1], r[3]]), [['residual_block', 'ResidualBlock', 144], ['dense_2', 'Dense', 18]]);
    assert.equal(m.totalParams, 162);
  });

  it('builds a subclassed Model from model.build((None, 28, 28, 1)) without an error', () => {
    const a = run(`class MyModel(keras.Model):
    def __init__(self):
        super().__init__()
        self.conv1 = layers.Conv2D(32, 3, activation="relu")
        self.flatten = layers.Flatten()
        self.d1 = layers.Dense(128, activation="relu")
        self.d2 = layers.Dense(10)

    def call(self, x):
        x = self.conv1(x)
        x = self.flatten(x)
        x = self.d1(x)
        return self.d2(x)

model = MyModel()
model.build((None, 28, 28, 1))
`);
    assert.deepEqual(errors(a), []);
    // TensorFlow's quickstart for experts: 2,770,634 parameters.
    assert.equal(kerasModel(a).totalParams, 2770634);
  });
});

describe('Keras functional model.layers order (keras/src/ops/function.py map_graph)', () => {
  const paths = (a: Analysis) => kerasModel(a).modules.filter((m) => m.path !== '' && !m.path.includes('.')).map((m) => m.path);

  it('lists a shortcut created before the main path by depth, as Keras does, not by creation or call order', () => {
    const a = run(`inputs = keras.Input(shape=(32, 32, 16))
shortcut = layers.Conv2D(32, 1, name="shortcut")(inputs)
x = layers.Conv2D(32, 3, padding="same", name="main1")(inputs)
x = layers.Conv2D(32, 3, padding="same", name="main2")(x)
x = layers.add([x, shortcut])
outputs = layers.GlobalAveragePooling2D(name="gap")(x)
model = keras.Model(inputs, outputs)
`);
    assert.deepEqual(errors(a), []);
    // Depths from the output: gap 0, add 1, main2 and shortcut 2 (main2 met first), main1 3, input 4.
    assert.deepEqual(paths(a), ['input_layer', 'main1', 'main2', 'shortcut', 'add', 'gap']);
  });

  it('orders ties by the depth-first walk from the outputs, through tensor arithmetic too (ResNet: 0_conv before 3_conv)', () => {
    const a = run(`inputs = keras.Input(shape=(8, 8, 4))
x = layers.Conv2D(8, 1, name="b1_1_conv")(inputs)
x = layers.Conv2D(8, 3, padding="same", name="b1_2_conv")(x)
shortcut = layers.Conv2D(16, 1, name="b1_0_conv")(inputs)
shortcut = layers.BatchNormalization(name="b1_0_bn")(shortcut)
x = layers.Conv2D(16, 1, name="b1_3_conv")(x)
x = layers.BatchNormalization(name="b1_3_bn")(x)
x = layers.ReLU(name="b1_out")(shortcut + x)
model = keras.Model(inputs, x)
`);
    assert.deepEqual(errors(a), []);
    assert.deepEqual(paths(a), ['input_layer', 'b1_1_conv', 'b1_2_conv', 'b1_0_conv', 'b1_3_conv', 'b1_0_bn', 'b1_3_bn', 'b1_out']);
  });

  it('keeps an input no output depends on, at depth 0 before the other layers of that depth', () => {
    const a = run(`a = keras.Input(shape=(4,), name="a")
b = keras.Input(shape=(4,), name="b")
y = layers.Dense(2, name="d")(b)
model = keras.Model([a, b], y)
`);
    // b is at depth 1; a, unreached, gets depth 0 and index -1, so it comes before d (depth 0, index 0).
    assert.deepEqual(paths(a), ['b', 'a', 'd']);
  });
});

describe('Keras input bindings on a model built when the file ran', () => {
  // A size the notebook reads from downloaded data: unknown to the analysis.
  const DATA = `inputs = keras.Input(shape=(120, raw_data.shape[-1]), name="series")
x = layers.LSTM(16)(inputs)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
`;
  /** LSTM 4·16·(14+16+1) = 1,984, Dense 17. */
  const TOTAL = 2001;
  const warnings = (a: Analysis) => a.findings.filter((f) => f.severity === 'warning' && /input binding/.test(f.message)).map((f) => `${f.line}: ${f.message}`);

  it('fills a keras.Input size the file cannot know from --input, by position or by the input name', () => {
    for (const inputs of [['N,120,14'], ['1,120,14']]) {
      const a = run(DATA, 'model', inputs);
      assert.deepEqual(errors(a), []);
      const m = kerasModel(a);
      assert.equal(m.totalParams, TOTAL);
      // The batch stays Keras's None.
      assert.deepEqual(m.modules.find((x) => x.path === 'series')?.outputShapes, [['N', 120, 14]]);
    }
    const named = analyze(HEAD + DATA, 'python', { model: 'model', inputs: [{ name: 'series', shape: ['N', 120, 14] }] });
    assert.equal(kerasModel(named).totalParams, TOTAL);
  });

  it('takes the binding from a `# layer-lens:` comment above the model line, and from the editor setting with no --model', () => {
    const commented = DATA.replace('model = keras.Model', '# layer-lens: series: (N, 120, 14)\nmodel = keras.Model');
    assert.equal(kerasModel(run(commented)).totalParams, TOTAL);
    const setting = analyze(HEAD + DATA, 'python', { inputs: [{ shape: ['N', 120, 14] }] });
    assert.equal(kerasModel(setting).totalParams, TOTAL);
  });

  it('keeps a declared size a binding contradicts, with a warning on the declaration, never silently', () => {
    for (const [inputs, pattern] of [
      [['N,100,14'], /gives size 100 at dim 1, but the input declared at line 4 is \(N,120,F\): the declared shape is kept/],
      [['N,120,14,2'], /has 4 dims, but the input declared at line 4 is \(N,120,F\)/],
    ] as const) {
      const a = run(DATA, 'model', [...inputs]);
      assert.deepEqual(errors(a), []);
      assert.equal(kerasModel(a).totalParams, null);
      assert.match(warnings(a).join('\n'), pattern);
    }
    const wrongName = analyze(HEAD + DATA, 'python', { model: 'model', inputs: [{ name: 'x', shape: ['N', 120, 14] }] });
    assert.match(warnings(wrongName).join('\n'), /the input binding x names no input of this model \(its inputs: series\)/);
  });

  it('leaves a fully declared input as declared when the binding agrees, and checks a model.build shape too', () => {
    const declared = run('inputs = keras.Input(shape=(120, 14))\nmodel = keras.Model(inputs, layers.LSTM(16)(inputs))\n', 'model', ['N,120,14']);
    assert.deepEqual(warnings(declared), []);
    assert.equal(kerasModel(declared).totalParams, 1984);
    const built = run(`class M(keras.Model):
    def __init__(self):
        super().__init__()
        self.d = layers.Dense(4)

    def call(self, x):
        return self.d(x)

model = M()
model.build((None, 8))
`, 'model', ['N,9']);
    assert.match(warnings(built).join('\n'), /gives size 9 at dim 1, but the input declared at line 13 is \(N,8\)/);
    assert.equal(kerasModel(built).totalParams, 36);
  });
});
