// Activation shared by the Node and web entry points. Each capability registers itself here;
// nothing is analysed until a document or a command needs it, and tfjs never loads here. What the
// panel, export, walkthrough and Live Share commands do loads on their first use (lazyFeatures.ts).
import * as vscode from 'vscode';
import { AnalysisCache, layerLensSelector } from './analysisCache';
import type { RunnerState } from '../shared/analysisWorker';
import { analysisCore, analysisCoreLoadMs, createAnalysisRunner } from './core';
import { ModelCodeLensProvider, type SummaryCommandArgs } from './codeLens';
import { FindingDiagnostics } from './diagnostics';
import { ShapeHoverProvider } from './hovers';
import { ShapeInlayHintsProvider } from './inlayHints';
import { registerLayerPanel } from './panelCommands';
import { ShapeFixCodeActions } from './shapeFixes';
import { InputShapeCodeActions, setInputShape, type SetInputShapeArgs } from './inputBinding';
import { LayerHighlight, type HighlightLayerArgs } from './layerHighlight';
import { CursorShapeStatus } from './statusBar';
import { showModelSummary, SummaryDocumentProvider, summaryScheme } from './summaryDocument';
import { registerExportView, registerLiveShare, registerWalkthrough } from './lazyFeatures';

/** What `activate` returns: a small read-only view for integration tests and other extensions. */
export interface LayerLensApi {
  /** Milliseconds `activate` took, measured inside it. */
  readonly activationMs: number;
  /** Milliseconds the first analysis spent loading the analysis core (in the Node host: starting the analysis worker that loads it), undefined until then. */
  coreLoadMs(): number | undefined;
  /** Analyses run so far, how many were focused on a cold document's visible range, and their total milliseconds; hint requests answered and their total milliseconds. */
  analysisCounts(): { all: number; focused: number; ms: number; hintCalls: number; hintMs: number };
  /** Analyses run during `activate` (zero: analysis waits until a document or command needs it). */
  readonly analysesDuringActivation: number;
  /** URIs of documents the analysis cache holds state for (none after they close). */
  heldDocuments(): string[];
  /** Imported modules the cache holds text of. */
  heldModules(): string[];
  /** Resolves when the document's current version is analysed and its diagnostics are published. */
  settled(uri: string): Promise<void>;
  /** The status bar text now, or undefined when hidden. */
  statusText(): string | undefined;
  /** Where analyses run and what the workers are doing (issue 19), for tests. */
  analysisRunner(): RunnerState;
}

/** Registers every command and provider of Layer Lens. */
export function activate(context: vscode.ExtensionContext): LayerLensApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Layer Lens', { log: true });
  // The core loads on the first analysis, not here (src/editor/core.ts).
  // The Node host analyses in worker threads, the web host in Web Workers (a hostile file costs a
  // worker, never the host).
  const runner = createAnalysisRunner(context, log);
  const cache: AnalysisCache = new AnalysisCache(
    runner ? runner.analyze : (text, language, options) => analysisCore().analyze(text, language, options),
    log,
    runner ? (key) => runner.incremental(key, () => cache.reanalyse(key)) : () => analysisCore().createIncrementalAnalyzer(),
  );
  if (runner) context.subscriptions.push(runner);
  cache.lateAnalysis = runner?.analyzeLate.bind(runner);
  const hints = new ShapeInlayHintsProvider(cache);
  const lenses = new ModelCodeLensProvider(cache);
  const status = new CursorShapeStatus(cache);
  const highlight = new LayerHighlight();

  context.subscriptions.push(
    log,
    cache,
    hints,
    lenses,
    status,
    highlight,
    new FindingDiagnostics(cache),
    vscode.languages.registerInlayHintsProvider(layerLensSelector, hints),
    vscode.languages.registerHoverProvider(layerLensSelector, new ShapeHoverProvider(cache)),
    vscode.languages.registerCodeLensProvider(layerLensSelector, lenses),
    vscode.languages.registerCodeActionsProvider({ language: 'python' }, new InputShapeCodeActions(cache), {
      providedCodeActionKinds: InputShapeCodeActions.providedKinds,
    }),
    vscode.languages.registerCodeActionsProvider(layerLensSelector, new ShapeFixCodeActions(cache), {
      providedCodeActionKinds: ShapeFixCodeActions.providedKinds,
    }),
    vscode.workspace.registerTextDocumentContentProvider(summaryScheme, new SummaryDocumentProvider(cache)),
    vscode.commands.registerCommand('layerLens.showModelSummary', (args?: Partial<SummaryCommandArgs>) => showModelSummary(cache, args)),
    vscode.commands.registerCommand('layerLens.setInputShape', (args?: Partial<SetInputShapeArgs>) => setInputShape(cache, args)),
    vscode.commands.registerCommand('layerLens.highlightLayer', (args?: HighlightLayerArgs | null) => highlight.show(args)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration('layerLens')) return;
      hints.refresh();
      lenses.refresh();
    }),
    // Re-analysis without an edit (settings, an imported module arriving) must reach the pull providers too.
    cache.onDidUpdate(() => {
      hints.refresh();
      lenses.refresh();
    }),
  );
  // The panel owns layerLens.showPanel, visualiseReceptiveField, showAttention, togglePresenterMode and togglePlayback.
  // Its controller is the one way the export commands and Live Share reach the panel.
  const panel = registerLayerPanel(context, cache);
  // The walkthrough's links open examples through layerLens.openExample.
  registerWalkthrough(context);
  // Export of the panel's view (PNG, SVG, offline HTML replay).
  registerExportView(context, panel);
  // Presenter sync loads only when the Live Share extension is installed; it never delays activation.
  void registerLiveShare(context, panel, log);

  const activationMs = performance.now() - started;
  log.info(`Layer Lens activated in ${activationMs.toFixed(1)} ms (${vscode.UIKind[vscode.env.uiKind]} UI, ${vscode.env.appHost}).`);
  return {
    activationMs,
    // In the Node host the core loads in the analysis worker; the host loads it only for hovers.
    coreLoadMs: () => analysisCoreLoadMs() ?? runner?.coreLoadMs(),
    analysisCounts: () => ({ all: cache.analysisCount, focused: cache.focusedCount, ms: cache.analysisMs, hintCalls: hints.timing.calls, hintMs: hints.timing.ms }),
    analysesDuringActivation: cache.analysisCount,
    heldDocuments: () => cache.heldDocuments(),
    heldModules: () => cache.heldModules(),
    settled: async (uri) => {
      const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
      if (document) await cache.settled(document);
    },
    statusText: () => status.text,
    analysisRunner: () => runner?.state() ?? { kind: 'in-thread', busyWorkers: 0, workersStarted: 0, analysesStopped: 0, firstStartMs: undefined },
  };
}

/** Nothing to release beyond the subscriptions VS Code disposes. */
export function deactivate(): void {}
