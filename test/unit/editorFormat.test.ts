// The editor's pure presentation: hint labels, hover Markdown, lens titles, status text and the
// summary table, on a small hand-written Analysis (the analysis itself is tested elsewhere).
import assert from 'node:assert/strict';
import * as analysisApi from '../../src/analysis/api';
import { formatCompact, formatCount, formatShapesOut, formatSummaryTable } from '../../src/analysis/summaryTable';
import type { Analysis, ModelInfo, ModuleInfo } from '../../src/analysis/types';
import {
  annotationAt,
  annotationPlace,
  attentionTarget,
  commandLink,
  escapeMarkdown,
  formatConfig,
  hintLabel,
  hintsToShow,
  hoverMarkdown,
  modelAt,
  modelLensTitle,
  moduleAt,
  receptiveFieldTarget,
  statusText,
  temporalContext,
  variableAnnotation,
  type Translate,
} from '../../src/editor/format';
import { provideAnalysisCore } from '../../src/editor/core';

// The editor reads the catalogue through the core its entry point provides; here, the sources.
provideAnalysisCore(() => analysisApi);

/** vscode.l10n.t's placeholder substitution, without an editor. */
const t: Translate = (message, ...args) => message.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)]));

const source = [
  'class Net(nn.Module):', //                                 0
  '    def __init__(self):',
  '        super().__init__()',
  '        self.conv = nn.Conv1d(1, 8, 2, dilation=2)',
  '        self.fc = nn.Linear(8, 2)',
  '    def forward(self, x):',
  '        h = self.conv(x)',
  '        y = self.fc(h.mean(-1))',
  '        return y',
].join('\n');
const at = (needle: string, from = 0) => {
  const i = source.indexOf(needle, from);
  assert.ok(i >= 0, needle);
  return { from: i, to: i + needle.length };
};

function module(overrides: Partial<ModuleInfo>): ModuleInfo {
  return {
    path: '',
    type: 'Net',
    framework: 'pytorch',
    isLayer: false,
    span: { from: 0, to: source.length },
    line: 1,
    config: {},
    paramsOwn: 0,
    paramsTotal: 42,
    inputShapes: [['N', 1, 'T']],
    outputShapes: [['N', 2]],
    callSpan: null,
    notation: null,
    formula: null,
    macs: null,
    geometry: null,
    receptiveField: null,
    attention: null,
    ...overrides,
  };
}

const conv = module({
  path: 'conv',
  type: 'Conv1d',
  isLayer: true,
  span: at('nn.Conv1d(1, 8, 2, dilation=2)'),
  line: 4,
  config: { in_channels: 1, out_channels: 8, kernel_size: [2], dilation: [2], bias: true },
  paramsOwn: 24,
  paramsTotal: 24,
  inputShapes: [['N', 1, 'T']],
  outputShapes: [['N', 8, 'T-2']],
  callSpan: at('self.conv(x)'),
  notation: '(N,1,T) ⊛ (8,1,2)·d2 → (N,8,T-2)',
  formula: 'L_out = ⌊(T + 2·0 − 2·(2−1) − 1)/1⌋ + 1 = T-2',
  macs: null,
  geometry: { kind: 'conv', kernel: [2], stride: [1], padding: [0], dilation: [2], causal: true },
  receptiveField: { size: [3], stride: [1], padding: [0] },
});
const fc = module({
  path: 'fc',
  type: 'Linear',
  isLayer: true,
  span: at('nn.Linear(8, 2)'),
  line: 5,
  config: { in_features: 8, out_features: 2, bias: true },
  paramsOwn: 18,
  paramsTotal: 18,
  inputShapes: [['N', 8]],
  outputShapes: [['N', 2]],
  callSpan: at('self.fc(h.mean(-1))'),
  notation: '(N,8)·(8,2)=(N,2)',
  formula: 'y = x·Wᵀ + b',
  macs: null,
});
const model: ModelInfo = {
  name: 'Net',
  expr: 'Net()',
  framework: 'pytorch',
  span: { from: 0, to: source.length },
  line: 1,
  inputs: [{ name: 'x', shape: ['N', 1, 'T'] }],
  outputShapes: [['N', 2]],
  totalParams: 42,
  modules: [module({}), conv, fc],
};
const analysis: Analysis = {
  language: 'python',
  models: [model],
  annotations: [
    { span: conv.span, kind: 'layer', shape: ['N', 8, 'T-2'], notation: null, modulePath: 'conv', model: 0 },
    { span: at('self.conv(x)'), kind: 'layer', shape: ['N', 8, 'T-2'], notation: conv.notation, modulePath: 'conv', model: 0 },
    { span: { from: at('h = ').from, to: at('h = ').from + 1 }, kind: 'assign', shape: ['N', 8, 'T-2'], notation: null, modulePath: null, model: 0 },
    { span: at('h.mean(-1)'), kind: 'op', shape: ['N', 8], notation: null, modulePath: null, model: 0 },
    { span: at('self.fc(h.mean(-1))'), kind: 'layer', shape: ['N', 2], notation: '(N,8)·(8,2)=(N,2)', modulePath: 'fc', model: 0 },
  ],
  findings: [],
  elapsedMs: 1,
};

describe('editor format: locating things', () => {
  it('finds the innermost annotation at an offset', () => {
    assert.equal(annotationAt(analysis, source.indexOf('mean'))?.kind, 'op');
    assert.equal(annotationAt(analysis, source.indexOf('self.fc('))?.modulePath, 'fc');
    assert.equal(annotationAt(analysis, source.indexOf('return')), null);
  });

  it('finds a module by its definition or its call', () => {
    assert.deepEqual(
      [moduleAt(analysis, source.indexOf('Linear'))?.module.path, moduleAt(analysis, source.indexOf('Linear'))?.at],
      ['fc', 'definition'],
    );
    assert.equal(moduleAt(analysis, source.indexOf('self.conv(x)') + 2)?.at, 'call');
    assert.equal(moduleAt(analysis, source.indexOf('return')), null, 'the model itself is not a module hit');
  });

  it('falls back to the last model only when asked', () => {
    const outside = { ...analysis, models: [{ ...model, span: { from: 5, to: 10 } }] };
    assert.equal(modelAt(outside, 100), null);
    assert.equal(modelAt(outside, 100, true)?.name, 'Net');
  });

  it('finds the assignment that gave a variable its shape', () => {
    const use = source.indexOf('h.mean');
    assert.deepEqual(variableAnnotation(analysis, source, 'h', use)?.shape, ['N', 8, 'T-2']);
    assert.equal(variableAnnotation(analysis, source, 'z', use), null);
  });
});

describe('editor format: inlay hint labels', () => {
  const [definition, call, , op, fcCall] = analysis.annotations;

  it('tells definitions from forward steps', () => {
    assert.deepEqual(annotationPlace(analysis, definition), { definition: true, step: false });
    assert.deepEqual(annotationPlace(analysis, call), { definition: false, step: true });
    assert.deepEqual(annotationPlace(analysis, op), { definition: false, step: true });
  });

  it('prints shapes, or the notation where there is one', () => {
    assert.equal(hintLabel(analysis, op, 'notation', 'both'), '→ (N,8)');
    assert.equal(hintLabel(analysis, fcCall, 'notation', 'both'), '(N,8)·(8,2)=(N,2)');
    assert.equal(hintLabel(analysis, fcCall, 'shapes', 'both'), '→ (N,2)');
    assert.equal(hintLabel(analysis, fcCall, 'off', 'both'), null);
  });

  it('writes an assignment\'s shape like a type annotation of its target', () => {
    const assign = analysis.annotations[2];
    assert.equal(source.slice(assign.span.from, assign.span.to), 'h');
    assert.equal(hintLabel(analysis, assign, 'notation', 'both'), ': (N,8,T-2)');
  });

  it('writes nothing for an empty span (a whole model)', () => {
    assert.equal(hintLabel(analysis, { ...op, span: { from: 3, to: 3 } }, 'shapes', 'both'), null);
  });

  it('honours where hints go', () => {
    assert.equal(hintLabel(analysis, definition, 'shapes', 'forward'), null);
    assert.equal(hintLabel(analysis, definition, 'shapes', 'init'), '→ (N,8,T-2)');
    assert.equal(hintLabel(analysis, op, 'shapes', 'init'), null);
  });

  it('prints unknown dims as ?, never a number', () => {
    const unknown = { ...op, shape: ['N', '?'] };
    assert.equal(hintLabel(analysis, unknown, 'shapes', 'both'), '→ (N,?)');
  });
});

describe('editor format: hover Markdown', () => {
  const link = { uri: 'untitled:Untitled-1', offset: conv.span.from };

  it('describes a convolution with shapes, formula, params, field and context', () => {
    const md = hoverMarkdown({ model, module: conv, annotation: analysis.annotations[1] }, { t, sampleRate: 16000, link });
    assert.match(md, /\*\*conv\*\* · `Conv1d\(in_channels=1, out_channels=8, kernel_size=\(2,\), dilation=\(2,\)\)`/);
    assert.match(md, /Shapes: `\(N,1,T\)` → `\(N,8,T-2\)`/);
    assert.ok(md.includes('`(N,1,T) ⊛ (8,1,2)·d2 → (N,8,T-2)`'));
    assert.ok(md.includes('```text\nL_out = ⌊(T + 2·0 − 2·(2−1) − 1)/1⌋ + 1 = T-2\n```'));
    assert.match(md, /Params 24/);
    assert.match(md, /Receptive field 3 · effective stride 1 · padding 0/);
    assert.match(md, /Context 3 samples = 0\.19 ms at 16,000 Hz/);
    assert.ok(md.includes(`(${commandLink('layerLens.visualiseReceptiveField', link)})`));
  });

  it('gives the context only for causal or dilated 1-D stacks', () => {
    const plain = { ...model, modules: [module({}), { ...conv, geometry: { ...conv.geometry!, causal: false, dilation: [1] } }] };
    const md = hoverMarkdown({ model: plain, module: plain.modules[1], annotation: null }, { t, sampleRate: 16000, link });
    assert.doesNotMatch(md, /Context/);
    assert.match(md, /Receptive field 3/);
  });

  it('describes an expression without a module', () => {
    const md = hoverMarkdown(
      { model, module: null, annotation: analysis.annotations[3], expressionText: 'h.mean(-1)' },
      { t, sampleRate: 16000, link },
    );
    assert.equal(md, '**`h.mean(-1)`** → `(N,8)`');
  });

  it('links attention layers to the attention view, and layers the panel cannot show nowhere', () => {
    const mha = module({ path: 'attn', type: 'MultiheadAttention', isLayer: true, attention: { kind: 'dot', embedDim: 512, numHeads: 8, headDim: 64, causal: true } });
    const md = hoverMarkdown({ model, module: mha, annotation: null }, { t, sampleRate: 16000, link });
    assert.match(md, /Attention \(dot-product\): 8 heads × 64 = 512, causal mask/);
    assert.ok(md.includes('command:layerLens.showAttention?'));
    const md2 = hoverMarkdown({ model, module: fc, annotation: null }, { t, sampleRate: 16000, link });
    assert.ok(!md2.includes('command:'), md2);
  });

  it('lists only the arguments that differ from the defaults', () => {
    assert.equal(formatConfig({ in_features: 4, out_features: 2, bias: true, device: null, dtype: null }, 'pytorch', 'Linear'), 'in_features=4, out_features=2');
    assert.equal(formatConfig({ in_features: 4, out_features: 2, bias: false }, 'pytorch', 'Linear'), 'in_features=4, out_features=2, bias=False');
    assert.equal(formatConfig({ units: 4, useBias: true }, 'tfjs', 'NoSuchLayer'), 'units=4, useBias=true');
  });

  it('encodes command arguments as a JSON array', () => {
    const uri = commandLink('layerLens.showPanel', { uri: 'file:///a b.py', offset: 7 });
    assert.deepEqual(JSON.parse(decodeURIComponent(uri.split('?')[1])), [{ uri: 'file:///a b.py', offset: 7 }]);
  });

  it('escapes Markdown in names from the user file', () => {
    assert.equal(escapeMarkdown('a_b*[x](y)'), 'a\\_b\\*\\[x\\]\\(y\\)');
  });
});

describe('editor format: lenses and status', () => {
  it('titles a model lens with params and shapes', () => {
    assert.equal(modelLensTitle(model, t), '42 params · input (N,1,T) → (N,2)');
    assert.equal(modelLensTitle({ ...model, totalParams: null, outputShapes: null }, t), '? params · input (N,1,T) → ?');
    const two = { ...model, inputs: [{ name: 'x', shape: [1, 80] }, { name: 'h', shape: [1, 64] }] };
    assert.equal(modelLensTitle(two, t), '42 params · input x (1,80), h (1,64) → (N,2)');
  });

  it('picks the targets of the lens actions', () => {
    assert.equal(receptiveFieldTarget(model)?.path, 'conv');
    assert.equal(attentionTarget(model), null);
  });

  it('shows the shape under the cursor', () => {
    assert.deepEqual(statusText(analysis, source.indexOf('self.fc(') + 1), { text: '(N,2)', detail: '(N,8)·(8,2)=(N,2)' });
    assert.equal(statusText(analysis, source.indexOf('Linear'))?.text, '(N,2)');
    assert.equal(statusText(analysis, source.indexOf('return')), null);
  });

  it('converts a 1-D field to samples and milliseconds', () => {
    assert.deepEqual(temporalContext({ size: [1024], stride: [1], padding: [0] }, 16000), { samples: 1024, ms: 64 });
    assert.equal(temporalContext({ size: [7, 7], stride: [2, 2], padding: [3, 3] }, 16000), null);
  });
});

describe('summary table', () => {
  it('formats counts and shapes', () => {
    assert.equal(formatCount(11689512), '11,689,512');
    assert.equal(formatCount(999), '999');
    assert.equal(formatCompact(1_818_558_976), '1.82G');
    assert.equal(formatShapesOut({ tuple: [['N', 'T', 64], [1, 'N', 64]] }), '((N,T,64), (1,N,64))');
  });

  it('lists every module with its type, output, params and notation, then totals', () => {
    const table = formatSummaryTable(model, { file: 'net.py' });
    const lines = table.split('\n');
    assert.equal(lines[0], 'Model: Net() (pytorch) — net.py');
    assert.equal(lines[1], 'Input: x (N,1,T)');
    const row = lines.find((l) => l.trimStart().startsWith('fc '));
    assert.ok(row, table);
    assert.match(row!, /^ {2}fc +Linear +\(N,2\) +18 {2}\(N,8\)·\(8,2\)=\(N,2\)$/);
    assert.match(table, /^Total params: 42$/m);
    // Columns line up: every row's type column starts at the same place.
    const typeColumn = lines.find((l) => l.startsWith('Layer (path)'))!.indexOf('Type');
    for (const [name, type] of [['Net', 'Net'], ['conv', 'Conv1d'], ['fc', 'Linear']]) {
      const line = lines.find((l) => l.trim().startsWith(`${name} `))!;
      assert.equal(line.indexOf(type, line.indexOf(name) + name.length), typeColumn, table);
    }
  });
});

describe('editor format: which hints are drawn', () => {
  const line = '        h = torch.relu(self.fc(x))  # first layer';
  const text = `${line}\n        return h\n`;
  const span = (needle: string) => ({ from: text.indexOf(needle), to: text.indexOf(needle) + needle.length });
  const a = (needle: string, kind: 'op' | 'assign' | 'layer', shape: string[], notation: string | null = null) => ({
    span: span(needle),
    kind,
    shape,
    notation,
    modulePath: null,
    model: 0,
  });
  const small: Analysis = {
    language: 'python',
    models: [model],
    annotations: [
      a('self.fc(x)', 'op', ['N', '64'], '(N,4)·(4,64)=(N,64)'),
      a('torch.relu(self.fc(x))', 'op', ['N', '64']),
      a('h', 'assign', ['N', '64']),
      a('fc(x)', 'op', ['N', '64']),
    ],
    findings: [],
    elapsedMs: 0,
  };

  it('draws one hint per place, preferring the notation, and drops the line-end repeat of the target', () => {
    const labels = hintsToShow(small, text, 'notation', 'both').map((h) => [text.slice(h.annotation.span.from, h.annotation.span.to), h.label]);
    assert.deepEqual(labels, [
      ['h', ': (N,64)'],
      ['self.fc(x)', '(N,4)·(4,64)=(N,64)'],
    ]);
  });

  it('leaves plain shapes in the middle of a line to the hover', () => {
    const nested = { ...small, annotations: [a('fc(x)', 'op', ['N', '64']), a('torch.relu(self.fc(x))', 'op', ['N', '64'])] };
    assert.deepEqual(
      hintsToShow(nested, text, 'shapes', 'both').map((h) => text.slice(h.annotation.span.from, h.annotation.span.to)),
      ['torch.relu(self.fc(x))'],
    );
  });

  it('keeps the line-end shape when it differs from the target', () => {
    const other = { ...small, annotations: [...small.annotations.slice(0, 2), a('h', 'assign', ['N', '32'])] };
    const labels = hintsToShow(other, text, 'shapes', 'both').map((h) => h.label);
    assert.deepEqual(labels, [': (N,32)', '→ (N,64)', '→ (N,64)']);
  });
});

describe('editor format: a layer built in a loop', () => {
  it('names the instances and the widest field with its context', () => {
    const layer = (i: number, size: number): ModuleInfo => ({ ...conv, path: `layers.${i}.conv`, receptiveField: { size: [size], stride: [1], padding: [0] } });
    const instances = [layer(0, 2), layer(1, 4), layer(2, 8)];
    const md = hoverMarkdown(
      { model, module: instances[0], annotation: null, instances },
      { t, sampleRate: 16000, link: { uri: 'untitled:x', offset: 0 } },
    );
    // Module paths come from the file, so they are escaped Markdown (issue 19): `layers\.0\.conv` renders as layers.0.conv.
    assert.match(md, /Built 3 times here: layers\\\.0\\\.conv … layers\\\.2\\\.conv/);
    assert.match(md, /Widest, layers\\\.2\\\.conv: receptive field 8, context 8 samples = 0\.5 ms/);
  });
});
