// The analysis worker: runs the pure core on a thread of its own (Node `worker_threads`), keeping
// one incremental analyser per document. Imports are asked of the host synchronously: the worker
// posts the path and sleeps on a shared counter until the host answers (or a timeout passes), so
// the core's synchronous `readModule` contract holds across the thread boundary.

import { setPriority } from 'node:os';
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { analyze } from '../analysis/analyze';
import { createIncrementalAnalyzer, type IncrementalAnalyzer } from '../analysis/incremental';
import type { FromWorker, ToWorker, WorkerStart } from '../shared/analysisWorker';

/** Starts serving analyses on the port the host sent in `workerData`. */
export function startAnalysisWorker(port: MessagePort, start: WorkerStart): void {
  // On Linux a thread has its own priority: the analysis yields the CPU to the extension host's
  // own thread, so a long analysis does not slow the editor's answers. (Elsewhere the call would
  // lower the whole process, so it is left out.)
  if (process.platform === 'linux') {
    try {
      setPriority(10);
    } catch {
      // Not permitted here: the worker runs at the host's priority.
    }
  }
  const signal = new Int32Array(start.signal);
  const analysers = new Map<string, IncrementalAnalyzer>();

  const post = (message: FromWorker) => {
    port.postMessage(message);
    Atomics.add(signal, 0, 1);
    Atomics.notify(signal, 0);
  };

  /** Asks the host for a module's text and waits for the answer. */
  const readModule = (id: number, path: string): string | undefined => {
    post({ type: 'module', id, path });
    const until = Date.now() + start.moduleReplyMs;
    for (;;) {
      const seen = Atomics.load(signal, 1);
      const received = receiveMessageOnPort(port);
      if (received) {
        const message = received.message as ToWorker;
        if (message.type === 'moduleText' && message.id === id) return message.text ?? undefined;
        continue;
      }
      const remaining = until - Date.now();
      if (remaining <= 0) return undefined;
      Atomics.wait(signal, 1, seen, remaining);
    }
  };

  port.on('message', (message: ToWorker) => {
    if (message.type === 'forget') {
      analysers.delete(message.key);
      return;
    }
    if (message.type !== 'analyze') return;
    const options = { ...message.options, readModule: message.readsModules ? (path: string) => readModule(message.id, path) : undefined };
    try {
      let analyser = message.key === null ? undefined : analysers.get(message.key);
      if (message.key !== null && analyser === undefined) analysers.set(message.key, (analyser = createIncrementalAnalyzer()));
      const analysis = analyser ? analyser.update(message.text, message.language, options) : analyze(message.text, message.language, options);
      post({ type: 'result', id: message.id, analysis, stats: analyser ? analyser.stats() : null });
    } catch (error) {
      if (message.key !== null) analysers.delete(message.key);
      post({ type: 'failed', id: message.id, message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  });
  post({ type: 'ready' });
}

/** True in a thread started by the pool (the CLI's bundle is its own worker). */
export function isAnalysisWorker(): boolean {
  return typeof workerData === 'object' && workerData !== null && (workerData as Partial<WorkerStart>).layerLensAnalysisWorker === true;
}
