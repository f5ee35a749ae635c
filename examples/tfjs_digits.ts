// A digit classifier in TensorFlow.js, the sequential way: each layer feeds the next.
//
// The input is a 28x28 greyscale image, channels last as TensorFlow.js expects: (N, 28, 28, 1).
// Two convolution + pooling stages learn edges, then strokes; a dense layer maps the flattened
// feature maps to a score for each of the ten digits.

import * as tf from '@tensorflow/tfjs';

/** A small CNN: (N, 28, 28, 1) -> (N, 10) digit probabilities. */
export function digitCnn(numClasses = 10): tf.Sequential {
  return tf.sequential({
    layers: [
      // 5x5 kernels without padding: 28 - 5 + 1 = 24 pixels per side remain.
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 5, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
      // (N, 5, 5, 16) becomes (N, 400): every feature of every position, side by side.
      tf.layers.flatten(),
      tf.layers.dense({ units: numClasses, activation: 'softmax' }),
    ],
  });
}

/** The same idea built with `model.add`, one layer at a time, with batch normalisation. */
export function digitCnnWithBatchNorm(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, padding: 'same' }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.activation({ activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }));
  model.add(tf.layers.globalAveragePooling2d({}));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  return model;
}
