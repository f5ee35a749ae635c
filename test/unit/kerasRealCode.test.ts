// Minimal reproducers of the constructs that real Keras and TensorFlow.js code uses and that the
// real-code corpus (docs/accuracy.md, "Real code: Keras and TensorFlow.js") found unread: each case
// is one construct, written here, checked against the shapes and counts Keras or tfjs give.

import assert from 'node:assert/strict';
import { analyze } from '../../src/analysis/analyze';
import { convertTree } from '../../src/analysis/python/ast';
import { parsePython, trailingDots } from '../../src/analysis/python/parse';
import { errors, kerasModel } from './kerasAnalysisReaders';


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

describe('TensorFlow.js written the way real projects write it', () => {
  it('follows a model built in a class method and returned through `this.` (`new Head().build()`)', () => {
    const text = `import * as tf from '@tensorflow/tfjs';
class Base { units = 5; }
class Head extends Base {
  numClasses = 3;
  model: tf.Sequential;
  constructor(extra: number) { super(); this.extra = extra; }
  build(inputSize = 10) {
    this.model = tf.sequential({layers: [tf.layers.dense({inputShape: [inputSize], units: this.units + this.extra}), tf.layers.dense({units: this.numClasses})]});
    return this.model;
  }
}
`;
    const a = analyze(text, 'typescript', { model: 'new Head(2).build()' });
    assert.deepEqual(errors(a), []);
    const m = a.models.find((x) => x.framework === 'tfjs');
    assert.ok(m, a.findings.map((f) => f.message).join('; '));
    // Dense(10 → 7): 77; Dense(7 → 3): 24 (tfjs's countParams()).
    assert.equal(m.totalParams, 101);
  });

  it("derives a sequential model's input from the first Embedding's inputLength, as tfjs does", () => {
    const text = `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential({layers: [tf.layers.embedding({inputDim: 100, outputDim: 8, inputLength: 10}), tf.layers.flatten(), tf.layers.dense({units: 2})]});
`;
    const a = analyze(text, 'typescript', { model: 'model' });
    assert.deepEqual(errors(a), []);
    const m = a.models.find((x) => x.framework === 'tfjs');
    assert.ok(m);
    assert.deepEqual(m.modules.find((x) => x.type === 'Embedding')?.outputShapes, [['N', 10, 8]]);
    // Embedding 800 + Dense(80 → 2) 162.
    assert.equal(m.totalParams, 962);
  });

  it('follows a model applied as a layer of another, one row with its parameters as tfjs lists it', () => {
    const text = `import * as tf from '@tensorflow/tfjs';
const inner = tf.sequential({layers: [tf.layers.dense({units: 3, inputShape: [4]})]});
const x = tf.input({shape: [4]});
const y = tf.layers.dense({units: 2}).apply(inner.apply(x));
const outer = tf.model({inputs: x, outputs: y});
const stacked = tf.sequential();
stacked.add(inner);
stacked.add(tf.layers.dense({units: 5}));
`;
    for (const [expr, rows, total] of [
      ['outer', [['sequential_1', 'Sequential', 15], ['dense_Dense2', 'Dense', 8]], 23],
      ['stacked', [['sequential_1', 'Sequential', 15], ['dense_Dense3', 'Dense', 20]], 35],
    ] as const) {
      const a = analyze(text, 'typescript', { model: expr });
      assert.deepEqual(errors(a), []);
      const m = a.models.find((x) => x.framework === 'tfjs');
      assert.ok(m);
      // Real tfjs 4.22: model.layers names, getClassName() and countParams().
      assert.deepEqual(m.modules.filter((x) => x.type !== 'InputLayer').map((x) => [x.path, x.type, x.paramsTotal]), rows);
      assert.equal(m.totalParams, total);
    }
  });

  it('follows a user layer (extends tf.layers.Layer) through its build, addWeight and computeOutputShape', () => {
    const text = `import * as tf from '@tensorflow/tfjs';
class Scale extends tf.layers.Layer {
  static className = 'Scale';
  constructor(config) { super(config); this.units = config.units; }
  build(inputShape) {
    this.w = this.addWeight('w', [inputShape[inputShape.length - 1], this.units], 'float32', tf.initializers.ones());
    this.b = this.addWeight('b', [this.units], 'float32', tf.initializers.zeros());
  }
  computeOutputShape(inputShape) { return [inputShape[0], this.units]; }
  call(inputs) { return tf.matMul(inputs, this.w.read()); }
}
const model = tf.sequential();
model.add(tf.layers.dense({units: 8, inputShape: [4]}));
model.add(new Scale({units: 3}));
model.add(tf.layers.dense({units: 2}));
`;
    const a = analyze(text, 'javascript', { model: 'model' });
    assert.deepEqual(errors(a), []);
    const m = a.models.find((x) => x.framework === 'tfjs');
    assert.ok(m);
    // Real tfjs 4.22: names, getClassName() and countParams() of model.layers.
    assert.deepEqual(m.modules.map((x) => [x.path, x.type, x.paramsTotal, x.outputShapes?.[0]]), [
      ['dense_Dense1', 'Dense', 40, ['N', 8]],
      ['scale_Scale1', 'Scale', 27, ['N', 3]],
      ['dense_Dense2', 'Dense', 8, ['N', 2]],
    ]);
    assert.equal(m.totalParams, 75);
  });
});
