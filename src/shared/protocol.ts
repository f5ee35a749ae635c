// The one message protocol between the extension (src/editor/panel.ts) and the panel app (webview/).
// Every message is a discriminated union member on `type` and carries a complete snapshot, never a
// delta, so a message lost or reordered is repaired by the next one. Both sides validate what they
// receive with the guards at the bottom and drop (and log) anything that does not fit.

import type { PanelModel, ViewKind } from '../analysis/panelModel';

export type { PanelModel, ViewKind };

/** The views the panel can show; `conv` covers 1-D, 2-D and transposed convolutions. */
export const VIEW_KINDS: readonly ViewKind[] = ['conv', 'dilation', 'attention'];

/** The tfjs backends the panel may end up on. */
export type BackendName = 'webgl' | 'cpu';

/** UI state the webview persists with `setState` and reports to the extension; nothing else is persisted. */
export interface UiState {
  /** The layer shown (a module path), or null for the built-in tutorial example. */
  layerId: string | null;
  view: ViewKind;
  /** Animation step within the current view (0-based). */
  step: number;
  playing: boolean;
  /** Playback speed in steps per second. */
  speed: number;
  /** Follow the editor's cursor (on by default). */
  followCursor: boolean;
  /** Large type and thick strokes for projection. */
  presenter: boolean;
  /** Output unit chosen by clicking (row, column) or (position) for the receptive field; null for the centre. */
  unit: number[] | null;
  /** Tokens typed for the attention view; empty means positions 0..T-1. */
  tokens: string;
  /** Sequence length of the attention view's sample sequence. */
  sequenceLength: number;
}

/** The state a new panel starts from. */
export function defaultUiState(): UiState {
  return {
    layerId: null,
    view: 'conv',
    step: 0,
    playing: false,
    speed: 2,
    followCursor: true,
    presenter: false,
    unit: null,
    tokens: '',
    sequenceLength: 12,
  };
}

/** The document a snapshot describes. */
export interface DocumentRef {
  uri: string;
  /** Short name for the title bar. */
  fileName: string;
  version: number;
}

// ---------------------------------------------------------------------------------------------
// Extension → webview

/** Everything the panel shows for the current document and cursor; sent after `ready` and on every change. */
export interface SnapshotMessage {
  type: 'snapshot';
  /** Increases with every snapshot so the webview can ignore stale ones. */
  seq: number;
  /** Null when no analysable document is active (the panel shows the built-in example). */
  document: DocumentRef | null;
  /** The panel's view data for the model under the cursor; null when there is none. */
  model: PanelModel | null;
  /** A view a command asked for (`showAttention` → `attention`); null leaves the choice to the webview. */
  requestedView: ViewKind | null;
  /** Set when a command named a layer explicitly, so the webview selects it even when not following. */
  forceLayer: boolean;
}

/** Switches presenter mode (the command `layerLens.togglePresenterMode` and the serializer use it). */
export interface SetPresenterMessage {
  type: 'setPresenter';
  enabled: boolean;
}

/** Starts or stops playback of the view on show (the command `layerLens.togglePlayback`); the webview reports the new state. */
export interface SetPlayingMessage {
  type: 'setPlaying';
  playing: boolean;
}

/** Replaces the panel's UI state: a Live Share guest's panel following the presenter's (src/editor/liveShare.ts). */
export interface ApplyUiStateMessage {
  type: 'applyUiState';
  ui: UiState;
}

/** The formats the panel exports the current view to. */
export type ExportFormat = 'png' | 'svg' | 'html' | 'gif';

/** Asks the webview for the current view as PNG, SVG, an offline HTML replay or an animated GIF (command layerLens.exportView). */
export interface ExportViewMessage {
  type: 'exportView';
  requestId: number;
  format: ExportFormat;
}

/** Every message the extension sends to the webview. */
export type HostMessage = SnapshotMessage | SetPresenterMessage | SetPlayingMessage | ApplyUiStateMessage | ExportViewMessage;

// ---------------------------------------------------------------------------------------------
// Webview → extension

/** The webview is listening; the extension answers with a snapshot. Carries the restored UI state. */
export interface ReadyMessage {
  type: 'ready';
  ui: UiState;
  /** Milliseconds from script start to this message, for the budget in issue 7.6. */
  bootMs: number;
}

/** Which tfjs backend the panel runs on, and why (e.g. WebGL unavailable → CPU). */
export interface BackendMessage {
  type: 'backend';
  backend: BackendName;
  note: string;
}

/** The complete UI state after the user changed it (layer picker, follow toggle, step, presenter). */
export interface UiStateMessage {
  type: 'uiState';
  ui: UiState;
}

/** A view finished drawing; carries what was drawn so tests and the controller can check it. */
export interface RenderedMessage {
  type: 'rendered';
  view: ViewKind;
  layerId: string | null;
  /** Time from receiving the data to the first complete frame, in milliseconds. */
  ms: number;
}

/** The user asked to see a layer's source (double-click in the picker). */
export interface RevealMessage {
  type: 'reveal';
  layerId: string;
}

/** A problem or note from the webview, written to the extension's output channel. */
export interface LogMessage {
  type: 'log';
  level: 'info' | 'warn' | 'error';
  message: string;
}

/** The answer to exportView: a PNG or GIF data URL, or SVG or HTML text; `error` when nothing could be exported. */
export interface ExportedMessage {
  type: 'exported';
  requestId: number;
  format: ExportFormat;
  data: string;
  error: string | null;
}

/** Every message the webview sends to the extension. */
export type WebviewMessage =
  | ExportedMessage
  | ReadyMessage
  | BackendMessage
  | UiStateMessage
  | RenderedMessage
  | RevealMessage
  | LogMessage;

// ---------------------------------------------------------------------------------------------
// Validation on receipt. Hand-written guards: the protocol is small, and a schema library would
// put code into both bundles for little gain.

type Obj = Record<string, unknown>;

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isStr(x: unknown, max = 4096): x is string {
  return typeof x === 'string' && x.length <= max;
}

function isFiniteNum(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

function isView(x: unknown): x is ViewKind {
  return x === 'conv' || x === 'dilation' || x === 'attention';
}

function isNumArray(x: unknown, max = 8): x is number[] {
  return Array.isArray(x) && x.length <= max && x.every(isFiniteNum);
}

/** The largest export the extension accepts from the webview (characters of text or data URL). */
export const MAX_EXPORT_CHARS = 64 * 1024 * 1024;

function isExportFormat(x: unknown): x is ExportFormat {
  return x === 'png' || x === 'svg' || x === 'html' || x === 'gif';
}

/** The bounds of a UiState's fields, shared by every place that accepts one from outside (webview, Live Share). */
export const UI_STATE_BOUNDS = { layerIdChars: 1024, tokensChars: 20000, maxSequenceLength: 8192, unitAxes: 3, maxStep: 1_000_000 } as const;

/** True when `x` is a well-formed UiState. */
export function isUiState(x: unknown): x is UiState {
  return (
    isObj(x) &&
    (x.layerId === null || isStr(x.layerId, UI_STATE_BOUNDS.layerIdChars)) &&
    isView(x.view) &&
    Number.isInteger(x.step) && (x.step as number) >= 0 &&
    typeof x.playing === 'boolean' &&
    isFiniteNum(x.speed) && x.speed > 0 && x.speed <= 64 &&
    typeof x.followCursor === 'boolean' &&
    typeof x.presenter === 'boolean' &&
    (x.unit === null || isNumArray(x.unit, UI_STATE_BOUNDS.unitAxes)) &&
    isStr(x.tokens, UI_STATE_BOUNDS.tokensChars) &&
    Number.isInteger(x.sequenceLength) && (x.sequenceLength as number) >= 1 && (x.sequenceLength as number) <= UI_STATE_BOUNDS.maxSequenceLength
  );
}

/** True when `x` is a message the webview may send; anything else is dropped by the extension. */
export function isWebviewMessage(x: unknown): x is WebviewMessage {
  if (!isObj(x)) return false;
  switch (x.type) {
    case 'ready':
      return isUiState(x.ui) && isFiniteNum(x.bootMs);
    case 'backend':
      return (x.backend === 'webgl' || x.backend === 'cpu') && isStr(x.note);
    case 'uiState':
      return isUiState(x.ui);
    case 'rendered':
      return isView(x.view) && (x.layerId === null || isStr(x.layerId, 1024)) && isFiniteNum(x.ms);
    case 'reveal':
      return isStr(x.layerId, 1024);
    case 'log':
      return (x.level === 'info' || x.level === 'warn' || x.level === 'error') && isStr(x.message);
    case 'exported':
      return isFiniteNum(x.requestId) && isExportFormat(x.format) && isStr(x.data, MAX_EXPORT_CHARS) && (x.error === null || isStr(x.error));
    default:
      return false;
  }
}

function isGeometryLike(x: unknown): boolean {
  return (
    x === null ||
    (isObj(x) &&
      (x.kind === 'conv' || x.kind === 'pool' || x.kind === 'convTranspose') &&
      isNumArray(x.kernel) && isNumArray(x.stride) && isNumArray(x.padding) && isNumArray(x.dilation))
  );
}

function isPanelModel(x: unknown): x is PanelModel {
  if (!isObj(x) || !isStr(x.modelName, 1024) || !Array.isArray(x.layers) || x.layers.length > 10000) return false;
  if (!(x.cursorLayerId === null || isStr(x.cursorLayerId, 1024))) return false;
  if (!(x.dilation === null || (isObj(x.dilation) && Array.isArray(x.dilation.rows) && isFiniteNum(x.dilation.context)))) return false;
  return x.layers.every(
    (l: unknown) =>
      isObj(l) &&
      isStr(l.id, 1024) &&
      isStr(l.label, 1024) &&
      isStr(l.type, 256) &&
      Array.isArray(l.views) && l.views.length > 0 && l.views.every(isView) &&
      isGeometryLike(l.geometry) &&
      Array.isArray(l.stack),
  );
}

/** True when `x` is a message the extension may send; the webview drops anything else. */
export function isHostMessage(x: unknown): x is HostMessage {
  if (!isObj(x)) return false;
  switch (x.type) {
    case 'snapshot':
      return (
        isFiniteNum(x.seq) &&
        (x.document === null ||
          (isObj(x.document) && isStr(x.document.uri) && isStr(x.document.fileName) && isFiniteNum(x.document.version))) &&
        (x.model === null || isPanelModel(x.model)) &&
        (x.requestedView === null || isView(x.requestedView)) &&
        typeof x.forceLayer === 'boolean'
      );
    case 'setPresenter':
      return typeof x.enabled === 'boolean';
    case 'setPlaying':
      return typeof x.playing === 'boolean';
    case 'applyUiState':
      return isUiState(x.ui);
    case 'exportView':
      return isFiniteNum(x.requestId) && isExportFormat(x.format);
    default:
      return false;
  }
}

/**
 * The webview's answer to an export request, held to the format asked for: an answer in another
 * format (a compromised webview answering a PNG request with HTML) becomes an error, so what is
 * written to disk is always what the user chose.
 */
export function answerInFormat(requested: ExportFormat, answer: ExportedMessage): ExportedMessage {
  return answer.format === requested ? answer : { ...answer, format: requested, data: '', error: `The panel answered a ${requested} request with ${answer.format}.` };
}
