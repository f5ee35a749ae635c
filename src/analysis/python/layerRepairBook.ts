// Repairs of layer calls whose input disagrees with the layer's size argument (in_features,
// in_channels, num_features, normalized_shape, embed_dim, input_size …). The fix edits the
// constructor call, which may have made several layers (a loop, a helper called per block): the
// book gathers, per constructor call, what each of its layers expected and received, and keeps
// one edit of the argument that is right for all of them — or none, when no single edit is.
// A forgotten transpose or flatten is offered at the layer's call, when the layer is called
// directly there (not through a container, whose call site is someone else's).

import { argumentFor, callArguments, fixEdit, layerRepairs, sizeArgumentRewrite, sizeParamOf, type Size } from '../repairs';
import { isKnown } from '../shapes';
import type { Finding, Fix, Span } from '../types';
import type { FindingDetails } from './interpreter';
import { appendToArgument } from './tensorOps/repairSites';
import { formatTensorShape, type CallSite, type SourceFile, type TensorV } from './values';

/** What the engine knows at a layer's shape error. */
export interface LayerMismatchSite {
  /** The catalogue name (`Linear`) and the class the user wrote (`Linear`, or a subclass). */
  layer: string;
  typeName: string;
  /** The layer's size argument as configured (a number, or a list of numbers for LayerNorm). */
  expected: unknown;
  input: TensorV | null;
  /** The constructor call, when it is in the analysed file. */
  ctor: { file: SourceFile; span: Span } | null;
  /** The layer's own call site, when the layer is called directly there. */
  call: CallSite | null;
}

const ARGUMENT_TITLE = 'Set ';

interface CtorEntry {
  pairs: { want: number; got: number }[];
  findings: Finding[];
}

/** Per analysis: the constructor calls whose layers disagreed with their inputs. */
export class LayerRepairBook {
  private readonly ctors = new Map<string, CtorEntry>();

  /** Expected, got, the repair in words and the fixes of one layer mismatch; `attach` the reported finding. */
  details(site: LayerMismatchSite): { details: FindingDetails; attach(finding: Finding): void } {
    const none = { details: {}, attach: () => undefined };
    const param = sizeParamOf(site.layer);
    const input = site.input;
    if (!param || !input || !input.ranked) return none;
    const expected = numbersOf(site.expected);
    if (expected === null) return none;
    const shape: Size[] = input.shape.map((d) => (isKnown(d) ? d : null));
    const repairs = layerRepairs(site.layer, expected, shape);
    if (!repairs.length) return none;
    const details: FindingDetails = { expected: `${param.param}=${Array.isArray(expected) ? `(${expected.join(', ')})` : expected}`, got: formatTensorShape(input) };
    const fixes: Fix[] = [];
    for (const r of repairs) if (r.kind === 'layout' && site.call) {
      const fix = appendToArgument(site.call, 0, r.suffix, `Append ${r.suffix} to the input: ${r.words}`);
      if (fix) fixes.push(fix);
    }
    const argument = repairs.find((r) => r.kind === 'argument');
    let entry: CtorEntry | null = null;
    let key = '';
    if (argument && argument.kind === 'argument' && site.ctor && !Array.isArray(site.expected)) {
      key = `${site.ctor.span.from}:${site.ctor.span.to}:${param.param}`;
      entry = this.ctors.get(key) ?? { pairs: [], findings: [] };
      this.ctors.set(key, entry);
      entry.pairs.push({ want: expected as number, got: Number(argument.value) });
    }
    const argumentFix = entry ? this.argumentFix(site, param, entry) : argument && argument.kind === 'argument' && site.ctor ? this.literalFix(site, param, argument.value) : null;
    if (argumentFix) fixes.push(argumentFix);
    if (fixes.length) {
      fixes[0] = { ...fixes[0], preferred: true };
      details.fixes = fixes;
      details.hint = lowerFirst(fixes[0].title);
    }
    return {
      details,
      attach: (finding) => {
        if (!entry) return;
        if (!entry.findings.includes(finding)) entry.findings.push(finding);
        // Every finding of this constructor call gets the argument edit that is right for all its layers.
        const fix = this.argumentFix(site, param, entry);
        for (const f of entry.findings) {
          const rest = (f.fixes ?? []).filter((x) => !x.title.startsWith(ARGUMENT_TITLE));
          const all = fix ? [...rest, fix] : rest;
          if (all.length) {
            f.fixes = all.map((x, i) => ({ ...x, preferred: i === 0 ? true : undefined }));
            f.hint = lowerFirst(all[0].title);
          } else {
            delete f.fixes;
            delete f.hint;
          }
        }
      },
    };
  }

  private written(site: LayerMismatchSite, param: { param: string; index: number }): { span: Span; text: string } | null {
    if (!site.ctor || !site.ctor.file.isMain) return null;
    const call = callArguments(site.ctor.file.text, site.ctor.span);
    if (!call) return null;
    // The call must be the layer's own constructor (a composite's children share the parent's call).
    const callee = site.ctor.file.text.slice(site.ctor.span.from, call.open).trim();
    const name = /([A-Za-z_]\w*)$/.exec(callee)?.[1];
    if (name !== site.typeName && name !== site.layer) return null;
    const arg = argumentFor(call.args, param.param, param.index);
    return arg && !arg.starred ? { span: arg.value, text: arg.text } : null;
  }

  private argumentFix(site: LayerMismatchSite, param: { param: string; index: number }, entry: CtorEntry): Fix | null {
    const written = this.written(site, param);
    if (!written) return null;
    const newText = sizeArgumentRewrite(written.text, entry.pairs);
    if (newText === null || newText === written.text) return null;
    return { title: `${ARGUMENT_TITLE}${param.param} to ${newText}${entry.pairs.length > 1 ? ` (right for the ${new Set(entry.pairs.map((p) => p.got)).size} layers this call makes)` : ''}`, edits: [fixEdit(site.ctor!.file.lineStarts, written.span, newText)] };
  }

  private literalFix(site: LayerMismatchSite, param: { param: string; index: number }, value: string): Fix | null {
    const written = this.written(site, param);
    if (!written || written.text === value) return null;
    return { title: `${ARGUMENT_TITLE}${param.param} to ${value}`, edits: [fixEdit(site.ctor!.file.lineStarts, written.span, value)] };
  }
}

function numbersOf(v: unknown): number | number[] | null {
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number')) return v as number[];
  return null;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
