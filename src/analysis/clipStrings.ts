// Bounds on the strings an Analysis carries out of the core. A file decides the strings the
// analysis reads (`padding_mode='a' * 300000000`); without a bound one of them would travel whole
// into a finding, a hover and over the editor's IPC as a diagnostic. Every string the analysis
// returns (messages, configs, paths, notations, formulas) is clipped here, once, at the exit.

import type { Analysis } from './types';

/** The longest finding message kept, in characters. */
export const MAX_MESSAGE_CHARS = 2000;

/** The longest other string kept (a config value, a path, a notation, a formula), in characters. */
export const MAX_VALUE_CHARS = 500;

/** The text clipped to at most `max` characters, ending with how long it was (so clipping twice changes nothing). */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  const suffix = `… (${text.length.toLocaleString('en')} characters)`;
  return `${text.slice(0, Math.max(0, max - suffix.length))}${suffix}`;
}

/** A config value with every string inside it clipped (arrays and plain objects followed, a few levels deep). */
function clipValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return clipText(value, MAX_VALUE_CHARS);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => clipValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[clipText(k, MAX_VALUE_CHARS)] = clipValue(v, depth + 1);
  return out;
}

/** Whether `clipValue` would shorten something in the value (most configs hold short strings only). */
function holdsLongString(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.length > MAX_VALUE_CHARS;
  if (depth > 8 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (holdsLongString(value[i], depth + 1)) return true;
    return false;
  }
  // Keys, not entry pairs: every module's config of every analysis passes here.
  const o = value as Record<string, unknown>;
  // for-in over plain objects (their prototype adds no enumerable keys): no key array per config.
  for (const k in o) if (k.length > MAX_VALUE_CHARS || holdsLongString(o[k], depth + 1)) return true;
  return false;
}

/** Whether a module's config holds anything but numbers, booleans and null (only then may it hold a long string). */
function holdsNonScalar(config: Record<string, unknown>): boolean {
  for (const k in config) {
    const v = config[k];
    if (typeof v !== 'number' && typeof v !== 'boolean' && v !== null) return true;
  }
  return false;
}

/**
 * Clips every long string of the analysis in place (objects the core may share between runs are
 * only ever shortened, so clipping twice changes nothing) and returns it.
 */
export function clipAnalysisStrings(analysis: Analysis): Analysis {
  const long = (s: string | null, max = MAX_VALUE_CHARS) => s !== null && s.length > max;
  for (const finding of analysis.findings) {
    if (long(finding.message, MAX_MESSAGE_CHARS)) finding.message = clipText(finding.message, MAX_MESSAGE_CHARS);
    for (const related of finding.related) if (long(related.message, MAX_MESSAGE_CHARS)) related.message = clipText(related.message, MAX_MESSAGE_CHARS);
  }
  for (const annotation of analysis.annotations) {
    if (long(annotation.notation)) annotation.notation = clipText(annotation.notation!, MAX_VALUE_CHARS);
    // Clipped exactly as the module's path below, so the two still match.
    if (long(annotation.modulePath)) annotation.modulePath = clipText(annotation.modulePath!, MAX_VALUE_CHARS);
  }
  for (const model of analysis.models) {
    if (long(model.name)) model.name = clipText(model.name, MAX_VALUE_CHARS);
    if (long(model.expr)) model.expr = clipText(model.expr, MAX_VALUE_CHARS);
    for (const module of model.modules) {
      if (long(module.path)) module.path = clipText(module.path, MAX_VALUE_CHARS);
      if (long(module.type)) module.type = clipText(module.type, MAX_VALUE_CHARS);
      if (long(module.notation)) module.notation = clipText(module.notation!, MAX_VALUE_CHARS);
      if (long(module.formula)) module.formula = clipText(module.formula!, MAX_VALUE_CHARS);
      if (holdsNonScalar(module.config) && holdsLongString(module.config)) module.config = clipValue(module.config) as Record<string, unknown>;
    }
  }
  return analysis;
}
