// One analysis per document version, shared by every editor feature. Pull providers (hints,
// hovers, CodeLens) call `get`, which analyses synchronously when the cached result is stale;
// push consumers (diagnostics, the panel, the summary document) listen to `onDidUpdate`, which
// fires after typing pauses. Nothing is kept for a document once it closes.

import * as vscode from 'vscode';
import type { IncrementalAnalyzer } from '../analysis/incremental';
import { cellAnalysis, notebookProgram, type NotebookProgram } from '../analysis/notebook';
import type { Analysis, AnalyzeOptions, InputBinding, Language } from '../analysis/types';
import { ANALYSIS_LIMITS, isPendingAnalysis, pendingAnalysis } from '../shared/analysisWorker';
import { mayFollowImport, readImportedFile } from './importGuard';
import { parseInputBinding } from '../analysis/inputComment';
import { editorSettings } from './settings';

/** The analysis entry point, as src/analysis/analyze.ts exports it. */
export type Analyzer = (text: string, language: Language, options?: AnalyzeOptions) => Analysis;

/** A fresh analysis of a document, as `onDidUpdate` delivers it. */
export interface AnalysisUpdate {
  document: vscode.TextDocument;
  analysis: Analysis;
}

/** The languages Layer Lens reads, by VS Code language id. */
const languageOfId: Record<string, Language> = {
  python: 'python',
  typescript: 'typescript',
  typescriptreact: 'typescript',
  javascript: 'javascript',
  javascriptreact: 'javascript',
};

/** Document selector of every provider: by language only, so untitled, virtual, remote, Live Share and notebook-cell documents all qualify. */
export const layerLensSelector: vscode.DocumentSelector = Object.keys(languageOfId).map((language) => ({ language }));

/** The analysis language of a document, or undefined when Layer Lens does not read it. */
export function analysisLanguage(document: vscode.TextDocument): Language | undefined {
  return languageOfId[document.languageId];
}

/**
 * Schemes of old versions of files (diff views, history): hints and hovers work there, but they get
 * no push analysis, so the Problems view lists only documents the user is editing.
 */
const historicalSchemes = new Set(['git', 'gitlens', 'pr', 'review', 'vscode-local-history']);

/**
 * True when another live document has the closed one's URI: an untitled name reused, or a document
 * re-created (reverted) before the close of its old instance arrived. Its state must then stay.
 */
export function isUriStillOpen(closed: vscode.TextDocument): boolean {
  const key = closed.uri.toString();
  return vscode.workspace.textDocuments.some((d) => d !== closed && !d.isClosed && d.uri.toString() === key);
}

interface Entry {
  /** The document object analysed: an untitled name reused after a close is a different document. */
  document: vscode.TextDocument;
  version: number;
  generation: number;
  analysis: Analysis;
  /** Keys of the imported modules this analysis read (or tried to read). */
  imports: Set<string>;
  /** For a notebook cell: the versions of every code cell the program was built from. */
  notebookKey?: string;
}

/** A notebook's code cells analysed as one program, shared by its cells. */
interface NotebookEntry {
  key: string;
  generation: number;
  program: NotebookProgram;
  analysis: Analysis;
  imports: Set<string>;
  /** Set once every cell was told about this analysis. */
  pushed?: boolean;
}

/** The notebook a cell document belongs to, if it is a cell. */
export function notebookOfCell(document: vscode.TextDocument): vscode.NotebookDocument | undefined {
  if (document.uri.scheme !== 'vscode-notebook-cell') return undefined;
  return vscode.workspace.notebookDocuments.find((notebook) => notebook.getCells().some((cell) => cell.document === document));
}

/** The code cells of a notebook that are part of its program (Python code cells). */
function programCells(notebook: vscode.NotebookDocument): vscode.NotebookCell[] {
  return notebook.getCells().filter((cell) => cell.kind === vscode.NotebookCellKind.Code && analysisLanguage(cell.document) === 'python');
}

/** What a notebook's program depends on: each code cell's identity and version. */
function notebookKeyOf(notebook: vscode.NotebookDocument): string {
  return programCells(notebook)
    .map((cell) => `${cell.document.uri.toString()}@${cell.document.version}`)
    .join('|');
}

/** Text of an imported module: a string once read, null when it could not be read, undefined while reading. */
type ModuleText = string | null | undefined;

/** Caches analyses per document URI and version, and re-runs them as documents change. */
export class AnalysisCache implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly moduleTexts = new Map<string, ModuleText>();
  /** Per open notebook: its cells' program and analysis (cells read their share of it). */
  private readonly notebooks = new Map<string, NotebookEntry>();
  /** Documents whose next `get` takes a result a worker delivered late (already counted). */
  private readonly lateDeliveries = new Set<string>();
  /** Per open document: the previous parse and model results, so a keystroke re-analyses only what it touched. */
  private readonly incremental = new Map<string, IncrementalAnalyzer>();
  private readonly emitter = new vscode.EventEmitter<AnalysisUpdate>();
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Bumped when settings change, so every cached analysis counts as stale. */
  private generation = 0;
  /** How many analyses ran, for tests and logs. */
  analysisCount = 0;
  /** How many of them were focused on a range (a cold document's visible hints). */
  focusedCount = 0;
  /** Milliseconds all analyses took together, as the core measured them. */
  analysisMs = 0;
  /**
   * Where analyses run in workers: the promise of a one-off analysis's real result, asked with the
   * same arguments as the analyzer that answered with a stand-in. Set, the hints of a range wait
   * for an analysis still running instead of answering with the stand-in.
   */
  lateAnalysis: ((text: string, language: Language, options: AnalyzeOptions) => Promise<Analysis>) | undefined;
  /** The promised results of focused analyses that answered with a stand-in. */
  private readonly focusedLate = new WeakMap<Analysis, Promise<Analysis>>();

  /** Fires after a document was re-analysed because it changed, opened, or its settings or imports changed. */
  readonly onDidUpdate: vscode.Event<AnalysisUpdate> = this.emitter.event;

  constructor(
    private readonly analyzer: Analyzer,
    private readonly log?: vscode.LogOutputChannel,
    /** Makes a per-document incremental analyser (null: every analysis calls `analyzer` afresh). */
    private readonly incrementalFactory: ((key: string) => IncrementalAnalyzer) | null = null,
  ) {
    this.subscriptions.push(
      this.emitter,
      // An opened document is analysed whole after the usual pause, not at once: the editor asks
      // for the visible hints first, and `getForRange` answers them from the visible models.
      vscode.workspace.onDidOpenTextDocument((document) => this.schedule(document)),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length > 0) this.schedule(event.document);
        this.moduleChanged(event.document.uri.toString());
      }),
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (!isUriStillOpen(document)) this.forget(document.uri.toString());
      }),
      vscode.workspace.onDidCloseNotebookDocument((notebook) => {
        this.notebooks.delete(notebook.uri.toString());
        this.incremental.delete(notebook.uri.toString());
      }),
      // Trust granted: imports refused in Restricted Mode are followed now.
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        this.generation++;
        for (const document of vscode.workspace.textDocuments) this.schedule(document, 0);
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('layerLens.analysis') || event.affectsConfiguration('layerLens.sampleRate') || event.affectsConfiguration('layerLens.diagnostics.verbose')) {
          this.generation++;
          for (const document of vscode.workspace.textDocuments) this.schedule(document, 0);
        }
      }),
    );
    // Documents already open when the extension activates get their push analysis too.
    for (const document of vscode.workspace.textDocuments) this.schedule(document);
  }

  /** The analysis of the document's current version; analyses now if the cached one is stale. */
  get(document: vscode.TextDocument): Analysis {
    const key = document.uri.toString();
    const cached = this.entries.get(key);
    if (this.isFresh(cached, document)) return cached.analysis;
    const notebook = notebookOfCell(document);
    if (notebook) return this.getCell(document, notebook);
    const language = analysisLanguage(document) ?? 'python';
    const imports = new Set<string>();
    let analysis: Analysis;
    // A result delivered late by a worker was counted when it was asked for.
    if (!this.lateDeliveries.delete(key)) this.analysisCount++;
    try {
      const options = this.optionsFor(document, imports);
      let incremental = this.incremental.get(key);
      if (!incremental && this.incrementalFactory && !document.isClosed) this.incremental.set(key, (incremental = this.incrementalFactory(key)));
      analysis = incremental ? incremental.update(document.getText(), language, options) : this.analyzer(document.getText(), language, options);
    } catch (error) {
      // The core promises never to throw; if it does, the editor keeps working and the bug is logged.
      this.incremental.delete(key);
      this.logFailure(key, error);
      analysis = { language, models: [], annotations: [], findings: [], elapsedMs: 0 };
    }
    this.account(analysis, `${key} (version ${document.version})`);
    // A closed document keeps no entry: a provider may still ask for it while it closes. A stand-in
    // for an analysis still running in a worker is not kept either: the real one follows.
    if (!document.isClosed && !isPendingAnalysis(analysis)) this.entries.set(key, { document, version: document.version, generation: this.generation, analysis, imports });
    return analysis;
  }

  /**
   * A notebook cell's share of its notebook's analysis: the code cells run in order as one program
   * (src/analysis/notebook.ts), analysed once per set of cell versions, incrementally between edits.
   */
  private getCell(document: vscode.TextDocument, notebook: vscode.NotebookDocument): Analysis {
    const key = document.uri.toString();
    const notebookKey = notebookKeyOf(notebook);
    const entry = this.notebookAnalysis(notebook, notebookKey, document);
    const cellIndex = notebook.getCells().findIndex((cell) => cell.document === document);
    const analysis = cellAnalysis(entry.analysis, entry.program, cellIndex);
    // The notebook's program still runs in a worker: the cell's share is a stand-in too, not kept.
    if (isPendingAnalysis(entry.analysis)) return pendingAnalysis('python', analysis);
    if (!document.isClosed) this.entries.set(key, { document, version: document.version, generation: this.generation, analysis, imports: entry.imports, notebookKey });
    return analysis;
  }

  private notebookAnalysis(notebook: vscode.NotebookDocument, notebookKey: string, scope: vscode.TextDocument): NotebookEntry {
    const key = notebook.uri.toString();
    const cached = this.notebooks.get(key);
    if (cached && cached.key === notebookKey && cached.generation === this.generation) return cached;
    const program = notebookProgram(notebook.getCells().map((cell) => ({ text: cell.document.getText(), code: cell.kind === vscode.NotebookCellKind.Code && analysisLanguage(cell.document) === 'python' })));
    const imports = new Set<string>();
    let analysis: Analysis;
    this.analysisCount++;
    try {
      const options = { ...this.optionsFor(scope, imports), fileName: notebook.uri.path, readModule: (path: string) => this.readModule(notebook.uri, path, imports) };
      let incremental = this.incremental.get(key);
      if (!incremental && this.incrementalFactory) this.incremental.set(key, (incremental = this.incrementalFactory(key)));
      analysis = incremental ? incremental.update(program.text, 'python', options) : this.analyzer(program.text, 'python', options);
    } catch (error) {
      this.incremental.delete(key);
      this.logFailure(key, error);
      analysis = { language: 'python', models: [], annotations: [], findings: [], elapsedMs: 0 };
    }
    this.account(analysis, `notebook ${key} (${program.cells.length} code cells)`);
    const entry: NotebookEntry = { key: notebookKey, generation: this.generation, program, analysis, imports };
    // A stand-in for a program still running in a worker is not kept: `reanalyse` asks again.
    if (!isPendingAnalysis(analysis)) this.notebooks.set(key, entry);
    return entry;
  }

  /**
   * The document's analysis, waiting for it when it is still running in a worker (always so in the
   * web host, where a Web Worker's result is never waited for synchronously): for the providers
   * that may answer later (hovers, code actions, summaries). The wait ends with the analysis pushed
   * for this version, or after the worker's deadline and a second more, with the stand-in.
   */
  async ready(document: vscode.TextDocument): Promise<Analysis> {
    const analysis = this.get(document);
    if (!isPendingAnalysis(analysis)) return analysis;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.settled(document), new Promise<void>((resolve) => (timer = setTimeout(resolve, ANALYSIS_LIMITS.deadlineMs + 1000)))]);
    clearTimeout(timer);
    return this.get(document);
  }

  /**
   * What the hints of a range need (`getForRange`), waiting off the host's thread for an analysis
   * still running in a worker (always so in the web host; in the Node host, one that outlasted the
   * host's synchronous wait): a cold document's focused analysis is awaited itself, anything else
   * through `ready`.
   */
  readyForRange(document: vscode.TextDocument, from: number, to: number): Analysis | Promise<Analysis> {
    const analysis = this.getForRange(document, from, to);
    if (!this.lateAnalysis || !isPendingAnalysis(analysis)) return analysis;
    const focused = this.focusedLate.get(analysis);
    return focused ?? this.ready(document);
  }

  /**
   * What the hints of a range need. A document analysed before gets its full analysis (an
   * incremental update when stale). A cold one (just opened, or dropped) gets the models defined in
   * the range only, which skips interpreting the rest of a long file; its full analysis follows (the
   * run pending since it opened, or one scheduled now), and its update refreshes the hints. Partial
   * results are never cached.
   */
  getForRange(document: vscode.TextDocument, from: number, to: number): Analysis {
    if (!this.isCold(document)) return this.get(document);
    const key = document.uri.toString();
    // Without a full analysis on its way (a document of a historical scheme), the range waits for it.
    if (!this.timers.has(key)) this.schedule(document, 0);
    if (!this.timers.has(key)) return this.get(document);
    let analysis: Analysis;
    this.analysisCount++;
    this.focusedCount++;
    try {
      const options = { ...this.optionsFor(document, new Set()), focus: { from, to } };
      analysis = this.analyzer(document.getText(), 'python', options);
      if (isPendingAnalysis(analysis) && this.lateAnalysis) this.focusedLate.set(analysis, this.lateAnalysis(document.getText(), 'python', options));
    } catch (error) {
      this.logFailure(key, error);
      return this.get(document);
    }
    this.account(analysis, `the models of ${key} (version ${document.version}) in ${from}..${to}`);
    return analysis;
  }

  /**
   * The full analysis, for consumers that need the whole file (CodeLens). On a cold document it
   * yields first: the whole-file run moves to the next turn of the event loop, so a hint request
   * already waiting is answered from the visible models before the whole file is interpreted.
   */
  async getWhole(document: vscode.TextDocument): Promise<Analysis> {
    if (this.isCold(document)) {
      this.schedule(document, 0);
      if (this.timers.has(document.uri.toString())) await this.settled(document);
    }
    return this.ready(document);
  }

  /**
   * A Python document with no fresh analysis and no incremental analyser yet: the first full
   * analysis would interpret the whole file from scratch, so a range can be answered sooner.
   */
  private isCold(document: vscode.TextDocument): boolean {
    return (
      this.incrementalFactory !== null &&
      document.uri.scheme !== 'vscode-notebook-cell' &&
      !document.isClosed &&
      analysisLanguage(document) === 'python' &&
      !this.incremental.has(document.uri.toString()) &&
      this.peek(document) === undefined
    );
  }

  private logFailure(key: string, error: unknown): void {
    this.log?.error(`analysis of ${key} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }

  /** Adds an analysis to the running total and traces it. */
  private account(analysis: Analysis, what: string): void {
    this.analysisMs += analysis.elapsedMs;
    this.log?.trace(`analysed ${what} in ${analysis.elapsedMs.toFixed(1)} ms`);
  }

  /** The cached analysis if it is fresh, without analysing. */
  peek(document: vscode.TextDocument): Analysis | undefined {
    const cached = this.entries.get(document.uri.toString());
    return this.isFresh(cached, document) ? cached.analysis : undefined;
  }

  private isFresh(entry: Entry | undefined, document: vscode.TextDocument): entry is Entry {
    if (entry === undefined || entry.document !== document || entry.version !== document.version || entry.generation !== this.generation) return false;
    if (entry.notebookKey === undefined) return true;
    // A cell's analysis also goes stale when another cell of its notebook changed.
    const notebook = notebookOfCell(document);
    return notebook !== undefined && notebookKeyOf(notebook) === entry.notebookKey;
  }

  /**
   * Resolves once the document's current version has been pushed to `onDidUpdate` listeners
   * (diagnostics published), at once when nothing is pending.
   */
  settled(document: vscode.TextDocument): Promise<void> {
    const key = document.uri.toString();
    if (!this.timers.has(key) && this.peek(document) !== undefined) return Promise.resolve();
    if (!this.timers.has(key)) this.schedule(document, 0);
    // Documents without push analysis (other languages, old versions) have nothing to wait for.
    if (!this.timers.has(key)) return Promise.resolve();
    return new Promise((resolve) => {
      const subscription = this.onDidUpdate((update) => {
        if (update.document.uri.toString() !== key || update.document.version !== document.version) return;
        subscription.dispose();
        resolve();
      });
    });
  }

  /** URIs of the documents the cache holds state for (analyses or pending runs); for tests and leaks. */
  heldDocuments(): string[] {
    return [...new Set([...this.entries.keys(), ...this.timers.keys(), ...this.incremental.keys(), ...this.notebooks.keys()])];
  }

  /** Keys of imported modules held, for tests and leaks. */
  heldModules(): string[] {
    return [...this.moduleTexts.keys()];
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.entries.clear();
    this.incremental.clear();
    this.notebooks.clear();
    this.moduleTexts.clear();
    for (const s of this.subscriptions) s.dispose();
  }

  /** Analyses the document after a pause in typing and tells the push consumers. */
  private schedule(document: vscode.TextDocument, delay?: number): void {
    if (analysisLanguage(document) === undefined || document.isClosed || historicalSchemes.has(document.uri.scheme)) return;
    const key = document.uri.toString();
    const existing = this.timers.get(key);
    if (existing !== undefined) clearTimeout(existing);
    const wait = delay ?? vscode.workspace.getConfiguration('layerLens', document).get<number>('analysis.debounceMs', 200);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        if (document.isClosed) return;
        const analysis = this.get(document);
        // Still running in a worker: `reanalyse` pushes the result when it comes.
        if (isPendingAnalysis(analysis)) return;
        this.emitter.fire({ document, analysis });
        // An edit in one cell can change what every other cell of the notebook shows: they are
        // pushed once per new set of cell versions (not once per cell that opened with the notebook).
        const notebook = notebookOfCell(document);
        const pushed = notebook ? this.notebooks.get(notebook.uri.toString()) : undefined;
        if (!notebook || !pushed || pushed.pushed) return;
        pushed.pushed = true;
        for (const cell of programCells(notebook)) {
          if (cell.document === document || cell.document.isClosed) continue;
          const other = this.get(cell.document);
          if (!isPendingAnalysis(other)) this.emitter.fire({ document: cell.document, analysis: other });
        }
      }, Math.max(0, wait)),
    );
  }

  /** A document's analysis finished after the editor stopped waiting for it: analyse (from the result) and push it. */
  reanalyse(key: string): void {
    this.lateDeliveries.add(key);
    const entry = this.entries.get(key);
    if (entry) entry.generation = -1;
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key && !d.isClosed);
    if (document) this.schedule(document, 0);
    // A notebook's program: its cells take their shares of the result.
    const notebook = vscode.workspace.notebookDocuments.find((n) => n.uri.toString() === key && !n.isClosed);
    if (notebook) for (const cell of programCells(notebook)) this.schedule(cell.document, 0);
  }

  /** Drops everything held for a closed document, and imported modules nothing else uses. */
  private forget(key: string): void {
    const timer = this.timers.get(key);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(key);
    this.entries.delete(key);
    this.lateDeliveries.delete(key);
    this.incremental.get(key)?.reset();
    this.incremental.delete(key);
    // A notebook's program goes with its last open cell.
    for (const notebookKey of [...this.notebooks.keys()]) {
      if (vscode.workspace.notebookDocuments.some((n) => n.uri.toString() === notebookKey && !n.isClosed)) continue;
      this.notebooks.delete(notebookKey);
      this.incremental.delete(notebookKey);
    }
    const inUse = new Set<string>();
    for (const entry of this.entries.values()) for (const m of entry.imports) inUse.add(m);
    for (const entry of this.notebooks.values()) for (const m of entry.imports) inUse.add(m);
    for (const m of [...this.moduleTexts.keys()]) if (!inUse.has(m)) this.moduleTexts.delete(m);
  }

  /** An imported module changed: forget its text and re-analyse its importers. */
  private moduleChanged(moduleKey: string): void {
    if (!this.moduleTexts.has(moduleKey) && ![...this.entries.values()].some((e) => e.imports.has(moduleKey))) return;
    this.moduleTexts.delete(moduleKey);
    this.reanalyseImporters(moduleKey);
  }

  private reanalyseImporters(moduleKey: string): void {
    for (const [key, entry] of [...this.notebooks]) if (entry.imports.has(moduleKey)) this.notebooks.delete(key);
    for (const [key, entry] of this.entries) {
      if (!entry.imports.has(moduleKey)) continue;
      entry.generation = -1;
      const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
      if (document) this.schedule(document, 0);
    }
  }

  private optionsFor(document: vscode.TextDocument, imports: Set<string>): AnalyzeOptions {
    const config = vscode.workspace.getConfiguration('layerLens', document);
    const inputs: InputBinding[] = [];
    for (const text of config.get<string[]>('analysis.inputs', [])) {
      const parsed = typeof text === 'string' ? parseInputBinding(text) : { error: 'not a string' };
      if ('binding' in parsed) inputs.push(parsed.binding);
    }
    return {
      fileName: document.uri.path,
      inputs: inputs.length > 0 ? inputs : undefined,
      sampleRate: config.get<number>('sampleRate', 16000),
      verboseFindings: config.get<boolean>('diagnostics.verbose', false),
      readModule: (path) => this.readModule(document.uri, path, imports),
      pythonPath: editorSettings(document).pythonPath,
    };
  }

  /**
   * Imports resolve synchronously during an analysis: open documents answer at once, other files
   * are read through `workspace.fs` (so virtual and remote file systems work) and the importer is
   * re-analysed when the text arrives.
   */
  private readModule(importer: vscode.Uri, path: string, imports: Set<string>): string | undefined {
    const uri = importer.with({ path, query: '', fragment: '' });
    // Restricted Mode follows no imports; elsewhere only files in the workspace (importGuard.ts).
    if (!mayFollowImport(importer, uri)) return undefined;
    const key = uri.toString();
    imports.add(key);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    if (open) return open.getText();
    if (this.moduleTexts.has(key)) return this.moduleTexts.get(key) ?? undefined;
    if (vscode.workspace.fs.isWritableFileSystem(uri.scheme) === undefined) {
      this.moduleTexts.set(key, null);
      return undefined;
    }
    this.moduleTexts.set(key, undefined);
    readImportedFile(importer, uri).then(
      (bytes) => {
        if (!this.moduleTexts.has(key)) return;
        this.moduleTexts.set(key, new TextDecoder().decode(bytes));
        this.reanalyseImporters(key);
      },
      () => {
        if (this.moduleTexts.has(key)) this.moduleTexts.set(key, null);
      },
    );
    return undefined;
  }
}
