// Quick fixes of shape errors in a real editor: the code actions VS Code collects at a shape error
// include the analysis' preferred repair, applying its edit removes the diagnostic, and nothing
// changes the document until the fix is applied.
import * as vscode from 'vscode';
import { check, checkEqual, closeDocument, diagnosticsWhen, layerLens, openUntitled } from './editorHelpers';

/** A view whose number disagrees with its input: (N,16,5,5) has 400 values per sample, not 401. */
const brokenView = [
  'import torch',
  'from torch import nn',
  '',
  '',
  'class Head(nn.Module):',
  '    def __init__(self):',
  '        super().__init__()',
  '        self.fc = nn.Linear(400, 10)',
  '',
  '    # layer-lens: x: (2, 16, 5, 5)',
  '    def forward(self, x):',
  '        x = x.view(-1, 16 * 5 * 6)',
  '        return self.fc(x)',
  '',
].join('\n');

before(async () => {
  await layerLens();
});

describe('editor: quick fixes of shape errors', () => {
  let document: vscode.TextDocument;

  before(async () => {
    document = await openUntitled(brokenView);
    await vscode.window.showTextDocument(document);
  });

  after(async () => {
    await closeDocument(document);
  });

  it('offers the preferred repair through vscode.executeCodeActionProvider, and applying it clears the error', async () => {
    const diagnostics = await diagnosticsWhen(document.uri, (ds) => ds.some((d) => d.code === 'shape-mismatch' && /view/.test(d.message)));
    const error = diagnostics.find((d) => d.code === 'shape-mismatch' && /view/.test(d.message))!;
    check(/try: /.test(error.message), `the message says what to try: ${error.message}`);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, error.range, vscode.CodeActionKind.QuickFix.value);
    const preferred = actions.find((a) => a.isPreferred && a.edit);
    check(preferred, `a preferred quick fix among: ${actions.map((a) => a.title).join(' | ')}`);
    checkEqual(document.getText(), brokenView, 'offering a fix leaves the document unchanged');
    check(await vscode.workspace.applyEdit(preferred.edit!), 'the edit applies');
    check(document.getText().includes('x.view(-1, 400)'), `the view reads 400 now: ${document.lineAt(11).text}`);
    await diagnosticsWhen(document.uri, (ds) => !ds.some((d) => d.code === 'shape-mismatch'));
  });
});
