// Recurrent layers: RNN, LSTM and GRU (stacked, bidirectional, batch_first, LSTM's proj_size,
// unbatched inputs) with their tuple outputs `(output, h_n)` and `(output, (h_n, c_n))`, and the
// single-step cells RNNCell, LSTMCell and GRUCell.

import { recurrenceNotation } from '../notation';
import { addDim, formatDim, mulDim, symDim, type Dim } from '../shapes';
import { type LayerConfig, type LayerContext, type LayerSpec, type ParamSpec, type TensorArg } from './layerSpec';
import { gatedCellParameters } from './parameterFormulas';
import {
  boolArg,
  channelDim,
  checkCountable,
  dimArg,
  expectDim,
  expectRank,
  firstTensor,
  intArg,
  layerLabel,
  numArg,
  safeCount,
  shapeText,
  strArg,
  tensorArg,
  tensorOf,
  tupleOf,
  UNKNOWN_VALUE,
} from './ruleHelpers';

type RnnKind = 'RNN' | 'LSTM' | 'GRU';

/** Gates per cell: the weight matrices are stacked gate by gate. */
const GATES: Record<RnnKind, number> = { RNN: 1, LSTM: 4, GRU: 3 };

const DEVICE: ParamSpec[] = [
  { name: 'device', default: null },
  { name: 'dtype', default: null },
];

function rnnSignature(kind: RnnKind): ParamSpec[] {
  const head: ParamSpec[] = [{ name: 'input_size' }, { name: 'hidden_size' }, { name: 'num_layers', default: 1 }];
  // PyTorch ≥ 2.0 takes RNN's nonlinearity as the fourth positional argument; 1.13 took it by keyword only.
  if (kind === 'RNN') head.push({ name: 'nonlinearity', default: 'tanh' });
  head.push(
    { name: 'bias', default: true },
    { name: 'batch_first', default: false },
    { name: 'dropout', default: 0.0 },
    { name: 'bidirectional', default: false },
  );
  if (kind === 'LSTM') head.push({ name: 'proj_size', default: 0 });
  return [...head, ...DEVICE];
}

/** Directions, layers, hidden size and the size of h (proj_size when projecting). */
function rnnDims(cfg: LayerConfig): { directions: number | null; layers: Dim; hidden: Dim; hOut: Dim } {
  const bidirectional = boolArg(cfg.bidirectional);
  const hidden = dimArg(cfg.hidden_size);
  const proj = intArg(cfg.proj_size ?? 0);
  return {
    directions: bidirectional === null ? null : bidirectional ? 2 : 1,
    layers: dimArg(cfg.num_layers),
    hidden,
    hOut: proj !== null && proj > 0 ? proj : proj === null ? dimArg(undefined) : hidden,
  };
}

function validateRnn(kind: RnnKind, cfg: LayerConfig, ctx: LayerContext): void {
  const hidden = intArg(cfg.hidden_size);
  const layers = intArg(cfg.num_layers);
  const dropout = numArg(cfg.dropout);
  const proj = intArg(cfg.proj_size ?? 0);
  checkCountable(kind, 'weights', [GATES[kind], dimArg(cfg.hidden_size), addDim(dimArg(cfg.input_size), dimArg(cfg.hidden_size))], ctx);
  if (hidden !== null && hidden <= 0) ctx.invalid(`${kind}: hidden_size must be greater than zero but got ${hidden}`);
  if (layers !== null && layers <= 0) ctx.invalid(`${kind}: num_layers must be greater than or equal to 1 but got ${layers}`);
  if (dropout !== null && (dropout < 0 || dropout > 1)) ctx.invalid(`${kind}: dropout should be a number in range [0, 1] but got ${dropout}`);
  if (proj !== null && proj < 0) ctx.invalid(`${kind}: proj_size should be a positive integer or zero to disable projections`);
  if (proj !== null && hidden !== null && proj > 0 && proj >= hidden) ctx.invalid(`${kind}: proj_size (${proj}) has to be smaller than hidden_size (${hidden})`);
  const nonlinearity = strArg(cfg.nonlinearity ?? null);
  if (kind === 'RNN' && nonlinearity !== null && nonlinearity !== 'tanh' && nonlinearity !== 'relu') {
    ctx.invalid(`RNN: unknown nonlinearity '${nonlinearity}', expected 'tanh' or 'relu'`);
  }
}

function rnnParams(kind: RnnKind, cfg: LayerConfig): number | null {
  const input = intArg(cfg.input_size);
  const hidden = intArg(cfg.hidden_size);
  const layers = intArg(cfg.num_layers);
  const proj = intArg(cfg.proj_size ?? 0);
  const bias = boolArg(cfg.bias);
  const bidirectional = boolArg(cfg.bidirectional);
  if (input === null || hidden === null || layers === null || proj === null || bias === null || bidirectional === null) return null;
  const directions = bidirectional ? 2 : 1;
  const hOut = proj > 0 ? proj : hidden;
  const projection = proj > 0 ? proj * hidden : 0;
  // The first layer reads the input, the others the previous layer's output (both directions):
  // a closed form, so that a num_layers of 10**9 costs nothing to count.
  const first = addDim(gatedCellParameters(GATES[kind], input, hOut, hidden, bias ? 2 : 0), projection);
  const later = addDim(gatedCellParameters(GATES[kind], hOut * directions, hOut, hidden, bias ? 2 : 0), projection);
  const total = layers <= 0 ? 0 : mulDim(directions, addDim(first, mulDim(layers - 1, later)));
  return typeof total === 'number' ? safeCount(total) : null;
}

/** Checks a provided initial state against the shape the layer expects. */
function checkState(label: string, what: string, state: TensorArg | null, expected: Dim[], ctx: LayerContext): void {
  if (!state) return;
  const message = `${label} expects ${what} of shape ${shapeText(expected)} but got ${shapeText(state.shape)}`;
  if (state.shape.length !== expected.length) ctx.mismatch(message);
  else state.shape.every((d, i) => expectDim(d, expected[i], message, ctx));
}

function rnnSpec(kind: RnnKind): LayerSpec {
  const spec: LayerSpec = {
    name: kind,
    framework: 'pytorch',
    family: 'recurrent',
    inputSize: { param: 'input_size', axis: 'last' },
    inputLayout: (cfg) => ({ shape: cfg.batch_first === true ? [symDim('N'), symDim('T'), channelDim(cfg.input_size)] : [symDim('T'), symDim('N'), channelDim(cfg.input_size)], startsField: false }),
    signature: rnnSignature(kind),
    validate: (cfg, ctx) => validateRnn(kind, cfg, ctx),
    forward(cfg, args, kwargs, ctx) {
      const x = tensorArg(args, kwargs, 0, 'input');
      if (!x) return UNKNOWN_VALUE;
      const label = layerLabel(spec, cfg);
      if (!expectRank(label, x, [2, 3], ctx)) return UNKNOWN_VALUE;
      const inputSize = dimArg(cfg.input_size);
      const features = x.shape[x.shape.length - 1];
      expectDim(features, inputSize, `${label} expects ${formatDim(inputSize)} input features but got ${formatDim(features)} (input ${shapeText(x.shape)})`, ctx);
      const { directions, layers, hidden, hOut } = rnnDims(cfg);
      const D: Dim = directions ?? dimArg(undefined);
      const batched = x.shape.length === 3;
      const batchFirst = boolArg(cfg.batch_first) === true;
      const outFeatures = mulDim(D, hOut);
      const stateLayers = mulDim(D, layers);
      let output: Dim[];
      let batch: Dim[] = [];
      if (batched) {
        const [a, b] = x.shape;
        batch = [batchFirst ? a : b];
        output = [a, b, outFeatures];
      } else {
        output = [x.shape[0], outFeatures];
      }
      const hShape = [stateLayers, ...batch, hOut];
      const cShape = [stateLayers, ...batch, hidden];
      const hx = args[1] ?? kwargs.hx;
      if (kind === 'LSTM') {
        if (hx && hx.kind === 'tuple') {
          checkState(label, 'h_0', firstTensor(hx.items[0]), hShape, ctx);
          checkState(label, 'c_0', firstTensor(hx.items[1]), cShape, ctx);
        }
        return tupleOf(tensorOf(output), tupleOf(tensorOf(hShape), tensorOf(cShape)));
      }
      if (hx && hx.kind === 'tensor') checkState(label, 'h_0', hx, hShape, ctx);
      return tupleOf(tensorOf(output), tensorOf(hShape));
    },
    params: (cfg) => rnnParams(kind, cfg),
    notation(cfg, inputs, output) {
      const x = firstTensor(inputs[0]);
      if (!x || output.kind !== 'tuple') return null;
      const y = firstTensor(output.items[0]);
      const h = firstTensor(output.items[1]);
      if (!y || !h) return null;
      const layers = intArg(cfg.num_layers);
      const cell = `${boolArg(cfg.bidirectional) ? 'bi-' : ''}${kind}${layers !== null && layers > 1 ? `×${layers}` : ''}`;
      return `${recurrenceNotation(x.shape, cell, dimArg(cfg.input_size), dimArg(cfg.hidden_size), y.shape)}, h_n ${shapeText(h.shape)}`;
    },
    formula(cfg) {
      const params = rnnParams(kind, cfg);
      const { directions, layers, hidden } = rnnDims(cfg);
      const gates = GATES[kind];
      return `${gates}·${formatDim(hidden)} gate rows × ${formatDim(layers)} layer(s) × ${directions ?? '?'} direction(s); params ${params ?? '?'}`;
    },
    macs(cfg, inputs) {
      const x = firstTensor(inputs[0]);
      const params = rnnParams(kind, cfg);
      if (!x || params === null) return null;
      // Each time step of each sequence multiplies through every weight matrix once.
      const steps = x.shape.length === 3 ? mulDim(x.shape[0], x.shape[1]) : x.shape[0];
      return typeof steps === 'number' ? steps * params : null;
    },
  };
  return spec;
}

function cellSpec(kind: RnnKind): LayerSpec {
  const name = `${kind}Cell`;
  const signature: ParamSpec[] = [{ name: 'input_size' }, { name: 'hidden_size' }, { name: 'bias', default: true }];
  if (kind === 'RNN') signature.push({ name: 'nonlinearity', default: 'tanh' });
  signature.push(...DEVICE);
  const spec: LayerSpec = {
    name,
    framework: 'pytorch',
    family: 'recurrent',
    inputSize: { param: 'input_size', axis: 'last' },
    signature,
    validate(cfg, ctx) {
      const nonlinearity = strArg(cfg.nonlinearity ?? null);
      if (kind === 'RNN' && nonlinearity !== null && nonlinearity !== 'tanh' && nonlinearity !== 'relu') {
        ctx.invalid(`RNNCell: unknown nonlinearity '${nonlinearity}', expected 'tanh' or 'relu'`);
      }
    },
    forward(cfg, args, kwargs, ctx) {
      const x = tensorArg(args, kwargs, 0, 'input');
      if (!x) return UNKNOWN_VALUE;
      const label = layerLabel(spec, cfg);
      if (!expectRank(label, x, [1, 2], ctx)) return UNKNOWN_VALUE;
      const inputSize = dimArg(cfg.input_size);
      const features = x.shape[x.shape.length - 1];
      expectDim(features, inputSize, `${label} expects ${formatDim(inputSize)} input features but got ${formatDim(features)} (input ${shapeText(x.shape)})`, ctx);
      const hidden = dimArg(cfg.hidden_size);
      const state = x.shape.length === 2 ? [x.shape[0], hidden] : [hidden];
      const hx = args[1] ?? kwargs.hx;
      if (kind === 'LSTM') {
        if (hx && hx.kind === 'tuple') {
          checkState(label, 'h_0', firstTensor(hx.items[0]), state, ctx);
          checkState(label, 'c_0', firstTensor(hx.items[1]), state, ctx);
        }
        return tupleOf(tensorOf(state), tensorOf(state));
      }
      if (hx && hx.kind === 'tensor') checkState(label, 'h_0', hx, state, ctx);
      return tensorOf(state);
    },
    params(cfg) {
      const input = dimArg(cfg.input_size);
      const hidden = dimArg(cfg.hidden_size);
      const bias = boolArg(cfg.bias);
      const gate = mulDim(GATES[kind], hidden);
      const total = addDim(mulDim(gate, addDim(input, hidden)), bias ? mulDim(2, gate) : 0);
      return typeof total === 'number' && bias !== null ? safeCount(total) : null;
    },
    notation(cfg, inputs, output) {
      const x = firstTensor(inputs[0]);
      const y = firstTensor(output);
      return x && y ? recurrenceNotation(x.shape, name, dimArg(cfg.input_size), dimArg(cfg.hidden_size), y.shape) : null;
    },
  };
  return spec;
}

/** The recurrent family's entries. */
export const recurrentSpecs: readonly LayerSpec[] = [rnnSpec('RNN'), rnnSpec('LSTM'), rnnSpec('GRU'), cellSpec('RNN'), cellSpec('LSTM'), cellSpec('GRU')];

