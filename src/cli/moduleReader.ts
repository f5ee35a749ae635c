// How the CLI reads the modules a file imports (the core never touches the file system): only
// within the import roots (src/shared/importScope.ts), symbolic links followed and checked.

import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { isWithinFolder, MAX_IMPORTED_FILE_BYTES, mayImport } from '../shared/importScope';

/** A path with `/` separators, as the analysis core writes them. */
export function portable(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/**
 * Reads the modules a file imports, only within the roots: a path outside them, or one whose real
 * location (symbolic links followed) is outside them, or a file too large, is simply absent.
 * Relative paths (Python's `''` on sys.path, a relative root) are taken from `cwd`, the folder the
 * command ran in: the warm analysis child runs elsewhere.
 */
export function moduleReader(givenRoots: readonly string[], cwd: string = process.cwd()): (path: string) => string | undefined {
  const roots = givenRoots.map((root) => portable(resolve(cwd, root)));
  const realRoots = roots.flatMap((root) => {
    try {
      return [portable(realpathSync.native(root))];
    } catch {
      return [];
    }
  });
  return (given) => {
    try {
      const path = resolve(cwd, given);
      if (!mayImport(portable(path), roots) || !existsSync(path)) return undefined;
      if (!realRoots.some((root) => isWithinFolder(portable(realpathSync.native(path)), root))) return undefined;
      const stat = statSync(path);
      return stat.isFile() && stat.size <= MAX_IMPORTED_FILE_BYTES ? readFileSync(path, 'utf8') : undefined;
    } catch {
      return undefined;
    }
  };
}
