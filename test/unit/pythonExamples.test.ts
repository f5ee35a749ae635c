// Issue 3's done criterion: every example in examples/ analysed with the concrete inputs real
// PyTorch used (test/fixtures/examples/*.json, written by test/fixtures/torch/generateExamples.py
// with forward hooks) gives PyTorch's module paths, output shapes and parameter counts exactly.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { analyze } from '../../src/analysis/analyze';
import { parseShapeSpec } from '../../src/analysis/python/inputs';
import { formatDim } from '../../src/analysis/shapes';
import type { InputBinding } from '../../src/analysis/types';
import { summaryJson, type SummaryJson } from '../../src/cli/summaryJson';

const root = join(__dirname, '..', '..');
const fixtureDir = join(root, 'test', 'fixtures', 'examples');

function bindings(specs: string[]): InputBinding[] {
  return specs.map((s) => {
    const b = parseShapeSpec(s);
    assert.ok(b, `fixture input ${s} parses`);
    return { name: b.name, shape: b.dims.map((d) => (typeof d === 'number' ? d : formatDim(d))), dtype: b.dtype };
  });
}

function readModule(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

describe('python examples against PyTorch', () => {
  const fixtures = existsSync(fixtureDir) ? readdirSync(fixtureDir).filter((f) => f.endsWith('.json')) : [];
  it('has fixtures to compare against', () => assert.ok(fixtures.length > 0));
  for (const name of fixtures) {
    const expected = JSON.parse(readFileSync(join(fixtureDir, name), 'utf8')) as SummaryJson;
    if (!expected.file.endsWith('.py')) continue;
    it(`${name}: ${expected.model} on ${expected.inputs.join(', ')}`, () => {
      const file = join(root, expected.file);
      const analysis = analyze(readFileSync(file, 'utf8'), 'python', {
        fileName: file,
        model: expected.model ?? undefined,
        inputs: bindings(expected.inputs),
        readModule,
        ...{ inputsOverrideComments: true },
      });
      const model = analysis.models[analysis.models.length - 1] ?? null;
      assert.ok(model, `a model was built; findings: ${analysis.findings.map((f) => f.message).join('; ')}`);
      const got = summaryJson(expected.file, analysis, model);
      assert.deepEqual(
        got.modules.map((m) => m.path),
        expected.modules.map((m) => m.path),
        'module paths in named_modules() order',
      );
      expected.modules.forEach((want, i) => {
        const have = got.modules[i];
        const where = `${name} ${want.path || '(model)'}`;
        assert.equal(have.type, want.type, `${where} type`);
        assert.deepEqual(have.output_shapes, want.output_shapes, `${where} output shapes`);
        assert.equal(have.params_own, want.params_own, `${where} own parameters`);
        assert.equal(have.params_total, want.params_total, `${where} total parameters`);
        if (want.receptive_field) assert.deepEqual(have.receptive_field, want.receptive_field, `${where} receptive field`);
      });
      assert.equal(got.total_params, expected.total_params);
      assert.deepEqual(got.findings.filter((f) => f.severity === 'error'), [], 'no errors on a correct example');
    });
  }
  void dirname;
});
