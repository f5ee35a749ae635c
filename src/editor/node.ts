// Entry point for the Node extension host (desktop, remote, code-server). The analysis core is a
// second bundle beside this one (dist/extension/analysis.js, see esbuild.mjs), required on the
// first analysis so that activation compiles only the adapters.
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { AnalysisWorkerPool, workerAnalyze, workerIncrementalAnalyzer } from './analysisWorkerPool';
import { provideAnalysisCore, provideAnalysisRunner, type AnalysisCore } from './core';
import { provideRealpath } from './importGuard';

provideAnalysisCore(() => require('./analysis.js') as AnalysisCore);
// Imports through symbolic links are followed only when their real location is in the workspace.
provideRealpath((fsPath) => realpathSync.native(fsPath));
// Analyses run in worker threads (dist/extension/analysisWorker.js) with a heap limit and a deadline.
provideAnalysisRunner(() => {
  const pool = new AnalysisWorkerPool({ workerFile: join(__dirname, 'analysisWorker.js') });
  return {
    analyze: (text, language, options) => workerAnalyze(pool, text, language, options),
    incremental: (key, onLate) => workerIncrementalAnalyzer(pool, key, onLate),
    dispose: () => pool.dispose(),
  };
});

export { activate, deactivate } from './extension';
