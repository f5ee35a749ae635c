// Loads a CommonJS bundle of ours through V8's code cache. Node 20 compiles every required file
// from source on every start (it has no module.enableCompileCache); for the analysis bundle that
// is tens of milliseconds of parsing and lazy function compilation per CLI run, or per extension
// host start. Compiling with `vm.Script`'s `cachedData` skips that work when the cache matches,
// and `createCachedData()` taken after a real run also holds the functions that run compiled, so
// the next start needs no lazy compilation for them either.
//
// The cache is keyed by the bundle's content (plus the Node version, architecture and V8 flags,
// which V8 also checks): a rebuilt or updated bundle gets a new file and the old one is removed,
// never judged by its age. The content hash is the one esbuild.mjs appends to the bundle at build
// time (hashing it here, before the JIT has warmed up, costs more than the cache saves); a watch
// build has none and is hashed here. Every failure to read or write the cache falls back to a
// plain compile.
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** How a bundle was compiled: from a matching cache, without one, or with one V8 refused. */
export type CodeCacheStatus = 'hit' | 'miss' | 'rejected' | 'off';

/** A bundle loaded by `loadBundle`. */
export interface LoadedBundle {
  /** What the bundle assigned to `module.exports`. */
  exports: unknown;
  status: CodeCacheStatus;
  /** A hash of the bundle's bytes: names caches that depend on this exact bundle. */
  contentKey: string;
  /** The cache file for this bundle's text, or undefined when caching is off. */
  cacheFile: string | undefined;
  /**
   * Writes the cache when the start did not use a valid one; call it after the bundle has done
   * representative work so the functions that work compiled are cached too. Returns true when written.
   */
  saveCache(): boolean;
}

/** `$XDG_CACHE_HOME/layer-lens` or `~/.cache/layer-lens`, where the CLI keeps its code cache. */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'layer-lens');
}

/** The part of the key that is not the bundle text: what makes V8 reject a cache made elsewhere. */
function engineKey(): string {
  return [process.version, process.arch, process.execArgv.join(' ')].join('\0');
}

/**
 * A 53-bit hash of bytes (two multiplicative 32-bit lanes over 32-bit words, mixed at the end), in
 * hex. Not cryptographic: it names a cache file, and V8 still checks the source length and its own
 * flags before it accepts one. Loading node:crypto instead would cost a cold start more (tens of
 * milliseconds compiling crypto and stream) than the cache saves; words, not characters, keep the
 * loop short enough to finish in a millisecond or two before it is optimised.
 */
export function contentHash(bytes: Uint8Array, seed = ''): string {
  let a = 0xdeadbeef;
  let b = 0x41c6ce57;
  const mix = (word: number) => {
    a = Math.imul(a ^ word, 2654435761);
    b = Math.imul(b ^ word, 1597334677);
  };
  for (let i = 0; i < seed.length; i++) mix(seed.charCodeAt(i));
  const whole = bytes.length >>> 2;
  // Aligned buffers are read as words; Node's small pooled buffers may start unaligned.
  if (bytes.byteOffset % 4 === 0) {
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, whole);
    for (let i = 0; i < whole; i++) mix(words[i]);
  } else {
    for (let i = 0; i < whole; i++) mix(bytes[4 * i] | (bytes[4 * i + 1] << 8) | (bytes[4 * i + 2] << 16) | (bytes[4 * i + 3] << 24));
  }
  for (let i = whole * 4; i < bytes.length; i++) mix(bytes[i]);
  mix(bytes.length);
  a = Math.imul(a ^ (a >>> 16), 2246822507) ^ Math.imul(b ^ (b >>> 13), 3266489909);
  b = Math.imul(b ^ (b >>> 16), 2246822507) ^ Math.imul(a ^ (a >>> 13), 3266489909);
  return (4294967296 * (2097151 & b) + (a >>> 0)).toString(16).padStart(14, '0');
}

/** The line esbuild.mjs appends to a bundle loaded through this file: its content hash at build time. */
const BUILD_HASH = /\/\/# layerLensContentHash=([0-9a-f]+)\s*$/;

/** The content hash a build wrote at the end of the bundle, or undefined (a watch build). */
export function buildHash(bytes: Uint8Array): string | undefined {
  const tail = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).subarray(Math.max(0, bytes.length - 80)).toString('latin1');
  return BUILD_HASH.exec(tail)?.[1];
}

/**
 * The content key `loadBundle` would give `file`, read from the hash its build appended (only the
 * file's tail is read), or, for an unmarked (watch) build, hashed from the whole file.
 */
export function bundleKey(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const tail = Buffer.alloc(Math.min(80, size));
    readSync(fd, tail, 0, tail.length, size - tail.length);
    return buildHash(tail) ?? contentHash(readFileSync(file));
  } finally {
    closeSync(fd);
  }
}

/**
 * Removes caches of other versions of the same bundle (best effort). Caches of this version made
 * by a Node with other flags (the CLI's analysis child runs with a heap limit) are kept: each
 * process reads its own.
 */
function removeStaleCaches(dir: string, stem: string, current: string): void {
  try {
    for (const name of readdirSync(dir)) {
      if (name.startsWith(`${stem}-`) && !name.startsWith(`${stem}-${current}-`) && name.endsWith('.v8cache')) unlinkSync(join(dir, name));
    }
  } catch {
    /* A cache directory we cannot list is left as it is. */
  }
}

/**
 * Runs the CommonJS bundle `file` as `require(file)` would, compiled with the V8 code cache kept
 * in `cacheDir` (undefined: no cache, a plain compile). The bundle's `require` resolves relative to
 * the bundle itself, so its Node built-ins and sibling bundles load as usual.
 */
export function loadBundle(file: string, cacheDir: string | undefined): LoadedBundle {
  const bytes = readFileSync(file);
  const source = bytes.toString('utf8');
  const stem = basename(file, '.js');
  // The hash the build wrote names the bundle; an unmarked (watch) build is hashed here.
  const contentKey = buildHash(bytes) ?? contentHash(bytes);
  let cacheFile: string | undefined;
  let cachedData: Buffer | undefined;
  if (cacheDir) {
    cacheFile = join(cacheDir, `${stem}-${contentKey}-${contentHash(Buffer.from(engineKey(), 'utf8'))}.v8cache`);
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
  }
  // Module.wrap keeps the bundle's first line on line one, so stack traces keep their positions.
  const script = new Script(Module.wrap(source), { filename: file, cachedData });
  const status: CodeCacheStatus = !cacheFile ? 'off' : !cachedData ? 'miss' : script.cachedDataRejected ? 'rejected' : 'hit';
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  const bundleModule = new Module(file);
  bundleModule.filename = file;
  wrapper.call(bundleModule.exports, bundleModule.exports, createRequire(file), bundleModule, file, dirname(file));
  bundleModule.loaded = true;
  let saved = false;
  return {
    exports: bundleModule.exports,
    status,
    contentKey,
    cacheFile,
    saveCache(): boolean {
      if (!cacheDir || !cacheFile || status === 'hit' || saved) return false;
      saved = true;
      try {
        const data = script.createCachedData();
        mkdirSync(cacheDir, { recursive: true });
        // Written aside and renamed, so a concurrent start never reads half a cache.
        const partial = `${cacheFile}.${process.pid}.partial`;
        writeFileSync(partial, data);
        renameSync(partial, cacheFile);
        removeStaleCaches(cacheDir, stem, contentKey);
        return true;
      } catch {
        return false;
      }
    },
  };
}
