// Presenter sync, independent of any transport: the host's panel publishes complete snapshots of
// what it shows (document, layer, view, step, playing, sample input) with a sequence number; a
// guest's panel applies the newest one it has seen and drops older ones, and can detach to explore
// on its own and attach again later. Live Share carries the messages in src/editor/liveShare.ts;
// the unit tests carry them over a loopback. No vscode, no DOM, no timers here.
import { UI_STATE_BOUNDS, VIEW_KINDS, type UiState, type ViewKind } from './protocol';

/** What a guest's panel needs to show the same frame as the presenter's. */
export interface PresenterState {
  /** The host's document URI as the host sees it (the glue converts it for the guest), or null. */
  documentUri: string | null;
  layerId: string | null;
  view: ViewKind;
  step: number;
  playing: boolean;
  /** The sample input the views compute from. */
  sample: { tokens: string; sequenceLength: number; unit: number[] | null };
}

/** One broadcast: a complete state, never a delta, so any single message brings a guest up to date. */
export interface PresenterUpdate {
  type: 'presenterState';
  /** Chosen by the host per sharing session, so sequence numbers restart safely when it shares again. */
  session: string;
  /** Increases with every update of a session. */
  seq: number;
  state: PresenterState;
}

/** The two directions a transport offers: Live Share notifications, or a loopback in tests. */
export interface PresenterTransport {
  send(update: PresenterUpdate): void;
  /** Registers a receiver; returns a function that unregisters it. */
  onReceive(receiver: (message: unknown) => void): () => void;
}

/** The presenter state of a panel's UI state. */
export function presenterStateOf(ui: UiState, documentUri: string | null): PresenterState {
  return {
    documentUri,
    layerId: ui.layerId,
    view: ui.view,
    step: ui.step,
    playing: ui.playing,
    sample: { tokens: ui.tokens, sequenceLength: ui.sequenceLength, unit: ui.unit ? [...ui.unit] : null },
  };
}

/**
 * The guest's UI state after following the presenter: the presenter's frame, the guest's own
 * display preferences (speed, presenter mode). Following the cursor is off, because the guest's
 * cursor must not pull the panel away from the presenter's layer.
 */
export function followPresenter(guest: UiState, presenter: PresenterState): UiState {
  return {
    ...guest,
    layerId: presenter.layerId,
    view: presenter.view,
    step: presenter.step,
    playing: presenter.playing,
    tokens: presenter.sample.tokens,
    sequenceLength: presenter.sample.sequenceLength,
    unit: presenter.sample.unit ? [...presenter.sample.unit] : null,
    followCursor: false,
  };
}

function isNonNegativeInteger(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 0;
}

/** True when `x` is a well-formed PresenterUpdate (guests validate everything they receive). */
export function isPresenterUpdate(x: unknown): x is PresenterUpdate {
  if (typeof x !== 'object' || x === null) return false;
  const u = x as Partial<PresenterUpdate>;
  if (u.type !== 'presenterState' || typeof u.session !== 'string' || u.session.length > 100 || !isNonNegativeInteger(u.seq)) return false;
  const s = u.state as Partial<PresenterState> | undefined;
  if (typeof s !== 'object' || s === null) return false;
  const sample = s.sample as Partial<PresenterState['sample']> | undefined;
  // The same bounds as a UiState from the webview: a peer's state is no more trusted than the panel's.
  return (
    (s.documentUri === null || (typeof s.documentUri === 'string' && s.documentUri.length <= MAX_DOCUMENT_URI_CHARS)) &&
    (s.layerId === null || (typeof s.layerId === 'string' && s.layerId.length <= UI_STATE_BOUNDS.layerIdChars)) &&
    VIEW_KINDS.includes(s.view as ViewKind) &&
    isNonNegativeInteger(s.step) &&
    (s.step as number) <= UI_STATE_BOUNDS.maxStep &&
    typeof s.playing === 'boolean' &&
    typeof sample === 'object' &&
    sample !== null &&
    typeof sample.tokens === 'string' &&
    sample.tokens.length <= UI_STATE_BOUNDS.tokensChars &&
    isNonNegativeInteger(sample.sequenceLength) &&
    (sample.sequenceLength as number) >= 1 &&
    (sample.sequenceLength as number) <= UI_STATE_BOUNDS.maxSequenceLength &&
    (sample.unit === null ||
      (Array.isArray(sample.unit) && sample.unit.length <= UI_STATE_BOUNDS.unitAxes && sample.unit.every(isNonNegativeInteger)))
  );
}

/** The longest document URI a presenter update may carry. */
export const MAX_DOCUMENT_URI_CHARS = 4096;

/**
 * True for a document URI a guest may open on the host's word: a Live Share (`vsls:`) URI, which
 * names a file the host shares. Anything else (`file:`, `untitled:`, `command:` …) would make the
 * guest's editor open a resource of the guest's own machine.
 */
export function isSharedDocumentUri(uri: string): boolean {
  return uri.length <= MAX_DOCUMENT_URI_CHARS && /^vsls:/i.test(uri);
}

/** The host side: numbers and sends each changed state; remembers the last for late joiners. */
export class PresenterBroadcaster {
  private seq = 0;
  private last: PresenterUpdate | null = null;

  constructor(
    private readonly transport: PresenterTransport,
    readonly session: string,
  ) {}

  /** Sends the state unless it equals the last one sent; returns the update sent, or null. */
  publish(state: PresenterState): PresenterUpdate | null {
    if (this.last && JSON.stringify(this.last.state) === JSON.stringify(state)) return null;
    this.last = { type: 'presenterState', session: this.session, seq: ++this.seq, state };
    this.transport.send(this.last);
    return this.last;
  }

  /** The latest update, for a guest who joins (or re-attaches) after it was sent. */
  latest(): PresenterUpdate | null {
    return this.last;
  }
}

/** What a follower did with a message. */
export type ReceiveOutcome = 'applied' | 'held' | 'stale' | 'invalid';

/**
 * The guest side. Applies the newest update of the current session; while detached it only
 * remembers the newest, and attaching applies that one at once.
 */
export class PresenterFollower {
  private session: string | null = null;
  private newest: PresenterUpdate | null = null;
  private appliedSeq = -1;
  private detached = false;

  constructor(private readonly apply: (state: PresenterState, update: PresenterUpdate) => void) {}

  /** Whether the guest has chosen to explore on its own. */
  get isDetached(): boolean {
    return this.detached;
  }

  /** The sequence number last applied (-1 before any). */
  get lastApplied(): number {
    return this.appliedSeq;
  }

  receive(message: unknown): ReceiveOutcome {
    if (!isPresenterUpdate(message)) return 'invalid';
    // A new session (the host stopped and shared again) restarts the numbering.
    if (message.session !== this.session) {
      this.session = message.session;
      this.newest = null;
      this.appliedSeq = -1;
    }
    if (this.newest && message.seq <= this.newest.seq) return 'stale';
    this.newest = message;
    if (this.detached) return 'held';
    this.applyNewest();
    return 'applied';
  }

  /** Stops following; updates keep arriving and are remembered, not applied. */
  detach(): void {
    this.detached = true;
  }

  /** Follows again, jumping straight to the newest state seen; returns whether one was applied. */
  attach(): boolean {
    this.detached = false;
    if (!this.newest || this.newest.seq === this.appliedSeq) return false;
    this.applyNewest();
    return true;
  }

  /** The host left (or the session ended): forget its numbering; the panel keeps its last frame. */
  reset(): void {
    this.session = null;
    this.newest = null;
    this.appliedSeq = -1;
  }

  private applyNewest(): void {
    const update = this.newest!;
    this.appliedSeq = update.seq;
    this.apply(update.state, update);
  }
}
