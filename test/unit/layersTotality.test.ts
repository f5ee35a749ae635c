// Every catalogue rule is total: whatever a half-typed file passes (wrong kinds, zeros, negative
// or symbolic sizes, missing tensors, tuples where a tensor belongs), each hook returns a value
// and reports findings instead of throwing.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { allLayers, bindConfig } from '../../src/analysis/layers/catalogue';
import type { ConfigValue, LayerSpec, LayerValue } from '../../src/analysis/layers/catalogue';
import { symDim, unknownDim, type Dim } from '../../src/analysis/shapes';
import { composeField, fieldOfStack, identityField } from '../../src/analysis/receptiveField';

const dim: fc.Arbitrary<Dim> = fc.oneof(
  fc.integer({ min: -3, max: 70 }),
  fc.constantFrom<Dim>(symDim('N'), symDim('T'), unknownDim(), 0, 1, 2 ** 40),
);

const scalar: fc.Arbitrary<ConfigValue> = fc.oneof(
  fc.integer({ min: -4, max: 64 }),
  fc.constantFrom<ConfigValue>(0, 1.5, true, false, null, 'same', 'valid', 'zeros', 'bogus', 'relu', 'gelu', 'bilinear', 'linear', 'max', -1),
  dim as fc.Arbitrary<ConfigValue>,
);

const configValue: fc.Arbitrary<ConfigValue> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 6 }) },
  { weight: 1, arbitrary: fc.constant<ConfigValue>({ layer: 'LayerNorm', config: { normalized_shape: 8 } }) },
);

const tensor: fc.Arbitrary<LayerValue> = fc.record({
  kind: fc.constant('tensor' as const),
  shape: fc.array(dim, { maxLength: 6 }),
  dtype: fc.constantFrom('float' as const, 'long' as const, 'bool' as const),
});

const layerValue: fc.Arbitrary<LayerValue> = fc.oneof(
  { weight: 6, arbitrary: tensor },
  { weight: 1, arbitrary: fc.constantFrom<LayerValue>({ kind: 'none' }, { kind: 'unknown' }, { kind: 'const', value: false }, { kind: 'const', value: [3, 3] }) },
  { weight: 1, arbitrary: fc.array(tensor, { maxLength: 2 }).map((items): LayerValue => ({ kind: 'tuple', items })) },
);

function exercise(spec: LayerSpec, positional: ConfigValue[], keywords: Record<string, ConfigValue>, inputs: LayerValue[], callKwargs: Record<string, LayerValue>): void {
  const { config } = bindConfig(spec, positional, keywords);
  const ctx = { mismatch: () => undefined, invalid: () => undefined, gap: () => undefined };
  spec.validate?.(config, ctx);
  const output = spec.forward(config, inputs, callKwargs, ctx);
  assert.ok(output && typeof output.kind === 'string');
  spec.params(config, inputs);
  spec.ownParams?.(config, inputs);
  spec.geometry?.(config, inputs);
  spec.notation?.(config, inputs, output);
  spec.formula?.(config, inputs, output);
  spec.macs?.(config, inputs, output);
  spec.attention?.(config);
  spec.children?.(config);
}

describe('catalogue rules are total', () => {
  const specs = allLayers().filter((s) => s.framework === 'pytorch');

  for (const spec of specs) {
    it(`${spec.name} never throws`, () => {
      const names = spec.signature.map((p) => p.name);
      fc.assert(
        fc.property(
          fc.array(configValue, { maxLength: names.length }),
          fc.dictionary(fc.constantFrom(...(names.length ? names : ['x'])), configValue, { maxKeys: 3 }),
          fc.array(layerValue, { maxLength: 4 }),
          fc.dictionary(fc.constantFrom('need_weights', 'average_attn_weights', 'hx', 'output_size', 'offsets'), layerValue, { maxKeys: 2 }),
          (positional, keywords, inputs, callKwargs) => exercise(spec, positional, keywords, inputs, callKwargs),
        ),
        { numRuns: 60, seed: 20261125 },
      );
    });
  }
});

// No clock here: enumerating 2^40 layers or a 10^9-tap kernel would not finish, so the suite's
// timeout catches it, and the exact answers below show that nothing was approximated.
describe('catalogue and field maths answer absurd sizes without enumerating them', () => {
  it('counts a 2^40-layer LSTM and refuses to expand a 2^40-layer encoder, promptly', () => {
    const lstm = allLayers().find((s) => s.framework === 'pytorch' && s.name === 'LSTM')!;
    assert.equal(lstm.params(bindConfig(lstm, [8, 8, 2 ** 40], {}).config), 576 * 2 ** 40);
    const encoder = allLayers().find((s) => s.framework === 'pytorch' && s.name === 'TransformerEncoder')!;
    const layer = { layer: 'TransformerEncoderLayer', config: { d_model: 8, nhead: 2 } };
    const config = bindConfig(encoder, [layer, 2 ** 40], {}).config;
    assert.deepEqual(encoder.children?.(config), []);
    assert.equal(encoder.params(config), null);
  });

  it('composes transposed convolutions with huge kernels and strides without enumerating them', () => {
    const huge = composeField(identityField(1), { kind: 'convTranspose', kernel: [1e9], stride: [3], padding: [0], dilation: [1] });
    assert.equal(huge.size[0], Math.ceil(1e9 / 3));
    const field = fieldOfStack([{ kind: 'convTranspose', kernel: [4], stride: [2 ** 20], padding: [1], dilation: [1] }]);
    assert.equal(field.size[0], 1);
  });
});
