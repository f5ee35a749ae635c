// The last step of every analysis, whichever front end made it and whether it ran whole or
// incrementally: hand-written attention blocks are marked (userAttention.ts) and findings are
// put in their quiet form unless the caller asked for every gap (quietFindings.ts).

import { withQuietFindings } from './quietFindings';
import type { Analysis, AnalyzeOptions } from './types';
import { markUserAttention } from './userAttention';

/** Applies the passes every analysis gets before anyone reads it. */
export function finishAnalysis(analysis: Analysis, options: AnalyzeOptions): Analysis {
  markUserAttention(analysis);
  return options.verboseFindings ? analysis : withQuietFindings(analysis);
}
