// The analysis worker pool of the Node host and the CLI's analysis child (issue 19, item 3): results
// equal the in-process analysis, imports are answered across the thread, and a pathological file
// ends in a finding that says what stopped it, while other analyses go on.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../../src/analysis/analyze';
import type { Analysis } from '../../src/analysis/types';
import { isPendingAnalysis } from '../../src/shared/analysisWorker';
import { AnalysisWorkerPool, workerIncrementalAnalyzer } from '../../src/node/analysisWorkerPool';
import { pathologicalInputs } from './pathologicalInputs';

/** The one input only the deadline stops (products of symbolic sizes at the edge of the symbolic bounds). */
const slowInput = pathologicalInputs.find((i) => !i.bounded)!;

const root = join(__dirname, '..', '..');
const workerFile = join(root, 'dist', 'extension', 'analysisWorker.js');

const small = ['import torch.nn as nn', 'class Net(nn.Module):', '    def __init__(self):', '        super().__init__()', '        self.fc = nn.Linear(4, 2)', '    def forward(self, x):', '        return self.fc(x)'].join('\n');

/** An analysis without its timing, for comparison. */
const timeless = (a: Analysis) => ({ ...a, elapsedMs: 0 });

describe('analysis worker pool (issue 19)', function () {
  this.timeout(60_000);
  let pool: AnalysisWorkerPool;
  // The workers run the worker's bundle, as in the extension.
  before(() => {
    const build = spawnSync(process.execPath, ['esbuild.mjs', 'extension-worker'], { cwd: root, encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
  });
  beforeEach(() => (pool = new AnalysisWorkerPool({ workerFile, limits: { deadlineMs: 1500, heapMb: 256 } })));
  afterEach(() => pool.dispose());

  it('returns what the in-process analysis returns, and answers imports from the host', () => {
    const options = { fileName: '/w/pkg/net.py', readModule: (p: string) => (p === '/w/pkg/layers.py' ? 'WIDTH = 6\n' : undefined) };
    const text = `from layers import WIDTH\n${small.replace('Linear(4, 2)', 'Linear(WIDTH, 2)')}`;
    const inWorker = pool.waitSync(pool.submit(null, text, 'python', options), 60_000, 60_000);
    assert.ok(inWorker);
    assert.deepEqual(timeless(inWorker), timeless(analyze(text, 'python', options)));
    assert.equal(inWorker.models[0].modules.find((m) => m.path === 'fc')?.paramsOwn, 14);
  });

  it('keeps an incremental analyser per document and answers late results through onLate', async () => {
    let lateCalls = 0;
    let late: () => void = () => {};
    const lateResult = new Promise<void>((resolve) => (late = resolve));
    const incremental = workerIncrementalAnalyzer(pool, 'file:///w/bomb.py', () => (lateCalls++, late()), 0);
    const bomb = slowInput;
    const first = incremental.update(bomb.text, 'python', {});
    assert.ok(isPendingAnalysis(first), 'the host did not wait');
    await lateResult;
    assert.equal(lateCalls, 1);
    const stopped = incremental.update(bomb.text, 'python', {});
    assert.ok(!isPendingAnalysis(stopped));
    assert.match(stopped.findings.map((f) => f.message).join('\n'), /stopped the analysis after 1\.5 s|needed more than 256 MB/);
    assert.equal(pool.stoppedCount, 1);
  });

  it('analyses another document while a pathological one occupies a worker', async () => {
    const bomb = pool.submit('file:///w/bomb.py', slowInput.text, 'python', {});
    const other = pool.waitSync(pool.submit('file:///w/net.py', small, 'python', {}), 60_000, 60_000);
    assert.equal(other?.models[0].name, 'Net');
    assert.equal(pool.workerCount, 2);
    const stopped = await new Promise<Analysis>((resolve) => pool.whenDone(bomb, resolve));
    assert.match(stopped.findings[0].message, /stopped the analysis/);
  });
});

describe('pathological inputs in the CLI (issue 19)', function () {
  this.timeout(120_000);
  const bin = join(root, 'dist', 'cli', 'layerLens.js');
  before(() => {
    const build = spawnSync(process.execPath, ['esbuild.mjs', 'cli'], { cwd: root, encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
  });

  // Every input through the warm analysis child (the default), the one the deadline stops through a one-off child too.
  const runs = [...pathologicalInputs.map((input) => ({ input, env: {} as NodeJS.ProcessEnv, how: '' })), { input: slowInput, env: { LAYER_LENS_SERVER: 'off' }, how: ' in a one-off child' }];
  for (const { input, env, how } of runs) {
    it(`ends ${input.name}${how} with a finding that says what was bounded`, () => {
      const folder = mkdtempSync(join(tmpdir(), 'layer-lens-bomb-'));
      const file = join(folder, `bomb.${input.language === 'python' ? 'py' : 'ts'}`);
      writeFileSync(file, input.text);
      try {
        const run = spawnSync(process.execPath, [bin, 'summary', file, '--json'], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, ...env } });
        assert.equal(run.status, 0, run.stderr);
        const json = JSON.parse(run.stdout) as { findings: { message: string }[] };
        assert.ok(
          json.findings.some((f) => /stopped the analysis|would exceed the analysis's bound|step budget/.test(f.message)),
          `no finding says what was bounded: ${JSON.stringify(json.findings).slice(0, 500)}`,
        );
        assert.ok(run.stdout.length < 1_000_000, `the output holds ${run.stdout.length} characters`);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    });
  }
});
