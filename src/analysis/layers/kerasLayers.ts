// Registers the Keras catalogue: every family written once in kerasShared's terms, under Keras's
// class names (`Conv2D`, `Dense`) with snake_case arguments and Keras 3 defaults.

import { registerLayers } from './catalogue';
import { kerasAttentionDefs } from './kerasAttention';
import { kerasConvDefs } from './kerasConv';
import { kerasCoreDefs } from './kerasCore';
import { kerasRecurrentDefs } from './kerasRecurrent';
import { specsFor, type KerasLayerDef } from './kerasShared';

/** Every layer definition shared by the Keras and tfjs catalogues. */
export const kerasLayerDefs: readonly KerasLayerDef[] = [...kerasCoreDefs, ...kerasConvDefs, ...kerasRecurrentDefs, ...kerasAttentionDefs];

registerLayers(specsFor(kerasLayerDefs, 'keras'));
