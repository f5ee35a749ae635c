import * as tf from '@tensorflow/tfjs';
tf.enableProdMode();
const m = tf.sequential({layers:[tf.layers.dense({inputShape:[12,20], units:32}), tf.layers.permute({dims:[2,1]}), tf.layers.reshape({targetShape:[16,-1]})]});
for (const l of m.layers) console.log(l.name, JSON.stringify(l.outputShape));
const m2 = tf.sequential({layers:[tf.layers.dense({inputShape:[12,20], units:32}), tf.layers.reshape({targetShape:[16,-1]})]});
for (const l of m2.layers) console.log(l.name, JSON.stringify(l.outputShape));
