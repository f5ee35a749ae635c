// Bundles a small TypeScript driver (given as source text) with the analysis core it imports, as
// the measuring tools run it: one CommonJS file for Node 20, unminified so profiles name functions.
import { join } from 'node:path';

/**
 * Writes `outfile` from `source`, resolving its imports from `resolveDir` (a repository root, or an
 * exported revision of it); esbuild comes from `repoRoot`'s node_modules.
 */
export async function bundleDriver({ repoRoot, source, resolveDir, sourcefile, outfile }) {
  const { build } = await import(join(repoRoot, 'node_modules/esbuild/lib/main.js'));
  await build({
    stdin: { contents: source, resolveDir, loader: 'ts', sourcefile },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    logLevel: 'warning',
    mainFields: ['module', 'main'],
  });
  return outfile;
}
