// WaveNet's dilated convolutions in TensorFlow.js, with the functional API (tf.input, apply,
// tf.model), as the tutorial draws them: without padding.
//
// Each layer has kernel 2 and a dilation that doubles (1, 2, 4), so one output sample sees a
// context of 8 input samples after one block and 16 - 1 = 15 after two. Without padding every
// layer also shortens the sequence by its dilation: 64 input samples give 64 - 14 = 50 outputs.

import * as tf from '@tensorflow/tfjs';

/** One gated layer: tanh(filter) * sigmoid(gate), both dilated convolutions with kernel 2. */
function gatedLayer(x: tf.SymbolicTensor, channels: number, dilation: number): tf.SymbolicTensor {
  const filter = tf.layers
    .conv1d({ filters: channels, kernelSize: 2, dilationRate: dilation, activation: 'tanh' })
    .apply(x) as tf.SymbolicTensor;
  const gate = tf.layers
    .conv1d({ filters: channels, kernelSize: 2, dilationRate: dilation, activation: 'sigmoid' })
    .apply(x) as tf.SymbolicTensor;
  // The gate (between 0 and 1) decides how much of the filter passes through.
  return tf.layers.multiply().apply([filter, gate]) as tf.SymbolicTensor;
}

/** Two blocks of three gated layers over 64 samples of audio: (N, 64, 1) -> (N, 50, 256). */
export function dilatedStack(layersPerBlock = 1, blocks = 330, channels = 16): tf.LayersModel {
  const input = tf.input({ shape: [100000, 1] });
  // A 1x1 convolution projects each sample to `channels` features, like a dense layer per sample.
  let x = tf.layers.conv1d({ filters: channels, kernelSize: 1 }).apply(input) as tf.SymbolicTensor;
  for (let i = 0; i < blocks * layersPerBlock; i++) {
    x = gatedLayer(x, channels, 2 ** (i % layersPerBlock));
  }
  // One distribution over 256 quantised values for every remaining time step.
  const output = tf.layers
    .conv1d({ filters: 256, kernelSize: 1, activation: 'softmax' })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: 'dilated_stack' });
}
