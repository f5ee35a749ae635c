// Keras written in Python, through the Python front end and the Keras catalogue, against the
// same models rebuilt in tfjs (test/fixtures/keras/tfjsEquivalents.ts): every layer's class,
// output shapes and parameter count. Input layers are left out on both sides (Keras lists them in
// functional models only), and a size tfjs leaves undefined (a `None` time axis) may be symbolic.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyze } from '../../src/analysis/analyze';
import { kerasSnakeCase } from '../../src/analysis/layers/kerasDefinitions';
import type { ModuleInfo, ShapesOut } from '../../src/analysis/types';
import { kerasEquivalents } from '../fixtures/keras/tfjsEquivalents';
import { describeModel, type RealLayer } from '../fixtures/tfjs/realTfjs';

const root = resolve(__dirname, '../..');

function matchesReal(mine: ShapesOut[] | null, real: (number | null)[][]): boolean {
  if (!mine || mine.length !== real.length) return false;
  return real.every((shape, i) => {
    const s = mine[i];
    if (!Array.isArray(s) || s.length !== shape.length) return false;
    return shape.every((d, j) => (d === null ? typeof s[j] === 'string' && s[j] !== '?' : s[j] === d));
  });
}

function pair(modules: ModuleInfo[], real: RealLayer[], by: 'order' | 'name'): [ModuleInfo | undefined, RealLayer][] {
  const mine = modules.filter((m) => m.type !== 'InputLayer' && m.path !== '');
  const theirs = real.filter((l) => l.className !== 'InputLayer');
  if (by === 'order') {
    assert.equal(mine.length, theirs.length, 'layer count');
    return theirs.map((l, i) => [mine[i], l]);
  }
  return theirs.map((l) => [mine.find((m) => m.path === l.name || m.path.endsWith(`.${l.name}`)), l]);
}

describe('Keras (Python) models against tfjs', () => {
  for (const eq of kerasEquivalents) {
    it(`${eq.file} ${eq.expr}`, () => {
      const path = join(root, eq.file);
      assert.ok(existsSync(path), `${eq.file} is missing: test/fixtures/keras/tfjsEquivalents.ts names a file that does not exist`);
      const analysis = analyze(readFileSync(path, 'utf8'), 'python', { fileName: path, model: eq.expr });
      const model = analysis.models.find((m) => m.framework === 'keras');
      assert.ok(model, `no Keras model built for ${eq.expr}; findings: ${analysis.findings.map((f) => `${f.line}: ${f.message}`).join('; ')}`);
      const real = describeModel(eq.build());
      for (const [mine, theirs] of pair(model.modules, real, eq.match)) {
        assert.ok(mine, `no module for ${theirs.name}`);
        assert.equal(mine.type, theirs.className, `class of ${theirs.name}`);
        assert.ok(matchesReal(mine.outputShapes, theirs.outputShapes), `${mine.path}: ${JSON.stringify(mine.outputShapes)} vs tfjs ${JSON.stringify(theirs.outputShapes)}`);
        assert.equal(mine.paramsOwn, theirs.params, `parameters of ${mine.path}`);
      }
    });
  }
});

describe('Keras (Python) shape errors', () => {
  const path = join(root, 'test/fixtures/keras/brokenShapes.py');
  const text = readFileSync(path, 'utf8');
  const run = (expr: string) => analyze(text, 'python', { fileName: path, model: expr });

  it('explains an Add of (N,32,32,16) and (N,16,16,16) at its line, naming a source', () => {
    const errors = run('mismatched_residual()').findings.filter((f) => f.severity === 'error');
    assert.equal(errors.length, 1);
    assert.equal(errors[0].line, 10);
    assert.match(errors[0].message, /Add cannot combine \(N,32,32,16\) and \(N,16,16,16\): axis 1: 32 ≠ 16, axis 2: 32 ≠ 16/);
  });

  it('says when a Conv2D kernel is larger than its input, once', () => {
    const errors = run('kernel_too_large()').findings.filter((f) => f.severity === 'error');
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /Conv2D kernel 5×5 is larger than its 3×3 input with padding 'valid' \(H: 3 < 5, W: 3 < 5\)/);
  });

  it("follows a Lambda's function (`lambda t: t * 2`) without a gap", () => {
    // The Python front end now runs a Lambda's function on its input (issue 16); a function it
    // cannot follow is still a gap (test/unit/kerasFunctional.test.ts).
    const a = run('lambda_gap()');
    assert.ok(!a.findings.some((f) => f.code === 'inference-gap' && f.line === 28 && /Lambda/.test(f.message)));
    const model = a.models.find((m) => m.framework === 'keras');
    assert.deepEqual(model?.modules.find((m) => m.type === 'Lambda')?.outputShapes, [['N', 10]]);
    assert.equal(model?.totalParams, 33);
  });
});

describe('Keras (Python) automatic layer names', () => {
  // The names Keras gives (tf.keras's to_snake_case, then `_1`, `_2` per name); the Python front
  // end, tfjs and the catalogue share one function for them.
  it('snake-cases class names as Keras does', () => {
    const expected: Record<string, string> = {
      Conv2D: 'conv2d',
      Conv2DTranspose: 'conv2d_transpose',
      MaxPooling2D: 'max_pooling2d',
      BatchNormalization: 'batch_normalization',
      LSTM: 'lstm',
      PReLU: 'p_re_lu',
      GlobalAveragePooling1D: 'global_average_pooling1d',
      Dense: 'dense',
    };
    for (const [cls, name] of Object.entries(expected)) assert.equal(kerasSnakeCase(cls), name, cls);
  });

  it('names the layers of a Sequential model by class, numbering repeats', () => {
    const text = [
      'import keras',
      'from keras import layers',
      'def build():',
      '    return keras.Sequential([',
      '        keras.Input(shape=(8, 8, 3)),',
      '        layers.Conv2DTranspose(4, 3),',
      '        layers.MaxPooling2D(),',
      '        layers.BatchNormalization(),',
      '        layers.Flatten(),',
      '        layers.Dense(10),',
      '        layers.Dense(2, name="head"),',
      '        layers.Dense(2),',
      '    ])',
      '',
    ].join('\n');
    const model = analyze(text, 'python', { fileName: 'names.py', model: 'build()' }).models[0];
    assert.ok(model, 'the model builds');
    const paths = model.modules.filter((m) => m.path !== '').map((m) => m.path);
    assert.deepEqual(paths, ['conv2d_transpose', 'max_pooling2d', 'batch_normalization', 'flatten', 'dense', 'head', 'dense_1']);
  });
});
