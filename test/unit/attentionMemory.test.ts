// The attention view computes and keeps only the heads it draws, and refuses maps beyond the
// panel's tensor cap (issue 19, item 6): a layer with thousands of heads cannot make the panel
// allocate heads × display² floats. tfjs runs here on its CPU backend.
import assert from 'node:assert/strict';

// The webview's modules are loaded untyped: their types need the DOM library, which the unit tests'
// project leaves out on purpose (the editor side must not use DOM types).
interface AttentionRunLike {
  heads: number;
  display: number;
  maps: Float32Array[];
}
const { runSelfAttention } = require('../../webview/render/attentionCompute') as {
  runSelfAttention(o: { tokens: string[]; embedDim: number; numHeads: number; causal: boolean; seed: number; headsDrawn?: number }): Promise<AttentionRunLike>;
};
const { MAX_TENSOR_ELEMENTS, TensorCapError, tf } = require('../../webview/render/tfBackend') as {
  MAX_TENSOR_ELEMENTS: number;
  TensorCapError: new () => Error;
  tf: { setBackend(name: string): Promise<boolean>; ready(): Promise<void> };
};

describe('attention view memory (issue 19)', function () {
  this.timeout(60_000);
  before(async () => {
    await tf.setBackend('cpu');
    await tf.ready();
  });

  const tokens = Array.from({ length: 256 }, (_, i) => `t${i}`);

  it('computes only the heads drawn', async () => {
    const run = await runSelfAttention({ tokens, embedDim: 64, numHeads: 64, causal: false, seed: 1, headsDrawn: 8 });
    assert.equal(run.heads, 64);
    assert.equal(run.maps.length, 8);
    assert.ok(run.maps.length * run.display * run.display <= MAX_TENSOR_ELEMENTS);
    // Every row of a drawn map is a softmax: it sums to one.
    const row = run.maps[7].subarray(0, run.display);
    assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-3);
  });

  it('refuses maps of all heads beyond the tensor cap', async () => {
    await assert.rejects(runSelfAttention({ tokens, embedDim: 64, numHeads: 64, causal: false, seed: 1 }), TensorCapError);
  });
});
