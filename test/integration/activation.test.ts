// Smoke test: Layer Lens activates in a real extension host, every command its manifest contributes
// is registered, and running each one with a model open does not throw.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

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
    assert.ok(found, `extension ${extensionId} is not loaded`);
    extension = found;
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('activates', async () => {
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('registers the three core commands', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const command of requiredCommands) assert.ok(registered.has(command), `${command} is not registered`);
  });

  it('registers every command its manifest contributes', async () => {
    const contributed: { command: string }[] = extension.packageJSON.contributes?.commands ?? [];
    assert.ok(contributed.length >= requiredCommands.length);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.map((c) => c.command).filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  describe('commands run with a model open', () => {
    before(async () => {
      const document = await vscode.workspace.openTextDocument({ language: 'python', content: linearClassifier });
      const editor = await vscode.window.showTextDocument(document);
      // Put the cursor on the Linear layer, where a user would invoke the commands.
      const line = linearClassifier.split('\n').findIndex((text) => text.includes('nn.Linear'));
      const position = new vscode.Position(line, linearClassifier.split('\n')[line].indexOf('Linear'));
      editor.selection = new vscode.Selection(position, position);
    });

    for (const command of requiredCommands) {
      it(`runs ${command} without throwing`, async () => {
        await vscode.commands.executeCommand(command);
      });
    }
  });
});
