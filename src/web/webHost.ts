// What only the web extension host adds to the editor (src/editor/web.ts wires it in): analyses in
// Web Workers with a deadline (dist/extension/analysisWebWorker.js, bundled beside web.js). Where
// a worker cannot start, the analysis falls back to the host's own thread, bounded only by the
// core's step budget and allocation bounds, and the caller is told once, to log it.

import type { IncrementalAnalyzer } from '../analysis/incremental';
import type { Analysis, AnalyzeOptions, Language } from '../analysis/types';
import { oneOffResult, workerAnalyze, workerIncrementalAnalyzer } from '../shared/analysisJobs';
import type { AnalysisLimits, AnalysisRunner } from '../shared/analysisWorker';
import { WebWorkerPool, type WebWorkerHandle } from './webWorkerPool';

/** The analysis in the host's own thread, for the fallback. */
export interface InThreadAnalysis {
  analyze(text: string, language: Language, options?: AnalyzeOptions): Analysis;
  createIncrementalAnalyzer(): IncrementalAnalyzer;
}

/** A runner whose analyses happen in Web Workers, or in the host once a worker failed to start. */
export function webWorkerAnalysisRunner(
  spawn: () => WebWorkerHandle,
  inThread: InThreadAnalysis,
  onUnavailable: (reason: string) => void,
  limits?: AnalysisLimits,
): AnalysisRunner & { pool: WebWorkerPool } {
  const pool = new WebWorkerPool({ spawn, limits, onUnavailable });
  return {
    pool,
    // A Web Worker's result is never waited for (the wait is 0): the editor gets a stand-in and
    // the result through `onLate` (src/shared/analysisJobs.ts).
    analyze: (text, language, options) => (pool.isUnavailable ? inThread.analyze(text, language, options) : workerAnalyze(pool, text, language, options, 0)),
    incremental: (key, onLate) => {
      const inWorker = workerIncrementalAnalyzer(pool, key, onLate, 0);
      let local: IncrementalAnalyzer | undefined;
      const current = () => (pool.isUnavailable ? (local ??= inThread.createIncrementalAnalyzer()) : inWorker);
      return {
        update: (text, language, options) => current().update(text, language, options),
        reset: () => {
          inWorker.reset();
          local?.reset();
        },
        stats: () => current().stats(),
      };
    },
    coreLoadMs: () => pool.firstStartMs,
    analyzeLate: (text, language, options) => (pool.isUnavailable ? Promise.resolve(inThread.analyze(text, language, options)) : oneOffResult(pool, text, language, options)),
    state: () => ({
      kind: pool.isUnavailable ? 'in-thread' : 'web-workers',
      busyWorkers: pool.busyCount,
      workersStarted: pool.spawnedCount,
      analysesStopped: pool.stoppedCount,
      firstStartMs: pool.firstStartMs,
    }),
    dispose: () => pool.dispose(),
  };
}
