// Issue 10.3: no `eval` and no `Function` constructor in the bundles we ship, and tfjs only in the
// webview bundle. The scan reads dist/ as the build step left it (building a missing target
// first), so it checks exactly the files `npm run package` puts into the .vsix.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { panelCsp } from '../../src/shared/panelHtml';

const repoRoot = join(__dirname, '..', '..');

/** Each shipped bundle and the esbuild.mjs target that builds it. */
const bundles = {
  'extension-node': 'dist/extension/node.js',
  'extension-core': 'dist/extension/analysis.js',
  'extension-features': 'dist/extension/features.js',
  'extension-web': 'dist/extension/web.js',
  'extension-worker': 'dist/extension/analysisWorker.js',
  'extension-web-worker': 'dist/extension/analysisWebWorker.js',
  cli: 'dist/cli/layerLens.js',
  'cli-analysis': 'dist/cli/layerLensAnalysis.js',
  webview: 'dist/webview/main.js',
} as const;

type Target = keyof typeof bundles;

/** The bundle's text, building its target first when the file is missing. */
function bundleText(target: Target): string {
  const file = join(repoRoot, bundles[target]);
  if (!existsSync(file)) {
    const built = spawnSync(process.execPath, ['esbuild.mjs', target], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(built.status, 0, `building ${target} failed:\n${built.stderr}`);
  }
  return readFileSync(file, 'utf8');
}

/**
 * Dynamic code evaluation in any spelling a bundler or minifier leaves: `eval(`, `(0, eval)(`,
 * `window.eval(`, `new Function(`, `Function("return this")()`, `setTimeout("code")` is out of
 * scope (no bundle passes strings there). Member calls like `x.isFunction(` do not match.
 */
const DYNAMIC_CODE = /(?<![\w$])(?:(?:globalThis|window|self|global)\s*\.\s*)?(?:eval|Function)\s*\)?\s*\(|new\s+(?:globalThis\.|window\.|self\.)?Function\b/g;

/** True when the parenthesis at `open` closes into `{`: a method definition, since a call cannot be followed by a block. */
function isMethodDefinition(text: string, open: number): boolean {
  let depth = 0;
  for (let i = open; i < text.length && i < open + 2000; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return /^\s*\{/.test(text.slice(i + 1, i + 40));
  }
  return false;
}

/** Each hit with 80 characters either side, so a failure shows where it is. */
function dynamicCodeSites(text: string): string[] {
  const sites: string[] = [];
  for (const m of text.matchAll(DYNAMIC_CODE)) {
    const before = text.slice(Math.max(0, m.index! - 1), m.index!);
    // `.eval(` on some other object (e.g. `model.eval(`) is a method, not the global eval.
    if (before === '.' && !/^(globalThis|window|self|global)/.test(m[0])) continue;
    // A class method named `eval` (our interpreters have one) is a definition: `eval(node, scope) {`.
    if (!m[0].startsWith('new') && isMethodDefinition(text, m.index! + m[0].length - 1)) continue;
    sites.push(text.slice(Math.max(0, m.index! - 80), m.index! + m[0].length + 80).replace(/\s+/g, ' '));
  }
  return sites;
}

/** Strings that only tfjs puts into a bundle (its version table and kernel registry). */
const TFJS_MARKERS = ['tfjs-core', 'registerKernel', 'WEBGL_VERSION', '@tensorflow/tfjs'];

describe('bundle scan: no dynamic code evaluation, tfjs only in the webview', function () {
  this.timeout(120_000);

  for (const target of ['extension-node', 'extension-core', 'extension-features', 'extension-web', 'extension-worker', 'extension-web-worker', 'cli', 'cli-analysis'] as const) {
    it(`${bundles[target]}: no eval( or Function constructor`, () => {
      const sites = dynamicCodeSites(bundleText(target));
      assert.deepEqual(sites, [], `dynamic code in ${bundles[target]}:\n${sites.join('\n')}`);
    });

    it(`${bundles[target]}: does not contain tfjs`, () => {
      const text = bundleText(target);
      // The Node worker warms up on a small TensorFlow.js model whose source names the package as
      // text; the library's own markers must still be absent.
      const markers = target === 'extension-worker' ? TFJS_MARKERS.filter((m) => m !== '@tensorflow/tfjs') : TFJS_MARKERS;
      const found = markers.filter((marker) => text.includes(marker));
      assert.deepEqual(found, [], `tfjs markers in ${bundles[target]}: ${found.join(', ')}`);
    });
  }

  it('dist/extension/node.js leaves the analysis core to dist/extension/analysis.js (activation compiles only the adapters)', () => {
    // Layer names live in the catalogue, which only the core registers (attention and convolution
    // names also appear in the adapters' wording, so the marker is a layer only the catalogue names).
    const adapters = bundleText('extension-node');
    const core = bundleText('extension-core');
    // The core is loaded by name through the code cache loader (src/node/codeCache.ts), not bundled in.
    assert.match(adapters, /"analysis\.js"/);
    assert.ok(!adapters.includes('PixelShuffle') && core.includes('PixelShuffle'), 'the catalogue is in node.js, or missing from analysis.js');
    assert.ok(adapters.length * 4 < core.length, `node.js is ${adapters.length} bytes beside a ${core.length}-byte core`);
  });

  it('dist/extension/node.js leaves the panel, export, walkthrough and Live Share implementations to dist/extension/features.js', () => {
    const adapters = bundleText('extension-node');
    const features = bundleText('extension-features');
    // Loaded by name through the code cache loader (src/node/codeCache.ts), not bundled in.
    assert.match(adapters, /"features\.js"/);
    // The panel's HTML (its content security policy) and Live Share's service name are markers of code only the features need.
    for (const marker of ['Content-Security-Policy', 'layerLens.presenter']) {
      assert.ok(!adapters.includes(marker) && features.includes(marker), `${marker} is in node.js, or missing from features.js`);
    }
  });

  it('dist/extension/node.js and features.js require vscode once each (esbuild.mjs sharedVscode: no copy of the API per module)', () => {
    for (const target of ['extension-node', 'extension-features'] as const) {
      assert.equal(bundleText(target).match(/require\("vscode"\)/g)?.length, 1, bundles[target]);
    }
  });

  it('dist/cli/layerLens.js leaves the analysis core to dist/cli/layerLensAnalysis.js (the command loads it only in its analysis child)', () => {
    const command = bundleText('cli');
    const analysis = bundleText('cli-analysis');
    // The same catalogue marker as above: only the core registers layers.
    assert.match(command, /"layerLensAnalysis\.js"/);
    assert.ok(!command.includes('PixelShuffle') && analysis.includes('PixelShuffle'), 'the catalogue is in layerLens.js, or missing from layerLensAnalysis.js');
    assert.ok(command.length * 10 < analysis.length, `layerLens.js is ${command.length} bytes beside a ${analysis.length}-byte analysis bundle`);
  });

  it('dist/webview/main.js: contains tfjs (the scan above would notice if the markers changed)', () => {
    const text = bundleText('webview');
    assert.ok(TFJS_MARKERS.some((marker) => text.includes(marker)), 'no tfjs marker found in the webview bundle');
  });

  it('dist/webview/main.js: no eval( or Function constructor, tfjs included', () => {
    // Checked on tfjs 4.22: the fesm builds of tfjs-core, -backend-cpu, -backend-webgl, -layers,
    // -converter and -data contain no eval and no Function constructor (the one textual hit is a
    // doc comment, "@returns Function (buffer…)", which esbuild drops). If a tfjs upgrade brings
    // one in, this fails, and the site must be shown unreachable under the CSP below before any
    // exception is written here.
    const sites = dynamicCodeSites(bundleText('webview'));
    assert.deepEqual(sites, [], `dynamic code in the webview bundle:\n${sites.join('\n')}`);
  });

  it("the panel's CSP forbids eval: no 'unsafe-eval', scripts by nonce only", () => {
    const csp = panelCsp('https://example.test', 'AAAAAAAAAAAAAAAAAAAAAA');
    assert.doesNotMatch(csp, /unsafe-eval|wasm-unsafe-eval|unsafe-inline/);
    assert.match(csp, /script-src 'nonce-AAAAAAAAAAAAAAAAAAAAAA'(;|$)/);
    assert.match(csp, /default-src 'none'/);
  });

  it('the scanner itself finds every spelling it claims to', () => {
    for (const code of ['eval("1")', '(0, eval)("1")', 'window.eval(x)', 'new Function("a", "b")', 'Function("return this")()', 'new globalThis.Function("x")', 'if (eval(x)) { y(); }']) {
      assert.equal(dynamicCodeSites(`var a = 1; ${code};`).length, 1, code);
    }
    for (const code of ['isFunction(f)', 'model.eval()', 'class I { eval(e, s) { return e; } }', 'class J{eval(e,t){return t}}', 'evaluate(x)', 'typeof f === "function"', 'myeval(x)']) {
      assert.deepEqual(dynamicCodeSites(`var a = 1; ${code};`), [], code);
    }
  });
});
