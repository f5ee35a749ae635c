// `npm run package`: a production build and a .vsix made with @vscode/vsce from the .vscodeignore
// allow-list. It builds in a staging copy so that the working tree's dist/ (which `npm start` and a
// colleague's running `npm test` may be using) is never overwritten mid-run.
//
// node scripts/package.mjs [--out FILE]    (default: dist/layer-lens.vsix)
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir, repoRoot } from './codeServer.mjs';

/** The bundles that ship; the integration tests target never does. */
const shippedTargets = ['extension-node', 'extension-web', 'webview', 'cli'];
/**
 * Left out of the staging copy: dependencies (linked instead), outputs, caches and VCS data. Every
 * other file is copied, so vsce applies .vscodeignore to the same tree it would see in the repo.
 */
const notCopied = new Set(['node_modules', '.git', '.vscode-test', 'dist', 'test-results']);

/**
 * Builds the .vsix and returns its path and size; throws with the tool's output on failure.
 * @param {string} outFile absolute path of the .vsix to write.
 */
export function packageExtension(outFile) {
  const staging = makeTempDir('layer-lens-package-');
  try {
    for (const name of readdirSync(repoRoot)) {
      if (notCopied.has(name) || name.endsWith('.vsix')) continue;
      cpSync(join(repoRoot, name), join(staging.dir, name), {
        recursive: true,
        filter: (source) => !source.split(sep).includes('node_modules') && !source.includes(`${sep}bench${sep}out`),
      });
    }
    symlinkSync(join(repoRoot, 'node_modules'), join(staging.dir, 'node_modules'));
    const build = spawnSync(process.execPath, ['esbuild.mjs', '--production', ...shippedTargets], {
      cwd: staging.dir,
      stdio: 'inherit',
    });
    if (build.status !== 0) throw new Error(`the production build failed (esbuild.mjs exited with ${build.status})`);
    // vsce must not wander into the dependencies (they are bundled, and --no-dependencies says so).
    rmSync(join(staging.dir, 'node_modules'), { force: true });

    mkdirSync(dirname(outFile), { recursive: true });
    const vsce = spawnSync(
      process.execPath,
      [join(repoRoot, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', outFile],
      { cwd: staging.dir, stdio: ['ignore', 'inherit', 'inherit'] },
    );
    if (vsce.status !== 0) throw new Error(`vsce package exited with ${vsce.status}`);
    return { file: outFile, bytes: statSync(outFile).size };
  } finally {
    staging.remove();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outIndex = process.argv.indexOf('--out');
  const outFile = resolve(outIndex > 0 ? process.argv[outIndex + 1] : join(repoRoot, 'dist/layer-lens.vsix'));
  try {
    const { file, bytes } = packageExtension(outFile);
    console.log(`layer-lens: packaged ${file} (${(bytes / 1024).toFixed(1)} KB)`);
  } catch (error) {
    console.error(`layer-lens: packaging failed: ${error.message}`);
    process.exit(1);
  }
}
