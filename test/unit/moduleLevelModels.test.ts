// A PyTorch model a script builds at module level (`model = Head(40, 21); model(x)`) is a model of
// the file: listed under its variable at its assignment, its inputs bound by the script's own calls
// of it, a comment on its assignment or the CLI's --input. Each decision of pickModels'
// moduleLevelTorchModels has a reproducer here; the analysis output is asserted, not internals.
import assert from 'node:assert/strict';
import { analyze } from '../../src/analysis/analyze';
import { createIncrementalAnalyzer } from '../../src/analysis/incremental';
import type { Analysis, ModelInfo, Span } from '../../src/analysis/types';
import { inputCommentEdit } from '../../src/analysis/inputComment';
import { hintsToShow } from '../../src/editor/format';

const header = ['import torch', 'import torch.nn as nn', ''];

const head = [
  'class Head(nn.Module):',
  '    def __init__(self, d_in, classes):',
  '        super().__init__()',
  '        self.fc = nn.Linear(d_in, 64)',
  '        self.out = nn.Linear(64, classes)',
  '',
  '    def forward(self, x):',
  '        return self.out(torch.relu(self.fc(x)))',
  '',
];

function run(lines: string[], options: Parameters<typeof analyze>[2] = {}): { text: string; a: Analysis } {
  const text = lines.join('\n');
  return { text, a: analyze(text, 'python', { fileName: 'script.py', ...options }) };
}

/** A model as one line: name, inputs, outputs and where it is listed. */
function brief(m: ModelInfo): string {
  const shape = (s: unknown) => JSON.stringify(s).replace(/"/g, '');
  return `${m.name} line ${m.line}: ${m.inputs.map((i) => `${i.name}=${shape(i.shape)}`).join(' ')} -> ${shape(m.outputShapes)}${m.inputSource ? ` (${m.inputSource.kind})` : ''}`;
}

/** The hint labels shown on a 1-based line, as the inlay hint provider draws them. */
function hintsOnLine(a: Analysis, text: string, line: number): string[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const span: Span = { from: starts[line - 1], to: starts[line] ?? text.length };
  return hintsToShow(a, text, 'shapes', 'both')
    .filter((h) => h.annotation.span.to >= span.from && h.annotation.span.to <= span.to)
    .map((h) => h.label);
}

function errors(a: Analysis): string[] {
  return a.findings.filter((f) => f.severity === 'error').map((f) => f.message);
}

describe('module-level PyTorch models: what a script builds and runs', () => {
  it("the tutorial script: `model` with the script's input (8,40), output (8,21), hints in forward", () => {
    const { text, a } = run([...header, ...head, 'model = Head(40, 21)', 'x = torch.randn(8, 40)', 'y = model(x)']);
    assert.deepEqual(a.models.map(brief), ['model line 13: x=[8,40] -> [[8,21]] (usage)']);
    assert.equal(a.models[0].expr, 'model');
    assert.equal(text.slice(a.models[0].span.from, a.models[0].span.to), 'model = Head(40, 21)');
    assert.equal(a.models[0].totalParams, 40 * 64 + 64 + 64 * 21 + 21);
    assert.ok(hintsOnLine(a, text, 11).some((l) => l.includes('8×21') || l.includes('(8,21)')), `forward's return line: ${hintsOnLine(a, text, 11).join(' | ')}`);
    assert.ok(hintsOnLine(a, text, 7).some((l) => l.includes('8×64') || l.includes('(8,64)')), `self.fc's line: ${hintsOnLine(a, text, 7).join(' | ')}`);
    // (e) The class is built by the script: no hint that it is not analysed.
    assert.deepEqual(a.findings.map((f) => f.message), []);
  });

  it('(e) the unbuilt-class hint stays for a class nothing builds', () => {
    const other = head.map((l) => l.replace('class Head', 'class Other'));
    const { a } = run([...header, ...head, ...other, 'model = Head(40, 21)']);
    assert.deepEqual(a.models.map((m) => m.name), ['model']);
    assert.deepEqual(
      a.findings.map((f) => f.message.split(':')[0]),
      ['Other is not analysed'],
    );
  });

  it('(a) a class constructible with its defaults and built with other arguments: both listed, the script\'s instance shows in the class body, no false error', () => {
    const defaults = head.map((l) => l.replace('d_in, classes', 'd_in=10, classes=3'));
    const { text, a } = run([...header, ...defaults, 'model = Head(40, 21)', 'x = torch.randn(8, 40)', 'y = model(x)']);
    // Head() is its defaults' model: the script's input (40 features) is not its input.
    assert.deepEqual(a.models.map(brief), ['Head line 4: x=[…] -> [[…,3]]', 'model line 13: x=[8,40] -> [[8,21]] (usage)']);
    assert.deepEqual(errors(a), []);
    assert.deepEqual(hintsOnLine(a, text, 11).filter((l) => l.includes('21') || l.includes('3')).length > 0, true);
    assert.ok(hintsOnLine(a, text, 11).every((l) => !l.includes('…')), `the script's shapes win in forward: ${hintsOnLine(a, text, 11).join(' | ')}`);
  });

  it('(a) an instance built with the defaults of a class candidate is that candidate, bound by its use', () => {
    const defaults = head.map((l) => l.replace('d_in, classes', 'd_in=10, classes=3'));
    const { a } = run([...header, ...defaults, 'model = Head()', 'y = model(torch.randn(2, 10))']);
    assert.deepEqual(a.models.map(brief), ['Head line 4: x=[2,10] -> [[2,3]] (usage)']);
  });

  it('(b) one instance under two names is one model; a use under either name binds it', () => {
    const { a } = run([...header, ...head, 'model = Head(5, 2).to("cpu")', 'm = model', 'with torch.no_grad():', '    out = m(torch.zeros(3, 5))']);
    assert.deepEqual(a.models.map(brief), ['model line 13: x=[3,5] -> [[3,2]] (usage)']);
  });

  it('(c) a module-level submodule of another model is a model too; the whole model shows in the class body', () => {
    const encoder = ['class Encoder(nn.Module):', '    def __init__(self, d):', '        super().__init__()', '        self.fc = nn.Linear(d, 8)', '', '    def forward(self, x):', '        return self.fc(x)', ''];
    const pair = ['class Pair(nn.Module):', '    def __init__(self, enc, dec):', '        super().__init__()', '        self.enc = enc', '        self.dec = dec', '', '    def forward(self, x):', '        return self.dec(self.enc(x))', ''];
    const { text, a } = run([...header, ...encoder, ...pair, 'encoder = Encoder(32)', 'decoder = nn.Sequential(nn.Linear(8, 32), nn.ReLU())', 'model = Pair(encoder, decoder)', 'for step in range(3):', '    batch = torch.randn(16, 32)', '    loss = model(batch).sum()']);
    assert.deepEqual(a.models.map((m) => m.name), ['encoder', 'decoder', 'model']);
    assert.deepEqual(brief(a.models[2]), 'model line 23: x=[16,32] -> [[16,32]] (usage)');
    assert.deepEqual(a.models[2].modules.map((m) => m.path), ['', 'enc', 'enc.fc', 'dec', 'dec.0', 'dec.1']);
    // Encoder's forward shows the batch the script runs through the whole model.
    assert.ok(hintsOnLine(a, text, 10).some((l) => l.includes('16')), hintsOnLine(a, text, 10).join(' | '));
    assert.deepEqual(errors(a), []);
  });

  it('(d) a model built in `if __name__ == "__main__":` is read; the training loop after it is not run', () => {
    const { a } = run([
      ...header,
      ...head,
      "if __name__ == '__main__':",
      "    device = torch.device('cpu')",
      '    model = Head(40, 21).to(device)',
      '    x = torch.randn(4, 40)',
      '    model(x)',
      '    for epoch in range(10):',
      // Run, this line would be an error: it is after the model, in the loop.
      '        wrong = torch.randn(3, 4) @ torch.randn(5, 6)',
    ]);
    assert.deepEqual(a.models.map(brief), ['model line 15: x=[4,40] -> [[4,21]] (usage)']);
    assert.deepEqual(errors(a), []);
  });

  it('(d) an instance made inside a function is a local of a call: no model, and the class keeps its hint', () => {
    const { a } = run([...header, ...head, 'def main():', '    model = Head(40, 21)', '    model(torch.randn(2, 40))', '', "if __name__ == '__main__':", '    main()']);
    assert.deepEqual(a.models, []);
    assert.match(a.findings.map((f) => f.message).join('\n'), /Head is not analysed/);
  });

  it('catalogue layers and losses are not models of the script; nn.Sequential is, bound by model.forward(x)', () => {
    const { a } = run([...header, 'model = nn.Sequential(nn.Linear(10, 20), nn.ReLU(), nn.Linear(20, 2))', 'criterion = nn.CrossEntropyLoss()', 'relu = nn.ReLU()', 'out = model.forward(torch.zeros(4, 10))']);
    assert.deepEqual(a.models.map(brief), ['model line 4: input=[4,10] -> [[4,2]] (usage)']);
  });

  it('a `# layer-lens:` comment above the assignment binds the instance, before its use', () => {
    const { a } = run([...header, ...head, '# layer-lens: x: (N, 40)', 'model = Head(40, 21)', 'model(torch.randn(8, 40))']);
    assert.deepEqual(a.models.map(brief), ['model line 14: x=[N,40] -> [[N,21]] (comment)']);
  });

  it('"Set input shape" writes the comment above the assignment, and the analysis reads it there', () => {
    const { text, a } = run([...header, ...head, 'model = Head(40, 21)', 'model(torch.randn(8, 40))']);
    const edit = inputCommentEdit(text, a.models[0], { name: 'x', shape: ['B', 40] }, true);
    assert.ok(edit);
    const edited = text.slice(0, edit.from) + edit.text + text.slice(edit.to);
    assert.match(edited, /# layer-lens: x: \(B, 40\)\nmodel = Head\(40, 21\)/);
    const again = analyze(edited, 'python', { fileName: 'script.py' });
    assert.deepEqual(again.models.map(brief), ['model line 14: x=[B,40] -> [[B,21]] (comment)']);
  });

  it('a name bound again is listed where its last instance was made, bound by the uses of that instance only', () => {
    const other = head.map((l) => l.replace('class Head', 'class Tail'));
    const { a } = run([...header, ...head, ...other, 'model = Head(40, 21)', 'model(torch.randn(8, 40))', 'model = Tail(7, 3)', 'model = model.to("cpu")', 'model(torch.randn(2, 7))']);
    assert.deepEqual(a.models.map(brief), ['model line 24: x=[2,7] -> [[2,3]] (usage)']);
    assert.deepEqual(errors(a), []);
  });

  it('an input the script makes from data the analysis cannot read stays unknown, never guessed', () => {
    const { a } = run([...header, ...head, 'model = Head(40, 21)', 'for x, y in loader:', '    out = model(x)']);
    assert.deepEqual(a.models.map(brief), ['model line 13: x=[…] -> [[…,21]]']);
    assert.deepEqual(errors(a), []);
  });

  it("--model names the instance or rebuilds it with the script's arguments; --input binds it", () => {
    const lines = [...header, ...head, 'model = Head(40, 21)', 'x = torch.randn(8, 40)', 'y = model(x)'];
    const byName = run(lines, { model: 'model', inputs: [{ name: 'x', shape: [2, 40] }], ...{ inputsOverrideComments: true } }).a;
    assert.deepEqual(byName.models.map(brief), ['model line 13: x=[2,40] -> [[2,21]] (setting)']);
    // The table follows the bound call, not the one the script's top level made.
    assert.deepEqual(byName.models[0].modules.map((m) => JSON.stringify(m.outputShapes)), ['[[2,21]]', '[[2,64]]', '[[2,21]]']);
    const byExpr = run(lines, { model: 'Head(40, 21)' }).a;
    assert.deepEqual(byExpr.models.map((m) => [m.expr, m.totalParams]), [['Head(40, 21)', 3989]]);
  });

  it("sizes the script sets on one line (`B, D = 4, 40`) shape the batch that binds the model", () => {
    const { a } = run([...header, ...head, 'B, D = 4, 40', 'model = Head(D, 21)', 'model(torch.randn(B, D))']);
    assert.deepEqual(a.models.map(brief), ['model line 14: x=[4,40] -> [[4,21]] (usage)']);
  });

  it('a model a factory of the file builds is bound by its use, whatever the factory is named', () => {
    const { a } = run([...header, 'def make(width):', '    return nn.Sequential(nn.Linear(10, width), nn.ReLU())', '', 'net = make(16)', 'net(torch.randn(2, 10))']);
    assert.deepEqual(a.models.map(brief), ['net line 7: input=[2,10] -> [[2,16]] (usage)']);
  });

  it("--model names a model a __main__ block builds", () => {
    const lines = [...header, ...head, "if __name__ == '__main__':", '    model = Head(40, 21)', '    model(torch.randn(8, 40))'];
    const a = run(lines, { model: 'model', inputs: [{ name: 'x', shape: [2, 40] }], ...{ inputsOverrideComments: true } }).a;
    assert.deepEqual(a.models.map(brief), ['model line 14: x=[2,40] -> [[2,21]] (setting)']);
  });

  it('a focused analysis of the class shows the hints of the full analysis (the module-level model is built)', () => {
    const filler = Array.from({ length: 80 }, (_, i) => `c${i} = ${i}`);
    const { text, a } = run([...header, ...head, ...filler, 'model = Head(40, 21)', 'x = torch.randn(8, 40)', 'y = model(x)']);
    const focus: Span = { from: 0, to: text.indexOf('c10 =') };
    const focused = analyze(text, 'python', { fileName: 'script.py', focus });
    const inRange = (r: Analysis) => hintsToShow(r, text, 'notation', 'both').filter((h) => h.annotation.span.to <= focus.to).map((h) => `${h.annotation.span.to}:${h.label}`);
    assert.ok(inRange(a).length > 0);
    assert.deepEqual(inRange(focused), inRange(a));
  });

  it('incremental analysis equals a fresh one through edits of the script', () => {
    const base = [...header, ...head, 'model = Head(40, 21)', 'x = torch.randn(8, 40)', 'y = model(x)'].join('\n');
    const versions = [base, base.replace('Head(40, 21)', 'Head(40, 5)'), base.replace('randn(8, 40)', 'randn(3, 40)'), base.replace('y = model(x)', 'm = model\ny = m(x)'), base.replace('model = Head', '# layer-lens: x: (N, 40)\nmodel = Head'), base, base + '\nencoder = nn.Sequential(nn.Linear(40, 8))'];
    const incremental = createIncrementalAnalyzer();
    const comparable = (r: Analysis) => JSON.parse(JSON.stringify({ ...r, elapsedMs: 0 }));
    for (const text of versions) assert.deepEqual(comparable(incremental.update(text, 'python', { fileName: 'script.py' })), comparable(analyze(text, 'python', { fileName: 'script.py' })));
  });
});
