// The `layer-lens` executable (dist/cli/layerLens.js): a small loader that runs the command's
// bundle (dist/cli/layerLensMain.js, built from layerLens.ts) through the V8 code cache kept in
// the user's cache directory, so a start after the first skips compiling it (src/node/codeCache.ts).
// LAYER_LENS_CACHE=off compiles from source and writes nothing.
import { join } from 'node:path';
import { loadBundle, userCacheDir } from '../node/codeCache';

const cacheDir = process.env.LAYER_LENS_CACHE === 'off' ? undefined : userCacheDir();
const bundle = loadBundle(join(__dirname, 'layerLensMain.js'), cacheDir);
const argv = process.argv.slice(2);
const status = (bundle.exports as { main(argv: string[]): number }).main(argv);
process.exitCode = status;
// Only a run that analysed a file compiled the analysis, so only such a run makes a cache worth keeping.
if (status === 0 && argv[0] === 'summary') bundle.saveCache();
if (process.env.LAYER_LENS_CACHE === 'report') process.stderr.write(`layer-lens: code cache ${bundle.status}\n`);
