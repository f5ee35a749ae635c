// Live Share (issue 19, item 5): a presenter update is held to the UI state's bounds, and a guest
// opens only shared (vsls:) documents on the host's word.
import assert from 'node:assert/strict';
import { isPresenterUpdate, isSharedDocumentUri, type PresenterUpdate } from '../../src/shared/presenterSync';
import { UI_STATE_BOUNDS } from '../../src/shared/protocol';

const valid: PresenterUpdate = {
  type: 'presenterState',
  session: 's',
  seq: 1,
  state: { documentUri: 'vsls:/wavenet.py', layerId: 'layers.0', view: 'conv', step: 3, playing: false, sample: { tokens: 'a b', sequenceLength: 12, unit: [1, 2] } },
};

/** The valid update with some of its state replaced. */
function withState(change: Record<string, unknown>, sample: Record<string, unknown> = {}): unknown {
  return { ...valid, state: { ...valid.state, ...change, sample: { ...valid.state.sample, ...sample } } };
}

describe('presenter update bounds (issue 19)', () => {
  it('accepts a state within the UI bounds', () => {
    assert.ok(isPresenterUpdate(valid));
    assert.ok(isPresenterUpdate(withState({}, { tokens: 'x'.repeat(UI_STATE_BOUNDS.tokensChars), sequenceLength: UI_STATE_BOUNDS.maxSequenceLength })));
  });

  it('rejects fields beyond the bounds a UI state from the webview has', () => {
    const oversized: [string, unknown][] = [
      ['tokens', withState({}, { tokens: 'x'.repeat(UI_STATE_BOUNDS.tokensChars + 1) })],
      ['sequence length', withState({}, { sequenceLength: UI_STATE_BOUNDS.maxSequenceLength + 1 })],
      ['zero sequence length', withState({}, { sequenceLength: 0 })],
      ['unit axes', withState({}, { unit: new Array(1_000_000).fill(0) })],
      ['layer id', withState({ layerId: 'l'.repeat(UI_STATE_BOUNDS.layerIdChars + 1) })],
      ['document URI', withState({ documentUri: `vsls:/${'d'.repeat(5000)}` })],
      ['step', withState({ step: UI_STATE_BOUNDS.maxStep + 1 })],
    ];
    for (const [what, update] of oversized) assert.ok(!isPresenterUpdate(update), what);
  });

  it('lets a guest open only shared documents', () => {
    assert.ok(isSharedDocumentUri('vsls:/src/net.py'));
    for (const uri of ['file:///etc/passwd', 'untitled:Untitled-1', 'command:workbench.action.terminal.new', 'https://attacker.example/x.py', 'vscode-remote://x/etc/passwd', `vsls:/${'a'.repeat(5000)}`]) {
      assert.ok(!isSharedDocumentUri(uri), uri);
    }
  });
});
