// The layer panel's commands (layerLens.showPanel, visualiseReceptiveField, showAttention,
// togglePresenterMode, togglePlayback), its test probe, and the serializer that restores the panel
// after a reload with its UI state only. They are registered at activation; the one
// PanelController behind them is created from the lazily loaded features (src/editor/features.ts)
// on their first use. Registration returns a stand-in for it, which the caller hands to the export
// commands and to Live Share.
import * as vscode from 'vscode';
import { defaultUiState, isUiState } from '../shared/protocol';
import { analysisLanguage, type AnalysisCache } from './analysisCache';
import { features } from './lazyFeatures';
import { PANEL_VIEW_TYPE, type PanelState } from './panel';
import type { LayerPanelController, PanelController } from './panelController';
import type { PanelProbeArgs } from './panelProbe';

/** Registers the panel's commands, probe and serializer; returns the panel's controller. */
export function registerLayerPanel(context: vscode.ExtensionContext, cache: AnalysisCache): PanelController {
  const log = vscode.window.createOutputChannel('Layer Lens Panel', { log: true });
  let created: LayerPanelController | undefined;
  const controllerNow = (): LayerPanelController => (created ??= new (features().LayerPanelController)(context.extensionUri, cache, log));
  // What the export commands and Live Share hold: every call reaches the one controller, created on the first.
  const standIn: PanelController = {
    exportView: (format) => controllerNow().exportView(format),
    exportLesson: (formats) => controllerNow().exportLesson(formats),
    applyRemoteUiState: (ui, document) => controllerNow().applyRemoteUiState(ui, document),
    onDidChangeUiState: (listener, thisArgs, disposables) => controllerNow().onDidChangeUiState(listener, thisArgs, disposables),
  };

  context.subscriptions.push(
    log,
    { dispose: () => created?.dispose() },
    vscode.commands.registerCommand('layerLens.showPanel', (args?: unknown) => controllerNow().open(null, args)),
    vscode.commands.registerCommand('layerLens.visualiseReceptiveField', (args?: unknown) => controllerNow().open('conv', args)),
    vscode.commands.registerCommand('layerLens.showAttention', (args?: unknown) => controllerNow().open('attention', args)),
    vscode.commands.registerCommand('layerLens.togglePresenterMode', async () => {
      const controller = controllerNow();
      const open = controller.current();
      const state = open ? open.state() : await controller.open(null, undefined);
      controller.current()?.setPresenter(!(state.ui?.presenter ?? false));
    }),
    // Play/pause from the keyboard or the palette. With no panel open it opens one and plays: the
    // key a teacher presses should start the animation, not answer with an error.
    vscode.commands.registerCommand('layerLens.togglePlayback', async (): Promise<PanelState | null> => {
      const controller = controllerNow();
      const existing = controller.current();
      if (existing) {
        await existing.revealForPlayback();
        await existing.whenReady();
        // Closed while it was being shown: nothing to play, and nothing to send to it.
        if (!existing.state().open) return existing.state();
        return existing.setPlaying(!existing.uiState.playing);
      }
      await controller.open(null, undefined);
      return controller.current()?.setPlaying(true) ?? null;
    }),
    // The test probe answers null, like a controller without a panel, until the panel was first used.
    vscode.commands.registerCommand('layerLens._panelState', (args?: PanelProbeArgs) => (created ? features().panelProbeAnswer(created, args) : null)),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      async deserializeWebviewPanel(webviewPanel: vscode.WebviewPanel, state: unknown) {
        // Only UI state was persisted; the data is recomputed from the editor as usual.
        const controller = controllerNow();
        controller.current()?.dispose();
        const panel = controller.adopt(webviewPanel, isUiState(state) ? state : defaultUiState());
        const editor = vscode.window.activeTextEditor;
        if (editor && analysisLanguage(editor.document)) panel.retarget(editor.document, editor.document.offsetAt(editor.selection.active));
      },
    }),
  );
  return standIn;
}
