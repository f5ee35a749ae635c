// Which files an import may read: the rule shared by the CLI and the editor (issue 19). A model
// file decides what it imports, so an import is followed only into the folders the user opened
// (the workspace) and into the Python environment that holds the importing file itself
// (torchvision's own modules importing each other), never above them. Pure: paths are
// `/`-separated strings; the callers add what only they can check (symbolic links, trust).

/** `.` and `..` segments resolved and repeated slashes folded; `..` never climbs above the root. */
export function normalisePath(path: string): string {
  const absolute = path.startsWith('/');
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return (absolute ? '/' : '') + segments.join('/');
}

/** True when `path` is `folder` or lies below it (both normalised first). */
export function isWithinFolder(path: string, folder: string): boolean {
  const p = normalisePath(path);
  const f = normalisePath(folder);
  if (f === '' || f === '/') return f === '/' && p.startsWith('/');
  return p === f || p.startsWith(`${f}/`);
}

/**
 * The `site-packages` or `dist-packages` folder that holds a file, or null: the Python environment
 * an installed library's own imports resolve in.
 */
export function pythonEnvironmentFolder(path: string): string | null {
  const match = /^(.*\/(?:site|dist)-packages)(?:\/|$)/.exec(normalisePath(path));
  return match ? match[1] : null;
}

/**
 * The folders an import from `importerPath` may read: the workspace folders (the importer's own
 * folder when none is open, as for a single file opened alone), and the Python environment of
 * the importer if it lies in one.
 */
export function importRoots(importerPath: string, workspaceFolders: readonly string[]): string[] {
  const roots = workspaceFolders.length > 0 ? workspaceFolders.map(normalisePath) : [normalisePath(importerPath.slice(0, Math.max(1, importerPath.lastIndexOf('/'))))];
  const environment = pythonEnvironmentFolder(importerPath);
  if (environment !== null) roots.push(environment);
  return roots.filter((root) => root !== '' && root !== '/');
}

/** True when the path lies within one of the roots. */
export function mayImport(path: string, roots: readonly string[]): boolean {
  return roots.some((root) => isWithinFolder(path, root));
}

/** The largest module text an import reads (bytes); a bigger file is treated as absent. */
export const MAX_IMPORTED_FILE_BYTES = 4 * 1024 * 1024;
