// The layer panel's commands (layerLens.showPanel, visualiseReceptiveField, showAttention,
// togglePresenterMode, togglePlayback), its test probe, and the serializer that restores the panel
// after a reload with its UI state only. Registration creates the one PanelController, which the
// caller hands to the export commands and to Live Share.
import * as vscode from 'vscode';
import { defaultUiState, isUiState } from '../shared/protocol';
import { analysisLanguage, type AnalysisCache } from './analysisCache';
import { PANEL_VIEW_TYPE, type PanelState } from './panel';
import { LayerPanelController, type PanelController } from './panelController';
import { registerPanelProbe } from './panelProbe';

/** Registers the panel's commands, probe and serializer; returns the panel's controller. */
export function registerLayerPanel(context: vscode.ExtensionContext, cache: AnalysisCache): PanelController {
  const log = vscode.window.createOutputChannel('Layer Lens Panel', { log: true });
  const controller = new LayerPanelController(context.extensionUri, cache, log);

  context.subscriptions.push(
    log,
    controller,
    vscode.commands.registerCommand('layerLens.showPanel', (args?: unknown) => controller.open(null, args)),
    vscode.commands.registerCommand('layerLens.visualiseReceptiveField', (args?: unknown) => controller.open('conv', args)),
    vscode.commands.registerCommand('layerLens.showAttention', (args?: unknown) => controller.open('attention', args)),
    vscode.commands.registerCommand('layerLens.togglePresenterMode', async () => {
      const open = controller.current();
      const state = open ? open.state() : await controller.open(null, undefined);
      controller.current()?.setPresenter(!(state.ui?.presenter ?? false));
    }),
    // Play/pause from the keyboard or the palette. With no panel open it opens one and plays: the
    // key a teacher presses should start the animation, not answer with an error.
    vscode.commands.registerCommand('layerLens.togglePlayback', async (): Promise<PanelState | null> => {
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
    registerPanelProbe(controller),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      async deserializeWebviewPanel(webviewPanel: vscode.WebviewPanel, state: unknown) {
        // Only UI state was persisted; the data is recomputed from the editor as usual.
        controller.current()?.dispose();
        const panel = controller.adopt(webviewPanel, isUiState(state) ? state : defaultUiState());
        const editor = vscode.window.activeTextEditor;
        if (editor && analysisLanguage(editor.document)) panel.retarget(editor.document, editor.document.offsetAt(editor.selection.active));
      },
    }),
  );
  return controller;
}
