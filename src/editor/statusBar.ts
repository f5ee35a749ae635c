// A status bar item with the shape of the layer or expression under the cursor. It reads only
// fresh cached analyses (and refreshes when one arrives), so moving the cursor never analyses.

import * as vscode from 'vscode';
import type { AnalysisCache } from './analysisCache';
import { analysisLanguage } from './analysisCache';
import { layerAtCursor, moduleOfHit } from '../analysis/layerAtCursor';
import { formatShapeList } from '../analysis/summaryTable';
import type { Analysis } from '../analysis/types';
import { statusText } from './format';
import { editorSettings } from './settings';

/** Shows `$(symbol-array) (N,64,112,112)` for the cursor position; hidden elsewhere. */
export class CursorShapeStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('layerLens.cursorShape', vscode.StatusBarAlignment.Right, 100);
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly cache: AnalysisCache) {
    this.item.name = vscode.l10n.t('Layer Lens: shape under cursor');
    this.item.command = 'layerLens.showModelSummary';
    this.subscriptions = [
      this.item,
      vscode.window.onDidChangeTextEditorSelection((event) => this.update(event.textEditor)),
      vscode.window.onDidChangeActiveTextEditor((editor) => this.update(editor)),
      cache.onDidUpdate(({ document }) => {
        const editor = vscode.window.activeTextEditor;
        if (editor && editor.document === document) this.update(editor);
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('layerLens.statusBar')) this.update(vscode.window.activeTextEditor);
      }),
    ];
    this.update(vscode.window.activeTextEditor);
  }

  /** The text shown now, for tests. */
  get text(): string | undefined {
    return this.visible ? this.item.text : undefined;
  }

  private visible = false;

  private update(editor: vscode.TextEditor | undefined): void {
    if (editor !== vscode.window.activeTextEditor) return;
    const document = editor?.document;
    const analysis = document && analysisLanguage(document) !== undefined && editorSettings(document).statusBarEnabled ? this.cache.peek(document) : undefined;
    const status = analysis && editor ? statusAt(analysis, document!.getText(), document!.offsetAt(editor.selection.active)) : null;
    if (status === null) {
      this.item.hide();
      this.visible = false;
      return;
    }
    this.item.text = `$(symbol-array) ${status.text}`;
    this.item.tooltip = status.detail ? `${status.text}\n${status.detail}` : status.text;
    this.item.show();
    this.visible = true;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}

/** The status for an offset: the expression's shape, else the output of the layer the cursor names (a definition's attribute, a variable). */
function statusAt(analysis: Analysis, text: string, offset: number): { text: string; detail: string } | null {
  const status = statusText(analysis, offset);
  if (status !== null) return status;
  const hit = layerAtCursor(analysis, text, offset);
  const module = hit ? moduleOfHit(analysis, hit) : null;
  if (module === null || module.outputShapes === null) return null;
  return { text: formatShapeList(module.outputShapes), detail: `${module.path} · ${module.type}` };
}
