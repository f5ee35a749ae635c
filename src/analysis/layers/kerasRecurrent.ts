// Recurrent layers and wrappers of Keras and tfjs, written once: SimpleRNN, LSTM, GRU (with
// return_sequences/return_state), Bidirectional and TimeDistributed. A wrapped layer arrives in
// the config as `{ layer: 'LSTM', config: {...} }`, the catalogue's convention for module arguments.

import { addDim, formatDim, formatShape, mulDim, type Dim } from '../shapes';
import { recurrenceNotation } from '../notation';
import type { LayerConfig, LayerContext, LayerValue, ParamSpec } from './layerSpec';
import { gatedCellParameters } from './parameterFormulas';
import { tensorOf, tupleOf, UNKNOWN_VALUE } from './ruleHelpers';
import { lowerArg, unitsOf } from './kerasCore';
import { exact, expectNdim, firstInput, firstOutput, flag, type KerasCall, kerasClassNameOf, type KerasLayerDef, nestedLayer, sumCounts } from './kerasDefinitions';

type Cell = 'SimpleRNN' | 'LSTM' | 'GRU';

/** Weight matrices per cell: one for SimpleRNN, four gates for LSTM, three for GRU. */
const GATES: Record<Cell, number> = { SimpleRNN: 1, LSTM: 4, GRU: 3 };

function recurrentSignature(cell: Cell): ParamSpec[] {
  const head: ParamSpec[] = [{ name: 'units' }, { name: 'activation', default: 'tanh' }];
  if (cell !== 'SimpleRNN') head.push({ name: 'recurrent_activation', default: 'sigmoid' });
  head.push({ name: 'use_bias', default: true });
  const kw = (name: string, value: boolean | number): ParamSpec => ({ name, default: value, keywordOnly: true });
  const tail = [
    kw('dropout', 0),
    kw('recurrent_dropout', 0),
    kw('return_sequences', false),
    kw('return_state', false),
    kw('go_backwards', false),
    kw('stateful', false),
    kw('unroll', false),
  ];
  if (cell === 'GRU') tail.push(kw('reset_after', true));
  return [...head, ...tail];
}

function recurrentForward(cell: Cell) {
  return (call: KerasCall, inputs: LayerValue[]): LayerValue => {
    const input = firstInput(inputs);
    if (!input) return UNKNOWN_VALUE;
    if (!expectNdim(call, input, 3, '(N,T,F)')) return UNKNOWN_VALUE;
    if (cell === 'GRU' && call.fw === 'tfjs' && flag(call.cfg, 'reset_after', false)) {
      call.ctx.invalid(`${call.label}: tfjs's GRU does not support resetAfter: true (Keras's default); tfjs throws when the layer is created`);
    }
    const units = unitsOf(call.cfg);
    const [batch, steps] = input.shape;
    const output = flag(call.cfg, 'return_sequences', false) ? tensorOf([batch, steps, units]) : tensorOf([batch, units]);
    if (!flag(call.cfg, 'return_state', false)) return output;
    const states = Array.from({ length: cell === 'LSTM' ? 2 : 1 }, () => tensorOf([batch, units]));
    return tupleOf(output, ...states);
  };
}

function recurrentParams(cell: Cell) {
  return (call: Omit<KerasCall, 'ctx'>, inputs: LayerValue[]): number | null => {
    const input = firstInput(inputs);
    if (!input || input.shape.length !== 3) return null;
    const units = unitsOf(call.cfg);
    const features = input.shape[2];
    const gates = GATES[cell];
    // GRU with reset_after keeps separate input and recurrent biases (Keras 2+ default; not tfjs's).
    const biasSets = !flag(call.cfg, 'use_bias', true) ? 0 : cell === 'GRU' && flag(call.cfg, 'reset_after', true) ? 2 : 1;
    return exact(gatedCellParameters(gates, features, units, units, biasSets));
  };
}

function recurrentDef(cell: Cell): KerasLayerDef {
  return {
    className: cell,
    keras: cell,
    tfjs: cell === 'SimpleRNN' ? 'simpleRNN' : cell.toLowerCase(),
    family: 'recurrent',
    signature: recurrentSignature(cell),
    tfjsDefaults: cell === 'GRU' ? { reset_after: false } : undefined,
    forward: recurrentForward(cell),
    params: recurrentParams(cell),
    // Each step multiplies the input and the previous state by every gate's weights.
    macs: (call, inputs) => {
      const input = firstInput(inputs);
      if (!input || input.shape.length !== 3) return null;
      const units = unitsOf(call.cfg);
      const [batch, steps, features] = input.shape;
      return exact(mulDim(mulDim(mulDim(batch, steps), GATES[cell]), mulDim(units, addDim(features, units))));
    },
    formula: (call, inputs) => {
      const input = firstInput(inputs);
      if (!input || input.shape.length !== 3) return null;
      const f = formatDim(input.shape[2]);
      const u = formatDim(unitsOf(call.cfg));
      const gates = GATES[cell];
      const bias = flag(call.cfg, 'use_bias', true);
      const twoBiases = cell === 'GRU' && flag(call.cfg, 'reset_after', call.fw === 'keras');
      const biasText = !bias ? '' : twoBiases ? ` + 2·${u}` : ` + ${u}`;
      const total = recurrentParams(cell)(call, inputs);
      const times = gates > 1 ? `${gates}·` : '';
      return `params = ${times}(${f}·${u} + ${u}·${u}${biasText})${total !== null ? ` = ${total}` : ''}${twoBiases ? ' (reset_after: input and recurrent biases)' : ''}`;
    },
    notation: (call, inputs, output) => {
      const input = firstInput(inputs);
      if (!input || input.shape.length !== 3) return null;
      const out = firstOutput(output);
      if (!out) return null;
      return recurrenceNotation(input.shape, cell, input.shape[2], unitsOf(call.cfg), out.shape);
    },
  };
}

/** Runs a wrapped layer's rule, reporting an unresolvable wrapped layer as a gap. */
function runNested(call: KerasCall, inner: { cfg: LayerConfig; spec: { forward: (cfg: LayerConfig, args: LayerValue[], kwargs: Record<string, LayerValue>, ctx: LayerContext) => LayerValue } }, input: LayerValue): LayerValue {
  return inner.spec.forward(inner.cfg, [input], {}, call.ctx);
}

/** Joins the forward and backward outputs as merge_mode says. */
function mergeDirections(mode: string | null, forward: LayerValue, backward: LayerValue): LayerValue {
  if (forward.kind !== 'tensor' || backward.kind !== 'tensor') return UNKNOWN_VALUE;
  if (mode === null || mode === 'none') return tupleOf(forward, backward);
  if (mode === 'concat') {
    const s = forward.shape;
    return tensorOf([...s.slice(0, -1), addDim(s[s.length - 1], backward.shape[s.length - 1])]);
  }
  return tensorOf(forward.shape);
}

const bidirectional: KerasLayerDef = {
  className: 'Bidirectional',
  keras: 'Bidirectional',
  tfjs: 'bidirectional',
  family: 'recurrent',
  signature: [{ name: 'layer' }, { name: 'merge_mode', default: 'concat' }, { name: 'weights', default: null }, { name: 'backward_layer', default: null }],
  forward: (call, inputs) => {
    const input = firstInput(inputs);
    const inner = nestedLayer(call, call.cfg.layer);
    if (!inner) {
      call.ctx.gap(`${call.label}: the wrapped layer is not a recurrent layer the analysis knows`);
      return UNKNOWN_VALUE;
    }
    if (!input) return UNKNOWN_VALUE;
    if (call.fw === 'tfjs' && kerasClassNameOf(inner.spec) === 'RNN') {
      // tfjs builds the backward copy from the wrapped layer's config, and the generic RNN's config
      // does not carry its cell in a form tfjs can read back.
      call.ctx.invalid(`${call.label}: tfjs cannot wrap the generic RNN layer: copying it for the backward direction throws "Improper config format ... 'className' and 'config' must set"; wrap lstm, gru or simpleRNN instead`);
      return UNKNOWN_VALUE;
    }
    const back = nestedLayer(call, call.cfg.backward_layer) ?? inner;
    const fwd = runNested(call, inner, input);
    const bwd = runNested(call, back, input);
    const mode = call.cfg.merge_mode === null ? null : lowerArg(call.cfg, 'merge_mode');
    if (fwd.kind === 'tuple' && bwd.kind === 'tuple') {
      const merged = mergeDirections(mode, fwd.items[0], bwd.items[0]);
      const head = merged.kind === 'tuple' ? merged.items : [merged];
      return tupleOf(...head, ...fwd.items.slice(1), ...bwd.items.slice(1));
    }
    return mergeDirections(mode, fwd, bwd);
  },
  params: (call, inputs) => {
    const inner = nestedLayer(call, call.cfg.layer);
    if (!inner) return null;
    const back = nestedLayer(call, call.cfg.backward_layer) ?? inner;
    return sumCounts(inner.spec.params(inner.cfg, inputs), back.spec.params(back.cfg, inputs));
  },
  notation: (call, inputs, output) => {
    const input = firstInput(inputs);
    const out = firstOutput(output);
    const inner = nestedLayer(call, call.cfg.layer);
    if (!input || !out || !inner) return null;
    return `${formatShape(input.shape)} ⇄ ${kerasClassNameOf(inner.spec)} (merge ${String(call.cfg.merge_mode)}) → ${formatShape(out.shape)}`;
  },
};

/** The shape of one time step: the time axis removed. */
function stepShape(shape: readonly Dim[]): Dim[] {
  return [shape[0], ...shape.slice(2)];
}

const timeDistributed: KerasLayerDef = {
  className: 'TimeDistributed',
  keras: 'TimeDistributed',
  tfjs: 'timeDistributed',
  family: 'recurrent',
  signature: [{ name: 'layer' }],
  forward: (call, inputs) => {
    const input = firstInput(inputs);
    const inner = nestedLayer(call, call.cfg.layer);
    if (!inner) {
      call.ctx.gap(`${call.label}: the wrapped layer is not one the analysis knows`);
      return UNKNOWN_VALUE;
    }
    if (!input) return UNKNOWN_VALUE;
    if (input.shape.length < 3) {
      call.ctx.mismatch(`${call.label} expects an input of at least 3 dimensions (N,T,...) but got ${input.shape.length}-D ${formatShape(input.shape)}`);
      return UNKNOWN_VALUE;
    }
    const step = runNested(call, inner, tensorOf(stepShape(input.shape), input.dtype));
    if (step.kind !== 'tensor') return UNKNOWN_VALUE;
    return tensorOf([step.shape[0], input.shape[1], ...step.shape.slice(1)], step.dtype);
  },
  params: (call, inputs) => {
    const input = firstInput(inputs);
    const inner = nestedLayer(call, call.cfg.layer);
    if (!input || !inner || input.shape.length < 3) return null;
    return inner.spec.params(inner.cfg, [tensorOf(stepShape(input.shape), input.dtype)]);
  },
  notation: (call, inputs, output) => {
    const input = firstInput(inputs);
    const inner = nestedLayer(call, call.cfg.layer);
    if (!input || !inner || output.kind !== 'tensor') return null;
    return `${formatShape(input.shape)} → ${kerasClassNameOf(inner.spec)} on each of ${formatDim(input.shape[1])} steps → ${formatShape(output.shape)}`;
  },
};

/** The recurrent layers and wrappers of Keras and tfjs. */
export const kerasRecurrentDefs: KerasLayerDef[] = [recurrentDef('SimpleRNN'), recurrentDef('LSTM'), recurrentDef('GRU'), bidirectional, timeDistributed];

