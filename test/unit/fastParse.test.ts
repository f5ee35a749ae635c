// The fast Python parser (src/analysis/python/fastParse.ts) against the Lezer path it stands in
// for: on every text it must return null or exactly the module `convertTree(parsePython(text))`
// gives with no errors, and never throw. Reproducers of the lowering's quirks, broken code, the
// lowering's fixtures, a fixed-seed mutation fuzz of the examples (half-typed code), and whole
// analyses with the fast path on and off.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/analysis/analyze';
import { convertTree } from '../../src/analysis/python/ast';
import { fastParseBailReason, fastParsePython, setFastParseEnabled } from '../../src/analysis/python/fastParse';
import { parsePython } from '../../src/analysis/python/parse';
import type { Module } from '../../src/analysis/python/syntax';
import { syntheticModel } from '../../bench/syntheticModel';

const examplesDir = join(__dirname, '..', '..', 'examples');
const astFixturesDir = join(__dirname, '..', 'fixtures', 'ast');

/** JSON that keeps non-finite numbers apart from null (`1e999` is Infinity on both paths). */
function canonical(m: Module): string {
  return JSON.stringify(m, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? `#${v}` : v));
}

function lezer(text: string): Module {
  return convertTree(parsePython(text).tree, text);
}

/** Null, or identical to the Lezer path (which then has no errors); the fast parser never throws. */
function assertSafe(text: string): Module | null {
  let fast: Module | null;
  assert.doesNotThrow(() => {
    fast = fastParsePython(text);
  }, JSON.stringify(text));
  if (fast! === null) return null;
  const slow = lezer(text);
  assert.equal(canonical(fast!), canonical(slow), `different on ${JSON.stringify(text.slice(0, 200))}`);
  return fast!;
}

/** The fast path is taken and identical. */
function assertIdentical(text: string): void {
  const fast = fastParsePython(text);
  assert.ok(fast, `bailed (${fastParseBailReason()}) on ${JSON.stringify(text)}`);
  assert.equal(canonical(fast), canonical(lezer(text)), JSON.stringify(text));
}

describe('fast Python parser', () => {
  const tricky: [string, string][] = [
    ['spans of compound statements end after the last line break', 'def f(x):\n    return x  # c\n\n\ny = 1  \nclass A(B):\n  pass\n# hi\n  \nif a:\n  if b:\n    c\nd'],
    ['a body on the header line, at the end of the text', 'if x: pass  '],
    ['comment lines after a body', 'if x:\n  pass\n  # c\n\n# d\ny\n'],
    ['strings, implicit concatenation, escapes, raw and bytes', "x = 'a' \"b\"\ny = 'a\\nb\\x41\\\\' r'\\n' b'z' u'w'\nz = '''t\n'''\n"],
    ['f-strings with conversions, specs, self-documenting and doubled braces', "x = f'a{b!r:>{w}}c{{d}}' 'e'\ny = f''\nz = f\"{x=}\" f'{a[\"k\"]}'\nw = rf'{x}\\d'\n"],
    ['numbers: underscores, hex/octal/binary, floats, exponents, imaginary, trailing dots', 'x = 1_000 + 0x1F + 0o17 + 0b101 + 1e-3 + 2j + .5 + 6. + 1.5e3 + 1E5\ny = (6., [1.])\n'],
    ['docstrings and decorators', '@a.b(c)\n@d\ndef f(x: int = 1, *args, y, **kw) -> int:\n  """Doc."""\n  pass\n'],
    ['async def/for/with and await', 'async def f():\n  async for a in b:\n    await c\n  async with c as d:\n    x = await d.e(1) + 2\n'],
    ['yield statements make generators, not nested ones', 'def f():\n  yield\n  def g():\n    yield 1\n  class C:\n    pass\ndef h():\n  yield from x\n'],
    ['lambda parameters and star arguments', 'f = lambda x, y=1, *a, **k: 0\ng(*a, **b, c=d)\nh = lambda: a if b else c\n'],
    ['slices and tuple indexes', 'x[a:b, ::2, c]\nx[:]\nx[a,]\nx[()]\nx[(a, b)]\nx[1:]\nx[::]\n'],
    ['comprehensions and generator arguments', 'x = [a for a in b for c in d if e]\ny = {a: b for a, b in c}\nz = {a for a in b}\nf(x for x in y)\nw = (i for i, in z)\n'],
    ['walrus', 'if (m := f(x)) is not None:\n  pass\nwhile n := g():\n  pass\n'],
    ['global, nonlocal, del, assert, raise from', 'def f():\n  global a, b\n  nonlocal c\n  del a, b[0]\n  assert x, "m"\n  raise X from Y\n  raise\n'],
    ['print as a call', 'print(x)\nprint\nprint .x\n'],
    ["Python 2's print statement, which the lowering drops", 'print x\nif a: print "a" % b\nprint -1; y\n'],
    ['names with characters from U+00A1 up, as Lezer reads them', 'Ɛ = f(Ɛ1)\nx.Ɛ\ny = a×b\n'],
    ['a walrus argument, read as a keyword argument', 'f(x := 1, y)\n'],
    ['annotations and return annotations', 'x: int\ny: List[int] = []\ntype: str = "a"\ndef f(a: "T", *b: int, **c: str) -> Tuple[int, ...]: ...\n'],
    ['try and except*', 'try:\n  pass\nexcept* E as e:\n  pass\nexcept (A, B):\n  pass\nexcept:\n  pass\nelse:\n  pass\nfinally:\n  pass\n'],
    ['with items', 'with open(a) as f, b: pass\nwith (a, b): pass\n'],
    ['semicolons and backslash continuations', 'x = 1; y = 2;\nz = a + \\\n    b\nif x: a; b\n'],
    ['chained comparisons, also through parentheses', 'a < b < c\n(a < b) < c\na < b < c < d\na == (b < c) < d\n(a) < b < c < d\na in b in c\na is not b\na not in b\n'],
    ['not reaches over and/or as @lezer/python reads it', 'not a == b\nnot a and b\na and not b == c\nnot a or b\na or not b and c\nnot a if b else c\na < not b\n'],
    ['power and unary minus', '-a ** b\na ** -b ** c\n-a * b\n~x + +y\n'],
    ['conditional expressions and operator precedence', 'a if b else c if d else e\na | b ^ c & d << e + f * g ** h @ i // j % k\n'],
    ['ellipsis, None, booleans, attributes named like keywords', 'x = ...\ny = None, True, False\nz = a.if_, a.None\n'],
    ['imports', 'import a.b as c, d\nfrom ..a.b import (c as d, e,)\nfrom . import *\nfrom ...x import y\nfrom .... import z\n'],
    ['dictionaries, sets, starred items', 'x = {**a, "b": c}\ny = {}\nz = {*a, b}\nw = [*a, b]\n*a, b = c\na, = b\nv = *a, b\n'],
    ['augmented assignments', 'x += 1, 2\nx[y] **= 2\nx //= 3\nx >>= 1\nx @= m\n'],
    ['class definitions', 'class A: pass\nclass B(): pass\nclass C(A, metaclass=M):\n  x: int = 0\n'],
    ['tabs in indentation', 'if x:\n\tpass\n\tif y:\n\t\tpass\n'],
    ['empty text and only comments', ''],
    ['only comments', '# a\n\n# b\n'],
  ];
  for (const [name, text] of tricky) {
    it(`reads ${name} as the Lezer path does`, () => assertIdentical(text));
  }

  const broken = ['def f(:\n  pass\n', 'x = (1, 2\n', 'if x\n  y\n', 'x = = 1\n', 'def f():\nreturn 1\n', 'x = 1 +\n', 'class A(\n', 'a b\n', 'x = [1, 2}\n'];
  for (const text of broken) {
    it(`leaves broken code to Lezer: ${JSON.stringify(text)}`, () => {
      assert.equal(fastParsePython(text), null);
      assert.ok(lezer(text).errors.length > 0, 'the Lezer path reports the error');
    });
  }

  it('bails out on constructs whose Lezer reading it does not reproduce', () => {
    // Python rejects the first three, Lezer reads them without an error: still left to it.
    for (const text of ["s = 'abc\n", '  x = 1\n', 'if x:\n    a\n  b\n', 'match x:\n  case 1:\n    pass\n', 'x = yield y\n', 'print\\\n x\n', 'for i in x:\n  y\nprint i\n', 'type X = int\n', 'x = 1.e5\n', 'x = a.\n', 'def f[T](x): pass\n', 'with (a as b, c as d): pass\n']) {
      assert.equal(fastParsePython(text), null, JSON.stringify(text));
      assert.notEqual(fastParseBailReason(), '');
    }
  });

  it("leaves statement lists with hundreds of expression statements to Lezer (it forces reductions there, torch's _tensor_docs.py)", () => {
    const text = 'add_docstr_all(\n    "abs",\n    r"""\nabs() -> Tensor\n\nSee :func:`torch.abs`\n""",\n)\n\n'.repeat(400);
    assert.ok(lezer(text).errors.length > 0, 'Lezer reads an error into this valid text');
    assert.equal(fastParsePython(text), null);
    assertIdentical('def f():\n  pass\n'.repeat(400));
    const block = 'if x:\n' + '    add(\n        "a", r"""\n doc doc doc doc\n"""\n    )\n\n'.repeat(700);
    assert.ok(lezer(block).errors.length > 0, 'the same in a block');
    assert.equal(fastParsePython(block), null);
  });

  it('bails out well before nesting the lowering or Lezer cannot follow', () => {
    assert.equal(fastParsePython('x = ' + '('.repeat(400) + '1' + ')'.repeat(400) + '\n'), null);
    assert.equal(fastParsePython('x = ' + Array.from({ length: 400 }, (_, i) => `a${i}`).join(' + ') + '\n'), null);
    assertSafe('x = ' + '['.repeat(60) + ']'.repeat(60) + '\n');
  });

  it('reads the synthetic model files and the examples identically', () => {
    for (const lines of [50, 500, 2000]) assertIdentical(syntheticModel(lines).text);
    for (const f of readdirSync(examplesDir).filter((f) => f.endsWith('.py'))) assertIdentical(readFileSync(join(examplesDir, f), 'utf8'));
  });

  it('reads Windows line breaks as the Lezer path does (its line break token is the carriage return)', () => {
    for (const f of readdirSync(examplesDir).filter((f) => f.endsWith('.py'))) assertIdentical(readFileSync(join(examplesDir, f), 'utf8').replace(/\n/g, '\r\n'));
    for (const [, text] of tricky) assertSafe(text.replace(/\n/g, '\r\n'));
    assert.equal(fastParsePython('x = 1\ry = 2\n'), null, 'a lone carriage return is left to Lezer');
  });

  it("gives null or the Lezer path's module on every case of the lowering's fixtures", () => {
    for (const f of readdirSync(astFixturesDir).filter((f) => f.endsWith('.txt'))) {
      const text = readFileSync(join(astFixturesDir, f), 'utf8');
      for (const part of text.split(/^==>$/m)) {
        // Each fixture's code sits between its `# name` line and its `==>` line.
        const code = part.split(/^# .*$/m).pop() ?? '';
        assertSafe(code.trim() + '\n');
      }
    }
  });

  it('gives null or the Lezer path on 600 random mutations (fixed seed), never throwing', () => {
    let seed = 20;
    const random = () => {
      // A small linear congruential generator: the same mutations on every run.
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const sources = readdirSync(examplesDir)
      .filter((f) => f.endsWith('.py'))
      .sort()
      .map((f) => readFileSync(join(examplesDir, f), 'utf8'));
    sources.push(syntheticModel(60).text, ...tricky.map(([, text]) => text));
    const pieces = ['(', ')', '[', ']', ':', ',', '.', '=', '\n', '    ', '\\\n', "'", '"', '"""', '#', 'f"{', '}', '6.', 'not ', 'lambda ', 'yield ', 'await ', '*', '**', '@', '\t', ';', 'if ', 'else ', 'for '];
    let taken = 0;
    for (let k = 0; k < 600; k++) {
      let text = sources[k % sources.length];
      // Every third source with Windows line breaks.
      if (k % 3 === 0) text = text.replace(/\n/g, '\r\n');
      const at = Math.floor(random() * text.length);
      switch (k % 5) {
        case 0:
          text = text.slice(0, at) + text.slice(at + 1);
          break;
        case 1:
          text = text.slice(0, at) + pieces[Math.floor(random() * pieces.length)] + text.slice(at);
          break;
        case 2:
          text = text.slice(0, at) + text[at] + text.slice(at);
          break;
        case 3: {
          // Delete a word-sized run, as when a token is cut.
          const len = 1 + Math.floor(random() * 8);
          text = text.slice(0, at) + text.slice(at + len);
          break;
        }
        default:
          // Half-typed code: the text cut at a random point.
          text = text.slice(0, at);
      }
      if (assertSafe(text)) taken++;
    }
    assert.ok(taken > 60, `the fast path was taken on ${taken} of 600 mutations`);
  });

  it('gives the same analysis with the fast path on and forced off', () => {
    const files = [...readdirSync(examplesDir).filter((f) => f.endsWith('.py')).map((f) => join(examplesDir, f))];
    const texts = files.map((f) => [f, readFileSync(f, 'utf8')] as const);
    texts.push(['/bench/synthetic.py', syntheticModel(300).text]);
    const json = (a: unknown) => JSON.stringify(a, (k, v: unknown) => (k === 'elapsedMs' ? 0 : v));
    for (const [fileName, text] of texts) {
      const on = json(analyze(text, 'python', { fileName }));
      setFastParseEnabled(false);
      try {
        const off = json(analyze(text, 'python', { fileName }));
        assert.equal(on, off, fileName);
      } finally {
        setFastParseEnabled(true);
      }
    }
  });
});
