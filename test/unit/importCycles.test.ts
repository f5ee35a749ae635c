// Issue 14.5: no import circle between source files, type imports included. A circle makes the
// order in which modules initialise matter (a catalogue read before it is filled, a class used
// before its declaration) and makes two files one room. The graph comes from the TypeScript
// compiler's own import scanner, so `import type`, `export … from` and `import()` all count.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { repoRoot, sourceFiles } from './sourceFiles';

/** The source file a relative specifier names, or undefined for packages and non-TypeScript files. */
function resolveSpecifier(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = join(repoRoot, dirname(from), specifier.replace(/\.js$/, ''));
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) {
    if (candidate.endsWith('.ts') && existsSync(candidate)) return relative(repoRoot, candidate).split('\\').join('/');
  }
  return undefined;
}

/** Each source file and the source files it imports. */
export function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles()) {
    const scanned = ts.preProcessFile(readFileSync(join(repoRoot, file), 'utf8'), true, true);
    const targets = scanned.importedFiles.map((i) => resolveSpecifier(file, i.fileName)).filter((t): t is string => t !== undefined);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every circle in the graph, one per strongly connected component, as a path that closes on itself. */
export function findCycles(graph: Map<string, string[]>): string[][] {
  return tangles(graph).map((component) => circleThrough(graph, new Set(component)));
}

/** The strongly connected components that hold a circle: the files that reach each other. */
function tangles(graph: Map<string, string[]>): string[][] {
  // Tarjan's algorithm: the components of more than one file (or a file importing itself) are circles.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) components.push(component);
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return components;
}

/** One concrete circle inside a strongly connected component, found by breadth-first search. */
function circleThrough(graph: Map<string, string[]>, members: Set<string>): string[] {
  const start = [...members].sort()[0];
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const node = queue.shift()!;
    for (const next of graph.get(node) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0])!);
        return [...path, start];
      }
      if (!cameFrom.has(next)) {
        cameFrom.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

describe('import graph of src/ and webview/', () => {
  it('finds a circle when there is one (the detector itself)', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    assert.deepEqual(findCycles(graph), [['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
    assert.deepEqual(findCycles(new Map([['a.ts', ['b.ts']], ['b.ts', []]])), []);
  });

  it('sees type imports and re-exports as edges', () => {
    const graph = importGraph();
    assert.ok(graph.get('src/shared/protocol.ts')?.includes('src/analysis/panelModel.ts'), 'protocol.ts imports panelModel types');
    assert.ok(graph.size > 50, `only ${graph.size} files scanned`);
  });

  it('has no import circle, type imports included', () => {
    const graph = importGraph();
    const cycles = findCycles(graph);
    assert.deepEqual(
      cycles.map((c) => c.join(' → ')),
      [],
      `import circles (one per tangle):\n${cycles.map((c) => `  ${c.join(' → ')}`).join('\n')}\nfiles that reach each other: ${tangles(graph).map((t) => t.sort().join(', ')).join('; ')}`,
    );
  });

  it('keeps the PyTorch and Keras front ends apart', () => {
    const graph = importGraph();
    const torch = 'src/analysis/python/torchFrontEnd.ts';
    const keras = 'src/analysis/python/kerasFrontEnd.ts';
    assert.ok(graph.get(keras)?.includes('src/analysis/python/moduleSystem.ts'), 'the Keras front end plugs into the module system');
    assert.ok(!graph.get(torch)!.includes(keras), 'torchFrontEnd.ts imports kerasFrontEnd.ts');
    assert.ok(!graph.get(keras)!.includes(torch), 'kerasFrontEnd.ts imports torchFrontEnd.ts');
  });
});
