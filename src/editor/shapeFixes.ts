// Quick fixes of shape errors: the repairs the analysis attached to a finding (a constructor
// argument set to the size that arrives, a view's number, a dim in range, a restoring transpose)
// offered as code actions on its diagnostic. Offered only: VS Code applies one when the user
// picks it (or runs the preferred fix), never on its own.

import * as vscode from 'vscode';
import type { Analysis, Finding, Fix } from '../analysis/types';
import type { AnalysisCache } from './analysisCache';
import { analysisLanguage } from './analysisCache';
import { rangeOfSpan } from './ranges';

/** The findings whose span meets `range` and which carry fixes. */
export function findingsWithFixesAt(analysis: Analysis, from: number, to: number): Finding[] {
  return analysis.findings.filter((f) => f.fixes?.length && f.span.from <= to && f.span.to >= from);
}

/** Offers each finding's fixes under the cursor as quick fixes, the preferred one marked. */
export class ShapeFixCodeActions implements vscode.CodeActionProvider {
  static readonly providedKinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly cache: AnalysisCache) {}

  async provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext, token: vscode.CancellationToken): Promise<vscode.CodeAction[]> {
    if (token.isCancellationRequested || analysisLanguage(document) === undefined) return [];
    if (context.only && !context.only.contains(vscode.CodeActionKind.QuickFix)) return [];
    // The fixes' offsets belong to the analysed version: only a fresh analysis is used.
    const analysis = this.cache.peek(document) ?? (await this.cache.ready(document));
    if (token.isCancellationRequested) return [];
    const actions: vscode.CodeAction[] = [];
    for (const finding of findingsWithFixesAt(analysis, document.offsetAt(range.start), document.offsetAt(range.end))) {
      const findingRange = rangeOfSpan(document, finding.span);
      const diagnostics = context.diagnostics.filter((d) => d.source === 'Layer Lens' && d.code === finding.code && d.range.isEqual(findingRange));
      for (const fix of finding.fixes ?? []) actions.push(this.actionOf(document, fix, diagnostics));
    }
    return actions;
  }

  private actionOf(document: vscode.TextDocument, fix: Fix, diagnostics: vscode.Diagnostic[]): vscode.CodeAction {
    const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
    const edit = new vscode.WorkspaceEdit();
    for (const e of fix.edits) edit.replace(document.uri, rangeOfSpan(document, e.span), e.newText);
    action.edit = edit;
    action.isPreferred = fix.preferred === true;
    if (diagnostics.length) action.diagnostics = diagnostics;
    return action;
  }
}
