// The only file that touches acquireVsCodeApi: it posts typed messages, validates what arrives,
// and keeps the persisted UI state. Everything else in the webview talks to this module.
import { defaultUiState, isHostMessage, isUiState, type HostMessage, type UiState, type WebviewMessage } from '../src/shared/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api: VsCodeApi = acquireVsCodeApi();

/** Sends one message to the extension. */
export function post(message: WebviewMessage): void {
  api.postMessage(message);
}

/** The UI state restored from a previous session of this panel, or the defaults. */
export function restoredUiState(): UiState {
  const saved = api.getState();
  return isUiState(saved) ? saved : defaultUiState();
}

/** Persists the UI state (and only that) so a reload or the serializer restores it. */
export function persistUiState(ui: UiState): void {
  api.setState(ui);
}

/** Calls `handler` for every valid message from the extension; malformed ones are dropped and logged. */
export function onHostMessage(handler: (message: HostMessage) => void): void {
  window.addEventListener('message', (event: MessageEvent) => {
    const data: unknown = event.data;
    if (!isHostMessage(data)) {
      const kind = typeof data === 'object' && data !== null ? String((data as { type?: unknown }).type).slice(0, 40) : typeof data;
      post({ type: 'log', level: 'warn', message: `dropped a malformed message (type ${kind})` });
      return;
    }
    handler(data);
  });
}
