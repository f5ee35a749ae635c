// The parameter-count formulas the PyTorch and the Keras/tfjs catalogues share: a dense map, a
// convolution's kernel bank and a gated recurrent cell are the same arithmetic in every
// framework; only where the sizes come from differs (PyTorch's in_features, Keras's input shape).
// The effective kernel of a dilated convolution lives beside the output-length arithmetic, in
// convArithmetic.ts. Each formula works on dims, so a symbolic size gives a symbolic count.

import { addDim, mulDim, productDim, type Dim } from '../shapes';

/** A dense map of `fanIn` features onto `units`: fanIn·units weights, plus units biases. */
export function denseParameters(fanIn: Dim, units: Dim, bias: boolean): Dim {
  return addDim(mulDim(fanIn, units), bias ? units : 0);
}

/** A convolution's kernel bank: ∏kernel · inPerGroup · out weights, plus out biases. */
export function convParameters(kernel: readonly Dim[], inPerGroup: Dim, out: Dim, bias: boolean): Dim {
  return addDim(mulDim(mulDim(productDim(kernel), inPerGroup), out), bias ? out : 0);
}

/**
 * One layer of a gated recurrent cell (1 gate for a plain RNN, 3 for GRU, 4 for LSTM):
 * gates·hidden·(input + recurrent) weights, plus `biasSets`·gates·hidden biases (PyTorch keeps
 * two bias vectors per gate, Keras one, or two for GRU with reset_after).
 */
export function gatedCellParameters(gates: number, input: Dim, recurrent: Dim, hidden: Dim, biasSets: number): Dim {
  const gateRows = mulDim(gates, hidden);
  return addDim(mulDim(gateRows, addDim(input, recurrent)), mulDim(biasSets, gateRows));
}
