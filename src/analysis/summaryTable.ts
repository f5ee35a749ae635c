// The torchinfo-like model summary as plain text. The CLI prints it and the editor's
// "Show Model Summary" document shows it, so both read the same table from the same Analysis.

import { solutionText } from './solveInputs';
import type { Finding, ModelInfo, ShapesOut } from './types';

/** Prints one value's shapes in the tutorial's notation: `(N,64)`, tuples as `((N,T,64), (1,N,64))`. */
export function formatShapesOut(shapes: ShapesOut): string {
  if (Array.isArray(shapes)) return `(${shapes.join(',')})`;
  return `(${shapes.tuple.map(formatShapesOut).join(', ')})`;
}

/** Prints the shapes of every output of a call; several outputs are joined by commas. */
export function formatShapeList(list: readonly ShapesOut[] | null): string {
  if (list === null || list.length === 0) return '';
  return list.map(formatShapesOut).join(', ');
}

/** A count with thousands separators (`11,689,512`), the way torchinfo prints parameters. */
export function formatCount(n: number): string {
  const sign = n < 0 ? '-' : '';
  const digits = String(Math.trunc(Math.abs(n)));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A large count in engineering units (`118.01M`, `1.82G`), for multiply-adds. */
export function formatCompact(n: number): string {
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'K'],
  ];
  for (const [scale, unit] of units) if (Math.abs(n) >= scale) return `${(n / scale).toFixed(2)}${unit}`;
  return String(n);
}

/** Options of `formatSummaryTable`. */
export interface SummaryTableOptions {
  /** The analysed file, shown in the header. */
  file?: string;
  /** Findings to list under the table (those inside the model's span, typically). */
  findings?: readonly Finding[];
  /** Include the notation column (default true). */
  notation?: boolean;
}

interface Row {
  name: string;
  type: string;
  output: string;
  params: string;
  notation: string;
}

/**
 * The model's module table: qualified names indented by depth, type, first-call output shape,
 * own parameters (containers show their total), notation; then totals and findings.
 */
export function formatSummaryTable(model: ModelInfo, options: SummaryTableOptions = {}): string {
  const showNotation = options.notation ?? true;
  const rows: Row[] = model.modules.map((m) => {
    const depth = m.path === '' ? 0 : m.path.split('.').length;
    // Like torchinfo, each row shows its own name, indented under its parent.
    const leaf = m.path === '' ? model.name : m.path.split('.').pop()!;
    const params = m.isLayer ? m.paramsOwn : m.paramsTotal;
    return {
      name: `${'  '.repeat(depth)}${leaf}`,
      type: m.type,
      output: m.outputShapes === null ? '--' : formatShapeList(m.outputShapes),
      params: params === null ? '?' : formatCount(params),
      notation: m.notation ?? '',
    };
  });
  const header: Row = { name: 'Layer (path)', type: 'Type', output: 'Output shape', params: 'Params', notation: 'Notation' };
  const all = [header, ...rows];
  const width = (key: keyof Row) => Math.max(...all.map((r) => r[key].length));
  const w = { name: width('name'), type: width('type'), output: width('output'), params: width('params') };
  const line = (r: Row) => {
    const cells = [r.name.padEnd(w.name), r.type.padEnd(w.type), r.output.padEnd(w.output), r.params.padStart(w.params)];
    if (showNotation && r.notation) cells.push(r.notation);
    return cells.join('  ').trimEnd();
  };
  const ruleWidth = Math.max(...all.map((r) => line(r).length), 40);
  const thick = '='.repeat(ruleWidth);
  const thin = '-'.repeat(ruleWidth);

  const out: string[] = [];
  out.push(`Model: ${model.expr || model.name} (${model.framework})${options.file ? ` — ${options.file}` : ''}`);
  for (const input of model.inputs) out.push(`Input: ${input.name} ${formatShapesOut(input.shape)}`);
  // Where the input shapes came from when the file's code bound them, and the binding a layer implies.
  const source = model.inputSource;
  if (source?.kind === 'usage') out.push(`Inputs from: ${source.text} (line ${source.line})${source.others.length ? `; also used on line ${source.others.map((o) => o.line).join(', ')}` : ''}`);
  if (source?.kind === 'user') out.push(`Inputs from: its use in ${source.text} (line ${source.line})`);
  if (model.inputSolution) out.push(`Suggested input: ${model.inputSolution.input} (${model.inputSolution.shape.join(',')}): ${solutionText(model.inputSolution)}`);
  out.push(thick, line(header), thick);
  for (const r of rows) out.push(line(r));
  out.push(thick);
  out.push(`Total params: ${model.totalParams === null ? '? (a size is symbolic or unknown)' : formatCount(model.totalParams)}`);
  if (model.outputShapes !== null) out.push(`Output: ${formatShapeList(model.outputShapes)}`);
  const findings = options.findings ?? [];
  if (findings.length > 0) {
    out.push(thin);
    for (const f of findings) out.push(`${f.severity} line ${f.line}: ${f.message}`);
  }
  out.push(thick);
  return out.join('\n') + '\n';
}
