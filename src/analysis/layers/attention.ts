// MultiheadAttention: queries (L) attend over keys and values (S). It returns the tuple
// `(output, weights)`: output shaped like the query, weights (N,L,S) averaged over heads, or
// (N,heads,L,S), or None with need_weights=False. Notation: notation.ts's attentionNotation.

import { linearSpecs } from './linear';
import { attentionNotation } from '../notation';
import { addDim, floorDivDim, formatDim, isKnown, type Dim } from '../shapes';
import { type LayerConfig, type LayerSpec } from './layerSpec';
import {
  NONE_VALUE,
  UNKNOWN_VALUE,
  boolArg,
  childConfig,
  constArg,
  dimArg,
  expectDim,
  firstTensor,
  intArg,
  knownProduct,
  layerLabel,
  safeCount,
  numArg,
  shapeText,
  tensorArg,
  tensorOf,
  tupleOf,
} from './ruleHelpers';

/** Key and value feature sizes: kdim/vdim, or embed_dim when None. */
function kvDims(cfg: LayerConfig): { embed: Dim; kdim: Dim; vdim: Dim } {
  const embed = dimArg(cfg.embed_dim);
  return {
    embed,
    kdim: cfg.kdim === null || cfg.kdim === undefined ? embed : dimArg(cfg.kdim),
    vdim: cfg.vdim === null || cfg.vdim === undefined ? embed : dimArg(cfg.vdim),
  };
}

/** Parameters registered on the attention module itself (everything but out_proj). */
function ownAttentionParams(cfg: LayerConfig): number | null {
  const { embed, kdim, vdim } = kvDims(cfg);
  const bias = boolArg(cfg.bias);
  const biasKv = boolArg(cfg.add_bias_kv);
  if (!isKnown(embed) || !isKnown(kdim) || !isKnown(vdim) || bias === null || biasKv === null) return null;
  // One packed in_proj_weight when keys and values share the query size; three otherwise.
  const projections = embed * embed + embed * kdim + embed * vdim;
  return safeCount(projections + (bias ? 3 * embed : 0) + (biasKv ? 2 * embed : 0));
}

/** The out-projection is a linear layer: the only child this family creates. */
function linearLayer(_framework: string, name: string): LayerSpec | undefined {
  return linearSpecs.find((spec) => spec.name === name);
}

function outProjConfig(cfg: LayerConfig): LayerConfig {
  const embed = cfg.embed_dim ?? null;
  return childConfig(linearLayer, 'NonDynamicallyQuantizableLinear', { in_features: embed, out_features: embed, bias: cfg.bias ?? true });
}

const multiheadAttention: LayerSpec = {
  name: 'MultiheadAttention',
  framework: 'pytorch',
  family: 'attention',
  inputSize: { param: 'embed_dim', axis: 'last' },
  signature: [
    { name: 'embed_dim' },
    { name: 'num_heads' },
    { name: 'dropout', default: 0.0 },
    { name: 'bias', default: true },
    { name: 'add_bias_kv', default: false },
    { name: 'add_zero_attn', default: false },
    { name: 'kdim', default: null },
    { name: 'vdim', default: null },
    { name: 'batch_first', default: false },
    { name: 'device', default: null },
    { name: 'dtype', default: null },
  ],
  validate(cfg, ctx) {
    const embed = intArg(cfg.embed_dim);
    const heads = intArg(cfg.num_heads);
    if (heads !== null && heads <= 0) ctx.invalid(`MultiheadAttention: num_heads must be positive but got ${heads}`);
    else if (embed !== null && heads !== null && embed % heads !== 0) ctx.invalid(`MultiheadAttention: embed_dim (${embed}) must be divisible by num_heads (${heads})`);
    const p = numArg(cfg.dropout);
    if (p !== null && (p < 0 || p > 1)) ctx.invalid(`MultiheadAttention: dropout probability has to be between 0 and 1, but got ${p}`);
  },
  forward(cfg, args, kwargs, ctx) {
    const q = tensorArg(args, kwargs, 0, 'query');
    const k = tensorArg(args, kwargs, 1, 'key');
    const v = tensorArg(args, kwargs, 2, 'value');
    if (!q || !k || !v) return UNKNOWN_VALUE;
    const label = layerLabel(multiheadAttention, cfg);
    const rank = q.shape.length;
    if ((rank !== 2 && rank !== 3) || k.shape.length !== rank || v.shape.length !== rank) {
      ctx.mismatch(`${label} expects query, key and value all 3-D (batched) or all 2-D (unbatched) but got ${shapeText(q.shape)}, ${shapeText(k.shape)}, ${shapeText(v.shape)}`);
      return UNKNOWN_VALUE;
    }
    const { embed, kdim, vdim } = kvDims(cfg);
    const last = (s: readonly Dim[]) => s[s.length - 1];
    expectDim(last(q.shape), embed, `${label} expects queries with embedding dimension ${formatDim(embed)} but got ${formatDim(last(q.shape))}`, ctx);
    expectDim(last(k.shape), kdim, `${label} expects keys with ${formatDim(kdim)} features but got ${formatDim(last(k.shape))}`, ctx);
    expectDim(last(v.shape), vdim, `${label} expects values with ${formatDim(vdim)} features but got ${formatDim(last(v.shape))}`, ctx);
    const batchFirst = rank === 3 && boolArg(cfg.batch_first) === true;
    const seqAxis = rank === 2 ? 0 : batchFirst ? 1 : 0;
    const batchAxis = rank === 2 ? -1 : batchFirst ? 0 : 1;
    const L = q.shape[seqAxis];
    const S = k.shape[seqAxis];
    expectDim(v.shape[seqAxis], S, `${label}: keys ${shapeText(k.shape)} and values ${shapeText(v.shape)} must have the same sequence length`, ctx);
    if (batchAxis >= 0) {
      const n = q.shape[batchAxis];
      expectDim(k.shape[batchAxis], n, `${label}: query ${shapeText(q.shape)} and key ${shapeText(k.shape)} must have the same batch size`, ctx);
      expectDim(v.shape[batchAxis], n, `${label}: query ${shapeText(q.shape)} and value ${shapeText(v.shape)} must have the same batch size`, ctx);
    }
    const output = tensorOf([...q.shape.slice(0, -1), embed], q.dtype);
    const needWeights = constArg(args, kwargs, 4, 'need_weights');
    if (needWeights === false) return tupleOf(output, NONE_VALUE);
    // Extra key positions: one learned bias row, one zero row.
    let keys = S;
    if (boolArg(cfg.add_bias_kv) === true) keys = addDim(keys, 1);
    if (boolArg(cfg.add_zero_attn) === true) keys = addDim(keys, 1);
    const average = constArg(args, kwargs, 6, 'average_attn_weights');
    const heads = dimArg(cfg.num_heads);
    const perHead = average === false ? [heads] : [];
    const weights = batchAxis >= 0 ? [q.shape[batchAxis], ...perHead, L, keys] : [...perHead, L, keys];
    return tupleOf(output, tensorOf(weights, q.dtype));
  },
  params(cfg) {
    const own = ownAttentionParams(cfg);
    const out = knownProduct([dimArg(cfg.embed_dim), addDim(dimArg(cfg.embed_dim), boolArg(cfg.bias) === false ? 0 : 1)]);
    return own === null || out === null ? null : own + out;
  },
  ownParams: (cfg) => ownAttentionParams(cfg),
  children: (cfg) => [{ name: 'out_proj', layer: 'NonDynamicallyQuantizableLinear', config: outProjConfig(cfg) }],
  attention(cfg) {
    const embed = intArg(cfg.embed_dim);
    const heads = intArg(cfg.num_heads);
    return { kind: 'dot', embedDim: embed, numHeads: heads, headDim: embed !== null && heads ? Math.floor(embed / heads) : null, causal: false, batchFirst: cfg.batch_first === true };
  },
  notation(cfg, inputs, output) {
    const q = firstTensor(inputs[0]);
    const k = firstTensor(inputs[1]);
    const v = firstTensor(inputs[2]);
    const y = firstTensor(output);
    if (!q || !k || !v || !y) return null;
    return attentionNotation(q.shape, k.shape, v.shape, y.shape, floorDivDim(dimArg(cfg.embed_dim), dimArg(cfg.num_heads)));
  },
  formula(cfg) {
    const embed = dimArg(cfg.embed_dim);
    const heads = dimArg(cfg.num_heads);
    return `head_dim = ${formatDim(embed)}/${formatDim(heads)} = ${formatDim(floorDivDim(embed, heads))}; Attention(Q,K,V) = softmax(Q·Kᵀ/√${formatDim(floorDivDim(embed, heads))})·V`;
  },
  macs(cfg, inputs) {
    const q = firstTensor(inputs[0]);
    const k = firstTensor(inputs[1]);
    if (!q || !k || q.shape.length !== 3 || k.shape.length !== 3) return null;
    const batchFirst = boolArg(cfg.batch_first) === true;
    const [n, L] = batchFirst ? [q.shape[0], q.shape[1]] : [q.shape[1], q.shape[0]];
    const S = batchFirst ? k.shape[1] : k.shape[0];
    const { embed, kdim, vdim } = kvDims(cfg);
    const parts = [
      knownProduct([n, L, embed, embed]),
      knownProduct([n, S, kdim, embed]),
      knownProduct([n, S, vdim, embed]),
      // Scores Q·Kᵀ and the weighted sum of values, across all heads together.
      knownProduct([n, L, S, embed]),
      knownProduct([n, L, S, embed]),
      knownProduct([n, L, embed, embed]),
    ];
    return parts.every((p) => p !== null) ? (parts as number[]).reduce((a, b) => a + b, 0) : null;
  },
};

/** The attention family's entries. */
export const attentionSpecs: readonly LayerSpec[] = [multiheadAttention];
