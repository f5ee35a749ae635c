// Issue 3's and issue 4's done criteria: every example in examples/ and a representative subset of
// torchvision's model zoo, analysed with the concrete inputs real PyTorch used, give PyTorch's module
// paths, output shapes, parameter counts and receptive fields exactly. The expectations were written
// by test/fixtures/torch/generateExamples.py and tools/measureTorchvision.py with forward hooks.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/analysis/analyze';
import { parseShapeSpec } from '../../src/analysis/python/inputs';
import { formatDim } from '../../src/analysis/shapes';
import type { InputBinding } from '../../src/analysis/types';
import { summaryJson, type SummaryJson } from '../../src/cli/summaryJson';
import { relocateTorchvisionPath } from './torchvisionSources';

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

function fixturesIn(dir: string): SummaryJson[] {
  return existsSync(dir)
    ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as SummaryJson)
    : [];
}

/** Analyses a fixture's file as the CLI would and compares it module by module with PyTorch's record. */
function compareWithPyTorch(expected: SummaryJson, file: string): void {
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
  const wantErrors = expected.findings.filter((f) => f.severity === 'error');
  expected.modules.forEach((want, i) => {
    const have = got.modules[i];
    const where = `${expected.model} ${want.path || '(model)'}`;
    assert.equal(have.type, want.type, `${where} type`);
    // Where PyTorch raised, the modules on the failing path never returned, so PyTorch has no shape to
    // compare with; we continue past the error on purpose and are only held to what PyTorch computed.
    const pytorchStopped = wantErrors.length > 0 && want.output_shapes === null;
    if (!pytorchStopped) assert.deepEqual(have.output_shapes, want.output_shapes, `${where} output shapes`);
    assert.equal(have.params_own, want.params_own, `${where} own parameters`);
    assert.equal(have.params_total, want.params_total, `${where} total parameters`);
    // The measuring scripts record a field (or null, where the gradient reaches the whole input)
    // for the modules they probed; modules without the key were not measured.
    if ('receptive_field' in want) assert.deepEqual(have.receptive_field, want.receptive_field, `${where} receptive field`);
  });
  assert.equal(got.total_params, expected.total_params);
  const gotErrors = got.findings.filter((f) => f.severity === 'error');
  // PyTorch's own wording differs from ours; what must agree is where the error is and that there is one.
  assert.deepEqual(gotErrors.map((f) => f.line), wantErrors.map((f) => f.line), `error lines; ours: ${gotErrors.map((f) => f.message).join('; ')}`);
}

describe('python examples against PyTorch', () => {
  const fixtures = [...fixturesIn(fixtureDir), ...fixturesIn(join(fixtureDir, 'broken')), ...fixturesIn(join(fixtureDir, 'transformer'))].filter((f) => f.file.endsWith('.py'));
  it('has fixtures to compare against', () => assert.ok(fixtures.length > 0));
  for (const expected of fixtures) {
    it(`${expected.file}: ${expected.model} on ${expected.inputs.join(', ')}`, () => compareWithPyTorch(expected, join(root, expected.file)));
  }
});

describe('torchvision model zoo against PyTorch', () => {
  const fixtures = fixturesIn(join(root, 'test', 'fixtures', 'torchvision'));
  it('has fixtures to compare against', () => assert.ok(fixtures.length > 0));
  for (const expected of fixtures) {
    // The fixtures record Debian's paths; the files are read from whichever copy this machine has.
    it(`${expected.model} on ${expected.inputs.join(', ')}`, () => compareWithPyTorch(expected, relocateTorchvisionPath(expected.file)));
  }
});
