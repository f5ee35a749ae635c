// Preprocessing layers of Keras and tfjs, written once: CenterCrop, Resizing, CategoryEncoding
// and tfjs's RandomWidth. tfjs 4.22 computes some of these shapes differently from the tensors its
// layers produce (Resizing drops the batch axis, RandomWidth has no width until it runs); the tfjs
// entries give tfjs's static shapes, because the layers after them are built on those, and say so
// (and that these two cannot run inside a tfjs model at all).

import { formatShape, isKnown, unknownDim, type Dim } from '../shapes';
import type { LayerValue, ParamSpec } from './layerSpec';
import { dimArg, strArg, tensorOf, UNKNOWN_VALUE } from './ruleHelpers';
import { expectNdim, firstInput, type KerasCall, type KerasLayerDef } from './kerasDefinitions';

/** An image layer's new height and width, with a finding when either is not a positive integer. */
function targetSize(call: KerasCall): [Dim, Dim] {
  const size = [dimArg(call.cfg.height), dimArg(call.cfg.width)] as [Dim, Dim];
  for (const [key, d] of [['height', size[0]], ['width', size[1]]] as const) {
    if (isKnown(d) && (d <= 0 || !Number.isInteger(d))) call.ctx.invalid(`${call.label}: ${key} must be a positive integer, got ${d}`);
  }
  return size;
}

/** Replaces the height and width axes (the two before the channels) in the layer's layout. */
function resized(call: KerasCall, shape: readonly Dim[], height: Dim, width: Dim): Dim[] {
  const rank = shape.length;
  const [h, w] = call.cfg.data_format === 'channels_first' ? [rank - 2, rank - 1] : [rank - 3, rank - 2];
  const out = [...shape];
  out[h] = height;
  out[w] = width;
  return out;
}

/**
 * tfjs 4.22's Resizing and RandomWidth hand the list of inputs a model passes to `call` straight
 * to resizeBilinear, so inside a model they throw whenever the model runs; on a tensor they work.
 */
const TFJS_RESIZE_IN_MODEL = (label: string) =>
  `${label}: tfjs cannot run this layer inside a model: its call passes the model's list of inputs to resizeBilinear, which throws "x must be rank 3 or 4, but got rank 1" on predict and fit; resize the images before the model`;

const imageSignature: ParamSpec[] = [{ name: 'height' }, { name: 'width' }];

const centerCrop: KerasLayerDef = {
  className: 'CenterCrop',
  keras: 'CenterCrop',
  tfjs: 'centerCrop',
  family: 'reshaping',
  signature: [...imageSignature, { name: 'data_format', default: null }],
  forward: (call, inputs) => {
    const input = firstInput(inputs);
    if (!input) return UNKNOWN_VALUE;
    const [height, width] = targetSize(call);
    const rank = input.shape.length;
    if (rank < 3) {
      call.ctx.mismatch(`${call.label} expects an image batch ${call.cfg.data_format === 'channels_first' ? '(N,C,H,W)' : '(N,H,W,C)'} but got ${rank}-D ${formatShape(input.shape)}`);
      return UNKNOWN_VALUE;
    }
    // Both frameworks crop the two axes before the channels, whatever the rank: on a 3-D batch
    // those are the batch and the first axis, which tfjs crops without complaint.
    if (rank === 3) call.ctx.gap(`${call.label} on the 3-D input ${formatShape(input.shape)} crops its first two axes, the batch axis among them`);
    // A crop larger than the image resizes instead, so the output size is always (height, width).
    return tensorOf(resized(call, input.shape, height, width), input.dtype);
  },
  params: () => 0,
};

const resizing: KerasLayerDef = {
  className: 'Resizing',
  keras: 'Resizing',
  tfjs: 'resizing',
  family: 'reshaping',
  signature: [...imageSignature, { name: 'interpolation', default: 'bilinear' }, { name: 'crop_to_aspect_ratio', default: false }, { name: 'data_format', default: null }],
  forward: (call, inputs) => {
    const input = firstInput(inputs);
    if (!input) return UNKNOWN_VALUE;
    const [height, width] = targetSize(call);
    if (call.fw === 'tfjs' && input.shape.length >= 3) {
      // tfjs 4.22's Resizing.computeOutputShape returns [height, width, inputShape[2]]: no batch
      // axis, and the input's width where the channels belong. Models are built on that shape.
      const tfjsShape = [height, width, input.shape[2]];
      const runtime = resized(call, input.shape, height, width);
      call.ctx.gap(
        `${call.label}: tfjs gives this layer the static shape ${formatShape(tfjsShape)} (its computeOutputShape drops the batch axis and takes the input's width as channels), so the layers after it are built on that shape; the tensor it computes is ${formatShape(runtime)}`,
      );
      call.ctx.invalid(TFJS_RESIZE_IN_MODEL(call.label));
      return tensorOf(tfjsShape, input.dtype);
    }
    if (!expectNdim(call, input, 4, call.cfg.data_format === 'channels_first' ? '(N,C,H,W)' : '(N,H,W,C)')) return UNKNOWN_VALUE;
    return tensorOf(resized(call, input.shape, height, width), input.dtype);
  },
  params: () => 0,
};

/** `one_hot`, `oneHot` and `ONE_HOT` alike. */
function outputMode(call: KerasCall | Omit<KerasCall, 'ctx'>): string | null {
  return strArg(call.cfg.output_mode)?.replace(/_/g, '').toLowerCase() ?? null;
}

const categoryEncoding: KerasLayerDef = {
  className: 'CategoryEncoding',
  keras: 'CategoryEncoding',
  tfjs: 'categoryEncoding',
  family: 'core',
  signature: [{ name: 'num_tokens' }, { name: 'output_mode', default: 'multi_hot' }, { name: 'sparse', default: false }],
  tfjsDefaults: { output_mode: 'multiHot' },
  forward: (call, inputs) => {
    const input = firstInput(inputs);
    if (!input) return UNKNOWN_VALUE;
    const tokens = dimArg(call.cfg.num_tokens);
    const mode = outputMode(call);
    if (mode !== null && !['onehot', 'multihot', 'count'].includes(mode)) {
      call.ctx.invalid(`${call.label}: output_mode must be one of one_hot, multi_hot, count; got ${JSON.stringify(call.cfg.output_mode)}`);
    }
    const shape = input.shape;
    const last = shape[shape.length - 1];
    // One-hot adds an axis unless the last one has size 1; the other modes replace the last axis.
    const out = mode === 'onehot' && !(isKnown(last) && last === 1) ? [...shape, tokens] : [...shape.slice(0, -1), tokens];
    if (call.fw === 'tfjs' && out.length > 2) {
      call.ctx.invalid(`${call.label}: tfjs encodes at most 2-D outputs and throws when this layer runs on ${formatShape(shape)} (the output would be ${formatShape(out)})`);
    }
    return tensorOf(out, 'float');
  },
  params: () => 0,
};

const randomWidth: KerasLayerDef = {
  className: 'RandomWidth',
  // Keras 3 has no RandomWidth; tf.keras 2's is not in the Keras catalogue.
  keras: null,
  tfjs: 'randomWidth',
  family: 'reshaping',
  signature: [{ name: 'factor' }, { name: 'interpolation', default: 'bilinear' }, { name: 'seed', default: null }],
  forward: (call, inputs): LayerValue => {
    const input = firstInput(inputs);
    if (!input) return UNKNOWN_VALUE;
    if (input.shape.length < 3) {
      call.ctx.mismatch(`${call.label} expects an image batch (N,H,W,C) but got ${input.shape.length}-D ${formatShape(input.shape)}`);
      return UNKNOWN_VALUE;
    }
    // tfjs 4.22's RandomWidth.computeOutputShape returns [imgHeight, -1, inputShape[2]], where
    // imgHeight is only set by a real call: the static shape has no batch axis and a width of -1.
    // A sequential model rejects the -1 ("Negative dimension size"); a functional one keeps it.
    const tfjsShape = [unknownDim(), -1, input.shape[2]];
    call.ctx.gap(
      `${call.label}: tfjs gives this layer the static shape [undefined, -1, ${formatShape([input.shape[2]]).slice(1, -1)}] (its computeOutputShape knows no height before the layer has run and no width at all), so the layers after it are built on that shape; the tensor it computes is (N,H,W',C) with a random width W'`,
    );
    call.ctx.invalid(TFJS_RESIZE_IN_MODEL(call.label));
    return tensorOf(tfjsShape, input.dtype);
  },
  params: () => 0,
};

/** The preprocessing layers of Keras and tfjs. */
export const kerasPreprocessingDefs: KerasLayerDef[] = [centerCrop, resizing, categoryEncoding, randomWidth];
