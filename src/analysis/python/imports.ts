// Imports: resolving `import` and `from … import` against the framework plug-ins and the
// workspace, and reading workspace modules lazily as namespaces. The interpreter owns one
// ModuleLoader and answers it through the small ImportHost interface below, so this file does
// not depend on the interpreter.

import { convertTree, type Module, type Stmt } from './ast';
import { relativeImportBase } from './importPaths';
import { lineStartsOf } from '../lineIndex';
import { ModulePlan } from './lazyModule';
import { importedModuleParses, parseThrough, type ParseStore } from './parseStore';
import { Scope, force, str, unknown, type CallSite, type NamespaceV, type SourceFile, type Value } from './values';

/** What the loader needs of the interpreter. */
export interface ImportHost {
  /** A framework package (`torch`, `torch.nn`, `keras`) from the framework plug-ins, or undefined. */
  importNative(name: string): Value | undefined;
  /** Reports an inference gap at a site. */
  gap(site: CallSite, message: string): void;
  /** Runs an imported module's top level in its scope (the interpreter's statements). */
  runModuleBody(stmts: readonly Stmt[], scope: Scope, file: SourceFile, path: string): void;
  /** Reads an attribute of a value, quietly when asked. */
  getAttr(obj: Value, name: string, site: CallSite, quiet?: boolean): Value;
  /** Runs `read` with gaps in imported files unreported (an imported name is being resolved). */
  withoutForeignGaps<T>(read: () => T): T;
}

/** One parsed file and its converted statements. */
export interface LoadedFile {
  file: SourceFile;
  module: Module;
}

/** Parses and converts a source text, through a parse store when given (see parseStore.ts). */
export function loadSource(path: string, text: string, isMain: boolean, store?: ParseStore): LoadedFile {
  const { module } = parseThrough(store, text);
  return { file: { path, text, isMain, lineStarts: lineStartsOf(text) }, module };
}

/** Standard and common third-party modules whose unresolved import is not worth a finding. */
const QUIET_MODULES = new Set(['typing', 'typing_extensions', 'warnings', 'os', 'sys', 'logging', 'abc', 'dataclasses', 'enum', 'inspect', 'copy', 're', 'json', '__future__', 'numbers', 'types', 'urllib', 'PIL', 'numpy', 'pathlib']);

/**
 * The binding a star import leaves for a name. Python rebinds the name to the module's object,
 * which is often the very object the name had (`from .a import *` then `from .b import *` where b
 * imported that name from the package); a lazy binding that comes back to the package would then
 * refer to itself, so when it resolves to nothing the earlier binding stands.
 */
function starBinding(previous: Value | undefined, next: Value): Value {
  if (!previous || next.k !== 'lazy' || previous === next) return next;
  return {
    k: 'lazy',
    resolve: () => {
      const r = force(next);
      if (r.k !== 'unknown') return r;
      const before = force(previous);
      // The imported module's own binding named the same object too.
      if (next.k === 'lazy' && before.k !== 'unknown') next.value = before;
      return before;
    },
  };
}

/**
 * Installed packages never read from the search path: compiled libraries whose Python sources
 * say nothing about shapes (numpy is a C extension), and helpers the analysis models or ignores.
 * Their imports keep the behaviour they have without a search path.
 */
const NOT_FROM_SEARCH_PATH = new Set(['numpy', 'scipy', 'pandas', 'matplotlib', 'sklearn', 'h5py', 'yaml', 'tqdm', 'PIL', 'cv2', 'tensorflow', 'keras', 'jax', 'librosa', 'soundfile', 'sympy', 'numba', 'einops', 'torch', 'typeguard', 'filelock', 'setuptools', 'pkg_resources', 'distutils', 'six', 'requests', 'tensorboard', 'tensorboardX', 'wandb', 'omegaconf', 'hydra', 'transformers']);

function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? (i === 0 ? '/' : '') : p.slice(0, i);
}

function joinPath(...parts: string[]): string {
  const segs: string[] = [];
  const absolute = parts[0]?.startsWith('/');
  for (const part of parts) {
    for (const s of part.split('/')) {
      if (s === '' || s === '.') continue;
      if (s === '..') segs.pop();
      else segs.push(s);
    }
  }
  return (absolute ? '/' : '') + segs.join('/');
}

/** Resolves and loads the modules one analysis imports, each read and run at most once. */
export class ModuleLoader {
  private readonly moduleCache = new Map<string, NamespaceV>();
  /** Paths of the workspace modules whose top level is running now. */
  readonly loading = new Set<string>();
  private readonly texts = new Map<string, string | undefined>();

  constructor(
    private readonly host: ImportHost,
    private readonly readModule: ((path: string) => string | undefined) | undefined,
    /** Where parsed modules are kept between analyses: the process's shared store unless a host gives one. */
    private readonly parseStore: ParseStore = importedModuleParses,
    /**
     * Folders searched for absolute imports after the importing file's own package tree, in
     * order, as Python searches `sys.path`: the user's `PYTHONPATH` and the environment's
     * site-packages, where installed packages such as torchvision live.
     */
    private readonly searchPath: readonly string[] = [],
  ) {}

  /** Runs an `import a.b [as c], …` statement in a scope. */
  execImport(s: Extract<Stmt, { t: 'import' }>, scope: Scope, site: CallSite): void {
    for (const n of s.names) {
      // A bare `import` being typed has no module name yet; there is nothing to bind.
      if (n.module.length === 0 || n.module.some((part) => typeof part !== 'string')) continue;
      if (n.alias) scope.set(n.alias, this.importDotted(n.module, 0, scope.file, site));
      else {
        // `import a.b.c` binds `a`; framework packages resolve submodules by attribute.
        const root = this.importDotted([n.module[0]], 0, scope.file, site);
        if (n.module.length > 1) this.importDotted(n.module, 0, scope.file, site);
        scope.set(n.module[0], root);
      }
    }
  }

  /** Runs a `from m import a [as b], …` (or `*`) statement in a scope. */
  execImportFrom(s: Extract<Stmt, { t: 'importfrom' }>, scope: Scope, site: CallSite): void {
    const host = this.host;
    // Framework and standard modules are cheap and eager; workspace modules are read lazily,
    // name by name, when a value is first used.
    const native = s.level === 0 ? host.importNative(s.module.join('.')) : undefined;
    if (s.names === '*' || native) {
      const mod = native ?? this.importDotted(s.module, s.level, scope.file, site);
      if (s.names === '*') {
        if (mod.k === 'namespace') {
          (mod as NamespaceV & { force?: () => void }).force?.();
          const inner = (mod as NamespaceV & { scope?: Scope }).scope;
          if (inner) for (const [k, v] of inner.vars) if (!k.startsWith('_')) scope.set(k, starBinding(scope.vars.get(k), v));
        }
        return;
      }
      for (const n of s.names) scope.set(n.alias ?? n.name, host.getAttr(mod, n.name, site, true));
      return;
    }
    const file = scope.file;
    let mod: Value | null = null;
    const targetPath = this.resolveModulePath(s.module, s.level, file);
    const targetLoading = targetPath !== null && this.loading.has(targetPath);
    for (const n of s.names) {
      const resolve = (): Value =>
        host.withoutForeignGaps(() => {
          mod ??= this.importDotted(s.module, s.level, file, site);
          let v = host.getAttr(mod, n.name, site, true);
          if (v.k === 'unknown' && mod.k === 'namespace') {
            // `from pkg import submodule`.
            const sub = this.resolveModulePath([...s.module, n.name], s.level, file);
            if (sub) v = this.loadWorkspaceModule(sub, [...s.module, n.name]);
          }
          return v;
        });
      // A circular import (a package's submodule importing from the package while the package's
      // own top level is still running) reads the partly run module now, as Python does: later
      // the name may be re-exported from this very module, and a lazy binding would then resolve
      // to itself.
      if (targetLoading) scope.set(n.alias ?? n.name, resolve());
      else scope.set(n.alias ?? n.name, { k: 'lazy', resolve });
    }
  }

  /** Resolves a dotted import from a file: framework packages first, then workspace files. */
  importDotted(dotted: string[], level: number, from: SourceFile, site: CallSite): Value {
    const name = dotted.join('.');
    if (level === 0) {
      const native = this.host.importNative(name);
      if (native) return native;
    }
    const path = this.resolveModulePath(dotted, level, from);
    if (path) return this.loadWorkspaceModule(path, dotted.length ? dotted : [path]);
    if (level > 0 || !QUIET_MODULES.has(name.split('.')[0])) this.host.gap(site, `cannot resolve import of ${'.'.repeat(level)}${name}; names from it are unknown`);
    return this.opaqueNamespace(name);
  }

  /** A namespace whose every attribute is unknown (a library we do not model). */
  opaqueNamespace(name: string): NamespaceV {
    const cache = new Map<string, Value>();
    const self: NamespaceV = {
      k: 'namespace',
      name,
      get: (attr) => {
        let v = cache.get(attr);
        if (!v) {
          v = this.opaque(`${name}.${attr}`);
          cache.set(attr, v);
        }
        return v;
      },
    };
    return self;
  }

  /** An opaque callable standing for an unmodelled library function or class. */
  opaque(qualified: string): Value {
    const known = this.host.importNative(qualified);
    if (known) return known;
    return unknown(`${qualified} is not modelled`);
  }

  private resolveModulePath(dotted: string[], level: number, from: SourceFile): string | null {
    if (!this.readModule) return null;
    const candidates: string[] = [];
    if (level > 0) {
      // Python refuses a relative import beyond the top-level package; so does the analysis.
      const base = relativeImportBase(from.path, level, (folder) => this.readText(joinPath(folder, '__init__.py')) !== undefined);
      if (base === null) return null;
      const rel = joinPath(base, ...dotted);
      candidates.push(dotted.length ? `${rel}.py` : joinPath(base, '__init__.py'), joinPath(rel, '__init__.py'));
    } else {
      // Absolute imports resolve inside the importing file's own package tree (torchvision's
      // files importing `torchvision.ops`) or beside it (scripts importing a sibling module),
      // never into third-party packages that happen to live further up the directory tree.
      const dir = dirname(from.path);
      candidates.push(`${joinPath(dir, ...dotted)}.py`, joinPath(dir, ...dotted, '__init__.py'));
      const parts = dir.split('/');
      const rootAt = parts.lastIndexOf(dotted[0]);
      // An ancestor at the root of the file system (`/home` for `import home.x`) is never a project's package.
      if (rootAt > 1) {
        const base = parts.slice(0, rootAt).join('/') || '/';
        candidates.push(`${joinPath(base, ...dotted)}.py`, joinPath(base, ...dotted, '__init__.py'));
      }
      if (!NOT_FROM_SEARCH_PATH.has(dotted[0])) for (const root of this.searchPath) candidates.push(`${joinPath(root, ...dotted)}.py`, joinPath(root, ...dotted, '__init__.py'));
    }
    for (const c of candidates) {
      if (this.moduleCache.has(c)) return c;
      if (this.readText(c) !== undefined) return c;
    }
    return null;
  }

  /** Reads a workspace file once per analysis. */
  private readText(path: string): string | undefined {
    if (this.texts.has(path)) return this.texts.get(path);
    const text = this.readModule?.(path);
    this.texts.set(path, text);
    return text;
  }

  /**
   * A workspace module as a namespace. A package (`__init__.py`) is lazy: `pkg.sub` loads only
   * `sub`, and the package's own code runs only when a name it defines is asked for — so reading
   * torchvision's `resnet.py` does not drag in all of torchvision's datasets and transforms.
   * Within a module, a name asked for runs only the top-level statements it needs (lazyModule.ts):
   * `from torchvision.utils import _log_api_usage_once` runs that function's definition and the
   * imports it reads, not the drawing helpers beside it. A module the plan cannot follow runs whole.
   */
  private loadWorkspaceModule(path: string, dotted: string[]): NamespaceV {
    const cached = this.moduleCache.get(path);
    if (cached) return cached;
    const isPackage = path.endsWith('__init__.py');
    const file: SourceFile = { path, text: '', isMain: false, lineStarts: [0] };
    const scope = new Scope(null, file, true);
    scope.vars.set('__name__', str(dotted.join('.')));
    let body: readonly Stmt[] | null = null;
    /** null: the module runs whole (once); a plan: statements run as names need them. */
    let plan: ModulePlan | null = null;
    let ranWhole = false;
    const load = (): readonly Stmt[] => {
      if (body) return body;
      const loaded = loadSource(path, this.readText(path) ?? '', false, this.parseStore);
      Object.assign(file, loaded.file);
      body = loaded.module.body;
      plan = ModulePlan.of(body);
      return body;
    };
    const runStatements = (stmts: readonly Stmt[]) => {
      if (stmts.length === 0) return;
      // A module asked for another of its names while its statements run (a decorator calling
      // into a module that imports back) is still loading until the outer run ends.
      const outer = !this.loading.has(path);
      if (outer) this.loading.add(path);
      try {
        this.host.runModuleBody(stmts, scope, file, path);
      } finally {
        if (outer) this.loading.delete(path);
      }
    };
    /** Runs what `attr` needs, or everything (undefined: a star import, or a module run whole). */
    const run = (attr?: string) => {
      const stmts = load();
      const p = plan as ModulePlan | null;
      if (p) runStatements(attr === undefined ? p.rest() : p.take([attr]));
      else if (!ranWhole) {
        ranWhole = true;
        runStatements(stmts);
      }
    };
    const ns: NamespaceV & { scope?: Scope; force?: () => void } = {
      k: 'namespace',
      name: dotted.join('.'),
      get: (attr) => {
        if (isPackage) {
          // A package's submodule: `import a.b` then `a.b.f`, or `from a import b`.
          const v = scope.vars.get(attr);
          if (v !== undefined && attr !== '__name__') return v;
          const sub = this.resolveModulePath([attr], 1, file);
          if (sub) {
            const m = this.loadWorkspaceModule(sub, [...dotted, attr]);
            scope.vars.set(attr, m);
            return m;
          }
        }
        run(attr);
        return scope.vars.get(attr);
      },
    };
    ns.scope = scope;
    ns.force = () => run();
    this.moduleCache.set(path, ns);
    // A plain module is read (parsed) at import, as before; its statements run as names are asked for.
    if (!isPackage) load();
    return ns;
  }
}
