// Catalogue rules on symbolic dimensions (N, T, H, W, C): symbols stay symbols, expressions are
// the convolution arithmetic written out, mismatches are reported only when they are certain,
// and parameter counts are null when a size is symbolic. Also the notation and formula lines.

import assert from 'node:assert/strict';
import { bindConfig, lookupLayer } from '../../src/analysis/layers/catalogue';
import type { ConfigValue, LayerValue } from '../../src/analysis/layers/catalogue';
import { convOutputLength, convTransposeOutputLength, poolOutputLength } from '../../src/analysis/layers/convArithmetic';
import { formatDim, formatShape, symDim, type Dim } from '../../src/analysis/shapes';

const N = symDim('N');
const T = symDim('T');
const H = symDim('H');
const W = symDim('W');
const C = symDim('C');

function tensor(shape: Dim[], dtype: 'float' | 'long' = 'float'): LayerValue {
  return { kind: 'tensor', shape, dtype };
}

function shapes(v: LayerValue): string {
  if (v.kind === 'tensor') return formatShape(v.shape);
  if (v.kind === 'tuple') return `[${v.items.map(shapes).join(', ')}]`;
  return v.kind;
}

function call(layer: string, args: ConfigValue[], kwargs: Record<string, ConfigValue>, inputs: LayerValue[], callKwargs: Record<string, LayerValue> = {}) {
  const spec = lookupLayer('pytorch', layer);
  assert.ok(spec);
  const { config } = bindConfig(spec, args, kwargs);
  const findings: string[] = [];
  const ctx = { mismatch: (m: string) => findings.push(m), invalid: (m: string) => findings.push(m), gap: () => undefined };
  spec.validate?.(config, ctx);
  const output = spec.forward(config, inputs, callKwargs, ctx);
  return {
    out: shapes(output),
    findings,
    params: spec.params(config, inputs),
    notation: spec.notation?.(config, inputs, output) ?? null,
    formula: spec.formula?.(config, inputs, output) ?? null,
    geometry: spec.geometry?.(config, inputs) ?? null,
  };
}

describe('catalogue rules on symbolic dimensions', () => {
  it('keeps a valid 1-D convolution as T-2', () => {
    const r = call('Conv1d', [1, 1, 3], {}, [tensor([N, 1, T])]);
    assert.equal(r.out, '(N,1,T-2)');
    assert.deepEqual(r.findings, []);
  });

  it('writes a strided convolution as (H+1)//2 (⌊(H−1)/2⌋+1 with the constant folded in)', () => {
    assert.equal(call('Conv2d', [3, 8, 3], { stride: 2, padding: 1 }, [tensor([N, 3, H, W])]).out, '(N,8,(H+1)//2,(W+1)//2)');
  });

  it("keeps the length with padding='same', also for even kernels", () => {
    assert.equal(call('Conv1d', [4, 4, 4], { padding: 'same' }, [tensor([N, 4, T])]).out, '(N,4,T)');
  });

  it('doubles the length in a transposed convolution with kernel 4, stride 2, padding 1', () => {
    assert.equal(call('ConvTranspose1d', [8, 4, 4], { stride: 2, padding: 1 }, [tensor([N, 8, T])]).out, '(N,4,2*T)');
  });

  it('pools with floor and, when it cannot drop a window, with ceil', () => {
    assert.equal(call('MaxPool2d', [3], { stride: 2, padding: 1 }, [tensor([N, C, H, W])]).out, '(N,C,(H+1)//2,(W+1)//2)');
    assert.equal(call('MaxPool2d', [2], { ceil_mode: true }, [tensor([N, C, H, W])]).out, '(N,C,(H+1)//2,(W+1)//2)');
    // Kernel 1, stride 2 with ceil_mode can drop the last window, so a symbolic length is not known.
    assert.equal(call('MaxPool1d', [1], { stride: 2, ceil_mode: true }, [tensor([N, C, T])]).out, '(N,C,?)');
  });

  it('applies Linear to the last axis of any rank', () => {
    const r = call('Linear', [64, 2], {}, [tensor([N, T, 64])]);
    assert.equal(r.out, '(N,T,2)');
    assert.equal(r.notation, '(N,T,64)·(64,2)=(N,T,2)');
    assert.equal(r.params, 130);
  });

  it('reports a certain feature mismatch in the tutorial notation', () => {
    const r = call('Linear', [32, 2], {}, [tensor([N, 64])]);
    assert.deepEqual(r.findings, ['Linear(32, 2) expects 32 input features but got 64']);
    assert.equal(r.notation, '(N,64)·(32,2)=(N,2)');
  });

  it('only assumes, never reports, when a symbol could be the expected size', () => {
    const r = call('Linear', [32, 2], {}, [tensor([N, symDim('D')])]);
    assert.deepEqual(r.findings, []);
    assert.equal(r.out, '(N,2)');
  });

  it('gives no parameter count when a size is symbolic', () => {
    assert.equal(call('Linear', [symDim('D'), 2], {}, [tensor([N, symDim('D')])]).params, null);
    assert.equal(call('Conv2d', [C, 8, 3], {}, [tensor([N, C, H, W])]).params, null);
  });

  it('reports a certain channel mismatch with symbolic spatial sizes', () => {
    const r = call('Conv2d', [3, 8, 3], {}, [tensor([N, 1, H, W])]);
    assert.deepEqual(r.findings, ['Conv2d(3, 8, 3) expects 3 input channels but got 1 (input (N,1,H,W))']);
  });

  it('does not claim a kernel is too large for a symbolic input', () => {
    assert.deepEqual(call('Conv2d', [3, 8, 300], {}, [tensor([N, 3, H, W])]).findings, []);
  });

  it('follows recurrent layers with batch_first and symbolic batch and time', () => {
    assert.equal(call('LSTM', [10, 20], { batch_first: true }, [tensor([N, T, 10])]).out, '[(N,T,20), [(1,N,20), (1,N,20)]]');
    assert.equal(call('GRU', [10, 20, 2], { bidirectional: true }, [tensor([T, N, 10])]).out, '[(T,N,40), (4,N,20)]');
  });

  it('gives attention weights (N,T,T) for self-attention and None without weights', () => {
    const x = tensor([N, T, 16]);
    assert.equal(call('MultiheadAttention', [16, 4], { batch_first: true }, [x, x, x]).out, '[(N,T,16), (N,T,T)]');
    const noWeights = call('MultiheadAttention', [16, 4], { batch_first: true }, [x, x, x], { need_weights: { kind: 'const', value: false } });
    assert.equal(noWeights.out, '[(N,T,16), none]');
  });

  it('keeps fractional scale factors exact: ⌊1.5·H⌋ = (3*H)//2', () => {
    assert.equal(call('Upsample', [], { scale_factor: 1.5 }, [tensor([N, C, H, W])]).out, '(N,C,(3*H)//2,(3*W)//2)');
  });

  it('flattens symbolic axes into their product', () => {
    assert.equal(call('Flatten', [], {}, [tensor([N, C, H, W])]).out, '(N,C*H*W)');
  });

  it('embeds token ids and rejects float input', () => {
    assert.equal(call('Embedding', [100, 16], {}, [tensor([N, T], 'long')]).out, '(N,T,16)');
    assert.equal(call('Embedding', [100, 16], {}, [tensor([N, T])]).findings.length, 1);
  });
});

describe('catalogue notation and formulas', () => {
  it('writes a convolution with its kernel bank and stride', () => {
    const r = call('Conv2d', [3, 64, 7], { stride: 2, padding: 3 }, [tensor([N, 3, 224, 224])]);
    assert.equal(r.notation, '(N,3,224,224) ⊛ (64,3,7,7)/2 → (N,64,112,112)');
    assert.equal(r.formula, 'H_out = ⌊(224 + 2·3 − 1·(7−1) − 1)/2⌋ + 1 = 112; W_out = ⌊(224 + 2·3 − 1·(7−1) − 1)/2⌋ + 1 = 112');
  });

  it('writes pools, transposed and dilated convolutions, recurrences and attention in one style', () => {
    assert.equal(call('MaxPool2d', [3], { stride: 2, padding: 1 }, [tensor([N, 64, 112, 112])]).notation, '(N,64,112,112) ⊛ max 3×3/2 → (N,64,56,56)');
    assert.equal(call('ConvTranspose1d', [8, 4, 4], { stride: 2, padding: 1 }, [tensor([N, 8, T])]).notation, '(N,8,T) ⊛ᵀ (8,4,4)×2 → (N,4,2*T)');
    assert.equal(call('Conv1d', [8, 16, 2], { dilation: 4 }, [tensor([1, 8, 100])]).notation, '(1,8,100) ⊛ (16,8,2)@4 → (1,16,96)');
    assert.equal(
      call('LSTM', [80, 256, 2], { batch_first: true, bidirectional: true }, [tensor([N, T, 80])]).notation,
      '(N,T,80) ⟳ bi-LSTM×2(80→256) → (N,T,512), h_n (4,N,256)',
    );
    const x = tensor([N, T, 256]);
    assert.equal(call('MultiheadAttention', [256, 4], { batch_first: true }, [x, x, x]).notation, 'softmax(QKᵀ/√64)V: (N,T,256)·(N,256,T)·(N,T,256) → (N,T,256)');
  });

  it('substitutes numbers in the 1-D formula', () => {
    assert.equal(call('Conv1d', [1, 1, 3], {}, [tensor([1, 1, 100])]).formula, 'L_out = ⌊(100 + 2·0 − 1·(3−1) − 1)/1⌋ + 1 = 98');
  });

  it('gives geometry for receptive fields, resolving padding=same', () => {
    assert.deepEqual(call('Conv1d', [2, 2, 2], { dilation: 4, padding: 'same' }, [tensor([1, 2, 16])]).geometry, {
      kind: 'conv',
      kernel: [2],
      stride: [1],
      padding: [2],
      dilation: [4],
      groups: 1,
    });
    assert.deepEqual(call('MaxPool2d', [3], { stride: 2, padding: 1 }, [tensor([1, 2, 8, 8])]).geometry, {
      kind: 'pool',
      kernel: [3, 3],
      stride: [2, 2],
      padding: [1, 1],
      dilation: [1, 1],
    });
    assert.deepEqual(call('AdaptiveAvgPool2d', [1], {}, [tensor([1, 2, 7, 7])]).geometry?.kernel, [7, 7]);
    assert.equal(call('AdaptiveAvgPool2d', [3], {}, [tensor([1, 2, 7, 7])]).geometry, null);
  });
});

describe('convolution arithmetic helpers', () => {
  it('match PyTorch’s documented formulas on integers', () => {
    assert.equal(convOutputLength(224, 7, 2, 3), 112);
    assert.equal(convOutputLength(16, 2, 1, 4, 4), 20);
    assert.equal(convTransposeOutputLength(5, 3, 3, 0, 2, 1), 18);
    assert.equal(poolOutputLength(5, 2, 2, 1, 1, true), 3);
    assert.equal(poolOutputLength(17, 4, 3, 2, 1, true), 7);
  });

  it('stay symbolic on symbols', () => {
    assert.equal(formatDim(convOutputLength(T, 3)), 'T-2');
    assert.equal(formatDim(convTransposeOutputLength(T, 4, 2, 1)), '2*T');
  });
});
