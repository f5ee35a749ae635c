// One build script, one entry per target. `node esbuild.mjs [--production] [--watch] [target...]`.
// Targets: extension-node, extension-core, extension-features, extension-worker, extension-web, extension-web-worker, webview, cli, cli-analysis, tests (the integration suites run inside VS Code),
// tests-web (the same suites for the web extension host).
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { appendFileSync, copyFileSync, mkdirSync, readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const production = args.includes('--production');
const watch = args.includes('--watch');
const only = args.filter((a) => !a.startsWith('--'));

/** Options shared by every target. */
const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
  target: 'es2022',
};

/**
 * Leaves `require(specifier)` for a bundle built beside this one to run time (esbuild would
 * otherwise look for the file next to the source).
 * @returns {import('esbuild').Plugin}
 */
function siblingBundle(specifier) {
  const filter = new RegExp(`^${specifier.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`);
  return { name: `sibling ${specifier}`, setup: (build) => build.onResolve({ filter }, () => ({ path: specifier, external: true })) };
}

/**
 * Every module of the extension reaches `vscode` through one namespace module, so the bundle
 * requires it once: each `import * as vscode` of an external CommonJS module would otherwise copy
 * the whole API object's properties on its own (about twenty copies at activation).
 * @returns {import('esbuild').Plugin}
 */
function sharedVscode() {
  return {
    name: 'shared vscode',
    setup: (build) => {
      build.onResolve({ filter: /^vscode$/ }, (args) => (args.namespace === 'shared-vscode' ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'shared-vscode' }));
      build.onLoad({ filter: /.*/, namespace: 'shared-vscode' }, () => ({ contents: "export * from 'vscode';", loader: 'js' }));
    },
  };
}

/** @type {Record<string, import('esbuild').BuildOptions>} */
const targets = {
  // The extension for the Node extension host (desktop, remote, code-server). tfjs never appears here.
  'extension-node': {
    entryPoints: ['src/editor/node.ts'],
    outfile: 'dist/extension/node.js',
    platform: 'node',
    format: 'cjs',
    external: ['vscode'],
    plugins: [siblingBundle('./analysis.js'), sharedVscode()],
  },
  // The analysis core for the Node host, required by node.js on the first analysis (src/editor/core.ts).
  'extension-core': {
    entryPoints: ['src/analysis/api.ts'],
    outfile: 'dist/extension/analysis.js',
    platform: 'node',
    format: 'cjs',
  },
  // What the Node host's panel, export, walkthrough and Live Share commands do, required by node.js on
  // the first use of one of them (src/editor/lazyFeatures.ts), so activation compiles only their registration.
  'extension-features': {
    entryPoints: ['src/editor/features.ts'],
    outfile: 'dist/extension/features.js',
    platform: 'node',
    format: 'cjs',
    external: ['vscode'],
    plugins: [sharedVscode()],
  },
  // The analysis worker of the Node host (src/node/analysisWorkerPool.ts starts it): the core on a thread with a heap limit.
  'extension-worker': {
    entryPoints: ['src/node/analysisWorker.ts'],
    outfile: 'dist/extension/analysisWorker.js',
    platform: 'node',
    format: 'cjs',
  },
  // The same extension for the web worker host (vscode.dev): no Node built-ins may be reached.
  'extension-web': {
    entryPoints: ['src/editor/web.ts'],
    outfile: 'dist/extension/web.js',
    platform: 'browser',
    format: 'cjs',
    external: ['vscode'],
    mainFields: ['browser', 'module', 'main'],
  },
  // The analysis worker of the web host (src/web/webWorkerPool.ts starts it as a Web Worker): the core alone.
  'extension-web-worker': {
    entryPoints: ['src/web/analysisWebWorker.ts'],
    outfile: 'dist/extension/analysisWebWorker.js',
    platform: 'browser',
    format: 'iife',
    mainFields: ['browser', 'module', 'main'],
  },
  // The panel app; tfjs is bundled from npm here and only here.
  webview: {
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview/main.js',
    platform: 'browser',
    format: 'iife',
  },
  // The `layer-lens` executable: the command (arguments, the analysis child's spawn, printing), small
  // and without the analysis core; started as the analysis child, it loads the bundle below through
  // the V8 code cache (src/node/codeCache.ts).
  cli: {
    entryPoints: ['src/cli/bin.ts'],
    outfile: 'dist/cli/layerLens.js',
    platform: 'node',
    format: 'cjs',
    banner: { js: '#!/usr/bin/env node' },
  },
  // The analysis child's bundle: the analysis core, the table and the import reader, loaded by the
  // executable above in the child process only.
  'cli-analysis': {
    entryPoints: ['src/cli/analysisChildMain.ts'],
    outfile: 'dist/cli/layerLensAnalysis.js',
    platform: 'node',
    format: 'cjs',
  },
  // The integration suites, loaded by VS Code's extension host through extensionTestsPath.
  tests: {
    entryPoints: ['test/integration/index.ts'],
    outfile: 'dist/test/index.js',
    platform: 'node',
    format: 'cjs',
    external: ['vscode', 'mocha'],
  },
  // The same suites for the web worker extension host (@vscode/test-web, scripts/testWeb.mjs): mocha's
  // browser build is bundled in, and the grep is fixed at build time because a worker has no environment.
  'tests-web': {
    entryPoints: ['test/integration/webIndex.ts'],
    outfile: 'dist/test/web.js',
    platform: 'browser',
    format: 'cjs',
    external: ['vscode'],
    mainFields: ['browser', 'module', 'main'],
    define: { LAYER_LENS_TEST_GREP: JSON.stringify(process.env.LAYER_LENS_TEST_GREP ?? '') },
  },
};

/** Targets loaded through the code cache loader; a watch build leaves them unmarked (the loader then hashes them itself). */
const cachedBundles = new Set(['cli-analysis', 'extension-core', 'extension-features']);

// The Node extension is two bundles: building one builds the other.
if (only.includes('extension-node') && !only.includes('extension-core')) only.push('extension-core');
// So is the command: its analysis child loads the bundle with the analysis.
if (only.includes('cli') && !only.includes('cli-analysis')) only.push('cli-analysis');
if (only.includes('extension-node') && !only.includes('extension-worker')) only.push('extension-worker');
if (only.includes('extension-node') && !only.includes('extension-features')) only.push('extension-features');
// So is the web extension: its analysis runs in a Web Worker of its own bundle.
if (only.includes('extension-web') && !only.includes('extension-web-worker')) only.push('extension-web-worker');
const selected = Object.entries(targets).filter(([name]) => only.length === 0 || only.includes(name));
if (selected.length === 0) {
  console.error(`esbuild.mjs: no target named ${only.join(', ')}; targets are ${Object.keys(targets).join(', ')}`);
  process.exit(2);
}

mkdirSync('dist/webview', { recursive: true });
copyFileSync('media/panel.css', 'dist/webview/panel.css');

if (watch) {
  for (const [, options] of selected) {
    const ctx = await esbuild.context({ ...common, ...options });
    await ctx.watch();
  }
  console.log(`esbuild: watching ${selected.map(([n]) => n).join(', ')}`);
} else {
  await Promise.all(selected.map(([, options]) => esbuild.build({ ...common, ...options })));
  // Bundles that load through the V8 code cache (src/node/codeCache.ts) end with their content
  // hash, so a start reads the key instead of hashing half a megabyte before its JIT is warm.
  for (const [name, options] of selected) {
    if (!cachedBundles.has(name)) continue;
    const hash = createHash('sha256').update(readFileSync(options.outfile)).digest('hex').slice(0, 20);
    appendFileSync(options.outfile, `\n//# layerLensContentHash=${hash}\n`);
  }
}
