// Dropout layers: they zero elements (or whole channels) during training and keep the shape.
// The channel-wise variants check the input rank, because PyTorch decides per rank whether a
// batch axis is present.

import { registerLayers, type LayerSpec } from './catalogue';
import { UNKNOWN_VALUE, expectRank, layerLabel, numArg, passThroughNotation, tensorArg, tensorOf } from './common';

function dropoutSpec(name: string, ranks: readonly number[] | null): LayerSpec {
  const spec: LayerSpec = {
    name,
    framework: 'pytorch',
    family: 'dropout',
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

registerLayers([
  dropoutSpec('Dropout', null),
  dropoutSpec('Dropout1d', [2, 3]),
  // Dropout2d and Dropout3d accept other ranks with a warning in PyTorch, so only the shape is kept.
  dropoutSpec('Dropout2d', null),
  dropoutSpec('Dropout3d', null),
  dropoutSpec('AlphaDropout', null),
  dropoutSpec('FeatureAlphaDropout', null),
]);
