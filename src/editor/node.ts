// Entry point for the Node extension host (desktop, remote, code-server). The analysis core is a
// second bundle beside this one (dist/extension/analysis.js, see esbuild.mjs), required on the
// first analysis so that activation compiles only the adapters.
import { provideAnalysisCore, type AnalysisCore } from './core';

provideAnalysisCore(() => require('./analysis.js') as AnalysisCore);

export { activate, deactivate } from './extension';
