// The analysis worker of the web extension host (dist/extension/analysisWebWorker.js, started by
// webWorkerPool.ts as a Web Worker): the pure core on a thread of its own, one incremental
// analyser per document. A Web Worker cannot wait for the host's answer (no synchronous receive,
// and SharedArrayBuffer only on cross-origin-isolated pages), so an import is resolved in rounds:
// the analysis runs with the modules it has, posts the paths it missed, and runs again with their
// texts, at most `MAX_IMPORT_ROUNDS` times.
import { analyze } from '../analysis/analyze';
import { createIncrementalAnalyzer, type IncrementalAnalyzer } from '../analysis/incremental';
import type { Analysis } from '../analysis/types';
import type { FromWorker, ToWorker } from '../shared/analysisWorker';

/** Rounds of import questions one analysis may ask; each round follows one more level of imports. */
const MAX_IMPORT_ROUNDS = 6;

/** The parts of a worker's global scope used here (the core's tsconfig has no DOM library). */
interface WorkerScope {
  postMessage(message: FromWorker): void;
  onmessage: ((event: { data: ToWorker }) => void) | null;
}

const scope = globalThis as unknown as WorkerScope;
const analysers = new Map<string, IncrementalAnalyzer>();
/** Analyses waiting for module texts: the request and what is known of its imports so far. */
const waiting = new Map<number, { message: Extract<ToWorker, { type: 'analyze' }>; known: Map<string, string | null>; rounds: number }>();

/** Runs one round of an analysis; posts its result, or the modules it still needs. */
function run(message: Extract<ToWorker, { type: 'analyze' }>, known: Map<string, string | null>, rounds: number): void {
  const missing = new Set<string>();
  const readModule = message.readsModules
    ? (path: string): string | undefined => {
        if (known.has(path)) return known.get(path) ?? undefined;
        missing.add(path);
        return undefined;
      }
    : undefined;
  const options = { ...message.options, readModule };
  try {
    let analysis: Analysis;
    let stats = null;
    // The document's analyser memoises what it read: it serves the first round only, before any
    // module text arrived, and is dropped when that round missed modules.
    if (message.key !== null && rounds === 0) {
      let analyser = analysers.get(message.key);
      if (!analyser) analysers.set(message.key, (analyser = createIncrementalAnalyzer()));
      analysis = analyser.update(message.text, message.language, options);
      stats = analyser.stats();
    } else {
      analysis = analyze(message.text, message.language, options);
    }
    if (missing.size > 0 && rounds < MAX_IMPORT_ROUNDS) {
      if (message.key !== null) analysers.delete(message.key);
      waiting.set(message.id, { message, known, rounds: rounds + 1 });
      scope.postMessage({ type: 'modules', id: message.id, paths: [...missing] });
      return;
    }
    scope.postMessage({ type: 'result', id: message.id, analysis, stats });
  } catch (error) {
    if (message.key !== null) analysers.delete(message.key);
    scope.postMessage({ type: 'failed', id: message.id, message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
}

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'forget') {
    analysers.delete(message.key);
  } else if (message.type === 'analyze') {
    run(message, new Map(), 0);
  } else if (message.type === 'moduleTexts') {
    const pending = waiting.get(message.id);
    if (!pending) return;
    waiting.delete(message.id);
    for (const [path, text] of Object.entries(message.texts)) pending.known.set(path, text);
    run(pending.message, pending.known, pending.rounds);
  }
};

// Warm up before saying ready, as the Node worker does: compiling the core must not count against
// the deadline of a user's file.
try {
  analyze('import torch.nn as nn\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 2)\n', 'python');
} catch {
  // The core never throws; were it to, the real analyses report it.
}
scope.postMessage({ type: 'ready' });
