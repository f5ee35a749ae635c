// Entry point for the Node extension host (desktop, remote, code-server). The analysis core is a
// second bundle beside this one (dist/extension/analysis.js, see esbuild.mjs), loaded on the
// first analysis so that activation compiles only the adapters; what the panel, export,
// walkthrough and Live Share commands do is a third (dist/extension/features.js), loaded on the
// first use of one of them. Both load through the V8 code cache kept in the extension's global
// storage (src/node/codeCache.ts), so a host start after the first skips compiling them. Analyses run in worker threads and imports through symbolic links are
// checked against their real location (src/node/).
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { loadBundle } from '../node/codeCache';
import { realpath, workerAnalysisRunner } from '../node/nodeHost';
import { provideAnalysisCore, provideAnalysisRunner, type AnalysisCore } from './core';
import { activate as activateAdapters } from './extension';
import { provideFeatures, type Features } from './lazyFeatures';
import { provideRealpath } from './importGuard';

provideRealpath(realpath);
provideAnalysisRunner(workerAnalysisRunner);

/** Where the code cache lives; undefined (no cache) until activation names the global storage. */
let codeCacheDir: string | undefined;

/**
 * After the first analyses have compiled the functions they need, the cache is written once, so
 * it holds them too; the delay only decides how much of the core the cache covers, never whether
 * the analysis is right.
 */
const saveCodeCacheAfterMs = 10_000;

/** Loads a sibling bundle through the code cache; a first load writes the cache a little later. */
function loadSibling(bundleFile: string): unknown {
  const bundle = loadBundle(bundleFile, codeCacheDir);
  if (bundle.status === 'miss' || bundle.status === 'rejected') setTimeout(() => bundle.saveCache(), saveCodeCacheAfterMs).unref();
  return bundle.exports;
}

provideAnalysisCore(() => loadSibling(join(__dirname, 'analysis.js')) as AnalysisCore);
// The panel, export, walkthrough and Live Share implementations are a third bundle, loaded when
// one of their commands is first used.
provideFeatures(() => loadSibling(join(__dirname, 'features.js')) as Features);

/** Activation of the Node host: the shared activation, after noting where the code cache may live. */
export function activate(context: vscode.ExtensionContext): ReturnType<typeof activateAdapters> {
  try {
    const storage = context.globalStorageUri;
    if (storage?.scheme === 'file' && typeof storage.fsPath === 'string') codeCacheDir = join(storage.fsPath, 'codeCache');
  } catch {
    codeCacheDir = undefined;
  }
  return activateAdapters(context);
}

export { deactivate } from './extension';
