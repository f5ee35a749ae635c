// Offsets in the Analysis are UTF-16 offsets into the analysed text, exactly what
// TextDocument.positionAt expects; this is the one place that turns them into ranges.

import * as vscode from 'vscode';
import type { Span } from '../analysis/types';

/** The editor range of an analysis span in the document it was computed from. */
export function rangeOfSpan(document: vscode.TextDocument, span: Span): vscode.Range {
  return new vscode.Range(document.positionAt(span.from), document.positionAt(span.to));
}
