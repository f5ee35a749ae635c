// The catalogue's entry point: importing this file registers every layer family (PyTorch,
// Keras and TensorFlow.js), so that `lookupLayer` knows the whole catalogue. Each family file
// registers itself on load.

import './linear';
import './reshape';
import './conv';
import './pool';
import './norm';
import './dropout';
import './embedding';
import './recurrent';
import './attention';
import './transformer';
import './activation';
import './upsample';
import './padding';
import './kerasLayers';
import './tfjsLayers';

export { allLayers, bindConfig, lookupLayer, registerLayers } from './catalogue';
