// Issue 17, item 8: a notebook's code cells are one program; each cell gets its share of the
// analysis in its own offsets; the CLI reads .ipynb as the equivalent script.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../../src/analysis/analyze';
import { blankMagics, cellAnalysis, ipynbCells, notebookProgram } from '../../src/analysis/notebook';

const root = join(__dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'notebooks');

describe('notebook: cells as one program', () => {
  it('blanks IPython magics and shell escapes, keeping every offset', () => {
    const cell = '%matplotlib inline\nimport torch\n!pip install torch\nfiles = !ls\nx = 1 % 2';
    const blanked = blankMagics(cell);
    assert.equal(blanked.length, cell.length);
    assert.deepEqual(blanked.split('\n').map((l) => l.trim()), ['', 'import torch', '', '', 'x = 1 % 2']);
    assert.equal(blankMagics('%%time\nx = 1').split('\n')[1], 'x = 1');
    assert.equal(blankMagics('%%bash\nls -l').trim(), '');
  });

  it('joins code cells in order, skipping markdown, with each cell at its offset', () => {
    const program = notebookProgram([
      { text: 'import torch', code: true },
      { text: '# Title', code: false },
      { text: 'x = torch.zeros(2)\n', code: true },
    ]);
    assert.equal(program.text, 'import torch\n\nx = torch.zeros(2)\n\n');
    assert.deepEqual(
      program.cells.map((c) => [c.index, c.from, c.startLine]),
      [
        [0, 0, 0],
        [2, 14, 2],
      ],
    );
    assert.equal(program.text.slice(program.cells[1].from, program.cells[1].to), 'x = torch.zeros(2)\n');
  });

  it('reads an .ipynb (list or string sources) and rejects other JSON', () => {
    const cells = ipynbCells(readFileSync(join(fixtures, 'small_cnn.ipynb'), 'utf8'))!;
    assert.deepEqual(cells.map((c) => c.code), [false, true, true, false, true, true]);
    assert.match(cells[2].text, /^class Net\(nn\.Module\):/);
    assert.deepEqual(ipynbCells('{"cells": [{"cell_type": "code", "source": "x = 1"}]}'), [{ text: 'x = 1', code: true }]);
    assert.equal(ipynbCells('{"not": "a notebook"}'), null);
    assert.equal(ipynbCells('not json'), null);
  });

  it('gives the class cell its model, annotations and hints in cell offsets', () => {
    const cells = ipynbCells(readFileSync(join(fixtures, 'small_cnn.ipynb'), 'utf8'))!;
    const program = notebookProgram(cells);
    const analysis = analyze(program.text, 'python');
    const classCell = cellAnalysis(analysis, program, 2);
    const text = cells[2].text;
    assert.equal(classCell.models.length, 1);
    assert.equal(classCell.models[0].span.from, 0);
    const fc1 = classCell.models[0].modules.find((m) => m.path === 'fc1')!;
    assert.equal(text.slice(fc1.span.from, fc1.span.to), 'nn.Linear(9216, 128)');
    assert.equal(fc1.line, 6);
    assert.ok(classCell.annotations.length > 0);
    for (const a of classCell.annotations) assert.ok(a.span.from >= 0 && a.span.to <= text.length, JSON.stringify(a));
    // The model is used two cells later: its shapes are those of that use, which lies past this cell.
    assert.deepEqual(classCell.models[0].inputs[0].shape, [8, 1, 28, 28]);
    assert.equal(classCell.models[0].inputSource?.kind, 'usage');
    assert.ok(classCell.models[0].inputSource!.span.from > text.length);
    // The imports cell has no model and no annotation.
    const importsCell = cellAnalysis(analysis, program, 1);
    assert.deepEqual([importsCell.models.length, importsCell.annotations.length], [0, 0]);
  });
});

describe('layer-lens CLI on a notebook', function () {
  this.timeout(60_000);

  before(() => {
    const build = spawnSync(process.execPath, ['esbuild.mjs', 'cli'], { cwd: root, encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
  });

  it('gives the same JSON for the .ipynb as for the equivalent .py', () => {
    const run = (file: string) => {
      const r = spawnSync(process.execPath, [join(root, 'dist', 'cli', 'layerLens.js'), 'summary', file, '--json'], { cwd: root, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const json = JSON.parse(r.stdout);
      delete json.file;
      return json;
    };
    const notebook = run('test/fixtures/notebooks/small_cnn.ipynb');
    assert.equal(notebook.model, 'Net()');
    assert.deepEqual(notebook, run('test/fixtures/notebooks/small_cnn.py'));
  });

  it('says so when an .ipynb is not a notebook', () => {
    const dir = mkdtempSync(join(tmpdir(), 'layer-lens-'));
    const file = join(dir, 'broken.ipynb');
    writeFileSync(file, '{"nbformat": 4}');
    const r = spawnSync(process.execPath, [join(root, 'dist', 'cli', 'layerLens.js'), 'summary', file], { cwd: root, encoding: 'utf8' });
    rmSync(dir, { recursive: true });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /not a Jupyter notebook/);
  });
});
