// The V8 code cache loader the CLI and the Node extension host start through (src/node/codeCache.ts).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildHash, contentHash, loadBundle, userCacheDir } from '../../src/node/codeCache';

const loaderPath = join(__dirname, '..', '..', 'src', 'node', 'codeCache.ts');

/**
 * Loads `file` in a fresh Node process (V8 answers a second compile of the same text in one process
 * from its own in-memory cache, so a cache file is only really read by a new process), calls its
 * `f(10)`, saves the cache, and returns what happened.
 */
function loadInFreshProcess(file: string, caches: string): { status: string; value: number; saved: boolean } {
  const script = `const { loadBundle } = require(${JSON.stringify(loaderPath)}); const b = loadBundle(${JSON.stringify(file)}, ${JSON.stringify(caches)}); const value = b.exports.f(10); process.stdout.write(JSON.stringify({ status: b.status, value, saved: b.saveCache() }));`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

describe('code cache loader', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'layer-lens-code-cache-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A small CommonJS bundle that requires a built-in and a sibling, as ours do. */
  function writeBundle(body: string): string {
    writeFileSync(join(dir, 'sibling.js'), 'module.exports = { seven: 7 };\n');
    const file = join(dir, 'bundle.js');
    writeFileSync(file, `const path = require('node:path');\nconst sibling = require('./sibling.js');\n${body}\n`);
    return file;
  }

  it('runs a bundle like require: exports, require relative to the bundle, __filename and __dirname', () => {
    const file = writeBundle('exports.answer = () => sibling.seven * 6; exports.where = path.basename(__dirname) + "/" + path.basename(__filename);');
    const loaded = loadBundle(file, undefined);
    const exports = loaded.exports as { answer(): number; where: string };
    assert.equal(loaded.status, 'off');
    assert.equal(exports.answer(), 42);
    assert.equal(exports.where.split('/')[1], 'bundle.js');
    assert.equal(loaded.saveCache(), false);
  });

  it('misses and saves, then hits; a changed bundle misses again and replaces the old cache; a damaged cache is rewritten', () => {
    const caches = join(dir, 'caches');
    const file = writeBundle('module.exports = { f(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; } };');
    assert.deepEqual(loadInFreshProcess(file, caches), { status: 'miss', value: 45, saved: true });
    assert.deepEqual(loadInFreshProcess(file, caches), { status: 'hit', value: 45, saved: false }, 'a start from a valid cache does not rewrite it');
    writeBundle('module.exports = { f(n) { return n * 2; } };');
    assert.deepEqual(loadInFreshProcess(file, caches), { status: 'miss', value: 20, saved: true });
    const files = readdirSync(caches);
    assert.equal(files.length, 1, `the cache of the old text is removed: ${files.join(', ')}`);
    writeFileSync(join(caches, files[0]), Buffer.from('not a V8 code cache at all'));
    assert.deepEqual(loadInFreshProcess(file, caches), { status: 'rejected', value: 20, saved: true });
    assert.deepEqual(loadInFreshProcess(file, caches), { status: 'hit', value: 20, saved: false });
  });

  it('a cache directory that cannot be written costs nothing but the cache', () => {
    const file = writeBundle('exports.x = 2;');
    writeFileSync(join(dir, 'occupied'), 'a file where the directory would go');
    const loaded = loadBundle(file, join(dir, 'occupied', 'caches'));
    assert.equal((loaded.exports as { x: number }).x, 2);
    assert.equal(loaded.saveCache(), false);
  });

  it('hashes content, not names: equal bytes equal keys, one changed byte a different key', () => {
    const a = Buffer.from('abcdefghij'.repeat(100));
    const b = Buffer.from(a);
    b[517] ^= 1;
    assert.equal(contentHash(a), contentHash(Buffer.from(a)));
    assert.notEqual(contentHash(a), contentHash(b));
    assert.notEqual(contentHash(a, 'v20'), contentHash(a, 'v22'));
    // An unaligned view hashes like an aligned copy of the same bytes.
    const padded = Buffer.concat([Buffer.from([0]), a]);
    assert.equal(contentHash(padded.subarray(1)), contentHash(a));
  });

  it('names a bundle by the content hash its build appended, or hashes an unmarked one itself', () => {
    const marked = Buffer.from('exports.x = 1;\n\n//# layerLensContentHash=0123456789abcdef0123\n');
    assert.equal(buildHash(marked), '0123456789abcdef0123');
    assert.equal(buildHash(Buffer.from('exports.x = 1;\n')), undefined);
    const caches = join(dir, 'caches');
    const file = join(dir, 'marked.js');
    writeFileSync(file, marked);
    const a = loadBundle(file, caches);
    writeFileSync(file, Buffer.from('exports.x = 2;\n\n//# layerLensContentHash=fedcba9876543210fedc\n'));
    const b = loadBundle(file, caches);
    assert.notEqual(a.contentKey, b.contentKey);
    assert.equal((b.exports as { x: number }).x, 2);
  });

  it('keeps caches under $XDG_CACHE_HOME, else ~/.cache', () => {
    assert.equal(userCacheDir({ XDG_CACHE_HOME: '/var/cache/me' }), '/var/cache/me/layer-lens');
    assert.match(userCacheDir({}), /\/\.cache\/layer-lens$/);
    assert.match(userCacheDir({ XDG_CACHE_HOME: 'relative' }), /\/\.cache\/layer-lens$/);
  });
});
