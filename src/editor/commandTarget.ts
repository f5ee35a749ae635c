// Where a command's arguments may point. Hover links carry a document URI in their arguments, and
// a hover is built from the file's text, so the URI of a link is attacker-chosen if the Markdown
// is ever subverted. Commands therefore act only on documents that are already open and that
// Layer Lens reads: they never open a URI on a link's say-so.

import * as vscode from 'vscode';
import { analysisLanguage } from './analysisCache';

/** The open document with this URI that Layer Lens analyses, or undefined (the argument is refused). */
export function openAnalysedDocument(uri: unknown): vscode.TextDocument | undefined {
  if (typeof uri !== 'string' || uri.length > 4096) return undefined;
  const document = vscode.workspace.textDocuments.find((d) => !d.isClosed && d.uri.toString() === uri);
  return document !== undefined && analysisLanguage(document) !== undefined ? document : undefined;
}
