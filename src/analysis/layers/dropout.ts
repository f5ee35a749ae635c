// Dropout layers: they zero elements (or whole channels) during training and keep the shape.
// The channel-wise variants check the input rank, because PyTorch decides per rank whether a
// batch axis is present.

import { type LayerSpec } from './layerSpec';
import {
  channelsFirstLayout,
  expectRank,
  layerLabel,
  numArg,
  passThroughNotation,
  tensorArg,
  tensorOf,
  UNKNOWN_VALUE,
} from './ruleHelpers';

/** `spatial`: the spatial axes of a channel dropout (Dropout2d), whose input layout is then fixed. */
function dropoutSpec(name: string, ranks: readonly number[] | null, spatial?: 2 | 3): LayerSpec {
  const spec: LayerSpec = {
    name,
    framework: 'pytorch',
    family: 'dropout',
    inputLayout: spatial ? () => channelsFirstLayout(spatial, undefined, false) : undefined,
    signature: [
      { name: 'p', default: 0.5 },
      { name: 'inplace', default: false },
    ],
    validate(cfg, ctx) {
      const p = numArg(cfg.p);
      if (p !== null && (p < 0 || p > 1)) ctx.invalid(`${name}: dropout probability has to be between 0 and 1, but got ${p}`);
    },
    forward(cfg, args, kwargs, ctx) {
      const x = tensorArg(args, kwargs, 0, 'input');
      if (!x) return UNKNOWN_VALUE;
      if (ranks && !expectRank(layerLabel(spec, cfg), x, ranks, ctx)) return UNKNOWN_VALUE;
      return tensorOf(x.shape, x.dtype);
    },
    params: () => 0,
    notation: passThroughNotation('dropout'),
  };
  return spec;
}

/** The dropout family's entries. */
export const dropoutSpecs: readonly LayerSpec[] = [
  dropoutSpec('Dropout', null),
  dropoutSpec('Dropout1d', [2, 3]),
  // Dropout2d and Dropout3d accept other ranks with a warning in PyTorch, so only the shape is kept.
  dropoutSpec('Dropout2d', null, 2),
  dropoutSpec('Dropout3d', null, 3),
  dropoutSpec('AlphaDropout', null),
  dropoutSpec('FeatureAlphaDropout', null),
];
