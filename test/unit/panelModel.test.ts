// The panel's view data and index maths: which layer the cursor is on, the stacks and fields taken
// from the core, the WaveNet context, and the footprints the animations draw.
import assert from 'node:assert/strict';
import {
  causalDependencies,
  channelGroupOf,
  diagonalityScore,
  kernelFootprint,
  panelModelAt,
  slidingOutputLength,
  stackField,
  transposedOverlap,
} from '../../src/analysis/panelModel';
import { causalContext, fieldOfStack } from '../../src/analysis/receptiveField';
import type { Geometry } from '../../src/analysis/types';
import { analysis, attentionModel, causal1d, cnnModel, conv2d, model, moduleInfo, waveNetModel } from './panelModelFixtures';

describe('panelModel: the layer under the cursor', () => {
  it('picks the innermost module whose construction span holds the offset', () => {
    const m = panelModelAt(analysis(cnnModel()), 205);
    assert.equal(m?.modelName, 'SmallCNN');
    assert.equal(m?.cursorLayerId, 'conv2');
  });

  it('also finds a layer from its call in forward()', () => {
    const cnn = cnnModel();
    cnn.modules[2].callSpan = { from: 5000, to: 5010 };
    assert.equal(panelModelAt(analysis(cnn), 5003)?.cursorLayerId, 'conv2');
  });

  it('leaves the cursor layer empty on a line without a layer but still returns the model', () => {
    const m = panelModelAt(analysis(cnnModel()), 9999);
    assert.equal(m?.cursorLayerId, null);
    assert.ok(m && m.layers.length > 0);
  });

  it('does not offer layers without a view (Linear) and returns null for a file with nothing to show', () => {
    const m = panelModelAt(analysis(cnnModel()), 605);
    assert.equal(m?.cursorLayerId, null, 'fc has no view');
    assert.ok(!m?.layers.some((l) => l.id === 'fc'));
    assert.equal(panelModelAt(analysis(model('Mlp', [moduleInfo('fc', 'Linear', 1)])), 105), null);
    assert.equal(panelModelAt(analysis(), 0), null);
  });

  it('picks the model that holds the cursor when a file has several', () => {
    const first = model('A', [moduleInfo('c', 'Conv2d', 1, { geometry: conv2d(3) })], 'pytorch', { from: 0, to: 150 });
    const second = model('B', [moduleInfo('c', 'Conv2d', 3, { geometry: conv2d(5) })], 'pytorch', { from: 250, to: 400 });
    assert.equal(panelModelAt(analysis(first, second), 305)?.modelName, 'B');
    assert.equal(panelModelAt(analysis(first, second), 305)?.cursorLayerId, 'c');
  });
});

describe('panelModel: stacks and fields come from the core', () => {
  it('grows the theoretical field layer by layer as fieldOfStack computes it', () => {
    const layers = panelModelAt(analysis(cnnModel()), 0)!.layers;
    const down = layers.find((l) => l.id === 'down')!;
    assert.deepEqual(down.stack.map((s) => s.id), ['conv1', 'conv2', 'pool', 'down']);
    assert.deepEqual(stackField(down), fieldOfStack(down.stack.map((s) => s.geometry)));
    assert.deepEqual(down.stack.map((s) => s.field.size[0]), [3, 5, 6, 14]);
    assert.deepEqual(down.stack[3].field.stride, [4, 4]);
  });

  it('prefers the field the core computed for a module (data flow) over composing in order', () => {
    const cnn = cnnModel();
    cnn.modules[2].receptiveField = { size: [5, 5], stride: [1, 1], padding: [2, 2] };
    const conv2 = panelModelAt(analysis(cnn), 205)!.layers.find((l) => l.id === 'conv2')!;
    assert.deepEqual(conv2.stack[1].field.padding, [2, 2]);
  });

  it('reads channels, groups and a numeric input size', () => {
    const layers = panelModelAt(analysis(cnnModel()), 0)!.layers;
    assert.deepEqual(layers.find((l) => l.id === 'grouped')!.channels, { in: 16, out: 32, groups: 4 });
    assert.deepEqual(layers.find((l) => l.id === 'conv1')!.inputSize, [28, 28]);
    assert.equal(layers.find((l) => l.id === 'conv2')!.inputSize, null);
  });

  it('gives attention layers their dimensions and the attention view', () => {
    const m = panelModelAt(analysis(attentionModel({ kind: 'dot', embedDim: 64, numHeads: 8, headDim: 8, causal: true }, 'SelfAttention')), 105)!;
    assert.equal(m.cursorLayerId, 'attn');
    assert.deepEqual(m.layers[0].views, ['attention']);
    assert.equal(m.layers[0].attention?.numHeads, 8);
    assert.equal(m.layers[0].sequenceLength, 10);
  });
});

describe('panelModel: WaveNet dilation context', () => {
  it('3 layers k=2, d=1,2,4 → 8 samples, written out', () => {
    const stack = panelModelAt(analysis(waveNetModel(1, 3)), 205)!.dilation!;
    assert.equal(stack.context, 8);
    assert.equal(stack.context, causalContext([causal1d(2, 1), causal1d(2, 2), causal1d(2, 4)]));
    assert.equal(stack.formula, '1 + 1·(2−1) + 2·(2−1) + 4·(2−1) = 8');
    assert.equal(stack.blocks, 1);
  });

  it('two blocks → 16 − 1 = 15, with the block context 8', () => {
    const stack = panelModelAt(analysis(waveNetModel(2, 3)), 205)!.dilation!;
    assert.equal(stack.context, 15);
    assert.equal(stack.blocks, 2);
    assert.equal(stack.blockContext, 8);
  });

  it('10 layers × 3 blocks → 3·1024 − 2 = 3070', () => {
    const stack = panelModelAt(analysis(waveNetModel(3, 10)), 205)!.dilation!;
    assert.equal(stack.rows.length, 30);
    assert.equal(stack.context, 3070);
    assert.equal(stack.blocks, 3);
  });

  it('counts a gated pair (filter and gate on the same input) once when the core says they are parallel', () => {
    const wn = waveNetModel(1, 3);
    // Insert a gate beside each filter, with the field the core gives it: the filter's own.
    const withGates = wn.modules.flatMap((m) => {
      if (!m.path.endsWith('.conv')) return [m];
      return [m, { ...m, path: m.path.replace('.conv', '.gate') }];
    });
    let size = 1;
    for (const m of withGates) {
      if (m.path.endsWith('.conv')) size += (m.geometry!.dilation[0] * (m.geometry!.kernel[0] - 1));
      if (m.path.endsWith('.conv') || m.path.endsWith('.gate')) m.receptiveField = { size: [size], stride: [1], padding: [size - 1] };
    }
    const stack = panelModelAt(analysis({ ...wn, modules: withGates }), 205)!.dilation!;
    assert.equal(stack.context, 8);
    assert.equal(stack.rows.length, 3);
  });

  it('has no dilation stack for an undilated, non-causal model', () => {
    assert.equal(panelModelAt(analysis(cnnModel()), 0)!.dilation, null);
  });
});

describe('panelModel: index maths for the animations', () => {
  const g: Geometry = conv2d(3, { stride: 2, padding: 1, dilation: 2 });

  it('kernel footprint: start = o·s − p, taps every d', () => {
    assert.deepEqual(kernelFootprint(g, [0, 2]), [
      [-1, 1, 3],
      [3, 5, 7],
    ]);
  });

  it('output length matches PyTorch (and causal padding pads one side)', () => {
    assert.equal(slidingOutputLength(g, 0, 10), 4);
    assert.equal(slidingOutputLength(causal1d(2, 4), 0, 16), 16);
    assert.equal(slidingOutputLength({ kind: 'convTranspose', kernel: [3], stride: [2], padding: [0], dilation: [1] }, 0, 3), 7);
  });

  it('transposed overlap counts: kernel 3, stride 2 gives the 1 1 2 1 2 1 1 checkerboard; kernel 4 is even inside', () => {
    assert.deepEqual(transposedOverlap({ kind: 'convTranspose', kernel: [3], stride: [2], padding: [0], dilation: [1] }, 0, 3), [1, 1, 2, 1, 2, 1, 1]);
    const even = transposedOverlap({ kind: 'convTranspose', kernel: [4], stride: [2], padding: [1], dilation: [1] }, 0, 4);
    // Only the borders differ: the interior is even, no checkerboard.
    assert.deepEqual(even, [1, 2, 2, 2, 2, 2, 2, 1]);
  });

  it('causal dependencies of the tutorial diagram: output 7 reads inputs 0…7', () => {
    const rows = [1, 2, 4].map((d) => ({ kernel: 2, dilation: d }));
    const deps = causalDependencies(rows, 7);
    assert.deepEqual(deps[0], [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(deps[2], [3, 7]);
    assert.deepEqual(deps[3], [7]);
    // The number of inputs one output reads equals the core's causal context.
    assert.equal(deps[0].length, causalContext(rows.map((r) => causal1d(2, r.dilation))));
  });

  it('grouped channels: output channel o reads its group only', () => {
    assert.deepEqual(channelGroupOf(16, 32, 4, 0), [0, 4]);
    assert.deepEqual(channelGroupOf(16, 32, 4, 9), [4, 8]);
    assert.deepEqual(channelGroupOf(16, 32, 4, 31), [12, 16]);
  });

  it('diagonality: 1 for a perfect diagonal, low for uniform attention', () => {
    const eye = Array.from({ length: 20 }, (_, t) => Array.from({ length: 20 }, (_, j) => (t === j ? 1 : 0)));
    assert.equal(diagonalityScore(eye), 1);
    const uniform = Array.from({ length: 20 }, () => new Array(20).fill(1 / 20));
    assert.ok(diagonalityScore(uniform) < 0.3);
    const reversed = eye.map((r) => [...r].reverse());
    assert.ok(diagonalityScore(reversed) < 0.2);
  });
});
