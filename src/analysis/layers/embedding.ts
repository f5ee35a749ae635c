// Embeddings: a lookup table from token ids to vectors. The input must hold integer ids; a
// float input is a certain mistake (PyTorch raises), so it is reported as a mismatch.

import { formatDim, subDim } from '../shapes';
import { type LayerSpec } from './layerSpec';
import {
  dtypeMay,
  boolArg,
  checkCountable,
  dimArg,
  firstTensor,
  hasArg,
  intArg,
  knownProduct,
  layerLabel,
  shapeText,
  strArg,
  tensorArg,
  tensorOf,
  UNKNOWN_VALUE,
} from './ruleHelpers';

const embedding: LayerSpec = {
  name: 'Embedding',
  framework: 'pytorch',
  family: 'embedding',
  outputSize: 'embedding_dim',
  weights: (cfg) => ({ weight: [dimArg(cfg.num_embeddings), dimArg(cfg.embedding_dim)] }),
  // `_freeze` arrived in PyTorch 2.0 (after `_weight`); it is keyword-style in practice.
  signature: [
    { name: 'num_embeddings' },
    { name: 'embedding_dim' },
    { name: 'padding_idx', default: null },
    { name: 'max_norm', default: null },
    { name: 'norm_type', default: 2.0 },
    { name: 'scale_grad_by_freq', default: false },
    { name: 'sparse', default: false },
    { name: '_weight', default: null },
    { name: '_freeze', default: false },
    { name: 'device', default: null },
    { name: 'dtype', default: null },
  ],
  validate(cfg, ctx) {
    const num = intArg(cfg.num_embeddings);
    const pad = intArg(cfg.padding_idx);
    checkCountable('Embedding', 'table', [dimArg(cfg.num_embeddings), dimArg(cfg.embedding_dim)], ctx);
    if (num !== null && pad !== null && (pad >= num || pad < -num)) {
      ctx.invalid(`Embedding: padding_idx must be within num_embeddings (${num}) but got ${pad}`);
    }
  },
  forward(cfg, args, kwargs, ctx) {
    const x = tensorArg(args, kwargs, 0, 'input');
    if (!x) return UNKNOWN_VALUE;
    if (!dtypeMay(x, 'long')) {
      ctx.mismatch(`${layerLabel(embedding, cfg)} expects integer token ids (a Long tensor) but got a ${x.dtype} tensor ${shapeText(x.shape)}`);
    }
    return tensorOf([...x.shape, dimArg(cfg.embedding_dim)]);
  },
  params: (cfg) => knownProduct([dimArg(cfg.num_embeddings), dimArg(cfg.embedding_dim)]),
  notation(cfg, inputs, output) {
    const x = firstTensor(inputs[0]);
    const y = firstTensor(output);
    if (!x || !y) return null;
    return `${shapeText(x.shape)} ids → lookup in ${shapeText([dimArg(cfg.num_embeddings), dimArg(cfg.embedding_dim)])} = ${shapeText(y.shape)}`;
  },
  formula: (cfg) =>
    `params = ${formatDim(dimArg(cfg.num_embeddings))}·${formatDim(dimArg(cfg.embedding_dim))} = ${knownProduct([dimArg(cfg.num_embeddings), dimArg(cfg.embedding_dim)]) ?? '?'}`,
};

const embeddingBag: LayerSpec = {
  name: 'EmbeddingBag',
  framework: 'pytorch',
  family: 'embedding',
  signature: [
    { name: 'num_embeddings' },
    { name: 'embedding_dim' },
    { name: 'max_norm', default: null },
    { name: 'norm_type', default: 2.0 },
    { name: 'scale_grad_by_freq', default: false },
    { name: 'mode', default: 'mean' },
    { name: 'sparse', default: false },
    { name: '_weight', default: null },
    { name: 'include_last_offset', default: false },
    { name: 'padding_idx', default: null },
    { name: 'device', default: null },
    { name: 'dtype', default: null },
  ],
  validate(cfg, ctx) {
    const mode = strArg(cfg.mode);
    if (mode !== null && !['sum', 'mean', 'max'].includes(mode)) ctx.invalid(`EmbeddingBag: mode must be 'sum', 'mean' or 'max' but got '${mode}'`);
  },
  forward(cfg, args, kwargs, ctx) {
    const x = tensorArg(args, kwargs, 0, 'input');
    if (!x) return UNKNOWN_VALUE;
    const label = layerLabel(embeddingBag, cfg);
    if (!dtypeMay(x, 'long')) ctx.mismatch(`${label} expects integer token ids (a Long tensor) but got a ${x.dtype} tensor ${shapeText(x.shape)}`);
    const dim = dimArg(cfg.embedding_dim);
    if (x.shape.length === 2) {
      if (hasArg(args, kwargs, 1, 'offsets')) ctx.mismatch(`${label}: offsets must be None when the input is 2-D ${shapeText(x.shape)}`);
      return tensorOf([x.shape[0], dim]);
    }
    if (x.shape.length === 1) {
      const offsets = tensorArg(args, kwargs, 1, 'offsets');
      if (!hasArg(args, kwargs, 1, 'offsets')) {
        ctx.mismatch(`${label}: a 1-D input needs offsets`);
        return UNKNOWN_VALUE;
      }
      if (!offsets || offsets.shape.length !== 1) return UNKNOWN_VALUE;
      const bags = boolArg(cfg.include_last_offset) ? subDim(offsets.shape[0], 1) : offsets.shape[0];
      return tensorOf([bags, dim]);
    }
    ctx.mismatch(`${label} expects a 1-D (with offsets) or 2-D input but got ${x.shape.length}-D ${shapeText(x.shape)}`);
    return UNKNOWN_VALUE;
  },
  params: (cfg) => knownProduct([dimArg(cfg.num_embeddings), dimArg(cfg.embedding_dim)]),
  notation(cfg, inputs, output) {
    const x = firstTensor(inputs[0]);
    const y = firstTensor(output);
    if (!x || !y) return null;
    const mode = strArg(cfg.mode) ?? 'mean';
    return `${shapeText(x.shape)} ids → ${mode} of rows of ${shapeText([dimArg(cfg.num_embeddings), dimArg(cfg.embedding_dim)])} = ${shapeText(y.shape)}`;
  },
};

/** The embedding family's entries. */
export const embeddingSpecs: readonly LayerSpec[] = [embedding, embeddingBag];

