// The layer catalogue: every family file's entries gathered into one frozen map, the single
// place that answers "what is an nn.Conv2d / a keras Dense / a tf.layers.conv2d". Nothing
// registers itself on import: a second copy of this module holds the same entries, and a family
// that holds other layers (Bidirectional, TimeDistributed) receives this lookup when it is built.

import type { Framework } from '../types';
import { activationSpecs } from './activation';
import { attentionSpecs } from './attention';
import { convSpecs } from './conv';
import { dropoutSpecs } from './dropout';
import { embeddingSpecs } from './embedding';
import { kerasAttentionDefs } from './kerasAttention';
import { kerasConvDefs } from './kerasConv';
import { kerasCoreDefs } from './kerasCore';
import { kerasAliasClassNames, specsFor, tfjsClassNames, type KerasLayerDef } from './kerasDefinitions';
import { kerasPreprocessingDefs } from './kerasPreprocessing';
import { kerasRecurrentDefs } from './kerasRecurrent';
import { kerasRecurrentCellDefs } from './kerasRecurrentCells';
import type { LayerSpec } from './layerSpec';
import { linearSpecs } from './linear';
import { normSpecs } from './norm';
import { paddingSpecs } from './padding';
import { poolSpecs } from './pool';
import { recurrentSpecs } from './recurrent';
import { reshapeSpecs } from './reshape';
import { transformerSpecs } from './transformer';
import { upsampleSpecs } from './upsample';

export type * from './layerSpec';
export { bindConfig, positionalParamsOf } from './layerSpec';

/** Every Keras definition; each becomes a Keras entry and, where tfjs has the layer, a tfjs one. */
const kerasLayerDefs: readonly KerasLayerDef[] = [
  ...kerasCoreDefs,
  ...kerasConvDefs,
  ...kerasRecurrentDefs,
  ...kerasRecurrentCellDefs,
  ...kerasAttentionDefs,
  ...kerasPreprocessingDefs,
];

const pytorchSpecs: readonly LayerSpec[] = [
  ...linearSpecs,
  ...reshapeSpecs,
  ...convSpecs,
  ...poolSpecs,
  ...normSpecs,
  ...dropoutSpecs,
  ...embeddingSpecs,
  ...recurrentSpecs,
  ...attentionSpecs,
  ...transformerSpecs,
  ...activationSpecs,
  ...upsampleSpecs,
  ...paddingSpecs,
];

/** The catalogue: `framework:name` → entry. Later entries of the same key win, as listed. */
const catalogue: ReadonlyMap<string, LayerSpec> = new Map(
  [...pytorchSpecs, ...specsFor(kerasLayerDefs, 'keras', lookupLayer), ...specsFor(kerasLayerDefs, 'tfjs', lookupLayer)].map((spec) => [`${spec.framework}:${spec.name}`, Object.freeze(spec)]),
);

const tfjsClasses = tfjsClassNames(kerasLayerDefs);
const kerasAliases = kerasAliasClassNames(kerasLayerDefs);

/**
 * The Keras class an exported name stands for: an alias (`MaxPool2D`) gives its class
 * (`MaxPooling2D`, which also names its instances `max_pooling2d`), any other name itself.
 */
export function kerasClassOf(name: string): string {
  return kerasAliases.get(name) ?? name;
}

/** The entry for a class name in a framework, if the catalogue has it. */
export function lookupLayer(framework: Framework, name: string): LayerSpec | undefined {
  return catalogue.get(`${framework}:${name}`);
}

/** Every entry, for docs and tests. */
export function allLayers(): LayerSpec[] {
  return [...catalogue.values()];
}

/** The class name tfjs's `getClassName()` reports for a factory (`conv2d` → `Conv2D`), if catalogued. */
export function tfjsClassName(factory: string): string | undefined {
  return tfjsClasses.get(factory);
}
