// CodeLens above each model class or factory: its parameter count and input → output shapes,
// with actions for the summary and, where they apply, the receptive-field and attention views.

import * as vscode from 'vscode';
import type { AnalysisCache } from './analysisCache';
import { functionalInputsUnknown } from '../analysis/inputComment';
import { solutionText } from '../analysis/solveInputs';
import { attentionTarget, modelLensTitle, receptiveFieldTarget, type LayerCommandArgs } from './format';
import type { SetInputShapeArgs } from './inputBinding';
import { editorSettings } from './settings';

/** Arguments of layerLens.showModelSummary when a lens or a link runs it. */
export interface SummaryCommandArgs {
  uri: string;
  model: string;
}

/** Lenses for every model of the file. */
export class ModelCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly cache: AnalysisCache) {}

  /** Asks VS Code to request lenses again. */
  refresh(): void {
    this.changed.fire();
  }

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!editorSettings(document).codeLensEnabled || token.isCancellationRequested) return [];
    const analysis = await this.cache.getWhole(document);
    if (token.isCancellationRequested) return [];
    const lenses: vscode.CodeLens[] = [];
    const uri = document.uri.toString();
    const length = document.getText().length;
    for (const model of analysis.models) {
      if (token.isCancellationRequested) return [];
      // In a notebook cell, a model defined in another cell has its lens there.
      if (model.span.from < 0 || model.span.from > length) continue;
      const line = document.positionAt(model.span.from).line;
      const range = new vscode.Range(line, 0, line, 0);
      const summaryArgs: SummaryCommandArgs = { uri, model: model.name };
      // The first lens is information; clicking it opens the summary too.
      lenses.push(
        new vscode.CodeLens(range, {
          title: modelLensTitle(model, vscode.l10n.t),
          command: 'layerLens.showModelSummary',
          arguments: [summaryArgs],
        }),
        new vscode.CodeLens(range, {
          title: vscode.l10n.t('Summary'),
          command: 'layerLens.showModelSummary',
          arguments: [summaryArgs],
          tooltip: vscode.l10n.t('Open the model summary table'),
        }),
      );
      // A layer's fixed size implies the input (solveInputs.ts): one click writes that binding.
      const solution = model.inputSolution;
      if (solution && document.languageId === 'python') {
        const binding = `${solution.input}: (${solution.shape.join(', ')})`;
        const args: SetInputShapeArgs = { uri, model: model.name, binding };
        lenses.push(
          new vscode.CodeLens(range, {
            title: vscode.l10n.t('Bind {0}', binding),
            command: 'layerLens.setInputShape',
            arguments: [args],
            tooltip: solutionText(solution),
          }),
        );
      } else if (document.languageId === 'python' && functionalInputsUnknown(document.getText(), model)) {
        // A functional Keras model whose keras.Input leaves a size unknown: the comment above its Model(...) line fills it.
        const args: SetInputShapeArgs = { uri, model: model.name };
        lenses.push(
          new vscode.CodeLens(range, {
            title: vscode.l10n.t('Set input shape…'),
            command: 'layerLens.setInputShape',
            arguments: [args],
            tooltip: vscode.l10n.t('Write a # layer-lens: comment that gives the sizes keras.Input leaves unknown'),
          }),
        );
      }
      const field = receptiveFieldTarget(model);
      if (field !== null) {
        const args: LayerCommandArgs = { uri, offset: field.span.from };
        lenses.push(
          new vscode.CodeLens(range, {
            title: vscode.l10n.t('Visualise receptive field'),
            command: 'layerLens.visualiseReceptiveField',
            arguments: [args],
          }),
        );
      }
      const attention = attentionTarget(model);
      if (attention !== null) {
        const args: LayerCommandArgs = { uri, offset: attention.span.from };
        lenses.push(
          new vscode.CodeLens(range, {
            title: vscode.l10n.t('Show attention'),
            command: 'layerLens.showAttention',
            arguments: [args],
          }),
        );
      }
    }
    return lenses;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
