// Entry point for the web worker extension host (vscode.dev, github.dev): no Node built-ins. An
// extension there has no `require` for its own files, so the core is bundled in. Analyses run in
// Web Workers started from the extension's own dist/extension/analysisWebWorker.js (src/web/):
// VS Code's web host lets an extension start a worker from a URL of its own files (it wraps the
// URL in a blob that calls `importScripts`). Where `Worker` is missing or a worker fails to start,
// the analysis runs on the host's thread and the log says so.
import * as vscode from 'vscode';
import * as analysisApi from '../analysis/api';
import type { WebWorkerHandle } from '../web/webWorkerPool';
import { webWorkerAnalysisRunner } from '../web/webHost';
import { provideAnalysisCore, provideAnalysisRunner } from './core';
import * as featuresModule from './features';
import { provideFeatures } from './lazyFeatures';

provideAnalysisCore(() => analysisApi);
provideFeatures(() => featuresModule);

/** The DOM's Worker constructor, typed without the DOM library. */
type WorkerConstructor = new (url: string, options?: { name?: string }) => WebWorkerHandle;

provideAnalysisRunner((context, log) => {
  const inThread = 'analyses run on the extension host’s own thread, bounded only by the step budget and the allocation bounds';
  const Worker = (globalThis as { Worker?: WorkerConstructor }).Worker;
  if (typeof Worker !== 'function') {
    log.warn(`Layer Lens: this web host offers no Web Worker: ${inThread}.`);
    return undefined;
  }
  const url = vscode.Uri.joinPath(context.extensionUri, 'dist', 'extension', 'analysisWebWorker.js').toString(true);
  let runner: ReturnType<typeof webWorkerAnalysisRunner> | undefined;
  const spawn = (): WebWorkerHandle => {
    const started = performance.now();
    const worker = new Worker(url, { name: 'Layer Lens analysis' });
    log.trace(`Layer Lens: analysis Web Worker ${runner ? runner.pool.spawnedCount + 1 : 1} created in ${(performance.now() - started).toFixed(1)} ms`);
    return worker;
  };
  runner = webWorkerAnalysisRunner(spawn, analysisApi, (reason) => log.warn(`Layer Lens: ${reason}: ${inThread}.`));
  log.info(`Layer Lens: analyses run in Web Workers (${url}).`);
  return runner;
});

export { activate, deactivate } from './extension';
