// The CLI's analysis child (dist/cli/layerLensAnalysis.js): the analysis core, the table formatter
// and the import reader, loaded only by the child process that src/cli/analysisChild.ts starts
// under the editor's limits. The executable (src/cli/bin.ts) loads this bundle through the V8 code
// cache and calls `serveChild`; the command that spawned it prints what it writes.

import { readFileSync } from 'node:fs';
import { analyze } from '../analysis/analyze';
import { formatSummaryTable } from '../analysis/summaryTable';
import type { ChildRequest } from './analysisChild';
import { moduleReader } from './moduleReader';
import { diskParseStore } from './parseCacheDisk';
import { printedSummary } from './summaryOutput';

/**
 * Reads one request on stdin, analyses it (imports read within its roots, parsed files kept in
 * `parseCacheDir` when given: src/cli/parseCacheDisk.ts) and writes the printed summary on stdout.
 */
export function serveChild(parseCacheDir: string | undefined): void {
  const request = JSON.parse(readFileSync(0, 'utf8')) as ChildRequest;
  const parseStore = parseCacheDir ? diskParseStore(parseCacheDir) : undefined;
  const analysis = analyze(request.text, request.language, { ...request.options, readModule: moduleReader(request.roots), parseStore });
  process.stdout.write(printedSummary(analysis, request.print, formatSummaryTable));
}
