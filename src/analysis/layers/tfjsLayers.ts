// Registers the TensorFlow.js catalogue: the same definitions as Keras's, under tfjs's factory
// names (`tf.layers.conv2d`) with camelCase config keys and tfjs's defaults where they differ.

import { registerLayers } from './catalogue';
import { kerasLayerDefs } from './kerasLayers';
import { specsFor, tfjsClassNames } from './kerasShared';

registerLayers(specsFor(kerasLayerDefs, 'tfjs'));

const classNames = tfjsClassNames(kerasLayerDefs);

/** The class name tfjs's `getClassName()` reports for a factory (`conv2d` → `Conv2D`), if catalogued. */
export function tfjsClassName(factory: string): string | undefined {
  return classNames.get(factory);
}
