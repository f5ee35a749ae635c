// The last step of every analysis, whichever front end made it and whether it ran whole or
// incrementally: unbound helper blocks take the shapes of the bound model that uses them
// (helperFromUser.ts), hand-written attention blocks are marked (userAttention.ts), and findings
// are put in their quiet form unless the caller asked for every gap (quietFindings.ts).

import { adoptUsersShapes } from './helperFromUser';
import { withQuietFindings } from './quietFindings';
import { withInputSolutions } from './solveInputs';
import type { Analysis, AnalyzeOptions } from './types';
import { markUserAttention } from './userAttention';

/** Applies the passes every analysis gets before anyone reads it. */
export function finishAnalysis(analysis: Analysis, options: AnalyzeOptions): Analysis {
  const finished = withInputSolutions(markUserAttention(adoptUsersShapes(analysis)));
  return options.verboseFindings ? finished : withQuietFindings(finished);
}
