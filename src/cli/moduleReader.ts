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
 */
export function moduleReader(roots: readonly string[]): (path: string) => string | undefined {
  const realRoots = roots.flatMap((root) => {
    try {
      return [portable(realpathSync.native(root))];
    } catch {
      return [];
    }
  });
  return (path) => {
    try {
      if (!mayImport(portable(resolve(path)), roots) || !existsSync(path)) return undefined;
      if (!realRoots.some((root) => isWithinFolder(portable(realpathSync.native(path)), root))) return undefined;
      const stat = statSync(path);
      return stat.isFile() && stat.size <= MAX_IMPORTED_FILE_BYTES ? readFileSync(path, 'utf8') : undefined;
    } catch {
      return undefined;
    }
  };
}
