// The `layer-lens` executable (dist/cli/layerLens.js): a small loader that runs the command's
// bundle (dist/cli/layerLensMain.js, built from layerLens.ts) through the V8 code cache kept in
// the user's cache directory, so a start after the first skips compiling it (src/node/codeCache.ts),
// and gives the command a folder beside it for parsed Python files, named after the bundle
// (src/cli/parseCacheDisk.ts). LAYER_LENS_CACHE=off compiles and parses from source and writes
// nothing; LAYER_LENS_CACHE=report says on stderr whether the code cache was used.
import { join } from 'node:path';
import { loadBundle, userCacheDir } from '../node/codeCache';

const cacheDir = process.env.LAYER_LENS_CACHE === 'off' ? undefined : userCacheDir();
const bundle = loadBundle(join(__dirname, 'layerLensMain.js'), cacheDir);
const argv = process.argv.slice(2);
const command = bundle.exports as {
  main(argv: string[], out?: undefined, err?: undefined, caches?: { parseCacheDir?: string; childEntry?: string }): number;
  serveChild(): void;
  CHILD_FLAG: string;
};
if (argv[0] === command.CHILD_FLAG) {
  // The analysis child (src/cli/analysisChild.ts) starts through this loader too, from its own cache.
  command.serveChild();
  bundle.saveCache();
} else {
  const parseCacheDir = cacheDir ? join(cacheDir, `parses-${bundle.contentKey}`) : undefined;
  const status = command.main(argv, undefined, undefined, { parseCacheDir, childEntry: __filename });
  process.exitCode = status;
  // Only a run that analysed a file compiled the analysis, so only such a run makes a cache worth keeping.
  if (status === 0 && argv[0] === 'summary') bundle.saveCache();
  if (process.env.LAYER_LENS_CACHE === 'report') process.stderr.write(`layer-lens: code cache ${bundle.status}\n`);
}
