// The CLI's analysis runs in a child process with the editor's limits (2 s, 256 MB; see
// src/shared/analysisWorker.ts). A child, unlike a worker thread, can be killed at once even inside
// a long built-in call, and a fatal V8 error in it ends the child, not the CLI: a hostile file costs
// the finding that says what stopped. (Measured on Node 20: in a worker with a 256 MB heap limit,
// `new Array(1e8).fill(0)` or a doubling `concat` loop aborts the whole process with V8's "heap out
// of memory", since one allocation overshoots the 16 MB of slack Node grants a worker near its limit,
// and `process.exit` waits for a worker stuck in `Array.prototype.fill` or `sort` after `terminate()`.)
//
// This file is the command's side and loads none of the analysis: the command (dist/cli/layerLens.js)
// parses arguments, spawns the child and prints; only the child loads the core
// (dist/cli/layerLensAnalysis.js, src/cli/analysisChildMain.ts), through the V8 code cache.

import { spawnSync } from 'node:child_process';
import type { Analysis, Language } from '../analysis/types';
import { ANALYSIS_LIMITS, deadlineMessage, memoryMessage, stoppedAnalysis, type AnalysisLimits, type WorkerAnalyzeOptions } from '../shared/analysisWorker';
import type { PrintOptions } from './summaryOutput';

/** The argument that makes the CLI's executable serve one analysis on stdin. */
export const CHILD_FLAG = '--layer-lens-analysis-child';

/** What the command sends the child on stdin. */
export interface ChildRequest {
  text: string;
  language: Language;
  options: WorkerAnalyzeOptions;
  /** Folders imports may read (see src/shared/importScope.ts). */
  roots: string[];
  /** The folder the command ran in: relative import paths start there (the warm child runs elsewhere). */
  cwd: string;
  /** How the child prints the result (the table or the JSON, as the command would). */
  print: PrintOptions;
}

/** What came back: the printed summary and the child's diagnostics, or an analysis saying why it stopped. */
export type ChildOutcome = { printed: string; log: string } | { stopped: Analysis };

/** Start-up time of a child (Node and the analysis bundle) allowed on top of the analysis deadline. */
const STARTUP_MS = 500;

/** The Node flags of an analysis child: the process's own (a TypeScript loader under tests) and the heap limit. */
export function childFlags(limits: AnalysisLimits): string[] {
  return [...process.execArgv, `--max-old-space-size=${limits.heapMb}`, '--max-semi-space-size=16'];
}

/**
 * Analyses and prints in a child process running `entry` (the CLI's executable) with `CHILD_FLAG`,
 * under the heap limit and deadline of `limits`.
 */
export function analyzeInChild(entry: string, request: ChildRequest, limits: AnalysisLimits = ANALYSIS_LIMITS): ChildOutcome {
  const started = performance.now();
  const run = spawnSync(process.execPath, [...childFlags(limits), entry, CHILD_FLAG], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    timeout: limits.deadlineMs + STARTUP_MS,
    killSignal: 'SIGKILL',
    maxBuffer: 256 * 1024 * 1024,
    windowsHide: true,
  });
  const elapsed = performance.now() - started;
  const language = request.language;
  if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT') return { stopped: stoppedAnalysis(language, deadlineMessage(limits), elapsed) };
  // Exit status 0 comes only after the whole summary was written.
  if (run.status === 0) return { printed: run.stdout, log: run.stderr ?? '' };
  if (/heap out of memory|invalid (array length|size error)|Allocation failed/i.test(run.stderr ?? '') || run.signal === 'SIGABRT' || run.signal === 'SIGTRAP') {
    return { stopped: stoppedAnalysis(language, memoryMessage(limits), elapsed) };
  }
  return { stopped: stoppedAnalysis(language, `Layer Lens's analysis stopped unexpectedly (${run.signal ?? `exit ${run.status}`}).`, elapsed) };
}
