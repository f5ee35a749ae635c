// What the two analysis worker pools share: the Node host's worker threads
// (src/node/analysisWorkerPool.ts) and the web host's Web Workers (src/web/webWorkerPool.ts). A
// pool keeps a few workers (slots); a job goes to the idle worker that holds its document's
// incremental analyser, else to any idle one, else to a new one, else to the least loaded; each
// worker runs one job at a time under a wall-clock deadline, and a worker that stops hands its
// queue to the others. The pools differ only in how a worker is made, how a message reaches it,
// how imports are answered and whether the host may wait synchronously.

import type { Analysis, AnalyzeOptions, Language } from '../analysis/types';
import type { AnalysisJob } from './analysisJobs';
import { ANALYSIS_LIMITS, stoppedAnalysis, type AnalysisLimits, type FromWorker, type ToWorker } from './analysisWorker';

// Both hosts (Node, a Web Worker extension host) have these globals; shared code is type-checked
// without Node's or the DOM's declarations, so it names what it uses.
const host = globalThis as unknown as { performance: { now(): number }; clearTimeout(handle: unknown): void };

/** One analysis asked of a pool. */
export interface PoolJob extends AnalysisJob {
  id: number;
  message: Extract<ToWorker, { type: 'analyze' }>;
  readModule: AnalyzeOptions['readModule'];
  /** When the job started running (host.performance.now()); when it was asked until then. */
  started: number;
  /** The deadline's timer (the host's own handle). */
  timer?: unknown;
  listeners: ((analysis: Analysis) => void)[];
}

/** One worker and the jobs it owes; a pool's own kind says how the worker is made and spoken to. */
export abstract class PoolSlot<J extends PoolJob> {
  ready = false;
  dead = false;
  readonly queue: J[] = [];
  current: J | null = null;
  /** Documents whose incremental analyser this worker holds. */
  readonly keys = new Set<string>();
  /** When the worker was created (host.performance.now()). */
  protected readonly created = host.performance.now();

  constructor(protected readonly pool: WorkerPoolCore<J, PoolSlot<J>>) {}

  /** Sends a message to the worker. */
  abstract send(message: ToWorker): void;
  /** Ends the worker itself (the slot's bookkeeping is `stop`'s). */
  protected abstract terminate(): void;
  /** Arms the deadline of the job that just started. */
  protected abstract startDeadline(job: J): void;

  /** Jobs waiting or running. */
  get load(): number {
    return this.queue.length + (this.current ? 1 : 0);
  }

  enqueue(job: J): void {
    this.queue.push(job);
    this.next();
  }

  /** Starts the next job when the worker is ready and idle. */
  protected next(): void {
    if (!this.ready || this.dead || this.current || this.queue.length === 0) return;
    const job = this.queue.shift()!;
    this.current = job;
    job.started = host.performance.now();
    this.startDeadline(job);
    if (job.message.key !== null) this.keys.add(job.message.key);
    this.send(job.message);
  }

  /** The worker said it is ready (it has loaded and warmed the core). */
  protected becameReady(): void {
    this.ready = true;
    this.pool.firstStartMs ??= host.performance.now() - this.created;
    this.next();
  }

  /** The running job's result, or its failure inside the worker: the job settles and the next starts. */
  protected finished(job: J, message: Extract<FromWorker, { type: 'result' | 'failed' }>): void {
    if (message.type === 'result') job.stats = message.stats;
    const analysis =
      message.type === 'result' ? message.analysis : stoppedAnalysis(job.message.language, `Layer Lens's analysis failed: ${message.message.split('\n')[0]}`, 0);
    this.current = null;
    this.pool.settle(job, analysis);
    this.next();
  }

  /** Ends the worker; the running job gets the message, queued jobs move to other workers. */
  stop(message: string): void {
    if (this.dead) return;
    this.dead = true;
    this.terminate();
    const job = this.current;
    this.current = null;
    // A worker that never started would fail again: its queue ends with the message too.
    const orphans = this.queue.splice(0);
    this.pool.removed(this, this.ready ? orphans : []);
    if (job && !job.result) this.pool.stoppedCount++;
    for (const ended of this.ready ? [job] : [job, ...orphans]) {
      if (ended && !ended.result) this.pool.settle(ended, stoppedAnalysis(ended.message.language, message, host.performance.now() - ended.started));
    }
  }
}

/** The scheduling both pools share; a pool makes its own slots. */
export abstract class WorkerPoolCore<J extends PoolJob, S extends PoolSlot<J>> {
  readonly limits: AnalysisLimits;
  protected slots: S[] = [];
  private nextId = 1;
  /** Analyses stopped (the deadline, the heap limit, a worker that failed), for tests and logs. */
  stoppedCount = 0;
  /** Workers started so far: each deadline costs one. */
  spawnedCount = 0;
  /** Milliseconds from the first worker's creation to its `ready` (it loads the core meanwhile). */
  firstStartMs: number | undefined;

  constructor(
    limits: AnalysisLimits | undefined,
    protected readonly maxWorkers: number,
  ) {
    this.limits = limits ?? ANALYSIS_LIMITS;
  }

  /** Makes one worker and its slot. */
  protected abstract makeSlot(): S;
  /** The job record for a message (a pool may add fields of its own). */
  protected abstract makeJob(base: PoolJob): J;

  /** Queues an analysis; `key` names the document whose incremental analyser the worker keeps. */
  submit(key: string | null, text: string, language: Language, options: AnalyzeOptions = {}): J {
    const { readModule, ...rest } = options;
    const id = this.nextId++;
    const job = this.makeJob({
      id,
      message: { type: 'analyze', id, key, text, language, options: rest, readsModules: readModule !== undefined },
      readModule,
      started: host.performance.now(),
      listeners: [],
    });
    this.slotFor(key).enqueue(job);
    return job;
  }

  /** Calls back once the job has its result (at once if it has). */
  whenDone(job: J, listener: (analysis: Analysis) => void): void {
    if (job.result) listener(job.result);
    else job.listeners.push(listener);
  }

  /** Tells the workers to drop a document's incremental analyser. */
  forget(key: string): void {
    for (const slot of this.slots) if (slot.keys.delete(key)) slot.send({ type: 'forget', key });
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
  protected slotFor(key: string | null): S {
    const idle = this.slots.filter((s) => s.load === 0);
    const chosen = idle.find((s) => key !== null && s.keys.has(key)) ?? idle[0];
    if (chosen) return chosen;
    if (this.slots.length < this.maxWorkers) {
      const slot = this.spawn();
      // A spare worker starts with the first, so that one long analysis never makes the host wait
      // for a worker to start.
      if (this.slots.length === 1 && this.maxWorkers > 1) this.spawn();
      return slot;
    }
    return [...this.slots].sort((a, b) => a.load - b.load)[0];
  }

  private spawn(): S {
    this.spawnedCount++;
    const slot = this.makeSlot();
    this.slots.push(slot);
    return slot;
  }

  /** Called by a slot when its job is done. */
  settle(job: J, analysis: Analysis): void {
    if (job.result) return;
    if (job.timer !== undefined) host.clearTimeout(job.timer);
    job.result = analysis;
    for (const listener of job.listeners.splice(0)) listener(analysis);
  }

  /** Called by a slot that stopped: its queued jobs go to the other workers. */
  removed(slot: PoolSlot<J>, orphans: J[]): void {
    this.slots = this.slots.filter((s) => s !== slot);
    for (const job of orphans) this.slotFor(job.message.key).enqueue(job);
  }
}
