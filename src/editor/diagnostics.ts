// Diagnostics from the analysis' findings, published after typing pauses and cleared on close;
// shape mismatches also get an inline message in the theme's `layerLens.errorShape` colour.

import * as vscode from 'vscode';
import type { Analysis, Finding, Severity } from '../analysis/types';
import type { AnalysisCache } from './analysisCache';
import { analysisLanguage, isUriStillOpen } from './analysisCache';
import { rangeOfSpan } from './ranges';
import { editorSettings } from './settings';

const severityOf: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

/** Findings that only say the analysis could not follow something; a setting hides them. */
function isInferenceGap(finding: Finding): boolean {
  return finding.code === 'inference-gap' || finding.code === 'unknown-layer';
}

/** The diagnostic of one finding, with its related locations in the same document. */
export function diagnosticOf(document: vscode.TextDocument, finding: Finding): vscode.Diagnostic {
  // The repair in words follows the message, so the problem list says what to try (the edit itself is a quick fix).
  const message = finding.hint ? `${finding.message}\n${vscode.l10n.t('try: {0}', finding.hint)}` : finding.message;
  const diagnostic = new vscode.Diagnostic(rangeOfSpan(document, finding.span), message, severityOf[finding.severity]);
  diagnostic.source = 'Layer Lens';
  diagnostic.code = finding.code;
  if (finding.related.length > 0) {
    diagnostic.relatedInformation = finding.related.map(
      (r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(document.uri, rangeOfSpan(document, r.span)), r.message),
    );
  }
  return diagnostic;
}

/** Publishes diagnostics for every analysed document and removes them when it closes. */
export class FindingDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('layerLens');
  private readonly inlineError = vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor('layerLens.errorShape'), margin: '0 0 0 2em', fontStyle: 'italic' },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly cache: AnalysisCache) {
    this.subscriptions = [
      this.collection,
      this.inlineError,
      cache.onDidUpdate(({ document, analysis }) => this.publish(document, analysis)),
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (!isUriStillOpen(document)) this.collection.delete(document.uri);
      }),
      vscode.window.onDidChangeVisibleTextEditors(() => this.decorateVisible()),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (!event.affectsConfiguration('layerLens.diagnostics')) return;
        for (const document of vscode.workspace.textDocuments) {
          const analysis = cache.peek(document);
          if (analysis) this.publish(document, analysis);
        }
      }),
    ];
  }

  private publish(document: vscode.TextDocument, analysis: Analysis): void {
    if (document.isClosed || analysisLanguage(document) === undefined) return;
    const settings = editorSettings(document);
    const findings = analysis.findings.filter((f) => settings.inferenceGapDiagnostics || !isInferenceGap(f));
    this.collection.set(
      document.uri,
      findings.map((f) => diagnosticOf(document, f)),
    );
    for (const editor of vscode.window.visibleTextEditors) if (editor.document === document) this.decorate(editor, analysis);
  }

  private decorateVisible(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const analysis = this.cache.peek(editor.document);
      if (analysis) this.decorate(editor, analysis);
    }
  }

  /** An Error Lens-style note at the end of each line holding a shape mismatch. */
  private decorate(editor: vscode.TextEditor, analysis: Analysis): void {
    const document = editor.document;
    if (!editorSettings(document).inlineShapeErrors) {
      editor.setDecorations(this.inlineError, []);
      return;
    }
    const byLine = new Map<number, string>();
    for (const f of analysis.findings) {
      if (f.code !== 'shape-mismatch') continue;
      const line = document.positionAt(f.span.to).line;
      if (!byLine.has(line)) byLine.set(line, f.message);
    }
    const options: vscode.DecorationOptions[] = [...byLine].map(([line, message]) => {
      const end = document.lineAt(line).range.end;
      return { range: new vscode.Range(end, end), renderOptions: { after: { contentText: `⟂ ${message.split('\n')[0]}` } } };
    });
    editor.setDecorations(this.inlineError, options);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
