// Properties of the convolution arithmetic: the closed forms agree with counting windows one by
// one, and a symbolic result, once its symbol is bound, equals the result computed on the number.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { convOutputLength, convTransposeOutputLength, poolOutputLength } from '../../src/analysis/layers/convArithmetic';
import { isUnknown, substituteDim, symDim } from '../../src/analysis/shapes';

const H = symDim('H');
const window = fc.record({
  length: fc.integer({ min: 1, max: 300 }),
  kernel: fc.integer({ min: 1, max: 7 }),
  stride: fc.integer({ min: 1, max: 4 }),
  padding: fc.integer({ min: 0, max: 3 }),
  dilation: fc.integer({ min: 1, max: 3 }),
});

/** Windows of a convolution counted one by one: starts i·s whose last tap stays inside the padded input. */
function countConvWindows(L: number, k: number, s: number, p: number, d: number): number {
  let n = 0;
  for (let start = 0; start + d * (k - 1) <= L + 2 * p - 1; start += s) n++;
  return n;
}

/**
 * Windows of a ceil-mode pool counted one by one: a window may hang over the right end, but it
 * must start inside the input or the left padding.
 */
function countCeilPoolWindows(L: number, k: number, s: number, p: number, d: number): number {
  let n = 0;
  const extent = d * (k - 1) + 1;
  for (let start = 0; start < L + p; start += s) {
    if (start + extent > L + 2 * p + s - 1) break;
    n++;
  }
  return n;
}

const bindH = (value: number) => new Map([['H', value]]);

describe('convolution arithmetic properties', () => {
  it('convOutputLength counts the windows that fit', () => {
    fc.assert(
      fc.property(window, ({ length, kernel, stride, padding, dilation }) => {
        const expected = countConvWindows(length, kernel, stride, padding, dilation);
        const got = convOutputLength(length, kernel, stride, padding, dilation);
        // A non-positive length is what PyTorch rejects; the count is then zero.
        assert.equal(Math.max(0, got as number), expected);
      }),
    );
  });

  it('poolOutputLength with ceil_mode counts windows that start inside the input or left padding', () => {
    fc.assert(
      fc.property(window, ({ length, kernel, stride, padding, dilation }) => {
        fc.pre(padding <= Math.floor(kernel / 2));
        fc.pre(length + 2 * padding >= dilation * (kernel - 1) + 1);
        assert.equal(poolOutputLength(length, kernel, stride, padding, dilation, true), countCeilPoolWindows(length, kernel, stride, padding, dilation));
      }),
    );
  });

  it('symbolic lengths, once bound, equal the numeric result', () => {
    fc.assert(
      fc.property(window, fc.boolean(), ({ length, kernel, stride, padding, dilation }, ceil) => {
        const symbolic = [
          convOutputLength(H, kernel, stride, padding, dilation),
          convTransposeOutputLength(H, kernel, stride, padding, dilation, 0),
          poolOutputLength(H, kernel, stride, padding, dilation, ceil),
        ];
        const numeric = [
          convOutputLength(length, kernel, stride, padding, dilation),
          convTransposeOutputLength(length, kernel, stride, padding, dilation, 0),
          poolOutputLength(length, kernel, stride, padding, dilation, ceil),
        ];
        symbolic.forEach((d, i) => {
          // An unknown symbolic result is allowed (ceil mode that may drop a window); a known one must agree.
          if (!isUnknown(d)) assert.equal(substituteDim(d, bindH(length)), numeric[i]);
        });
      }),
    );
  });
});
