// The `layer-lens` command as users run it: the bundled bin built by esbuild, run with node.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const bin = join(root, 'dist', 'cli', 'layerLens.js');
// The bin keeps a V8 code cache under $XDG_CACHE_HOME; the tests give it a directory of their own.
const cacheHome = mkdtempSync(join(tmpdir(), 'layer-lens-cli-'));

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cacheHome } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The code cache status a one-off analysis child reported on stderr (the warm child is off for it). */
function cacheStatus(...args: string[]): string | undefined {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cacheHome, LAYER_LENS_CACHE: 'report', LAYER_LENS_SERVER: 'off' } });
  return /code cache (\w+)/.exec(r.stderr)?.[1];
}

/** A run with LAYER_LENS_CACHE=report: its output and the process id of the warm analysis child that served it, if one did. */
function servedBy(...args: string[]): { stdout: string; pid: number | undefined } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cacheHome, LAYER_LENS_CACHE: 'report' } });
  assert.equal(r.status, 0, r.stderr);
  const pid = /warm analysis child (\d+)/.exec(r.stderr)?.[1];
  return { stdout: r.stdout, pid: pid === undefined ? undefined : Number(pid) };
}


describe('layer-lens CLI', function () {
  this.timeout(60_000);

  before(() => {
    const build = spawnSync(process.execPath, ['esbuild.mjs', 'cli'], { cwd: root, encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
  });

  after(() => rmSync(cacheHome, { recursive: true, force: true }));

  it('keeps one V8 code cache per bundle text in $XDG_CACHE_HOME/layer-lens and starts from it', () => {
    rmSync(join(cacheHome, 'layer-lens'), { recursive: true, force: true });
    assert.equal(cacheStatus('summary', 'examples/linear_classifier.py'), 'miss');
    // One cache: only the analysis child loads the analysis bundle (the command itself is small and uncached).
    const caches = readdirSync(join(cacheHome, 'layer-lens')).filter((f) => f.endsWith('.v8cache'));
    assert.equal(caches.length, 1, caches.join(', '));
    assert.match(caches[0], /^layerLensAnalysis-/);
    assert.equal(cacheStatus('summary', 'examples/linear_classifier.py'), 'hit');
    assert.equal(cli('summary', 'examples/linear_classifier.py').stdout, cli('summary', 'examples/linear_classifier.py').stdout);
  });

  it('keeps a warm analysis child between runs, on a socket only this user may open, printing what a one-off child prints', () => {
    rmSync(join(cacheHome, 'layer-lens'), { recursive: true, force: true });
    const first = servedBy('summary', 'examples/wavenet.py', '--json');
    const second = servedBy('summary', 'examples/wavenet.py', '--json');
    assert.ok(first.pid !== undefined, 'the first run was not served by the warm child');
    assert.equal(second.pid, first.pid);
    assert.equal(second.stdout, first.stdout);
    const servers = join(cacheHome, 'layer-lens', 'servers');
    const sockets = readdirSync(servers).filter((f) => f.endsWith('.sock'));
    assert.equal(sockets.length, 1, sockets.join(', '));
    assert.equal(statSync(servers).mode & 0o077, 0, 'others may enter the sockets folder');
    assert.equal(statSync(join(servers, sockets[0])).mode & 0o077, 0, 'others may open the socket');
    const oneOff = spawnSync(process.execPath, [bin, 'summary', 'examples/wavenet.py', '--json'], { cwd: root, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cacheHome, LAYER_LENS_SERVER: 'off' } });
    assert.equal(oneOff.stdout, first.stdout);
    // A warm child that died leaves its socket file (made here by a process killed while it listened):
    // the next run starts another in its place.
    process.kill(first.pid, 'SIGKILL');
    const socket = join(servers, sockets[0]);
    rmSync(socket, { force: true });
    const stale = spawnSync(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(socket)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    assert.equal(stale.signal, 'SIGKILL');
    assert.ok(readdirSync(servers).includes(sockets[0]), 'no stale socket file was left');
    const third = servedBy('summary', 'examples/wavenet.py', '--json');
    assert.ok(third.pid !== undefined && third.pid !== first.pid, `served by ${third.pid}`);
    assert.equal(third.stdout, first.stdout);
    process.kill(third.pid, 'SIGKILL');
  });

  it('reads a relative import from the folder the command ran in, in the warm child as in a one-off child', () => {
    // `__import__('cfg')` in --model is found on Python's '' (the current folder). The warm child
    // runs in its sockets folder, so the command's folder travels with the request.
    const project = mkdtempSync(join(tmpdir(), 'layer-lens-cwd-'));
    writeFileSync(join(project, 'cfg.py'), 'WIDTH = 5\n');
    writeFileSync(join(project, 'net.py'), 'import torch.nn as nn\n\nclass Net(nn.Module):\n    def __init__(self, w):\n        super().__init__()\n        self.fc = nn.Linear(w, 2)\n\n    def forward(self, x):\n        return self.fc(x)\n');
    const run = (server: 'on' | 'off') =>
      spawnSync(process.execPath, [bin, 'summary', 'net.py', '--model', "Net(__import__('cfg').WIDTH)", '--json'], {
        cwd: project,
        encoding: 'utf8',
        env: { ...process.env, XDG_CACHE_HOME: cacheHome, LAYER_LENS_CACHE: 'report', LAYER_LENS_SERVER: server },
      });
    try {
      run('on'); // starts the warm child if none is running
      const warm = run('on');
      assert.match(warm.stderr, /warm analysis child \d+/, 'not served by the warm child');
      const oneOff = run('off');
      assert.equal(warm.stdout, oneOff.stdout);
      const root = (JSON.parse(warm.stdout) as { modules: { path: string; params_total: number }[] }).modules.find((m) => m.path === '');
      assert.equal(root?.params_total, 12, warm.stdout);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it('prints help', () => {
    const r = cli('--help');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /usage: layer-lens summary FILE/);
  });

  it('prints a table with totals and notation', () => {
    const r = cli('summary', 'examples/linear_classifier.py');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Total params: 10/);
    assert.match(r.stdout, /\(N,4\)·\(4,2\)=\(N,2\)/);
  });

  it('prints the JSON schema with --json, --model and repeated --input', () => {
    const r = cli('summary', 'examples/tacotron_attention.py', '--model', 'TacotronAligner()', '--input', 'text=(2,30):long', '--input', 'mel=(2,50,80)', '--json');
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(j), ['file', 'model', 'inputs', 'modules', 'total_params', 'findings']);
    assert.equal(j.model, 'TacotronAligner()');
    assert.deepEqual(j.inputs, ['text=(2,30)', 'mel=(2,50,80)']);
    const encoder = j.modules.find((m: { path: string }) => m.path === 'encoder');
    assert.deepEqual(Object.keys(encoder), ['path', 'type', 'line', 'params_own', 'params_total', 'input_shapes', 'output_shapes', 'notation', 'receptive_field']);
    assert.deepEqual(encoder.output_shapes, [[2, 30, 256], [[2, 2, 128], [2, 2, 128]]]);
    assert.equal(j.modules[0].path, '');
  });

  it('answers a broken file with findings and status 0', () => {
    const r = cli('summary', 'examples/broken/shape_error.py', '--json');
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.ok(j.findings.some((f: { severity: string; line: number; message: string }) => f.severity === 'error' && f.line === 29 && f.message.includes('inner dimensions 64 ≠ 32')));
  });

  it('reports receptive fields per spatial axis', () => {
    const r = cli('summary', 'examples/wavenet.py', '--input', 'x=(1,256,1000)', '--json');
    const j = JSON.parse(r.stdout);
    assert.deepEqual(j.modules.find((m: { path: string }) => m.path === 'output_head').receptive_field, { size: [15], stride: [1], padding: [14] });
  });

  it('fails with one line and a non-zero status on a missing file or a bad --input', () => {
    const missing = cli('summary', 'no/such/file.py');
    assert.notEqual(missing.status, 0);
    assert.equal(missing.stderr.trim().split('\n').length, 1);
    assert.match(missing.stderr, /cannot read no\/such\/file\.py/);
    const bad = cli('summary', 'examples/wavenet.py', '--input', '(1,2');
    assert.notEqual(bad.status, 0);
    assert.equal(bad.stderr.trim().split('\n').length, 1);
    assert.match(bad.stderr, /bad --input/);
  });
});
