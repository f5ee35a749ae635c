// The web host's analysis pool (issue 19) with stand-in workers: the real Web Worker runs only in a
// browser (the web integration suite starts it). What is checked here is the pool's own logic:
// every result arrives late through onLate, an analysis past the deadline terminates its worker
// and ends with the deadline finding while the next job gets a new worker, imports are answered in
// rounds from the host's readModule, and a worker that fails before it starts turns the runner to
// the host's thread.
import assert from 'node:assert/strict';
import { analyze, createIncrementalAnalyzer } from '../../src/analysis/api';
import type { Analysis } from '../../src/analysis/types';
import { isPendingAnalysis, type FromWorker, type ToWorker } from '../../src/shared/analysisWorker';
import { webWorkerAnalysisRunner } from '../../src/web/webHost';
import type { WebWorkerHandle } from '../../src/web/webWorkerPool';

/** A stand-in worker: answers in a later turn, hangs on a text containing HANG, asks for `helper.py` once. */
class FakeWorker implements WebWorkerHandle {
  onmessage: ((event: { data: FromWorker }) => void) | null = null;
  onerror: ((event: { message?: string }) => void) | null = null;
  terminated = false;
  readonly received: ToWorker[] = [];

  constructor(readonly failToStart = false) {
    setImmediate(() => (failToStart ? this.onerror?.({ message: 'cannot load the script' }) : this.send({ type: 'ready' })));
  }

  postMessage(message: ToWorker): void {
    this.received.push(message);
    if (message.type === 'analyze') {
      if (message.text.includes('HANG')) return;
      if (message.readsModules) setImmediate(() => this.send({ type: 'modules', id: message.id, paths: ['/w/helper.py'] }));
      else setImmediate(() => this.send({ type: 'result', id: message.id, analysis: analyze(message.text, message.language, message.options), stats: null }));
    } else if (message.type === 'moduleTexts') {
      const analyzed = this.received.find((m): m is Extract<ToWorker, { type: 'analyze' }> => m.type === 'analyze' && m.id === message.id)!;
      const text = `${message.texts['/w/helper.py'] ?? ''}\n${analyzed.text}`;
      setImmediate(() => this.send({ type: 'result', id: message.id, analysis: analyze(text, 'python'), stats: null }));
    }
  }

  terminate(): void {
    this.terminated = true;
  }

  private send(message: FromWorker): void {
    if (!this.terminated) this.onmessage?.({ data: message });
  }
}

const model = 'import torch.nn as nn\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 2)\n';

describe('web host: the Web Worker pool (issue 19)', () => {
  const inThread = { analyze, createIncrementalAnalyzer };

  it('answers with a stand-in at once and delivers the analysis through onLate', async () => {
    const workers: FakeWorker[] = [];
    const runner = webWorkerAnalysisRunner(() => (workers.push(new FakeWorker()), workers.at(-1)!), inThread, () => assert.fail('unavailable'));
    try {
      let late: () => void = () => {};
      const arrived = new Promise<void>((resolve) => (late = resolve));
      const incremental = runner.incremental('file:///w/net.py', () => late());
      assert.ok(isPendingAnalysis(incremental.update(model, 'python', {})));
      await arrived;
      const analysis = incremental.update(model, 'python', {});
      assert.ok(!isPendingAnalysis(analysis));
      assert.equal(analysis.models[0].name, 'Net');
      assert.equal(runner.state().kind, 'web-workers');
      assert.equal(workers.length, 2, 'a spare starts with the first');
    } finally {
      runner.dispose();
    }
  });

  it('stops an analysis at the deadline, terminates its worker and starts another for the next job', async () => {
    const workers: FakeWorker[] = [];
    const runner = webWorkerAnalysisRunner(() => (workers.push(new FakeWorker()), workers.at(-1)!), inThread, () => assert.fail('unavailable'), { deadlineMs: 50, heapMb: 256 });
    try {
      const stopped = await runner.analyzeLate('# HANG\n', 'python', {});
      assert.match(stopped.findings[0].message, /stopped the analysis after 0\.05 s/);
      assert.ok(workers.some((w) => w.terminated), 'the hung worker was terminated');
      assert.equal(runner.state().analysesStopped, 1);
      const next = await runner.analyzeLate(model, 'python', {});
      assert.equal(next.models[0].name, 'Net');
      assert.ok(runner.state().workersStarted >= 2);
    } finally {
      runner.dispose();
    }
  });

  it('answers the worker’s import questions from the host’s readModule', async () => {
    const runner = webWorkerAnalysisRunner(() => new FakeWorker(), inThread, () => assert.fail('unavailable'));
    try {
      const asked: string[] = [];
      const readModule = (path: string) => (asked.push(path), 'WIDTH = 6\n');
      const analysis: Analysis = await runner.analyzeLate(model.replace('Linear(4, 2)', 'Linear(WIDTH, 2)'), 'python', { readModule });
      assert.deepEqual(asked, ['/w/helper.py']);
      assert.equal(analysis.models[0].modules.find((m) => m.path === 'fc')?.paramsOwn, 14);
    } finally {
      runner.dispose();
    }
  });

  it('analyses on the host’s thread, and says so once, when a worker fails before it starts', async () => {
    const reasons: string[] = [];
    const runner = webWorkerAnalysisRunner(() => new FakeWorker(true), inThread, (reason) => reasons.push(reason));
    try {
      const first = await runner.analyzeLate(model, 'python', {});
      assert.match(first.findings[0]?.message ?? '', /failed/);
      assert.equal(reasons.length, 1);
      assert.match(reasons[0], /failed to start: cannot load the script/);
      assert.equal(runner.state().kind, 'in-thread');
      const second = runner.analyze(model, 'python', {});
      assert.ok(!isPendingAnalysis(second));
      assert.equal(second.models[0].name, 'Net');
    } finally {
      runner.dispose();
    }
  });
});
