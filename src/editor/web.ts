// Entry point for the web worker extension host (vscode.dev, github.dev): no Node built-ins. An
// extension there has no `require` for its own files, so the core is bundled in.
import * as analysisApi from '../analysis/api';
import { provideAnalysisCore } from './core';

provideAnalysisCore(() => analysisApi);

export { activate, deactivate } from './extension';
