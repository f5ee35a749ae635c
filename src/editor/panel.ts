// One open layer panel: it loads the webview, sends it complete snapshots of the model under the
// cursor (after the webview says it is ready), follows the cursor, and answers export requests.
// Which panel is open, and the commands that open it, live in panelController.ts and
// panelCommands.ts. The webview app lives in webview/; the messages in src/shared/protocol.ts; the
// view data comes from the pure src/analysis/panelModel.ts.
import * as vscode from 'vscode';
import { panelModelAt, type PanelModel } from '../analysis/panelModel';
import { makeNonce, panelHtml } from '../shared/panelHtml';
import {
  answerInFormat,
  isWebviewMessage,
  type BackendName,
  type ExportedMessage,
  type ExportFormat,
  type HostMessage,
  type UiState,
  type ViewKind,
  type WebviewMessage,
} from '../shared/protocol';
import { analysisLanguage, type AnalysisCache } from './analysisCache';

/** The webview panel type; also the serializer's key and the `onWebviewPanel:` activation event. */
export const PANEL_VIEW_TYPE = 'layerLens.panel';

/** How long an export may take in the webview (240 large GIF frames take several seconds). */
const EXPORT_TIMEOUT_MS = 120_000;

/** A panel's UI state as its webview reported it, with the document it shows (for Live Share). */
export interface PanelUiStateChange {
  ui: UiState;
  document: vscode.TextDocument | null;
}

/** How long the cursor must rest before the panel follows it. */
const CURSOR_DEBOUNCE_MS = 80;

/** What the panel commands resolve to, and what `layerLens._panelState` returns (for tests). */
export interface PanelState {
  open: boolean;
  /** Open and on screen (not behind another tab). */
  visible: boolean;
  /** True once the webview's `ready` message arrived for the current page load. */
  ready: boolean;
  /** Milliseconds from the command (or restore) to the `ready` message. */
  readyMs: number | null;
  backend: { backend: BackendName; note: string } | null;
  ui: UiState | null;
  /** The last view the webview reported as drawn. */
  rendered: { view: ViewKind; layerId: string | null; ms: number; count: number } | null;
  /** The layer under the cursor in the last snapshot sent. */
  cursorLayerId: string | null;
  snapshots: number;
  dropped: number;
  /** How many UI state reports (`ready` and `uiState`) the webview has sent. */
  uiReports: number;
  /** Lines this panel logged at error level (failed posts, analysis failures, webview errors). */
  errorsLogged: number;
  /** Messages something tried to send after the panel closed; dropped without touching the webview. */
  postsAfterClose: number;
  /** Host-side timers still scheduled (cursor debounce, bounded waits); none once the panel closed. */
  pendingTimers: number;
}

/** One open panel. There is at most one; commands reveal and retarget it. */
export class LayerPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private seq = 0;
  private ready = false;
  private readyWaiters: (() => void)[] = [];
  private openedAt = performance.now();
  private readyMs: number | null = null;
  private backend: PanelState['backend'] = null;
  private ui: UiState;
  private rendered: PanelState['rendered'] = null;
  private renderedCount = 0;
  private dropped = 0;
  private target: { document: vscode.TextDocument; offset: number } | null = null;
  private lastModel: PanelModel | null = null;
  private lastSentKey = '';
  private cursorTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private uiReports = 0;
  private errorsLogged = 0;
  private postsAfterClose = 0;
  private disposed = false;
  private stateWaiters: { test: (s: PanelState) => boolean; resolve: (s: PanelState) => void }[] = [];

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly cache: AnalysisCache,
    private readonly log: vscode.LogOutputChannel,
    ui: UiState,
    /** Told of every UI state the webview reports (ready, or a user change), with the document shown. */
    private readonly onUiState: (change: PanelUiStateChange) => void,
    private readonly onDispose: () => void,
  ) {
    this.ui = ui;
    panel.webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
    };
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      // A hidden webview is torn down and reloaded when shown again; it says `ready` again then.
      panel.onDidChangeViewState(() => {
        if (panel.visible && !this.ready) this.openedAt = performance.now();
      }),
      vscode.window.onDidChangeTextEditorSelection((event) => this.onSelection(event)),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor && this.ui.followCursor && analysisLanguage(editor.document)) this.retarget(editor.document, editor.document.offsetAt(editor.selection.active));
      }),
      cache.onDidUpdate(({ document }) => {
        if (this.target && document.uri.toString() === this.target.document.uri.toString()) this.sendSnapshot(null, false);
      }),
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (this.target?.document === document) {
          this.target = null;
          this.sendSnapshot(null, false);
        }
      }),
    );
    this.setHtml();
  }

  private setHtml(): void {
    const webview = this.panel.webview;
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    this.ready = false;
    this.panel.webview.html = panelHtml({
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'main.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'panel.css')).toString(),
      cspSource: webview.cspSource,
      nonce: makeNonce(),
    });
  }

  /** Points the panel at a document and offset (the cursor, or a CodeLens/hover link). */
  retarget(document: vscode.TextDocument, offset: number): void {
    this.target = { document, offset };
  }

  /** Resolves when the webview has said `ready` (immediately if it already has). */
  whenReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Sends a complete snapshot for the current target; skipped when nothing changed and nothing was asked. */
  sendSnapshot(requestedView: ViewKind | null, forceLayer: boolean): void {
    if (!this.ready || this.disposed) return;
    const target = this.target;
    let model: PanelModel | null = null;
    if (target && !target.document.isClosed && analysisLanguage(target.document)) {
      try {
        // The text lets a definition's attribute name or a variable name its layer; the requested
        // view picks the file's own layer for it when the cursor is on none.
        model = panelModelAt(this.cache.get(target.document), target.offset, { text: target.document.getText(), view: requestedView ?? undefined });
      } catch (error) {
        // The core does not throw on user code; if it ever does, the panel shows the examples.
        this.logError(`panel: analysis failed: ${(error as Error).message}`);
      }
    }
    const document = target
      ? { uri: target.document.uri.toString(), fileName: target.document.fileName.split(/[\\/]/).pop() ?? '', version: target.document.version }
      : null;
    const key = JSON.stringify([document, model?.modelName, model?.cursorLayerId, model?.layers.length]);
    if (key === this.lastSentKey && requestedView === null && !forceLayer) return;
    this.lastSentKey = key;
    this.lastModel = model;
    this.post({ type: 'snapshot', seq: ++this.seq, document, model, requestedView, forceLayer });
  }

  /** Replaces the webview's UI state (a followed presenter's); the webview reports it back as usual. */
  applyUiState(ui: UiState): void {
    this.ui = ui;
    this.post({ type: 'applyUiState', ui });
  }

  private exportRequests = new Map<number, (message: ExportedMessage) => void>();
  private exportSeq = 0;

  /** Asks the webview for the current view; resolves with its answer (or an error if the panel closes). */
  requestExport(format: ExportFormat): Promise<ExportedMessage> {
    const requestId = ++this.exportSeq;
    return new Promise((resolve) => {
      // An answer the protocol drops (malformed, oversized) must not leave the command waiting forever.
      const timer = this.schedule(() => {
        if (!this.exportRequests.delete(requestId)) return;
        resolve({ type: 'exported', requestId, format, data: '', error: `The panel did not answer within ${EXPORT_TIMEOUT_MS / 1000} s.` });
      }, EXPORT_TIMEOUT_MS);
      this.exportRequests.set(requestId, (message) => {
        this.cancel(timer);
        // The answer must be in the format asked for: a compromised webview must not write HTML into a .png.
        resolve(answerInFormat(format, message));
      });
      this.post({ type: 'exportView', requestId, format });
    });
  }

  /** The layers of the model on show with their views, in model order. */
  get layerViews(): { id: string; label: string; views: ViewKind[] }[] {
    return this.lastModel?.layers.map((l) => ({ id: l.id, label: l.label, views: [...l.views] })) ?? [];
  }

  /** The UI state as the webview last reported it. */
  get uiState(): UiState {
    return this.ui;
  }

  /** Shows a layer's view at step 0 and resolves once the webview drew it (false if it did not within 15 s). */
  async showView(layerId: string, view: ViewKind): Promise<boolean> {
    const shownNow = this.rendered?.layerId === layerId && this.rendered.view === view;
    const before = this.renderedCount;
    this.applyUiState({ ...this.ui, layerId, view, step: 0, playing: false });
    if (shownNow) return true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const drawn = this.stateWhen((s) => !s.open || ((s.rendered?.count ?? 0) > before && s.rendered?.layerId === layerId && s.rendered.view === view));
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), 15_000)));
    const state = await Promise.race([drawn, timeout]);
    clearTimeout(timer);
    return state !== null && state.open && state.rendered?.layerId === layerId && state.rendered.view === view;
  }

  /** Sends presenter mode on or off. */
  setPresenter(enabled: boolean): void {
    this.post({ type: 'setPresenter', enabled });
  }

  /**
   * Starts or stops playback and resolves with the state once the webview reported it (or after
   * 15 s, or when the panel closes first): the host records what the webview does, not what it asked.
   */
  async setPlaying(playing: boolean): Promise<PanelState> {
    const before = this.uiReports;
    this.post({ type: 'setPlaying', playing });
    return (await this.stateWithin((s) => !s.open || (s.uiReports > before && s.ui?.playing === playing), 15_000)) ?? this.state();
  }

  /** Shows the panel if another tab hides it; a hidden webview was torn down, so this waits for its new `ready`. */
  async revealForPlayback(): Promise<void> {
    if (this.panel.visible) return;
    const before = this.uiReports;
    this.panel.reveal(undefined, true);
    await this.stateWithin((s) => !s.open || s.uiReports > before, 15_000);
  }

  /** Like stateWhen, but resolves null after `ms` (the timer is tracked and cleared on close). */
  private async stateWithin(test: (s: PanelState) => boolean, ms: number): Promise<PanelState | null> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<null>((resolve) => (timer = this.schedule(() => resolve(null), ms)));
    try {
      return await Promise.race([this.stateWhen(test), timeout]);
    } finally {
      if (timer !== undefined) this.cancel(timer);
    }
  }

  /** A setTimeout the panel counts in `pendingTimers` and clears when it closes. */
  private schedule(run: () => void, ms: number): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  private cancel(timer: ReturnType<typeof setTimeout> | undefined): void {
    if (timer === undefined) return;
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  private logError(text: string): void {
    this.errorsLogged += 1;
    this.log.error(text);
  }

  /** True once the current page load of the webview has said `ready`. */
  get isReady(): boolean {
    return this.ready;
  }

  /** The presenter flag as the webview last reported it. */
  get presenter(): boolean {
    return this.ui.presenter;
  }

  private post(message: HostMessage): void {
    // A command racing the close (or a caller holding this object) must not touch a disposed
    // webview: its getter throws. Such messages are counted and dropped; nothing is left to show.
    if (this.disposed) {
      this.postsAfterClose += 1;
      return;
    }
    try {
      this.panel.webview.postMessage(message).then(undefined, (error: unknown) => this.logError(`panel: could not send ${message.type}: ${String(error)}`));
    } catch (error) {
      this.logError(`panel: could not send ${message.type}: ${(error as Error).message}`);
    }
  }

  private onSelection(event: vscode.TextEditorSelectionChangeEvent): void {
    if (!this.ui.followCursor || !analysisLanguage(event.textEditor.document)) return;
    const document = event.textEditor.document;
    const offset = document.offsetAt(event.selections[0].active);
    this.cancel(this.cursorTimer);
    this.cursorTimer = this.schedule(() => {
      this.retarget(document, offset);
      this.sendSnapshot(null, false);
    }, CURSOR_DEBOUNCE_MS);
  }

  private receive(raw: unknown): void {
    if (!isWebviewMessage(raw)) {
      // Validated on receipt: anything malformed is dropped and logged, never acted upon.
      this.dropped += 1;
      this.log.warn(`panel: dropped a malformed message from the webview (${describeRaw(raw)})`);
      return;
    }
    const message: WebviewMessage = raw;
    switch (message.type) {
      case 'ready':
        this.uiReports += 1;
        this.ready = true;
        this.readyMs = performance.now() - this.openedAt;
        this.ui = message.ui;
        this.lastSentKey = '';
        this.log.info(`panel: webview ready in ${this.readyMs.toFixed(0)} ms (script boot ${message.bootMs.toFixed(0)} ms)`);
        this.sendSnapshot(this.pendingView, this.pendingForce);
        this.pendingView = null;
        this.pendingForce = false;
        for (const resolve of this.readyWaiters.splice(0)) resolve();
        break;
      case 'backend':
        this.backend = { backend: message.backend, note: message.note };
        this.log.info(`panel: tfjs backend ${message.backend} (${message.note})`);
        break;
      case 'uiState':
        this.uiReports += 1;
        this.ui = message.ui;
        break;
      case 'rendered':
        this.renderedCount += 1;
        this.rendered = { view: message.view, layerId: message.layerId, ms: message.ms, count: this.renderedCount };
        break;
    }
    this.settleWaiters();
    if (message.type === 'exported') {
      this.exportRequests.get(message.requestId)?.(message);
      this.exportRequests.delete(message.requestId);
    }
    if (message.type === 'ready' || message.type === 'uiState') {
      const document = this.target && !this.target.document.isClosed ? this.target.document : null;
      this.onUiState({ ui: message.ui, document });
    }
    switch (message.type) {
      case 'reveal':
        void this.reveal(message.layerId);
        break;
      case 'log':
        if (message.level === 'error') this.logError(`panel: ${message.message}`);
        else this.log[message.level === 'warn' ? 'warn' : 'info'](`panel: ${message.message}`);
        break;
    }
  }

  /** A view and layer choice asked for before the webview was ready, sent with the first snapshot. */
  pendingView: ViewKind | null = null;
  pendingForce = false;

  private async reveal(layerId: string): Promise<void> {
    const layer = this.lastModel?.layers.find((l) => l.id === layerId);
    const document = this.target?.document;
    if (!layer || !document || document.isClosed) return;
    const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
    const range = new vscode.Range(document.positionAt(layer.span.from), document.positionAt(layer.span.to));
    editor.selection = new vscode.Selection(range.start, range.start);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  /** Resolves with the state once `test` holds for it (checked after every message from the webview). */
  stateWhen(test: (s: PanelState) => boolean): Promise<PanelState> {
    const now = this.state();
    if (test(now)) return Promise.resolve(now);
    return new Promise((resolve) => this.stateWaiters.push({ test, resolve }));
  }

  private settleWaiters(): void {
    const state = this.state();
    this.stateWaiters = this.stateWaiters.filter((w) => {
      if (!w.test(state)) return true;
      w.resolve(state);
      return false;
    });
  }

  /** The state for tests and the command's result. */
  state(): PanelState {
    return {
      open: !this.disposed,
      visible: !this.disposed && this.panel.visible,
      ready: this.ready,
      readyMs: this.readyMs,
      backend: this.backend,
      ui: this.ui,
      rendered: this.rendered,
      cursorLayerId: this.lastModel?.cursorLayerId ?? null,
      snapshots: this.seq,
      dropped: this.dropped,
      uiReports: this.uiReports,
      errorsLogged: this.errorsLogged,
      postsAfterClose: this.postsAfterClose,
      pendingTimers: this.timers.size,
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const w of this.stateWaiters.splice(0)) w.resolve(this.state());
    // A command awaiting `ready` of a panel closed while loading resolves (and sees open: false).
    for (const resolve of this.readyWaiters.splice(0)) resolve();
    for (const [requestId, resolve] of this.exportRequests) resolve({ type: 'exported', requestId, format: 'png', data: '', error: 'The panel was closed.' });
    this.exportRequests.clear();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
    // The closed panel stays reachable (for `_panelState` with `closed`), so it lets go of the document.
    this.target = null;
    this.lastModel = null;
    this.onDispose();
  }
}

function describeRaw(raw: unknown): string {
  if (typeof raw !== 'object' || raw === null) return typeof raw;
  const type = (raw as { type?: unknown }).type;
  return `type ${typeof type === 'string' ? JSON.stringify(type.slice(0, 40)) : typeof type}`;
}
