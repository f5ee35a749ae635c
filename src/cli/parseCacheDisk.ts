// The CLI's parse store on disk: every Python file the command reads (the model file and the
// modules it imports) is parsed once per content. A file's syntax tree is kept as JSON named by
// a hash of its text, in a folder named by the command bundle's own hash, so a new version of
// the analysis never reads trees an older one wrote (that folder is removed when a new one is
// made). Like Python's __pycache__ for the torch side, it spares a rerun the parse; unlike it,
// an entry is found by content, never trusted by modification time.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { deserializeParse, serializeParse, type ParseStore, type StoredParse } from '../analysis/python/parseStore';
import { contentHash } from '../node/codeCache';

/** Entries kept before the least recently written are removed. */
const MAX_ENTRIES = 400;

/** A parse store in `dir` (created on the first write). Unreadable or unwritable entries are misses. */
export function diskParseStore(dir: string): ParseStore {
  let prepared = false;
  const fileOf = (text: string) => join(dir, `${contentHash(Buffer.from(text, 'utf8'))}-${text.length}.json`);
  /** On the first write: create the folder, and remove the folders of other bundle versions. */
  const prepare = () => {
    if (prepared) return;
    prepared = true;
    mkdirSync(dir, { recursive: true });
    const parent = dirname(dir);
    const prefix = basename(dir).replace(/-[^-]*$/, '-');
    for (const name of readdirSync(parent)) {
      if (name !== basename(dir) && name.startsWith(prefix)) rmSync(join(parent, name), { recursive: true, force: true });
    }
  };
  /** Keeps the folder at MAX_ENTRIES files, removing the oldest writes. */
  const prune = () => {
    const names = readdirSync(dir).filter((n) => n.endsWith('.json'));
    if (names.length <= MAX_ENTRIES) return;
    const dated = names.map((n) => ({ n, t: statSync(join(dir, n)).mtimeMs })).sort((a, b) => a.t - b.t);
    for (const { n } of dated.slice(0, names.length - MAX_ENTRIES)) unlinkSync(join(dir, n));
  };
  return {
    get(text: string): StoredParse | undefined {
      try {
        return deserializeParse(readFileSync(fileOf(text), 'utf8'));
      } catch {
        return undefined;
      }
    },
    set(text: string, parse: StoredParse): void {
      const json = serializeParse(parse);
      if (json === undefined) return;
      try {
        prepare();
        const file = fileOf(text);
        // Written aside and renamed, so a concurrent run never reads half an entry.
        const partial = `${file}.${process.pid}.partial`;
        writeFileSync(partial, json);
        renameSync(partial, file);
        prune();
      } catch {
        /* A cache that cannot be written costs only the cache. */
      }
    },
  };
}
