// Incremental analysis for editors: one analyser per document keeps the previous parse tree (so
// Lezer reparses only around the edit) and each model's previous result (so a keystroke re-runs
// only the models whose definitions it touched). Every update returns exactly what a fresh
// `analyze` of the same text and options would return, apart from `elapsedMs`.

import type { ChangedRange } from '@lezer/common';
import { analyze } from './analyze';
import { looksBinary } from './binaryText';
import { clipAnalysisStrings } from './clipStrings';
import { analyzePython } from './python/analyzePython';
import { ModelMemo } from './python/modelMemo';
import { parsePython, type ParsedPython } from './python/parse';
import type { Analysis, AnalyzeOptions, Language } from './types';

/** A stateful analyser of one document's successive versions. */
export interface IncrementalAnalyzer {
  /** Analyses the new version (the edited region is found by comparing it with the previous one). */
  update(text: string, language: Language, options?: AnalyzeOptions): Analysis;
  /** Drops everything held (the document closed). */
  reset(): void;
}

/** Creates an analyser that reuses work between versions of one document. */
export function createIncrementalAnalyzer(): IncrementalAnalyzer {
  let parsed: ParsedPython | undefined;
  const memo = new ModelMemo();
  return {
    update(text, language, options = {}) {
      if (language !== 'python' || looksBinary(text)) {
        parsed = undefined;
        memo.clear();
        return analyze(text, language, options);
      }
      const t0 = now();
      let ranges: ChangedRange[] | undefined;
      if (parsed && parsed.text !== text) ranges = [diffRange(parsed.text, text)];
      try {
        parsed = parsePython(text, parsed, ranges);
      } catch {
        parsed = parsePython(text);
      }
      const analysis = clipAnalysisStrings(analyzePython(text, options, parsed, memo));
      return { ...analysis, elapsedMs: now() - t0 };
    },
    reset() {
      parsed = undefined;
      memo.clear();
    },
  };
}

function now(): number {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf ? perf.now() : Date.now();
}

/** The one range where two texts differ (common prefix and suffix excluded), as Lezer wants it. */
function diffRange(a: string, b: string): ChangedRange {
  const max = Math.min(a.length, b.length);
  let p = 0;
  while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  let s = 0;
  while (s < max - p && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
  return { fromA: p, toA: a.length - s, fromB: p, toB: b.length - s };
}
