// Findings as a user should meet them. An inference gap says the analysis could not follow
// something; the code is usually right, so it is a hint (no squiggle), and when one unknown value
// makes several gaps they become one finding that lists the other places as related locations.
// Errors, invalid arguments and exhausted budgets keep their severity: those are worth acting on.

import type { Analysis, Finding, Span } from './types';

/** True for findings that only say the analysis could not follow something. */
export function isInferenceGap(finding: Finding): boolean {
  return (finding.code === 'inference-gap' || finding.code === 'unknown-layer') && finding.severity !== 'error';
}

/**
 * What caused a gap, as the message names it: the reason in its last parentheses (`cannot follow
 * call of q.view (cannot unpack ?)` → `cannot unpack ?`), else the whole message.
 */
export function gapCause(message: string): string {
  const m = message.match(/\(([^()]+)\)\s*$/);
  return m ? m[1].trim() : message.trim();
}

/** Index of the innermost span holding an offset, or -1. */
function innermost(spans: readonly Span[], offset: number): number {
  let best = -1;
  spans.forEach((s, i) => {
    if (s.from <= offset && offset <= s.to && (best < 0 || s.to - s.from < spans[best].to - spans[best].from)) best = i;
  });
  return best;
}

/**
 * The quiet form of a list of findings: gaps become hints, and gaps with the same cause inside the
 * same definition (one of `scopes`, the models' spans) become one finding at the first place, with
 * the others as related locations. Other findings are returned unchanged, in the same order.
 */
export function quietFindings(findings: readonly Finding[], scopes: readonly Span[] = []): Finding[] {
  const out: Finding[] = [];
  const groups = new Map<string, { finding: Finding; others: Finding[] }>();
  for (const f of findings) {
    if (!isInferenceGap(f)) {
      out.push(f);
      continue;
    }
    const key = `${innermost(scopes, f.span.from)}\u0000${f.code}\u0000${gapCause(f.message)}`;
    const group = groups.get(key);
    if (group) {
      group.others.push(f);
      continue;
    }
    const finding: Finding = { ...f, severity: 'hint' };
    groups.set(key, { finding, others: [] });
    out.push(finding);
  }
  for (const { finding, others } of groups.values()) {
    if (others.length === 0) continue;
    finding.message = `${finding.message} — and ${others.length} more place${others.length === 1 ? '' : 's'} with the same cause`;
    finding.related = [...finding.related, ...others.map((o) => ({ span: o.span, line: o.line, message: o.message }))];
  }
  return out;
}

/** The analysis with quiet findings (a new object; the given one is not changed). */
export function withQuietFindings(analysis: Analysis): Analysis {
  return { ...analysis, findings: quietFindings(analysis.findings, analysis.models.map((m) => m.span)) };
}
