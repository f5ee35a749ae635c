// Entry point for the Node extension host (desktop, remote, code-server). The analysis core is a
// second bundle beside this one (dist/extension/analysis.js, see esbuild.mjs), required on the
// first analysis so that activation compiles only the adapters. Analyses run in worker threads
// and imports through symbolic links are checked against their real location (src/node/).
import { realpath, workerAnalysisRunner } from '../node/nodeHost';
import { provideAnalysisCore, provideAnalysisRunner, type AnalysisCore } from './core';
import { provideRealpath } from './importGuard';

provideAnalysisCore(() => require('./analysis.js') as AnalysisCore);
provideRealpath(realpath);
provideAnalysisRunner(workerAnalysisRunner);

export { activate, deactivate } from './extension';
