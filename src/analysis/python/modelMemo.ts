// Per-model memoisation for incremental analysis. A model's result (its ModelInfo, annotations and
// the findings its build reported) depends on the text of the top-level definitions its build used,
// on the file's other top-level statements (imports, constants), on the options and on imported
// modules. When all of those are unchanged since the previous version, the result is replayed
// with its spans moved to where its text now is, instead of interpreting the model again.
//
// The file is cut into chunks, one per top-level statement (each with the comments and blank
// lines before it), so "unchanged" is a string comparison of chunks and "moved" is one offset and
// one line delta per chunk.

import type { AnalyzeOptions, Finding, ModelInfo, ShapeAnnotation, Span } from '../types';
import { ConvertCache, type Stmt } from './ast';

/** One top-level statement with the text before it, in one version of the file. */
interface Chunk {
  from: number;
  to: number;
  text: string;
  /** 1-based line of `from`. */
  line: number;
  /** Definitions (def/class) are needed only by the models that use them; other statements by all. */
  definition: boolean;
}

/** What one model contributed to an analysis, in the coordinates of the version it was made for. */
export interface MemoEntry {
  /** `built`: interpreted; `reused`: taken from a larger model's build; `none`: built nothing. */
  kind: 'built' | 'reused' | 'none';
  model: ModelInfo | null;
  /** Annotations, with the model index of the run that made them (the caller renumbers). */
  annotations: ShapeAnnotation[];
  /** Every finding the build reported, duplicates included, in order. */
  reports: Finding[];
  /** Names of the candidate classes this build constructed with default arguments (others reuse them). */
  claims: string[];
  /** Chunks the result depends on: definitions the build used and chunks its spans point into. */
  chunks: number[];
}

/** A live (just computed) entry before its chunks are known. */
export interface LiveEntry extends Omit<MemoEntry, 'chunks'> {
  /** Start offsets of the main-file definitions the build used. */
  touched: Iterable<number>;
}

/** How an old chunk maps into the new version, when its text is unchanged. */
interface ChunkMove {
  index: number;
  delta: number;
  lineDelta: number;
}

/** Thrown when a replay cannot reproduce what a fresh run would do; the caller analyses afresh. */
export class MemoFallback extends Error {}

/** Memo state carried from one version of a document to the next. */
export class ModelMemo {
  /** Converted top-level statements of the previous version (valid whatever else changed). */
  readonly convertCache = new ConvertCache();
  private text: string | null = null;
  private chunks: Chunk[] = [];
  private optionsKey = '';
  private entries = new Map<string, MemoEntry>();
  private reads = new Map<string, string | undefined>();

  /** Forgets everything (after a fallback, or when the memo cannot be used). */
  clear(): void {
    this.text = null;
    this.chunks = [];
    this.entries.clear();
    this.reads.clear();
  }

  /**
   * Starts a run on a new version. Returns null when nothing can be replayed (first version,
   * changed options, imports or module-level statements); the run then records for the next one.
   */
  begin(text: string, body: readonly Stmt[], options: AnalyzeOptions): MemoRun | null {
    const chunks = chunksOf(text, body);
    const optionsKey = JSON.stringify({ ...options, readModule: undefined });
    const run = new MemoRun(this, text, chunks, optionsKey, options.readModule);
    if (!chunks || this.text === null || optionsKey !== this.optionsKey) return run.recordOnly();
    // Imported modules read last time must read the same now.
    for (const [path, was] of this.reads) if (options.readModule?.(path) !== was) return run.recordOnly();
    const old = this.chunks;
    const prelude = (cs: Chunk[]) => cs.filter((c) => !c.definition).map((c) => c.text);
    const a = prelude(old);
    const b = prelude(chunks);
    if (a.length !== b.length || a.some((t, i) => t !== b[i])) return run.recordOnly();
    run.prepare(this.text, old, this.entries);
    return run;
  }

  /** Called by a finished run: the new version's state. */
  commit(text: string, chunks: Chunk[], optionsKey: string, entries: Map<string, MemoEntry>, reads: Map<string, string | undefined>): void {
    this.text = text;
    this.chunks = chunks;
    this.optionsKey = optionsKey;
    this.entries = entries;
    this.reads = reads;
  }
}

/** One analysis run's use of the memo. */
export class MemoRun {
  private oldText: string | null = null;
  private oldChunks: Chunk[] = [];
  private oldEntries = new Map<string, MemoEntry>();
  private editFrom = 0;
  private editOldTo = 0;
  private delta = 0;
  private newByStart = new Map<number, number>();
  private readonly next = new Map<string, MemoEntry>();
  private readonly reads = new Map<string, string | undefined>();
  /** Candidate names claimed by replayed builds (a fresh run would reuse their instances). */
  readonly claimedByReplay = new Set<string>();
  /** Wraps the caller's readModule so that the texts read are remembered. */
  readonly readModule: ((path: string) => string | undefined) | undefined;

  constructor(
    private readonly memo: ModelMemo,
    private readonly text: string,
    private readonly chunks: Chunk[] | null,
    private readonly optionsKey: string,
    readModule: ((path: string) => string | undefined) | undefined,
  ) {
    this.readModule = readModule
      ? (path) => {
          const t = readModule(path);
          this.reads.set(path, t);
          return t;
        }
      : undefined;
  }

  /** Makes this run record results without replaying any (nothing comparable came before). */
  recordOnly(): MemoRun {
    this.oldText = null;
    return this;
  }

  /** Sets the previous version up for replays: its chunks, its entries and the edited range. */
  prepare(oldText: string, oldChunks: Chunk[], oldEntries: Map<string, MemoEntry>): void {
    this.oldText = oldText;
    this.oldChunks = oldChunks;
    this.oldEntries = oldEntries;
    // The edit as one replaced range: common prefix and suffix of the two versions.
    const a = oldText;
    const b = this.text;
    let p = 0;
    const max = Math.min(a.length, b.length);
    while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
    let s = 0;
    while (s < max - p && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
    this.editFrom = p;
    this.editOldTo = a.length - s;
    this.delta = b.length - a.length;
    this.chunks!.forEach((c, i) => this.newByStart.set(c.from, i));
  }

  private move(oldIndex: number): ChunkMove | null {
    const c = this.oldChunks[oldIndex];
    if (!c) return null;
    let start: number;
    if (c.to <= this.editFrom) start = c.from;
    else if (c.from >= this.editOldTo) start = c.from + this.delta;
    else return null;
    const index = this.newByStart.get(start);
    if (index === undefined) return null;
    const n = this.chunks![index];
    if (n.text !== c.text) return null;
    return { index, delta: n.from - c.from, lineDelta: n.line - c.line };
  }

  /** The memoised result of a candidate, moved into the new version, or null when it must be rebuilt. */
  replay(key: string): MemoEntry | null {
    if (this.oldText === null) return null;
    const e = this.oldEntries.get(key);
    if (!e) return null;
    const moves = new Map<number, ChunkMove>();
    for (const i of e.chunks) {
      const m = this.move(i);
      if (!m) return null;
      moves.set(i, m);
    }
    const old = this.oldChunks;
    const moveOf = (span: Span): ChunkMove | null => moves.get(chunkIndexAt(old, span.from)) ?? null;
    const allStill = [...moves.values()].every((m) => m.delta === 0 && m.lineDelta === 0);
    // Messages may name main-file lines ("conv4 (line 14) gives 64"): those only replay unmoved.
    if (!allStill && e.reports.some((f) => /\(line \d+\)/.test(f.message) || f.related.some((r) => /\(line \d+\)/.test(r.message)))) return null;
    let ok = true;
    const span = (s: Span): Span => {
      const m = moveOf(s);
      if (!m) {
        ok = false;
        return s;
      }
      return m.delta === 0 ? s : { from: s.from + m.delta, to: s.to + m.delta };
    };
    const line = (s: Span, l: number): number => moveOf(s)?.lineDelta! + l;
    const moved: MemoEntry = allStill
      ? { ...e, chunks: [...moves.values()].map((m) => m.index) }
      : {
          kind: e.kind,
          claims: e.claims,
          chunks: [...moves.values()].map((m) => m.index),
          model: e.model && {
            ...e.model,
            span: span(e.model.span),
            line: line(e.model.span, e.model.line),
            modules: e.model.modules.map((mod) => ({ ...mod, span: span(mod.span), line: line(mod.span, mod.line), callSpan: mod.callSpan && span(mod.callSpan) })),
            // Where the inputs were bound (a comment, a call of the model) moves with its text too.
            ...(e.model.inputSource && {
              inputSource: {
                ...e.model.inputSource,
                span: span(e.model.inputSource.span),
                line: line(e.model.inputSource.span, e.model.inputSource.line),
                others: e.model.inputSource.others.map((o) => ({ ...o, span: span(o.span), line: line(o.span, o.line) })),
              },
            }),
          },
          annotations: e.annotations.map((a) => ({ ...a, span: span(a.span) })),
          reports: e.reports.map((f) => ({
            ...f,
            span: span(f.span),
            line: line(f.span, f.line),
            related: f.related.map((r) => ({ ...r, span: span(r.span), line: line(r.span, r.line) })),
            // Fix edits move with their offsets; their LSP ranges are recomputed after the analysis.
            ...(f.fixes ? { fixes: f.fixes.map((fix) => ({ ...fix, edits: fix.edits.map((ed) => ({ ...ed, span: span(ed.span) })) })) } : {}),
          })),
        };
    return ok ? moved : null;
  }

  /** Keeps a replayed entry for the next version. */
  keepReplayed(key: string, entry: MemoEntry): void {
    this.next.set(key, entry);
  }

  /** Keeps a freshly computed entry for the next version. */
  keepLive(key: string, live: LiveEntry): void {
    const chunks = this.chunks;
    if (!chunks) return;
    const set = new Set<number>();
    for (const from of live.touched) set.add(chunkIndexAt(chunks, from));
    const add = (s: Span) => set.add(chunkIndexAt(chunks, s.from));
    if (live.model) {
      add(live.model.span);
      for (const m of live.model.modules) {
        add(m.span);
        if (m.callSpan) add(m.callSpan);
      }
      const source = live.model.inputSource;
      if (source) for (const place of [source, ...source.others]) add(place.span);
    }
    for (const a of live.annotations) add(a.span);
    for (const f of live.reports) {
      add(f.span);
      for (const r of f.related) add(r.span);
      for (const fix of f.fixes ?? []) for (const ed of fix.edits) add(ed.span);
    }
    set.delete(-1);
    const { touched: _touched, ...rest } = live;
    void _touched;
    this.next.set(key, { ...rest, chunks: [...set] });
  }

  /** Ends the run: what was kept becomes the memo of this version. */
  finish(): void {
    if (!this.chunks) {
      this.memo.clear();
      return;
    }
    this.memo.commit(this.text, this.chunks, this.optionsKey, this.next, this.reads);
  }
}

/** The chunk containing an offset (the last chunk whose start is at or before it), or -1. */
function chunkIndexAt(chunks: readonly Chunk[], offset: number): number {
  let lo = 0;
  let hi = chunks.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (chunks[mid].from <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Cuts the text into chunks at the ends of top-level statements; null when they are not in order. */
function chunksOf(text: string, body: readonly Stmt[]): Chunk[] | null {
  const chunks: Chunk[] = [];
  let from = 0;
  let line = 1;
  const advanceLine = (a: number, b: number) => {
    for (let i = a; i < b; i++) if (text.charCodeAt(i) === 10) line++;
  };
  for (const s of body) {
    if (s.to < from) return null;
    chunks.push({ from, to: s.to, text: text.slice(from, s.to), line, definition: s.t === 'def' || s.t === 'class' });
    advanceLine(from, s.to);
    from = s.to;
  }
  chunks.push({ from, to: text.length, text: text.slice(from), line, definition: false });
  return chunks;
}
