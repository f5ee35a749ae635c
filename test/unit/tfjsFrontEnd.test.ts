// The TS/JS front end on its own: which models it finds, how it names and annotates them, the
// JavaScript it follows, the findings it reports for broken models, and that it never throws.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzeTfjs } from '../../src/analysis/typescript/analyzeTfjs';
import type { Analysis, ModelInfo } from '../../src/analysis/types';
import { analysisProblems } from './robustnessInputs';

const fixtures = resolve(__dirname, '../fixtures/tfjs');
const read = (name: string) => readFileSync(join(fixtures, name), 'utf8');

function model(a: Analysis, expr: string): ModelInfo {
  const m = a.models.find((x) => x.expr === expr);
  assert.ok(m, `no model ${expr} among ${a.models.map((x) => x.expr).join(', ')}`);
  return m;
}

function shapes(m: ModelInfo): string[] {
  return m.modules.map((x) => `${x.path} ${JSON.stringify(x.outputShapes)}`);
}

describe('tfjs front end: models and names', () => {
  it('finds exported factories and top-level models, and lets options.model pick one with arguments', () => {
    const text = `import * as tf from '@tensorflow/tfjs';
export function mlp(hidden = 8) {
  return tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: hidden }), tf.layers.dense({ units: 3 })] });
}
export const classifier = tf.sequential();
classifier.add(tf.layers.dense({ inputShape: [10], units: 2 }));
const usesFactory = mlp(5);
`;
    const a = analyzeTfjs(text, 'typescript');
    assert.deepEqual(a.models.map((m) => m.expr), ['mlp()', 'classifier']);
    assert.deepEqual(model(a, 'mlp()').outputShapes, [['N', 3]]);
    const picked = analyzeTfjs(text, 'typescript', { model: 'mlp(16)' });
    assert.deepEqual(picked.models.map((m) => m.expr), ['mlp(16)']);
    assert.deepEqual(picked.models[0].modules.map((m) => m.outputShapes), [[['N', 16]], [['N', 3]]]);
    assert.equal(picked.models[0].totalParams, 4 * 16 + 16 + 16 * 3 + 3);
  });

  it('follows named imports, require() and plain JavaScript', () => {
    const ts = `import { sequential, layers as L } from '@tensorflow/tfjs-node';
export function net() { return sequential({ layers: [L.conv1d({ inputShape: [50, 2], filters: 3, kernelSize: 4 })] }); }`;
    assert.deepEqual(model(analyzeTfjs(ts, 'typescript'), 'net()').outputShapes, [['N', 47, 3]]);
    const js = `const tf = require('@tensorflow/tfjs');
function build(units = 4) { const m = tf.sequential(); m.add(tf.layers.dense({ inputShape: [7], units })); return m; }
module.exports = { build };`;
    assert.deepEqual(model(analyzeTfjs(js, 'javascript'), 'build()').outputShapes, [['N', 4]]);
  });

  it('evaluates loops, destructuring, spreads, templates and helper closures', () => {
    const text = `import * as tf from '@tensorflow/tfjs';
const sizes = { small: [8, 16], large: [32, 64] };
const makeDense = (units: number, { act = 'relu' } = {}) => tf.layers.dense({ units, activation: act });
export function tower(kind: 'small' | 'large' = 'large') {
  const [first, ...rest] = sizes[kind];
  const model = tf.sequential({ name: \`tower_\${kind}\` });
  model.add(tf.layers.dense({ inputShape: [3], units: first }));
  for (const units of [...rest, 2 ** 3]) model.add(makeDense(units));
  let i = 0;
  while (i < 2) { model.add(makeDense(5 - i)); i++; }
  return model;
}`;
    const m = model(analyzeTfjs(text, 'typescript'), 'tower()');
    assert.deepEqual(m.modules.map((x) => x.outputShapes), [[['N', 32]], [['N', 64]], [['N', 8]], [['N', 5]], [['N', 4]]]);
  });

  it('follows a switch on a known value, falling through to the break', () => {
    const text = `import * as tf from '@tensorflow/tfjs';
export function head(kind = 'wide') {
  let units = 0;
  switch (kind) {
    case 'narrow': units = 4; break;
    case 'wide':
    case 'huge': units += 16;
    default: units += 1;
  }
  return tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units })] });
}`;
    assert.deepEqual(model(analyzeTfjs(text, 'typescript'), 'head()').outputShapes, [['N', 17]]);
  });

  it("uses the user's layer names and binds inputs from options", () => {
    const text = `import * as tf from '@tensorflow/tfjs';
export function named() {
  const x = tf.input({ shape: [null, 8], name: 'frames' });
  const y = tf.layers.lstm({ units: 4, name: 'encoder' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: y });
}`;
    const a = analyzeTfjs(text, 'typescript', { inputs: [{ name: 'frames', shape: ['N', 100, 8] }] });
    assert.deepEqual(shapes(model(a, 'named()')), ['frames [["N",100,8]]', 'encoder [["N",4]]']);
    const unbound = analyzeTfjs(text, 'typescript');
    // The null in `shape` is an open length, not a second batch axis.
    assert.deepEqual(model(unbound, 'named()').modules[0].outputShapes, [['N', '?', 8]]);
  });
});

describe('tfjs front end: annotations', () => {
  it('annotates each layer definition in a sequential model with its shape and notation', () => {
    const text = read('digitCnn.ts');
    const a = analyzeTfjs(text, 'typescript');
    const dense = a.annotations.find((x) => text.slice(x.span.from, x.span.to).startsWith('tf.layers.dense({ units: classes'));
    assert.ok(dense);
    assert.deepEqual(dense.shape, ['N', 10]);
    assert.equal(dense.notation, '(N,256)·(256,10)=(N,10)');
    const conv = a.annotations.find((x) => text.slice(x.span.from, x.span.to).startsWith('tf.layers.conv2d({ inputShape'));
    assert.equal(conv?.notation, '(N,28,28,1) ⊛ (5,5,1,8) → (N,24,24,8)');
  });

  it('annotates a chained tf.layers.x(...).apply(x) at the end of the apply call', () => {
    const text = read('functional.ts');
    const a = analyzeTfjs(text, 'typescript');
    const add = a.annotations.find((x) => x.modulePath === 'add_Add1');
    assert.ok(add);
    assert.equal(text.slice(add.span.from, add.span.to), 'tf.layers.add().apply([y, shortcut])');
    assert.equal(add.notation, '(N,32,32,16) + (N,32,32,16) = (N,32,32,16)');
  });

  it('carries receptive fields along channels-last convolutions', () => {
    const a = analyzeTfjs(read('digitCnn.ts'), 'typescript');
    const m = model(a, 'digitCnn()');
    assert.deepEqual(m.modules.map((x) => x.receptiveField?.size ?? null), [[5, 5], [6, 6], [14, 14], [16, 16], null, null]);
    assert.deepEqual(m.modules[3].receptiveField?.stride, [4, 4]);
  });
});

describe('tfjs front end: findings', () => {
  const text = read('brokenShapes.ts');
  const a = analyzeTfjs(text, 'typescript');
  const errorsAt = (line: number) => a.findings.filter((f) => f.severity === 'error' && f.line === line);

  it('explains an add of (N,32,32,16) and (N,16,16,16) with both sources', () => {
    const [f] = errorsAt(8);
    assert.ok(f, 'an error on line 8');
    assert.equal(f.code, 'shape-mismatch');
    assert.match(f.message, /Add cannot combine \(N,32,32,16\) and \(N,16,16,16\): axis 1: 32 ≠ 16, axis 2: 32 ≠ 16/);
    assert.deepEqual(f.related.map((r) => r.line), [6, 7]);
    assert.match(f.related[1].message, /max_pooling2d_MaxPooling2D1 \(line 7\) gives \(N,16,16,16\)/);
  });

  it('says when a kernel is larger than its input, and does not repeat the error downstream', () => {
    const [f] = errorsAt(16);
    assert.match(f.message, /Conv2D kernel 5×5 is larger than its 3×3 input with padding 'valid' \(H: 3 < 5, W: 3 < 5\)/);
    assert.deepEqual(errorsAt(17), []);
  });

  it('reports the first sequential layer without an input shape, a bad concatenation and an unknown layer', () => {
    assert.match(errorsAt(22)[0].message, /first layer of a sequential model but has no inputShape/);
    assert.match(errorsAt(28)[0].message, /Concatenate\(axis=-1\) cannot join \(N,10,4\) and \(N,12,4\): every axis except 2 must match \(axis 1: 10 ≠ 12\)/);
    const unknown = a.findings.find((f) => f.code === 'unknown-layer');
    assert.equal(unknown?.line, 33);
    assert.match(unknown.message, /tf\.layers\.fancyLayer is not in Layer Lens's catalogue/);
  });

  it('keeps every shape up to an error', () => {
    assert.deepEqual(shapes(model(a, 'kernelTooLarge()')).slice(0, 2), ['conv2d_Conv2D1 [["N",6,6,4]]', 'max_pooling2d_MaxPooling2D1 [["N",3,3,4]]']);
  });

  it('reports an unknown condition as an inference gap at its line', () => {
    const gap = analyzeTfjs(`import * as tf from '@tensorflow/tfjs';
export function f(flag: boolean) {
  const m = tf.sequential();
  if (flag) m.add(tf.layers.dense({ inputShape: [2], units: 3 }));
  return m;
}`, 'typescript');
    const f = gap.findings.find((x) => x.code === 'inference-gap');
    assert.equal(f?.line, 4);
    assert.match(f.message, /`flag` is not known statically/);
  });
});

describe('tfjs front end: robustness', () => {
  it('never throws on any prefix of a model file, and every prefix points inside itself', function () {
    this.timeout(60_000);
    const text = read('functional.ts');
    for (let end = 0; end <= text.length; end += 7) {
      const prefix = text.slice(0, end);
      const a = analyzeTfjs(prefix, 'typescript');
      assert.deepEqual(analysisProblems(prefix, a), [], `prefix of ${end} characters`);
    }
    // The whole file, the last "prefix", builds its model: the loop above ran on real work.
    const whole = analyzeTfjs(text, 'typescript');
    assert.ok(whole.models.length > 0 && whole.models.every((m) => m.modules.length > 0), 'functional.ts builds a model with layers');
    assert.deepEqual(analysisProblems(text, whole), []);
  });

  it('stops an endless loop with a budget finding', () => {
    const a = analyzeTfjs(`import * as tf from '@tensorflow/tfjs';
export function spin() { const m = tf.sequential(); let i = 0; while (true) { i++; } return m; }`, 'typescript', { stepBudget: 5000 });
    assert.ok(a.findings.some((f) => f.code === 'budget' && f.line === 2));
  });

  it('treats deep recursion as a budget, not a crash', () => {
    const a = analyzeTfjs(`export function r(n = 1): number { return r(n + 1); }`, 'typescript');
    assert.ok(a.findings.some((f) => f.code === 'budget'));
  });
});

describe('tfjs front end: what it does not follow, it says', () => {
  it('follows a model added to a sequential model (a nested model) as one layer, as tfjs lists it', () => {
    const a = analyzeTfjs(`import * as tf from '@tensorflow/tfjs';
export function autoencoder() {
  const encoder = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 32 })] });
  const model = tf.sequential();
  model.add(encoder);
  return model;
}`, 'typescript');
    const model = a.models.find((m) => m.name === 'autoencoder');
    assert.deepEqual(model?.modules.map((m) => [m.path, m.type, m.paramsTotal, m.outputShapes]), [['sequential_1', 'Sequential', 25120, [['N', 32]]]]);
  });

  it('reports a nested model applied to inputs of other shapes than it was built for as an inference gap', () => {
    const a = analyzeTfjs(`import * as tf from '@tensorflow/tfjs';
export function wrong() {
  const encoder = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 32 })] });
  const x = tf.input({ shape: [10] });
  return tf.model({ inputs: x, outputs: encoder.apply(x) });
}`, 'typescript');
    const gap = a.findings.find((f) => f.code === 'inference-gap' && f.line === 5);
    assert.match(gap?.message ?? '', /a model used as a layer/);
  });

  it('reports a loop over an unknown array as an inference gap and keeps the layers before it', () => {
    const a = analyzeTfjs(`import * as tf from '@tensorflow/tfjs';
export function net(widths: number[]) {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [4], units: 8 }));
  for (const w of widths) model.add(tf.layers.dense({ units: w }));
  return model;
}`, 'typescript');
    assert.equal(a.findings.find((f) => f.code === 'inference-gap')?.line, 5);
    assert.deepEqual(model(a, 'net()').outputShapes, [['N', 8]]);
  });
});
