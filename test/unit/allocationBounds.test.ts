// The interpreters never build a collection or string beyond the allocation bounds (issue 19,
// item 3): each of the pathological inputs, analysed in this very process (a crash would
// end the test run), ends with a finding that names the bound, and its analysis stays small.
import assert from 'node:assert/strict';
import { analyze } from '../../src/analysis/analyze';
import { MAX_COLLECTION_ITEMS, MAX_STRING_CHARS } from '../../src/analysis/allocation';
import { pathologicalInputs } from './pathologicalInputs';

describe('allocation bounds (issue 19)', function () {
  this.timeout(60_000);

  for (const input of pathologicalInputs.filter((i) => i.bounded)) {
    it(`bounds ${input.name} with a finding`, () => {
      const analysis = analyze(input.text, input.language);
      const messages = analysis.findings.map((f) => f.message);
      assert.ok(
        messages.some((m) => /would exceed the analysis's bound|step budget/.test(m)),
        `no finding names the bound: ${JSON.stringify(messages)}`,
      );
      assert.ok(JSON.stringify(analysis).length < 100_000, 'the analysis is small');
    });
  }

  it('still builds collections and strings within the bounds', () => {
    const text = [`a = [0] * ${MAX_COLLECTION_ITEMS}`, `s = 'x' * ${MAX_STRING_CHARS}`, 'n = len(a) + len(s)', 'import torch.nn as nn', 'fc = nn.Linear(n, 2)'].join('\n');
    const analysis = analyze(text, 'python');
    assert.ok(!analysis.findings.some((f) => /would exceed/.test(f.message)), JSON.stringify(analysis.findings));
  });
});

// Operations that walk an existing collection (a membership test, a comparison, a copy, a string
// scan) are charged by its length (allocation.ts's WalkMeter). Each program below runs its
// operation 200 times on 100,000 items or 1,000,000 characters: a few hundred steps if each counted
// as one (no budget finding, and that is what happened before), but tens of thousands at one step
// per 16 items, so the loop's share of the budget stops it with a finding naming the walk.
describe('walks over collections charged by length (issue 19)', function () {
  this.timeout(60_000);

  const pythonPrelude = ['a = [0] * 100000', 'b = [0] * 100000', 's = "x" * 1000000', 's2 = "x" * 1000000', 'n = 0', 'for i in range(200):'];
  const python: [string, string][] = [
    ['membership in a list', '1 in a'],
    ['membership in a string', "'y' in s"],
    ['list.index', 'a.index(1)'],
    ['list.count', 'a.count(1)'],
    ['list.copy', 'a.copy()'],
    ['slices', 'a[1:]'],
    ['list equality', 'a == b'],
    ['string equality', 's == s2'],
    ['string ordering', 's < s2'],
    ['str.find', "s.find('y')"],
    ['str.count', "s.count('y')"],
    ['str.upper', 's.upper()'],
    ['str() of a list', 'str(a)'],
  ];
  for (const [name, expression] of python) {
    it(`charges ${name} by length`, () => {
      const text = [...pythonPrelude, `    n = ${expression}`, ''].join('\n');
      const messages = analyze(text, 'python').findings.map((f) => f.message);
      assert.ok(
        messages.some((m) => /step budget/.test(m) && /(for|last step:) /.test(m)),
        `no budget finding names the walk: ${JSON.stringify(messages)}`,
      );
    });
  }

  it('stops a comparison of lists nested in themselves part-way', () => {
    // `a == a` on 24 levels of `[a, a]` walks 2²⁴ items in one operation (2⁴⁰ would never end):
    // the meter charges as the walk goes, so the budget stops it in the middle.
    const text = ['a = [0]', 'for i in range(24):', '    a = [a, a]', 'b = a == a', ''].join('\n');
    const messages = analyze(text, 'python').findings.map((f) => f.message);
    assert.ok(
      messages.some((m) => /step budget/.test(m) && /`==` between a list and a list/.test(m)),
      JSON.stringify(messages),
    );
  });

  it('builds no dict key for a tuple nested in itself', () => {
    // `t = (t, t)` 40 times spells out a key of about 2⁴⁰ characters: before the bound, `t in d`
    // ran out of memory (or for minutes); now the key is unknown, as an unhashable one is.
    const text = ['t = (0,)', 'for i in range(40):', '    t = (t, t)', 'd = {0: 1}', 'x = t in d', 'd[t] = 2', 'import torch.nn as nn', 'fc = nn.Linear(len(d), 2)', ''].join('\n');
    const analysis = analyze(text, 'python');
    assert.ok(JSON.stringify(analysis).length < 100_000, 'the analysis is small');
  });

  it('leaves work on short collections within the budget', () => {
    const text = ['a = [0] * 16', 's = "x" * 64', 'n = 0', 'for i in range(200):', '    n = (1 in a) and a.count(0) and s.find("y") and a[1:] == a[:-1]', ''].join('\n');
    const messages = analyze(text, 'python').findings.map((f) => f.message);
    assert.ok(!messages.some((m) => /step budget/.test(m)), JSON.stringify(messages));
  });

  const tsPrelude = ['let a = [0];', 'for (let i = 0; i < 16; i++) { a = a.concat(a); }', 'let n = 0;', 'for (let i = 0; i < 200; i++) {'];
  const typescript: [string, string][] = [
    ['Array.includes', 'a.includes(1)'],
    ['Array.join', "a.join(',')"],
    ['Array.slice', 'a.slice(1)'],
    ['spreads', '[...a]'],
    ['Array.concat', 'a.concat([1])'],
    ['Array.keys', 'a.keys()'],
  ];
  for (const [name, expression] of typescript) {
    it(`charges ${name} by length in TypeScript`, () => {
      const text = [...tsPrelude, `  n = ${expression};`, '}', ''].join('\n');
      const messages = analyze(text, 'typescript').findings.map((f) => f.message);
      assert.ok(
        messages.some((m) => /step budget/.test(m) && /charged by its length/.test(m)),
        `no budget finding names the walk: ${JSON.stringify(messages)}`,
      );
    });
  }
});
