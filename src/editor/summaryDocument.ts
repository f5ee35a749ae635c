// "Show Model Summary": a read-only virtual document with the same torchinfo-like table the CLI
// prints, kept current while its source document changes.

import * as vscode from 'vscode';
import { formatSummaryTable } from '../analysis/summaryTable';
import type { Analysis, ModelInfo } from '../analysis/types';
import { analysisLanguage, type AnalysisCache } from './analysisCache';
import type { SummaryCommandArgs } from './codeLens';
import { modelAt } from './format';

/** The URI scheme of summary documents. */
export const summaryScheme = 'layer-lens-summary';

/** The summary URI of a model of a source document; the path ends in the model name so the tab reads well. */
export function summaryUri(source: vscode.Uri, model: string): vscode.Uri {
  const query = `source=${encodeURIComponent(source.toString())}&model=${encodeURIComponent(model)}`;
  return vscode.Uri.from({ scheme: summaryScheme, path: `/${model} summary`, query });
}

function parseSummaryUri(uri: vscode.Uri): { source: string; model: string } | null {
  const params = new Map<string, string>();
  for (const pair of uri.query.split('&')) {
    const eq = pair.indexOf('=');
    if (eq > 0) params.set(pair.slice(0, eq), decodeURIComponent(pair.slice(eq + 1)));
  }
  const source = params.get('source');
  const model = params.get('model');
  return source !== undefined && model !== undefined ? { source, model } : null;
}

function fileLabel(uri: vscode.Uri): string {
  return uri.path.split('/').pop() || uri.toString();
}

/** The table text of a model, or a sentence saying why there is none. */
export function summaryText(source: vscode.Uri, analysis: Analysis, model: ModelInfo | undefined, modelName: string): string {
  if (model === undefined) {
    return vscode.l10n.t('No model named {0} in {1}. Layer Lens found: {2}.', modelName, fileLabel(source), analysis.models.map((m) => m.name).join(', ') || '—') + '\n';
  }
  const findings = analysis.findings.filter((f) => f.span.from >= model.span.from && f.span.to <= model.span.to);
  return formatSummaryTable(model, { file: fileLabel(source), findings });
}

/** Serves summary documents and refreshes the open ones when their source is re-analysed. */
export class SummaryDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly cache: AnalysisCache) {
    this.subscription = cache.onDidUpdate(({ document }) => {
      const source = document.uri.toString();
      for (const open of vscode.workspace.textDocuments) {
        if (open.uri.scheme === summaryScheme && parseSummaryUri(open.uri)?.source === source) this.changed.fire(open.uri);
      }
    });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const parsed = parseSummaryUri(uri);
    if (parsed === null) return vscode.l10n.t('Not a Layer Lens summary address.') + '\n';
    const sourceUri = vscode.Uri.parse(parsed.source);
    // The newest live document of that URI (an untitled name can be reused after a close).
    let document = vscode.workspace.textDocuments.filter((d) => !d.isClosed && d.uri.toString() === parsed.source).pop();
    // Opening a closed untitled document would create a new, empty one.
    if (document === undefined && sourceUri.scheme === 'untitled') return vscode.l10n.t('The source document {0} is closed.', fileLabel(sourceUri)) + '\n';
    document ??= await vscode.workspace.openTextDocument(sourceUri);
    const analysis = await this.cache.ready(document);
    return summaryText(sourceUri, analysis, analysis.models.find((m) => m.name === parsed.model), parsed.model);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/** The command: the model named by a lens, or the one under the cursor (else the file's last). */
export async function showModelSummary(cache: AnalysisCache, args?: Partial<SummaryCommandArgs>): Promise<vscode.TextDocument | undefined> {
  let document: vscode.TextDocument | undefined;
  if (typeof args?.uri === 'string') {
    const uri = args.uri;
    document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri) ?? (await vscode.workspace.openTextDocument(vscode.Uri.parse(uri)));
  } else {
    document = vscode.window.activeTextEditor?.document;
  }
  if (document === undefined || analysisLanguage(document) === undefined) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Layer Lens: open a Python, TypeScript or JavaScript model file first.'));
    return undefined;
  }
  const analysis = await cache.ready(document);
  let name = typeof args?.model === 'string' ? args.model : undefined;
  if (name === undefined) {
    const editor = vscode.window.activeTextEditor;
    const offset = editor && editor.document === document ? document.offsetAt(editor.selection.active) : 0;
    name = modelAt(analysis, offset, true)?.name;
  }
  if (name === undefined) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Layer Lens: no model found in this file.'));
    return undefined;
  }
  const summary = await vscode.workspace.openTextDocument(summaryUri(document.uri, name));
  await vscode.window.showTextDocument(summary, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
  return summary;
}
