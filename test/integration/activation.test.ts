// Smoke test: Layer Lens activates in a real extension host, every command its manifest contributes
// is registered, and running each one with a model open does not throw.
// No Node modules here, so the suite can also run in the web extension host.
import * as vscode from 'vscode';
import { check, checkEqual, closeDocument } from './editorHelpers';

const extensionId = 'layer-lens.layer-lens';
const requiredCommands = ['layerLens.showPanel', 'layerLens.visualiseReceptiveField', 'layerLens.showModelSummary'];

/** A small PyTorch model, so the commands have a layer under the cursor (examples/ may change). */
const linearClassifier = [
  'import torch.nn as nn',
  '',
  'class SpeciesClassifier(nn.Module):',
  '    def __init__(self):',
  '        super().__init__()',
  '        self.fc = nn.Linear(64, 2)',
  '',
  '    def forward(self, x):',
  '        return self.fc(x)',
  '',
].join('\n');

describe('activation', () => {
  let extension: vscode.Extension<unknown>;

  before(async () => {
    const found = vscode.extensions.getExtension(extensionId);
    check(found, `extension ${extensionId} is not loaded`);
    extension = found;
  });

  it('activates', async () => {
    await extension.activate();
    check(extension.isActive, 'the extension is not active after activate()');
  });

  it('registers the three core commands', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const command of requiredCommands) check(registered.has(command), `${command} is not registered`);
  });

  it('registers every command its manifest contributes', async () => {
    const contributed: { command: string }[] = extension.packageJSON.contributes?.commands ?? [];
    check(contributed.length >= requiredCommands.length, `only ${contributed.length} commands contributed`);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.map((c) => c.command).filter((c) => !registered.has(c));
    checkEqual(missing, [], 'contributed but not registered');
  });

  describe('commands run with a model open', () => {
    let document: vscode.TextDocument;

    before(async () => {
      // A named untitled document: an anonymous one would be "Untitled-1", a name that other suites'
      // documents reuse once this one closes. The path is absolute because the web host resolves it
      // against the workspace's scheme, where a relative path is an error.
      document = await vscode.workspace.openTextDocument(vscode.Uri.parse('untitled:/layerLensActivationSmoke.py'));
      const editor = await vscode.window.showTextDocument(document);
      check(await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), linearClassifier)), 'could not insert the model');
      checkEqual(document.languageId, 'python', 'language of the smoke-test document');
      // Put the cursor on the Linear layer, where a user would invoke the commands.
      const line = linearClassifier.split('\n').findIndex((text) => text.includes('nn.Linear'));
      const position = new vscode.Position(line, linearClassifier.split('\n')[line].indexOf('Linear'));
      editor.selection = new vscode.Selection(position, position);
    });

    // Closed for good (and awaited), so later suites' untitled documents don't reuse its name while
    // the extension host still holds it.
    after(async () => {
      await closeDocument(document);
      // The commands may have opened a summary or a panel; leave the next suite a clean window.
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    for (const command of requiredCommands) {
      it(`runs ${command} without throwing`, async () => {
        await vscode.commands.executeCommand(command);
      });
    }
  });
});
