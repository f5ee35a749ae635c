// Helpers for the editor suites. No Node modules here or in the suites (they also run in the web
// extension host): assertions are plain functions, files are read through workspace.fs.
import * as vscode from 'vscode';
import type { LayerLensApi } from '../../src/editor/extension';

/** Fails the test with a message when a condition does not hold. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** Fails unless two JSON-able values are equal. */
export function checkEqual<T>(actual: T, expected: T, message = ''): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${message}${message ? ': ' : ''}expected ${e}, got ${a}`);
}

/** Layer Lens, activated, with the API its activate() returns. */
export async function layerLens(): Promise<{ extension: vscode.Extension<LayerLensApi>; api: LayerLensApi }> {
  const extension = vscode.extensions.getExtension<LayerLensApi>('layer-lens.layer-lens');
  check(extension, 'Layer Lens is not loaded');
  const api = await extension.activate();
  return { extension, api };
}

/**
 * The folder of example models. It is the extension's own examples/, except in the web extension
 * host: there the extension's files are served over http(s), which can neither list a directory nor
 * report a document closed, so the examples come from the workspace, which both test runners open
 * on examples/.
 */
export function examplesFolder(extension: vscode.Extension<unknown>): vscode.Uri {
  const servedOverHttp = /^https?$/.test(extension.extensionUri.scheme);
  const workspaceExamples = vscode.workspace.workspaceFolders?.[0]?.uri;
  check(!servedOverHttp || workspaceExamples, 'the web host needs examples/ open as the workspace folder');
  return servedOverHttp && workspaceExamples ? workspaceExamples : vscode.Uri.joinPath(extension.extensionUri, 'examples');
}

/** Resolves with the first event that satisfies the predicate. */
export function nextEvent<T>(event: vscode.Event<T>, predicate: (value: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve) => {
    const subscription = event((value) => {
      if (!predicate(value)) return;
      subscription.dispose();
      resolve(value);
    });
  });
}

/** The document's diagnostics once they satisfy the predicate: now, or when they next change so that they do. */
export async function diagnosticsWhen(uri: vscode.Uri, predicate: (d: vscode.Diagnostic[]) => boolean): Promise<vscode.Diagnostic[]> {
  const current = vscode.languages.getDiagnostics(uri);
  if (predicate(current)) return current;
  await nextEvent(vscode.languages.onDidChangeDiagnostics, (e) => e.uris.some((u) => u.toString() === uri.toString()) && predicate(vscode.languages.getDiagnostics(uri)));
  return vscode.languages.getDiagnostics(uri);
}

/** The text of an inlay hint label, however it is given. */
export function labelText(hint: vscode.InlayHint): string {
  return typeof hint.label === 'string' ? hint.label : hint.label.map((part) => part.value).join('');
}

/** Labels of every inlay hint over the whole document, through VS Code's command (not our functions). */
export async function hintLabels(document: vscode.TextDocument): Promise<string[]> {
  const whole = new vscode.Range(0, 0, document.lineCount, 0);
  const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', document.uri, whole);
  return hints.map(labelText);
}

/** The Markdown of the hovers at a position, joined. */
export async function hoverText(document: vscode.TextDocument, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position);
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n---\n');
}

/** Titles of the document's CodeLenses. */
export async function lensTitles(document: vscode.TextDocument): Promise<string[]> {
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri, 20);
  return lenses.map((l) => l.command?.title ?? '');
}

/** The position of the n-th occurrence of a needle (plus a column offset into it). */
export function positionOf(document: vscode.TextDocument, needle: string, delta = 0, occurrence = 0): vscode.Position {
  const text = document.getText();
  let index = -1;
  for (let i = 0; i <= occurrence; i++) {
    index = text.indexOf(needle, index + 1);
    check(index >= 0, `"${needle}" not found in ${document.uri.toString()}`);
  }
  return document.positionAt(index + delta);
}

let untitledCount = 0;

/**
 * Opens a new untitled document holding `content`. It is named (`untitled:/layerLensTest-N.py`)
 * because anonymous ones are all "Untitled-1" once the previous one closes, and a suite could then
 * be handed a document another suite is still closing. The path is absolute for the web host.
 */
export async function openUntitled(content: string, extension = 'py'): Promise<vscode.TextDocument> {
  untitledCount += 1;
  const uri = vscode.Uri.parse(`untitled:/layerLensTest-${Date.now().toString(36)}-${untitledCount}.${extension}`);
  const document = await vscode.workspace.openTextDocument(uri);
  const edit = new vscode.WorkspaceEdit();
  edit.insert(uri, new vscode.Position(0, 0), content);
  check(await vscode.workspace.applyEdit(edit), `could not fill ${uri.toString()}`);
  return document;
}

/** Closes a document for good (reverting an untitled one) and resolves when VS Code closed it. */
export async function closeDocument(document: vscode.TextDocument): Promise<void> {
  if (document.isClosed) return;
  const closed = nextEvent(vscode.workspace.onDidCloseTextDocument, (d) => d.uri.toString() === document.uri.toString());
  await vscode.window.showTextDocument(document);
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  // The document may still be shown in another editor group (beside the panel, say): close those
  // tabs too, now that it has no unsaved changes to ask about.
  const elsewhere = vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputText && tab.input.uri.toString() === document.uri.toString());
  if (elsewhere.length > 0) await vscode.window.tabGroups.close(elsewhere);
  await closed;
}

/** Sets a `layerLens.*` setting globally; returns a function that restores it. */
export async function withSetting(key: string, value: unknown): Promise<() => Promise<void>> {
  const config = vscode.workspace.getConfiguration('layerLens');
  const previous = config.inspect(key)?.globalValue;
  await config.update(key, value, vscode.ConfigurationTarget.Global);
  return async () => {
    await vscode.workspace.getConfiguration('layerLens').update(key, previous, vscode.ConfigurationTarget.Global);
  };
}
