// The single entry point of the analysis core: text in, plain data out. Python (PyTorch and
// Keras) goes through the abstract interpreter in python/; TypeScript/JavaScript (TensorFlow.js)
// through typescript/. Both read the one layer catalogue (layers/catalogue.ts).

import { binaryAnalysis, looksBinary } from './binaryText';
import { finishAnalysis } from './finishAnalysis';
import { clipAnalysisStrings } from './clipStrings';
import { analyzePython } from './python/analyzePython';
import { withFixRanges } from './repairs';
import { rankFixesByReanalysis, workClockMs } from './verifyFixes';
import { analyzeTfjs } from './typescript/analyzeTfjs';
import type { Analysis, AnalyzeOptions, Language } from './types';

/** Analyses one document version. Never throws: problems come back as findings. */
export function analyze(text: string, language: Language, options: AnalyzeOptions = {}): Analysis {
  // Strings chosen by the file leave the core clipped (clipStrings.ts).
  return clipAnalysisStrings(analyzeUnclipped(text, language, options));
}

function analyzeUnclipped(text: string, language: Language, options: AnalyzeOptions): Analysis {
  try {
    if (looksBinary(text)) return binaryAnalysis(language);
    if (language === 'python') {
      const started = workClockMs();
      const analysis = analyzePython(text, options);
      const cost = workClockMs() - started;
      // A focused analysis (a cold document's visible range) answers fast and ranks nothing.
      if (!options.focus) rankFixesByReanalysis(analysis, text, (fixed) => analyzePython(fixed, options), undefined, cost);
      withFixRanges(analysis.findings, text);
      return finishAnalysis(analysis, options);
    }
    return finishAnalysis(analyzeTfjs(text, language, options), options);
  } catch (e) {
    return {
      language,
      models: [],
      annotations: [],
      findings: [{ severity: 'warning', code: 'internal', span: { from: 0, to: 0 }, line: 1, message: `internal error in the analysis: ${(e as Error)?.message ?? String(e)}`, related: [] }],
      elapsedMs: 0,
    };
  }
}
