// A model class whose constructor needs arguments is not a model on its own; when no model of the
// file constructs it either, the analysis says so on the class instead of going silent.
import assert from 'node:assert/strict';
import { analyze } from '../../src/analysis/analyze';

const head = [
  'import torch.nn as nn',
  '',
  'class Head(nn.Module):',
  '    def __init__(self, low_channels: int, num_classes: int, inter_channels: int = 128):',
  '        super().__init__()',
  '        self.cbr = nn.Conv2d(low_channels, inter_channels, 1)',
  '        self.cls = nn.Conv2d(inter_channels, num_classes, 1)',
  '',
  '    def forward(self, x):',
  '        return self.cls(self.cbr(x))',
  '',
];

const unbuilt = (text: string) => analyze(text, 'python').findings.filter((f) => /is not analysed/.test(f.message));

describe('model classes no model builds', () => {
  it('names the constructor parameters without defaults, on the class line', () => {
    const found = unbuilt(head.join('\n'));
    assert.equal(found.length, 1);
    assert.equal(found[0].severity, 'hint');
    assert.equal(found[0].line, 3);
    assert.match(found[0].message, /^Head is not analysed: its constructor needs low_channels, num_classes, which have no defaults/);
  });

  it('says nothing when a model of the file constructs the class', () => {
    const user = ['class Net(nn.Module):', '    def __init__(self):', '        super().__init__()', '        self.head = Head(40, 21)', '', '    def forward(self, x):', '        return self.head(x)', ''];
    assert.deepEqual(unbuilt([...head, ...user].join('\n')), []);
  });

  it('says nothing of a class built with its defaults', () => {
    assert.deepEqual(unbuilt(head.join('\n').replace('low_channels: int, num_classes: int', 'low_channels: int = 40, num_classes: int = 21')), []);
  });
});
