// Parsed Python kept between analyses. Parsing (Lezer) and lowering to the syntax tree are most of
// what a cold analysis of an imported module costs, and neither depends on anything but the text:
// a store keyed by the text answers them for every module read before. The core keeps one store
// in memory for imported modules (an editor re-analyses with the same torchvision files on every
// keystroke); a host can pass its own, e.g. the CLI's on disk (src/cli/parseCacheDisk.ts).

import { convertTree, type Module } from './ast';
import { tryFastParse } from './fastParse';
import { parsePython } from './parse';

/** A text's syntax tree and the lines the parser left unread (see parse.ts). */
export interface StoredParse {
  module: Module;
  unread: readonly { from: number; to: number }[];
}

/** Parses kept by text. Implementations decide how many and where; a miss is always allowed. */
export interface ParseStore {
  /** The parse of exactly this text, if kept. The result must not be changed by the caller. */
  get(text: string): StoredParse | undefined;
  /** Keeps the parse of this text. */
  set(text: string, parse: StoredParse): void;
}

/** Parses a text through a store: from it when kept, else parsed, lowered and kept. */
export function parseThrough(store: ParseStore | undefined, text: string): StoredParse {
  const kept = store?.get(text);
  if (kept) return kept;
  // The fast parser reads an error-free text (no lines left unread); Lezer everything else.
  const fast = tryFastParse(text);
  const parsed = fast ? undefined : parsePython(text);
  const fresh: StoredParse = fast ? { module: fast, unread: [] } : { module: convertTree(parsed!.tree, text), unread: parsed!.unread ?? [] };
  store?.set(text, fresh);
  return fresh;
}

/**
 * A store in memory holding the most recently used texts, at most `maxTexts` of them and at most
 * `maxChars` characters of text in all (a syntax tree takes several times its text's memory).
 * Keys are the texts themselves: a Map hashes a string once, and equal texts read again from
 * disk are equal keys.
 */
export function memoryParseStore(maxTexts = 64, maxChars = 1_500_000): ParseStore & { clear(): void } {
  const kept = new Map<string, StoredParse>();
  let chars = 0;
  return {
    get(text) {
      const hit = kept.get(text);
      if (hit) {
        // Most recently used last, so the first entry is the one to drop.
        kept.delete(text);
        kept.set(text, hit);
      }
      return hit;
    },
    set(text, parse) {
      if (text.length > maxChars) return;
      if (kept.delete(text)) chars -= text.length;
      kept.set(text, parse);
      chars += text.length;
      while (kept.size > maxTexts || chars > maxChars) {
        const oldest = kept.keys().next().value as string;
        kept.delete(oldest);
        chars -= oldest.length;
      }
    },
    clear() {
      kept.clear();
      chars = 0;
    },
  };
}

/** The store for imported modules that every analysis in this process shares. */
export const importedModuleParses = memoryParseStore();

/** Version of the serialised form below; bump it when the syntax tree's shape changes. */
const SERIAL_FORMAT = 1;

/**
 * A parse as JSON text, or undefined when JSON cannot carry it exactly (a literal like `1e999`
 * is Infinity, which JSON would turn into null).
 */
export function serializeParse(parse: StoredParse): string | undefined {
  let exact = true;
  const json = JSON.stringify({ format: SERIAL_FORMAT, module: parse.module, unread: parse.unread }, (_key, value) => {
    if (typeof value === 'number' && !Number.isFinite(value)) exact = false;
    return value;
  });
  return exact ? json : undefined;
}

/** The parse a `serializeParse` text holds, or undefined for anything else. */
export function deserializeParse(json: string): StoredParse | undefined {
  try {
    const data = JSON.parse(json) as { format?: unknown; module?: Module; unread?: StoredParse['unread'] };
    if (data.format !== SERIAL_FORMAT || !data.module || !Array.isArray(data.module.body) || !Array.isArray(data.unread)) return undefined;
    return { module: data.module, unread: data.unread };
  } catch {
    return undefined;
  }
}
