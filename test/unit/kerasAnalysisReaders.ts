// Readers of a Keras analysis that the Keras unit tests share.
import assert from 'node:assert/strict';
import type { Analysis, ModelInfo } from '../../src/analysis/types';

/** The error findings of an analysis as `line: message`. */
export function errors(a: Analysis): string[] {
  return a.findings.filter((f) => f.severity === 'error').map((f) => `${f.line}: ${f.message}`);
}

/** The analysis's Keras model; fails with every finding when there is none. */
export function kerasModel(a: Analysis): ModelInfo {
  const m = a.models.find((x) => x.framework === 'keras');
  assert.ok(m, `no Keras model; findings: ${a.findings.map((f) => `${f.line}: ${f.message}`).join('; ')}`);
  return m;
}
