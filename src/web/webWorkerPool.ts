// Runs analyses in Web Workers (the web extension host: vscode.dev, github.dev, test-web). Each
// analysis has a wall-clock deadline, after which its worker is terminated (and a new one started
// for the next job) and the analysis becomes one finding saying so. Unlike the Node pool this one
// never waits: a Web Worker answers only through events, so every result is late and reaches the
// editor through the `onLate` of src/shared/analysisJobs.ts. Browsers give a worker no heap limit
// of its own; the allocation bounds of the core (src/analysis/allocation.ts) are what bound memory.

import type { IncrementalStats } from '../analysis/incremental';
import type { Analysis, AnalyzeOptions, Language } from '../analysis/types';
import type { AnalysisJobPool } from '../shared/analysisJobs';
import { ANALYSIS_LIMITS, deadlineMessage, stoppedAnalysis, type AnalysisLimits, type FromWorker, type ToWorker } from '../shared/analysisWorker';

/** What the pool needs of a Web Worker (the DOM's `Worker`, typed here without the DOM library). */
export interface WebWorkerHandle {
  postMessage(message: ToWorker): void;
  terminate(): void;
  onmessage: ((event: { data: FromWorker }) => void) | null;
  onerror: ((event: { message?: string; preventDefault?: () => void }) => void) | null;
}

/** How the pool is set up. */
export interface WebPoolOptions {
  /** Starts one worker running dist/extension/analysisWebWorker.js. */
  spawn: () => WebWorkerHandle;
  limits?: AnalysisLimits;
  /** The most workers alive at once (default 2: one pathological file leaves one free). */
  maxWorkers?: number;
  /** Called once when a worker fails before it ever said ready: this host cannot run our workers. */
  onUnavailable?: (reason: string) => void;
}

/** One analysis asked of the pool. */
export interface WebJob {
  id: number;
  message: Extract<ToWorker, { type: 'analyze' }>;
  readModule: AnalyzeOptions['readModule'];
  started: number;
  timer?: ReturnType<typeof setTimeout>;
  result?: Analysis;
  stats?: IncrementalStats | null;
  listeners: ((analysis: Analysis) => void)[];
}

/** One Web Worker and the jobs it owes. */
class WebSlot {
  readonly worker: WebWorkerHandle;
  ready = false;
  dead = false;
  readonly queue: WebJob[] = [];
  current: WebJob | null = null;
  readonly keys = new Set<string>();
  private readonly created = performance.now();

  constructor(private readonly pool: WebWorkerPool) {
    this.worker = pool.options.spawn();
    this.worker.onmessage = (event) => this.handle(event.data);
    this.worker.onerror = (event) => {
      event.preventDefault?.();
      const reason = event.message ?? 'unknown error';
      if (!this.ready) pool.unavailable(`the analysis worker failed to start: ${reason}`);
      this.stop(`Layer Lens's analysis worker failed: ${reason}`);
    };
  }

  get load(): number {
    return this.queue.length + (this.current ? 1 : 0);
  }

  enqueue(job: WebJob): void {
    this.queue.push(job);
    this.next();
  }

  private next(): void {
    if (!this.ready || this.dead || this.current || this.queue.length === 0) return;
    const job = this.queue.shift()!;
    this.current = job;
    job.started = performance.now();
    job.timer = setTimeout(() => {
      if (this.current === job && !job.result) {
        this.pool.stoppedCount++;
        this.stop(deadlineMessage(this.pool.limits));
      }
    }, this.pool.limits.deadlineMs);
    if (job.message.key !== null) this.keys.add(job.message.key);
    this.worker.postMessage(job.message);
  }

  private handle(message: FromWorker): void {
    if (message.type === 'ready') {
      this.ready = true;
      this.pool.firstStartMs ??= performance.now() - this.created;
      this.next();
      return;
    }
    const job = this.current;
    if (!job || message.id !== job.id) return;
    if (message.type === 'modules') {
      const texts: Record<string, string | null> = {};
      for (const path of message.paths) {
        try {
          texts[path] = job.readModule?.(path) ?? null;
        } catch {
          texts[path] = null;
        }
      }
      this.worker.postMessage({ type: 'moduleTexts', id: job.id, texts });
      return;
    }
    if (message.type === 'module') return;
    if (message.type === 'result') job.stats = message.stats;
    const analysis =
      message.type === 'result' ? message.analysis : stoppedAnalysis(job.message.language, `Layer Lens's analysis failed: ${message.message.split('\n')[0]}`, 0);
    this.current = null;
    this.pool.settle(job, analysis);
    this.next();
  }

  /** Ends the worker; the running job gets the message, queued jobs move to a new worker. */
  stop(message: string): void {
    if (this.dead) return;
    this.dead = true;
    this.worker.terminate();
    const job = this.current;
    this.current = null;
    const orphans = this.queue.splice(0);
    this.pool.removed(this, this.ready ? orphans : []);
    for (const ended of this.ready ? [job] : [job, ...orphans]) {
      if (ended && !ended.result) this.pool.settle(ended, stoppedAnalysis(ended.message.language, message, performance.now() - ended.started));
    }
  }
}

/** A set that stays empty: the shared code marks files slow to stop waiting for them. */
class NeverSlow extends Set<string> {
  override add(): this {
    return this;
  }
}

/** A pool of analysis Web Workers. */
export class WebWorkerPool implements AnalysisJobPool<WebJob> {
  readonly limits: AnalysisLimits;
  readonly options: WebPoolOptions & { maxWorkers: number };
  private slots: WebSlot[] = [];
  private nextId = 1;
  /** Analyses stopped by the deadline, for tests and logs. */
  stoppedCount = 0;
  /** Milliseconds from the first worker's creation to its `ready` (it loads and warms the core meanwhile). */
  firstStartMs: number | undefined;
  /** Workers started so far, for logs: each deadline costs one. */
  spawnedCount = 0;
  /** The pool never waits, so no file is ever slow to wait for. */
  readonly slowFiles: Set<string> = new NeverSlow();
  private failed = false;

  constructor(options: WebPoolOptions) {
    this.limits = options.limits ?? ANALYSIS_LIMITS;
    this.options = { ...options, maxWorkers: options.maxWorkers ?? 2 };
  }

  /** True once a worker failed before it started: the runner analyses in the host instead. */
  get isUnavailable(): boolean {
    return this.failed;
  }

  submit(key: string | null, text: string, language: Language, options: AnalyzeOptions = {}): WebJob {
    const { readModule, ...rest } = options;
    const id = this.nextId++;
    const job: WebJob = {
      id,
      message: { type: 'analyze', id, key, text, language, options: rest, readsModules: readModule !== undefined },
      readModule,
      started: performance.now(),
      listeners: [],
    };
    this.slotFor(key).enqueue(job);
    return job;
  }

  /** A Web Worker's answer is an event, never awaited synchronously: only a finished job has one. */
  waitSync(job: WebJob): Analysis | undefined {
    return job.result;
  }

  whenDone(job: WebJob, listener: (analysis: Analysis) => void): void {
    if (job.result) listener(job.result);
    else job.listeners.push(listener);
  }

  forget(key: string): void {
    for (const slot of this.slots) if (slot.keys.delete(key)) slot.worker.postMessage({ type: 'forget', key });
  }

  dispose(): void {
    for (const slot of [...this.slots]) slot.stop('Layer Lens closed.');
    this.slots = [];
  }

  get workerCount(): number {
    return this.slots.length;
  }

  /** Workers running an analysis now. */
  get busyCount(): number {
    return this.slots.filter((s) => s.current !== null).length;
  }

  /** The idle worker that holds the document, else any idle one, else a new one, else the least loaded. */
  private slotFor(key: string | null): WebSlot {
    const idle = this.slots.filter((s) => s.load === 0);
    const chosen = idle.find((s) => key !== null && s.keys.has(key)) ?? idle[0];
    if (chosen) return chosen;
    if (this.slots.length < this.options.maxWorkers) {
      const slot = this.spawn();
      // A spare starts with the first, so a long analysis never makes the next one wait for a start.
      if (this.slots.length === 1 && this.options.maxWorkers > 1) this.spawn();
      return slot;
    }
    return [...this.slots].sort((a, b) => a.load - b.load)[0];
  }

  private spawn(): WebSlot {
    const slot = new WebSlot(this);
    this.spawnedCount++;
    this.slots.push(slot);
    return slot;
  }

  settle(job: WebJob, analysis: Analysis): void {
    if (job.result) return;
    if (job.timer !== undefined) clearTimeout(job.timer);
    job.result = analysis;
    for (const listener of job.listeners.splice(0)) listener(analysis);
  }

  removed(slot: WebSlot, orphans: WebJob[]): void {
    this.slots = this.slots.filter((s) => s !== slot);
    for (const job of orphans) this.slotFor(job.message.key).enqueue(job);
  }

  unavailable(reason: string): void {
    if (this.failed) return;
    this.failed = true;
    this.options.onUnavailable?.(reason);
  }
}
