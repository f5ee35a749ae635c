// The TensorFlow.js front end against real tfjs: every model factory in test/fixtures/tfjs/ and
// examples/tfjs_*.ts is analysed statically and built by @tensorflow/tfjs in Node; each layer's
// class, name, output shapes and parameter count must match `model.layers` exactly.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { allLayers } from '../../src/analysis/layers/catalogue';
import { analyzeTfjs } from '../../src/analysis/typescript/analyzeTfjs';
import type { ModelInfo, ShapesOut } from '../../src/analysis/types';
import { describeModel, isModel, tf, type RealLayer } from '../fixtures/tfjs/realTfjs';

const root = resolve(__dirname, '../..');
const fixtureDir = join(root, 'test/fixtures/tfjs');
const exampleDir = join(root, 'examples');

function modelFiles(): string[] {
  const fixtures = readdirSync(fixtureDir)
    .filter((f) => /\.(ts|js)$/.test(f) && f !== 'realTfjs.ts' && !f.startsWith('broken'))
    .map((f) => join(fixtureDir, f));
  const examples = existsSync(exampleDir)
    ? readdirSync(exampleDir)
        .filter((f) => /^tfjs_.*\.(ts|js)$/.test(f))
        .map((f) => join(exampleDir, f))
    : [];
  return [...fixtures, ...examples];
}

/**
 * Runs a built model once on zeros (batch 2, open sizes 3): configurations tfjs builds but cannot
 * run fail here. Building is the factory's call; anything else it returns is run as well.
 */
function runOnZeros(built: unknown): void {
  if (!isModel(built)) return;
  const inputs = built.inputs.map((t) => tf.zeros(t.shape.map((d, i) => (d === null ? (i === 0 ? 2 : 3) : d))));
  tf.dispose(built.predict(inputs.length === 1 ? inputs[0] : inputs));
  tf.dispose(inputs);
}

/** Fixtures whose every factory real tfjs rejects, building or running the model (`broken*.ts`). */
function brokenFiles(): string[] {
  return readdirSync(fixtureDir)
    .filter((f) => f.startsWith('broken') && f.endsWith('.ts'))
    .map((f) => join(fixtureDir, f));
}

/**
 * Static shapes use `N` for tfjs's `null` batch and `?` for any other size tfjs leaves open
 * (`null`, or `undefined` where a layer's computeOutputShape has no value yet).
 */
function realShape(shape: (number | null | undefined)[]): ShapesOut {
  return shape.map((d, i) => (d === null ? (i === 0 ? 'N' : '?') : d === undefined ? '?' : d));
}

/** The analysis's shape in the same terms: a named size after the batch (`T`) is one tfjs leaves open. */
function staticShape(shape: ShapesOut): ShapesOut {
  if (!Array.isArray(shape)) return shape;
  return shape.map((d, i) => (typeof d === 'number' || (i === 0 && d === 'N') ? d : '?'));
}

/** The 1-based line range of each exported function of a fixture: its line up to the next one's. */
function functionLines(text: string): Map<string, [number, number]> {
  const lines = text.split('\n');
  const starts: [string, number][] = [];
  lines.forEach((line, i) => {
    const m = /^export function (\w+)/.exec(line);
    if (m) starts.push([m[1], i + 1]);
  });
  return new Map(starts.map(([name, from], k) => [name, [from, k + 1 < starts.length ? starts[k + 1][1] - 1 : lines.length]]));
}

/** Errors a fixture expects, declared as `// expect-error: <part of the message>` lines. */
function expectedErrors(text: string): string[] {
  return [...text.matchAll(/\/\/ expect-error: (.+)$/gm)].map((m) => m[1].trim());
}

/** tfjs's counters run per process, so automatic names are compared without their number. */
function stem(name: string): string {
  return name.replace(/\d+$/, '');
}

/** The rows of tfjs's own `model.summary()`: each layer's "name (type)" cell and its "Param #". */
function printedSummary(model: tf.LayersModel): { rows: { cell: string; params: number }[]; width: number; total: number } {
  const lines: string[] = [];
  model.summary(undefined, undefined, (line: string) => lines.push(line));
  const header = lines.find((l) => l.startsWith('Layer (type)'))!;
  // The first column ends where the second begins; tfjs cuts a longer "name (type)" one short of it.
  const firstEnd = header.slice('Layer (type)'.length).search(/\S/) + 'Layer (type)'.length;
  const paramAt = header.indexOf('Param #');
  const afterParam = header.slice(paramAt).search(/\s\S/);
  const paramEnd = afterParam < 0 ? header.length : paramAt + afterParam + 1;
  const body = lines.slice(lines.indexOf(header) + 2);
  const rows = body
    .filter((l) => /^\S/.test(l) && !/^[_=]+$/.test(l) && !l.includes('params:'))
    .map((l) => {
      const cell = l.slice(0, firstEnd).trimEnd();
      return { cell, params: Number(l.slice(paramAt, paramEnd).trim()) };
    });
  const total = Number(/Total params: (\d+)/.exec(lines.join('\n'))?.[1]);
  return { rows, width: firstEnd - 1, total };
}

function compareModel(file: string, info: ModelInfo, real: RealLayer[], totalParams: number, model?: tf.LayersModel): void {
  const where = `${file} ${info.expr}`;
  if (model) {
    // What a tfjs user reads: model.summary()'s rows (name cut to its column) and its total.
    const printed = printedSummary(model);
    assert.deepEqual(printed.rows.map((r) => r.params), info.modules.map((m) => m.paramsOwn), `${where}: the Param # column of model.summary()`);
    printed.rows.forEach((r, i) => {
      const m = info.modules[i];
      const ours = `${stem(m.path)}${/\d+$/.exec(real[i].name)?.[0] ?? ''} (${m.type})`;
      assert.equal(ours.slice(0, printed.width).trimEnd(), r.cell, `${where}: row ${i} of model.summary() (our name with tfjs's counter)`);
    });
    assert.equal(printed.total, info.totalParams, `${where}: Total params of model.summary()`);
  }
  assert.deepEqual(
    info.modules.map((m) => m.type),
    real.map((l) => l.className),
    `${where}: layer classes in model.layers order`,
  );
  info.modules.forEach((m, i) => {
    const r = real[i];
    assert.equal(stem(m.path), stem(r.name), `${where}: name of layer ${i}`);
    assert.deepEqual(m.outputShapes?.map(staticShape), r.outputShapes.map(realShape), `${where}: output shape of ${m.path}`);
    assert.equal(m.paramsOwn, r.params, `${where}: parameters of ${m.path}`);
  });
  assert.equal(info.totalParams, totalParams, `${where}: total parameters`);
}

// Script-tag fixtures use tfjs's global `tf`, as a browser page provides it.
(globalThis as Record<string, unknown>).tf = tf;

describe('tfjs front end against real tfjs', () => {
  for (const file of modelFiles()) {
    const text = readFileSync(file, 'utf8');
    const language = file.endsWith('.js') ? 'javascript' : 'typescript';
    const analysis = analyzeTfjs(text, language);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require(file) as Record<string, unknown>;
    const name = file.slice(root.length + 1);

    for (const [exported, value] of Object.entries(module)) {
      if (isModel(value)) {
        it(`${name}: the top-level model ${exported} matches tfjs layer by layer`, () => {
          const info = analysis.models.find((m) => m.expr === exported);
          assert.ok(info, `${name}: no static model ${exported} among ${analysis.models.map((m) => m.expr).join(', ')}`);
          // Top-level models share tfjs's name counters with everything built before them.
          compareModel(name, info, describeModel(value), value.countParams(), value);
        });
        continue;
      }
      if (typeof value !== 'function') continue;
      const info = analysis.models.find((m) => m.expr === `${exported}()`);
      if (!info) {
        // A helper that builds no model has nothing to compare; calling it shows no model was missed.
        it(`${name}: ${exported}() builds no model in tfjs either`, () => {
          const built = (value as () => unknown)();
          assert.ok(!isModel(built), `${name}: tfjs builds a model from ${exported}(), but there is no static model for it among ${analysis.models.map((m) => m.expr).join(', ')}`);
        });
        continue;
      }
      it(`${name}: ${exported}() matches tfjs layer by layer`, () => {
        const built = (value as () => unknown)();
        assert.ok(isModel(built), `${name}: the analysis has a model for ${exported}(), but tfjs builds none from it`);
        compareModel(name, info, describeModel(built), built.countParams(), built);
      });
    }

    it(`${name}: reports exactly the errors the file declares`, () => {
      const expected = expectedErrors(text);
      const errors = analysis.findings.filter((f) => f.severity === 'error');
      const unexpected = errors.filter((f) => !expected.some((e) => f.message.includes(e)));
      assert.deepEqual(unexpected.map((f) => `${f.line}: ${f.message}`), [], 'unexpected errors');
      for (const e of expected) assert.ok(errors.some((f) => f.message.includes(e)), `expected an error containing "${e}"`);
    });
  }
});

describe('tfjs configurations real tfjs rejects', () => {
  for (const file of brokenFiles()) {
    const text = readFileSync(file, 'utf8');
    const analysis = analyzeTfjs(text, 'typescript');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require(file) as Record<string, () => unknown>;
    const name = file.slice(root.length + 1);
    for (const [exported, [from, to]] of functionLines(text)) {
      it(`${name}: ${exported}() fails in tfjs, and the analysis reports it inside the function`, () => {
        assert.throws(() => runOnZeros(module[exported]()), `${name}: tfjs builds and runs ${exported}() without complaint`);
        // An error, or a warning where the analysis cannot be certain (an uncatalogued factory, a class whose name it cannot see).
        const inside = analysis.findings.filter((f) => f.line >= from && f.line <= to && f.severity !== 'info');
        assert.ok(inside.length > 0, `${name}: no error between lines ${from} and ${to}; findings: ${analysis.findings.map((f) => `${f.line} ${f.severity} ${f.message}`).join('; ')}`);
      });
    }
  }
});

describe('tfjs catalogue coverage', () => {
  it('every tfjs catalogue entry (aliases included) is built by some fixture', () => {
    const used = new Set<string>();
    for (const file of [...modelFiles(), ...brokenFiles()]) for (const m of readFileSync(file, 'utf8').matchAll(/\blayers\.(\w+)\(/g)) used.add(m[1]);
    const missing = allLayers()
      .filter((s) => s.framework === 'tfjs' && !used.has(s.name))
      .map((s) => s.name);
    assert.deepEqual(missing, []);
  });
});

describe('tfjs layer names', () => {
  // A fresh process has fresh name counters, exactly the state the analysis assumes for a factory.
  for (const [file, factory] of [
    ['test/fixtures/tfjs/digitCnn.ts', 'digitCnn'],
    ['test/fixtures/tfjs/functional.ts', 'residualNet'],
    ['test/fixtures/tfjs/recurrent.ts', 'encoderStates'],
    ['test/fixtures/tfjs/recurrentCells.ts', 'cellStacks'],
    ['test/fixtures/tfjs/customLayers.ts', 'customFunctional'],
  ] as const) {
    it(`${factory}() names its layers as tfjs does in a fresh process`, function () {
      this.timeout(30_000);
      const script = `const tf = require('@tensorflow/tfjs'); tf.enableProdMode(); const m = require(${JSON.stringify(join(root, file))}); console.log(JSON.stringify(m.${factory}().layers.map((l) => l.name)));`;
      const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, encoding: 'utf8' });
      const real = JSON.parse(out.trim().split('\n').pop()!) as string[];
      const info = analyzeTfjs(readFileSync(join(root, file), 'utf8'), 'typescript').models.find((m) => m.expr === `${factory}()`);
      assert.deepEqual(info?.modules.map((m) => m.path), real);
    });
  }
});
