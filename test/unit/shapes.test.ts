import assert from 'node:assert/strict';
import {
  addDim, ceilDivDim, compareDims, floorDivDim, formatDim, formatShape, isUnknown, maxDim, MAX_SYMBOLIC_TERMS, mulDim, parseDim,
  productDim, subDim, substituteDim, symDim, unknownDim,
} from '../../src/analysis/shapes';

describe('shapes: dimension arithmetic', () => {
  const H = symDim('H');
  const N = symDim('N');

  it('keeps integers exact', () => {
    assert.equal(addDim(3, 4), 7);
    assert.equal(floorDivDim(-7, 2), -4, 'floor division follows Python for negatives');
    assert.equal(ceilDivDim(7, 2), 4);
  });

  it('prints symbolic expressions in a normal form', () => {
    assert.equal(formatDim(subDim(H, 2)), 'H-2');
    assert.equal(formatDim(addDim(subDim(H, 2), 2)), 'H', 'constants cancel back to the symbol');
    assert.equal(formatDim(mulDim(2, H)), '2*H');
    // Issue 17: a constant added to a floor division folds into it, (H-1)//2 + 1 = (H+1)//2.
    assert.equal(formatDim(addDim(floorDivDim(subDim(H, 1), 2), 1)), '(H+1)//2');
    assert.equal(formatShape([N, 64]), '(N,64)');
  });

  it('keeps products factored as the code computes them, never expanded into sums (issue 17)', () => {
    const pooled = (x: typeof H) => addDim(floorDivDim(subDim(x, 6), 2), 1);
    const W = symDim('W');
    assert.equal(formatDim(mulDim(64, mulDim(pooled(H), pooled(W)))), '64*((H-4)//2)*((W-4)//2)');
    assert.equal(formatDim(mulDim(subDim(H, 2), subDim(W, 2))), '(H-2)*(W-2)');
    assert.equal(formatDim(subDim(0, floorDivDim(H, 2))), '-(H//2)');
    assert.equal(formatDim(subDim(mulDim(H, W), 1)), 'H*W-1', 'a sum that does not factor prints as a sum');
  });

  it('distributes exact floor division over a polynomial', () => {
    assert.equal(formatDim(floorDivDim(addDim(mulDim(2, H), 3), 2)), 'H+1');
    assert.equal(formatDim(floorDivDim(mulDim(4, H), 2)), '2*H');
  });

  it('multiplies polynomials and sorts monomials', () => {
    assert.equal(formatDim(mulDim(addDim(H, 1), N)), 'N*(H+1)');
    assert.equal(formatDim(productDim([N, 3, H])), '3*H*N');
  });

  it('reports a mismatch only when it is certain', () => {
    assert.equal(compareDims(64, 32), 'different');
    assert.equal(compareDims(subDim(H, 2), H), 'different', 'differ by a non-zero constant');
    assert.equal(compareDims(H, N), 'unknown');
    assert.equal(compareDims(addDim(H, 0), H), 'equal');
    assert.equal(compareDims(unknownDim(), 3), 'unknown');
  });

  it('lets unknown poison arithmetic', () => {
    assert.equal(formatDim(addDim(unknownDim(), 3)), '?');
    assert.equal(formatDim(floorDivDim(H, 0)), '?');
  });

  it('decides max when the difference is constant', () => {
    assert.equal(formatDim(maxDim(H, subDim(H, 1))), 'H');
    assert.equal(formatDim(maxDim(H, N)), 'max(H,N)');
  });

  it('parses printed dims and substitutes bindings', () => {
    assert.equal(formatDim(parseDim(' T - 1 ')), 'T-1');
    assert.equal(parseDim('224'), 224);
    const d = addDim(floorDivDim(subDim(H, 1), 2), 1);
    assert.equal(substituteDim(subDim(H, 2), new Map([['H', 6]])), 4);
    assert.equal(substituteDim(d, new Map([['H', 224]])), 112, 'floor atoms are recomputed');
    assert.equal(formatDim(substituteDim(d, new Map([['N', 2]]))), '(H+1)//2');
  });

  // Issue 19: without the bounds, the first loop below builds a polynomial of 2^64 terms (it never
  // finishes, and mocha's timeout fails the test); with them each loop ends within a few passes.
  it('bounds polynomials grown by repeated arithmetic: beyond the bounds a dimension is unknown', () => {
    let squared: ReturnType<typeof addDim> = N;
    for (let i = 0; i < 64; i++) squared = addDim(mulDim(squared, squared), squared);
    assert.ok(isUnknown(squared), 'h = h * h + h stays symbolic forever');
    let power: ReturnType<typeof mulDim> = N;
    for (let i = 0; i < 64; i++) power = mulDim(power, power);
    assert.ok(isUnknown(power), 'h = h * h: one term whose degree doubles');
    let nested: ReturnType<typeof floorDivDim> = N;
    for (let i = 0; i < 64; i++) nested = floorDivDim(addDim(mulDim(nested, nested), 1), 2);
    assert.ok(isUnknown(nested), 'floor-division atoms nested in their own squares');
    let sum: ReturnType<typeof addDim> = 0;
    for (let i = 0; i <= MAX_SYMBOLIC_TERMS; i++) sum = addDim(sum, symDim(`S${i}`));
    assert.ok(isUnknown(sum), `${MAX_SYMBOLIC_TERMS + 1} distinct symbols summed`);
  });

  it('keeps polynomials within the bounds exact', () => {
    const cube = mulDim(mulDim(addDim(N, 1), addDim(N, 1)), addDim(N, 1));
    assert.ok(!isUnknown(cube), '(N + 1)^3 is four terms of degree 3');
    assert.equal(compareDims(cube, addDim(addDim(addDim(mulDim(mulDim(N, N), N), mulDim(3, mulDim(N, N))), mulDim(3, N)), 1)), 'equal');
  });
});

