// How the extension host asks a pool of analysis workers for analyses through the synchronous
// interfaces the editor uses (an incremental analyser per document, one-off analyses): shared by
// the Node host's worker threads (src/node/analysisWorkerPool.ts) and the web host's Web Workers
// (src/web/webWorkerPool.ts). The Node pool can wait for a result synchronously; the web pool never
// can (a Web Worker answers only through events), so there every analysis is late: the editor gets
// a pending stand-in at once and `onLate` when the real one is there.

import type { IncrementalAnalyzer, IncrementalStats } from '../analysis/incremental';
import type { Analysis, AnalyzeOptions, Language } from '../analysis/types';
import { pendingAnalysis } from './analysisWorker';

/** One analysis asked of a pool: its result once it has one. */
export interface AnalysisJob {
  result?: Analysis;
  /** What the worker's incremental analyser reported for this job, if it used one. */
  stats?: IncrementalStats | null;
}

/** What the shared functions below need of a pool. */
export interface AnalysisJobPool<J extends AnalysisJob> {
  /** Queues an analysis; `key` names the document whose incremental analyser the worker keeps. */
  submit(key: string | null, text: string, language: Language, options?: AnalyzeOptions): J;
  /** The job's analysis if it comes within `ms` (a pool that cannot wait answers only a finished job). */
  waitSync(job: J, ms: number): Analysis | undefined;
  /** Calls back once the job has its result (at once if it has). */
  whenDone(job: J, listener: (analysis: Analysis) => void): void;
  /** Tells the workers to drop a document's incremental analyser. */
  forget(key: string): void;
  /** Files whose last analysis outlasted the host's wait (see `waitNoticingSlowFiles`). */
  readonly slowFiles: Set<string>;
}

/**
 * How long the extension host waits for a result before it answers with what it has: long enough
 * that an ordinary file's analysis (milliseconds, a few hundred on a loaded machine) is always
 * waited for, as when it ran in the host; a document whose analysis outlasts it is not waited for
 * again until one of its analyses finishes within it.
 */
export const HOST_WAIT_MS = 1000;

/**
 * An incremental analyser whose work happens in the pool. It answers synchronously when the
 * worker does within `waitMs`; otherwise with an empty analysis, and `onLate` fires when the real
 * one is there (asking again with the same text and options returns it at once).
 */
export function workerIncrementalAnalyzer<J extends AnalysisJob>(pool: AnalysisJobPool<J>, key: string, onLate: () => void, waitMs = HOST_WAIT_MS): IncrementalAnalyzer {
  let last: { signature: string; analysis: Analysis } | null = null;
  let inFlight: { signature: string; job: J } | null = null;
  let stats: IncrementalStats = { replayed: 0, rebuilt: 0, fellBack: false, full: true };
  return {
    update(text, language, options = {}) {
      const signature = signatureOf(text, language, options);
      if (last?.signature === signature) return last.analysis;
      if (inFlight?.signature === signature) return pendingAnalysis(language, last?.analysis);
      const job = pool.submit(key, text, language, options);
      let waiting = true;
      pool.whenDone(job, (analysis) => {
        last = { signature, analysis };
        // A stopped analysis (deadline, memory) used no memo: it counts as a full one.
        stats = job.stats ?? { replayed: 0, rebuilt: 0, fellBack: false, full: true };
        if (inFlight?.job === job) inFlight = null;
        if (!waiting) onLate();
      });
      const analysis = waitNoticingSlowFiles(pool, job, options, waitMs);
      waiting = false;
      if (analysis) return analysis;
      inFlight = { signature, job };
      return pendingAnalysis(language, last?.analysis);
    },
    reset() {
      last = null;
      inFlight = null;
      pool.forget(key);
    },
    stats() {
      return { ...stats };
    },
  };
}

/**
 * Waits for a job up to `waitMs`, or not at all for a file known to be slow; a wait that runs out
 * marks the file slow, and a quick analysis of it clears the mark.
 */
function waitNoticingSlowFiles<J extends AnalysisJob>(pool: AnalysisJobPool<J>, job: J, options: AnalyzeOptions, waitMs: number): Analysis | undefined {
  const file = options.fileName ?? '';
  pool.whenDone(job, (done) => {
    if (done.elapsedMs <= waitMs) pool.slowFiles.delete(file);
  });
  const analysis = pool.waitSync(job, pool.slowFiles.has(file) ? 0 : waitMs);
  if (!analysis) pool.slowFiles.add(file);
  return analysis;
}

/** What identifies an analysis request: its text, language and options (imports aside). */
function signatureOf(text: string, language: Language, options: AnalyzeOptions): string {
  return `${language}\u0000${JSON.stringify({ ...options, readModule: undefined })}\u0000${text}`;
}

/** One-off analyses still running, per pool, so asking again does not start (or wait for) another. */
const oneOffJobs = new WeakMap<AnalysisJobPool<AnalysisJob>, Map<string, AnalysisJob>>();

/**
 * A one-off analysis in the pool, waited for up to `waitMs` (a pending stand-in when it is late).
 * The same request asked again while it runs is answered at once; once done, with its result.
 */
export function workerAnalyze<J extends AnalysisJob>(pool: AnalysisJobPool<J>, text: string, language: Language, options: AnalyzeOptions = {}, waitMs = HOST_WAIT_MS): Analysis {
  let jobs = oneOffJobs.get(pool) as Map<string, J> | undefined;
  if (!jobs) oneOffJobs.set(pool, (jobs = new Map<string, J>()));
  const signature = signatureOf(text, language, options);
  const running = jobs.get(signature);
  if (running) {
    if (!running.result) return pendingAnalysis(language);
    jobs.delete(signature);
    return running.result;
  }
  const job = pool.submit(null, text, language, options);
  const analysis = waitNoticingSlowFiles(pool, job, options, waitMs);
  if (analysis) return analysis;
  // Remembered until asked again; a few at most (the oldest is dropped).
  jobs.set(signature, job);
  if (jobs.size > 8) jobs.delete(jobs.keys().next().value as string);
  return pendingAnalysis(language);
}

/**
 * The real result of a one-off analysis `workerAnalyze` answered with a stand-in (asked with the
 * same arguments); a request not running is asked now.
 */
export function oneOffResult<J extends AnalysisJob>(pool: AnalysisJobPool<J>, text: string, language: Language, options: AnalyzeOptions = {}): Promise<Analysis> {
  const signature = signatureOf(text, language, options);
  let job = oneOffJobs.get(pool)?.get(signature) as J | undefined;
  if (!job) {
    const analysis = workerAnalyze(pool, text, language, options, 0);
    job = oneOffJobs.get(pool)?.get(signature) as J | undefined;
    if (!job) return Promise.resolve(analysis);
  }
  const running = job;
  return new Promise((resolve) => pool.whenDone(running, resolve));
}
