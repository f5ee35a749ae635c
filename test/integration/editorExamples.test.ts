// Every example model opened in a real editor: hints, a CodeLens per model, and no error
// diagnostics except in examples/broken/, plus a few facts the tutorial states.
import * as vscode from 'vscode';
import type { LayerLensApi } from '../../src/editor/extension';
import { check, checkEqual, diagnosticsWhen, examplesFolder, hintLabels, hoverText, layerLens, lensTitles, positionOf } from './editorHelpers';

/** The example files, listed through workspace.fs from the extension's own folder. */
async function exampleFiles(examples: vscode.Uri): Promise<vscode.Uri[]> {
  const entries = await vscode.workspace.fs.readDirectory(examples);
  return entries
    .filter(([name, type]) => type === vscode.FileType.File && /\.(py|ts|js)$/.test(name))
    .map(([name]) => vscode.Uri.joinPath(examples, name))
    .sort((a, b) => a.path.localeCompare(b.path));
}

/** The document's diagnostics once its debounced analysis has published them (possibly none). */
async function settledDiagnostics(api: LayerLensApi, document: vscode.TextDocument): Promise<vscode.Diagnostic[]> {
  await api.settled(document.uri.toString());
  return vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'Layer Lens');
}

describe('editor: the examples', () => {
  let examples: vscode.Uri;
  let files: vscode.Uri[] = [];
  let api: LayerLensApi;

  before(async () => {
    const { extension, api: layerLensApi } = await layerLens();
    api = layerLensApi;
    examples = examplesFolder(extension);
    files = await exampleFiles(examples);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('finds example models to open', () => {
    check(files.length >= 5, `examples found: ${files.map((f) => f.path).join(', ')}`);
  });

  it('shows hints and a model lens in every example, and no Error, Warning or Information diagnostic', async () => {
    const problems: string[] = [];
    for (const uri of files) {
      const document = await vscode.workspace.openTextDocument(uri);
      const name = uri.path.split('/').pop();
      const labels = await hintLabels(document);
      if (labels.length === 0) problems.push(`${name}: no inlay hints`);
      const titles = await lensTitles(document);
      if (!titles.some((t) => / params( ·|$)/.test(t))) problems.push(`${name}: no model lens (${JSON.stringify(titles)})`);
      // The examples are correct code: inference gaps may be hints, nothing more (issue 17).
      const errors = (await settledDiagnostics(api, document)).filter((d) => d.severity !== vscode.DiagnosticSeverity.Hint);
      if (errors.length > 0) problems.push(`${name}: ${errors.map((e) => `line ${e.range.start.line + 1}: ${e.message}`).join('; ')}`);
    }
    checkEqual(problems, []);
  });

  it('reads the linear classifier as the tutorial writes it', async () => {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(examples, 'linear_classifier.py'));
    const labels = await hintLabels(document);
    check(labels.includes('(N,4)·(4,2)=(N,2)'), JSON.stringify(labels));
    const hover = await hoverText(document, positionOf(document, 'self.linear(x)', 'self.l'.length));
    check(hover.includes('(N,4)·(4,2)=(N,2)') && hover.includes('Params 10'), hover);
  });

  it("lists a script's own model at its assignment, with the script's batch in forward()", async () => {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(examples, 'script_style_mlp.py'));
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri, 20);
    const assignment = positionOf(document, 'model = TabularClassifier(40, 64, 21)').line;
    const here = lenses.filter((l) => l.range.start.line === assignment).map((l) => l.command?.title ?? '');
    check(here.some((t) => /4,?117 params/.test(t)), JSON.stringify(lenses.map((l) => [l.range.start.line, l.command?.title])));
    const labels = await hintLabels(document);
    check(labels.some((l) => l.includes('(8,40)·(40,64)=(8,64)')), JSON.stringify(labels));
  });

  it('shows a subclassed Keras model layer by layer, where Keras prints "multiple"', async () => {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(examples, 'keras_subclassed.py'));
    const labels = await hintLabels(document);
    check(labels.includes('(N,21632)·(21632,128)=(N,128)'), JSON.stringify(labels));
    const hover = await hoverText(document, positionOf(document, 'self.residual(x)', 'self.r'.length));
    check(hover.includes('(N,128)') && /33,?024/.test(hover), hover);
    const titles = await lensTitles(document);
    check(titles.some((t) => /2,?803,?658 params/.test(t)), JSON.stringify(titles));
  });

  it('gives the WaveNet context in samples and milliseconds', async () => {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(examples, 'wavenet.py'));
    const hover = await hoverText(document, positionOf(document, 'self.filter_conv = CausalConv1d', 'self.filter_conv = C'.length));
    check(/Receptive field \d+/.test(hover), hover);
    check(/Context [\d,]+ samples = [\d.]+ ms at 16,000 Hz/.test(hover), hover);
  });

  it('hovers an operator with the notation of its step', async () => {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(examples, 'transformer_block.py'));
    const hover = await hoverText(document, positionOf(document, 'q @ k.transpose', 2));
    // The batch symbol is whatever the file binds (B or N); the head and time axes are fixed by the model.
    check(/\((\w+),4,T,64\)·\(\1,4,64,T\)=\(\1,4,T,T\)/.test(hover), hover);
  });

  it('puts the attention action on the attention model', async () => {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(examples, 'transformer_block.py'));
    const titles = await lensTitles(document);
    check(titles.includes('Show attention'), JSON.stringify(titles));
  });

  it('marks the deliberate shape error of examples/broken/shape_error.py', async () => {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(examples, 'broken', 'shape_error.py'));
    await vscode.window.showTextDocument(document);
    const diagnostics = await diagnosticsWhen(document.uri, (ds) => ds.some((d) => d.severity === vscode.DiagnosticSeverity.Error));
    const error = diagnostics.find((d) => d.severity === vscode.DiagnosticSeverity.Error)!;
    check(/64/.test(error.message) && /32/.test(error.message), error.message);
  });
});
