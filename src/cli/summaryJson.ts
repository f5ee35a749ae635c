// The CLI's JSON schema (issue 3): one object per analysed model, in the same shape as the
// fixtures the PyTorch script writes, so the two can be compared module by module.

import type { Analysis, Finding, ModelInfo, ReceptiveField, ShapesOut } from '../analysis/types';

/** One module row of `layer-lens summary --json`. */
export interface ModuleJson {
  path: string;
  type: string;
  line: number | null;
  params_own: number | null;
  params_total: number | null;
  input_shapes: unknown[] | null;
  output_shapes: unknown[] | null;
  notation: string | null;
  receptive_field: { size: number[]; stride: number[]; padding: number[] } | null;
}

/** The whole `--json` document. */
export interface SummaryJson {
  file: string;
  model: string | null;
  inputs: string[];
  modules: ModuleJson[];
  total_params: number | null;
  findings: FindingJson[];
}

/**
 * One finding. `fixes` are LSP TextEdits (0-based lines, UTF-16 characters), the preferred fix
 * first, so other tools can apply them; `expected`, `got` and `hint` say the same in words.
 */
export interface FindingJson {
  severity: string;
  code: string;
  line: number;
  message: string;
  expected?: string;
  got?: string;
  hint?: string;
  related?: { line: number; message: string }[];
  fixes?: { title: string; preferred?: boolean; edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[] }[];
}

/** A finding as JSON: the optional parts only when present. */
export function findingJson(f: Finding): FindingJson {
  const out: FindingJson = { severity: f.severity, code: f.code, line: f.line, message: f.message };
  if (f.expected !== undefined) out.expected = f.expected;
  if (f.got !== undefined) out.got = f.got;
  if (f.hint !== undefined) out.hint = f.hint;
  if (f.related.length) out.related = f.related.map((r) => ({ line: r.line, message: r.message }));
  if (f.fixes?.length) out.fixes = f.fixes.map((fix) => ({ title: fix.title, ...(fix.preferred ? { preferred: true } : {}), edits: fix.edits.map((e) => ({ range: e.range, newText: e.newText })) }));
  return out;
}

/** A value's shapes as nested lists: a tensor is a list of dims, a tuple a list of those. */
export function shapesJson(s: ShapesOut): unknown {
  if (Array.isArray(s)) return s;
  // The analysis writes a None inside a tuple as an empty tuple; PyTorch's hooks see null.
  return s.tuple.length === 0 ? null : s.tuple.map(shapesJson);
}

/** A call's outputs: one entry per output tensor, tuples flattened one level as PyTorch hooks see them. */
function outputsJson(list: ShapesOut[] | null): unknown[] | null {
  if (!list) return null;
  if (list.length === 0) return [];
  if (list.length === 1 && !Array.isArray(list[0])) return list[0].tuple.map(shapesJson);
  return list.map(shapesJson);
}

function fieldJson(f: ReceptiveField | null): ModuleJson['receptive_field'] {
  // A field that covers the whole input has no local extent to report: PyTorch's gradient shows
  // every input position, so the JSON says null, as it does off convolutional paths.
  return f && !f.global ? { size: f.size, stride: f.stride, padding: f.padding } : null;
}

/** `x=(N,3,224,224)` for each input, as --input spells it. */
export function inputsText(model: ModelInfo): string[] {
  return model.inputs.map((i) => `${i.name}=(${Array.isArray(i.shape) ? i.shape.join(',') : '?'})`);
}

/** Builds the JSON document for one model of an analysis (or an empty one when none was built). */
export function summaryJson(file: string, analysis: Analysis, model: ModelInfo | null): SummaryJson {
  return {
    file,
    model: model ? model.expr : null,
    inputs: model ? inputsText(model) : [],
    modules: model
      ? model.modules.map((m) => ({
          path: m.path,
          type: m.type,
          line: m.line,
          params_own: m.paramsOwn,
          params_total: m.paramsTotal,
          input_shapes: m.inputShapes ? m.inputShapes.map(shapesJson) : null,
          output_shapes: outputsJson(m.outputShapes),
          notation: m.notation,
          receptive_field: fieldJson(m.receptiveField),
        }))
      : [],
    total_params: model ? model.totalParams : null,
    findings: analysis.findings.map(findingJson),
  };
}
