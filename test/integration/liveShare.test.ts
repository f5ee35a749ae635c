// Presenter sync's Live Share glue (src/editor/liveShare.ts) in a real extension host, against an
// in-memory stand-in for Live Share's API: a host session and a guest session in one extension
// host, their service connected by a hub that delivers notifications asynchronously and as JSON.
// The real Live Share service is not reachable here; docs/live-share.md says what this leaves out.
import * as vscode from 'vscode';
import { defaultUiState, type UiState } from '../../src/shared/protocol';
import type { PresenterState } from '../../src/shared/presenterSync';
import {
  LiveShareRole,
  PresenterSession,
  registerLiveShare,
  type LiveShareApi,
  type LiveShareServiceProxy,
  type LiveShareSharedService,
  type PresenterPanelHooks,
} from '../../src/editor/liveShare';
import type { PanelUiStateChange } from '../../src/editor/panel';
import type { PanelController } from '../../src/editor/panelController';
import { check, checkEqual, examplesFolder, layerLens, nextEvent } from './editorHelpers';

/** One shared service between a host and its guests, as Live Share relays it. */
class FakeServiceHub {
  available = false;
  readonly availability = new vscode.EventEmitter<boolean>();
  private readonly notifyHandlers = new Map<string, ((args: object) => void)[]>();
  private readonly requestHandlers = new Map<string, (args: unknown[]) => unknown>();
  notifications = 0;

  hostService(): LiveShareSharedService {
    this.setAvailable(true);
    return {
      isServiceAvailable: true,
      onDidChangeIsServiceAvailable: this.availability.event,
      onRequest: (name, handler) => void this.requestHandlers.set(name, handler),
      onNotify: () => undefined,
      notify: (name, args) => {
        this.notifications += 1;
        const copy = JSON.stringify(args);
        // Delivered later, as over a network, and as a copy.
        setTimeout(() => (this.notifyHandlers.get(name) ?? []).forEach((h) => h(JSON.parse(copy))), 0);
      },
    };
  }

  guestProxy(): LiveShareServiceProxy {
    const hub = this;
    return {
      get isServiceAvailable() {
        return hub.available;
      },
      onDidChangeIsServiceAvailable: this.availability.event,
      onNotify: (name, handler) => this.notifyHandlers.set(name, [...(this.notifyHandlers.get(name) ?? []), handler]),
      notify: () => undefined,
      request: async (name, args) => {
        const handler = this.requestHandlers.get(name);
        if (!handler || !this.available) throw new Error('service unavailable');
        return JSON.parse(JSON.stringify(handler(args) ?? null));
      },
    };
  }

  setAvailable(available: boolean): void {
    this.available = available;
    this.availability.fire(available);
  }
}

/** Live Share's API as one participant sees it. */
class FakeLiveShare implements LiveShareApi {
  session: { role: LiveShareRole; id: string | null };
  readonly sessionChanges = new vscode.EventEmitter<{ session: { role: LiveShareRole; id: string | null } }>();
  readonly onDidChangeSession = this.sessionChanges.event;

  constructor(
    private readonly hub: FakeServiceHub,
    role: LiveShareRole,
  ) {
    this.session = { role, id: 'fake-session' };
  }
  async shareService(): Promise<LiveShareSharedService | null> {
    return this.hub.hostService();
  }
  async unshareService(): Promise<void> {
    this.hub.setAvailable(false);
  }
  async getSharedService(): Promise<LiveShareServiceProxy | null> {
    return this.hub.guestProxy();
  }
  convertLocalUriToShared(localUri: vscode.Uri): vscode.Uri {
    return vscode.Uri.from({ scheme: 'vsls', path: localUri.path });
  }
  changeRole(role: LiveShareRole): void {
    this.session = { role, id: role === LiveShareRole.None ? null : 'fake-session' };
    this.sessionChanges.fire({ session: this.session });
  }
}

/** The host's panel: UI state changes are fired by the test, as the webview would report them. */
function hostPanel(): { hooks: PresenterPanelHooks; report: (change: PanelUiStateChange) => void } {
  const changes = new vscode.EventEmitter<PanelUiStateChange>();
  return {
    hooks: { onDidChangeUiState: changes.event, applyUiState: async () => undefined, openDocument: (uri) => Promise.resolve(vscode.workspace.openTextDocument(uri)) },
    report: (change) => changes.fire(change),
  };
}

/** The guest's panel: records what it was told to show; `vsls:` documents map back to the host's file. */
function guestPanel(files: vscode.Uri): { hooks: PresenterPanelHooks; shown: { ui: UiState; document: string | null }[] } {
  const shown: { ui: UiState; document: string | null }[] = [];
  return {
    shown,
    hooks: {
      onDidChangeUiState: new vscode.EventEmitter<PanelUiStateChange>().event,
      applyUiState: async (ui, document) => void shown.push({ ui, document: document?.uri.path ?? null }),
      openDocument: (uri) => {
        check(uri.scheme === 'vsls', `the guest was sent a ${uri.scheme}: URI`);
        return Promise.resolve(vscode.workspace.openTextDocument(vscode.Uri.joinPath(files, uri.path.split('/').pop()!)));
      },
    },
  };
}

function frame(ui: UiState) {
  return { layerId: ui.layerId, view: ui.view, step: ui.step, tokens: ui.tokens, sequenceLength: ui.sequenceLength, unit: ui.unit };
}

/** Resolves when the session has applied a state that satisfies the predicate. */
function appliedWhen(session: PresenterSession, predicate: (s: PresenterState) => boolean): Promise<PresenterState> {
  return nextEvent(session.onDidApply, predicate);
}

describe('Live Share presenter sync (in-memory Live Share)', () => {
  let examples: vscode.Uri;
  let document: vscode.TextDocument;
  const sessions: PresenterSession[] = [];
  let sessionCount = 0;

  const startSession = async (api: LiveShareApi, hooks: PresenterPanelHooks) => {
    const session = new PresenterSession(api, hooks, `layerLens.test.toggleFollow${++sessionCount}`);
    sessions.push(session);
    await session.start();
    return session;
  };

  before(async () => {
    const { extension } = await layerLens();
    examples = examplesFolder(extension);
    document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(examples, 'wavenet.py'));
  });

  afterEach(() => {
    for (const session of sessions.splice(0)) session.dispose();
  });

  it('does nothing when Live Share is not installed', async () => {
    check(!vscode.extensions.getExtension('ms-vsliveshare.vsliveshare'), 'this test expects an editor without Live Share');
    const context = { subscriptions: [] as vscode.Disposable[] } as unknown as vscode.ExtensionContext;
    // Without Live Share the panel is never reached: any use of it fails the test.
    const untouched = (what: string) => () => Promise.reject(new Error(`Live Share reached the panel (${what}) without Live Share`));
    const panel: PanelController = {
      exportView: untouched('exportView'),
      exportLesson: untouched('exportLesson'),
      applyRemoteUiState: untouched('applyRemoteUiState'),
      onDidChangeUiState: () => {
        throw new Error('Live Share subscribed to the panel without Live Share');
      },
    };
    checkEqual(await registerLiveShare(context, panel), false, 'started');
    checkEqual(context.subscriptions.length, 0, 'registered disposables');
  });

  it("the guest's panel shows the host's frame after a sequence of host actions", async () => {
    const hub = new FakeServiceHub();
    const host = hostPanel();
    const guest = guestPanel(examples);
    await startSession(new FakeLiveShare(hub, LiveShareRole.Host), host.hooks);
    const guestSession = await startSession(new FakeLiveShare(hub, LiveShareRole.Guest), guest.hooks);
    check(guestSession.following, 'the guest follows by default');

    let ui: UiState = { ...defaultUiState(), speed: 3 };
    const act = (change: Partial<UiState>) => {
      ui = { ...ui, ...change };
      host.report({ ui, document });
    };
    const last = appliedWhen(guestSession, (s) => s.step === 5 && s.view === 'attention');
    act({ layerId: 'layers.0', view: 'dilation' });
    act({ step: 1 });
    act({ step: 2, playing: true });
    act({ layerId: 'layers.2', step: 0, playing: false });
    act({ layerId: 'attention', view: 'attention', tokens: 'a b c', sequenceLength: 3, step: 5, unit: [2] });
    await last;
    await guestSession.settled();
    const final = guest.shown[guest.shown.length - 1];
    checkEqual(frame(final.ui), frame(ui), 'guest frame');
    checkEqual(final.document, document.uri.path, 'document the guest opened');
    checkEqual(final.ui.followCursor, false, 'a following guest does not follow its own cursor');
    check(guest.shown.length <= 5, `applied ${guest.shown.length} states for 5 host actions`);
  });

  it('a guest opens no URI but a shared (vsls:) one, whatever a hostile host sends (issue 19)', async () => {
    const hub = new FakeServiceHub();
    const opened: string[] = [];
    const guest = guestPanel(examples);
    const recording: PresenterPanelHooks = { ...guest.hooks, openDocument: (uri) => (opened.push(uri.toString()), guest.hooks.openDocument(uri)) };
    const service = hub.hostService();
    const guestSession = await startSession(new FakeLiveShare(hub, LiveShareRole.Guest), recording);
    const state = (seq: number, documentUri: string) => ({
      type: 'presenterState',
      session: 'hostile',
      seq,
      state: { documentUri, layerId: null, view: 'conv', step: seq, playing: false, sample: { tokens: '', sequenceLength: 12, unit: null } },
    });
    const shared = appliedWhen(guestSession, (s) => s.step === 3);
    service.notify('state', state(1, vscode.Uri.joinPath(examples, 'wavenet.py').toString()));
    service.notify('state', state(2, 'untitled:Untitled-9'));
    service.notify('state', state(3, 'vsls:/wavenet.py'));
    await shared;
    await guestSession.settled();
    checkEqual(opened, ['vsls:/wavenet.py'], 'documents the guest opened');
  });

  it('a guest who detaches stays put, and jumps to the latest frame when it attaches', async () => {
    const hub = new FakeServiceHub();
    const host = hostPanel();
    const guest = guestPanel(examples);
    await startSession(new FakeLiveShare(hub, LiveShareRole.Host), host.hooks);
    const guestSession = await startSession(new FakeLiveShare(hub, LiveShareRole.Guest), guest.hooks);
    const first = appliedWhen(guestSession, (s) => s.step === 1);
    host.report({ ui: { ...defaultUiState(), step: 1 }, document });
    await first;

    await guestSession.toggleFollow();
    check(!guestSession.following, 'detached');
    const sentBefore = hub.notifications;
    host.report({ ui: { ...defaultUiState(), step: 2 }, document });
    host.report({ ui: { ...defaultUiState(), step: 3, view: 'dilation' }, document });
    checkEqual(hub.notifications, sentBefore + 2, 'the host kept broadcasting');
    const shownWhileDetached = guest.shown.length;

    const attached = appliedWhen(guestSession, (s) => s.step === 3);
    await guestSession.toggleFollow();
    await attached;
    await guestSession.settled();
    check(guestSession.following, 'following again');
    checkEqual(guest.shown.length, shownWhileDetached + 1, 'only the latest frame was applied on attach');
    checkEqual(guest.shown[guest.shown.length - 1].ui.view, 'dilation', 'view');
  });

  it('a guest who joins late gets the current frame at once', async () => {
    const hub = new FakeServiceHub();
    const host = hostPanel();
    await startSession(new FakeLiveShare(hub, LiveShareRole.Host), host.hooks);
    host.report({ ui: { ...defaultUiState(), step: 4, layerId: 'layers.1', view: 'dilation' }, document });
    const guest = guestPanel(examples);
    const guestSession = await startSession(new FakeLiveShare(hub, LiveShareRole.Guest), guest.hooks);
    await guestSession.settled();
    checkEqual(guest.shown.map((s) => s.ui.step), [4], 'frames shown');
  });

  it('survives the host leaving mid-session, and the guest session ending', async () => {
    const hub = new FakeServiceHub();
    const host = hostPanel();
    const hostApi = new FakeLiveShare(hub, LiveShareRole.Host);
    const guestApi = new FakeLiveShare(hub, LiveShareRole.Guest);
    await startSession(hostApi, host.hooks);
    const guest = guestPanel(examples);
    const guestSession = await startSession(guestApi, guest.hooks);
    const applied = appliedWhen(guestSession, (s) => s.step === 2);
    host.report({ ui: { ...defaultUiState(), step: 2 }, document });
    await applied;

    // The host ends its session: its service goes away, then the guest's session ends too.
    hostApi.changeRole(LiveShareRole.None);
    checkEqual(hub.available, false, 'the host unshared the service');
    const shown = guest.shown.length;
    guestApi.changeRole(LiveShareRole.None);
    await guestSession.settled();
    checkEqual(guestSession.role, LiveShareRole.None, 'guest role');
    check(!guestSession.following, 'nothing to follow');
    checkEqual(guest.shown.length, shown, 'the panel keeps its last frame');
    await guestSession.toggleFollow();
  });
});
