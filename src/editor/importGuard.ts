// The editor's half of the import rule (src/shared/importScope.ts): which imported files the
// analysis may read. Imports are followed only in a trusted workspace (Restricted Mode follows
// none), only into the workspace folders and the importer's own Python environment, and never
// through a symbolic link that leads outside them. The Node host can resolve links (node.ts gives
// a `realpath`); the web host cannot, so there a symbolic link is refused outright.

import * as vscode from 'vscode';
import { importRoots, isWithinFolder, MAX_IMPORTED_FILE_BYTES, mayImport } from '../shared/importScope';

let realpath: ((fsPath: string) => string) | undefined;

/** Called by the Node entry point: resolves symbolic links of `file:` paths (the web host has none). */
export function provideRealpath(resolve: (fsPath: string) => string): void {
  realpath = resolve;
}

/** The folders, on the importer's file system, that its imports may read. */
function rootsFor(importer: vscode.Uri): string[] {
  const folders = (vscode.workspace.workspaceFolders ?? [])
    .filter((f) => f.uri.scheme === importer.scheme && f.uri.authority === importer.authority)
    .map((f) => f.uri.path);
  return importRoots(importer.path, folders);
}

/** True when the analysis of `importer` may read `target` at all (before any file is touched). */
export function mayFollowImport(importer: vscode.Uri, target: vscode.Uri): boolean {
  if (!vscode.workspace.isTrusted) return false;
  if (target.scheme !== importer.scheme || target.authority !== importer.authority) return false;
  return mayImport(target.path, rootsFor(importer));
}

/**
 * Reads an imported file that `mayFollowImport` allowed, or rejects: a symbolic link leading out
 * of the roots (any link where links cannot be resolved), a folder, or a file too large.
 */
export async function readImportedFile(importer: vscode.Uri, target: vscode.Uri): Promise<Uint8Array> {
  const stat = await vscode.workspace.fs.stat(target);
  if ((stat.type & vscode.FileType.File) === 0) throw new Error(`${target.toString()} is not a file`);
  if (stat.size > MAX_IMPORTED_FILE_BYTES) throw new Error(`${target.toString()} is larger than ${MAX_IMPORTED_FILE_BYTES} bytes`);
  if (target.scheme === 'file' && realpath !== undefined) {
    const resolve = realpath;
    const realRoots = rootsFor(importer).flatMap((root) => {
      try {
        return [vscode.Uri.file(resolve(vscode.Uri.file(root).fsPath)).path];
      } catch {
        return [];
      }
    });
    const real = vscode.Uri.file(resolve(target.fsPath)).path;
    if (!realRoots.some((root) => isWithinFolder(real, root))) throw new Error(`${target.toString()} leads outside the workspace`);
  } else if ((stat.type & vscode.FileType.SymbolicLink) !== 0) {
    throw new Error(`${target.toString()} is a symbolic link, which cannot be followed here`);
  }
  return vscode.workspace.fs.readFile(target);
}
