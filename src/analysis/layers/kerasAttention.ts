// Keras's attention layers: MultiHeadAttention, Attention (Luong dot-product) and
// AdditiveAttention (Bahdanau). tfjs-layers 4.x has none of them, so they are Keras entries only.

import { addDim, compareDims, formatDim, formatShape, mulDim, type Dim } from '../shapes';
import { attentionNotation } from '../notation';
import type { LayerValue } from './layerSpec';
import { constArg, dimArg, tensorArg, tensorOf, tupleOf, UNKNOWN_VALUE } from './ruleHelpers';
import { exact, firstOutput, flag, inputTensors, type KerasCall, type KerasLayerDef, sumCounts } from './kerasDefinitions';

/** Whether a call asked for its attention scores (`return_attention_scores=True`). */
function wantsScores(kwargs: Record<string, LayerValue>): boolean {
  return constArg([], kwargs, 0, 'return_attention_scores') === true;
}

function lastDim(shape: readonly Dim[]): Dim {
  return shape[shape.length - 1];
}

/** Query, value and key of a MultiHeadAttention call: `mha(query, value, key=None)`. */
function mhaInputs(args: LayerValue[], kwargs: Record<string, LayerValue>) {
  const query = tensorArg(args, kwargs, 0, 'query');
  const value = tensorArg(args, kwargs, 1, 'value');
  const key = tensorArg(args, kwargs, 2, 'key') ?? value;
  return { query, value, key };
}

const multiHeadAttention: KerasLayerDef = {
  className: 'MultiHeadAttention',
  keras: 'MultiHeadAttention',
  tfjs: null,
  family: 'attention',
  signature: [
    { name: 'num_heads' },
    { name: 'key_dim' },
    { name: 'value_dim', default: null },
    { name: 'dropout', default: 0 },
    { name: 'use_bias', default: true },
    { name: 'output_shape', default: null },
    { name: 'attention_axes', default: null },
  ],
  forward: (call: KerasCall, args, kwargs) => {
    const { query, value, key } = mhaInputs(args, kwargs);
    if (!query || !value || !key) return UNKNOWN_VALUE;
    if (query.shape.length < 3 || value.shape.length < 3) {
      call.ctx.mismatch(`${call.label} expects query and value of shape (N,T,E) but got ${formatShape(query.shape)} and ${formatShape(value.shape)}`);
      return UNKNOWN_VALUE;
    }
    const tk = key.shape[key.shape.length - 2];
    const tv = value.shape[value.shape.length - 2];
    if (compareDims(tk, tv) === 'different') {
      call.ctx.mismatch(`${call.label}: key ${formatShape(key.shape)} and value ${formatShape(value.shape)} must have the same number of positions (${formatDim(tk)} ≠ ${formatDim(tv)})`);
    }
    const declared = call.cfg.output_shape;
    const outLast = declared === null || declared === undefined ? [lastDim(query.shape)] : Array.isArray(declared) ? declared.map((d) => dimArg(d)) : [dimArg(declared)];
    const output = tensorOf([...query.shape.slice(0, -1), ...outLast], query.dtype);
    if (!wantsScores(kwargs)) return output;
    const scores = tensorOf([query.shape[0], dimArg(call.cfg.num_heads), query.shape[query.shape.length - 2], tk]);
    return tupleOf(output, scores);
  },
  // Four dense projections: query, key and value to heads × key_dim (value_dim), then back out.
  params: (call, inputs) => {
    const query = inputs[0]?.kind === 'tensor' ? inputs[0] : null;
    const value = inputs[1]?.kind === 'tensor' ? inputs[1] : query;
    const key = inputs[2]?.kind === 'tensor' ? inputs[2] : value;
    if (!query || !value || !key) return null;
    const heads = dimArg(call.cfg.num_heads);
    const keyDim = dimArg(call.cfg.key_dim);
    const valueDim = call.cfg.value_dim === null || call.cfg.value_dim === undefined ? keyDim : dimArg(call.cfg.value_dim);
    const bias = flag(call.cfg, 'use_bias', true) ? 1 : 0;
    const declared = call.cfg.output_shape;
    const out = declared === null || declared === undefined ? lastDim(query.shape) : dimArg(Array.isArray(declared) ? declared[declared.length - 1] : declared);
    const proj = (fanIn: Dim, width: Dim) => exact(mulDim(mulDim(heads, width), addDim(fanIn, bias)));
    return sumCounts(
      proj(lastDim(query.shape), keyDim),
      proj(lastDim(key.shape), keyDim),
      proj(lastDim(value.shape), valueDim),
      exact(addDim(mulDim(mulDim(heads, valueDim), out), mulDim(bias, out))),
    );
  },
  notation: (call, inputs, output) => {
    const query = inputs[0]?.kind === 'tensor' ? inputs[0] : null;
    const value = inputs[1]?.kind === 'tensor' ? inputs[1] : query;
    const out = firstOutput(output);
    if (!query || !value || !out || query.shape.length !== 3) return null;
    const heads = dimArg(call.cfg.num_heads);
    const k = dimArg(call.cfg.key_dim);
    const [n, t] = query.shape;
    const s = value.shape[1];
    const perHead = (len: Dim) => [n, heads, len, k];
    return attentionNotation(perHead(t), perHead(s), perHead(s), out.shape, k);
  },
  formula: (call, inputs) => {
    const query = inputs[0]?.kind === 'tensor' ? inputs[0] : null;
    if (!query) return null;
    const heads = formatDim(dimArg(call.cfg.num_heads));
    const k = formatDim(dimArg(call.cfg.key_dim));
    const total = multiHeadAttention.params(call, inputs);
    return `${heads} heads × key_dim ${k}: Q, K, V projections to ${heads}·${k}, softmax(QKᵀ/√${k})V, output projection back${total !== null ? `; params = ${total}` : ''}`;
  },
  attention: (cfg) => {
    const heads = typeof cfg.num_heads === 'number' ? cfg.num_heads : null;
    const headDim = typeof cfg.key_dim === 'number' ? cfg.key_dim : null;
    return { kind: 'dot', embedDim: heads !== null && headDim !== null ? heads * headDim : null, numHeads: heads, headDim, causal: false };
  },
};

/** The [query, value, key] list an Attention layer is called on. */
function attentionInputs(call: KerasCall, args: LayerValue[]) {
  const tensors = inputTensors(args);
  if (tensors.length < 2 || tensors.length > 3) {
    call.ctx.mismatch(`${call.label} expects a list [query, value] or [query, value, key] but got ${tensors.length} input(s)`);
    return null;
  }
  const [query, value] = tensors;
  const key = tensors[2] ?? value;
  if (!query || !value || !key) return null;
  return { query, value, key };
}

function dotAttentionDef(className: 'Attention' | 'AdditiveAttention'): KerasLayerDef {
  const additive = className === 'AdditiveAttention';
  return {
    className,
    keras: className,
    tfjs: null,
    family: 'attention',
    signature: additive
      ? [{ name: 'use_scale', default: true }, { name: 'dropout', default: 0 }]
      : [{ name: 'use_scale', default: false }, { name: 'score_mode', default: 'dot' }, { name: 'dropout', default: 0 }],
    forward: (call, args, kwargs) => {
      const io = attentionInputs(call, args);
      if (!io) return UNKNOWN_VALUE;
      const { query, value, key } = io;
      if (compareDims(lastDim(query.shape), lastDim(key.shape)) === 'different') {
        call.ctx.mismatch(`${call.label} scores query ${formatShape(query.shape)} against key ${formatShape(key.shape)}: their last dimensions must match (${formatDim(lastDim(query.shape))} ≠ ${formatDim(lastDim(key.shape))})`);
      }
      const tq = query.shape[query.shape.length - 2];
      const tv = value.shape[value.shape.length - 2];
      const output = tensorOf([...query.shape.slice(0, -1), lastDim(value.shape)], query.dtype);
      if (!wantsScores(kwargs)) return output;
      return tupleOf(output, tensorOf([query.shape[0], tq, tv]));
    },
    params: (call, inputs) => {
      if (additive) {
        const query = inputTensors(inputs)[0];
        if (!flag(call.cfg, 'use_scale', true)) return 0;
        return query ? exact(lastDim(query.shape)) : null;
      }
      return (flag(call.cfg, 'use_scale', false) ? 1 : 0) + (call.cfg.score_mode === 'concat' ? 1 : 0);
    },
    notation: (call, inputs, output) => {
      const tensors = inputTensors(inputs);
      const out = firstOutput(output);
      if (tensors.length < 2 || !tensors[0] || !tensors[1] || !out) return null;
      const [q, v] = tensors as [NonNullable<(typeof tensors)[0]>, NonNullable<(typeof tensors)[0]>];
      return additive
        ? `softmax(tanh(${formatShape(q.shape)} ⊕ ${formatShape(v.shape)})·w)·${formatShape(v.shape)} → ${formatShape(out.shape)}`
        : `softmax(${formatShape(q.shape)}·${formatShape(v.shape)}ᵀ)·${formatShape(v.shape)} → ${formatShape(out.shape)}`;
    },
    attention: () => ({ kind: additive ? 'additive' : 'dot', embedDim: null, numHeads: 1, headDim: null, causal: false }),
  };
}

/** Keras's attention layers (Keras only: tfjs-layers has none). */
export const kerasAttentionDefs: KerasLayerDef[] = [multiHeadAttention, dotAttentionDef('Attention'), dotAttentionDef('AdditiveAttention')];
