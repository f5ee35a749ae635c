// Which of a finding's fixes to prefer, decided by the analysis itself: each candidate edit is
// applied to the text and the file analysed again; the fix that leaves the fewest errors comes
// first. This is what tells the producer of a wrong size from its consumer: raising a consumer's
// in_channels to a doubled out_channels moves the error to the next layer, fixing the producer
// clears it. Bounded: a few findings, a few fixes each, and only after a fast analysis.

import type { Analysis, Fix } from './types';

/** How much re-analysis one version may spend on ranking fixes. */
export interface FixRankingBudget {
  /** Error findings whose fixes are ranked (the first ones in the file). */
  findings: number;
  /** Fixes tried per finding. */
  fixes: number;
  /** No ranking after an analysis slower than this (milliseconds). */
  maxAnalysisMs: number;
  /** No further re-analysis once the ranking has taken this long (milliseconds), so it never doubles a slow analysis. */
  totalMs: number;
}

const DEFAULT_BUDGET: FixRankingBudget = { findings: 2, fixes: 3, maxAnalysisMs: 400, totalMs: 600 };

/** The text with a fix's edits applied (offsets of the text the fix was made for). */
export function applyFix(text: string, fix: Fix): string {
  let out = text;
  for (const e of [...fix.edits].sort((a, b) => b.span.from - a.span.from)) out = out.slice(0, e.span.from) + e.newText + out.slice(e.span.to);
  return out;
}

/**
 * A clock of the work done (milliseconds): the process's CPU time where the host has one (Node:
 * the CLI, the desktop editor), so the ranking decides the same on a loaded machine as on an idle
 * one; else the wall clock (a browser).
 */
export function workClockMs(): number {
  const proc = (globalThis as { process?: { cpuUsage?(): { user: number; system: number } } }).process;
  if (proc?.cpuUsage) {
    const used = proc.cpuUsage();
    return (used.user + used.system) / 1000;
  }
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf ? perf.now() : Date.now();
}

/**
 * Reorders the fixes of the first error findings that offer several, the one whose application
 * leaves the fewest error findings first (ties keep the rule's order), and marks it preferred.
 * `analysisMs` is what the analysis cost on the work clock (workClockMs).
 */
export function rankFixesByReanalysis(analysis: Analysis, text: string, reanalyse: (text: string) => Analysis, budget: FixRankingBudget = DEFAULT_BUDGET, analysisMs = analysis.elapsedMs): void {
  if (analysisMs > budget.maxAnalysisMs) return;
  const candidates = analysis.findings.filter((f) => f.severity === 'error' && (f.fixes?.length ?? 0) >= 2).slice(0, budget.findings);
  const started = workClockMs();
  for (const finding of candidates) {
    // Past the budget a finding keeps the rule's order (checked per finding: a ranking is never half done).
    if (workClockMs() - started > budget.totalMs) return;
    const tried = finding.fixes!.slice(0, budget.fixes).map((fix, order) => {
      let errors = Number.POSITIVE_INFINITY;
      try {
        errors = reanalyse(applyFix(text, fix)).findings.filter((f) => f.severity === 'error').length;
      } catch {
        // A failed re-analysis ranks the fix last; the analysis itself never throws on user code.
      }
      return { fix, order, errors };
    });
    tried.sort((a, b) => a.errors - b.errors || a.order - b.order);
    const ranked = [...tried.map((t) => t.fix), ...finding.fixes!.slice(budget.fixes)];
    finding.fixes = ranked.map((f, i) => ({ ...f, preferred: i === 0 ? true : undefined }));
    finding.hint = ranked[0].title.charAt(0).toLowerCase() + ranked[0].title.slice(1);
  }
}
