// Issue 17, item 5: consecutive `# layer-lens:` comments bind together, and a binding that names
// no parameter of forward() is a warning on its comment.
import assert from 'node:assert/strict';
import { analyze } from '../../src/analysis/analyze';
import { commentBindingsAbove } from '../../src/analysis/python/inputs';

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

const twoLines = [
  'import torch',
  'from torch import nn',
  '',
  'class Att(nn.Module):',
  '    def __init__(self):',
  '        super().__init__()',
  '        self.q = nn.Linear(1024, 64)',
  '        self.m = nn.Linear(512, 64)',
  '',
  '    # layer-lens: query: (2, 1024)',
  '    # layer-lens: memory: (2, 37, 512)',
  '    def forward(self, query, memory):',
  '        return self.q(query), self.m(memory)',
  '',
].join('\n');

describe('bindings: consecutive comments and misnamed parameters', () => {
  it('reads every layer-lens comment of the block above the def, in order, with its span', () => {
    const bindings = commentBindingsAbove(twoLines, lineStarts(twoLines), 12);
    assert.deepEqual(bindings?.map((b) => b.name), ['query', 'memory']);
    const site = bindings![1].site!;
    assert.equal(twoLines.slice(site.from, site.to), '# layer-lens: memory: (2, 37, 512)');
  });

  it('binds both inputs of the model', () => {
    const model = analyze(twoLines, 'python').models[0];
    assert.deepEqual(model.inputs, [
      { name: 'query', shape: [2, 1024] },
      { name: 'memory', shape: [2, 37, 512] },
    ]);
  });

  it('warns on a comment whose binding names no parameter, and only there', () => {
    const text = twoLines.replace('# layer-lens: memory:', '# layer-lens: memroy:');
    const analysis = analyze(text, 'python');
    const warnings = analysis.findings.filter((f) => f.severity === 'warning');
    assert.equal(warnings.length, 1, JSON.stringify(analysis.findings));
    assert.equal(warnings[0].line, 11);
    assert.match(warnings[0].message, /'memroy' names no parameter of forward\(\) \(its parameters: query, memory\)/);
    assert.equal(analyze(twoLines, 'python').findings.filter((f) => f.severity === 'warning').length, 0);
  });
});
