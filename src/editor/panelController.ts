// Which layer panel is open, and what the rest of the extension may ask of it. There is at most one
// panel; the controller creates it (from a command, or when VS Code restores it after a reload),
// remembers the one closed last for the test probe, and offers exports and Live Share's follow mode
// through PanelController, which registration hands to exportCommands.ts and liveShare.ts.
import * as vscode from 'vscode';
import { defaultUiState, type ExportedMessage, type ExportFormat, type UiState, type ViewKind } from '../shared/protocol';
import { analysisLanguage, type AnalysisCache } from './analysisCache';
import { openAnalysedDocument } from './commandTarget';
import { LayerPanel, PANEL_VIEW_TYPE, type PanelState, type PanelUiStateChange } from './panel';

/** One view of one layer, exported (for a whole lesson). */
export interface LessonPage {
  layerId: string;
  label: string;
  view: ViewKind;
  exported: ExportedMessage;
}

/** What the export commands and Live Share may ask of the panel. */
export interface PanelController {
  /** Asks the panel (opened if needed) for its current view in a format. */
  exportView(format: ExportFormat): Promise<ExportedMessage>;
  /**
   * Shows every view of every layer of the panel's model in turn and exports each in the given
   * formats, then restores what the panel showed. Rejects when no panel is open.
   */
  exportLesson(formats: ExportFormat[]): Promise<LessonPage[]>;
  /**
   * Opens the panel (if needed) on `document` and shows exactly the given UI state: a Live Share
   * guest following the presenter. Resolves once the webview was told.
   */
  applyRemoteUiState(ui: UiState, document: vscode.TextDocument | null): Promise<void>;
  /** Fires whenever the open panel's webview reports its UI state (ready, or a user change). */
  readonly onDidChangeUiState: vscode.Event<PanelUiStateChange>;
}

/** Arguments the panel commands accept from CodeLens and hover links. */
interface LayerTarget {
  uri: string;
  offset: number;
}

function isLayerTarget(x: unknown): x is LayerTarget {
  return typeof x === 'object' && x !== null && typeof (x as LayerTarget).uri === 'string' && Number.isInteger((x as LayerTarget).offset);
}

const notOpen = 'The Layer Lens panel is not open.';

/** The one controller of the layer panel, created when the panel's commands are registered. */
export class LayerPanelController implements PanelController, vscode.Disposable {
  private currentPanel: LayerPanel | undefined;
  // The panel closed last, kept for `layerLens._panelState` with `{ closed: true }`: tests check that
  // nothing was posted to it and no timer of it survived the close.
  private closedPanel: LayerPanel | undefined;
  private disposed = false;
  private readonly uiStateChanges = new vscode.EventEmitter<PanelUiStateChange>();
  readonly onDidChangeUiState = this.uiStateChanges.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly cache: AnalysisCache,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** The open panel, if any (a method, so that callers re-read it after every await). */
  current(): LayerPanel | undefined {
    return this.currentPanel;
  }

  /** The panel closed last, if any. */
  lastClosed(): LayerPanel | undefined {
    return this.closedPanel;
  }

  /** Makes a webview panel (new, or restored by VS Code) the open layer panel. */
  adopt(webviewPanel: vscode.WebviewPanel, ui: UiState): LayerPanel {
    const created: LayerPanel = new LayerPanel(
      webviewPanel,
      this.extensionUri,
      this.cache,
      this.log,
      ui,
      (change) => this.uiStateChanges.fire(change),
      () => {
        this.closedPanel = created;
        if (this.currentPanel === created) this.currentPanel = undefined;
      },
    );
    this.currentPanel = created;
    return created;
  }

  /**
   * Opens or reveals the panel on a CodeLens/hover link's target (`args`) or the active editor's
   * cursor, showing `requestedView` when given; resolves with its state once its webview is ready.
   */
  async open(requestedView: ViewKind | null, args: unknown): Promise<PanelState> {
    const editor = vscode.window.activeTextEditor;
    let document: vscode.TextDocument | undefined;
    let offset = 0;
    if (isLayerTarget(args)) {
      // Only an open document is accepted: a link's arguments never make the editor open a URI.
      document = openAnalysedDocument(args.uri);
      offset = args.offset;
    } else if (editor && analysisLanguage(editor.document)) {
      document = editor.document;
      offset = document.offsetAt(editor.selection.active);
    }
    const forceLayer = isLayerTarget(args) || requestedView !== null;
    let panel = this.currentPanel;
    if (!panel) {
      const webviewPanel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'Layer Lens', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {});
      panel = this.adopt(webviewPanel, defaultUiState());
    } else {
      panel.panel.reveal(undefined, true);
    }
    if (document) panel.retarget(document, offset);
    if (panel.isReady) panel.sendSnapshot(requestedView, forceLayer);
    else {
      panel.pendingView = requestedView;
      panel.pendingForce = forceLayer;
    }
    await panel.whenReady();
    return panel.state();
  }

  async exportLesson(formats: ExportFormat[]): Promise<LessonPage[]> {
    const panel = this.disposed ? undefined : this.currentPanel;
    if (!panel) throw new Error(notOpen);
    await panel.whenReady();
    const before = panel.uiState;
    const pages: LessonPage[] = [];
    try {
      for (const layer of panel.layerViews) {
        for (const view of layer.views) {
          if (!(await panel.showView(layer.id, view))) continue;
          for (const format of formats) pages.push({ layerId: layer.id, label: layer.label, view, exported: await panel.requestExport(format) });
        }
      }
    } finally {
      if (this.currentPanel === panel) panel.applyUiState(before);
    }
    return pages;
  }

  async exportView(format: ExportFormat): Promise<ExportedMessage> {
    if (this.disposed) throw new Error(notOpen);
    const panel = this.currentPanel ?? (await this.open(null, undefined), this.currentPanel);
    if (!panel) throw new Error('The Layer Lens panel could not be opened.');
    await panel.whenReady();
    return panel.requestExport(format);
  }

  async applyRemoteUiState(ui: UiState, document: vscode.TextDocument | null): Promise<void> {
    // After deactivation a late followed state opens nothing.
    if (this.disposed) return;
    if (!this.currentPanel) await this.open(null, undefined);
    const panel = this.currentPanel;
    if (!panel) return;
    if (document) panel.retarget(document, 0);
    // The snapshot carries the document's model; the UI state that follows picks its layer and frame.
    panel.sendSnapshot(null, false);
    panel.applyUiState(ui);
  }

  dispose(): void {
    this.disposed = true;
    this.currentPanel?.dispose();
    this.uiStateChanges.dispose();
  }
}
