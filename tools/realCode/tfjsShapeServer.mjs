// The truth side of tools/realCode/recordKeras.py: a line-oriented JSON server that builds, one
// request at a time, the layers a Keras builder creates, with real @tensorflow/tfjs, and answers
// with the output shapes and parameter counts tfjs computes. The Python recorder runs the Keras
// code with a stand-in `keras` module; every layer construction and call becomes a request here,
// so shapes the code reads back (`backend.int_shape(x)`) are tfjs's. Keras layers tfjs lacks are
// small tfjs custom layers whose output shapes and weights follow Keras's own formulas (the
// Keras source line is cited at each one), and tensor operations on symbolic tensors (`x + y`,
// slicing, `ops.*`) run the real tfjs op on a zero tensor whose unknown sizes are a marker.
//
// Requests (one JSON object per line): {op:"input", id, shape}, {op:"layer", id, cls, config},
// {op:"apply", layer, inputs:[ids], out, kwargs}, {op:"tensorOp", fn, inputs:[ids|const], args, out},
// {op:"params", layer}. Answers: {ok:true, shapes, params} or {ok:false, error}.

import { createInterface } from 'node:readline';
import * as tf from '@tensorflow/tfjs';

tf.enableProdMode();
console.warn = () => {};

/** Unknown sizes (None) become this marker when a real op runs on a zero tensor. */
const MARK = 97;

const tensors = new Map();
const layers = new Map();
/** Weights Keras has and tfjs does not: layer id -> extra parameter count. */
const extraParams = new Map();

/**
 * keras/src/layers/rnn/gru.py, GRUCell.build: with reset_after=True (Keras's default since
 * TF 2.0) the bias has shape (2, 3 * units), one for the input and one for the recurrent kernel;
 * tfjs's GRU has only the first. A Bidirectional wrapper holds two such cells.
 */
function gruExtra(cls, config) {
  if (cls === 'GRU') return config.reset_after === false ? 0 : 3 * config.units;
  if (cls === 'Bidirectional') return 2 * (extraParams.get(config.layer) ?? 0);
  return 0;
}
const countOf = (id) => layers.get(id).countParams() + (extraParams.get(id) ?? 0);

function camel(s) {
  return s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
}

/** Keras class name -> tfjs layer factory name; aliases included. */
const FACTORY = {
  Conv1D: 'conv1d', Conv2D: 'conv2d', Conv3D: 'conv3d', Conv2DTranspose: 'conv2dTranspose', Conv3DTranspose: 'conv3dTranspose',
  Convolution1D: 'conv1d', Convolution2D: 'conv2d',
  SeparableConv2D: 'separableConv2d', DepthwiseConv2D: 'depthwiseConv2d', Dense: 'dense', Dropout: 'dropout',
  BatchNormalization: 'batchNormalization', LayerNormalization: 'layerNormalization', Activation: 'activation',
  ReLU: 'reLU', LeakyReLU: 'leakyReLU', PReLU: 'prelu', ELU: 'elu', Softmax: 'softmax', ThresholdedReLU: 'thresholdedReLU',
  MaxPooling1D: 'maxPooling1d', MaxPooling2D: 'maxPooling2d', MaxPooling3D: 'maxPooling3d', MaxPool1D: 'maxPooling1d', MaxPool2D: 'maxPooling2d',
  AveragePooling1D: 'averagePooling1d', AveragePooling2D: 'averagePooling2d', AvgPool1D: 'averagePooling1d', AvgPool2D: 'averagePooling2d',
  GlobalAveragePooling1D: 'globalAveragePooling1d', GlobalAveragePooling2D: 'globalAveragePooling2d', GlobalAvgPool1D: 'globalAveragePooling1d', GlobalAvgPool2D: 'globalAveragePooling2d',
  GlobalMaxPooling1D: 'globalMaxPooling1d', GlobalMaxPooling2D: 'globalMaxPooling2d', GlobalMaxPool1D: 'globalMaxPooling1d', GlobalMaxPool2D: 'globalMaxPooling2d',
  Reshape: 'reshape', Permute: 'permute', RepeatVector: 'repeatVector', Embedding: 'embedding',
  ZeroPadding2D: 'zeroPadding2d', Cropping2D: 'cropping2D', UpSampling2D: 'upSampling2d',
  Add: 'add', Multiply: 'multiply', Concatenate: 'concatenate', Average: 'average', Maximum: 'maximum', Minimum: 'minimum', Dot: 'dot',
  LSTM: 'lstm', GRU: 'gru', SimpleRNN: 'simpleRNN', ConvLSTM2D: 'convLstm2d',
  Bidirectional: 'bidirectional', TimeDistributed: 'timeDistributed', Masking: 'masking',
  GaussianNoise: 'gaussianNoise', GaussianDropout: 'gaussianDropout', AlphaDropout: 'alphaDropout', SpatialDropout1D: 'spatialDropout1d',
  Rescaling: 'rescaling', Resizing: 'resizing', CenterCrop: 'centerCrop',
};

/** Layers whose Keras config has no effect on shapes or weights and tfjs would reject. */
const DROP = new Set(['kernel_initializer', 'bias_initializer', 'kernel_regularizer', 'bias_regularizer', 'activity_regularizer',
  'depthwise_initializer', 'pointwise_initializer', 'depthwise_regularizer', 'pointwise_regularizer', 'recurrent_initializer',
  'embeddings_initializer', 'embeddings_regularizer', 'gamma_initializer', 'beta_initializer', 'moving_mean_initializer',
  'moving_variance_initializer', 'kernel_constraint', 'bias_constraint', 'dtype', 'seed', 'noise_shape', 'trainable',
  'recurrent_regularizer', 'recurrent_constraint', 'gamma_regularizer', 'beta_regularizer', 'unroll', 'implementation',
  'recurrent_activation', 'reset_after', 'interpolation', 'data_format', 'fused']);

function tfjsConfig(cls, config) {
  const out = {};
  for (const [k, v] of Object.entries(config)) {
    if (DROP.has(k) || v === null || v === undefined) continue;
    if (k === 'name') continue;
    let key = camel(k);
    if (k === 'rate' && cls === 'SpatialDropout1D') key = 'rate';
    if (k === 'input_shape') key = 'inputShape';
    if (k === 'batch_input_shape') key = 'batchInputShape';
    if (k === 'epsilon' && cls === 'LayerNormalization') key = 'epsilon';
    if (k === 'negative_slope') key = 'alpha';
    if (k === 'target_shape' && cls === 'Reshape') key = 'targetShape';
    if (k === 'activation' && typeof v !== 'string') continue;
    if (k === 'activation' && !['relu', 'linear', 'sigmoid', 'tanh', 'softmax', 'elu', 'selu', 'softplus', 'softsign', 'relu6', 'hard_sigmoid', 'swish', 'mish', 'gelu'].includes(v)) {
      out[key] = 'linear';
      continue;
    }
    if (k === 'activation' && v === 'hard_sigmoid') { out[key] = 'hardSigmoid'; continue; }
    if (k === 'activation' && v === 'gelu') { out[key] = 'linear'; continue; }
    if (k === 'padding' && cls === 'Conv1D' && v === 'causal') { out[key] = 'causal'; continue; }
    if (k === 'padding' && typeof v === 'string') { out[key] = v.toLowerCase(); continue; }
    if (k === 'merge_mode') { out.mergeMode = v; continue; }
    out[key] = v;
  }
  // tfjs spells a few options differently from Keras.
  if (cls === 'Cropping2D' && out.cropping !== undefined) out.cropping = out.cropping;
  if ((cls === 'Concatenate' || cls === 'Dot') && out.axis === undefined && cls === 'Concatenate') out.axis = -1;
  if (cls === 'Dot' && out.axes === undefined) out.axes = -1;
  if (cls === 'ReLU' && out.maxValue === undefined && config.max_value !== undefined) out.maxValue = config.max_value;
  if (cls === 'Embedding') delete out.maskZero;
  // Initial values do not change shapes or counts; tfjs's orthogonal initializer (a QR
  // decomposition on the CPU) takes minutes on a 1024-unit recurrent kernel.
  if (['LSTM', 'GRU', 'SimpleRNN', 'ConvLSTM2D'].includes(cls)) out.recurrentInitializer = 'zeros';
  return out;
}

/** Weights and shapes of Keras layers tfjs lacks, following Keras's own build()/compute_output_shape. */
class FormulaLayer extends tf.layers.Layer {
  constructor(cls, config, formula) {
    super({ name: config.name });
    this.cls = cls;
    this.kconfig = config;
    this.formula = formula;
  }
  build(inputShape) {
    for (const [name, shape] of this.formula.weights(inputShape, this.kconfig)) this.addWeight(name, shape, 'float32', tf.initializers.zeros());
    this.built = true;
  }
  computeOutputShape(inputShape) {
    return this.formula.output(inputShape, this.kconfig);
  }
  call(inputs) {
    return tf.tidy(() => {
      const shapes = this.computeOutputShape(Array.isArray(inputs) ? inputs.map((t) => t.shape) : inputs.shape);
      return tf.zeros(shapes.map((d) => d ?? 1));
    });
  }
  getClassName() { return this.cls; }
  static get className() { return 'FormulaLayer'; }
}

const last = (s) => s[s.length - 1];
const FORMULAS = {
  // keras/src/layers/attention/multi_head_attention.py: _build_from_signature makes query/key/value
  // EinsumDense kernels (dim, heads, key_dim) with biases (heads, key_dim) and an output kernel
  // (heads, value_dim, dim) with bias (dim,); compute_output_shape returns the query's shape with
  // the last axis output_shape or the query's last axis.
  MultiHeadAttention: {
    weights(shapes, c) {
      const [q, v] = Array.isArray(shapes[0]) ? shapes : [shapes, shapes];
      const k = Array.isArray(shapes[0]) && shapes[2] ? shapes[2] : v;
      const heads = c.num_heads, kd = c.key_dim, vd = c.value_dim ?? c.key_dim, bias = c.use_bias ?? true;
      const out = c.output_shape ? (Array.isArray(c.output_shape) ? last(c.output_shape) : c.output_shape) : last(q);
      const w = [['query/kernel', [last(q), heads, kd]], ['key/kernel', [last(k), heads, kd]], ['value/kernel', [last(v), heads, vd]], ['attention_output/kernel', [heads, vd, out]]];
      if (bias) w.push(['query/bias', [heads, kd]], ['key/bias', [heads, kd]], ['value/bias', [heads, vd]], ['attention_output/bias', [out]]);
      return w;
    },
    output(shapes, c) {
      const q = Array.isArray(shapes[0]) ? shapes[0] : shapes;
      const out = c.output_shape ? (Array.isArray(c.output_shape) ? last(c.output_shape) : c.output_shape) : last(q);
      return [...q.slice(0, -1), out];
    },
  },
  // keras/src/layers/preprocessing/normalization.py: build() adds mean, variance (non-trainable,
  // the reduced shape, i.e. the last axis) and count (scalar); the output keeps the input shape.
  Normalization: {
    weights(s) { return [['mean', [last(s)]], ['variance', [last(s)]], ['count', []]]; },
    output(s) { return s; },
  },
  // keras/src/layers/normalization/group_normalization.py: gamma and beta of the channel axis.
  GroupNormalization: {
    weights(s, c) { return c.scale === false ? [] : [['gamma', [last(s)]], ['beta', [last(s)]]]; },
    output(s) { return s; },
  },
  // keras/src/layers/reshaping/flatten.py compute_output_shape: (batch, product of the other
  // sizes), also for a 2-D input, which tfjs's flatten rejects (min_ndim 3).
  Flatten: {
    weights() { return []; },
    output(s) { const rest = s.slice(1); return [s[0], rest.some((d) => d === null) ? null : rest.reduce((a, b) => a * b, 1)]; },
  },
  // Shape-only layers without weights (keras/src/layers/reshaping/*, preprocessing/*, core/identity.py).
  Identity: { weights() { return []; }, output(s) { return s; } },
  RandomFlip: { weights() { return []; }, output(s) { return s; } },
  RandomRotation: { weights() { return []; }, output(s) { return s; } },
  RandomZoom: { weights() { return []; }, output(s) { return s; } },
  RandomContrast: { weights() { return []; }, output(s) { return s; } },
  RandomTranslation: { weights() { return []; }, output(s) { return s; } },
  RandomCrop: { weights() { return []; }, output(s, c) { return [s[0], c.height, c.width, last(s)]; } },
  ActivityRegularization: { weights() { return []; }, output(s) { return s; } },
  SpatialDropout2D: { weights() { return []; }, output(s) { return s; } },
  // keras/src/layers/reshaping/zero_padding1d.py: the length grows by both pads.
  ZeroPadding1D: {
    weights() { return []; },
    output(s, c) { const p = c.padding ?? 1; const [a, b] = Array.isArray(p) ? p : [p, p]; return [s[0], s[1] === null ? null : s[1] + a + b, s[2]]; },
  },
  // keras/src/layers/reshaping/cropping1d.py.
  Cropping1D: {
    weights() { return []; },
    output(s, c) { const p = c.cropping ?? [1, 1]; const [a, b] = Array.isArray(p) ? p : [p, p]; return [s[0], s[1] === null ? null : s[1] - a - b, s[2]]; },
  },
  // keras/src/layers/reshaping/up_sampling1d.py.
  UpSampling1D: { weights() { return []; }, output(s, c) { const k = c.size ?? 2; return [s[0], s[1] === null ? null : s[1] * k, s[2]]; } },
  // keras/src/layers/preprocessing/text_vectorization.py: integer ids of output_sequence_length,
  // or one vector of max_tokens for the multi-hot/count/tf-idf modes.
  TextVectorization: {
    weights() { return []; },
    output(s, c) { return c.output_mode === 'int' || c.output_mode === undefined ? [s[0], c.output_sequence_length ?? null] : [s[0], c.max_tokens]; },
  },
};

function realLayer(cls, config) {
  if (FACTORY[cls]) {
    const cfg = tfjsConfig(cls, config);
    if (config.name) cfg.name = config.name;
    if (cls === 'Bidirectional' || cls === 'TimeDistributed') {
      cfg.layer = layers.get(config.layer);
    }
    if (cls === 'Dropout' || cls === 'SpatialDropout1D') cfg.rate = config.rate;
    return tf.layers[FACTORY[cls]](cfg);
  }
  if (FORMULAS[cls]) return new FormulaLayer(cls, config, FORMULAS[cls]);
  throw new Error(`no tfjs layer and no Keras formula for ${cls}`);
}

function shapeOf(t) {
  return t.shape.map((d) => (d === null || d === undefined ? null : d));
}

/** Runs a real tfjs op on zero tensors whose unknown sizes are MARK, and maps MARK back to null. */
function tensorOp(fn, args, inputs) {
  // Element-wise ops: tfjs's own broadcasting rule, without allocating the operands.
  if (['add', 'sub', 'mul', 'div', 'unary'].includes(fn)) {
    const shapes = inputs.map((x) => (typeof x === 'object' && x !== null && 'ref' in x ? tensors.get(x.ref).shape : Array.isArray(x) ? tf.tensor(x).shape : []));
    let out = shapes[0].map((d) => d ?? -1);
    for (const s of shapes.slice(1)) out = tf.backend_util.assertAndGetBroadcastShape(out, s.map((d) => d ?? -1));
    return [out.map((d) => (d === -1 ? null : d))];
  }
  if (fn === 'reshape') {
    // Keras/NumPy reshape: one -1 takes what is left, unknown when an input size is unknown.
    const inShape = tensors.get(inputs[0].ref).shape;
    const target = args.shape.map((d) => (d === null ? -1 : d));
    const known = inShape.every((d) => d !== null);
    const total = known ? inShape.reduce((a, b) => a * b, 1) : null;
    const rest = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    return [target.map((d) => (d === -1 ? (total === null ? null : total / rest) : d))];
  }
  if (fn === 'take') {
    const a = tensors.get(inputs[0].ref).shape, idx = tensors.get(inputs[1].ref).shape;
    const axis = args.axis < 0 ? a.length + args.axis : args.axis;
    return [[...a.slice(0, axis), ...idx, ...a.slice(axis + 1)]];
  }
  if (fn === 'const') return [args.shape];
  if (fn === 'getitem') return [getItemShape(tensors.get(inputs[0].ref).shape, args.index)];
  const vals = inputs.map((x) => (typeof x === 'object' && x !== null && 'ref' in x ? tf.zeros(tensors.get(x.ref).shape.map((d) => d ?? MARK)) : x));
  const hadNull = inputs.some((x) => typeof x === 'object' && x !== null && 'ref' in x && tensors.get(x.ref).shape.some((d) => d === null));
  const t = (i) => vals[i];
  let r;
  switch (fn) {
    case 'add': r = tf.add(t(0), t(1)); break;
    case 'sub': r = tf.sub(t(0), t(1)); break;
    case 'mul': r = tf.mul(t(0), t(1)); break;
    case 'div': r = tf.div(t(0), t(1)); break;
    case 'matmul': r = tf.matMul(t(0), t(1), args.transpose_a, args.transpose_b); break;
    case 'unary': r = t(0); break;
    case 'reshape': r = tf.reshape(t(0), args.shape.map((d) => (d === null ? MARK : d))); break;
    case 'transpose': r = tf.transpose(t(0), args.perm ?? undefined); break;
    case 'concat': r = tf.concat(vals, args.axis ?? -1); break;
    case 'stack': r = tf.stack(vals, args.axis ?? 0); break;
    case 'expand_dims': r = tf.expandDims(t(0), args.axis); break;
    case 'squeeze': r = tf.squeeze(t(0), args.axis === undefined || args.axis === null ? undefined : [].concat(args.axis)); break;
    case 'reduce': r = tf.sum(t(0), args.axis ?? undefined, args.keepdims ?? false); break;
    case 'split': r = tf.split(t(0), args.num, args.axis ?? 0); break;
    default: throw new Error(`tensor op ${fn} unknown to the server`);
  }
  const outs = Array.isArray(r) ? r : [r];
  const shapes = outs.map((o) => o.shape.map((d) => (hadNull && d === MARK ? null : d)));
  vals.forEach((v) => v instanceof tf.Tensor && v.dispose());
  outs.forEach((o) => o.dispose());
  return shapes;
}

/** NumPy/Keras indexing of a shape (None sizes stay None); index entries are {slice}, {int}, {newaxis}, {ellipsis}. */
function getItemShape(shape, index) {
  const x = { shape };
  const rank = x.shape.length;
  const explicit = index.filter((e) => !e.newaxis && !e.ellipsis).length;
  const full = [];
  for (const e of index) {
    if (e.ellipsis) for (let i = 0; i < rank - explicit; i++) full.push({ slice: [null, null, null] });
    else full.push(e);
  }
  let axis = 0;
  const out = [];
  for (const e of full) {
    if (e.newaxis) { out.push(1); continue; }
    const n = x.shape[axis++];
    if (e.int !== undefined) continue;
    const [a, b, s] = e.slice;
    const step = s ?? 1;
    if (n === null) { out.push(null); continue; }
    const norm = (v, d) => (v === null ? d : v < 0 ? Math.max(0, n + v) : Math.min(n, v));
    const lo = norm(a, 0), hi = norm(b, n);
    out.push(Math.max(0, Math.ceil((hi - lo) / step)));
  }
  while (axis < rank) out.push(x.shape[axis++]);
  return out;
}

function handle(req) {
  switch (req.op) {
    case 'input': {
      const t = tf.input({ shape: req.shape.slice(1), batchSize: req.shape[0] ?? undefined, name: req.name ?? undefined, dtype: req.dtype === 'int32' ? 'int32' : 'float32' });
      tensors.set(req.id, t);
      return { shapes: [shapeOf(t)] };
    }
    case 'layer': {
      layers.set(req.id, realLayer(req.cls, req.config));
      extraParams.set(req.id, gruExtra(req.cls, req.config));
      return {};
    }
    case 'apply': {
      const layer = layers.get(req.layer);
      const ins = req.inputs.map((i) => tensors.get(i));
      const kwargs = {};
      if (req.initialState) kwargs.initialState = req.initialState.map((i) => tensors.get(i));
      let r = layer.apply(req.list || ins.length > 1 ? ins : ins[0], kwargs);
      const outs = Array.isArray(r) ? r : [r];
      outs.forEach((o, i) => tensors.set(req.out[i] ?? `${req.out[0]}#${i}`, o));
      return { shapes: outs.map(shapeOf), params: countOf(req.layer) };
    }
    case 'tensorOp': {
      const shapes = tensorOp(req.fn, req.args ?? {}, req.inputs);
      // A symbolic tensor of the computed shape stands for the op's result downstream.
      shapes.forEach((s, i) => tensors.set(req.out[i], tf.input({ batchShape: s })));
      return { shapes };
    }
    case 'params':
      return { params: countOf(req.layer) };
    default:
      throw new Error(`unknown request ${req.op}`);
  }
}

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  let answer;
  try {
    answer = { ok: true, ...handle(JSON.parse(line)) };
  } catch (e) {
    answer = { ok: false, error: String(e && e.message ? e.message : e) };
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
});
