// Issue 14.5: the house rules that prose alone would not keep. ARCHITECTURE.md's code map names
// every source file, each of its invariants names what enforces it, and no function is longer than
// a reader can hold (250 lines, measured with the TypeScript compiler on every function, method,
// accessor, constructor and arrow function, nested ones included in their parent's length).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { repoRoot, sourceFiles } from './sourceFiles';

const architecture = readFileSync(join(repoRoot, 'ARCHITECTURE.md'), 'utf8');

/** The text of a `## Heading` section, up to the next heading of that level. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `ARCHITECTURE.md has no "## ${heading}" section`);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

/** The column where the code map's descriptions start: anything indented this far continues the line above. */
const DESCRIPTION_COLUMN = 25;

interface MapEntry {
  /** The path the entry names, relative to the repository (a folder ends in `/`). */
  path: string;
  /** The entry's description, continuation lines included. */
  description: string;
}

/**
 * The code map's entries. An entry is a name (a folder ending in `/`, or one or more files
 * separated by `,` `/` or `…`) at some indentation, then its description; the folder an entry
 * lives in is the nearest less indented folder entry above it.
 */
export function codeMapEntries(markdown: string): MapEntry[] {
  const block = /```\n([\s\S]*?)```/.exec(section(markdown, 'Code map'));
  assert.ok(block, 'the Code map section has no fenced block');
  const entries: MapEntry[] = [];
  const folders: { indent: number; path: string }[] = [];
  let last: MapEntry[] = [];
  for (const line of block[1].split('\n')) {
    if (!line.trim()) continue;
    const indent = line.length - line.trimStart().length;
    if (indent >= DESCRIPTION_COLUMN) {
      for (const entry of last) entry.description += ` ${line.trim()}`;
      continue;
    }
    const [, name, description = ''] = /^(\S.*?)(?:\s{2,}(.*))?$/.exec(line.trimStart())!;
    while (folders.length && folders[folders.length - 1].indent >= indent) folders.pop();
    const parent = folders.length ? folders[folders.length - 1].path : '';
    const names = name.match(/[\w.\-/]+/g)?.filter((n) => n !== '…' && /\.\w+$|\/$/.test(n)) ?? [];
    last = names.map((n) => ({ path: parent + n, description }));
    entries.push(...last);
    const folder = last.find((e) => e.path.endsWith('/'));
    if (folder && last.length === 1) folders.push({ indent, path: folder.path });
  }
  // Files a folder entry names in its own description (`src/shared/  protocol.ts (…), panelHtml.ts`).
  for (const entry of [...entries]) {
    if (!entry.path.endsWith('/')) continue;
    for (const file of entry.description.match(/\b[\w/]+\.ts\b/g) ?? []) {
      if (existsSync(join(repoRoot, entry.path + file))) entries.push({ path: entry.path + file, description: '' });
    }
  }
  return entries;
}

/** Whether the map names the file, by its own entry or by a folder entry that says "every file in". */
function named(entries: MapEntry[], file: string): boolean {
  return entries.some((e) => e.path === file || (e.path.endsWith('/') && file.startsWith(e.path) && /\bevery file in\b/i.test(e.description)));
}

interface LongFunction {
  where: string;
  name: string;
  lines: number;
}

/** Every function-like node of a file longer than the limit, with its name and line count. */
export function longFunctions(file: string, text: string, limit: number): LongFunction[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found: LongFunction[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > limit) found.push({ where: `${file}:${start + 1}`, name: functionName(node), lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** A readable name for a function node: its own, or the variable or property it is assigned to. */
function functionName(node: ts.SignatureDeclaration): string {
  if (node.name && ts.isIdentifier(node.name)) return node.name.text;
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && ts.isIdentifier(parent.name)) {
    return parent.name.text;
  }
  return '(anonymous)';
}

const MAX_FUNCTION_LINES = 250;

describe('tidy: the house rules', () => {
  const entries = codeMapEntries(architecture);

  it('reads the code map (the reader itself)', () => {
    const paths = entries.map((e) => e.path);
    for (const expected of ['src/analysis/', 'src/analysis/types.ts', 'src/analysis/layers/catalogue.ts', 'src/shared/protocol.ts']) {
      assert.ok(paths.includes(expected), `the code map reader missed ${expected}; it read ${paths.join(', ')}`);
    }
  });

  it("ARCHITECTURE.md's code map names every source file under src/ and webview/", () => {
    const missing = sourceFiles().filter((file) => !named(entries, file));
    assert.deepEqual(missing, [], `not in ARCHITECTURE.md's code map (add one line each):\n  ${missing.join('\n  ')}`);
  });

  it('every file or folder the code map names exists', () => {
    const stale = entries.map((e) => e.path).filter((path) => !existsSync(join(repoRoot, path)));
    assert.deepEqual(stale, [], `the code map names paths that do not exist:\n  ${stale.join('\n  ')}`);
  });

  it('each invariant names what enforces it, and that exists', () => {
    const invariants = section(architecture, 'Invariants')
      .split(/\n(?=\d+\. )/)
      .filter((item) => /^\d+\. /.test(item));
    assert.ok(invariants.length >= 5, `only ${invariants.length} invariants read`);
    const problems: string[] = [];
    for (const item of invariants) {
      const number = item.slice(0, item.indexOf('.'));
      const kept = /Kept by:([\s\S]*)$/.exec(item);
      if (!kept) {
        problems.push(`invariant ${number} does not say what keeps it ("Kept by: …")`);
        continue;
      }
      const paths = [...kept[1].matchAll(/`([^`\s]+\.(?:ts|mjs|cjs|json))(?::[^`]*)?`/g)].map((m) => m[1]);
      if (paths.length === 0) problems.push(`invariant ${number}: "Kept by" names no test or tool file in backticks`);
      for (const path of paths) {
        if (!existsSync(join(repoRoot, path)) || !statSync(join(repoRoot, path)).isFile()) problems.push(`invariant ${number}: ${path} does not exist`);
      }
    }
    assert.deepEqual(problems, [], problems.join("\n"));
  });

  it('measures function lengths (the measure itself)', () => {
    const body = Array.from({ length: 10 }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const text = `function outer() {\n${body}\n  const inner = () => {\n${body}\n  };\n}\nclass C { method() {\n${body}\n} }\n`;
    const found = longFunctions('x.ts', text, 5).map((f) => `${f.name}:${f.lines}`);
    assert.deepEqual(found, ['outer:24', 'inner:12', 'method:12']);
  });

  it(`no function in src/ or webview/ is longer than ${MAX_FUNCTION_LINES} lines`, () => {
    const long = sourceFiles()
      .flatMap((file) => longFunctions(file, readFileSync(join(repoRoot, file), 'utf8'), MAX_FUNCTION_LINES))
      .sort((a, b) => b.lines - a.lines);
    assert.deepEqual(
      long.map((f) => `${f.where} ${f.name}`),
      [],
      `functions longer than ${MAX_FUNCTION_LINES} lines:\n${long.map((f) => `  ${String(f.lines).padStart(5)}  ${f.name}  ${f.where}`).join('\n')}`,
    );
  });
});
