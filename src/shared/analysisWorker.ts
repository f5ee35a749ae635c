// What the analysis worker and its host say to each other, and the limits they share (issue 19):
// the analysis of a hostile or huge file runs in a worker thread (the Node extension host) or a
// child process (the CLI) with a heap limit and a wall-clock deadline, so neither blocks for long
// nor dies with it. Plain data and types only: the editor, the Node pool (src/node/), the CLI
// and the unit tests import this file.

import type { IncrementalAnalyzer, IncrementalStats } from '../analysis/incremental';
import type { Analysis, AnalyzeOptions, Language } from '../analysis/types';

/**
 * How the extension host runs analyses off its own thread, so a hostile file never blocks or
 * crashes it: worker threads in the Node host (src/node/analysisWorkerPool.ts), Web Workers in the
 * web host (src/web/webWorkerPool.ts). Without one the analysis runs in the host itself.
 */
export interface AnalysisRunner {
  analyze(text: string, language: Language, options?: AnalyzeOptions): Analysis;
  /** A document's incremental analyser; `onLate` fires when a result comes after the host stopped waiting. */
  incremental(key: string, onLate: () => void): IncrementalAnalyzer;
  /** Milliseconds the first worker took to start and load the core, undefined before it did. */
  coreLoadMs(): number | undefined;
  /**
   * The real result of an `analyze` that answered with a stand-in (asked with the same arguments):
   * the providers that can answer later wait for it off the host's thread (AnalysisCache.readyForRange).
   * In the web host every analysis answers so; in the Node host one that outlasted the host's wait.
   */
  analyzeLate(text: string, language: Language, options?: AnalyzeOptions): Promise<Analysis>;
  /** What the workers are doing, for tests and logs. */
  state(): RunnerState;
  dispose(): void;
}

/** A runner's workers at one moment. */
export interface RunnerState {
  kind: 'worker-threads' | 'web-workers' | 'in-thread';
  /** Workers running an analysis now. */
  busyWorkers: number;
  /** Workers started so far (a deadline costs one). */
  workersStarted: number;
  /** Analyses stopped by the deadline or the heap limit. */
  analysesStopped: number;
  /** Milliseconds the first worker took from creation to ready (loading and warming the core). */
  firstStartMs: number | undefined;
}

/** The limits of one analysis in a worker. */
export interface AnalysisLimits {
  /** Wall-clock milliseconds one analysis may take before its worker is stopped. */
  deadlineMs: number;
  /** The worker's old-generation heap in megabytes (Node `resourceLimits.maxOldGenerationSizeMb`). */
  heapMb: number;
}

/** The limits of the extension and the CLI: 2 s and 256 MB, as issue 19 asks. */
export const ANALYSIS_LIMITS: AnalysisLimits = { deadlineMs: 2000, heapMb: 256 };

/** Options as they cross to the worker: `readModule` becomes a question the worker asks. */
export type WorkerAnalyzeOptions = Omit<AnalyzeOptions, 'readModule'>;

/** Host → worker. */
export type ToWorker =
  | {
      type: 'analyze';
      id: number;
      /** The document whose incremental analyser to use, or null for a one-off analysis. */
      key: string | null;
      text: string;
      language: Language;
      options: WorkerAnalyzeOptions;
      /** Whether imports may be asked for (the host has a readModule). */
      readsModules: boolean;
    }
  | { type: 'moduleText'; id: number; text: string | null }
  /** The web pool's answer to `modules`: the text of each path asked for (null: none). */
  | { type: 'moduleTexts'; id: number; texts: Record<string, string | null> }
  | { type: 'forget'; key: string };

/** Worker → host. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'module'; id: number; path: string }
  /**
   * A Web Worker cannot wait for the host: it analyses with the modules it has, asks for the ones
   * it missed, and analyses again once they arrive (src/web/analysisWebWorker.ts).
   */
  | { type: 'modules'; id: number; paths: string[] }
  | { type: 'result'; id: number; analysis: Analysis; stats: IncrementalStats | null }
  | { type: 'failed'; id: number; message: string };

/** The `workerData` a worker starts with. */
export interface WorkerStart {
  layerLensAnalysisWorker: true;
  /** Int32Array over a SharedArrayBuffer: [0] counts messages to the host, [1] replies to the worker. */
  signal: SharedArrayBuffer;
  /** How long the worker waits for the text of an imported module. */
  moduleReplyMs: number;
}

/** An analysis that holds only the finding saying why it stopped (deadline, memory, a crash). */
export function stoppedAnalysis(language: Language, message: string, elapsedMs: number): Analysis {
  return {
    language,
    models: [],
    annotations: [],
    findings: [{ severity: 'warning', code: 'budget', span: { from: 0, to: 0 }, line: 1, message, related: [] }],
    elapsedMs,
  };
}

/** The finding's message when the deadline stopped the analysis. */
export function deadlineMessage(limits: AnalysisLimits): string {
  return `Layer Lens stopped the analysis after ${limits.deadlineMs / 1000} s: the file asks for more work than an editor can wait for. Nothing is shown for it.`;
}

/** The finding's message when the heap limit stopped the analysis. */
export function memoryMessage(limits: AnalysisLimits): string {
  return `Layer Lens stopped the analysis: it needed more than ${limits.heapMb} MB of memory. Nothing is shown for this file.`;
}

/** Analyses handed out while the real one is still being computed (never cached, never pushed). */
const pendingAnalyses = new WeakSet<Analysis>();

/** A stand-in while the worker is still analysing: the document's previous analysis, or an empty one. */
export function pendingAnalysis(language: Language, previous?: Analysis): Analysis {
  const stand: Analysis = previous ? { ...previous } : { language, models: [], annotations: [], findings: [], elapsedMs: 0 };
  pendingAnalyses.add(stand);
  return stand;
}

/** True for a stand-in of `pendingAnalysis`: its real analysis arrives later. */
export function isPendingAnalysis(analysis: Analysis): boolean {
  return pendingAnalyses.has(analysis);
}
