// Incremental analysis for editors: one analyser per document keeps its last Lezer parse tree (so
// Lezer reparses only around the edits, for the texts the fast parser leaves to it) and each
// model's previous result (so a keystroke re-runs only the models whose definitions it touched).
// Every update returns exactly what a fresh `analyze` of the same text and options would return,
// apart from `elapsedMs`.

import type { ChangedRange } from '@lezer/common';
import { analyze } from './analyze';
import { looksBinary } from './binaryText';
import { finishAnalysis } from './finishAnalysis';
import { clipAnalysisStrings } from './clipStrings';
import { analyzePython } from './python/analyzePython';
import { ModelMemo, type MemoRun } from './python/modelMemo';
import { withFixRanges } from './repairs';
import { rankFixesByReanalysis } from './verifyFixes';
import { tryFastParse } from './python/fastParse';
import { parsePython, type ParsedPython } from './python/parse';
import type { Analysis, AnalyzeOptions, Language } from './types';

/** A stateful analyser of one document's successive versions. */
export interface IncrementalAnalyzer {
  /** Analyses the new version (the edited region is found by comparing it with the previous one). */
  update(text: string, language: Language, options?: AnalyzeOptions): Analysis;
  /** Drops everything held (the document closed). */
  reset(): void;
  /** What the last update reused: for tests and benchmarks, which must see replays, not infer them. */
  stats(): IncrementalStats;
}

/** How the last update came about. */
export interface IncrementalStats {
  /** Models whose previous result was moved into the new version without running them. */
  replayed: number;
  /** Models built by running them (new, edited, or depending on what the edit touched). */
  rebuilt: number;
  /** True when a replay could not reproduce a fresh run and the update analysed afresh. */
  fellBack: boolean;
  /** True when the update did not use the memo at all (another language, binary text). */
  full: boolean;
}

/**
 * The memo, counting what each run replays and what it rebuilds. A run that falls back begins
 * again on the cleared memo, so a second begin within one update marks the fallback.
 */
class CountingMemo extends ModelMemo {
  counts: IncrementalStats = { replayed: 0, rebuilt: 0, fellBack: false, full: false };
  private runsThisUpdate = 0;

  startUpdate(): void {
    this.counts = { replayed: 0, rebuilt: 0, fellBack: false, full: false };
    this.runsThisUpdate = 0;
  }

  override begin(...args: Parameters<ModelMemo['begin']>): MemoRun | null {
    const run = super.begin(...args);
    this.runsThisUpdate += 1;
    this.counts = { replayed: 0, rebuilt: 0, fellBack: this.runsThisUpdate > 1, full: false };
    if (!run) return run;
    const counts = () => this.counts;
    const keepReplayed = run.keepReplayed.bind(run);
    const keepLive = run.keepLive.bind(run);
    run.keepReplayed = (key, entry) => {
      counts().replayed += 1;
      keepReplayed(key, entry);
    };
    run.keepLive = (key, live) => {
      counts().rebuilt += 1;
      keepLive(key, live);
    };
    return run;
  }
}

/** Creates an analyser that reuses work between versions of one document. */
export function createIncrementalAnalyzer(): IncrementalAnalyzer {
  let parsed: ParsedPython | undefined;
  const memo = new CountingMemo();
  return {
    update(text, language, options = {}) {
      memo.startUpdate();
      if (language !== 'python' || looksBinary(text)) {
        parsed = undefined;
        memo.clear();
        memo.counts.full = true;
        return analyze(text, language, options);
      }
      const t0 = now();
      // An error-free text is read whole by the fast parser (about a millisecond per 1,500 lines,
      // less than Lezer's incremental reparse and the lowering of what it touched); a text it leaves
      // (a half-typed line) goes to Lezer, which reparses incrementally from its last tree: the
      // one range between that tree's text and this one covers every edit since, however many
      // versions the fast parser read in between.
      const module = tryFastParse(text);
      let found: Analysis;
      if (module) found = analyzePython(text, options, { text, module }, memo);
      else {
        let ranges: ChangedRange[] | undefined;
        if (parsed && parsed.text !== text) ranges = [diffRange(parsed.text, text)];
        try {
          parsed = parsePython(text, parsed, ranges);
        } catch {
          parsed = parsePython(text);
        }
        found = analyzePython(text, options, parsed, memo);
      }
      rankFixesByReanalysis(found, text, (fixed) => analyzePython(fixed, options));
      withFixRanges(found.findings, text);
      const analysis = clipAnalysisStrings(finishAnalysis(found, options));
      return { ...analysis, elapsedMs: now() - t0 };
    },
    reset() {
      parsed = undefined;
      memo.clear();
    },
    stats() {
      return { ...memo.counts };
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
