// Recurrent cells and the layers that run them, written once for Keras and tfjs: the generic RNN
// layer over one cell, a list of cells or StackedRNNCells; the cells themselves (SimpleRNNCell,
// LSTMCell, GRUCell, ConvLSTM2DCell), which hold configuration and weights but are not layers one
// applies to a sequence; and ConvLSTM2D, an LSTM whose gates are 2-D convolutions. A cell arrives
// in the config as `{ layer: 'lstmCell', config: {...} }`, the catalogue's convention for module
// arguments, so its sizes are read from that config.

import { formatShape, mulDim, productDim, type Dim } from '../shapes';
import type { LayerConfig, LayerValue, ParamSpec } from './layerSpec';
import { gatedCellParameters } from './parameterFormulas';
import { tensorOf, tupleOf, UNKNOWN_VALUE } from './ruleHelpers';
import { unitsOf } from './kerasCore';
import { slide, windowOf } from './kerasConv';
import {
  assemble,
  canonicalConfig,
  exact,
  expectNdim,
  firstInput,
  flag,
  kerasClassNameOf,
  layoutAxes,
  nestedLayer,
  paddingMode,
  sumCounts,
  type KerasCall,
  type KerasFramework,
  type KerasLayerDef,
} from './kerasDefinitions';

type View = Omit<KerasCall, 'ctx'>;
type CellClass = 'SimpleRNNCell' | 'LSTMCell' | 'GRUCell';

/** Weight matrices per cell: one for a plain RNN, four gates for LSTM, three for GRU. */
const GATES: Record<CellClass | 'ConvLSTM2DCell', number> = { SimpleRNNCell: 1, LSTMCell: 4, GRUCell: 3, ConvLSTM2DCell: 4 };

/** State tensors a cell carries from step to step: LSTM cells keep h and c, the others h. */
const STATES: Record<CellClass | 'ConvLSTM2DCell', number> = { SimpleRNNCell: 1, LSTMCell: 2, GRUCell: 1, ConvLSTM2DCell: 2 };

const kw = (name: string, value: boolean | number | string | null): ParamSpec => ({ name, default: value, keywordOnly: true });

function cellSignature(cell: CellClass): ParamSpec[] {
  const head: ParamSpec[] = [{ name: 'units' }, { name: 'activation', default: 'tanh' }];
  if (cell !== 'SimpleRNNCell') head.push({ name: 'recurrent_activation', default: 'sigmoid' });
  head.push({ name: 'use_bias', default: true });
  const tail = [kw('dropout', 0), kw('recurrent_dropout', 0)];
  if (cell === 'GRUCell') tail.push(kw('reset_after', true));
  return [...head, ...tail];
}

/** The sequence flags every recurrent layer takes, keyword-only as Keras declares them. */
const SEQUENCE_FLAGS: ParamSpec[] = [
  kw('return_sequences', false),
  kw('return_state', false),
  kw('go_backwards', false),
  kw('stateful', false),
  kw('unroll', false),
];

/**
 * A cell applied on its own takes `[input, ...states]` for one time step; models use cells
 * through `RNN`, so a direct call is said rather than guessed.
 */
function cellForward(call: KerasCall): LayerValue {
  call.ctx.gap(`${call.label} is a recurrent cell: applied on its own it computes one time step, which the analysis does not follow; wrap it in RNN to run it over a sequence`);
  return UNKNOWN_VALUE;
}

function cellDef(cell: CellClass): KerasLayerDef {
  return {
    className: cell,
    keras: cell,
    tfjs: cell === 'SimpleRNNCell' ? 'simpleRNNCell' : cell === 'LSTMCell' ? 'lstmCell' : 'gruCell',
    family: 'recurrent',
    signature: cellSignature(cell),
    tfjsDefaults: cell === 'GRUCell' ? { reset_after: false } : undefined,
    forward: (call) => cellForward(call),
    params: () => null,
  };
}

const convLstmSignature: ParamSpec[] = [
  { name: 'filters' },
  { name: 'kernel_size' },
  { name: 'strides', default: 1 },
  { name: 'padding', default: 'valid' },
  { name: 'data_format', default: null },
  { name: 'dilation_rate', default: 1 },
  { name: 'activation', default: 'tanh' },
  { name: 'recurrent_activation', default: 'sigmoid' },
  { name: 'use_bias', default: true },
];

const convLstmCell: KerasLayerDef = {
  className: 'ConvLSTM2DCell',
  // Keras exports no public ConvLSTM2D cell; tfjs does.
  keras: null,
  tfjs: 'convLstm2dCell',
  family: 'recurrent',
  signature: [...convLstmSignature, kw('dropout', 0), kw('recurrent_dropout', 0)],
  forward: (call) => cellForward(call),
  params: () => null,
};

/** The cell definitions by class name, to read a nested cell's config in canonical spelling. */
const CELL_DEFS = new Map<string, KerasLayerDef>([
  ...(['SimpleRNNCell', 'LSTMCell', 'GRUCell'] as const).map((c) => [c, cellDef(c)] as const),
  ['ConvLSTM2DCell', convLstmCell],
]);

/** One cell of an RNN layer: its class and its config with Keras's keys. */
interface CellView {
  kind: CellClass | 'ConvLSTM2DCell';
  cfg: LayerConfig;
}

/**
 * The cells an RNN layer runs, in order: one cell, a list of cells, or StackedRNNCells holding a
 * list. Null (with the reason) when one of them is not a cell the analysis knows.
 */
function cellsOf(call: Pick<KerasCall, 'cfg' | 'fw' | 'lookup'>): { cells: CellView[] } | { why: string } {
  const one = (v: LayerConfig[string]): CellView[] | string => {
    const nested = nestedLayer(call, v);
    if (!nested) return 'a cell the analysis does not know';
    const className = kerasClassNameOf(nested.spec);
    if (className === 'StackedRNNCells') {
      const list = canonicalConfig(nested.cfg, stackedCells, call.fw as KerasFramework).cells;
      if (!Array.isArray(list)) return 'StackedRNNCells without a known list of cells';
      const out: CellView[] = [];
      for (const item of list) {
        const got = one(item);
        if (typeof got === 'string') return got;
        out.push(...got);
      }
      return out;
    }
    const def = CELL_DEFS.get(className);
    if (!def) return `${className}, which is not a recurrent cell`;
    return [{ kind: className as CellView['kind'], cfg: canonicalConfig(nested.cfg, def, call.fw as KerasFramework) }];
  };
  const given = call.cfg.cell;
  const items = Array.isArray(given) ? given : [given];
  const cells: CellView[] = [];
  for (const item of items) {
    const got = one(item);
    if (typeof got === 'string') return { why: got };
    cells.push(...got);
  }
  return cells.length > 0 ? { cells } : { why: 'an empty list of cells' };
}

/** Parameters of one plain cell reading `features` inputs per step. */
function cellParams(cell: CellView, features: Dim, fw: KerasFramework): number | null {
  if (cell.kind === 'ConvLSTM2DCell') return null;
  const units = unitsOf(cell.cfg);
  const bias = flag(cell.cfg, 'use_bias', true);
  // GRU with reset_after keeps separate input and recurrent biases (Keras's default; tfjs lacks it).
  const twoBiases = cell.kind === 'GRUCell' && flag(cell.cfg, 'reset_after', fw === 'keras');
  return exact(gatedCellParameters(GATES[cell.kind], features, units, units, !bias ? 0 : twoBiases ? 2 : 1));
}

const rnn: KerasLayerDef = {
  className: 'RNN',
  keras: 'RNN',
  tfjs: 'rnn',
  family: 'recurrent',
  signature: [{ name: 'cell' }, ...SEQUENCE_FLAGS],
  forward: (call, inputs) => {
    const found = cellsOf(call);
    if ('why' in found) {
      call.ctx.gap(`${call.label}: its cell is ${found.why}; shapes after it are unknown`);
      return UNKNOWN_VALUE;
    }
    const input = firstInput(inputs);
    if (!input) return UNKNOWN_VALUE;
    // The generic RNN layer declares a 3-D input; a convolutional cell needs ConvLSTM2D instead.
    if (!expectNdim(call, input, 3, '(N,T,F)')) return UNKNOWN_VALUE;
    const { cells } = found;
    if (cells.some((c) => c.kind === 'ConvLSTM2DCell')) {
      call.ctx.gap(`${call.label}: a ConvLSTM2DCell runs in ConvLSTM2D, not in RNN`);
      return UNKNOWN_VALUE;
    }
    if (call.fw === 'tfjs' && cells.some((c) => c.kind === 'GRUCell' && flag(c.cfg, 'reset_after', false))) {
      call.ctx.invalid(`${call.label}: tfjs's GRUCell does not support resetAfter: true; tfjs throws when the cell is created`);
    }
    const [batch, steps] = input.shape;
    const units = unitsOf(cells[cells.length - 1].cfg);
    const output = flag(call.cfg, 'return_sequences', false) ? tensorOf([batch, steps, units]) : tensorOf([batch, units]);
    if (!flag(call.cfg, 'return_state', false)) return output;
    // tfjs lists stacked cells' states last cell first (its StackedRNNCells reverses them); Keras in order.
    const ordered = call.fw === 'tfjs' ? [...cells].reverse() : cells;
    const states = ordered.flatMap((c) => Array.from({ length: STATES[c.kind] }, () => tensorOf([batch, unitsOf(c.cfg)])));
    return tupleOf(output, ...states);
  },
  params: (call, inputs) => {
    const found = cellsOf(call);
    const input = firstInput(inputs);
    if ('why' in found || !input || input.shape.length !== 3) return null;
    let features = input.shape[2];
    const counts: (number | null)[] = [];
    for (const cell of found.cells) {
      counts.push(cellParams(cell, features, call.fw));
      features = unitsOf(cell.cfg);
    }
    return sumCounts(...counts);
  },
  formula: (call, inputs) => {
    const found = cellsOf(call);
    if ('why' in found) return null;
    const total = rnn.params(call, inputs);
    const names = found.cells.map((c) => `${c.kind}(${String(c.cfg.units ?? c.cfg.filters)})`).join(' → ');
    return `cells ${names}, each reading the previous one's output${total !== null ? `; params = ${total}` : ''}`;
  },
};

const stackedCells: KerasLayerDef = {
  className: 'StackedRNNCells',
  keras: 'StackedRNNCells',
  tfjs: 'stackedRNNCells',
  family: 'recurrent',
  signature: [{ name: 'cells' }],
  forward: (call) => cellForward(call),
  params: () => null,
};

/** The spatial sizes and channels of a ConvLSTM2D step in the layer's layout. */
function convLstmStep(view: View, shape: readonly Dim[]): { spatial: Dim[]; channels: Dim } {
  // A step is a 4-D image (N, H, W, C) or (N, C, H, W): the sequence's shape without its time axis.
  const step = [shape[0], ...shape.slice(2)];
  const { spatial, channel } = layoutAxes(view.cfg, 4);
  return { spatial: spatial.map((a) => step[a]), channels: step[channel] };
}

const convLstm2d: KerasLayerDef = {
  className: 'ConvLSTM2D',
  keras: 'ConvLSTM2D',
  tfjs: 'convLstm2d',
  family: 'recurrent',
  signature: [...convLstmSignature, kw('dropout', 0), kw('recurrent_dropout', 0), ...SEQUENCE_FLAGS],
  forward: (call, inputs) => {
    const input = firstInput(inputs);
    if (!input) return UNKNOWN_VALUE;
    const layout = call.cfg.data_format === 'channels_first' ? '(N,T,C,H,W)' : '(N,T,H,W,C)';
    if (!expectNdim(call, input, 5, layout)) return UNKNOWN_VALUE;
    const { kernel, strides, dilation } = windowOf(call.cfg, 2, 'kernel_size');
    const { spatial } = convLstmStep(call, input.shape);
    const out = slide(call, spatial, kernel, strides, dilation, paddingMode(call.cfg) ?? 'valid', 'kernel');
    const filters = unitsOf(call.cfg, 'filters');
    const [batch, steps] = input.shape;
    const state = assemble(call.cfg, batch, out, filters);
    const output = flag(call.cfg, 'return_sequences', false) ? tensorOf([batch, steps, ...state.slice(1)]) : tensorOf(state);
    if (!flag(call.cfg, 'return_state', false)) return output;
    return tupleOf(output, tensorOf(state), tensorOf(state));
  },
  params: (call, inputs) => {
    const input = firstInput(inputs);
    if (!input || input.shape.length !== 5) return null;
    const { kernel } = windowOf(call.cfg, 2, 'kernel_size');
    const { channels } = convLstmStep(call, input.shape);
    const filters = unitsOf(call.cfg, 'filters');
    // Four gates, each a convolution of the input and one of the previous state, plus biases.
    const gates = mulDim(4, filters);
    const weights = mulDim(productDim(kernel), mulDim(gates, channels));
    const recurrent = mulDim(productDim(kernel), mulDim(gates, filters));
    return sumCounts(exact(weights), exact(recurrent), flag(call.cfg, 'use_bias', true) ? exact(gates) : 0);
  },
  formula: (call, inputs) => {
    const input = firstInput(inputs);
    const total = convLstm2d.params(call, inputs);
    if (!input || input.shape.length !== 5 || total === null) return null;
    return `params = 4·(k_h·k_w·C·filters + k_h·k_w·filters·filters + filters) over a ${formatShape(input.shape)} sequence = ${total}`;
  },
};

/** The generic RNN layer, its cells, StackedRNNCells and ConvLSTM2D of Keras and tfjs. */
export const kerasRecurrentCellDefs: KerasLayerDef[] = [rnn, ...CELL_DEFS.values(), stackedCells, convLstm2d];
