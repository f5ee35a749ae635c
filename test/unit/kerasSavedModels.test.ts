// A model the program saves and loads back (issue 16, DLwP ch. 13): `load_model(path)` of a constant
// path this same program saved to (`model.save`, `keras.models.save_model`, a ModelCheckpoint given
// to the model's `fit`) has that model's architecture; any other path stays unknown, with a finding.

import assert from 'node:assert/strict';
import { analyze } from '../../src/analysis/analyze';
import type { Analysis } from '../../src/analysis/types';
import { errors, kerasModel } from './kerasAnalysisReaders';

const BUILD = `import keras
from keras import layers

inputs = keras.Input(shape=(120, 14))
x = layers.Flatten()(inputs)
x = layers.Dense(16, activation="relu")(x)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
`;

/** Flatten 0, Dense 1680·16+16, Dense 16+1. */
const TOTAL = 26_913;

function run(rest: string): Analysis {
  return analyze(BUILD + rest, 'python', { model: 'model' });
}

function gapMessages(a: Analysis): string[] {
  const all = a.findings.flatMap((f) => [f.message, ...f.related.map((r) => r.message)]);
  return all.filter((m) => /load_model/.test(m));
}

describe('Keras models saved and loaded back by the same program', () => {
  it('a ModelCheckpoint given to fit saves the model: load_model of its path is that model', () => {
    const a = run(`callbacks = [keras.callbacks.ModelCheckpoint("jena_dense.keras", save_best_only=True)]
model.compile(optimizer="adam", loss="mse")
history = model.fit(train_dataset, epochs=10, validation_data=val_dataset, callbacks=callbacks)
model = keras.models.load_model("jena_dense.keras")
`);
    assert.deepEqual(errors(a), []);
    assert.equal(kerasModel(a).totalParams, TOTAL);
    assert.deepEqual(kerasModel(a).modules.filter((m) => m.type !== 'InputLayer' && m.path !== '').map((m) => m.path), ['flatten', 'dense', 'dense_1']);
  });

  it('model.save(path), keras.models.save_model and keras.saving.load_model, the path through a variable', () => {
    for (const rest of [
      'path = "m.keras"\nmodel.save(path)\nmodel = keras.models.load_model(path)\n',
      'keras.models.save_model(model, "m.keras")\nmodel = keras.saving.load_model("m.keras")\n',
      'from keras.models import load_model\nmodel.save(filepath="m.h5")\nmodel = load_model("m.h5")\n',
    ]) {
      const a = run(rest);
      assert.deepEqual(errors(a), [], rest);
      assert.equal(kerasModel(a).totalParams, TOTAL, rest);
    }
  });

  it('a path the program does not save to, a weights-only checkpoint, a formatted path: unknown, with a finding naming load_model', () => {
    for (const rest of [
      'model = keras.models.load_model("pretrained.keras")\n',
      'model.save("a.keras")\nmodel = keras.models.load_model("b.keras")\n',
      'cb = keras.callbacks.ModelCheckpoint("w.keras", save_weights_only=True)\nmodel.fit(x, y, callbacks=[cb])\nmodel = keras.models.load_model("w.keras")\n',
      'cb = keras.callbacks.ModelCheckpoint("m_{epoch:02d}.keras")\nmodel.fit(x, y, callbacks=[cb])\nmodel = keras.models.load_model("m_{epoch:02d}.keras")\n',
      'model.save(f"{name}.keras")\nmodel = keras.models.load_model(f"{name}.keras")\n',
      'model = keras.models.load_model("m.keras")\nmodel.save("m.keras")\n',
    ]) {
      const a = run(rest);
      assert.deepEqual(errors(a), [], rest);
      assert.equal(a.models.filter((m) => m.framework === 'keras').length, 0, rest);
      assert.ok(gapMessages(a).length > 0, `${rest}: ${a.findings.map((f) => f.message).join('; ')}`);
    }
  });
});
