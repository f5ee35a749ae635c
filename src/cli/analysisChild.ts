// The CLI's analysis runs in a child process with the editor's limits (2 s, 256 MB; see
// src/shared/analysisWorker.ts). A child, unlike a worker thread, can be killed at once
// even inside a long built-in call, and a fatal V8 error in it (an invalid array size) ends the
// child, not the CLI: a hostile file costs the finding that says what stopped.

import { spawnSync } from 'node:child_process';
import { analyze } from '../analysis/analyze';
import { diskParseStore } from './parseCacheDisk';
import type { Analysis, AnalyzeOptions, Language } from '../analysis/types';
import { ANALYSIS_LIMITS, deadlineMessage, memoryMessage, stoppedAnalysis, type AnalysisLimits, type WorkerAnalyzeOptions } from '../shared/analysisWorker';

/** The argument that makes the CLI's bundle serve one analysis on stdin. */
export const CHILD_FLAG = '--layer-lens-analysis-child';

/** What the parent sends the child on stdin. */
interface ChildRequest {
  text: string;
  language: Language;
  options: WorkerAnalyzeOptions;
  /** Folders imports may read (see src/shared/importScope.ts). */
  roots: string[];
  /** Where parsed Python files are kept between runs (src/cli/parseCacheDisk.ts), if anywhere. */
  parseCacheDir?: string;
}

/** Start-up time of a child (Node and the bundle) allowed on top of the analysis deadline. */
const STARTUP_MS = 500;

/**
 * Analyses in a child process running `entry` (the CLI's bundle, or its source under a loader),
 * which reads imports within `roots` with `makeReader`.
 */
export function analyzeInChild(
  entry: string,
  text: string,
  language: Language,
  options: WorkerAnalyzeOptions,
  roots: string[],
  limits: AnalysisLimits = ANALYSIS_LIMITS,
  parseCacheDir?: string,
): Analysis {
  const request: ChildRequest = { text, language, options, roots, parseCacheDir };
  const started = performance.now();
  const run = spawnSync(process.execPath, [...process.execArgv, `--max-old-space-size=${limits.heapMb}`, '--max-semi-space-size=16', entry, CHILD_FLAG], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    timeout: limits.deadlineMs + STARTUP_MS,
    killSignal: 'SIGKILL',
    maxBuffer: 256 * 1024 * 1024,
    windowsHide: true,
  });
  const elapsed = performance.now() - started;
  if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT') return stoppedAnalysis(language, deadlineMessage(limits), elapsed);
  if (run.status === 0) {
    try {
      return JSON.parse(run.stdout) as Analysis;
    } catch {
      // Falls through: output that is not an analysis is a failure of the child.
    }
  }
  if (/heap out of memory|invalid (array length|size error)|Allocation failed/i.test(run.stderr ?? '') || run.signal === 'SIGABRT' || run.signal === 'SIGTRAP') {
    return stoppedAnalysis(language, memoryMessage(limits), elapsed);
  }
  return stoppedAnalysis(language, `Layer Lens's analysis stopped unexpectedly (${run.signal ?? `exit ${run.status}`}).`, elapsed);
}

/** The child's side: reads one request on stdin, writes the analysis as JSON on stdout. */
export function serveChildAnalysis(input: string, makeReader: (roots: string[]) => AnalyzeOptions['readModule']): string {
  const request = JSON.parse(input) as ChildRequest;
  const parseStore = request.parseCacheDir ? diskParseStore(request.parseCacheDir) : undefined;
  return JSON.stringify(analyze(request.text, request.language, { ...request.options, readModule: makeReader(request.roots), parseStore }));
}
