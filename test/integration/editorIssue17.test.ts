// Issue 17 in the real editor: the file's own use of its model binds its inputs; the attribute
// name of a definition is its layer for the hover and the panel; a command with the cursor on no
// layer opens the file's own layer; a notebook's cells are one program. (Named to run after
// editor.test.ts: the documents it opens would count in that suite's analysis counts.)
import * as vscode from 'vscode';
import type { PanelState } from '../../src/editor/panel';
import { check, checkEqual, closeDocument, examplesFolder, hintLabels, hoverText, layerLens, lensTitles, nextEvent, openUntitled, positionOf } from './editorHelpers';

/** The panel's state once it has drawn more than `renderedAfter` views of `layerId`. */
async function drawn(renderedAfter: number, layerId: string): Promise<PanelState> {
  const state = await vscode.commands.executeCommand<PanelState | null>('layerLens._panelState', { renderedAfter, layerId });
  check(state, 'no panel is open');
  return state;
}

async function openExample(name: string): Promise<{ document: vscode.TextDocument; editor: vscode.TextEditor }> {
  const { extension } = await layerLens();
  const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(examplesFolder(extension), name));
  const editor = await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
  return { document, editor };
}

describe('editor: inputs from the file own use of its model', function () {
  this.timeout(60_000);

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows concrete shapes for a script that calls its model on torch.randn, with no comment and no setting', async () => {
    const document = await openUntitled(
      [
        'import torch',
        'from torch import nn',
        '',
        'class Net(nn.Module):',
        '    def __init__(self):',
        '        super().__init__()',
        '        self.conv = nn.Conv2d(1, 8, 3)',
        '        self.fc = nn.Linear(8 * 26 * 26, 10)',
        '',
        '    def forward(self, x):',
        '        return self.fc(torch.flatten(self.conv(x), 1))',
        '',
        'model = Net()',
        'x = torch.randn(4, 1, 28, 28)',
        'model(x)',
        '',
      ].join('\n'),
    );
    const labels = await hintLabels(document);
    check(labels.some((l) => l.includes('(4,8,26,26)')), JSON.stringify(labels));
    const lenses = await lensTitles(document);
    check(lenses.some((t) => t.includes('input (4,1,28,28) → (4,10)')), JSON.stringify(lenses));
    const hover = await hoverText(document, positionOf(document, 'class Net', 'class N'.length));
    check(hover.includes('Input shapes from `model(x)`'), hover);
    await closeDocument(document);
  });

  it('shows concrete shapes for a Keras model built with model.build(...)', async () => {
    const document = await openUntitled(
      [
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
        '',
      ].join('\n'),
    );
    const labels = await hintLabels(document);
    check(labels.some((l) => l.includes('(N,26,26,16)')), JSON.stringify(labels));
    await closeDocument(document);
  });
});

describe('editor: where the cursor is', function () {
  this.timeout(60_000);

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('hovers the attribute name of a definition with its layer', async () => {
    const { document } = await openExample('linear_classifier.py');
    const hover = await hoverText(document, positionOf(document, 'self.linear = nn.Linear', 'self.li'.length));
    check(hover.includes('**linear**') && hover.includes('(N,4)·(4,2)=(N,2)') && hover.includes('Params 10'), hover);
  });

  it('moves the panel to the layer whose name the cursor is on, and opens the command on it', async () => {
    const { document, editor } = await openExample('spectrogram_cnn.py');
    // Start on the convolution of the first block, then put the cursor on `self.reduce`'s name.
    const inBlock = positionOf(document, 'nn.Conv2d', 4, 1);
    editor.selection = new vscode.Selection(inBlock, inBlock);
    await vscode.commands.executeCommand('layerLens.showPanel');
    const before = await drawn(0, 'block1.0');
    const name = positionOf(document, 'self.reduce =', 'self.re'.length);
    editor.selection = new vscode.Selection(name, name);
    const followed = await drawn(before.rendered?.count ?? 0, 'reduce');
    checkEqual(followed.cursorLayerId, 'reduce', 'the panel follows the cursor to the named layer');
    const result = await vscode.commands.executeCommand<PanelState>('layerLens.visualiseReceptiveField');
    checkEqual(result.cursorLayerId, 'reduce', 'Visualise Receptive Field on the name');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens the file own additive attention for "Show Attention" at the top of the Tacotron example', async () => {
    const { editor } = await openExample('tacotron_attention.py');
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    await vscode.commands.executeCommand('layerLens.showAttention');
    const state = await drawn(0, 'attention');
    checkEqual([state.rendered?.layerId, state.rendered?.view], ['attention', 'attention']);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});

/** Reverts and closes an untitled notebook; resolves when VS Code closed it. */
async function closeNotebook(notebook: vscode.NotebookDocument): Promise<void> {
  if (notebook.isClosed) return;
  const closed = nextEvent(vscode.workspace.onDidCloseNotebookDocument, (n) => n.uri.toString() === notebook.uri.toString());
  await vscode.window.showNotebookDocument(notebook);
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  await closed;
}

describe('editor: notebooks as one program', function () {
  this.timeout(60_000);

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('gives the class cell concrete shapes from the imports of the first cell and the use two cells later', async () => {
    const { api } = await layerLens();
    const cells = [
      new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'import torch\nfrom torch import nn\nimport torch.nn.functional as F', 'python'),
      new vscode.NotebookCellData(vscode.NotebookCellKind.Markup, '# The model', 'markdown'),
      new vscode.NotebookCellData(
        vscode.NotebookCellKind.Code,
        [
          'class Net(nn.Module):',
          '    def __init__(self):',
          '        super().__init__()',
          '        self.conv1 = nn.Conv2d(1, 32, 3, 1)',
          '        self.fc = nn.Linear(32 * 26 * 26, 10)',
          '',
          '    def forward(self, x):',
          '        x = F.relu(self.conv1(x))',
          '        return self.fc(torch.flatten(x, 1))',
        ].join('\n'),
        'python',
      ),
      new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'model = Net()', 'python'),
      new vscode.NotebookCellData(vscode.NotebookCellKind.Code, '%time\nlogits = model(torch.randn(8, 1, 28, 28))', 'python'),
    ];
    const notebook = await vscode.workspace.openNotebookDocument('jupyter-notebook', new vscode.NotebookData(cells));
    await vscode.window.showNotebookDocument(notebook);
    const classCell = notebook.cellAt(2).document;
    const labels = await hintLabels(classCell);
    check(labels.some((l) => l.includes('(8,32,26,26)')), `class cell hints: ${JSON.stringify(labels)}`);
    const hover = await hoverText(classCell, positionOf(classCell, 'self.fc =', 'self.f'.length));
    check(hover.includes('**fc**') && hover.includes('(8,10)') && hover.includes('model(torch.randn(8, 1, 28, 28))'), hover);
    await api.settled(classCell.uri.toString());
    const problems = vscode.languages.getDiagnostics(classCell.uri).filter((d) => d.source === 'Layer Lens' && d.severity !== vscode.DiagnosticSeverity.Hint);
    checkEqual(problems.map((d) => d.message), []);
    // An edit in the first cell reaches the class cell: without nn, its layers are unknown.
    const edit = new vscode.WorkspaceEdit();
    edit.replace(notebook.cellAt(0).document.uri, new vscode.Range(1, 0, 1, 'from torch import nn'.length), 'import os');
    check(await vscode.workspace.applyEdit(edit), 'edit applied');
    const after = await hintLabels(classCell);
    check(!after.some((l) => l.includes('(8,32,26,26)')), `class cell hints after removing nn: ${JSON.stringify(after)}`);
    await closeNotebook(notebook);
  });
});
