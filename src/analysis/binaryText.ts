// Binary files opened as source (a checkpoint renamed .py, a corrupted download) would make the
// parsers' error recovery work through every byte. They are recognised up front, in one cheap
// pass, and answered with a single finding instead.

import type { Analysis, Language } from './types';

/** Share of control characters, replacement characters and lone surrogates above which a text is binary. */
const BINARY_SHARE = 0.05;

/** Whether the text looks like binary data rather than source code. */
export function looksBinary(text: string): boolean {
  if (text.length < 256) return false;
  let odd = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 32) {
      if (c !== 9 && c !== 10 && c !== 13 && c !== 12) odd++;
    } else if ((c >= 0x7f && c < 0xa0) || c === 0xfffd) odd++;
    else if (c >= 0xd800 && c <= 0xdfff) {
      // A well-formed surrogate pair is an ordinary character (emoji in a comment).
      const next = text.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++;
      else odd++;
    }
  }
  return odd > text.length * BINARY_SHARE;
}

/** The analysis of a binary text: nothing inferred, one finding saying why. */
export function binaryAnalysis(language: Language): Analysis {
  return {
    language,
    models: [],
    annotations: [],
    findings: [{ severity: 'warning', code: 'syntax', span: { from: 0, to: 0 }, line: 1, message: 'this file looks like binary data, not source code: the analysis does not read it', related: [] }],
    elapsedMs: 0,
  };
}
