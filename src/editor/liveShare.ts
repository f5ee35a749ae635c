// Live Share presenter sync (issue 8.3). When the Live Share extension is installed, the host of a
// session shares a service, `layerLens.presenter`, that broadcasts the panel's state; a guest who has
// Layer Lens gets a panel that follows the host's, computing locally, and can detach from a status
// bar item. The ordering, stale-dropping and detach logic is the pure src/shared/presenterSync.ts;
// this file is only the glue to Live Share's API and to the panel. Without Live Share nothing here
// runs beyond one getExtension call. docs/live-share.md says what was and was not tested.
import * as vscode from 'vscode';
import { defaultUiState, type UiState } from '../shared/protocol';
import {
  PresenterBroadcaster,
  PresenterFollower,
  followPresenter,
  isSharedDocumentUri,
  presenterStateOf,
  type PresenterState,
  type PresenterTransport,
} from '../shared/presenterSync';
import type { PanelUiStateChange } from './panel';
import type { PanelController } from './panelController';

/** The Live Share extension's identifier. */
export const liveShareExtensionId = 'ms-vsliveshare.vsliveshare';

/** The name of the service the host shares. */
export const presenterServiceName = 'layerLens.presenter';

/** The notification that carries a PresenterUpdate, and the request a (re)attaching guest makes. */
const stateNotification = 'state';
const latestRequest = 'latest';

/**
 * The version of Live Share's extension API (the `vsls` npm package) whose shapes are declared
 * below; Live Share checks it when handing out its API. We declare the few members we use instead
 * of depending on `vsls`, whose install pulls @microsoft/servicehub-framework and its RPC stack.
 */
const liveShareApiVersion = '1.0.4753';

/** Live Share's session roles, as numbered in its API. */
export const LiveShareRole = { None: 0, Host: 1, Guest: 2 } as const;
/** One of LiveShareRole's values. */
export type LiveShareRole = (typeof LiveShareRole)[keyof typeof LiveShareRole];

/** The members of a Live Share shared service (host side) or service proxy (guest side) we use. */
export interface LiveShareServiceLike {
  readonly isServiceAvailable: boolean;
  readonly onDidChangeIsServiceAvailable: vscode.Event<boolean>;
  onNotify(name: string, handler: (args: object) => void): void;
  notify(name: string, args: object): void;
}

/** The host's shared service. */
export interface LiveShareSharedService extends LiveShareServiceLike {
  onRequest(name: string, handler: (args: unknown[]) => unknown): void;
}

/** The guest's proxy of the host's service. */
export interface LiveShareServiceProxy extends LiveShareServiceLike {
  request(name: string, args: unknown[]): Promise<unknown>;
}

/** The members of Live Share's API we use. */
export interface LiveShareApi {
  readonly session: { readonly role: LiveShareRole; readonly id: string | null };
  readonly onDidChangeSession: vscode.Event<{ session: { readonly role: LiveShareRole; readonly id: string | null } }>;
  shareService(name: string): Promise<LiveShareSharedService | null>;
  unshareService(name: string): Promise<void>;
  getSharedService(name: string): Promise<LiveShareServiceProxy | null>;
  convertLocalUriToShared(localUri: vscode.Uri): vscode.Uri;
}

/** How the presenter session reaches the panel: the real panel's controller, or fakes in tests. */
export interface PresenterPanelHooks {
  onDidChangeUiState: vscode.Event<PanelUiStateChange>;
  applyUiState(ui: UiState, document: vscode.TextDocument | null): Promise<void>;
  openDocument(uri: vscode.Uri): Promise<vscode.TextDocument>;
}

/** The hooks that reach the real panel through its controller. */
export function panelHooks(panel: PanelController): PresenterPanelHooks {
  return {
    onDidChangeUiState: panel.onDidChangeUiState,
    applyUiState: (ui, document) => panel.applyRemoteUiState(ui, document),
    openDocument: (uri) => Promise.resolve(vscode.workspace.openTextDocument(uri)),
  };
}

/** Live Share's API, or null when the extension is absent, inactive by choice, or refuses the version. */
export async function liveShareApi(): Promise<LiveShareApi | null> {
  const extension = vscode.extensions.getExtension(liveShareExtensionId);
  if (!extension) return null;
  const exports = (extension.isActive ? extension.exports : await extension.activate()) as
    | { getApi?: (version: string, callerId?: string) => Promise<LiveShareApi | null> }
    | undefined;
  if (!exports?.getApi) return null;
  return exports.getApi(liveShareApiVersion, 'layer-lens.layer-lens');
}

/** A PresenterTransport over a Live Share service: each update is one notification. */
function serviceTransport(service: LiveShareServiceLike): PresenterTransport {
  return {
    send: (update) => service.notify(stateNotification, update),
    onReceive: (receiver) => {
      // Live Share offers no way to remove a notify handler; a flag retires it instead.
      let active = true;
      service.onNotify(stateNotification, (args) => {
        if (active) receiver(args);
      });
      return () => {
        active = false;
      };
    },
  };
}

/**
 * One participant's side of presenter sync, following Live Share's session role: as host it
 * shares the service and publishes the panel's state; as guest it follows the host's panel.
 */
export class PresenterSession implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private roleDisposables: vscode.Disposable[] = [];
  private follower: PresenterFollower | null = null;
  private proxy: LiveShareServiceProxy | null = null;
  private guestUi: UiState = defaultUiState();
  private applying: Promise<void> = Promise.resolve();
  private readonly status = vscode.window.createStatusBarItem('layerLens.presenterSync', vscode.StatusBarAlignment.Left, 50);
  private generation = 0;
  /** The role this session is set up for. */
  role: LiveShareRole = LiveShareRole.None;
  /** Fires after a followed state reached the panel (tests and the status item wait on it). */
  private readonly appliedEmitter = new vscode.EventEmitter<PresenterState>();
  readonly onDidApply = this.appliedEmitter.event;

  constructor(
    private readonly api: LiveShareApi,
    private readonly hooks: PresenterPanelHooks,
    private readonly toggleCommand = 'layerLens.presenterSync.toggleFollow',
  ) {
    this.status.name = 'Layer Lens presenter sync';
    this.disposables.push(
      this.status,
      this.appliedEmitter,
      api.onDidChangeSession(() => void this.onRole()),
      vscode.commands.registerCommand(toggleCommand, () => this.toggleFollow()),
    );
  }

  /** Starts in the current role; resolves when that role is set up. */
  start(): Promise<void> {
    return this.onRole();
  }

  /** True on a guest that is following (not detached). */
  get following(): boolean {
    return this.follower !== null && !this.follower.isDetached;
  }

  /** Guest: stop following, or follow again (jumping to the presenter's latest state). */
  async toggleFollow(): Promise<void> {
    const follower = this.follower;
    if (!follower) return;
    if (!follower.isDetached) follower.detach();
    else {
      follower.attach();
      // Ask for the latest too: notifications sent before we joined never reached us.
      const latest = await this.proxy?.request(latestRequest, []).catch(() => null);
      if (latest) follower.receive(latest);
    }
    this.updateStatus();
  }

  private async onRole(): Promise<void> {
    const generation = ++this.generation;
    this.tearDownRole();
    const role = this.api.session.role;
    this.role = role;
    if (role === LiveShareRole.Host) await this.startHost(generation);
    else if (role === LiveShareRole.Guest) await this.startGuest(generation);
    this.updateStatus();
  }

  private async startHost(generation: number): Promise<void> {
    const service = await this.api.shareService(presenterServiceName);
    if (!service || generation !== this.generation) return;
    const broadcaster = new PresenterBroadcaster(serviceTransport(service), `${this.api.session.id ?? 'session'}:${Date.now()}`);
    service.onRequest(latestRequest, () => broadcaster.latest());
    this.roleDisposables.push(
      this.hooks.onDidChangeUiState(({ ui, document }) => {
        const shared = document ? this.api.convertLocalUriToShared(document.uri).toString() : null;
        broadcaster.publish(presenterStateOf(ui, shared));
      }),
      { dispose: () => void this.api.unshareService(presenterServiceName).catch(() => undefined) },
    );
  }

  private async startGuest(generation: number): Promise<void> {
    const proxy = await this.api.getSharedService(presenterServiceName);
    if (!proxy || generation !== this.generation) return;
    this.proxy = proxy;
    const follower = new PresenterFollower((state) => this.enqueueApply(state));
    this.follower = follower;
    const stopReceiving = serviceTransport(proxy).onReceive((message) => follower.receive(message));
    this.roleDisposables.push(
      { dispose: stopReceiving },
      this.hooks.onDidChangeUiState(({ ui }) => {
        this.guestUi = ui;
      }),
      // The host left mid-session, or stopped sharing the service: keep the last frame, forget its numbering.
      proxy.onDidChangeIsServiceAvailable((available) => {
        if (!available) follower.reset();
        this.updateStatus();
      }),
    );
    if (proxy.isServiceAvailable) {
      const latest = await proxy.request(latestRequest, []).catch(() => null);
      if (latest && generation === this.generation) follower.receive(latest);
    }
  }

  /** Applies followed states one at a time, in arrival order (each opens a document first). */
  private enqueueApply(state: PresenterState): void {
    this.applying = this.applying.then(async () => {
      if (!this.follower || this.follower.isDetached) return;
      // A guest opens only documents the host shares (vsls:), never a URI of its own machine.
      if (state.documentUri !== null && !isSharedDocumentUri(state.documentUri)) return;
      try {
        const document = state.documentUri ? await this.hooks.openDocument(vscode.Uri.parse(state.documentUri)) : null;
        this.guestUi = followPresenter(this.guestUi, state);
        await this.hooks.applyUiState(this.guestUi, document);
        this.appliedEmitter.fire(state);
      } catch {
        // A document the guest cannot open (not shared, or the session just ended) leaves the panel as it was.
      }
    });
  }

  private updateStatus(): void {
    if (!this.follower) {
      this.status.hide();
      return;
    }
    const available = this.proxy?.isServiceAvailable ?? false;
    this.status.text = !available ? '$(debug-disconnect) Layer Lens: no presenter' : this.follower.isDetached ? '$(debug-disconnect) Layer Lens: detached' : '$(broadcast) Layer Lens: following';
    this.status.tooltip = this.follower.isDetached ? 'Follow the presenter’s panel again' : 'Detach from the presenter’s panel and explore on your own';
    this.status.command = this.toggleCommand;
    this.status.show();
  }

  private tearDownRole(): void {
    for (const d of this.roleDisposables.splice(0)) d.dispose();
    this.follower = null;
    this.proxy = null;
  }

  /** Resolves when every followed state received so far has reached the panel. */
  settled(): Promise<void> {
    return this.applying;
  }

  dispose(): void {
    this.generation++;
    this.tearDownRole();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/**
 * Starts presenter sync when Live Share is installed; does nothing (and loads nothing of Live
 * Share) otherwise. Returns whether it started.
 */
export async function registerLiveShare(context: vscode.ExtensionContext, panel: PanelController, log?: vscode.LogOutputChannel): Promise<boolean> {
  if (!vscode.extensions.getExtension(liveShareExtensionId)) return false;
  try {
    const api = await liveShareApi();
    if (!api) return false;
    const session = new PresenterSession(api, panelHooks(panel));
    context.subscriptions.push(session);
    await session.start();
    log?.info('Live Share found: presenter sync is available.');
    return true;
  } catch (error) {
    log?.warn(`Live Share presenter sync did not start: ${(error as Error).message}`);
    return false;
  }
}
