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

describe('PyTorch layer catalogue against PyTorch ' + fixture.torch, () => {
  it('has a PyTorch case for every catalogue layer this PyTorch has', () => {
    const covered = new Set(fixture.cases.map((c) => c.layer));
    const missing = allLayers()
      .filter((s) => s.framework === 'pytorch' && !covered.has(s.name) && !fixture.unavailable.includes(s.name))
      .map((s) => s.name);
    assert.deepEqual(missing, []);
  });

  for (const c of fixture.cases) {
    if (c.error) {
      it(`reports what PyTorch rejects: ${describe_(c)}`, () => {
        const { findings } = run(c);
        const reported = [...findings.mismatch, ...findings.invalid];
        assert.ok(reported.length > 0, `PyTorch raised at ${c.error_stage}: ${c.error}; the catalogue reported nothing`);
        // A forward-time error that PyTorch only detects on data is still a certain mismatch for us;
        // constructor errors must come from validate, as the constructor is where the user should look.
        if (c.error_stage === 'init') assert.ok(findings.invalid.length > 0, `expected an invalid-argument finding for ${c.error}`);
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
