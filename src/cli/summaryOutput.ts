// What `layer-lens summary` prints for an analysis: the JSON document, the table, or the findings
// when no model was found. The analysis child prints with the table formatter; the command itself
// prints only analyses that stopped (they hold no model), so it never loads the formatter.

import type { Analysis, Finding, ModelInfo } from '../analysis/types';
import { summaryJson } from './summaryJson';

/** How to print: the file as the user named it, `--json`, and the `--model` asked for. */
export interface PrintOptions {
  file: string;
  json: boolean;
  model?: string;
}

/** A table formatter (src/analysis/summaryTable.ts's `formatSummaryTable`). */
export type TableFormatter = (model: ModelInfo, context: { file: string; findings: Finding[] }) => string;

/** The text `summary` prints for `analysis`; without `formatTable`, a model is printed as JSON. */
export function printedSummary(analysis: Analysis, print: PrintOptions, formatTable?: TableFormatter): string {
  // Without --model the file's last model is the one a user means (the top of the file holds its parts).
  const model = analysis.models.length ? analysis.models[analysis.models.length - 1] : null;
  const json = () => JSON.stringify(summaryJson(print.file, analysis, model), null, 2) + '\n';
  if (print.json) return json();
  if (!model) {
    const lines = [`No model found in ${print.file}${print.model ? ` for ${print.model}` : ''}.\n`];
    for (const f of analysis.findings) lines.push(`${f.severity} line ${f.line}: ${f.message}\n`);
    return lines.join('');
  }
  // The command passes no formatter: it prints only stopped analyses, which hold no model.
  if (!formatTable) return json();
  return formatTable(model, { file: print.file, findings: analysis.findings });
}
