// The editor features end to end in a real VS Code: inlay hints, hovers, CodeLens, diagnostics,
// the summary document, "Set input shape…", the status bar, settings, and that a closed document
// leaves nothing behind. Everything is asked through VS Code's own commands and events.
import * as vscode from 'vscode';
import type { LayerLensApi } from '../../src/editor/extension';
import {
  check,
  checkEqual,
  closeDocument,
  diagnosticsWhen,
  hintLabels,
  hoverText,
  labelText,
  layerLens,
  lensTitles,
  nextEvent,
  openUntitled,
  positionOf,
  withSetting,
} from './editorHelpers';

/** The tutorial's classifier with a deliberate mistake: fc1 gives 64 features, fc2 expects 32. */
const brokenModel = [
  'import torch',
  'from torch import nn',
  '',
  '',
  'class Broken(nn.Module):',
  '    def __init__(self):',
  '        super().__init__()',
  '        self.fc1 = nn.Linear(4, 64)',
  '        self.fc2 = nn.Linear(32, 2)',
  '',
  '    # layer-lens: x: (N, 4)',
  '    def forward(self, x):',
  '        h = torch.relu(self.fc1(x))',
  '        return self.fc2(h)',
  '',
].join('\n');

/** The same model, fixed. */
const fixedModel = brokenModel.replace('nn.Linear(32, 2)', 'nn.Linear(64, 2)');

let api: LayerLensApi;

before(async () => {
  ({ api } = await layerLens());
});

describe('editor: activation', () => {
  it('activates without analysing anything (time logged, not asserted)', function () {
    check(typeof api.activationMs === 'number' && api.activationMs >= 0, 'activate() reports its duration');
    checkEqual(api.analysesDuringActivation, 0, 'analyses run inside activate()');
    // The spec reporter prints the title after the test ran, so the figure lands in the log.
    this.test!.title = `activates without analysing anything: activate() took ${api.activationMs.toFixed(1)} ms`;
  });
});

describe('editor: an untitled model with a shape error', () => {
  let document: vscode.TextDocument;

  before(async () => {
    document = await openUntitled(brokenModel);
    await vscode.window.showTextDocument(document);
  });

  after(async () => {
    await closeDocument(document);
  });

  it('reports the mismatch as an error on the fc2 call, with related locations', async () => {
    const diagnostics = await diagnosticsWhen(document.uri, (ds) => ds.some((d) => d.code === 'shape-mismatch'));
    const error = diagnostics.find((d) => d.code === 'shape-mismatch')!;
    checkEqual(error.severity, vscode.DiagnosticSeverity.Error, 'severity');
    checkEqual(error.source, 'Layer Lens', 'source');
    check(/64/.test(error.message) && /32/.test(error.message), `the message names both sizes: ${error.message}`);
    const line = document.lineAt(error.range.start.line).text;
    check(line.includes('fc2'), `the error is on the fc2 line or call, not on: ${line}`);
    for (const related of error.relatedInformation ?? []) {
      checkEqual(related.location.uri.toString(), document.uri.toString(), 'related locations are in the document');
    }
  });

  it('shows the tutorial notation for the steps that work', async () => {
    const labels = await hintLabels(document);
    check(labels.includes('(N,4)·(4,64)=(N,64)'), `hints: ${JSON.stringify(labels)}`);
  });

  it('hovers the fc1 call with shapes, notation and parameters', async () => {
    const text = await hoverText(document, positionOf(document, 'self.fc1(x)', 'self.f'.length));
    check(text.includes('Linear'), text);
    check(text.includes('(N,4)') && text.includes('(N,64)'), text);
    check(text.includes('Params 320'), `4·64 + 64 = 320 parameters: ${text}`);
    check(!text.includes('command:'), `no panel link for a layer the panel cannot show: ${text}`);
  });

  it('hovers a variable with the shape it was given', async () => {
    const text = await hoverText(document, positionOf(document, 'self.fc2(h)', 'self.fc2('.length));
    check(text.includes('(N,64)'), `h is (N,64): ${text}`);
  });

  it('puts a CodeLens with params and input above the model', async () => {
    const titles = await lensTitles(document);
    check(titles.some((t) => t.startsWith('386 params · input (N,4)')), `320 + 66 = 386 params: ${JSON.stringify(titles)}`);
    check(titles.includes('Summary'), JSON.stringify(titles));
  });

  it('clears the error once the code is fixed, as the user types', async () => {
    const edit = new vscode.WorkspaceEdit();
    const start = positionOf(document, 'nn.Linear(32, 2)', 'nn.Linear('.length);
    edit.replace(document.uri, new vscode.Range(start, start.translate(0, 2)), '64');
    check(await vscode.workspace.applyEdit(edit), 'edit applied');
    await diagnosticsWhen(document.uri, (ds) => !ds.some((d) => d.code === 'shape-mismatch'));
    const labels = await hintLabels(document);
    check(labels.includes('(N,64)·(64,2)=(N,2)'), `hints after the fix: ${JSON.stringify(labels)}`);
  });

  it('after a burst of edits, diagnostics and hints are those of the last version only', async () => {
    // Twelve edits inside one debounce period, each a different wrong width for fc2 (fc1 gives 64),
    // so a result of any earlier version would name another number than the last one's, 21. Hints
    // asked between some of them analyse those intermediate versions on the spot.
    const width = () => positionOf(document, 'self.fc2 = nn.Linear(', 'self.fc2 = nn.Linear('.length);
    for (let i = 0; i < 12; i++) {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(document.uri, new vscode.Range(width(), width().translate(0, 2)), String(10 + i));
      check(await vscode.workspace.applyEdit(edit), `edit ${i} applied`);
      if (i % 4 === 1) await hintLabels(document);
    }
    check(document.getText().includes('self.fc2 = nn.Linear(21, 2)'), `the last edit is the text: ${document.lineAt(width().line).text}`);
    await api.settled(document.uri.toString());
    const diagnostics = await diagnosticsWhen(document.uri, (ds) => ds.some((d) => d.code === 'shape-mismatch' && /\b21\b/.test(d.message)));
    const errors = diagnostics.filter((d) => d.code === 'shape-mismatch');
    checkEqual(errors.length, 1, 'one shape error');
    check(!/\((1\d|20),2\)|expects (1\d|20)\b|≠ (1\d|20)\b/.test(errors[0].message), `the error names no earlier version's width: ${errors[0].message}`);
    const labels = await hintLabels(document);
    check(labels.some((l) => l.includes('(21,2)')) && !labels.some((l) => /\((1\d|20),2\)/.test(l)), `hints of the last version: ${JSON.stringify(labels)}`);
  });
});

describe("editor: a just-opened file's first hints", () => {
  it('come from the models on screen, and equal the whole analysis once it runs', async () => {
    // Forty small models; the whole-file analysis waits for the pause after opening, which the
    // setting stretches so that the hints below are surely asked first.
    const blocks = Array.from({ length: 40 }, (_, i) => [
      `class Block${i}(nn.Module):`,
      '    def __init__(self):',
      '        super().__init__()',
      `        self.fc = nn.Linear(${i + 4}, ${i + 5})`,
      '',
      `    # layer-lens: x: (N, ${i + 4})`,
      '    def forward(self, x):',
      '        return self.fc(x)',
      '',
    ]);
    const text = ['import torch.nn as nn', '', ...blocks.flat()].join('\n');
    const restore = await withSetting('analysis.debounceMs', 5000);
    try {
      const before = api.analysisCounts();
      const document = await openUntitled(text);
      const first = positionOf(document, 'class Block30');
      const visible = new vscode.Range(first.line, 0, first.line + 18, 0);
      const hints = (await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', document.uri, visible)).map(labelText);
      const after = api.analysisCounts();
      checkEqual(after.focused - before.focused, 1, 'analyses focused on the visible lines');
      checkEqual(after.all - before.all, 1, 'analyses run (the whole file waits for the pause)');
      check(hints.includes('(N,34)·(34,35)=(N,35)') && hints.includes('(N,35)·(35,36)=(N,36)'), `visible hints: ${JSON.stringify(hints)}`);
      // A CodeLens needs the whole file: asking for one analyses it now.
      check((await lensTitles(document)).length >= 40, 'a lens above every model');
      checkEqual(api.analysisCounts().all - after.all, 1, 'one whole-file analysis');
      const again = (await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', document.uri, visible)).map(labelText);
      checkEqual(again, hints, 'the same hints from the whole analysis');
      checkEqual(api.analysisCounts().all - after.all, 1, 'served from the cache');
      await closeDocument(document);
    } finally {
      await restore();
    }
  });
});

describe('editor: commands and settings', () => {
  let document: vscode.TextDocument;
  let editor: vscode.TextEditor;

  before(async () => {
    document = await openUntitled(fixedModel);
    editor = await vscode.window.showTextDocument(document);
  });

  after(async () => {
    await closeDocument(document);
  });

  it('opens the model summary as a read-only document with the CLI table', async () => {
    const summary = await vscode.commands.executeCommand<vscode.TextDocument>('layerLens.showModelSummary', {
      uri: document.uri.toString(),
      model: 'Broken',
    });
    check(summary, 'the command returns the summary document');
    checkEqual(summary.uri.scheme, 'layer-lens-summary');
    const text = summary.getText();
    check(/^\s+fc1\s+Linear\s+\(N,64\)\s+320\b/m.test(text), text);
    check(text.includes('Total params: 450'), `${summary.uri.toString()} of ${document.uri.toString()} v${document.version}:\n${text}`);
    await vscode.window.showTextDocument(document);
  });

  it('keeps the summary current while its source changes', async () => {
    const source = await openUntitled(fixedModel);
    try {
      await vscode.window.showTextDocument(source);
      const summary = await vscode.commands.executeCommand<vscode.TextDocument>('layerLens.showModelSummary', {
        uri: source.uri.toString(),
        model: 'Broken',
      });
      check(summary.getText().includes('Total params: 450'), summary.getText());
      const refreshed = nextEvent(vscode.workspace.onDidChangeTextDocument, (e) => e.document === summary && e.document.getText().includes('Total params: 706'));
      const edit = new vscode.WorkspaceEdit();
      const at = positionOf(source, 'nn.Linear(4, 64)', 'nn.Linear('.length);
      // fc1 becomes Linear(8, 64): 8·64 + 64 = 576 parameters, plus fc2's 130.
      edit.replace(source.uri, new vscode.Range(at, at.translate(0, 1)), '8');
      check(await vscode.workspace.applyEdit(edit), 'edit applied');
      await refreshed;
    } finally {
      await closeDocument(source);
    }
  });

  it('writes the input comment when asked, and only then', async () => {
    const before = document.getText();
    const changed = nextEvent(vscode.workspace.onDidChangeTextDocument, (e) => e.document === document);
    const applied = await vscode.commands.executeCommand<boolean>('layerLens.setInputShape', {
      uri: document.uri.toString(),
      model: 'Broken',
      binding: 'x: (8, 4)',
    });
    check(applied, 'the edit was applied');
    await changed;
    const after = document.getText();
    checkEqual(after.match(/# layer-lens:/g)?.length, 1, 'the existing comment is replaced, not duplicated');
    check(after.includes('    # layer-lens: x: (8, 4)\n    def forward(self, x):'), after);
    checkEqual(after.replace('x: (8, 4)', 'x: (N, 4)'), before, 'nothing else changed');
    const labels = await hintLabels(document);
    check(labels.includes('(8,4)·(4,64)=(8,64)'), `hints follow the new binding: ${JSON.stringify(labels)}`);
  });

  it('offers "Set input shape…" as a code action inside the model', async () => {
    const position = positionOf(document, 'def forward');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      new vscode.Range(position, position),
    );
    check(actions.some((a) => a.title === 'Set input shape…' && a.command?.command === 'layerLens.setInputShape'), JSON.stringify(actions.map((a) => a.title)));
  });

  it('binds a Keras functional model whose keras.Input leaves a size unknown, above its Model(...) line', async () => {
    // The feature count comes from data the analysis cannot read: the total is unknown until bound.
    const functional = [
      'import keras',
      'from keras import layers',
      '',
      'def build():',
      '    inputs = keras.Input(shape=(120, raw_data.shape[-1]), name="series")',
      '    x = layers.LSTM(16)(inputs)',
      '    return keras.Model(inputs=inputs, outputs=layers.Dense(1)(x))',
      '',
    ].join('\n');
    const keras = await openUntitled(functional);
    try {
      await vscode.window.showTextDocument(keras);
      const lenses = await lensTitles(keras);
      check(lenses.includes('Set input shape…'), `the lens offers it: ${JSON.stringify(lenses)}`);
      const at = positionOf(keras, 'keras.Model(');
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', keras.uri, new vscode.Range(at, at));
      check(actions.some((a) => a.title === 'Set input shape…'), JSON.stringify(actions.map((a) => a.title)));
      checkEqual(keras.getText(), functional, 'nothing is written unasked');
      const changed = nextEvent(vscode.workspace.onDidChangeTextDocument, (e) => e.document === keras);
      const applied = await vscode.commands.executeCommand<boolean>('layerLens.setInputShape', { uri: keras.uri.toString(), model: 'build', binding: 'series: (N, 120, 14)' });
      check(applied, 'the edit was applied');
      await changed;
      const after = keras.getText();
      checkEqual(after, functional.replace('    return keras.Model', '    # layer-lens: series: (N, 120, 14)\n    return keras.Model'), 'the comment sits above the Model(...) line, indented like it');
      // LSTM 4·16·(14+16+1) = 1,984 and Dense 17: the total is known now.
      const bound = await lensTitles(keras);
      check(bound.some((t) => t.startsWith('2,001 params')), `the lens shows the total: ${JSON.stringify(bound)}`);
      check(!bound.includes('Set input shape…'), `no offer once every size is known: ${JSON.stringify(bound)}`);
      // Asked again, the command replaces the comment rather than stacking a second one.
      const again = nextEvent(vscode.workspace.onDidChangeTextDocument, (e) => e.document === keras);
      check(await vscode.commands.executeCommand<boolean>('layerLens.setInputShape', { uri: keras.uri.toString(), model: 'build', binding: 'series: (N, 120, 7)' }), 'applied again');
      await again;
      checkEqual(keras.getText().match(/# layer-lens:/g)?.length, 1, keras.getText());
      check(keras.getText().includes('    # layer-lens: series: (N, 120, 7)\n    return keras.Model'), keras.getText());
    } finally {
      await closeDocument(keras);
    }
  });

  it('shows the shape under the cursor in the status bar', async () => {
    editor = await vscode.window.showTextDocument(document);
    await hintLabels(document);
    const position = positionOf(document, 'self.fc1(x)', 'self.f'.length);
    const moved = nextEvent(vscode.window.onDidChangeTextEditorSelection, (e) => e.textEditor === editor);
    editor.selection = new vscode.Selection(position, position);
    await moved;
    checkEqual(api.statusText(), '$(symbol-array) (8,64)');
  });

  it('follows the hint settings: shapes only, then definitions only, then off', async () => {
    const restoreMode = await withSetting('inlayHints.mode', 'shapes');
    try {
      const shapes = await hintLabels(document);
      check(!shapes.some((l) => l.includes('·')), `no notation in shapes mode: ${JSON.stringify(shapes)}`);
      check(shapes.includes('→ (8,64)'), JSON.stringify(shapes));
      const restoreWhere = await withSetting('inlayHints.where', 'init');
      try {
        const init = await hintLabels(document);
        const lines = await vscode.commands.executeCommand<vscode.InlayHint[]>(
          'vscode.executeInlayHintProvider',
          document.uri,
          new vscode.Range(0, 0, document.lineCount, 0),
        );
        const forwardLine = positionOf(document, 'def forward').line;
        check(lines.every((h) => h.position.line < forwardLine), `only definitions: ${JSON.stringify(init)}`);
      } finally {
        await restoreWhere();
      }
      await withSetting('inlayHints.mode', 'off');
      checkEqual(await hintLabels(document), [], 'no hints when off');
    } finally {
      await restoreMode();
    }
  });

  it('hides inference gaps when asked', async () => {
    const gappy = await openUntitled(fixedModel.replace('return self.fc2(h)', 'return self.fc2(some_unknown_function(h))'));
    try {
      const hasGap = (ds: vscode.Diagnostic[]) => ds.some((d) => d.code === 'inference-gap');
      await diagnosticsWhen(gappy.uri, hasGap);
      const restore = await withSetting('diagnostics.inferenceGaps', false);
      try {
        await diagnosticsWhen(gappy.uri, (ds) => !hasGap(ds));
      } finally {
        await restore();
      }
      await diagnosticsWhen(gappy.uri, hasGap);
    } finally {
      await closeDocument(gappy);
    }
  });
});

describe('editor: from a hover into the panel', () => {
  const tinyCnn = [
    'from torch import nn',
    '',
    'class TinyCnn(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.conv = nn.Conv2d(1, 4, 3)',
    '',
    '    # layer-lens: x: (1, 1, 8, 8)',
    '    def forward(self, x):',
    '        return self.conv(x)',
    '',
  ].join('\n');

  it('opens the panel on the hovered convolution through the hover link', async () => {
    const document = await openUntitled(tinyCnn);
    try {
      await vscode.window.showTextDocument(document);
      const text = await hoverText(document, positionOf(document, 'nn.Conv2d', 'nn.C'.length));
      check(text.includes('Receptive field 3×3 · effective stride 1×1 · padding 0×0'), text);
      const link = /\(command:(layerLens\.visualiseReceptiveField)\?([^)\s]+)\)/.exec(text);
      check(link, `a receptive-field link in: ${text}`);
      const args = JSON.parse(decodeURIComponent(link[2])) as unknown[];
      const state = await vscode.commands.executeCommand<{ ready: boolean; cursorLayerId: string | null }>(link[1], ...args);
      check(state?.ready, `the panel said it is ready: ${JSON.stringify(state)}`);
      checkEqual(state.cursorLayerId, 'conv', 'the panel shows the hovered layer');
    } finally {
      // The untitled model first (reverted, so no save prompt), then the panel.
      await closeDocument(document);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });
});

describe('editor: closing a document', () => {
  it('drops its analysis and its diagnostics', async () => {
    const document = await openUntitled(brokenModel);
    await vscode.window.showTextDocument(document);
    await hintLabels(document);
    await diagnosticsWhen(document.uri, (ds) => ds.length > 0);
    check(api.heldDocuments().includes(document.uri.toString()), 'the cache holds the open document');
    await closeDocument(document);
    check(!api.heldDocuments().includes(document.uri.toString()), `state left after close: ${JSON.stringify(api.heldDocuments())}`);
    await diagnosticsWhen(document.uri, (ds) => ds.length === 0);
  });
});

describe('editor: documents that are not files', () => {
  const scheme = 'layer-lens-test';
  let registration: vscode.Disposable;

  before(() => {
    // A stand-in for vscode-vfs:, vsls: and other virtual file systems: read-only text from memory.
    const files = new Map([['/virtual/model.py', new TextEncoder().encode(fixedModel)]]);
    const never = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
    registration = vscode.workspace.registerFileSystemProvider(
      scheme,
      {
        onDidChangeFile: never.event,
        watch: () => new vscode.Disposable(() => undefined),
        stat: (uri) => {
          const data = files.get(uri.path);
          if (!data) throw vscode.FileSystemError.FileNotFound(uri);
          return { type: vscode.FileType.File, ctime: 0, mtime: 0, size: data.length };
        },
        readDirectory: () => [],
        createDirectory: () => undefined,
        readFile: (uri) => {
          const data = files.get(uri.path);
          if (!data) throw vscode.FileSystemError.FileNotFound(uri);
          return data;
        },
        writeFile: () => {
          throw vscode.FileSystemError.NoPermissions();
        },
        delete: () => undefined,
        rename: () => undefined,
      },
      { isReadonly: true },
    );
  });

  after(() => registration.dispose());

  it('gives hints and hovers on a virtual file system', async () => {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme, path: '/virtual/model.py' }));
    checkEqual(document.languageId, 'python');
    const labels = await hintLabels(document);
    check(labels.includes('(N,64)·(64,2)=(N,2)'), JSON.stringify(labels));
    const text = await hoverText(document, positionOf(document, 'nn.Linear(4, 64)', 'nn.L'.length));
    check(text.includes('Params 320'), text);
  });
});

describe('editor: notebook cells', () => {
  it('gives hints in a Python cell of a Jupyter notebook (its code cells are one program)', async () => {
    let notebook: vscode.NotebookDocument;
    try {
      notebook = await vscode.workspace.openNotebookDocument(
        'jupyter-notebook',
        new vscode.NotebookData([new vscode.NotebookCellData(vscode.NotebookCellKind.Code, fixedModel, 'python')]),
      );
    } catch (error) {
      // code-server and the web test host both ship the built-in ipynb extension; a host without it
      // cannot show this feature, and that must be seen, not passed over.
      throw new Error(`no 'jupyter-notebook' notebook type in this host (is the built-in vscode.ipynb extension missing?): ${(error as Error).message}`);
    }
    const cell = notebook.cellAt(0).document;
    checkEqual(cell.uri.scheme, 'vscode-notebook-cell');
    const labels = await hintLabels(cell);
    check(labels.includes('(N,64)·(64,2)=(N,2)'), JSON.stringify(labels));
  });
});
