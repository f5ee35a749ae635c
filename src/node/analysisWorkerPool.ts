// Runs analyses in worker threads (Node only: the Node extension host and the CLI). Each worker has
// a heap limit; each analysis has a wall-clock deadline, after which its worker is terminated and
// the analysis becomes one finding saying so. A hostile file therefore costs a worker, never the
// extension host: the host waits for a result only a short while, synchronously (the cache's
// providers are synchronous), and a late result arrives through `onLate`.

import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { IncrementalStats } from '../analysis/incremental';
import type { Analysis, AnalyzeOptions, Language } from '../analysis/types';
import {
  ANALYSIS_LIMITS,
  deadlineMessage,
  memoryMessage,
  stoppedAnalysis,
  type AnalysisLimits,
  type FromWorker,
  type ToWorker,
  type WorkerStart,
} from '../shared/analysisWorker';
import type { AnalysisJobPool } from '../shared/analysisJobs';

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

type Job = {
  id: number;
  /** What the worker's incremental analyser reported for this job, if it used one. */
  stats?: IncrementalStats | null;
  message: Extract<ToWorker, { type: 'analyze' }>;
  readModule: AnalyzeOptions['readModule'];
  started: number;
  deadlineAt: number;
  timer?: ReturnType<typeof setTimeout>;
  result?: Analysis;
  listeners: ((analysis: Analysis) => void)[];
};

/** One worker thread and the jobs it owes. */
class Slot {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly signal: Int32Array;
  ready = false;
  /** When the worker said it was ready (performance.now()). */
  readyAt = Infinity;
  dead = false;
  readonly queue: Job[] = [];
  current: Job | null = null;
  readonly keys = new Set<string>();
  /** When the worker was created (performance.now()). */
  private readonly created = performance.now();

  constructor(private readonly pool: AnalysisWorkerPool, options: PoolOptions & { limits: AnalysisLimits }) {
    pool.spawnedCount++;
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

  /** Jobs waiting or running. */
  get load(): number {
    return this.queue.length + (this.current ? 1 : 0);
  }

  enqueue(job: Job): void {
    this.queue.push(job);
    this.next();
  }

  /** Starts the next job when the worker is ready and idle. */
  private next(): void {
    if (!this.ready || this.dead || this.current || this.queue.length === 0) return;
    const job = this.queue.shift()!;
    this.current = job;
    job.started = performance.now();
    job.deadlineAt = job.started + this.pool.limits.deadlineMs;
    job.timer = setTimeout(() => this.expire(job), this.pool.limits.deadlineMs);
    job.timer.unref?.();
    if (job.message.key !== null) this.keys.add(job.message.key);
    this.port.postMessage(job.message);
  }

  /** Handles one message from the worker (from the event loop, or from `waitFor`). */
  handle(message: FromWorker): void {
    if (message.type === 'ready') {
      this.ready = true;
      this.readyAt = performance.now();
      this.pool.firstStartMs ??= this.readyAt - this.created;
      this.next();
      return;
    }
    const job = this.current;
    if (!job || message.id !== job.id) return;
    if (message.type === 'module') {
      let text: string | undefined;
      try {
        text = job.readModule?.(message.path);
      } catch {
        text = undefined;
      }
      this.port.postMessage({ type: 'moduleText', id: job.id, text: text ?? null } satisfies ToWorker);
      Atomics.add(this.signal, 1, 1);
      Atomics.notify(this.signal, 1);
      return;
    }
    // The web worker's question; a Node worker asks `module` by module and waits.
    if (message.type === 'modules') return;
    if (message.type === 'result') job.stats = message.stats;
    const analysis =
      message.type === 'result' ? message.analysis : stoppedAnalysis(job.message.language, `Layer Lens's analysis failed: ${message.message.split('\n')[0]}`, 0);
    this.current = null;
    this.pool.settle(job, analysis);
    this.next();
  }

  /** The deadline passed: the worker is terminated and its jobs end with a finding. */
  expire(job: Job): void {
    if (this.current !== job || job.result) return;
    this.stop(deadlineMessage(this.pool.limits));
  }

  /** Ends the worker; the running job gets the message, queued jobs move to other workers. */
  stop(message: string): void {
    if (this.dead) return;
    this.dead = true;
    void this.worker.terminate();
    this.port.close();
    const job = this.current;
    this.current = null;
    // A worker that never started would fail again: its queue ends with the message too.
    const orphans = this.queue.splice(0);
    this.pool.removed(this, this.ready ? orphans : []);
    if (job && !job.result) this.pool.stoppedCount++;
    for (const ended of this.ready ? [job] : [job, ...orphans]) {
      if (ended && !ended.result) this.pool.settle(ended, stoppedAnalysis(ended.message.language, message, performance.now() - ended.started));
    }
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
export class AnalysisWorkerPool implements AnalysisJobPool<Job> {
  readonly limits: AnalysisLimits;
  private readonly options: PoolOptions & { limits: AnalysisLimits; maxWorkers: number };
  private slots: Slot[] = [];
  private nextId = 1;
  /** Analyses stopped by the deadline or the heap limit, for tests and logs. */
  stoppedCount = 0;
  /** Workers started so far. */
  spawnedCount = 0;
  /** Milliseconds from the first worker's creation to its `ready` (it loads the core meanwhile). */
  firstStartMs: number | undefined;
  /**
   * Files (by `fileName`) whose last analysis outlasted the host's wait: a pathological file is
   * waited for once, not on every request, until one of its analyses is quick again.
   */
  readonly slowFiles = new Set<string>();

  constructor(options: PoolOptions) {
    this.limits = options.limits ?? ANALYSIS_LIMITS;
    this.options = { limits: this.limits, maxWorkers: options.maxWorkers ?? 3, execArgv: options.execArgv, workerFile: options.workerFile };
  }

  /** Queues an analysis; `key` names the document whose incremental analyser the worker keeps. */
  submit(key: string | null, text: string, language: Language, options: AnalyzeOptions = {}): Job {
    const { readModule, ...rest } = options;
    const id = this.nextId++;
    const job: Job = {
      id,
      message: { type: 'analyze', id, key, text, language, options: rest, readsModules: readModule !== undefined },
      readModule,
      started: performance.now(),
      deadlineAt: Infinity,
      listeners: [],
    };
    this.slotFor(key).enqueue(job);
    return job;
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

  /** Calls back once the job has its result (at once if it has). */
  whenDone(job: Job, listener: (analysis: Analysis) => void): void {
    if (job.result) listener(job.result);
    else job.listeners.push(listener);
  }

  /** Tells the workers to drop a document's incremental analyser. */
  forget(key: string): void {
    for (const slot of this.slots) {
      if (!slot.keys.delete(key)) continue;
      slot.port.postMessage({ type: 'forget', key } satisfies ToWorker);
    }
  }

  /** Terminates every worker. */
  dispose(): void {
    for (const slot of [...this.slots]) slot.stop('Layer Lens closed.');
    this.slots = [];
  }

  /** Workers alive, for tests. */
  get workerCount(): number {
    return this.slots.length;
  }

  /** Workers running an analysis now. */
  get busyCount(): number {
    return this.slots.filter((s) => s.current !== null).length;
  }

  /** The worker for a job: the idle one that holds the document, else any idle one, else a new one, else the least loaded. */
  private slotFor(key: string | null): Slot {
    const idle = this.slots.filter((s) => s.load === 0);
    const chosen = idle.find((s) => key !== null && s.keys.has(key)) ?? idle[0];
    if (chosen) return chosen;
    if (this.slots.length < this.options.maxWorkers) {
      const slot = new Slot(this, this.options);
      this.slots.push(slot);
      // A spare worker starts with the first, so that one long analysis never makes the host wait
      // for a worker to start.
      if (this.slots.length === 1 && this.options.maxWorkers > 1) this.slots.push(new Slot(this, this.options));
      return slot;
    }
    return [...this.slots].sort((a, b) => a.load - b.load)[0];
  }

  /** Called by a slot when its job is done. */
  settle(job: Job, analysis: Analysis): void {
    if (job.result) return;
    if (job.timer !== undefined) clearTimeout(job.timer);
    job.result = analysis;
    for (const listener of job.listeners.splice(0)) listener(analysis);
  }

  /** Called by a slot that stopped: its queued jobs go to the other workers. */
  removed(slot: Slot, orphans: Job[]): void {
    this.slots = this.slots.filter((s) => s !== slot);
    for (const job of orphans) this.slotFor(job.message.key).enqueue(job);
  }
}

// The synchronous faces of a pool (a document's incremental analyser, one-off analyses) are shared
// with the web host's pool: src/shared/analysisJobs.ts.
export { HOST_WAIT_MS, workerAnalyze, workerIncrementalAnalyzer } from '../shared/analysisJobs';
