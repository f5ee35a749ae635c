// Highlights the layer the panel is showing, in the editor beside it, with the theme colours
// `layerLens.layerHighlight*` and its output shape in `layerLens.hint*`. The panel drives it
// through the internal command layerLens.highlightLayer, so neither side imports the other.

import * as vscode from 'vscode';
import type { Span } from '../analysis/types';
import { rangeOfSpan } from './ranges';

/** Arguments of layerLens.highlightLayer; omit them (or pass null) to clear the highlight. */
export interface HighlightLayerArgs {
  uri: string;
  span: Span;
  /** A short label drawn after the layer, e.g. its output shape. */
  label?: string;
}

/** The one highlighted layer across visible editors. */
export class LayerHighlight implements vscode.Disposable {
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor('layerLens.layerHighlightBackground'),
    border: '1px solid',
    borderColor: new vscode.ThemeColor('layerLens.layerHighlightBorder'),
    borderRadius: '2px',
    after: {
      color: new vscode.ThemeColor('layerLens.hintForeground'),
      backgroundColor: new vscode.ThemeColor('layerLens.hintBackground'),
      margin: '0 0 0 0.5em',
    },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  private current: HighlightLayerArgs | null = null;
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      this.decoration,
      vscode.window.onDidChangeVisibleTextEditors(() => this.render()),
      // Offsets go stale as soon as the document changes; the panel sends a fresh span after re-analysis.
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (this.current && event.document.uri.toString() === this.current.uri && event.contentChanges.length > 0) this.show(null);
      }),
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (this.current && document.uri.toString() === this.current.uri) this.show(null);
      }),
    ];
  }

  /** Highlights a layer, or clears the highlight. */
  show(args: HighlightLayerArgs | null | undefined): void {
    const valid = args && typeof args.uri === 'string' && args.span && typeof args.span.from === 'number' && typeof args.span.to === 'number';
    this.current = valid ? args : null;
    this.render();
  }

  private render(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const current = this.current;
      if (current === null || editor.document.uri.toString() !== current.uri) {
        editor.setDecorations(this.decoration, []);
        continue;
      }
      const range = rangeOfSpan(editor.document, current.span);
      const after = current.label ? { contentText: ` ${current.label} ` } : undefined;
      editor.setDecorations(this.decoration, [{ range, renderOptions: after ? { after } : undefined }]);
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
