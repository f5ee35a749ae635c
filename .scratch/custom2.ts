import * as tf from '@tensorflow/tfjs';
type Shape = (number | null)[];
class NoName extends tf.layers.Layer {
  override computeOutputShape(s: Shape | Shape[]): Shape | Shape[] { return s; }
}
class Split extends tf.layers.Layer {
  static className = 'Split';
  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const s = inputShape as Shape;
    const half = (s[s.length - 1] as number) / 2;
    return [[...s.slice(0, -1), half], [...s.slice(0, -1), half]];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.split(x, 2, -1);
  }
}
export function noName() {
  const x = tf.input({ shape: [4] });
  return tf.model({ inputs: x, outputs: new NoName({}).apply(x) as tf.SymbolicTensor });
}
export function split() {
  const x = tf.input({ shape: [3, 8] });
  const [a, b] = new Split({}).apply(x) as tf.SymbolicTensor[];
  const g = tf.layers.multiply().apply([a, tf.layers.activation({ activation: 'sigmoid' }).apply(b) as tf.SymbolicTensor]) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: g });
}
