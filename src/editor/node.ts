// Entry point for the Node extension host (desktop, remote, code-server). The analysis core is a
// second bundle beside this one (dist/extension/analysis.js, see esbuild.mjs), required on the
// first analysis so that activation compiles only the adapters.
import { realpathSync } from 'node:fs';
import { provideAnalysisCore, type AnalysisCore } from './core';
import { provideRealpath } from './importGuard';

provideAnalysisCore(() => require('./analysis.js') as AnalysisCore);
// Imports through symbolic links are followed only when their real location is in the workspace.
provideRealpath((fsPath) => realpathSync.native(fsPath));

export { activate, deactivate } from './extension';
