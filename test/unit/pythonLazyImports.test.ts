// Imported modules read only as far as the names asked for need (python/lazyModule.ts), and
// parsed files kept by text between analyses (python/parseStore.ts, src/cli/parseCacheDisk.ts).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../../src/analysis/analyze';
import { convertTree, type Stmt } from '../../src/analysis/python/ast';
import { ModulePlan } from '../../src/analysis/python/lazyModule';
import { parsePython } from '../../src/analysis/python/parse';
import { deserializeParse, memoryParseStore, parseThrough, serializeParse, type ParseStore, type StoredParse } from '../../src/analysis/python/parseStore';
import type { Analysis, AnalyzeOptions } from '../../src/analysis/types';
import { diskParseStore } from '../../src/cli/parseCacheDisk';

function body(src: string): Stmt[] {
  return convertTree(parsePython(src).tree, src).body;
}

/** The names the statements define, for readable assertions. */
function defined(stmts: Stmt[]): string[] {
  return stmts.map((s) => (s.t === 'def' || s.t === 'class' ? s.def.name : s.t === 'import' ? `import ${s.names[0].module.join('.')}` : s.t === 'importfrom' ? `from ${s.module.join('.')}` : s.t === 'assign' && s.targets[0].t === 'name' ? s.targets[0].id : s.t));
}

const HELPERS = `import math
from typing import Optional
import torch.nn as nn

WIDTHS = [16, 32, 64]
TABLE = {"a": math.pi}

def _round(x):
    return int(math.ceil(x))

def make_block(c, scale=1.0):
    return nn.Sequential(nn.Conv2d(c, _round(c * scale), 3, padding=1), nn.ReLU())

class Unused(nn.Module):
    def __init__(self):
        super().__init__()
        self.table = TABLE
`;

describe('lazy imported modules: the statements a name needs', () => {
  it('takes a definition and, transitively, the names it reads, in source order', () => {
    const plan = ModulePlan.of(body(HELPERS))!;
    assert.ok(plan);
    assert.deepEqual(defined(plan.take(['make_block'])), ['import math', 'import torch.nn', '_round', 'make_block']);
    // What already ran is not taken again; the rest is what nobody asked for yet.
    assert.deepEqual(defined(plan.take(['make_block', '_round'])), []);
    assert.deepEqual(defined(plan.take(['Unused'])), ['TABLE', 'Unused']);
    assert.deepEqual(defined(plan.rest()), ['from typing', 'WIDTHS']);
  });

  it('counts statements that change a name (item and attribute assignments, calls) as binding it', () => {
    const src = 'REGISTRY = {}\nREGISTRY["a"] = 1\ndef get():\n    return REGISTRY\n';
    assert.equal(ModulePlan.of(body(src)), null, 'two statements bind REGISTRY: the module runs whole');
    const calls = 'items = []\nitems.append(3)\n';
    assert.equal(ModulePlan.of(body(calls)), null);
  });

  it('runs whole a module that binds names out of sight: star imports, globals(), exec, a module __getattr__', () => {
    for (const src of ['from os.path import *\ndef f():\n    pass\n', 'def f():\n    pass\nglobals()["g"] = f\n', 'exec("x = 1")\n', 'def __getattr__(name):\n    return name\n']) {
      assert.equal(ModulePlan.of(body(src)), null, src);
    }
  });

  it('a function that rebinds a global through `global` binds it too', () => {
    const src = 'state = None\ndef init():\n    global state\n    state = 1\ndef use():\n    return state\n';
    assert.equal(ModulePlan.of(body(src)), null, 'state is bound at the top level and by init()');
  });

  /** An in-memory workspace: /ws/main.py imports /ws/helpers.py. */
  function workspace(helpers: string): AnalyzeOptions {
    const files: Record<string, string> = { '/ws/helpers.py': helpers };
    return { fileName: '/ws/main.py', readModule: (p) => files[p] };
  }

  const MAIN = `import torch.nn as nn
from helpers import make_block

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.block = make_block(8, scale=2.0)

    # layer-lens: x: (1, 8, 4, 4)
    def forward(self, x):
        return self.block(x)
`;

  it('an analysis through an imported helper gives the helper’s layers, without running what the helper does not need', () => {
    // The helper's unused top level would exhaust a small step budget (a long loop over a table);
    // run only as far as make_block needs, it costs nothing.
    const costly = `${HELPERS}\nfor i in range(200):\n    _ = [j * i for j in range(50)]\n`;
    const a = analyze(MAIN, 'python', { ...workspace(costly), stepBudget: 3000 });
    const net = a.models.find((m) => m.name === 'Net');
    assert.ok(net, a.findings.map((f) => f.message).join(' | '));
    assert.deepEqual(net.modules.find((m) => m.path === 'block.0')?.outputShapes, [[1, 16, 4, 4]]);
    assert.deepEqual(a.findings.filter((f) => f.code === 'budget'), []);
    // The same helper run whole (globals() makes it so) does run the loop, and runs out of steps.
    const whole = analyze(MAIN, 'python', { ...workspace(`${costly}globals()\n`), stepBudget: 3000 });
    assert.ok(whole.findings.some((f) => f.code === 'budget'), 'the contrast case runs the loop');
  });
});

describe('parse stores', () => {
  const strip = (a: Analysis) => ({ ...a, elapsedMs: 0 });

  it('an analysis through a store equals one without, for the file and its imports, and fills the store', () => {
    const texts: string[] = [];
    const inner = memoryParseStore();
    const store: ParseStore = { get: (t) => inner.get(t), set: (t, p) => (texts.push(t), inner.set(t, p)) };
    const options = { fileName: '/ws/main.py', readModule: (p: string) => (p === '/ws/helpers.py' ? HELPERS : undefined) };
    const main = 'import torch.nn as nn\nfrom helpers import make_block\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.block = make_block(4)\n\n    # layer-lens: x: (1, 4, 8, 8)\n    def forward(self, x):\n        return self.block(x)\n';
    const plain = analyze(main, 'python', options);
    const first = analyze(main, 'python', { ...options, parseStore: store });
    const second = analyze(main, 'python', { ...options, parseStore: store });
    assert.deepEqual(strip(first), strip(plain));
    assert.deepEqual(strip(second), strip(plain));
    assert.deepEqual(texts.sort(), [HELPERS, main].sort(), 'each text parsed once, then answered by the store');
  });

  it('keeps at most its limits, dropping the least recently used', () => {
    const store = memoryParseStore(2, 1000);
    const parse = (t: string): StoredParse => parseThrough(undefined, t);
    store.set('a = 1\n', parse('a = 1\n'));
    store.set('b = 2\n', parse('b = 2\n'));
    assert.ok(store.get('a = 1\n'));
    store.set('c = 3\n', parse('c = 3\n'));
    assert.equal(store.get('b = 2\n'), undefined, 'b was the least recently used');
    assert.ok(store.get('a = 1\n') && store.get('c = 3\n'));
    store.set('x'.repeat(2000), parse('x'.repeat(2000)));
    assert.equal(store.get('x'.repeat(2000)), undefined, 'a text longer than the whole store is not kept');
  });

  it('serialises exactly or not at all', () => {
    const src = 'def f(a, *b, c=1.5, **d):\n    return [x ** 2 for x in b if x] + [f"{a!r}"]\n';
    const p = parseThrough(undefined, src);
    assert.deepEqual(deserializeParse(serializeParse(p)!), JSON.parse(JSON.stringify(p)));
    assert.equal(serializeParse(parseThrough(undefined, 'x = 1e999\n')), undefined, 'Infinity has no JSON form');
    assert.equal(deserializeParse('{"format": 0, "module": {"body": []}, "unread": []}'), undefined);
    assert.equal(deserializeParse('not json'), undefined);
  });

  it('on disk: keyed by content, written once, other versions’ folders removed, damaged entries missed', () => {
    const root = mkdtempSync(join(tmpdir(), 'layer-lens-parses-'));
    try {
      mkdirSync(join(root, 'parses-old'));
      writeFileSync(join(root, 'parses-old', 'x.json'), '{}');
      const dir = join(root, 'parses-new');
      const store = diskParseStore(dir);
      const text = 'import torch\nx = torch.zeros(2, 3)\n';
      assert.equal(store.get(text), undefined);
      const p = parseThrough(store, text);
      assert.deepEqual(readdirSync(root), ['parses-new']);
      const again = diskParseStore(dir).get(text);
      assert.deepEqual(again, JSON.parse(JSON.stringify(p)));
      assert.equal(diskParseStore(dir).get(text + '\n'), undefined);
      const [entry] = readdirSync(dir);
      writeFileSync(join(dir, entry), '{"format": 1, "mod');
      assert.equal(diskParseStore(dir).get(text), undefined);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
