// "Set input shape…": binds a model's forward() input, or a Keras functional model's input, with a
// `# layer-lens: x: (...)` comment (placed by src/analysis/inputComment.ts).
// This is the only edit Layer Lens ever makes to a user's file, and only when asked.

import * as vscode from 'vscode';
import { formatShapesOut } from '../analysis/summaryTable';
import type { InputBinding, ModelInfo } from '../analysis/types';
import type { AnalysisCache } from './analysisCache';
import { modelAt } from './format';
import { bindingAnchor, findAssignmentLine, findForwardDef, formatInputBinding, functionalInputsUnknown, inputCommentEdit, parseInputBinding } from '../analysis/inputComment';

/** Arguments of layerLens.setInputShape from a code action; without them the cursor decides. */
export interface SetInputShapeArgs {
  uri: string;
  model: string;
  /** Skips the prompts (tests, scripted use): the binding text, e.g. `x: (1, 3, 224, 224)`. */
  binding?: string;
}

/** The models of a Python file that can carry the comment: above forward()/call() or a functional `keras.Model(...)` line. */
function bindableModel(document: vscode.TextDocument, model: ModelInfo | null): model is ModelInfo {
  return model !== null && document.languageId === 'python' && bindingAnchor(document.getText(), model) !== null;
}

/** A model class, a model the script builds at module level, or a functional Keras model that leaves an input size unknown: where the code action offers itself. */
function offersBinding(document: vscode.TextDocument, model: ModelInfo | null): model is ModelInfo {
  if (model === null || document.languageId !== 'python') return false;
  const text = document.getText();
  return findForwardDef(text, model.span) !== null || findAssignmentLine(text, model) !== null || functionalInputsUnknown(text, model);
}

/** Runs the command: pick the input (when several), type its shape, write the comment. */
export async function setInputShape(cache: AnalysisCache, args?: Partial<SetInputShapeArgs>): Promise<boolean> {
  const editor = vscode.window.activeTextEditor;
  const document =
    typeof args?.uri === 'string'
      ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === args.uri) ?? (await vscode.workspace.openTextDocument(vscode.Uri.parse(args.uri)))
      : editor?.document;
  if (document === undefined) return false;
  const analysis = await cache.ready(document);
  const model =
    typeof args?.model === 'string'
      ? analysis.models.find((m) => m.name === args.model) ?? null
      : modelAt(analysis, editor && editor.document === document ? document.offsetAt(editor.selection.active) : 0, true);
  if (!bindableModel(document, model)) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Layer Lens: put the cursor in a Python model class with a forward() or call() method, or on a Keras functional model.'));
    return false;
  }

  let binding: InputBinding | undefined;
  if (typeof args?.binding === 'string') {
    const parsed = parseInputBinding(args.binding, vscode.l10n.t);
    if ('error' in parsed) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Layer Lens: {0}', parsed.error));
      return false;
    }
    binding = parsed.binding;
  } else {
    binding = await promptForBinding(model);
  }
  if (binding === undefined) return false;
  if (binding.name === undefined) binding.name = model.inputs[0]?.name ?? 'x';

  const text = document.getText();
  const onlyInput = model.inputs.length <= 1;
  const replacement = inputCommentEdit(text, model, binding, onlyInput);
  if (replacement === null) return false;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(document.positionAt(replacement.from), document.positionAt(replacement.to)), replacement.text);
  return vscode.workspace.applyEdit(edit);
}

async function promptForBinding(model: ModelInfo): Promise<InputBinding | undefined> {
  let name = model.inputs[0]?.name;
  if (model.inputs.length > 1) {
    const picked = await vscode.window.showQuickPick(
      model.inputs.map((i) => ({ label: i.name, description: formatShapesOut(i.shape) })),
      { title: vscode.l10n.t('Set input shape of {0}', model.name), placeHolder: vscode.l10n.t('Which input?') },
    );
    if (picked === undefined) return undefined;
    name = picked.label;
  }
  const current = model.inputs.find((i) => i.name === name);
  const value = formatInputBinding({ name: name ?? 'x', shape: current && Array.isArray(current.shape) ? current.shape : ['N'] });
  const typed = await vscode.window.showInputBox({
    title: vscode.l10n.t('Set input shape of {0}', model.name),
    prompt: vscode.l10n.t('Numbers bind a size, names (N, T) stay symbolic; add :long for token ids.'),
    value,
    valueSelection: [value.indexOf('(') + 1, value.length - 1],
    validateInput: (text) => {
      const parsed = parseInputBinding(text, vscode.l10n.t);
      return 'error' in parsed ? parsed.error : undefined;
    },
  });
  if (typed === undefined) return undefined;
  const parsed = parseInputBinding(typed);
  if ('error' in parsed) return undefined;
  return { ...parsed.binding, name: parsed.binding.name ?? name };
}

/** Offers "Set input shape…" inside Python model classes and on Keras functional models with unknown input sizes (a quick fix on inference gaps there). */
export class InputShapeCodeActions implements vscode.CodeActionProvider {
  static readonly providedKinds = [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.RefactorRewrite];

  constructor(private readonly cache: AnalysisCache) {}

  async provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.CodeAction[]> {
    if (document.languageId !== 'python' || token.isCancellationRequested) return [];
    const analysis = await this.cache.ready(document);
    if (token.isCancellationRequested) return [];
    const model = modelAt(analysis, document.offsetAt(range.start));
    if (!offersBinding(document, model)) return [];
    const actions: vscode.CodeAction[] = [];
    const wants = (kind: vscode.CodeActionKind) => !context.only || context.only.contains(kind);
    // The input a layer's fixed size implies (solveInputs.ts), offered as the binding itself.
    const solution = model.inputSolution;
    if (solution && wants(vscode.CodeActionKind.QuickFix)) {
      const binding = `${solution.input}: (${solution.shape.join(', ')})`;
      const bind = new vscode.CodeAction(vscode.l10n.t('Bind {0}', binding), vscode.CodeActionKind.QuickFix);
      const bindArgs: SetInputShapeArgs = { uri: document.uri.toString(), model: model.name, binding };
      bind.command = { title: bind.title, command: 'layerLens.setInputShape', arguments: [bindArgs] };
      bind.isPreferred = true;
      const solved = context.diagnostics.filter((d) => d.source === 'Layer Lens' && d.code === 'input-solution');
      if (solved.length > 0) bind.diagnostics = solved;
      actions.push(bind);
    }
    const gaps = context.diagnostics.filter((d) => d.source === 'Layer Lens' && d.code === 'inference-gap');
    const kind = gaps.length > 0 ? vscode.CodeActionKind.QuickFix : vscode.CodeActionKind.RefactorRewrite;
    if (!wants(kind)) return actions;
    const action = new vscode.CodeAction(vscode.l10n.t('Set input shape…'), kind);
    const args: SetInputShapeArgs = { uri: document.uri.toString(), model: model.name };
    action.command = { title: action.title, command: 'layerLens.setInputShape', arguments: [args] };
    if (gaps.length > 0) action.diagnostics = gaps;
    actions.push(action);
    return actions;
  }
}
