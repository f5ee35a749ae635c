// Input shapes from a TensorFlow.js file's own use of its model: `const model = digitCnn();
// model.predict(tf.zeros([8, 28, 28, 1]))` binds the model that `digitCnn` builds, as the Python
// front end's usageInputs.ts does for PyTorch and Keras. A scan of the text: it reads shape
// literals only, so it runs nothing and never throws.

import type { DimOut, InputSource, Span } from '../types';

/** One use of a model on a tensor whose shape the file writes. */
export interface TfjsUsage {
  /** The factory whose model was used (`digitCnn`), or the variable holding it. */
  target: string;
  shape: DimOut[];
  site: Span;
  text: string;
}

const makers = String.raw`tf\.(?:zeros|ones|randomNormal|randomUniform|truncatedNormal|fill)\(\s*\[([^\]]*)\]`;

function dimsOf(list: string, constants: ReadonlyMap<string, number>): DimOut[] | null {
  const parts = list.split(',').map((p) => p.trim()).filter((p) => p !== '');
  const out: DimOut[] = [];
  for (const p of parts) {
    if (/^\d+$/.test(p)) out.push(Number(p));
    else if (constants.has(p)) out.push(constants.get(p)!);
    else if (p === 'null' || p === '-1') out.push('N');
    else if (/^[A-Za-z_$][\w$]*$/.test(p)) out.push(p);
    else return null;
  }
  return out.length > 0 ? out : null;
}

/** The uses of models on tensors in a tfjs file, in source order. */
export function tfjsUsages(text: string): TfjsUsage[] {
  const constants = new Map<string, number>();
  for (const m of text.matchAll(/\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::\s*number\s*)?=\s*(\d+)\s*;?\s*$/gm)) constants.set(m[1], Number(m[2]));
  const heldBy = new Map<string, string>();
  for (const m of text.matchAll(/\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=\n]+)?=\s*(?:await\s+)?([A-Za-z_$][\w$]*)\s*\(/g)) {
    if (m[2] !== 'tf') heldBy.set(m[1], m[2]);
  }
  const tensors = new Map<string, DimOut[]>();
  for (const m of text.matchAll(new RegExp(String.raw`\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=\n]+)?=\s*${makers}`, 'g'))) {
    const dims = dimsOf(m[2], constants);
    if (dims) tensors.set(m[1], dims);
  }
  const out: TfjsUsage[] = [];
  const call = new RegExp(String.raw`\b([A-Za-z_$][\w$]*)\.(?:predict|predictOnBatch|apply|execute)\(\s*(?:${makers}|([A-Za-z_$][\w$]*)\s*[,)])`, 'g');
  for (const m of text.matchAll(call)) {
    const dims = m[2] !== undefined ? dimsOf(m[2], constants) : m[3] !== undefined ? tensors.get(m[3]) ?? null : null;
    if (!dims || m.index === undefined) continue;
    const target = heldBy.get(m[1]) ?? m[1];
    const end = text.indexOf(')', m.index + m[0].length - 1);
    const to = Math.max(m.index + m[0].length, end + 1);
    out.push({ target, shape: dims, site: { from: m.index, to }, text: text.slice(m.index, to).replace(/\s+/g, ' ').slice(0, 80) });
  }
  return out;
}

/** The input source of a model bound by its first use (the others mentioned). */
export function tfjsInputSource(usages: readonly TfjsUsage[], target: string, lineOf: (offset: number) => number): { shape: DimOut[]; source: InputSource } | null {
  const mine = usages.filter((u) => u.target === target);
  if (mine.length === 0) return null;
  const place = (u: TfjsUsage) => ({ text: u.text, span: u.site, line: lineOf(u.site.from) });
  return { shape: mine[0].shape, source: { kind: 'usage', ...place(mine[0]), others: mine.slice(1).map(place) } };
}
