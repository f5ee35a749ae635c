// Imports never read above the workspace, above a top-level package, or through a symbolic link
// that leads outside (issue 19, item 2); the manifest limits what an untrusted workspace may set.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../../src/analysis/analyze';
import { relativeImportBase } from '../../src/analysis/python/importPaths';
import { moduleReader } from '../../src/cli/moduleReader';
import { importRoots, isWithinFolder, mayImport, normalisePath, pythonEnvironmentFolder } from '../../src/shared/importScope';

/** An in-memory file system for readModule, recording every path the analysis asked for. */
function memoryFiles(files: Record<string, string>): { readModule: (p: string) => string | undefined; asked: string[] } {
  const asked: string[] = [];
  return { asked, readModule: (p) => (asked.push(p), files[p]) };
}

const secret = 'API_TOKEN = 7\n';
const netUsing = (importLine: string) =>
  [importLine, 'import torch.nn as nn', 'class Net(nn.Module):', '    def __init__(self):', '        super().__init__()', '        self.fc = nn.Linear(API_TOKEN, 2)'].join('\n');

describe('import scope (issue 19)', () => {
  it('stops a relative import at the top-level package, as Python does', () => {
    const packages = new Set(['/home/u/repo/pkg', '/home/u/repo/pkg/sub']);
    const isPackage = (folder: string) => packages.has(folder);
    assert.equal(relativeImportBase('/home/u/repo/pkg/sub/net.py', 1, isPackage), '/home/u/repo/pkg/sub');
    assert.equal(relativeImportBase('/home/u/repo/pkg/sub/net.py', 2, isPackage), '/home/u/repo/pkg');
    assert.equal(relativeImportBase('/home/u/repo/pkg/sub/net.py', 3, isPackage), null);
    // A folder without __init__.py is a namespace package to its own files (PEP 420), but the
    // dots never climb out of it to a folder that is not a package.
    assert.equal(relativeImportBase('/home/u/repo/script.py', 1, isPackage), '/home/u/repo');
    assert.equal(relativeImportBase('/home/u/repo/script.py', 2, isPackage), null);
    assert.equal(relativeImportBase('/home/u/repo/ns/net.py', 2, isPackage), null);
    assert.equal(relativeImportBase('/net.py', 1, () => true), null);
    assert.equal(relativeImportBase('/a/b/net.py', 9, () => true), null);
  });

  it('never reads a module above the top-level package or at the file-system root', () => {
    const files = memoryFiles({
      '/home/u/secrets.py': secret,
      '/home/secrets.py': secret,
      '/home/u/repo/pkg/__init__.py': '',
      '/home/u/repo/pkg/layers.py': 'WIDTH = 5\n',
    });
    for (const importLine of ['from ...secrets import API_TOKEN', 'from ....secrets import API_TOKEN', 'from home.secrets import API_TOKEN', 'from home.u.secrets import API_TOKEN']) {
      files.asked.length = 0;
      const analysis = analyze(netUsing(importLine), 'python', { fileName: '/home/u/repo/pkg/net.py', readModule: files.readModule });
      assert.ok(!files.asked.includes('/home/u/secrets.py') && !files.asked.includes('/home/secrets.py'), `${importLine} read ${files.asked.join(', ')}`);
      const fc = analysis.models[0]?.modules.find((m) => m.path === 'fc');
      assert.notEqual(fc?.config.in_features, 7, importLine);
    }
    // A relative import inside the package still resolves.
    const analysis = analyze(netUsing('from .layers import WIDTH as API_TOKEN'), 'python', { fileName: '/home/u/repo/pkg/net.py', readModule: files.readModule });
    assert.equal(analysis.models[0].modules.find((m) => m.path === 'fc')?.config.in_features, 5);
  });

  it('allows the workspace folders and the importer’s Python environment only', () => {
    assert.equal(normalisePath('/w/a/../../../etc/passwd'), '/etc/passwd');
    assert.ok(isWithinFolder('/w/repo/a.py', '/w/repo'));
    assert.ok(!isWithinFolder('/w/repo2/a.py', '/w/repo'));
    assert.ok(!isWithinFolder('/w/repo/../secret.py', '/w/repo'));
    assert.equal(pythonEnvironmentFolder('/usr/lib/python3/dist-packages/torchvision/models/resnet.py'), '/usr/lib/python3/dist-packages');
    const roots = importRoots('/w/repo/pkg/net.py', ['/w/repo']);
    assert.deepEqual(roots, ['/w/repo']);
    assert.ok(mayImport('/w/repo/pkg/layers.py', roots));
    assert.ok(!mayImport('/w/secrets.py', roots));
    assert.deepEqual(importRoots('/venv/lib/site-packages/tv/m.py', ['/w/repo']), ['/w/repo', '/venv/lib/site-packages']);
    assert.deepEqual(importRoots('/w/alone/net.py', []), ['/w/alone']);
  });

  describe('in the CLI, on real files', function () {
    this.timeout(60_000);
    let base: string;
    const bin = join(__dirname, '..', '..', 'dist', 'cli', 'layerLens.js');
    before(() => {
      const build = spawnSync(process.execPath, ['esbuild.mjs', 'cli'], { cwd: join(__dirname, '..', '..'), encoding: 'utf8' });
      assert.equal(build.status, 0, build.stderr);
      base = mkdtempSync(join(tmpdir(), 'layer-lens-imports-'));
      mkdirSync(join(base, 'repo', 'pkg'), { recursive: true });
      writeFileSync(join(base, 'secrets.py'), secret);
      writeFileSync(join(base, 'outside.py'), secret);
      writeFileSync(join(base, 'repo', 'pkg', '__init__.py'), '');
      writeFileSync(join(base, 'repo', 'pkg', 'inside.py'), 'API_TOKEN = 3\n');
      symlinkSync(join(base, 'outside.py'), join(base, 'repo', 'pkg', 'leak.py'));
      symlinkSync(join(base, 'repo', 'pkg', 'inside.py'), join(base, 'repo', 'pkg', 'alias.py'));
      symlinkSync(base, join(base, 'repo', 'pkg', 'up'));
    });
    after(() => rmSync(base, { recursive: true, force: true }));

    const inFeatures = (importLine: string): unknown => {
      const file = join(base, 'repo', 'pkg', 'net.py');
      writeFileSync(file, netUsing(importLine));
      // The bundled CLI, as users run it (its analysis runs in a child process).
      const run = spawnSync(process.execPath, [bin, 'summary', file, '--root', join(base, 'repo'), '--json'], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      const out = run.stdout;
      const json = JSON.parse(out) as { modules: { path: string; params_own: number | null }[] };
      assert.doesNotMatch(out, /API_TOKEN = 7/);
      // nn.Linear(API_TOKEN, 2) holds 2·API_TOKEN + 2 parameters: they tell which value was imported.
      const params = json.modules.find((m) => m.path === 'fc')?.params_own ?? null;
      return params === null ? null : (params - 2) / 2;
    };

    it('refuses a relative import beyond the top-level package', () => {
      assert.equal(inFeatures('from ..secrets import API_TOKEN'), null);
      assert.equal(inFeatures('from ...secrets import API_TOKEN'), null);
    });

    it('refuses a symbolic link, file or folder, that leads outside the project', () => {
      assert.equal(inFeatures('from .leak import API_TOKEN'), null);
      assert.equal(inFeatures('from .up.secrets import API_TOKEN'), null);
      const read = moduleReader([join(base, 'repo')]);
      assert.equal(read(join(base, 'repo', 'pkg', 'leak.py')), undefined);
      assert.equal(read(join(base, 'secrets.py')), undefined);
    });

    it('follows imports and links that stay inside', () => {
      assert.equal(inFeatures('from .inside import API_TOKEN'), 3);
      assert.equal(inFeatures('from .alias import API_TOKEN'), 3);
    });
  });

  it('declares limited support for untrusted workspaces, restricting the analysis settings', () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
    const untrusted = manifest.capabilities.untrustedWorkspaces;
    assert.equal(untrusted.supported, 'limited');
    assert.ok(untrusted.restrictedConfigurations.includes('layerLens.analysis.inputs'));
    assert.ok(untrusted.restrictedConfigurations.includes('layerLens.analysis.debounceMs'));
  });

  it('validates analysis.inputs with a pattern that stays linear on hostile settings', () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
    const analysisSection = manifest.contributes.configuration.find((c: { id: string }) => c.id === 'layerLens.analysis');
    const pattern = new RegExp(analysisSection.properties['layerLens.analysis.inputs'].items.pattern);
    for (const good of ['x: (1, 3, 224, 224)', 'tokens=(N,T):long', '(1,3)', '  x : (1,2) : float  ']) assert.ok(pattern.test(good), good);
    for (const bad of ['x (1,2)', '1x: (2)', 'x: (1,2):int']) assert.ok(!pattern.test(bad), bad);
    // Quadratic in the old pattern (two adjacent `\s*` after the closing parenthesis): tens of
    // seconds at this size, so mocha's timeout fails this test if the backtracking returns.
    for (const hostile of [`x:(${')'.repeat(2)}${' '.repeat(200_000)}!`, `(${') '.repeat(100_000)}!`, `x:()${' :'.repeat(50_000)}`]) assert.ok(!pattern.test(hostile));
  });
});
