// Notebooks as one program. A notebook's code cells run in order in one kernel, so the imports of
// the first cell, the model class of the second and the `model(torch.randn(...))` of the fourth
// belong together (as Pylance reads them). The cells are joined into one Python text, analysed
// once, and the analysis is cut back into one analysis per cell with cell-relative offsets. The
// editor (notebook cells) and the CLI (.ipynb files) share this module, so both read a notebook
// the same way.

import type { Analysis, Finding, ModelInfo, ModuleInfo, ShapeAnnotation, Span } from './types';

/** One cell as the notebook holds it. */
export interface NotebookCellSource {
  /** The cell's text. */
  text: string;
  /** Only code cells of the notebook's language are part of the program. */
  code: boolean;
}

/** Where one code cell sits in the program. */
export interface ProgramCell {
  /** Index of the cell in the notebook (markdown cells count). */
  index: number;
  /** Offset of the cell's first character in the program text. */
  from: number;
  /** Offset just after the cell's last character (before the separator). */
  to: number;
  /** Number of lines before the cell in the program (the cell's first line is `startLine + 1`). */
  startLine: number;
}

/** The notebook's code cells as one Python program. */
export interface NotebookProgram {
  text: string;
  cells: ProgramCell[];
}

/** Cell magics whose body is still Python: only their first line is blanked. */
const pythonCellMagics = new Set(['time', 'timeit', 'capture', 'prun', 'debug']);

/**
 * A cell's text with IPython's syntax blanked: line magics (`%matplotlib inline`), shell escapes
 * (`!pip install torch`, `files = !ls`) and the cell magic line (`%%time`) become spaces of the same
 * length, so offsets stay those of the cell; a cell magic that switches language (`%%bash`) blanks
 * the whole cell.
 */
export function blankMagics(text: string): string {
  const lines = text.split('\n');
  const first = lines.findIndex((l) => l.trim() !== '');
  const cellMagic = first >= 0 ? lines[first].trim().match(/^%%(\w+)/) : null;
  const blank = (l: string) => l.replace(/[^\r]/g, ' ');
  if (cellMagic && !pythonCellMagics.has(cellMagic[1])) return lines.map(blank).join('\n');
  return lines.map((l, i) => (/^\s*[%!]/.test(l) || /^\s*[\w., ]+=\s*[%!]/.test(l) || (cellMagic && i === first) ? blank(l) : l)).join('\n');
}

/**
 * Joins a notebook's code cells into one program: each cell (magics blanked) followed by a blank
 * line, so a cell never runs into the next and line numbers read like a script's.
 */
export function notebookProgram(cells: readonly NotebookCellSource[]): NotebookProgram {
  let text = '';
  let line = 0;
  const out: ProgramCell[] = [];
  cells.forEach((cell, index) => {
    if (!cell.code) return;
    const body = blankMagics(cell.text);
    const from = text.length;
    out.push({ index, from, to: from + body.length, startLine: line });
    const separator = body.endsWith('\n') ? '\n' : '\n\n';
    text += body + separator;
    line += countLines(body + separator) - 1;
  });
  return { text, cells: out };
}

function countLines(text: string): number {
  let n = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** The code cells of an `.ipynb` document in order (nbformat 4: `source` is a string or a list of lines). Null when it is not a notebook. */
export function ipynbCells(json: string): NotebookCellSource[] | null {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    return null;
  }
  const cells = (doc as { cells?: unknown })?.cells;
  if (!Array.isArray(cells)) return null;
  const language = ((doc as { metadata?: { kernelspec?: { language?: unknown }; language_info?: { name?: unknown } } }).metadata ?? {}) as {
    kernelspec?: { language?: unknown };
    language_info?: { name?: unknown };
  };
  const lang = String(language.language_info?.name ?? language.kernelspec?.language ?? 'python').toLowerCase();
  return cells.map((c: { cell_type?: unknown; source?: unknown }) => {
    const source = Array.isArray(c?.source) ? c.source.map(String).join('') : typeof c?.source === 'string' ? c.source : '';
    return { text: source, code: c?.cell_type === 'code' && lang === 'python' };
  });
}

function shift(span: Span, by: number): Span {
  return { from: span.from - by, to: span.to - by };
}

function inside(span: Span, cell: ProgramCell): boolean {
  return span.from >= cell.from && span.to <= cell.to + 1;
}

function shiftModule(m: ModuleInfo, by: number, lines: number): ModuleInfo {
  return { ...m, span: shift(m.span, by), line: m.line - lines, callSpan: m.callSpan ? shift(m.callSpan, by) : null };
}

/**
 * One cell's share of the program's analysis, in the cell's own offsets and lines: the models that
 * have something in the cell (their definition, a module built or called there, an annotation),
 * the annotations and the findings inside it. Spans of a kept model that lie in other cells fall
 * outside the cell's text, so nothing in the cell matches them; related locations in other cells
 * are dropped.
 */
export function cellAnalysis(analysis: Analysis, program: NotebookProgram, cellIndex: number): Analysis {
  const cell = program.cells.find((c) => c.index === cellIndex);
  if (!cell) return { ...analysis, models: [], annotations: [], findings: [] };
  const by = cell.from;
  const lines = cell.startLine;
  const annotationsHere = analysis.annotations.filter((a) => inside(a.span, cell));
  const keep = new Map<number, number>();
  analysis.models.forEach((model, i) => {
    const touches =
      inside(model.span, cell) ||
      model.modules.some((m) => m.path !== '' && (inside(m.span, cell) || (m.callSpan !== null && inside(m.callSpan, cell)))) ||
      annotationsHere.some((a) => a.model === i);
    if (touches) keep.set(i, keep.size);
  });
  const models: ModelInfo[] = [...keep.keys()].map((i) => {
    const m = analysis.models[i];
    const moved: ModelInfo = { ...m, span: shift(m.span, by), line: m.line - lines, modules: m.modules.map((x) => shiftModule(x, by, lines)) };
    // The call that bound the inputs may sit in a later cell: its line is then outside this cell.
    const source = m.inputSource;
    if (source) {
      const place = <T extends { span: Span; line: number }>(p: T): T => ({ ...p, span: shift(p.span, by), line: p.line - lines });
      moved.inputSource = { ...place(source), others: source.others.map(place) };
    }
    return moved;
  });
  const annotations: ShapeAnnotation[] = annotationsHere
    .filter((a) => keep.has(a.model))
    .map((a) => ({ ...a, span: shift(a.span, by), model: keep.get(a.model)! }));
  const findings: Finding[] = analysis.findings
    .filter((f) => inside(f.span, cell) || (cell === program.cells[0] && f.span.from === 0 && f.span.to === 0))
    .map((f) => ({
      ...f,
      span: shift(f.span, by),
      line: f.line - lines,
      related: f.related.filter((r) => inside(r.span, cell)).map((r) => ({ ...r, span: shift(r.span, by), line: r.line - lines })),
    }));
  const result: Analysis = { ...analysis, models, annotations, findings };
  if (analysis.partial) result.partial = shift(analysis.partial, by);
  return result;
}
