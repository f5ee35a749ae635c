// The core's one offset → line index (src/analysis/lineIndex.ts).
import assert from 'node:assert/strict';
import { lineAt, lineIndex, lineStartsOf } from '../../src/analysis/lineIndex';

describe('line index', () => {
  it('starts a line after every newline, CRLF included', () => {
    assert.deepEqual(lineStartsOf('a\nbc\r\n\nd'), [0, 2, 6, 7]);
    assert.deepEqual(lineStartsOf(''), [0]);
  });

  it('gives the 1-based line of any offset, the newline itself on its own line', () => {
    const starts = lineStartsOf('a\nbc\n\nd');
    assert.deepEqual([0, 1, 2, 4, 5, 6, 7].map((o) => lineAt(starts, o)), [1, 1, 2, 2, 3, 4, 4]);
    const line = lineIndex('x\ny');
    assert.equal(line(2), 2);
    assert.equal(line(100), 2);
  });
});
