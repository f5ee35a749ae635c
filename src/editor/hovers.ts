// Hovers on a layer definition, a module call, a variable or an operator: shapes in and out,
// notation, formula, parameters, multiply-adds, receptive field and links into the panel.

import * as vscode from 'vscode';
import { layerAtCursor, moduleOfHit } from '../analysis/layerAtCursor';
import type { Analysis, ShapeAnnotation, Span } from '../analysis/types';
import type { AnalysisCache } from './analysisCache';
import { annotationAt, hoverCommands, hoverMarkdown, modelAt, moduleAt, moduleOfAnnotation, variableAnnotation, type HoverSubject } from './format';
import { inputSourceMarkdown } from './inputSourceText';
import { rangeOfSpan } from './ranges';
import { editorSettings } from './settings';

/** What the hover at an offset describes and the span it covers. */
function subjectAt(analysis: Analysis, document: vscode.TextDocument, position: vscode.Position): { subject: HoverSubject; span: Span } | null {
  const offset = document.offsetAt(position);
  const text = document.getText();
  const annotation = annotationAt(analysis, offset);
  const hit = moduleAt(analysis, offset);
  const expressionText = (a: ShapeAnnotation) => text.slice(a.span.from, a.span.to);

  // The attribute name of a definition (`self.linear` in `self.linear = nn.Linear(...)`) is the layer.
  const layer = layerAtCursor(analysis, text, offset);
  const layerModule = layer && layer.via === 'name' ? moduleOfHit(analysis, layer) : null;
  if (layer && layerModule) return { subject: { model: analysis.models[layer.model], module: layerModule, annotation: null }, span: layer.span };

  // A plain variable (`x` in `self.fc(x)`) shows the shape it was last given, not the call around it.
  const word = document.getWordRangeAtPosition(position, /[A-Za-z_][A-Za-z_0-9]*/);
  if (word !== undefined) {
    const wordFrom = document.offsetAt(word.start);
    const wordTo = document.offsetAt(word.end);
    const before = text.slice(0, wordFrom).trimEnd().slice(-1);
    const after = text.slice(wordTo).trimStart().charAt(0);
    const isReference = before !== '.' && after !== '(' && after !== '.' && after !== '=';
    const name = document.getText(word);
    const variable = isReference ? variableAnnotation(analysis, text, name, wordFrom) : null;
    const model = variable ? analysis.models[variable.model] : undefined;
    if (variable && model && variable.span.to <= wordFrom && modelAt(analysis, offset) === model) {
      return { subject: { model, module: null, annotation: variable, expressionText: name }, span: { from: wordFrom, to: wordTo } };
    }
  }

  if (annotation !== null) {
    const module = moduleOfAnnotation(analysis, annotation) ?? (hit && spanInside(hit.module.span, annotation.span) ? hit.module : null);
    const model = analysis.models[annotation.model];
    if (model) return { subject: { model, module, annotation, expressionText: expressionText(annotation) }, span: annotation.span };
  }
  if (hit !== null) {
    const span = hit.at === 'call' && hit.module.callSpan ? hit.module.callSpan : hit.module.span;
    return { subject: { model: hit.model, module: hit.module, annotation: null }, span };
  }
  // The model's own name (its `class` or `def` line) shows the model as a whole.
  const model = modelAt(analysis, offset);
  const root = model?.modules.find((m) => m.path === '');
  if (word !== undefined && model && root && document.positionAt(model.span.from).line === position.line) {
    return { subject: { model, module: root, annotation: null }, span: { from: document.offsetAt(word.start), to: document.offsetAt(word.end) } };
  }
  return null;
}

function spanInside(outer: Span, inner: Span): boolean {
  return outer.from <= inner.from && inner.to <= outer.to;
}

/** Hover Markdown from the cached analysis; command links are trusted for the panel commands only. */
export class ShapeHoverProvider implements vscode.HoverProvider {
  constructor(private readonly cache: AnalysisCache) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const settings = editorSettings(document);
    if (!settings.hoversEnabled || token.isCancellationRequested) return undefined;
    const analysis = await this.cache.ready(document);
    if (token.isCancellationRequested) return undefined;
    const found = subjectAt(analysis, document, position);
    if (found === null) return undefined;
    // A constructor call run in a loop built several modules; a hover on it names them all.
    const module = found.subject.module;
    const offset = document.offsetAt(position);
    if (module && module.path !== '' && module.span.from <= offset && offset <= module.span.to) {
      found.subject.instances = found.subject.model.modules.filter((m) => m.span.from === module.span.from && m.span.to === module.span.to);
    }
    const body = hoverMarkdown(found.subject, {
      t: vscode.l10n.t,
      sampleRate: settings.sampleRate,
      link: { uri: document.uri.toString(), offset: found.subject.module?.span.from ?? found.span.from },
    });
    // Where the model's input shapes came from, with a link to that line (when it is in this document).
    const source = inputSourceMarkdown(found.subject.model, vscode.l10n.t, (line) =>
      line >= 1 && line <= document.lineCount ? document.uri.with({ fragment: `L${line}` }).toString() : null,
    );
    const markdown = new vscode.MarkdownString(source ? `${body}\n\n${source}` : body);
    markdown.isTrusted = { enabledCommands: [...hoverCommands] };
    markdown.supportThemeIcons = false;
    return new vscode.Hover(markdown, rangeOfSpan(document, found.span));
  }
}
