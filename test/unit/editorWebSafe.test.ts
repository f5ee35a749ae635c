// src/editor also runs in the web worker extension host (vscode.dev): it may import `vscode`, the
// pure core and the shared protocol, and nothing of Node. esbuild's browser build would fail on a
// Node import only when the web bundle is built; this catches it with the unit tests.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const editorDir = join(import.meta.dirname, '../../src/editor');

describe('editor: web-safe imports', () => {
  const files = readdirSync(editorDir).filter((f) => f.endsWith('.ts'));

  it('has files to check', () => {
    assert.ok(files.includes('extension.ts') && files.includes('web.ts'));
  });

  for (const file of files) {
    it(`${file} imports only vscode, the core, the shared protocol and its siblings`, () => {
      const text = readFileSync(join(editorDir, file), 'utf8');
      const specifiers = [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]);
      // The Node entry point alone may reach src/node/ (the code cache, worker threads, symbolic
      // links) and node:path: the web entry never imports them. The web entry alone may reach
      // src/web/ (its Web Workers), which is web-safe by its lint rule.
      const allowed = (s: string) =>
        s === 'vscode' ||
        /^\.\/[\w.]+$/.test(s) ||
        /^\.\.\/(analysis|shared)\//.test(s) ||
        (file === 'node.ts' && (/^\.\.\/node\//.test(s) || s === 'node:path')) ||
        (file === 'web.ts' && /^\.\.\/web\//.test(s));
      assert.deepEqual(specifiers.filter((s) => !allowed(s)), []);
      // The Node entry names its two sibling bundles (the analysis core and the lazily loaded features) by their path.
      const checked = file === 'node.ts' ? text.replace(/join\(__dirname, '(analysis|features)\.js'\)/g, '') : text;
      assert.doesNotMatch(checked, /\brequire\(|\bprocess\.|\bBuffer\b|\b__dirname\b/);
    });
  }
});
