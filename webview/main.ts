// Entry point of the panel app: define the elements, start tfjs, and tell the extension we are
// ready. Data arrives only by message after `ready` (ARCHITECTURE.md, invariant 4).
import './components/llApp';
import type { LlApp } from './components/llApp';
import { onHostMessage, post, restoredUiState } from './host';
import type { BackendName } from '../src/shared/protocol';
import { initBackend, tf } from './render/tfBackend';

const app = document.querySelector('ll-app') as LlApp | null;
if (app) {
  const ui = restoredUiState();
  let backendStarted!: (b: Promise<{ backend: BackendName; note: string }>) => void;
  const backend = new Promise<{ backend: BackendName; note: string }>((resolve) => (backendStarted = (b) => void b.then(resolve)));
  app.start(ui, backend);
  onHostMessage((message) => app.receive(message));
  // The app's state, not the saved one: a panel saved while playing restarts paused.
  post({ type: 'ready', ui: app.uiState, bootMs: performance.now() });
  // tfjs starts after `ready` is out: probing WebGL can take a while, and snapshots queue until then.
  backendStarted(initBackend());
  void backend.then((b) => post({ type: 'backend', backend: b.backend, note: b.note }));
  // Read-only hooks for the webview tests (tensor count, backend, the values a view computed).
  Object.defineProperty(window, 'layerLensDebug', {
    value: Object.freeze({
      numTensors: () => tf.memory().numTensors,
      backend: () => tf.getBackend(),
      app,
    }),
  });
}
