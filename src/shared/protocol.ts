// The one message protocol between the extension (src/editor/panel.ts) and the panel app (webview/).
// Every message is a discriminated union member on `type` and carries a complete snapshot, never a
// delta, so a message lost or reordered is repaired by the next one. Both sides validate what they
// receive with the guards at the bottom (one validator per message type, in a table the compiler
// checks for completeness) and drop (and log) anything that does not fit.

import type { DilationRow, DilationStack, PanelLayer, PanelModel, StackStep, ViewKind } from '../analysis/panelModel';
import type { AttentionInfo, Geometry, ReceptiveField, Span } from '../analysis/types';

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

/** One validator per message type: a message type without one does not compile. */
type Validators<M extends { type: string }> = { readonly [K in M['type']]: (m: Obj) => m is Extract<M, { type: K }> & Obj };

/** The validator of the message's own `type`, or false for an unknown type. */
function validate<M extends { type: string }>(validators: Validators<M>, x: unknown): x is M {
  if (!isObj(x) || typeof x.type !== 'string' || !Object.hasOwn(validators, x.type)) return false;
  const check = (validators as Record<string, (m: Obj) => boolean>)[x.type];
  return check(x);
}

function isLayerId(x: unknown): x is string | null {
  return x === null || isStr(x, 1024);
}

/** What the webview may send, by message type. */
export const webviewMessageValidators: Validators<WebviewMessage> = {
  ready: (m): m is ReadyMessage & Obj => isUiState(m.ui) && isFiniteNum(m.bootMs),
  backend: (m): m is BackendMessage & Obj => (m.backend === 'webgl' || m.backend === 'cpu') && isStr(m.note),
  uiState: (m): m is UiStateMessage & Obj => isUiState(m.ui),
  rendered: (m): m is RenderedMessage & Obj => isView(m.view) && isLayerId(m.layerId) && isFiniteNum(m.ms),
  reveal: (m): m is RevealMessage & Obj => isStr(m.layerId, 1024),
  log: (m): m is LogMessage & Obj => (m.level === 'info' || m.level === 'warn' || m.level === 'error') && isStr(m.message),
  exported: (m): m is ExportedMessage & Obj =>
    isFiniteNum(m.requestId) && isExportFormat(m.format) && isStr(m.data, MAX_EXPORT_CHARS) && (m.error === null || isStr(m.error)),
};

/** True when `x` is a message the webview may send; anything else is dropped by the extension. */
export function isWebviewMessage(x: unknown): x is WebviewMessage {
  return validate(webviewMessageValidators, x);
}

function isNullableNum(x: unknown): x is number | null {
  return x === null || isFiniteNum(x);
}

function isOptional<T>(x: unknown, check: (y: unknown) => y is T): boolean {
  return x === undefined || check(x);
}

function isBool(x: unknown): x is boolean {
  return typeof x === 'boolean';
}

function isSpan(x: unknown): x is Span {
  return isObj(x) && isFiniteNum(x.from) && isFiniteNum(x.to);
}

function isGeometry(x: unknown): x is Geometry {
  return (
    isObj(x) &&
    (x.kind === 'conv' || x.kind === 'pool' || x.kind === 'convTranspose') &&
    isNumArray(x.kernel) && isNumArray(x.stride) && isNumArray(x.padding) && isNumArray(x.dilation) &&
    isOptional(x.outputPadding, isNumArray) && isOptional(x.groups, isFiniteNum) &&
    isOptional(x.causal, isBool) && isOptional(x.global, isBool)
  );
}

function isReceptiveField(x: unknown): x is ReceptiveField {
  return (
    isObj(x) && isNumArray(x.size) && isNumArray(x.stride) && isNumArray(x.padding) &&
    isOptional(x.misaligned, isBool) && isOptional(x.global, isBool)
  );
}

function isStackStep(x: unknown): x is StackStep {
  return isObj(x) && isStr(x.id, 1024) && isStr(x.label, 1024) && isGeometry(x.geometry) && isReceptiveField(x.field);
}

function isAttentionInfo(x: unknown): x is AttentionInfo {
  return (
    isObj(x) && (x.kind === 'dot' || x.kind === 'additive') &&
    isNullableNum(x.embedDim) && isNullableNum(x.numHeads) && isNullableNum(x.headDim) && isBool(x.causal)
  );
}

/** The largest layer count and stack depth a snapshot may carry. */
const MAX_LAYERS = 10000;

function isPanelLayer(x: unknown): x is PanelLayer {
  return (
    isObj(x) &&
    isStr(x.id, 1024) && isStr(x.label, 1024) && isStr(x.type, 256) &&
    Number.isInteger(x.line) && isSpan(x.span) &&
    Array.isArray(x.views) && x.views.length > 0 && x.views.every(isView) &&
    (x.geometry === null || isGeometry(x.geometry)) &&
    Number.isInteger(x.rank) &&
    isObj(x.channels) && isNullableNum(x.channels.in) && isNullableNum(x.channels.out) && isFiniteNum(x.channels.groups) &&
    (x.inputSize === null || isNumArray(x.inputSize)) &&
    Array.isArray(x.stack) && x.stack.length <= MAX_LAYERS && x.stack.every(isStackStep) &&
    (x.attention === null || isAttentionInfo(x.attention)) &&
    isNullableNum(x.sequenceLength)
  );
}

function isDilationRow(x: unknown): x is DilationRow {
  return isObj(x) && isStr(x.id, 1024) && isStr(x.label, 1024) && isFiniteNum(x.kernel) && isFiniteNum(x.dilation) && isFiniteNum(x.block);
}

function isDilationStack(x: unknown): x is DilationStack {
  return (
    isObj(x) && Array.isArray(x.rows) && x.rows.length <= MAX_LAYERS && x.rows.every(isDilationRow) &&
    isFiniteNum(x.context) && isFiniteNum(x.blocks) && isFiniteNum(x.blockContext) && isStr(x.formula)
  );
}

/** True when `x` is a PanelModel, down to every layer, stack step, field and dilation row. */
export function isPanelModel(x: unknown): x is PanelModel {
  return (
    isObj(x) && isStr(x.modelName, 1024) &&
    Array.isArray(x.layers) && x.layers.length <= MAX_LAYERS && x.layers.every(isPanelLayer) &&
    isLayerId(x.cursorLayerId) &&
    (x.dilation === null || isDilationStack(x.dilation))
  );
}

function isDocumentRef(x: unknown): x is DocumentRef {
  return isObj(x) && isStr(x.uri) && isStr(x.fileName) && isFiniteNum(x.version);
}

/** What the extension may send, by message type. */
export const hostMessageValidators: Validators<HostMessage> = {
  snapshot: (m): m is SnapshotMessage & Obj =>
    isFiniteNum(m.seq) &&
    (m.document === null || isDocumentRef(m.document)) &&
    (m.model === null || isPanelModel(m.model)) &&
    (m.requestedView === null || isView(m.requestedView)) &&
    isBool(m.forceLayer),
  setPresenter: (m): m is SetPresenterMessage & Obj => isBool(m.enabled),
  setPlaying: (m): m is SetPlayingMessage & Obj => isBool(m.playing),
  applyUiState: (m): m is ApplyUiStateMessage & Obj => isUiState(m.ui),
  exportView: (m): m is ExportViewMessage & Obj => isFiniteNum(m.requestId) && isExportFormat(m.format),
};

/** True when `x` is a message the extension may send; the webview drops anything else. */
export function isHostMessage(x: unknown): x is HostMessage {
  return validate(hostMessageValidators, x);
}

/**
 * The webview's answer to an export request, held to the format asked for: an answer in another
 * format (a compromised webview answering a PNG request with HTML) becomes an error, so what is
 * written to disk is always what the user chose.
 */
export function answerInFormat(requested: ExportFormat, answer: ExportedMessage): ExportedMessage {
  return answer.format === requested ? answer : { ...answer, format: requested, data: '', error: `The panel answered a ${requested} request with ${answer.format}.` };
}
