// Runs analyses in worker threads (Node only: the Node extension host and the CLI). Each worker has
// a heap limit; each analysis has a wall-clock deadline, after which its worker is terminated and
// the analysis becomes one finding saying so. A hostile file therefore costs a worker, never the
// extension host: the host waits for a result only a short while, synchronously (the cache's
// providers are synchronous), and a late result arrives through `onLate`.

import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { Analysis } from '../analysis/types';
import type { AnalysisJobPool } from '../shared/analysisJobs';
import { deadlineMessage, memoryMessage, type AnalysisLimits, type FromWorker, type ToWorker, type WorkerStart } from '../shared/analysisWorker';
import { PoolSlot, WorkerPoolCore, type PoolJob } from '../shared/workerPoolCore';

/** How the pool is set up. */
export interface PoolOptions {
  /** The script a worker runs (dist/extension/analysisWorker.js, or the CLI's own bundle). */
  workerFile: string;
  limits?: AnalysisLimits;
  /** The most workers alive at once; a busy pool queues on the least loaded one. */
  maxWorkers?: number;
  /** `execArgv` of the workers (default: the process's own, so a TypeScript loader carries over).  */
  execArgv?: string[];
}

/** A job, with the time its deadline falls (the synchronous wait watches it too). */
type Job = PoolJob & { deadlineAt: number };

/** One worker thread and the jobs it owes. */
class Slot extends PoolSlot<Job> {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal: Int32Array;
  /** When the worker said it was ready (performance.now()). */
  readyAt = Infinity;

  constructor(pool: AnalysisWorkerPool, options: PoolOptions & { limits: AnalysisLimits }) {
    super(pool);
    const shared = new SharedArrayBuffer(8);
    this.signal = new Int32Array(shared);
    const channel = new MessageChannel();
    this.port = channel.port1;
    const start: WorkerStart & { port: MessagePort } = { layerLensAnalysisWorker: true, signal: shared, moduleReplyMs: options.limits.deadlineMs, port: channel.port2 };
    this.worker = new Worker(options.workerFile, {
      workerData: start,
      transferList: [channel.port2],
      resourceLimits: { maxOldGenerationSizeMb: options.limits.heapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 8 },
      // Without execArgv a worker inherits the process's (a TypeScript loader under the unit tests).
      ...(options.execArgv ? { execArgv: options.execArgv } : {}),
      stdout: false,
      stderr: false,
    });
    this.port.on('message', (message: FromWorker) => this.handle(message));
    this.worker.on('error', (error: Error & { code?: string }) => {
      const outOfMemory = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.stop(outOfMemory ? memoryMessage(options.limits) : `Layer Lens's analysis worker failed: ${error.message}`);
    });
    this.worker.on('exit', () => this.stop('Layer Lens’s analysis worker stopped before it finished.'));
    // Neither keeps a CLI process alive.
    this.worker.unref();
    this.port.unref();
  }

  send(message: ToWorker): void {
    this.port.postMessage(message);
  }

  protected terminate(): void {
    void this.worker.terminate();
    this.port.close();
  }

  protected startDeadline(job: Job): void {
    job.deadlineAt = job.started + this.pool.limits.deadlineMs;
    const timer = setTimeout(() => this.expire(job), this.pool.limits.deadlineMs);
    timer.unref?.();
    job.timer = timer;
  }

  protected override becameReady(): void {
    this.readyAt = performance.now();
    super.becameReady();
  }

  /** Handles one message from the worker (from the event loop, or from `waitFor`). */
  handle(message: FromWorker): void {
    if (message.type === 'ready') return this.becameReady();
    const job = this.current;
    if (!job || message.id !== job.id) return;
    if (message.type === 'module') {
      let text: string | undefined;
      try {
        text = job.readModule?.(message.path);
      } catch {
        text = undefined;
      }
      this.send({ type: 'moduleText', id: job.id, text: text ?? null });
      Atomics.add(this.signal, 1, 1);
      Atomics.notify(this.signal, 1);
      return;
    }
    // The web worker's question; a Node worker asks `module` by module and waits.
    if (message.type === 'modules') return;
    this.finished(job, message);
  }

  /** The deadline passed: the worker is terminated and its jobs end with a finding. */
  expire(job: Job): void {
    if (this.current !== job || job.result) return;
    this.stop(deadlineMessage(this.pool.limits));
  }

  /**
   * Blocks until the job has a result or `until` (performance.now() time) passes, serving the
   * worker's questions meanwhile. Returns whether the job finished.
   */
  waitFor(job: Job, until: number): boolean {
    const wasReady = this.ready;
    for (;;) {
      if (job.result) return true;
      if (this.dead) return job.result !== undefined;
      const seen = Atomics.load(this.signal, 0);
      const received = receiveMessageOnPort(this.port);
      if (received) {
        this.handle(received.message as FromWorker);
        // A worker that just started: the caller recounts its wait from now.
        if (!wasReady && this.ready && !job.result) return false;
        continue;
      }
      const now = performance.now();
      if (this.current === job && now >= job.deadlineAt) {
        this.expire(job);
        continue;
      }
      const limit = Math.min(until, this.current === job ? job.deadlineAt : until) - now;
      if (limit <= 0) return false;
      Atomics.wait(this.signal, 0, seen, Math.max(1, limit));
    }
  }
}

/** A pool of analysis workers. */
export class AnalysisWorkerPool extends WorkerPoolCore<Job, Slot> implements AnalysisJobPool<Job> {
  private readonly options: PoolOptions & { limits: AnalysisLimits };
  /**
   * Files (by `fileName`) whose last analysis outlasted the host's wait: a pathological file is
   * waited for once, not on every request, until one of its analyses is quick again.
   */
  readonly slowFiles = new Set<string>();

  constructor(options: PoolOptions) {
    super(options.limits, options.maxWorkers ?? 3);
    this.options = { limits: this.limits, execArgv: options.execArgv, workerFile: options.workerFile };
  }

  protected makeSlot(): Slot {
    return new Slot(this, this.options);
  }

  protected makeJob(base: PoolJob): Job {
    return { ...base, deadlineAt: Infinity };
  }

  /**
   * Waits synchronously up to `ms` for the job, counted from when its worker is ready (a worker's
   * start-up adds at most `startupMs`). Returns the analysis, or undefined when late.
   */
  waitSync(job: Job, ms: number, startupMs = 3000): Analysis | undefined {
    const started = performance.now();
    for (;;) {
      if (job.result) return job.result;
      const slot = this.slots.find((s) => s.current === job || s.queue.includes(job));
      if (!slot) return job.result;
      // A worker still starting is waited for (at most `startupMs`), unless nothing is to be waited for.
      const until = slot.ready ? Math.max(started, slot.readyAt) + ms : started + (ms > 0 ? startupMs : 0);
      if (performance.now() >= until) return undefined;
      slot.waitFor(job, until);
    }
  }
}

// The synchronous faces of a pool (a document's incremental analyser, one-off analyses) are shared
// with the web host's pool: src/shared/analysisJobs.ts.
export { HOST_WAIT_MS, workerAnalyze, workerIncrementalAnalyzer } from '../shared/analysisJobs';
