// The `layer-lens` executable (dist/cli/layerLens.js), in three roles. As the command
// (src/cli/layerLens.ts) it is small and loads no analysis: it reads the arguments and the file and
// has an analysis child print the summary under the editor's limits: the warm one kept between runs
// (src/cli/analysisServer.ts), else a one-off child (src/cli/analysisChild.ts). As either child
// (CHILD_FLAG, SERVER_FLAG) it runs the analysis bundle (dist/cli/layerLensAnalysis.js, built from
// analysisChildMain.ts) through the V8 code cache kept in the user's cache directory, so a start after
// the first skips compiling it (src/node/codeCache.ts), and gives it a folder beside that cache for
// parsed Python files, named after the bundle (src/cli/parseCacheDisk.ts). LAYER_LENS_CACHE=off
// compiles and parses from source, keeps no server and writes nothing; LAYER_LENS_CACHE=report says
// on stderr whether a one-off child used the code cache.
import { join } from 'node:path';
import { bundleKey, loadBundle, userCacheDir } from '../node/codeCache';
import { CHILD_FLAG } from './analysisChild';
import { SERVER_FLAG, serverSocketPath } from './analysisServer';
import { main } from './layerLens';

const cacheDir = process.env.LAYER_LENS_CACHE === 'off' ? undefined : userCacheDir();
const analysisBundle = join(__dirname, 'layerLensAnalysis.js');
const role = process.argv[2];

if (role === CHILD_FLAG || role === SERVER_FLAG) {
  const bundle = loadBundle(analysisBundle, cacheDir);
  const child = bundle.exports as {
    serveChild(parseCacheDir: string | undefined): void;
    serveAnalyses(socketPath: string, parseCacheDir: string | undefined, afterFirst: () => void): void;
  };
  const parseCacheDir = cacheDir ? join(cacheDir, `parses-${bundle.contentKey}`) : undefined;
  // After an analysis, the code cache holds the functions it compiled too.
  if (role === SERVER_FLAG) child.serveAnalyses(process.argv[3], parseCacheDir, () => bundle.saveCache());
  else {
    child.serveChild(parseCacheDir);
    bundle.saveCache();
    if (process.env.LAYER_LENS_CACHE === 'report') process.stderr.write(`layer-lens: code cache ${bundle.status}\n`);
  }
} else {
  let socketPath: string | undefined;
  try {
    socketPath = serverSocketPath(cacheDir, bundleKey(analysisBundle));
  } catch {
    socketPath = undefined;
  }
  void main(__filename, process.argv.slice(2), { socketPath }).then((status) => (process.exitCode = status));
}
