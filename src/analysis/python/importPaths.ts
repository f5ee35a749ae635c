// Where a relative import may lead. Python resolves `from ..x import y` against the importing
// module's package, and refuses to climb beyond the top-level package; following the dots up the
// directory tree instead would read files above the project (issue 19: `from ...secrets import
// API_TOKEN` two folders above a repository). Pure: the caller says which folders are packages.

/** The folder part of a `/`-separated path: '' for a bare name, '/' for a file at the root. */
export function parentFolder(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? (i === 0 ? '/' : '') : path.slice(0, i);
}

/**
 * The folder that a relative import with `level` dots names, seen from the file at `fromPath`, or
 * null when the import climbs beyond the top-level package. The importer's own folder may be a
 * namespace package (PEP 420: no `__init__.py`), so `from .b import c` beside the file always
 * resolves — it climbs nowhere. Every folder the dots climb to must be a regular package
 * (`isPackage`: it holds an `__init__.py`); a folder at the root of the file system never is.
 */
export function relativeImportBase(fromPath: string, level: number, isPackage: (folder: string) => boolean): string | null {
  if (!(level >= 1)) return null;
  let folder = parentFolder(fromPath);
  for (let climbed = 1; ; climbed++) {
    if (folder === '' || folder === '/' || (climbed > 1 && !isPackage(folder))) return null;
    if (climbed >= level) return folder;
    folder = parentFolder(folder);
  }
}
