// <ll-app>: the panel shell. It owns the UI state, receives snapshots, picks the layer and view,
// loads the view (tfjs work), runs playback and keyboard stepping, and reports back to the host.
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { PanelLayer, PanelModel } from '../../src/analysis/panelModel';
import { MAX_EXPORT_CHARS, type BackendName, type ExportFormat, type HostMessage, type SnapshotMessage, type UiState, type ViewKind } from '../../src/shared/protocol';
import { viewAsGif, viewAsPng, viewAsReplay, viewAsSvg } from '../render/captureView';
import { persistUiState, post } from '../host';
import { readPalette } from '../render/palette';
import { TensorCapError } from '../render/tfBackend';
import { defaultExampleFor, EXAMPLES } from '../examples';
import { el } from './dom';
import { LlAttentionView, SEQUENCE_EVENT } from './llAttentionView';
import { CONTROL_EVENT, LlControls, type ControlAction } from './llControls';
import { LlConvView } from './llConvView';
import { LlDilationView } from './llDilationView';
import { UNIT_EVENT, type AnimatedView, type DrawSettings, type UnitDetail } from './view';

const VIEW_TITLES: Record<ViewKind, string> = { conv: 'Convolution', dilation: 'Dilation context', attention: 'Attention' };

interface CheckboxLike extends HTMLElement {
  checked: boolean;
  label: string;
}

interface SelectLike extends HTMLElement {
  value: string;
}

/** The panel application element. */
export class LlApp extends HTMLElement {
  private ui!: UiState;
  private model: PanelModel | null = null;
  private lastSeq = -1;
  private backend: { name: BackendName; note: string } | null = null;
  private backendReady!: Promise<void>;
  private current: AnimatedView | null = null;
  private currentKey = '';
  private loadToken = 0;
  private loading: Promise<void> = Promise.resolve();
  private playStarted: number | null = null;
  private playFrom = 0;
  /** Counts calls to play(), so a superseded animation-frame loop stops instead of running twice. */
  private playRun = 0;
  private lastUiPost = 0;
  /** The layer last shown, to tell a change of layer from a redraw of the same one. */
  private shownLayerId: string | null = null;
  /** The layer for which the user or a command chose the view; other layers open on their best view. */
  private viewChosenFor: string | null = null;
  private readonly heading = el('h2', 'll-title', 'Layer Lens');
  private readonly picker = el('vscode-single-select' as 'div', 'll-picker') as unknown as SelectLike;
  private readonly viewButtons = el('div', 'll-views');
  private readonly follow = el('vscode-checkbox' as 'div', 'll-follow') as unknown as CheckboxLike;
  private readonly presenter = el('vscode-checkbox' as 'div', 'll-presenter-toggle') as unknown as CheckboxLike;
  private readonly badge = el('span', 'll-badge', 'tfjs: starting…');
  private readonly alert = el('p', 'll-alert');
  private readonly host = el('main', 'll-view-host');
  private readonly controls = el('ll-controls' as 'div') as unknown as LlControls;
  private readonly live = el('p', 'll-sr-only');

  /** Starts the app with the restored UI state; `backend` resolves when tfjs is ready. */
  start(ui: UiState, backend: Promise<{ backend: BackendName; note: string }>): void {
    this.ui = { ...ui, playing: false };
    this.shownLayerId = ui.layerId;
    this.viewChosenFor = ui.layerId;
    this.backendReady = backend.then((b) => {
      this.backend = { name: b.backend, note: b.note };
      this.badge.textContent = `tfjs: ${b.backend}`;
      this.badge.title = b.note;
      this.badge.dataset.backend = b.backend;
    });
    this.build();
    this.applyPresenter();
    // Nothing is drawn until the extension's first snapshot: data arrives only by message.
    this.host.textContent = 'Waiting for the editor…';
  }

  private build(): void {
    const toolbar = el('header', 'll-toolbar');
    this.picker.setAttribute('aria-label', 'Layer');
    this.follow.label = 'Follow cursor';
    this.follow.checked = this.ui.followCursor;
    this.presenter.label = 'Presenter mode';
    this.presenter.checked = this.ui.presenter;
    for (const view of ['conv', 'dilation', 'attention'] as ViewKind[]) {
      const button = el('vscode-button' as 'button', 'll-view-button', VIEW_TITLES[view]);
      button.dataset.view = view;
      button.addEventListener('click', () => this.chooseView(view));
      this.viewButtons.append(button);
    }
    this.viewButtons.setAttribute('role', 'group');
    this.viewButtons.setAttribute('aria-label', 'View');
    this.alert.setAttribute('role', 'alert');
    this.live.setAttribute('aria-live', 'polite');
    this.badge.setAttribute('role', 'status');
    toolbar.append(this.heading, this.picker, this.viewButtons, this.follow, this.presenter, this.badge);
    this.append(toolbar, this.alert, this.host, this.controls, this.live);
    this.picker.addEventListener('change', () => {
      const id = this.picker.value;
      if (!id || id === this.ui.layerId) return;
      this.ui.layerId = id;
      this.ui.unit = null;
      this.ui.step = 0;
      this.showLayer();
    });
    this.picker.addEventListener('dblclick', () => {
      if (this.ui.layerId && !this.ui.layerId.startsWith('example:')) post({ type: 'reveal', layerId: this.ui.layerId });
    });
    this.follow.addEventListener('change', () => {
      this.ui.followCursor = this.follow.checked;
      this.reportUi(true);
    });
    this.presenter.addEventListener('change', () => {
      this.ui.presenter = this.presenter.checked;
      this.applyPresenter();
      this.drawCurrent();
      this.reportUi(true);
    });
    this.addEventListener(CONTROL_EVENT, (e) => this.onControl((e as CustomEvent<ControlAction>).detail));
    this.addEventListener(UNIT_EVENT, (e) => this.onUnit((e as CustomEvent<UnitDetail>).detail));
    this.addEventListener(SEQUENCE_EVENT, (e) => {
      const { tokens, length } = (e as CustomEvent<{ tokens: string; length: number }>).detail;
      this.ui.tokens = tokens.slice(0, 20000);
      if (Number.isInteger(length) && length >= 1) this.ui.sequenceLength = Math.min(8192, length);
      this.currentKey = '';
      this.showLayer();
    });
    document.addEventListener('keydown', (e) => this.onKey(e));
    window.addEventListener('resize', () => this.drawCurrent());
  }

  /** Handles one valid message from the extension. */
  receive(message: HostMessage): void {
    if (message.type === 'setPresenter') {
      this.ui.presenter = message.enabled;
      this.presenter.checked = message.enabled;
      this.applyPresenter();
      this.drawCurrent();
      this.reportUi(true);
      return;
    }
    if (message.type === 'applyUiState') {
      this.applyUiState(message.ui);
      return;
    }
    if (message.type === 'setPlaying') {
      // The command can arrive while a view is still loading (it may have just opened the panel):
      // play once that view is drawn, or playback would stop at once on an empty step count.
      const playing = message.playing;
      void this.loading.then(() => {
        if (playing === this.ui.playing) this.reportUi(true);
        else if (playing) this.play();
        else this.pause();
      });
      return;
    }
    if (message.type === 'exportView') {
      this.exportView(message.requestId, message.format);
      return;
    }
    this.onSnapshot(message);
  }

  /** Answers exportView with the current view as PNG, SVG, an offline HTML replay or an animated GIF. */
  private exportView(requestId: number, format: ExportFormat): void {
    const view = this.current;
    if (!view) {
      post({ type: 'exported', requestId, format, data: '', error: 'No view is drawn yet.' });
      return;
    }
    try {
      const style = getComputedStyle(document.body);
      const background = style.getPropertyValue('--vscode-editor-background').trim() || style.backgroundColor || '#ffffff';
      const foreground = style.getPropertyValue('--vscode-editor-foreground').trim() || style.color || '#000000';
      const layer = this.resolveLayer();
      const title = `${this.heading.textContent ?? 'Layer Lens'} · ${layer.label} · ${VIEW_TITLES[this.ui.view]}`;
      const settings = this.settings();
      const data =
        format === 'png'
          ? viewAsPng(view, background)
          : format === 'svg'
            ? viewAsSvg(view, this.ui.step, settings, background, `${title}, step ${this.ui.step + 1}`)
            : format === 'gif'
              ? viewAsGif(view, this.ui.step, settings, background, this.ui.speed)
              : viewAsReplay(view, this.ui.step, settings, { background, foreground }, title, this.ui.speed);
      // The extension drops a larger message as malformed; an error is an answer it can show.
      if (data.length > MAX_EXPORT_CHARS) {
        post({ type: 'exported', requestId, format, data: '', error: `The ${format.toUpperCase()} export is ${Math.ceil(data.length / 2 ** 20)} MB, over the ${MAX_EXPORT_CHARS / 2 ** 20} MB a message may carry.` });
        return;
      }
      post({ type: 'exported', requestId, format, data, error: null });
    } catch (error) {
      post({ type: 'exported', requestId, format, data: '', error: (error as Error).message });
    }
  }

  /**
   * Shows another panel's frame (a Live Share presenter's): its layer, view, step and sample input.
   * Playback is mirrored step by step by the presenter's updates, so this panel never plays on its own.
   */
  private applyUiState(ui: UiState): void {
    const sameView = this.current !== null && ui.layerId === this.shownLayerId && ui.view === this.ui.view && ui.tokens === this.ui.tokens && ui.sequenceLength === this.ui.sequenceLength;
    this.ui = { ...ui, playing: false };
    this.playStarted = null;
    this.follow.checked = ui.followCursor;
    this.presenter.checked = ui.presenter;
    this.applyPresenter();
    this.viewChosenFor = ui.layerId;
    if (sameView) {
      this.drawCurrent();
      this.reportUi(true);
      return;
    }
    // An empty key keeps the requested step instead of restarting the new view at 0.
    this.currentKey = '';
    this.showLayer();
  }

  private onSnapshot(message: SnapshotMessage): void {
    if (message.seq <= this.lastSeq) return;
    this.lastSeq = message.seq;
    this.model = message.model;
    const cursor = message.model?.cursorLayerId ?? null;
    if (cursor && (this.ui.followCursor || message.forceLayer)) this.ui.layerId = cursor;
    if (message.requestedView) {
      this.ui.view = message.requestedView;
      const layer = this.resolveLayer();
      if (!layer.views.includes(message.requestedView)) {
        const other = message.model?.layers.find((l) => l.views.includes(message.requestedView as ViewKind));
        this.ui.layerId = other?.id ?? defaultExampleFor(message.requestedView).id;
      }
      this.viewChosenFor = this.resolveLayer().id;
    }
    this.heading.textContent = message.document ? `Layer Lens · ${message.document.fileName}` : 'Layer Lens';
    this.showLayer();
  }

  /** Every layer the picker offers: the model's, then the tutorial's examples. */
  private allLayers(): PanelLayer[] {
    return [...(this.model?.layers ?? []), ...EXAMPLES];
  }

  private resolveLayer(): PanelLayer {
    const layers = this.allLayers();
    return layers.find((l) => l.id === this.ui.layerId) ?? (this.model?.layers[0] ?? defaultExampleFor(this.ui.view));
  }

  private chooseView(view: ViewKind): void {
    const layer = this.resolveLayer();
    if (!layer.views.includes(view)) {
      const other = this.model?.layers.find((l) => l.views.includes(view));
      this.ui.layerId = other?.id ?? defaultExampleFor(view).id;
    }
    this.ui.view = view;
    this.ui.step = 0;
    this.viewChosenFor = this.resolveLayer().id;
    this.showLayer();
  }

  private refreshPicker(selected: PanelLayer): void {
    const options = this.allLayers().map((layer) => {
      const option = el('vscode-option' as 'option');
      option.setAttribute('value', layer.id);
      // textContent only: layer names come from the user's file.
      option.textContent = layer.label;
      if (layer.id === selected.id) option.setAttribute('selected', '');
      return option;
    });
    this.picker.replaceChildren(...options);
    this.picker.value = selected.id;
    for (const button of this.viewButtons.children) {
      const view = (button as HTMLElement).dataset.view as ViewKind;
      button.toggleAttribute('secondary', view !== this.ui.view);
      button.setAttribute('aria-pressed', String(view === this.ui.view));
    }
  }

  /** Loads the selected layer's view (serialised: a newer request supersedes queued ones). */
  private showLayer(): void {
    const layer = this.resolveLayer();
    if (layer.id !== this.shownLayerId && layer.id !== this.viewChosenFor) this.ui.view = layer.views[0];
    this.shownLayerId = layer.id;
    this.ui.layerId = layer.id;
    if (!layer.views.includes(this.ui.view)) this.ui.view = layer.views[0];
    this.refreshPicker(layer);
    const key = `${this.lastSeq}|${layer.id}|${this.ui.view}|${this.ui.tokens}|${this.ui.sequenceLength}`;
    const layerKey = `${layer.id}|${this.ui.view}`;
    if (!this.currentKey.endsWith(layerKey) && this.currentKey !== '') this.ui.step = 0;
    const token = ++this.loadToken;
    const started = performance.now();
    this.loading = this.loading.then(async () => {
      if (token !== this.loadToken) return;
      await this.backendReady;
      const view = this.ui.view;
      const element = this.viewElement(view);
      try {
        await element.load({ layer, dilation: this.model?.dilation ?? null, ui: this.ui });
        if (token !== this.loadToken) return;
        this.alert.textContent = '';
      } catch (error) {
        const message = error instanceof TensorCapError ? error.message : `Cannot show ${layer.label}: ${(error as Error).message}`;
        this.alert.textContent = message;
        post({ type: 'log', level: error instanceof TensorCapError ? 'info' : 'warn', message });
        if (token !== this.loadToken) return;
      }
      if (this.current !== element) this.host.replaceChildren(element);
      this.current = element;
      this.currentKey = key;
      this.ui.step = Math.min(this.ui.step, element.stepCount - 1);
      this.drawCurrent();
      post({ type: 'rendered', view, layerId: layer.id, ms: performance.now() - started });
      this.reportUi(true);
    });
  }

  private readonly views = new Map<ViewKind, AnimatedView>();

  private viewElement(view: ViewKind): AnimatedView {
    let element = this.views.get(view);
    if (!element) {
      element = (view === 'conv' ? new LlConvView() : view === 'dilation' ? new LlDilationView() : new LlAttentionView()) as AnimatedView;
      element.dataset.view = view;
      this.views.set(view, element);
    }
    // The element must be in the document for its children to exist before load().
    if (!element.isConnected) this.host.replaceChildren(element);
    return element;
  }

  private settings(): DrawSettings {
    return { palette: readPalette(), presenter: this.ui.presenter, stroke: this.ui.presenter ? 4 : 2, font: this.ui.presenter ? 20 : 12 };
  }

  private drawCurrent(): void {
    const view = this.current;
    if (!view) return;
    view.draw(this.ui.step, this.settings());
    this.controls.update(this.ui.step, view.stepCount, this.ui.playing, this.ui.speed);
    this.live.textContent = view.describe(this.ui.step);
  }

  private applyPresenter(): void {
    document.body.classList.toggle('ll-presenter', this.ui.presenter);
  }

  private setStep(step: number): void {
    const count = this.current?.stepCount ?? 1;
    this.ui.step = Math.max(0, Math.min(count - 1, step));
    this.drawCurrent();
    this.reportUi(false);
  }

  private onControl(c: ControlAction): void {
    if (c.action === 'back') this.pause(), this.setStep(this.ui.step - 1);
    else if (c.action === 'forward') this.pause(), this.setStep(this.ui.step + 1);
    else if (c.action === 'seek') this.pause(), this.setStep(c.step);
    else if (c.action === 'speed') {
      this.ui.speed = c.speed;
      if (this.ui.playing) this.play();
      this.reportUi(true);
    } else if (c.action === 'play') this.play();
    else this.pause();
  }

  private onUnit(d: UnitDetail): void {
    if (d.step !== null) {
      this.pause();
      this.setStep(d.step);
    } else {
      this.ui.unit = d.unit;
      this.reportUi(true);
    }
  }

  private onKey(e: KeyboardEvent): void {
    const target = e.target as HTMLElement | null;
    if (target && (/^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) && (target as HTMLInputElement).type !== 'range' || target.tagName.startsWith('VSCODE-SINGLE'))) return;
    if (e.key === 'ArrowRight') this.onControl({ action: 'forward' });
    else if (e.key === 'ArrowLeft') this.onControl({ action: 'back' });
    else if (e.key === ' ') this.onControl({ action: this.ui.playing ? 'pause' : 'play' });
    else return;
    e.preventDefault();
  }

  private play(): void {
    const count = this.current?.stepCount ?? 1;
    if (this.ui.step >= count - 1) this.ui.step = 0;
    this.ui.playing = true;
    this.playStarted = performance.now();
    this.playFrom = this.ui.step;
    const run = ++this.playRun;
    this.reportUi(true);
    const tick = (now: number) => {
      if (!this.ui.playing || this.playStarted === null || run !== this.playRun) return;
      const total = this.current?.stepCount ?? 1;
      const step = this.playFrom + Math.floor(((now - this.playStarted) / 1000) * this.ui.speed);
      if (step !== this.ui.step) this.setStep(Math.min(step, total - 1));
      if (step >= total - 1) {
        this.pause();
        return;
      }
      requestAnimationFrame(tick);
    };
    this.drawCurrent();
    requestAnimationFrame(tick);
  }

  private pause(): void {
    if (!this.ui.playing) return;
    this.ui.playing = false;
    this.playStarted = null;
    this.drawCurrent();
    this.reportUi(true);
  }

  private trailingUiReport: ReturnType<typeof setTimeout> | undefined;

  /** Persists the UI state and tells the host; step changes during playback are throttled. */
  private reportUi(now: boolean): void {
    persistUiState(this.ui);
    const t = performance.now();
    clearTimeout(this.trailingUiReport);
    if (!now && t - this.lastUiPost < 250) {
      // Throttled, but the last state of a burst is still sent, so the extension (and a Live Share
      // guest following this panel) never keeps a stale step.
      this.trailingUiReport = setTimeout(() => this.reportUi(true), 250 - (t - this.lastUiPost));
      return;
    }
    this.lastUiPost = t;
    post({ type: 'uiState', ui: { ...this.ui } });
  }

  /** A copy of the UI state as the app holds it (playback never resumes by itself after a load). */
  get uiState(): UiState {
    return { ...this.ui };
  }

  /** The backend in use, once known. */
  get backendName(): BackendName | null {
    return this.backend?.name ?? null;
  }

  /** The view element currently shown (tests read its computed values). */
  get view(): AnimatedView | null {
    return this.current;
  }

  /** Resolves when every queued load has finished. */
  get idle(): Promise<void> {
    return this.loading;
  }
}

customElements.define('ll-app', LlApp);
