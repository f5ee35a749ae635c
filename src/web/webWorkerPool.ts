// Runs analyses in Web Workers (the web extension host: vscode.dev, github.dev, test-web). Each
// analysis has a wall-clock deadline, after which its worker is terminated (and a new one started
// for the next job) and the analysis becomes one finding saying so. Unlike the Node pool this one
// never waits: a Web Worker answers only through events, so every result is late and reaches the
// editor through the `onLate` of src/shared/analysisJobs.ts. Browsers give a worker no heap limit
// of its own; the allocation bounds of the core (src/analysis/allocation.ts) are what bound memory.

import type { Analysis } from '../analysis/types';
import type { AnalysisJobPool } from '../shared/analysisJobs';
import { deadlineMessage, type AnalysisLimits, type FromWorker, type ToWorker } from '../shared/analysisWorker';
import { PoolSlot, WorkerPoolCore, type PoolJob } from '../shared/workerPoolCore';

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
export type WebJob = PoolJob;

/** One Web Worker and the jobs it owes. */
class WebSlot extends PoolSlot<WebJob> {
  private readonly worker: WebWorkerHandle;

  constructor(private readonly webPool: WebWorkerPool) {
    super(webPool);
    this.worker = webPool.options.spawn();
    this.worker.onmessage = (event) => this.handle(event.data);
    this.worker.onerror = (event) => {
      event.preventDefault?.();
      const reason = event.message ?? 'unknown error';
      if (!this.ready) webPool.unavailable(`the analysis worker failed to start: ${reason}`);
      this.stop(`Layer Lens's analysis worker failed: ${reason}`);
    };
  }

  send(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  protected terminate(): void {
    this.worker.terminate();
  }

  protected startDeadline(job: WebJob): void {
    job.timer = setTimeout(() => {
      if (this.current === job && !job.result) this.stop(deadlineMessage(this.webPool.limits));
    }, this.webPool.limits.deadlineMs);
  }

  private handle(message: FromWorker): void {
    if (message.type === 'ready') return this.becameReady();
    const job = this.current;
    if (!job || message.id !== job.id) return;
    // A Web Worker cannot wait for the host: it asks for the modules it missed in one round.
    if (message.type === 'modules') {
      const texts: Record<string, string | null> = {};
      for (const path of message.paths) {
        try {
          texts[path] = job.readModule?.(path) ?? null;
        } catch {
          texts[path] = null;
        }
      }
      this.send({ type: 'moduleTexts', id: job.id, texts });
      return;
    }
    if (message.type === 'module') return;
    this.finished(job, message);
  }
}

/** A set that stays empty: the shared code marks files slow to stop waiting for them. */
class NeverSlow extends Set<string> {
  override add(): this {
    return this;
  }
}

/** A pool of analysis Web Workers. */
export class WebWorkerPool extends WorkerPoolCore<WebJob, WebSlot> implements AnalysisJobPool<WebJob> {
  readonly options: WebPoolOptions;
  /** The pool never waits, so no file is ever slow to wait for. */
  readonly slowFiles: Set<string> = new NeverSlow();
  private failed = false;

  constructor(options: WebPoolOptions) {
    super(options.limits, options.maxWorkers ?? 2);
    this.options = options;
  }

  /** True once a worker failed before it started: the runner analyses in the host instead. */
  get isUnavailable(): boolean {
    return this.failed;
  }

  /** A Web Worker's answer is an event, never awaited synchronously: only a finished job has one. */
  waitSync(job: WebJob): Analysis | undefined {
    return job.result;
  }

  protected makeSlot(): WebSlot {
    return new WebSlot(this);
  }

  protected makeJob(base: WebJob): WebJob {
    return base;
  }

  unavailable(reason: string): void {
    if (this.failed) return;
    this.failed = true;
    this.options.onUnavailable?.(reason);
  }
}
