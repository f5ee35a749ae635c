// The analysis section's own process: `bench/main.ts` bundles this file with the analysis core the
// way esbuild.mjs bundles the product's (minified, one file), so the timings are those of the code
// the editor's worker and the CLI's child run, not of tsx's per-file modules, and the process's
// heap holds nothing but the analysis. Writes the section's results as JSON to the file it is given.
import { writeFileSync } from 'node:fs';
import { runAnalysisBench } from './analysisBench';

const [repoRoot, out, mode] = process.argv.slice(2);
const result = runAnalysisBench(repoRoot, mode === 'quick', (s) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}\n`));
writeFileSync(out, JSON.stringify(result));
