// Transformer layers and containers. They are composites in PyTorch: `children` lists their
// submodules exactly as `named_modules()` does, so the interpreter registers `self_attn`,
// `linear1` ... under the right names, and `params` is the sum over those children. Shapes
// are kept: a layer maps (L,N,E) (or (N,L,E) with batch_first) to the same shape.

import { activationSpecs } from './activation';
import { attentionSpecs } from './attention';
import { convSpecs } from './conv';
import { dropoutSpecs } from './dropout';
import { embeddingSpecs } from './embedding';
import { linearSpecs } from './linear';
import { normSpecs } from './norm';
import { paddingSpecs } from './padding';
import { poolSpecs } from './pool';
import { recurrentSpecs } from './recurrent';
import { reshapeSpecs } from './reshape';
import { upsampleSpecs } from './upsample';
import { formatDim, type Dim } from '../shapes';
import { type ChildCaller, type LayerChild, type LayerConfig, type LayerContext, type LayerSpec, type LayerValue, type ParamSpec, type TensorArg } from './layerSpec';
import {
  UNKNOWN_VALUE,
  boolArg,
  childConfig,
  childrenParams,
  dimArg,
  expectDim,
  firstTensor,
  intArg,
  layerLabel,
  moduleArg,
  shapeText,
  tensorArg,
  tensorOf,
} from './ruleHelpers';

const DEVICE: ParamSpec[] = [
  { name: 'device', default: null },
  { name: 'dtype', default: null },
];

/** Checks a sequence input of a transformer (2-D unbatched or 3-D) against d_model. */
function checkSequence(label: string, what: string, x: TensorArg, dModel: Dim, ctx: LayerContext): boolean {
  if (x.shape.length !== 2 && x.shape.length !== 3) {
    ctx.mismatch(`${label} expects ${what} to be 2-D (unbatched) or 3-D but got ${x.shape.length}-D ${shapeText(x.shape)}`);
    return false;
  }
  const last = x.shape[x.shape.length - 1];
  return expectDim(last, dModel, `${label} expects ${what} with d_model = ${formatDim(dModel)} features but got ${formatDim(last)} (${shapeText(x.shape)})`, ctx);
}

/** The batch axis of a 3-D sequence (0 with batch_first, else 1); null for unbatched inputs. */
function batchOf(x: TensorArg, batchFirst: boolean): Dim | null {
  return x.shape.length === 3 ? x.shape[batchFirst ? 0 : 1] : null;
}

function layerSignature(): ParamSpec[] {
  // `bias` arrived in PyTorch 2.1, between norm_first and device.
  return [
    { name: 'd_model' },
    { name: 'nhead' },
    { name: 'dim_feedforward', default: 2048 },
    { name: 'dropout', default: 0.1 },
    { name: 'activation', default: 'relu' },
    { name: 'layer_norm_eps', default: 1e-5 },
    { name: 'batch_first', default: false },
    { name: 'norm_first', default: false },
    { name: 'bias', default: true },
    ...DEVICE,
  ];
}

/** Submodules of an encoder (cross = false) or decoder (cross = true) layer, in registration order. */
function layerChildren(cfg: LayerConfig, cross: boolean): LayerChild[] {
  const d = cfg.d_model ?? null;
  const ff = cfg.dim_feedforward ?? 2048;
  const p = cfg.dropout ?? 0.1;
  const bias = cfg.bias ?? true;
  const eps = cfg.layer_norm_eps ?? 1e-5;
  const attention = () => childConfig(pytorchLayer, 'MultiheadAttention', { embed_dim: d, num_heads: cfg.nhead ?? null, dropout: p, bias, batch_first: cfg.batch_first ?? false });
  const norm = () => childConfig(pytorchLayer, 'LayerNorm', { normalized_shape: d, eps, bias });
  const dropout = () => childConfig(pytorchLayer, 'Dropout', { p });
  const children: LayerChild[] = [{ name: 'self_attn', layer: 'MultiheadAttention', config: attention() }];
  if (cross) children.push({ name: 'multihead_attn', layer: 'MultiheadAttention', config: attention() });
  children.push(
    { name: 'linear1', layer: 'Linear', config: childConfig(pytorchLayer, 'Linear', { in_features: d, out_features: ff, bias }) },
    { name: 'dropout', layer: 'Dropout', config: dropout() },
    { name: 'linear2', layer: 'Linear', config: childConfig(pytorchLayer, 'Linear', { in_features: ff, out_features: d, bias }) },
    { name: 'norm1', layer: 'LayerNorm', config: norm() },
    { name: 'norm2', layer: 'LayerNorm', config: norm() },
  );
  if (cross) children.push({ name: 'norm3', layer: 'LayerNorm', config: norm() });
  children.push({ name: 'dropout1', layer: 'Dropout', config: dropout() }, { name: 'dropout2', layer: 'Dropout', config: dropout() });
  if (cross) children.push({ name: 'dropout3', layer: 'Dropout', config: dropout() });
  // A module passed as activation (nn.GELU()) is registered last; a string or function is not a module.
  const activation = moduleArg(cfg.activation);
  if (activation) children.push({ name: 'activation', layer: activation.layer, config: activation.config });
  return children;
}

function validateLayer(name: string, cfg: LayerConfig, ctx: LayerContext): void {
  const d = intArg(cfg.d_model);
  const h = intArg(cfg.nhead);
  if (d !== null && h !== null && h > 0 && d % h !== 0) ctx.invalid(`${name}: d_model (${d}) must be divisible by nhead (${h})`);
  const activation = cfg.activation;
  if (typeof activation === 'string' && activation !== 'relu' && activation !== 'gelu') {
    ctx.invalid(`${name}: activation should be relu/gelu, not ${activation}`);
  }
}

// ------------------------------------------------------------------ children as forward runs them

const NO_WEIGHTS: LayerValue = { kind: 'const', value: false };

/** An argument given by position or by name, if given at all. */
function given(args: readonly LayerValue[], kwargs: Readonly<Record<string, LayerValue>>, index: number, name: string): LayerValue | undefined {
  return index < args.length ? args[index] : kwargs[name];
}

/** Keyword arguments without the ones not given. */
function keywords(entries: Record<string, LayerValue | undefined>): Record<string, LayerValue> {
  const out: Record<string, LayerValue> = {};
  for (const [k, v] of Object.entries(entries)) if (v !== undefined) out[k] = v;
  return out;
}

/** The first element of a tuple output (MultiheadAttention's attention output). */
function firstOf(v: LayerValue): LayerValue {
  return v.kind === 'tuple' ? v.items[0] ?? UNKNOWN_VALUE : v;
}

/**
 * Whether PyTorch 1.13's TransformerEncoderLayer takes its fused path for this call, as the
 * analysis runs a model (eval mode, no gradients, as the truth is measured): a batched input,
 * batch_first, a ReLU or GELU activation, no src_mask and an even number of heads. The fused path
 * calls no child, so no child's hook fires. Null when the activation is a function the
 * configuration does not name.
 */
function encoderLayerFused(cfg: LayerConfig, src: TensorArg, srcMask: LayerValue | undefined): boolean | null {
  if (src.shape.length !== 3 || boolArg(cfg.batch_first) !== true) return false;
  const act = cfg.activation;
  const module = moduleArg(act);
  const reluOrGelu = typeof act === 'string' ? act === 'relu' || act === 'gelu' : module ? module.layer === 'ReLU' || module.layer === 'GELU' : null;
  if (reluOrGelu === null) return null;
  if (!reluOrGelu) return false;
  if (srcMask && srcMask.kind !== 'none') return false;
  const heads = intArg(cfg.nhead);
  if (heads === null) return null;
  return heads % 2 === 0;
}

/** The feed-forward block: linear1, the activation when it is a module, dropout, linear2, its dropout. */
function feedForward(cfg: LayerConfig, x: LayerValue, lastDropout: string, call: ChildCaller): void {
  let h = call('linear1', [x]);
  if (moduleArg(cfg.activation)) h = call('activation', [h]);
  h = call('dropout', [h]);
  call(lastDropout, [call('linear2', [h])]);
}

function encoderLayerChildren(cfg: LayerConfig, args: LayerValue[], kwargs: Record<string, LayerValue>, call: ChildCaller): void {
  const src = tensorArg(args, kwargs, 0, 'src');
  if (!src) return;
  const srcMask = given(args, kwargs, 1, 'src_mask');
  if (encoderLayerFused(cfg, src, srcMask) !== false) return;
  const padding = given(args, kwargs, 2, 'src_key_padding_mask');
  const selfAttention = (x: LayerValue) => call('dropout1', [firstOf(call('self_attn', [x, x, x], keywords({ attn_mask: srcMask, key_padding_mask: padding, need_weights: NO_WEIGHTS })))]);
  // The residual sums keep the input's shape, so the input stands for them.
  if (boolArg(cfg.norm_first) === true) {
    selfAttention(call('norm1', [src]));
    feedForward(cfg, call('norm2', [src]), 'dropout2', call);
  } else {
    selfAttention(src);
    const x = call('norm1', [src]);
    feedForward(cfg, x, 'dropout2', call);
    call('norm2', [x]);
  }
}

function decoderLayerChildren(cfg: LayerConfig, args: LayerValue[], kwargs: Record<string, LayerValue>, call: ChildCaller): void {
  const tgt = tensorArg(args, kwargs, 0, 'tgt');
  const memory = given(args, kwargs, 1, 'memory');
  if (!tgt || !memory) return;
  const tgtMask = given(args, kwargs, 2, 'tgt_mask');
  const memoryMask = given(args, kwargs, 3, 'memory_mask');
  const tgtPadding = given(args, kwargs, 4, 'tgt_key_padding_mask');
  const memoryPadding = given(args, kwargs, 5, 'memory_key_padding_mask');
  const selfAttention = (x: LayerValue) => call('dropout1', [firstOf(call('self_attn', [x, x, x], keywords({ attn_mask: tgtMask, key_padding_mask: tgtPadding, need_weights: NO_WEIGHTS })))]);
  const crossAttention = (x: LayerValue) =>
    call('dropout2', [firstOf(call('multihead_attn', [x, memory, memory], keywords({ attn_mask: memoryMask, key_padding_mask: memoryPadding, need_weights: NO_WEIGHTS })))]);
  if (boolArg(cfg.norm_first) === true) {
    selfAttention(call('norm1', [tgt]));
    crossAttention(call('norm2', [tgt]));
    feedForward(cfg, call('norm3', [tgt]), 'dropout3', call);
  } else {
    selfAttention(tgt);
    const x = call('norm1', [tgt]);
    crossAttention(x);
    const y = call('norm2', [x]);
    feedForward(cfg, y, 'dropout3', call);
    call('norm3', [y]);
  }
}

function encoderChildren(cfg: LayerConfig, args: LayerValue[], kwargs: Record<string, LayerValue>, call: ChildCaller): void {
  let out = given(args, kwargs, 0, 'src');
  const count = intArg(cfg.num_layers);
  if (!out || count === null) return;
  const layerKwargs = keywords({ src_mask: given(args, kwargs, 1, 'mask'), src_key_padding_mask: given(args, kwargs, 2, 'src_key_padding_mask') });
  for (let i = 0; i < count; i++) out = call(`layers.${i}`, [out], layerKwargs);
  if (moduleArg(cfg.norm)) call('norm', [out]);
}

function decoderChildren(cfg: LayerConfig, args: LayerValue[], kwargs: Record<string, LayerValue>, call: ChildCaller): void {
  let out = given(args, kwargs, 0, 'tgt');
  const memory = given(args, kwargs, 1, 'memory');
  const count = intArg(cfg.num_layers);
  if (!out || !memory || count === null) return;
  const layerKwargs = keywords({
    tgt_mask: given(args, kwargs, 2, 'tgt_mask'),
    memory_mask: given(args, kwargs, 3, 'memory_mask'),
    tgt_key_padding_mask: given(args, kwargs, 4, 'tgt_key_padding_mask'),
    memory_key_padding_mask: given(args, kwargs, 5, 'memory_key_padding_mask'),
  });
  for (let i = 0; i < count; i++) out = call(`layers.${i}`, [out, memory], layerKwargs);
  if (moduleArg(cfg.norm)) call('norm', [out]);
}

function transformerChildrenRun(_cfg: LayerConfig, args: LayerValue[], kwargs: Record<string, LayerValue>, call: ChildCaller): void {
  const src = given(args, kwargs, 0, 'src');
  const tgt = given(args, kwargs, 1, 'tgt');
  if (!src || !tgt) return;
  const memory = call('encoder', [src], keywords({ mask: given(args, kwargs, 2, 'src_mask'), src_key_padding_mask: given(args, kwargs, 5, 'src_key_padding_mask') }));
  call(
    'decoder',
    [tgt, memory],
    keywords({
      tgt_mask: given(args, kwargs, 3, 'tgt_mask'),
      memory_mask: given(args, kwargs, 4, 'memory_mask'),
      tgt_key_padding_mask: given(args, kwargs, 6, 'tgt_key_padding_mask'),
      memory_key_padding_mask: given(args, kwargs, 7, 'memory_key_padding_mask'),
    }),
  );
}

const encoderLayer: LayerSpec = {
  name: 'TransformerEncoderLayer',
  framework: 'pytorch',
  family: 'transformer',
  inputSize: { param: 'd_model', axis: 'last' },
  signature: layerSignature(),
  validate: (cfg, ctx) => validateLayer('TransformerEncoderLayer', cfg, ctx),
  forward(cfg, args, kwargs, ctx) {
    const src = tensorArg(args, kwargs, 0, 'src');
    if (!src) return UNKNOWN_VALUE;
    checkSequence(layerLabel(encoderLayer, cfg), 'src', src, dimArg(cfg.d_model), ctx);
    return tensorOf(src.shape, src.dtype);
  },
  params: (cfg) => childrenParams(pytorchLayer, layerChildren(cfg, false)),
  ownParams: () => 0,
  forwardChildren: encoderLayerChildren,
  children: (cfg) => layerChildren(cfg, false),
  attention: (cfg) => attentionOf(cfg, false),
  notation: (_cfg, inputs, output) => sequenceNotation('encoder layer', inputs[0], output),
};

const decoderLayer: LayerSpec = {
  name: 'TransformerDecoderLayer',
  framework: 'pytorch',
  family: 'transformer',
  inputSize: { param: 'd_model', axis: 'last' },
  signature: layerSignature(),
  validate: (cfg, ctx) => validateLayer('TransformerDecoderLayer', cfg, ctx),
  forward(cfg, args, kwargs, ctx) {
    const tgt = tensorArg(args, kwargs, 0, 'tgt');
    const memory = tensorArg(args, kwargs, 1, 'memory');
    if (!tgt) return UNKNOWN_VALUE;
    const label = layerLabel(decoderLayer, cfg);
    const d = dimArg(cfg.d_model);
    checkSequence(label, 'tgt', tgt, d, ctx);
    if (memory) {
      checkSequence(label, 'memory', memory, d, ctx);
      checkSameBatch(label, tgt, memory, boolArg(cfg.batch_first) === true, ctx);
    }
    return tensorOf(tgt.shape, tgt.dtype);
  },
  params: (cfg) => childrenParams(pytorchLayer, layerChildren(cfg, true)),
  ownParams: () => 0,
  forwardChildren: decoderLayerChildren,
  children: (cfg) => layerChildren(cfg, true),
  attention: (cfg) => attentionOf(cfg, false),
  notation: (_cfg, inputs, output) => sequenceNotation('decoder layer', inputs[0], output),
};

function checkSameBatch(label: string, a: TensorArg, b: TensorArg, batchFirst: boolean, ctx: LayerContext): void {
  const na = batchOf(a, batchFirst);
  const nb = batchOf(b, batchFirst);
  if (na !== null && nb !== null) expectDim(nb, na, `${label}: the batch sizes of ${shapeText(a.shape)} and ${shapeText(b.shape)} must be equal`, ctx);
  else if ((na === null) !== (nb === null)) ctx.mismatch(`${label}: ${shapeText(a.shape)} and ${shapeText(b.shape)} must both be batched or both unbatched`);
}

function attentionOf(cfg: LayerConfig, causal: boolean) {
  const embed = intArg(cfg.d_model);
  const heads = intArg(cfg.nhead);
  return { kind: 'dot' as const, embedDim: embed, numHeads: heads, headDim: embed !== null && heads ? Math.floor(embed / heads) : null, causal, batchFirst: cfg.batch_first === true };
}

function sequenceNotation(what: string, input: LayerValue | undefined, output: LayerValue): string | null {
  const x = firstTensor(input);
  const y = firstTensor(output);
  return x && y ? `${shapeText(x.shape)} ${what} → ${shapeText(y.shape)}` : null;
}

/** Stacks deeper than this are not expanded: their children and parameters stay unknown. */
const MAX_STACK_DEPTH = 1000;

/** Children of a stack: the `layers` ModuleList with N copies of the given layer, then the optional norm. */
function stackChildren(cfg: LayerConfig, layerKey: string): LayerChild[] | null {
  const layer = moduleArg(cfg[layerKey]);
  const count = intArg(cfg.num_layers);
  if (!layer || count === null || count < 0 || count > MAX_STACK_DEPTH) return null;
  const children: LayerChild[] = [{ name: 'layers', layer: 'ModuleList', config: {} }];
  for (let i = 0; i < count; i++) children.push({ name: `layers.${i}`, layer: layer.layer, config: layer.config });
  const norm = moduleArg(cfg.norm);
  if (norm) children.push({ name: 'norm', layer: norm.layer, config: norm.config });
  return children;
}

function validateStack(name: string, cfg: LayerConfig, ctx: LayerContext): void {
  const count = intArg(cfg.num_layers);
  if (count !== null && count < 0) ctx.invalid(`${name}: num_layers must be non-negative but got ${count}`);
  else if (count !== null && count > MAX_STACK_DEPTH) ctx.gap(`${name}: ${count} layers are more than the analysis expands (${MAX_STACK_DEPTH}); their parameters are not counted`);
}

/** The d_model of a stack, read from its layer's config. */
function stackModel(cfg: LayerConfig, layerKey: string): { d: Dim; batchFirst: boolean } {
  const layer = moduleArg(cfg[layerKey]);
  return { d: dimArg(layer?.config.d_model), batchFirst: boolArg(layer?.config.batch_first) === true };
}

const encoder: LayerSpec = {
  name: 'TransformerEncoder',
  framework: 'pytorch',
  family: 'transformer',
  // `enable_nested_tensor` arrived in 1.12, `mask_check` in 1.13.
  signature: [{ name: 'encoder_layer' }, { name: 'num_layers' }, { name: 'norm', default: null }, { name: 'enable_nested_tensor', default: true }, { name: 'mask_check', default: true }],
  validate: (cfg, ctx) => validateStack('TransformerEncoder', cfg, ctx),
  forward(cfg, args, kwargs, ctx) {
    const src = tensorArg(args, kwargs, 0, 'src');
    if (!src) return UNKNOWN_VALUE;
    const { d } = stackModel(cfg, 'encoder_layer');
    checkSequence('TransformerEncoder', 'src', src, d, ctx);
    return tensorOf(src.shape, src.dtype);
  },
  params(cfg) {
    const children = stackChildren(cfg, 'encoder_layer');
    return children ? childrenParams(pytorchLayer, children) : null;
  },
  ownParams: () => 0,
  forwardChildren: encoderChildren,
  children: (cfg) => stackChildren(cfg, 'encoder_layer') ?? [],
  notation: (_cfg, inputs, output) => sequenceNotation('encoder', inputs[0], output),
};

const decoder: LayerSpec = {
  name: 'TransformerDecoder',
  framework: 'pytorch',
  family: 'transformer',
  signature: [{ name: 'decoder_layer' }, { name: 'num_layers' }, { name: 'norm', default: null }],
  validate: (cfg, ctx) => validateStack('TransformerDecoder', cfg, ctx),
  forward(cfg, args, kwargs, ctx) {
    const tgt = tensorArg(args, kwargs, 0, 'tgt');
    const memory = tensorArg(args, kwargs, 1, 'memory');
    if (!tgt) return UNKNOWN_VALUE;
    const { d, batchFirst } = stackModel(cfg, 'decoder_layer');
    checkSequence('TransformerDecoder', 'tgt', tgt, d, ctx);
    if (memory) {
      checkSequence('TransformerDecoder', 'memory', memory, d, ctx);
      checkSameBatch('TransformerDecoder', tgt, memory, batchFirst, ctx);
    }
    return tensorOf(tgt.shape, tgt.dtype);
  },
  params(cfg) {
    const children = stackChildren(cfg, 'decoder_layer');
    return children ? childrenParams(pytorchLayer, children) : null;
  },
  ownParams: () => 0,
  forwardChildren: decoderChildren,
  children: (cfg) => stackChildren(cfg, 'decoder_layer') ?? [],
  notation: (_cfg, inputs, output) => sequenceNotation('decoder', inputs[0], output),
};

/** The encoder and decoder a Transformer builds (or the custom ones it was given). */
function transformerChildren(cfg: LayerConfig): LayerChild[] {
  const layerConfig = (): Record<string, LayerConfig[string]> => ({
    d_model: cfg.d_model ?? 512,
    nhead: cfg.nhead ?? 8,
    dim_feedforward: cfg.dim_feedforward ?? 2048,
    dropout: cfg.dropout ?? 0.1,
    activation: cfg.activation ?? 'relu',
    layer_norm_eps: cfg.layer_norm_eps ?? 1e-5,
    batch_first: cfg.batch_first ?? false,
    norm_first: cfg.norm_first ?? false,
    bias: cfg.bias ?? true,
  });
  const norm = { layer: 'LayerNorm', config: childConfig(pytorchLayer, 'LayerNorm', { normalized_shape: cfg.d_model ?? 512, eps: cfg.layer_norm_eps ?? 1e-5, bias: cfg.bias ?? true }) };
  const customEncoder = moduleArg(cfg.custom_encoder);
  const customDecoder = moduleArg(cfg.custom_decoder);
  return [
    customEncoder
      ? { name: 'encoder', layer: customEncoder.layer, config: customEncoder.config }
      : {
          name: 'encoder',
          layer: 'TransformerEncoder',
          config: childConfig(pytorchLayer, 'TransformerEncoder', {
            encoder_layer: { layer: 'TransformerEncoderLayer', config: childConfig(pytorchLayer, 'TransformerEncoderLayer', layerConfig()) },
            num_layers: cfg.num_encoder_layers ?? 6,
            norm,
          }),
        },
    customDecoder
      ? { name: 'decoder', layer: customDecoder.layer, config: customDecoder.config }
      : {
          name: 'decoder',
          layer: 'TransformerDecoder',
          config: childConfig(pytorchLayer, 'TransformerDecoder', {
            decoder_layer: { layer: 'TransformerDecoderLayer', config: childConfig(pytorchLayer, 'TransformerDecoderLayer', layerConfig()) },
            num_layers: cfg.num_decoder_layers ?? 6,
            norm,
          }),
        },
  ];
}

const transformer: LayerSpec = {
  name: 'Transformer',
  framework: 'pytorch',
  family: 'transformer',
  signature: [
    { name: 'd_model', default: 512 },
    { name: 'nhead', default: 8 },
    { name: 'num_encoder_layers', default: 6 },
    { name: 'num_decoder_layers', default: 6 },
    { name: 'dim_feedforward', default: 2048 },
    { name: 'dropout', default: 0.1 },
    { name: 'activation', default: 'relu' },
    { name: 'custom_encoder', default: null },
    { name: 'custom_decoder', default: null },
    { name: 'layer_norm_eps', default: 1e-5 },
    { name: 'batch_first', default: false },
    { name: 'norm_first', default: false },
    { name: 'bias', default: true },
    ...DEVICE,
  ],
  validate: (cfg, ctx) => validateLayer('Transformer', cfg, ctx),
  forward(cfg, args, kwargs, ctx) {
    const src = tensorArg(args, kwargs, 0, 'src');
    const tgt = tensorArg(args, kwargs, 1, 'tgt');
    if (!src || !tgt) return UNKNOWN_VALUE;
    const label = layerLabel(transformer, cfg);
    const d = dimArg(cfg.d_model);
    checkSequence(label, 'src', src, d, ctx);
    checkSequence(label, 'tgt', tgt, d, ctx);
    checkSameBatch(label, src, tgt, boolArg(cfg.batch_first) === true, ctx);
    return tensorOf(tgt.shape, tgt.dtype);
  },
  params: (cfg) => childrenParams(pytorchLayer, transformerChildren(cfg)),
  ownParams: () => 0,
  forwardChildren: transformerChildrenRun,
  children: transformerChildren,
  attention: (cfg) => attentionOf(cfg, false),
  notation(_cfg, inputs, output) {
    const src = firstTensor(inputs[0]);
    const tgt = firstTensor(inputs[1]);
    const y = firstTensor(output);
    return src && tgt && y ? `src ${shapeText(src.shape)}, tgt ${shapeText(tgt.shape)} transformer → ${shapeText(y.shape)}` : null;
  },
};

/**
 * The PyTorch layers a transformer's children may be: every other PyTorch family and this one.
 * Built on first use, because this family's own entries are defined above.
 */
let pytorchLayers: Map<string, LayerSpec> | null = null;
function pytorchLayer(_framework: string, name: string): LayerSpec | undefined {
  pytorchLayers ??= new Map(
    [activationSpecs, attentionSpecs, convSpecs, dropoutSpecs, embeddingSpecs, linearSpecs, normSpecs, paddingSpecs, poolSpecs, recurrentSpecs, reshapeSpecs, upsampleSpecs, transformerSpecs].flat().map((spec) => [spec.name, spec]),
  );
  return pytorchLayers.get(name);
}

/** The transformer family's entries. */
export const transformerSpecs: readonly LayerSpec[] = [encoderLayer, decoderLayer, encoder, decoder, transformer];

