// Issue 17, item 1: a model called on tensors the file builds takes those shapes as its inputs,
// after a binding comment and before the setting; the analysis says where they came from.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/analysis/analyze';
import { convertTree } from '../../src/analysis/python/ast';
import { parsePython } from '../../src/analysis/python/parse';
import { modelUsages } from '../../src/analysis/python/usageInputs';
import { formatShape } from '../../src/analysis/shapes';
import { inputSourceMarkdown } from '../../src/editor/inputSourceText';

const root = join(__dirname, '..', '..');

function usages(text: string): string[] {
  const module = convertTree(parsePython(text).tree, text);
  return modelUsages(module.body, text).map((u) => `${u.className ?? u.variable}: ${u.bindings.map((b) => `${b.name ? `${b.name}=` : ''}${formatShape(b.dims)}${b.dtype === 'float' ? '' : `:${b.dtype}`}`).join(' ')}`);
}

const net = ['import torch', 'from torch import nn', '', 'class Net(nn.Module):', '    def __init__(self):', '        super().__init__()', '        self.fc = nn.Linear(784, 10)', '', '    def forward(self, x):', '        return self.fc(x)', ''].join('\n');

describe('modelUsages: the tensors a file builds and calls its model on', () => {
  it('reads torch factories, literals, numpy, chains and constants', () => {
    const text = [
      net,
      'import numpy as np',
      'batch = 8',
      'model = Net().to("cpu")',
      'x = torch.randn(batch, 784)',
      'model(x)',
      'model(torch.zeros((2, 784)))',
      'Net()(torch.randint(0, 10, (4, 784)))',
      'model(torch.tensor([[1.0, 2.0]]))',
      'model(torch.from_numpy(np.zeros((3, 784))).float())',
      'model(unknown_tensor)',
      'print(len(x))',
    ].join('\n');
    assert.deepEqual(usages(text), ['Net: (8,784)', 'Net: (2,784)', 'Net: (4,784):long', 'Net: (1,2)', 'Net: (3,784)']);
  });

  it('reads Keras build and predict, and torchinfo/torchsummary sizes', () => {
    const keras = ['import numpy as np', 'from tensorflow import keras', 'm = keras.Sequential([keras.layers.Dense(3)])', 'm.build((None, 784))', 'm.predict(np.zeros((5, 784)), batch_size=1)'].join('\n');
    assert.deepEqual(usages(keras), ['m: (N,784)', 'm: (5,784)']);
    assert.deepEqual(usages(`${net}\nfrom torchinfo import summary\nsummary(Net(), input_size=(16, 784))`), ['Net: (16,784)']);
    assert.deepEqual(usages(`${net}\nfrom torchsummary import summary\nsummary(Net(), (784,))`), ['Net: (N,784)']);
  });

  it('reads uses inside main() and under __main__', () => {
    const text = [net, 'def main():', '    net = Net()', '    with torch.no_grad():', '        print(net(torch.rand(1, 784)).shape)', '', "if __name__ == '__main__':", '    main()'].join('\n');
    assert.deepEqual(usages(text), ['Net: (1,784)']);
  });
});

describe('analyze: inputs from usage', () => {
  it('binds a script that calls its model on torch.randn, and says where from', () => {
    const text = readFileSync(join(root, 'test', 'fixtures', 'notebooks', 'small_cnn.py'), 'utf8');
    const model = analyze(text, 'python').models[0];
    assert.deepEqual(model.inputs, [{ name: 'x', shape: [8, 1, 28, 28] }]);
    assert.deepEqual(model.modules.find((m) => m.path === 'fc1')?.inputShapes, [[8, 9216]]);
    assert.equal(model.inputSource?.kind, 'usage');
    assert.equal(model.inputSource?.text, 'model(x)');
    assert.equal(model.inputSource?.line, text.split('\n').findIndex((l) => l.startsWith('logits = model(x)')) + 1);
  });

  it('binds a Keras model from model.build(...)', () => {
    const text = [
      'from tensorflow import keras',
      'from tensorflow.keras import layers',
      '',
      'class SmallCnn(keras.Model):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.conv = layers.Conv2D(16, 3)',
      '        self.flatten = layers.Flatten()',
      '        self.dense = layers.Dense(10)',
      '',
      '    def call(self, x):',
      '        return self.dense(self.flatten(self.conv(x)))',
      '',
      'model = SmallCnn()',
      'model.build((None, 28, 28, 1))',
    ].join('\n');
    const analysis = analyze(text, 'python');
    const cnn = analysis.models.find((m) => m.name === 'SmallCnn')!;
    assert.deepEqual(cnn.inputs[0].shape, ['N', 28, 28, 1]);
    assert.deepEqual(cnn.outputShapes, [['N', 10]]);
    assert.deepEqual(analysis.findings.filter((f) => f.severity === 'error'), []);
  });

  it('lets a comment win over usage, and usage over the setting; takes the first use and lists the others', () => {
    const used = `${net}\nmodel = Net()\nmodel(torch.randn(8, 784))\nmodel(torch.randn(2, 784))\n`;
    const first = analyze(used, 'python', { inputs: [{ shape: [5, 784] }] }).models[0];
    assert.deepEqual(first.inputs[0].shape, [8, 784]);
    assert.deepEqual(first.inputSource?.others.map((o) => o.text), ['model(torch.randn(2, 784))']);
    const commented = used.replace('    def forward', '    # layer-lens: x: (3, 784)\n    def forward');
    const fromComment = analyze(commented, 'python').models[0];
    assert.deepEqual([fromComment.inputs[0].shape, fromComment.inputSource?.kind], [[3, 784], 'comment']);
    const fromSetting = analyze(net, 'python', { inputs: [{ shape: [5, 784] }] }).models[0];
    assert.deepEqual([fromSetting.inputs[0].shape, fromSetting.inputSource?.kind], [[5, 784], 'setting']);
    assert.equal(analyze(net, 'python').models[0].inputSource, undefined);
  });

  it('writes the hover line with a link to the call and the other uses', () => {
    const model = analyze(`${net}\nmodel = Net()\nmodel(torch.randn(8, 784))\nmodel(torch.randn(2, 784))\n`, 'python').models[0];
    const t = (m: string, ...args: (string | number | boolean)[]) => m.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)]));
    const text = inputSourceMarkdown(model, t, (line) => `file:///m.py#L${line}`);
    assert.equal(text, 'Input shapes from `model(torch.randn(8, 784))`, [line 13](file:///m.py#L13). Also used at [line 14](file:///m.py#L14).');
    const commented = analyze(net.replace('    def forward', '    # layer-lens: x: (3, 784)\n    def forward'), 'python').models[0];
    assert.equal(inputSourceMarkdown(commented, t, (line) => `#L${line}`), 'Input shapes from `# layer-lens: x: (3, 784)`, [line 9](#L9).');
  });
});

describe('TensorFlow.js: inputs from model.predict(tf.zeros([...]))', () => {
  it('binds the factory whose model the file predicts on, and says where from', () => {
    const text = [
      "import * as tf from '@tensorflow/tfjs';",
      '',
      'export function digitCnn(): tf.Sequential {',
      '  return tf.sequential({',
      '    layers: [tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 5 }), tf.layers.flatten(), tf.layers.dense({ units: 10 })],',
      '  });',
      '}',
      '',
      'const model = digitCnn();',
      'const batch = 8;',
      'model.predict(tf.zeros([batch, 28, 28, 1]));',
    ].join('\n');
    const model = analyze(text, 'typescript').models[0];
    assert.deepEqual(model.inputs[0].shape, [8, 28, 28, 1]);
    assert.deepEqual(model.outputShapes, [[8, 10]]);
    assert.deepEqual([model.inputSource?.kind, model.inputSource?.line], ['usage', 11]);
  });
});
