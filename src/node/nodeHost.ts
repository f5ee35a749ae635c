// What only the Node extension host adds to the editor (src/editor/node.ts wires it in): symbolic
// links resolved for the import rule, and analyses in worker threads with a heap limit and a
// deadline (dist/extension/analysisWorker.js, bundled beside this file).
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { AnalysisRunner } from '../shared/analysisWorker';
import { oneOffResult } from '../shared/analysisJobs';
import { AnalysisWorkerPool, workerAnalyze, workerIncrementalAnalyzer } from './analysisWorkerPool';

/** Resolves a `file:` path's symbolic links. */
export function realpath(fsPath: string): string {
  return realpathSync.native(fsPath);
}

/** A runner whose analyses happen in worker threads. */
export function workerAnalysisRunner(): AnalysisRunner {
  const pool = new AnalysisWorkerPool({ workerFile: join(__dirname, 'analysisWorker.js') });
  return {
    analyze: (text, language, options) => workerAnalyze(pool, text, language, options),
    incremental: (key, onLate) => workerIncrementalAnalyzer(pool, key, onLate),
    coreLoadMs: () => pool.firstStartMs,
    analyzeLate: (text, language, options) => oneOffResult(pool, text, language, options),
    state: () => ({ kind: 'worker-threads', busyWorkers: pool.busyCount, workersStarted: pool.spawnedCount, analysesStopped: pool.stoppedCount, firstStartMs: pool.firstStartMs }),
    dispose: () => pool.dispose(),
  };
}
