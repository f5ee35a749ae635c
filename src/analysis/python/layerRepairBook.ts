// Repairs of layer calls whose input disagrees with the layer's size argument (in_features,
// in_channels, num_features, normalized_shape, embed_dim, input_size …). The fix edits the
// constructor call, which may have made several layers (a loop, a helper called per block): the
// book gathers, per constructor call, what each of its layers expected and received, and keeps
// one edit of the argument that is right for all of them — or none, when no single edit is.
// A forgotten transpose or flatten is offered at the layer's call, when the layer is called
// directly there (not through a container, whose call site is someone else's).

import { argumentFor, callArguments, fixEdit, layerAgrees, layerRepairs, outputSizeParamOf, sizeArgumentRewrite, sizeParamFor, sizeParamOf, type Size } from '../repairs';
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

/** A layer whose output size made the arriving dim (the producer), when it is a catalogue layer. */
export interface LayerProducer {
  layer: string;
  typeName: string;
  config: Record<string, unknown>;
  ctor: { file: SourceFile; span: Span } | null;
  path: string;
}

/** True for layers whose output size is a constructor argument (a mismatch downstream may be theirs). */
export function producesSize(layer: string): boolean {
  // Asked on every call of a layer module: the catalogue's answer is kept per name.
  let answer = producesSizeByName.get(layer);
  if (answer === undefined) {
    answer = outputSizeParamOf(layer) !== null;
    producesSizeByName.set(layer, answer);
  }
  return answer;
}

const producesSizeByName = new Map<string, boolean>();

/** One constructor argument that several findings may want edited: what each of its layers needs. */
interface ArgumentEntry {
  pairs: { want: number; got: number }[];
  ctor: { file: SourceFile; span: Span };
  layer: string;
  typeName: string;
  param: { param: string; index: number };
  /** The quick-fix title without the value. */
  label: string;
}

/** Per finding: its layout fixes and the argument entries whose edits it offers. */
interface FindingRepairs {
  layout: Fix[];
  entries: string[];
}

/** Per analysis: the constructor calls whose layers disagreed with their inputs. */
export class LayerRepairBook {
  private readonly entries = new Map<string, ArgumentEntry>();
  private readonly byFinding = new Map<Finding, FindingRepairs>();

  /** Expected, got, the repair in words and the fixes of one layer mismatch; `attach` the reported finding. */
  details(site: LayerMismatchSite & { producer?: LayerProducer | null; parts?: { producer: LayerProducer | null; size: unknown }[]; partsAxis?: number | null }): { details: FindingDetails; attach(finding: Finding): void } {
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
    // The op that made the input may hold the slip: a remake of it (another dim of its cat or
    // flatten) that this layer accepts comes first, as its edit repairs every consumer at once.
    const layout: Fix[] = (input.remakes ?? []).filter((r) => layerAgrees(site.layer, expected, r.shape.map((d) => (isKnown(d) ? d : null)))).map((r) => ({ ...r.fix, title: `${r.fix.title}: it gives ${formatShapeText(r.shape)}` }));
    for (const r of repairs) {
      if (r.kind !== 'layout' || !site.call) continue;
      const fix = appendToArgument(site.call, 0, r.suffix, `Append ${r.suffix} to the input: ${r.words}`);
      if (fix) layout.push(fix);
    }
    const keys: string[] = [];
    const argument = repairs.find((r) => r.kind === 'argument');
    if (argument && argument.kind === 'argument' && site.ctor) {
      const got = Number(argument.value);
      if (!Array.isArray(site.expected)) keys.push(this.note(site.ctor, site.layer, site.typeName, param, `Set ${param.param}`, { want: expected as number, got }));
      else if (this.written(site.ctor, site.layer, site.typeName, param)) layout.push(this.literalFix(site.ctor, param, argument.value));
      // The producer may be the one that is wrong: its output size set to what this layer expects.
      const producer = site.producer;
      const out = producer ? outputSizeParamOf(producer.layer) : null;
      if (producer && out && producer.ctor && producer.config[out.param] === got && typeof expected === 'number')
        keys.push(this.note(producer.ctor, producer.layer, producer.typeName, out, `Set ${out.param} of ${producer.path}`, { want: got, got: expected }));
      // A cat made the arriving size along the checked dim: any of its parts' layers may be the one
      // that is off, by the difference (U-Net's skip joined to an upsampling whose channels are wrong).
      const p = sizeParamFor(site.layer);
      const checked = p?.axis === 'last' ? shape.length - 1 : p?.axis === 'channel' ? (p.spatial !== undefined && !p.batchedRanks && shape.length === p.spatial + 1 ? 0 : 1) : null;
      if (typeof expected === 'number' && site.partsAxis === checked && checked !== null) {
        for (const part of site.parts ?? []) {
          const made = part.producer ? outputSizeParamOf(part.producer.layer) : null;
          const size = part.size;
          if (!part.producer?.ctor || !made || typeof size !== 'number' || part.producer.config[made.param] !== size || size + expected - got <= 0) continue;
          keys.push(this.note(part.producer.ctor, part.producer.layer, part.producer.typeName, made, `Set ${made.param} of ${part.producer.path}`, { want: size, got: size + expected - got }));
        }
      }
    }
    const own: FindingRepairs = { layout, entries: keys };
    const fixes = this.fixesOf(own);
    if (fixes.length) {
      details.fixes = fixes;
      details.hint = lowerFirst(fixes[0].title);
    }
    return {
      details,
      attach: (finding) => {
        if (!this.byFinding.has(finding)) this.byFinding.set(finding, own);
        // Every finding that shares an argument gets the edit that is right for all its layers.
        for (const [f, repairsOf] of this.byFinding) {
          if (!repairsOf.entries.some((k) => keys.includes(k)) && f !== finding) continue;
          const all = this.fixesOf(repairsOf);
          if (all.length) {
            f.fixes = all;
            f.hint = lowerFirst(all[0].title);
          } else {
            delete f.fixes;
            delete f.hint;
          }
        }
      },
    };
  }

  /** Records what one layer made by a constructor call needs; returns the entry's key. */
  private note(ctor: { file: SourceFile; span: Span }, layer: string, typeName: string, param: { param: string; index: number }, label: string, pair: { want: number; got: number }): string {
    const key = `${ctor.span.from}:${ctor.span.to}:${param.param}`;
    const entry = this.entries.get(key) ?? { pairs: [], ctor, layer, typeName, param, label };
    this.entries.set(key, entry);
    entry.pairs.push(pair);
    return key;
  }

  private fixesOf(r: FindingRepairs): Fix[] {
    const fixes = [...r.layout];
    for (const key of r.entries) {
      const fix = this.argumentFix(this.entries.get(key)!);
      if (fix) fixes.push(fix);
    }
    return fixes.map((f, i) => ({ ...f, preferred: i === 0 ? true : undefined }));
  }

  private written(ctor: { file: SourceFile; span: Span }, layer: string, typeName: string, param: { param: string; index: number }): { span: Span; text: string } | null {
    if (!ctor.file.isMain) return null;
    const call = callArguments(ctor.file.text, ctor.span);
    if (!call) return null;
    // The call must be the layer's own constructor (a composite's children share the parent's call).
    const callee = ctor.file.text.slice(ctor.span.from, call.open).trim();
    const name = /([A-Za-z_]\w*)$/.exec(callee)?.[1];
    if (name !== typeName && name !== layer) return null;
    const arg = argumentFor(call.args, param.param, param.index);
    return arg && !arg.starred ? { span: arg.value, text: arg.text } : null;
  }

  private argumentFix(entry: ArgumentEntry): Fix | null {
    const written = this.written(entry.ctor, entry.layer, entry.typeName, entry.param);
    if (!written) return null;
    const newText = sizeArgumentRewrite(written.text, entry.pairs);
    if (newText === null || newText === written.text) return null;
    const layers = new Set(entry.pairs.map((p) => `${p.want}:${p.got}`)).size;
    return { title: `${entry.label} to ${newText}${layers > 1 ? ` (right for the ${layers} layers this call makes)` : ''}`, edits: [fixEdit(entry.ctor.file.lineStarts, written.span, newText)] };
  }

  /**
   * The fix setting the output size of the layer that made dim `axis` of `t` to `size`: only when
   * its configured output size is that dim's size and sits where the layer puts it (the last dim
   * of a Linear's output, the channels of a convolution's), and its constructor call is the
   * layer's own in the analysed file. A consumer that is not a layer (a sum, a product) offers it.
   */
  outputSizeFix(producer: LayerProducer, t: TensorV, axis: number, size: number): Fix | null {
    const out = outputSizeParamOf(producer.layer);
    const made = producer.config[out?.param ?? ''];
    if (!out || !producer.ctor || typeof made !== 'number' || t.shape[axis] !== made || made === size) return null;
    const rank = t.shape.length;
    const input = sizeParamFor(producer.layer);
    const where = input?.axis === 'channel' ? (input.spatial !== undefined && rank === input.spatial + 1 ? 0 : 1) : rank - 1;
    if (axis !== where) return null;
    const written = this.written(producer.ctor, producer.layer, producer.typeName, out);
    const newText = written ? sizeArgumentRewrite(written.text, [{ want: made, got: size }]) : null;
    if (!written || newText === null || newText === written.text) return null;
    return { title: `Set ${out.param} of ${producer.path} to ${newText}`, edits: [fixEdit(producer.ctor.file.lineStarts, written.span, newText)] };
  }

  private literalFix(ctor: { file: SourceFile; span: Span }, param: { param: string; index: number }, value: string): Fix {
    const call = callArguments(ctor.file.text, ctor.span)!;
    const arg = argumentFor(call.args, param.param, param.index)!;
    return { title: `Set ${param.param} to ${value}`, edits: [fixEdit(ctor.file.lineStarts, arg.value, value)] };
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

function formatShapeText(shape: readonly unknown[]): string {
  return `(${shape.map((d) => (typeof d === 'number' ? String(d) : '?')).join(',')})`;
}
