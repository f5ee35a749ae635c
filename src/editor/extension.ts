// Activation shared by the Node and web entry points. Each capability registers itself here;
// nothing heavy (no tfjs, no analysis) runs until a document or command needs it.
import * as vscode from 'vscode';

/** Registers every command and provider of Layer Lens. */
export function activate(context: vscode.ExtensionContext): void {
  const nothingUnderCursor = () =>
    vscode.window.showInformationMessage(vscode.l10n.t('Layer Lens: nothing under the cursor to show yet.'));
  context.subscriptions.push(
    vscode.commands.registerCommand('layerLens.showPanel', nothingUnderCursor),
    vscode.commands.registerCommand('layerLens.visualiseReceptiveField', nothingUnderCursor),
    vscode.commands.registerCommand('layerLens.showModelSummary', nothingUnderCursor),
  );
}

/** Nothing to release beyond the subscriptions VS Code disposes. */
export function deactivate(): void {}
