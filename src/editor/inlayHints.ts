// Inlay hints: the output shape (or the tutorial's notation) at the end of each annotated span.

import * as vscode from 'vscode';
import { formatShapesOut } from '../analysis/summaryTable';
import type { Analysis } from '../analysis/types';
import type { AnalysisCache } from './analysisCache';
import { hintsToShow, moduleOfAnnotation } from './format';
import { editorSettings } from './settings';

/** Shapes and notation after layer definitions and forward() steps, as the settings choose. */
export class ShapeInlayHintsProvider implements vscode.InlayHintsProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeInlayHints = this.changed.event;

  /** Requests answered and the milliseconds spent in them (analysis included), for the benchmarks. */
  readonly timing = { calls: 0, ms: 0 };

  constructor(private readonly cache: AnalysisCache) {}

  /** Asks VS Code to request hints again (settings or imported modules changed). */
  refresh(): void {
    this.changed.fire();
  }

  provideInlayHints(document: vscode.TextDocument, range: vscode.Range, token: vscode.CancellationToken): vscode.InlayHint[] | Promise<vscode.InlayHint[]> {
    const started = performance.now();
    try {
      const settings = editorSettings(document);
      if (settings.hintMode === 'off' || token.isCancellationRequested) return [];
      const from = document.offsetAt(range.start);
      const to = document.offsetAt(range.end);
      const analysis = this.cache.readyForRange(document, from, to);
      // Still running in a worker: the hints wait for it, off the host's thread.
      if (analysis instanceof Promise) return analysis.then((ready) => this.hintsIn(document, ready, from, to, token));
      return this.hintsIn(document, analysis, from, to, token);
    } finally {
      this.timing.calls++;
      this.timing.ms += performance.now() - started;
    }
  }

  private hintsIn(document: vscode.TextDocument, analysis: Analysis, from: number, to: number, token: vscode.CancellationToken): vscode.InlayHint[] {
    const settings = editorSettings(document);
    if (token.isCancellationRequested) return [];
    const shown = hintsToShow(analysis, document.getText(), settings.hintMode, settings.hintWhere).filter(
      (h) => h.annotation.span.to >= from && h.annotation.span.to <= to,
    );
    const hints: vscode.InlayHint[] = [];
    for (const { annotation, label } of shown) {
      if (token.isCancellationRequested) return [];
      const hint = new vscode.InlayHint(document.positionAt(annotation.span.to), label, vscode.InlayHintKind.Type);
      hint.paddingLeft = !label.startsWith(':');
      const module = moduleOfAnnotation(analysis, annotation);
      const tooltip = [module ? `${module.path} · ${module.type}` : '', formatShapesOut(annotation.shape), annotation.notation ?? '']
        .filter((line, i, all) => line !== '' && all.indexOf(line) === i)
        .join('\n');
      hint.tooltip = tooltip;
      hints.push(hint);
    }
    return hints;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
