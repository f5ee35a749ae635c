// The command behind the walkthrough's "Open <example>" links (package.json contributes.walkthroughs).
// Files are found through workspace.fs only, so the links also work in the web extension host.
import * as vscode from 'vscode';

/** The walkthrough's command: `command:layerLens.openExample?["wavenet.py"]`. */
export const openExampleCommand = 'layerLens.openExample';

/** An example name as the links give it: a file name below examples/, no way out of that folder. */
function isExampleName(name: unknown): name is string {
  return typeof name === 'string' && /^[\w-]+(\/[\w-]+)*\.(py|ts|js)$/.test(name);
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where an example lives: the open workspace first (a checkout of this repository, or examples/
 * itself opened as the folder), then the extension's own folder (a development install).
 */
export async function findExample(name: string, extensionUri: vscode.Uri): Promise<vscode.Uri | undefined> {
  const candidates: vscode.Uri[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    candidates.push(vscode.Uri.joinPath(folder.uri, 'examples', name), vscode.Uri.joinPath(folder.uri, name));
  }
  candidates.push(vscode.Uri.joinPath(extensionUri, 'examples', name));
  for (const candidate of candidates) {
    if (await exists(candidate)) return candidate;
  }
  return undefined;
}

/** What layerLens.openExample does (registered at activation by lazyFeatures.ts): opens an example file in an editor beside the walkthrough. */
export async function openExample(name: unknown, extensionUri: vscode.Uri): Promise<vscode.Uri | undefined> {
  if (!isExampleName(name)) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Layer Lens: no example named {0}.', String(name)));
    return undefined;
  }
  const uri = await findExample(name, extensionUri);
  if (!uri) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t('Layer Lens: open a checkout of the Layer Lens repository (or its examples/ folder) to follow the walkthrough; {0} was not found.', name),
    );
    return undefined;
  }
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One, preview: false });
  return uri;
}
