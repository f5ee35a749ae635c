// The panel protocol's guards and the panel HTML: what each side accepts on receipt, and the CSP
// both the extension and the webview tests serve.
import assert from 'node:assert/strict';
import { panelModelAt } from '../../src/analysis/panelModel';
import { makeNonce, panelCsp, panelHtml } from '../../src/shared/panelHtml';
import {
  defaultUiState,
  hostMessageValidators,
  isHostMessage,
  isPanelModel,
  isUiState,
  isWebviewMessage,
  webviewMessageValidators,
} from '../../src/shared/protocol';
import { analysis, attentionModel, cnnModel, waveNetModel } from './panelModelFixtures';

/** A deep copy of `value` with the field at `path` replaced by `replacement`. */
function withField(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(value));
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key];
  at[path[path.length - 1]] = replacement;
  return copy;
}

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

  it('has one validator per message type, and each accepts a well-formed sample', () => {
    const ui = defaultUiState();
    const webviewSamples = {
      ready: { type: 'ready', ui, bootMs: 12 },
      backend: { type: 'backend', backend: 'webgl', note: '' },
      uiState: { type: 'uiState', ui },
      rendered: { type: 'rendered', view: 'attention', layerId: 'attn', ms: 3 },
      reveal: { type: 'reveal', layerId: 'conv1' },
      log: { type: 'log', level: 'error', message: 'x' },
      exported: { type: 'exported', requestId: 1, format: 'svg', data: '<svg/>', error: null },
    };
    const hostSamples = {
      snapshot: { type: 'snapshot', seq: 1, document: { uri: 'file:///m.py', fileName: 'm.py', version: 3 }, model: null, requestedView: 'conv', forceLayer: true },
      setPresenter: { type: 'setPresenter', enabled: false },
      setPlaying: { type: 'setPlaying', playing: true },
      applyUiState: { type: 'applyUiState', ui },
      exportView: { type: 'exportView', requestId: 2, format: 'gif' },
    };
    assert.deepEqual(Object.keys(webviewMessageValidators).sort(), Object.keys(webviewSamples).sort());
    assert.deepEqual(Object.keys(hostMessageValidators).sort(), Object.keys(hostSamples).sort());
    for (const m of Object.values(webviewSamples)) assert.ok(isWebviewMessage(m), JSON.stringify(m));
    for (const m of Object.values(hostSamples)) assert.ok(isHostMessage(m), JSON.stringify(m));
    // A message of one direction is not accepted in the other.
    for (const m of Object.values(webviewSamples)) assert.equal(isHostMessage(m), false, JSON.stringify(m));
    for (const m of Object.values(hostSamples)) assert.equal(isWebviewMessage(m), false, JSON.stringify(m));
  });

  it('drops types that are names of Object.prototype', () => {
    for (const type of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      assert.equal(isHostMessage({ type }), false, type);
      assert.equal(isWebviewMessage({ type }), false, type);
    }
  });

  it('checks a PanelModel down to its nested fields, not only the top level', () => {
    const cnn = JSON.parse(JSON.stringify(panelModelAt(analysis(cnnModel()), 105)));
    const waveNet = JSON.parse(JSON.stringify(panelModelAt(analysis(waveNetModel(2, 3)), 205)));
    const attention = JSON.parse(
      JSON.stringify(panelModelAt(analysis(attentionModel({ kind: 'dot', embedDim: 64, numHeads: 4, headDim: 16, causal: false })), 0)),
    );
    for (const model of [cnn, waveNet, attention]) assert.ok(isPanelModel(model), JSON.stringify(model).slice(0, 200));
    assert.ok(cnn.layers[1].stack.length > 0, 'the CNN fixture has a stack to break');
    assert.ok(waveNet.dilation && waveNet.dilation.rows.length > 0, 'the WaveNet fixture has dilation rows to break');
    const attentionLayer = attention.layers.findIndex((l: { attention: unknown }) => l.attention !== null);
    assert.ok(attentionLayer >= 0, 'the attention fixture has an attention layer to break');
    const broken: [string, unknown, (string | number)[], unknown][] = [
      ['a layer without a span', cnn, ['layers', 0, 'span'], undefined],
      ['a fractional line', cnn, ['layers', 0, 'line'], 1.5],
      ['a geometry kernel of strings', cnn, ['layers', 0, 'geometry', 'kernel'], ['3']],
      ['an unknown geometry kind', cnn, ['layers', 0, 'geometry', 'kind'], 'lstm'],
      ['a channel count that is a string', cnn, ['layers', 0, 'channels', 'out'], '16'],
      ['an input size of strings', cnn, ['layers', 0, 'inputSize'], ['H']],
      ['a stack step without a field', cnn, ['layers', 1, 'stack', 0, 'field'], null],
      ['a field whose size is not numbers', cnn, ['layers', 1, 'stack', 0, 'field', 'size'], 'big'],
      ['a stack step with a null geometry', cnn, ['layers', 1, 'stack', 0, 'geometry'], null],
      ['a dilation row without its kernel', waveNet, ['dilation', 'rows', 0, 'kernel'], undefined],
      ['a dilation formula that is a number', waveNet, ['dilation', 'formula'], 8],
      ['an attention kind the view does not know', attention, ['layers', attentionLayer, 'attention', 'kind'], 'sparse'],
      ['an attention with heads as a string', attention, ['layers', attentionLayer, 'attention', 'numHeads'], '4'],
    ];
    for (const [what, model, path, replacement] of broken) {
      assert.equal(isPanelModel(withField(model, path, replacement)), false, what);
      const snapshot = { type: 'snapshot', seq: 1, document: null, model: withField(model, path, replacement), requestedView: null, forceLayer: false };
      assert.equal(isHostMessage(snapshot), false, `snapshot with ${what}`);
    }
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
