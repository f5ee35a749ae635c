// Fixture tests of the Python lowering (src/analysis/python/lower.ts), in the style of Lezer's
// grammar tests: each case in test/fixtures/ast/*.txt is a `# name` line, the Python source, a
// `==>` line and the printed tree (pythonAstPrinter.ts). `UPDATE_EXPECT=1` rewrites the expected
// trees from what the lowering gives now; review the diff before committing it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertTree } from '../../src/analysis/python/ast';
import { parsePython } from '../../src/analysis/python/parse';
import { printModule } from './pythonAstPrinter';

const dir = join(__dirname, '..', 'fixtures', 'ast');
const update = process.env.UPDATE_EXPECT === '1';

interface Case {
  name: string;
  code: string;
  expected: string;
}

/** Splits a fixture file into its cases; a `# ` line starts a case only outside a case's code. */
function readCases(text: string): Case[] {
  const cases: Case[] = [];
  let current: { name: string; code: string[]; expected: string[] | null } | null = null;
  const finish = () => {
    if (current) cases.push({ name: current.name, code: current.code.join('\n').trim(), expected: (current.expected ?? []).join('\n').trim() });
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('# ') && (current === null || current.expected !== null)) {
      finish();
      current = { name: line.slice(2).trim(), code: [], expected: null };
    } else if (current && current.expected === null && line.trim() === '==>') current.expected = [];
    else if (current) (current.expected ?? current.code).push(line);
  }
  finish();
  return cases;
}

function writeCases(cases: Case[]): string {
  return cases.map((c) => `# ${c.name}\n\n${c.code}\n\n==>\n\n${c.expected}\n`).join('\n');
}

function lowerAndPrint(code: string): string {
  return printModule(convertTree(parsePython(code).tree, code), code);
}

const files = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();

describe('Python syntax lowering (fixtures in test/fixtures/ast)', () => {
  it('has fixture files', () => assert.ok(files.length > 0));
  for (const file of files) {
    describe(file, () => {
      const path = join(dir, file);
      const cases = readCases(readFileSync(path, 'utf8'));
      it('has cases', () => assert.ok(cases.length > 0));
      for (const c of cases) {
        it(c.name, () => {
          const actual = lowerAndPrint(c.code);
          if (update) c.expected = actual;
          else assert.equal(actual, c.expected);
        });
      }
      if (update) after(() => writeFileSync(path, writeCases(cases)));
    });
  }
});
