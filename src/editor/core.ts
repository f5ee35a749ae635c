// Where the editor adapters get the analysis core. The entry points say how it loads: the Node
// host requires a second bundle on first use (activation then compiles only the adapters), the web
// host hands over the core it bundled. Everything that runs the analysis or reads the catalogue
// goes through `analysisCore()`, so the registry it fills is the one the analysis used.
import type * as AnalysisCoreModule from '../analysis/api';
import type * as vscode from 'vscode';
import type { AnalysisRunner } from '../shared/analysisWorker';

export type { AnalysisRunner };

/** The run-time surface of the analysis core (src/analysis/api.ts). */
export type AnalysisCore = typeof AnalysisCoreModule;

let load: (() => AnalysisCore) | undefined;
let loaded: AnalysisCore | undefined;
let loadMs: number | undefined;

/** Called once by an entry point (src/editor/node.ts, web.ts) before activation. */
export function provideAnalysisCore(loader: () => AnalysisCore): void {
  load = loader;
  loaded = undefined;
  loadMs = undefined;
}

/** The core, loaded on the first call. */
export function analysisCore(): AnalysisCore {
  if (loaded) return loaded;
  if (!load) throw new Error('Layer Lens: no analysis core was provided by the entry point.');
  const started = performance.now();
  loaded = load();
  loadMs = performance.now() - started;
  return loaded;
}

/** Milliseconds the first `analysisCore()` call spent loading the core, or undefined before it. */
export function analysisCoreLoadMs(): number | undefined {
  return loadMs;
}

/** Makes the host's runner; it may log why it cannot run analyses off the host's thread. */
export type RunnerFactory = (context: vscode.ExtensionContext, log: vscode.LogOutputChannel) => AnalysisRunner | undefined;

let makeRunner: RunnerFactory | undefined;

/** Called by the Node and web entry points before activation. */
export function provideAnalysisRunner(make: RunnerFactory): void {
  makeRunner = make;
}

/** A new runner, or undefined where analyses run in the extension host itself. */
export function createAnalysisRunner(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): AnalysisRunner | undefined {
  return makeRunner?.(context, log);
}
