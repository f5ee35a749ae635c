// The import graph of src/: no file reaches itself through its imports (type imports count too,
// because a cycle of types is a cycle of ideas a reader must hold at once), and the framework
// front ends of the Python analysis never import each other (invariant 9 in ARCHITECTURE.md).

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '../..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** The relative imports of a file (`import`, `import type`, `export … from`, `import(…)`), resolved to files. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\b[^'";]*?\bfrom\s*['"](\.[^'"]+)['"]/gm),
    ...text.matchAll(/^\s*import\s*['"](\.[^'"]+)['"]/gm),
    ...text.matchAll(/\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]);
  const out: string[] = [];
  for (const spec of specifiers) {
    const base = resolve(dirname(file), spec);
    const target = [`${base}.ts`, join(base, 'index.ts')].find((p) => existsSync(p));
    if (target) out.push(target);
  }
  return out;
}

/** The cycles of the graph, each as the files on it (strongly connected components of two or more, or a self-import). */
function cyclesOf(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

describe('import graph of src/', () => {
  const graph = new Map(sourceFiles(join(root, 'src')).map((f) => [f, importsOf(f)]));

  it('reads the imports it checks', () => {
    // A reader that found no edges would pass the cycle test vacuously.
    const moduleSystem = join(root, 'src/analysis/python/moduleSystem.ts');
    assert.ok(graph.get(moduleSystem)?.includes(join(root, 'src/analysis/python/layerModules.ts')));
    assert.ok(graph.get(join(root, 'src/analysis/python/kerasFrontEnd.ts'))?.includes(moduleSystem), 'type imports are edges');
  });

  it('has no import cycle, type imports included', () => {
    const cycles = cyclesOf(graph).map((c) => c.map((f) => relative(root, f)));
    assert.deepEqual(cycles, []);
  });

  it('keeps the PyTorch and Keras front ends apart', () => {
    const torch = join(root, 'src/analysis/python/torchFrontEnd.ts');
    const keras = join(root, 'src/analysis/python/kerasFrontEnd.ts');
    assert.ok(!graph.get(torch)!.includes(keras), 'torchFrontEnd.ts imports kerasFrontEnd.ts');
    assert.ok(!graph.get(keras)!.includes(torch), 'kerasFrontEnd.ts imports torchFrontEnd.ts');
  });
});
