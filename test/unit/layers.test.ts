// The PyTorch catalogue against real PyTorch: every case of test/fixtures/torch/layers.json
// (written by generateLayers.py with PyTorch itself) is bound, validated, called and counted
// through the catalogue, and must give exactly PyTorch's output shapes and parameter counts,
// or a finding where PyTorch raised.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allLayers, bindConfig, lookupLayer } from '../../src/analysis/layers/catalogue';
import type { ConfigValue, LayerConfig, LayerValue } from '../../src/analysis/layers/catalogue';
import { formatDim, isKnown, type Dim } from '../../src/analysis/shapes';

type JsonValue = number | string | boolean | null | JsonValue[] | { [key: string]: JsonValue };

interface InputEntry {
  shape?: number[];
  dtype?: 'float' | 'long';
  tuple?: InputEntry[];
  const?: JsonValue;
}

interface TorchCase {
  layer: string;
  args: JsonValue[];
  kwargs: Record<string, JsonValue>;
  inputs: (InputEntry | null)[];
  call_kwargs: Record<string, InputEntry | null>;
  output_shapes?: JsonValue[];
  params?: number;
  own_params?: number;
  modules?: [string, string][];
  error?: string;
  error_stage?: 'init' | 'forward';
}

const fixture = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'torch', 'layers.json'), 'utf8')) as {
  torch: string;
  unavailable: string[];
  cases: TorchCase[];
};

/** The JSON encoding of a constructor argument as the interpreter would pass it. */
function configValue(v: JsonValue): ConfigValue {
  if (Array.isArray(v)) return v.map(configValue);
  if (v !== null && typeof v === 'object') {
    const module = v.module as { layer: string; args: JsonValue[]; kwargs: Record<string, JsonValue> };
    const spec = lookupLayer('pytorch', module.layer);
    assert.ok(spec, `module argument ${module.layer} is in the catalogue`);
    return { layer: module.layer, config: bindConfig(spec, module.args.map(configValue), mapValues(module.kwargs, configValue)).config };
  }
  return v;
}

function mapValues<A, B>(o: Record<string, A>, f: (a: A) => B): Record<string, B> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
}

function layerValue(e: InputEntry | null): LayerValue {
  if (e === null) return { kind: 'none' };
  if (e.tuple) return { kind: 'tuple', items: e.tuple.map(layerValue) };
  if ('const' in e) return { kind: 'const', value: configValue(e.const as JsonValue) };
  return { kind: 'tensor', shape: e.shape as number[], dtype: e.dtype ?? 'float' };
}

/** The catalogue's output in the fixture's form: a shape, a nested list for a tuple, null for None. */
function shapesOf(v: LayerValue): JsonValue {
  if (v.kind === 'tensor') return v.shape.map((d: Dim) => (isKnown(d) ? d : formatDim(d)));
  if (v.kind === 'tuple') return v.items.map(shapesOf);
  if (v.kind === 'none') return null;
  return '<unknown>';
}

interface Findings {
  mismatch: string[];
  invalid: string[];
  gap: string[];
}

function run(c: TorchCase): { config: LayerConfig; problems: string[]; findings: Findings; output: LayerValue; inputs: LayerValue[] } {
  const spec = lookupLayer('pytorch', c.layer);
  assert.ok(spec, `${c.layer} is in the catalogue`);
  const { config, problems } = bindConfig(spec, c.args.map(configValue), mapValues(c.kwargs, configValue));
  const findings: Findings = { mismatch: [], invalid: [], gap: [] };
  const ctx = {
    mismatch: (m: string) => findings.mismatch.push(m),
    invalid: (m: string) => findings.invalid.push(m),
    gap: (m: string) => findings.gap.push(m),
  };
  spec.validate?.(config, ctx);
  const inputs = c.inputs.map(layerValue);
  const output = spec.forward(config, inputs, mapValues(c.call_kwargs, layerValue), ctx);
  return { config, problems, findings, output, inputs };
}

/** The submodules the catalogue's `children` hooks create, listed as PyTorch's named_modules(). */
function namedModules(layer: string, config: LayerConfig, prefix = ''): [string, string][] {
  const out: [string, string][] = [];
  for (const child of lookupLayer('pytorch', layer)?.children?.(config) ?? []) {
    const name = prefix + child.name;
    out.push([name, child.layer]);
    out.push(...namedModules(child.layer, child.config, `${name}.`));
  }
  return out;
}

function describe_(c: TorchCase): string {
  const args = [...c.args.map((a) => JSON.stringify(a)), ...Object.entries(c.kwargs).map(([k, v]) => `${k}=${JSON.stringify(v)}`)];
  const shapes = c.inputs.map((i) => (i?.shape ? `(${i.shape.join(',')})` : JSON.stringify(i)));
  return `${c.layer}(${args.join(', ')}) on ${shapes.join(', ')}`;
}

/**
 * What the catalogue reports for each case PyTorch rejects, message for message: the kind (a shape
 * mismatch, or an invalid argument when the constructor's arguments are at fault) and the words, which
 * name the layer as written and the numbers that disagree. Keyed by the case as describe_() prints it.
 */
const expectedErrors: Record<string, { mismatch?: string[]; invalid?: string[] }> = {
  "Linear(32, 2) on (5,64)": { mismatch: ["Linear(32, 2) expects 32 input features but got 64"] },
  "Linear(32, 2) on (5,32)": { mismatch: ["Linear(32, 2) expects a float input but got a long tensor"] },
  "Bilinear(4, 5, 6) on (3,4), (3,6)": { mismatch: ["Bilinear(4, 5, 6) expects 5 features in input2 but got 6"] },
  "Flatten(2, 1) on (2,3,4)": { mismatch: ["Flatten(start_dim=2, end_dim=1): start_dim cannot come after end_dim for input (2,3,4)"] },
  "Unflatten(1, [3,3]) on (3,10)": { mismatch: ["Unflatten(1, (3, 3)): the sizes (3,3) multiply to 9 but dimension 1 of (3,10) is 10"] },
  "Fold([4,5], [2,2]) on (1,12,10)": { mismatch: ["Fold((4, 5), (2, 2)) expects 12 blocks for output size (4,5) but got 10"] },
  "Conv1d(4, 4, 3, stride=2, padding=\"same\") on (1,4,9)": { invalid: ["Conv1d: padding='same' is not supported for strided convolutions"] },
  "Conv2d(3, 8, 3) on (1,1,32,32)": { mismatch: ["Conv2d(3, 8, 3) expects 3 input channels but got 1 (input (1,1,32,32))"] },
  "Conv2d(3, 8, 5) on (1,3,4,4)": { mismatch: ["Conv2d(3, 8, 5): kernel extent 5 along H is larger than the padded input (4 + padding 0)", "Conv2d(3, 8, 5): kernel extent 5 along W is larger than the padded input (4 + padding 0)"] },
  "Conv2d(3, 8, 3, groups=2) on (1,3,8,8)": { invalid: ["Conv2d: in_channels (3) must be divisible by groups (2)"] },
  "Conv2d(3, 8, 3, stride=0) on (1,3,8,8)": { invalid: ["Conv2d: non-positive stride is not supported"] },
  "Conv2d(3, 8, 3) on (1,1,3,8,8)": { mismatch: ["Conv2d(3, 8, 3) expects a 3-D or 4-D input but got 5-D (1,1,3,8,8)"] },
  "ConvTranspose1d(4, 4, 3, stride=2, output_padding=2) on (1,4,5)": { invalid: ["ConvTranspose1d: output padding must be smaller than either stride or dilation, but got output_padding=2, stride=2, dilation=1"] },
  "MaxPool2d(5) on (1,1,3,3)": { mismatch: ["MaxPool2d(5): output H would be 0 for input (1,1,3,3); the window is larger than the padded input"] },
  "MaxUnpool2d(2, 2) on (4,4), (4,4)": { mismatch: ["MaxUnpool2d(2, stride=2) expects a 3-D or 4-D input but got 2-D (4,4)"] },
  "MaxPool2d(2, padding=2) on (1,1,8,8)": { invalid: ["MaxPool2d: padding 2 should be at most half of kernel size 2", "MaxPool2d: padding 2 should be at most half of kernel size 2"] },
  "BatchNorm2d(32) on (2,16,8,8)": { mismatch: ["BatchNorm2d(32) expects 32 channels but got 16 (input (2,16,8,8))"] },
  "BatchNorm2d(32) on (2,32,8)": { mismatch: ["BatchNorm2d(32) expects a 4-D input but got 3-D (2,32,8)"] },
  "LayerNorm(10) on (2,5,8)": { mismatch: ["LayerNorm(10) expects the input to end in (10) but got (2,5,8)"] },
  "GroupNorm(4, 6) on (2,6,10)": { invalid: ["GroupNorm: num_channels (6) must be divisible by num_groups (4)"] },
  "InstanceNorm1d(8, affine=true) on (2,4,20)": { mismatch: ["InstanceNorm1d(8, affine=True) expects 8 channels but got 4 (input (2,4,20))"] },
  "Dropout(1.5) on (2,3)": { invalid: ["Dropout: dropout probability has to be between 0 and 1, but got 1.5"] },
  "Embedding(10, 3) on (2,4)": { mismatch: ["Embedding(10, 3) expects integer token ids (a Long tensor) but got a float tensor (2,4)"] },
  "RNN(4, 6) on (7,3,4), (2,3,6)": { mismatch: ["RNN(4, 6) expects h_0 of shape (1,3,6) but got (2,3,6)"] },
  "LSTM(10, 20) on (5,3,12)": { mismatch: ["LSTM(10, 20) expects 10 input features but got 12 (input (5,3,12))"] },
  "LSTM(10, 20, proj_size=25) on (5,3,10)": { invalid: ["LSTM: proj_size (25) has to be smaller than hidden_size (20)"] },
  "GRUCell(10, 20) on (3,12)": { mismatch: ["GRUCell(10, 20) expects 10 input features but got 12 (input (3,12))"] },
  "MultiheadAttention(16, 4) on (5,2,8), (7,2,16), (7,2,16)": { mismatch: ["MultiheadAttention(16, 4) expects queries with embedding dimension 16 but got 8"] },
  "MultiheadAttention(10, 3) on (5,2,10), (7,2,10), (7,2,10)": { invalid: ["MultiheadAttention: embed_dim (10) must be divisible by num_heads (3)"] },
  "TransformerEncoderLayer(16, 4, 32) on (5,2,12)": { mismatch: ["TransformerEncoderLayer(16, 4, dim_feedforward=32) expects src with d_model = 16 features but got 12 ((5,2,12))"] },
  "Transformer(16, 2, 1, 1, 24) on (5,2,16), (6,3,16)": { mismatch: ["Transformer(d_model=16, nhead=2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=24): the batch sizes of (5,2,16) and (6,3,16) must be equal"] },
  "Softmax(3) on (2,3)": { mismatch: ["Softmax(dim=3): dimension out of range (expected to be in range of [-2, 1], but got 3) for input (2,3)"] },
  "GLU() on (4,5)": { mismatch: ["GLU() halves dimension -1, which must be even, but it is 5 (input (4,5))"] },
  "PReLU(3) on (2,4,5)": { mismatch: ["PReLU(num_parameters=3) has 3 slopes but the input (2,4,5) has 4 channels"] },
  "Upsample(scale_factor=2, mode=\"bilinear\") on (2,3,5)": { mismatch: ["Upsample(scale_factor=2, mode='bilinear'): got a 3-D input (2,3,5), but mode 'bilinear' needs a 4-D input"] },
  "PixelShuffle(2) on (1,6,4,4)": { mismatch: ["PixelShuffle(2) needs the channel dimension divisible by 2² = 4, but it is 6 (input (1,6,4,4))"] },
  "ReflectionPad1d(4) on (1,2,4)": { mismatch: ["ReflectionPad1d(4): padding 4 must be less than the input size 4 it reflects (input (1,2,4))"] },
};

describe('PyTorch layer catalogue against PyTorch ' + fixture.torch, () => {
  it('has a PyTorch case for every catalogue layer this PyTorch has', () => {
    const covered = new Set(fixture.cases.map((c) => c.layer));
    const missing = allLayers()
      .filter((s) => s.framework === 'pytorch' && !covered.has(s.name) && !fixture.unavailable.includes(s.name))
      .map((s) => s.name);
    assert.deepEqual(missing, []);
  });

  it('records an expected finding for every case PyTorch rejects, and for no other', () => {
    const errorCases = fixture.cases.filter((c) => c.error).map(describe_).sort();
    assert.deepEqual(Object.keys(expectedErrors).sort(), errorCases);
  });

  for (const c of fixture.cases) {
    if (c.error) {
      it(`reports what PyTorch rejects: ${describe_(c)}`, () => {
        const { findings } = run(c);
        const expected = expectedErrors[describe_(c)];
        assert.ok(expected, `no expected finding recorded for ${describe_(c)} (PyTorch: ${c.error}); add it to expectedErrors`);
        // Constructor errors must come from validate, as the constructor is where the user should look.
        if (c.error_stage === 'init') assert.ok(findings.invalid.length > 0, `expected an invalid-argument finding for ${c.error}`);
        assert.deepEqual(
          { mismatch: findings.mismatch, invalid: findings.invalid, gap: findings.gap },
          { mismatch: expected.mismatch ?? [], invalid: expected.invalid ?? [], gap: [] },
          `PyTorch raised at ${c.error_stage}: ${c.error}`,
        );
      });
      continue;
    }
    it(`matches PyTorch: ${describe_(c)}`, () => {
      const spec = lookupLayer('pytorch', c.layer)!;
      const { config, problems, findings, output, inputs } = run(c);
      assert.deepEqual(problems, []);
      assert.deepEqual([...findings.mismatch, ...findings.invalid], []);
      const shapes = output.kind === 'tensor' ? [shapesOf(output)] : shapesOf(output);
      assert.deepEqual(shapes, c.output_shapes);
      assert.equal(spec.params(config, inputs), c.params, 'parameters');
      assert.equal((spec.ownParams ?? spec.params)(config, inputs), c.own_params, 'own parameters');
      assert.deepEqual(namedModules(c.layer, config), c.modules ?? [], 'named_modules()');
    });
  }
});

describe('PyTorch layer weights against PyTorch ' + fixture.torch, () => {
  // The weights an entry declares are what `self.conv.weight` reads and what its parameters
  // derive from: where the entry's weights follow the config (bias=False leaves the bias out),
  // their element count is PyTorch's own parameter count.
  const followsConfig = /^(Conv|ConvTranspose)[123]d$|^Linear$|^Embedding$|^LayerNorm$/;
  const cases = fixture.cases.filter((c) => followsConfig.test(c.layer) && !c.error && typeof c.own_params === 'number' && c.kwargs.elementwise_affine !== false);
  it('covers the layers whose weights follow their config', () => {
    assert.deepEqual([...new Set(cases.map((c) => c.layer.replace(/\d/, 'n')))].sort(), ['ConvTransposend', 'Convnd', 'Embedding', 'LayerNorm', 'Linear']);
  });
  for (const c of cases) {
    it(`${c.layer}(${JSON.stringify(c.args).slice(1, -1)}${Object.keys(c.kwargs).length ? `, ${JSON.stringify(c.kwargs)}` : ''}) weights count ${c.own_params}`, () => {
      const spec = lookupLayer('pytorch', c.layer)!;
      const config = bindConfig(spec, c.args.map(configValue), mapValues(c.kwargs, configValue)).config;
      const weights = spec.weights!(config);
      let total = 0;
      for (const shape of Object.values(weights)) if (shape) total += shape.reduce<number>((n, d) => n * (d as number), 1);
      assert.equal(total, c.own_params);
    });
  }
});
