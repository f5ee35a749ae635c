// The CLI's JSON schema (issue 3): one object per analysed model, in the same shape as the
// fixtures the PyTorch script writes, so the two can be compared module by module.

import type { Analysis, ModelInfo, ReceptiveField, ShapesOut } from '../analysis/types';

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
  findings: { severity: string; line: number; message: string }[];
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
    findings: analysis.findings.map((f) => ({ severity: f.severity, line: f.line, message: f.message })),
  };
}
