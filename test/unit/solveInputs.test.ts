// Issue 17, item 3: where a symbolic size meets a layer's fixed one, the input it implies is found
// and offered as the binding ("input must be 28×28, from fc1").
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/analysis/analyze';
import { evaluateDim, parseDimExpression, solutionText } from '../../src/analysis/solveInputs';

const root = join(__dirname, '..', '..');

describe('solveInputs: the input a fixed layer size implies', () => {
  it('parses and evaluates printed dimensions with Python floor division', () => {
    const node = parseDimExpression('64*((H-4)//2)*((W-4)//2)')!;
    assert.equal(evaluateDim(node, new Map([['H', 28], ['W', 28]])), 9216);
    assert.equal(evaluateDim(parseDimExpression('(-H)//2')!, new Map([['H', 3]])), -2);
    assert.equal(evaluateDim(parseDimExpression('max(H,W)-1')!, new Map([['H', 3], ['W', 5]])), 4);
    assert.equal(parseDimExpression('H+'), null);
    assert.equal(parseDimExpression('H)'), null);
  });

  it('finds 28×28 for the MNIST network from fc1, and offers it as the binding', () => {
    const text = readFileSync(join(root, 'test', 'fixtures', 'notebooks', 'small_cnn.py'), 'utf8').replace(/x = torch\.randn.*\n/, '').replace('logits = model(x)', '');
    const analysis = analyze(text, 'python');
    const model = analysis.models[0];
    assert.deepEqual(model.inputs[0].shape, ['N', 1, 'H', 'W']);
    const solution = model.inputSolution!;
    assert.deepEqual(solution.shape, ['N', 1, 28, 28]);
    assert.deepEqual([solution.from, solution.square, solution.last], ['fc1', true, 29]);
    assert.equal(solutionText(solution), 'input must be 28×28 (up to 29×29 also fits), from fc1');
    const hint = analysis.findings.find((f) => f.code === 'input-solution')!;
    assert.equal(hint.severity, 'hint');
    assert.match(hint.message, /# layer-lens: x: \(N, 1, 28, 28\)/);
  });

  it('solves one symbol, and says nothing when the input is bound or no size fits', () => {
    const seq = (inFeatures: number, binding = '') =>
      [
        'import torch',
        'from torch import nn',
        'class Net(nn.Module):',
        '    def __init__(self):',
        '        super().__init__()',
        '        self.conv = nn.Conv1d(4, 8, 5)',
        `        self.fc = nn.Linear(${inFeatures}, 2)`,
        binding,
        '    def forward(self, x):',
        '        return self.fc(torch.flatten(self.conv(x), 1))',
      ].join('\n');
    const one = analyze(seq(8 * 96, '    # layer-lens: x: (N, 4, T)'), 'python').models[0].inputSolution;
    assert.deepEqual([one?.shape, one?.last, one?.square], [['N', 4, 100], 100, false]);
    assert.equal(analyze(seq(8 * 96, '    # layer-lens: x: (N, 4, 100)'), 'python').models[0].inputSolution, undefined);
    assert.equal(analyze(seq(8 * 96 + 1, '    # layer-lens: x: (N, 4, T)'), 'python').models[0].inputSolution, undefined);
  });
});
