// The `layer-lens` executable (dist/cli/layerLens.js), in two roles. As the command (src/cli/layerLens.ts)
// it is small and loads no analysis: it reads the arguments and the file, and spawns itself as the
// analysis child under the editor's limits (src/cli/analysisChild.ts). As the child (CHILD_FLAG) it
// runs the analysis bundle (dist/cli/layerLensAnalysis.js, built from analysisChildMain.ts) through
// the V8 code cache kept in the user's cache directory, so a start after the first skips compiling
// it (src/node/codeCache.ts), and gives it a folder beside that cache for parsed Python files, named
// after the bundle (src/cli/parseCacheDisk.ts). So each run loads the core once. LAYER_LENS_CACHE=off
// compiles and parses from source and writes nothing; LAYER_LENS_CACHE=report says on stderr whether
// the code cache was used.
import { join } from 'node:path';
import { loadBundle, userCacheDir } from '../node/codeCache';
import { CHILD_FLAG } from './analysisChild';
import { main } from './layerLens';

if (process.argv[2] === CHILD_FLAG) {
  const cacheDir = process.env.LAYER_LENS_CACHE === 'off' ? undefined : userCacheDir();
  const bundle = loadBundle(join(__dirname, 'layerLensAnalysis.js'), cacheDir);
  const child = bundle.exports as { serveChild(parseCacheDir: string | undefined): void };
  child.serveChild(cacheDir ? join(cacheDir, `parses-${bundle.contentKey}`) : undefined);
  // After an analysis, the cache holds the functions it compiled too.
  bundle.saveCache();
  if (process.env.LAYER_LENS_CACHE === 'report') process.stderr.write(`layer-lens: code cache ${bundle.status}\n`);
} else {
  process.exitCode = main(__filename, process.argv.slice(2));
}
