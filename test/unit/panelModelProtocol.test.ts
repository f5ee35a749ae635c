// The panel protocol's guards and the panel HTML: what each side accepts on receipt, and the CSP
// both the extension and the webview tests serve.
import assert from 'node:assert/strict';
import { panelModelAt } from '../../src/analysis/panelModel';
import { makeNonce, panelCsp, panelHtml } from '../../src/shared/panelHtml';
import { defaultUiState, isHostMessage, isUiState, isWebviewMessage } from '../../src/shared/protocol';
import { analysis, cnnModel, waveNetModel } from './panelModelFixtures';

describe('panel protocol: validation on receipt', () => {
  it('accepts every well-formed webview message', () => {
    const ui = defaultUiState();
    for (const m of [
      { type: 'ready', ui, bootMs: 12 },
      { type: 'backend', backend: 'cpu', note: 'no WebGL' },
      { type: 'uiState', ui },
      { type: 'rendered', view: 'conv', layerId: null, ms: 3 },
      { type: 'reveal', layerId: 'conv1' },
      { type: 'log', level: 'warn', message: 'x' },
    ]) {
      assert.ok(isWebviewMessage(m), JSON.stringify(m));
    }
  });

  it('drops malformed and hostile webview messages', () => {
    for (const m of [null, 'ready', [], { type: 'ready' }, { type: 'eval', code: '1' }, { type: 'backend', backend: 'wasm', note: '' }, { type: 'uiState', ui: { ...defaultUiState(), speed: Infinity } }, { type: 'log', level: 'fatal', message: 'x' }, { type: 'reveal', layerId: 'x'.repeat(5000) }]) {
      assert.equal(isWebviewMessage(m), false, JSON.stringify(m)?.slice(0, 80));
    }
  });

  it('accepts real snapshots built by panelModelAt, rejects broken ones', () => {
    for (const model of [panelModelAt(analysis(cnnModel()), 105), panelModelAt(analysis(waveNetModel(2, 3)), 205), null]) {
      assert.ok(isHostMessage(JSON.parse(JSON.stringify({ type: 'snapshot', seq: 1, document: null, model, requestedView: null, forceLayer: false }))));
    }
    assert.equal(isHostMessage({ type: 'snapshot', seq: 1, document: null, model: { modelName: 1 }, requestedView: null, forceLayer: false }), false);
    assert.equal(isHostMessage({ type: 'snapshot', seq: 1, document: null, model: null, requestedView: 'html', forceLayer: false }), false);
    assert.ok(isHostMessage({ type: 'setPresenter', enabled: true }));
    assert.ok(isHostMessage({ type: 'setPlaying', playing: false }));
    assert.equal(isHostMessage({ type: 'setPlaying', playing: 'yes' }), false);
  });

  it('UI state: the defaults are valid and follow the cursor', () => {
    assert.ok(isUiState(defaultUiState()));
    assert.equal(defaultUiState().followCursor, true);
    assert.equal(isUiState({ ...defaultUiState(), step: -1 }), false);
  });
});

describe('panel HTML', () => {
  it('uses a nonce script, no eval, no inline handlers or styles, and nothing from user files', () => {
    const nonce = makeNonce();
    assert.match(nonce, /^[A-Za-z0-9_-]{22}$/);
    assert.notEqual(nonce, makeNonce());
    const html = panelHtml({ scriptUri: 'https://x/main.js', styleUri: 'https://x/panel.css', cspSource: 'https://x', nonce });
    const csp = panelCsp('https://x', nonce);
    assert.ok(html.includes(csp.replace(/'/g, "'")));
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, new RegExp(`script-src 'nonce-${nonce}'`));
    assert.doesNotMatch(csp, /unsafe-eval|unsafe-inline/);
    assert.doesNotMatch(html, /\son[a-z]+=/i);
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.throws(() => panelHtml({ scriptUri: 'a', styleUri: 'b', cspSource: 'c', nonce: "x' 'unsafe-eval" }));
  });
});
