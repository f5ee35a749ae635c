// The lint suite's layer rules (eslint.config.mjs) refuse what ARCHITECTURE.md's invariant 1
// forbids, and allow what the layers do today. Each case lints one line as if it were written in
// the named file, so a config that silently stopped matching (a renamed folder, a glob typo)
// fails here rather than letting a violation through.
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';
import { repoRoot } from './sourceFiles';

/** [file the line is written in, the import line, whether the layer rules allow it]. */
const cases: [string, string, boolean][] = [
  ['src/analysis/shapes.ts', "import * as vscode from 'vscode';", false],
  ['src/analysis/python/x.ts', "import { readFileSync } from 'fs';", false],
  ['src/analysis/layers/x.ts', "import { join } from 'node:path';", false],
  ['src/analysis/x.ts', "import type { Panel } from '../editor/panel';", false],
  ['src/analysis/x.ts', "import { main } from '../cli/layerLens';", false],
  ['src/analysis/x.ts', "import { host } from '../../webview/host';", false],
  ['src/analysis/x.ts', "import * as tf from '@tensorflow/tfjs';", false],
  ['src/analysis/x.ts', 'const d = document.title;', false],
  ['src/analysis/x.ts', "import type { Span } from './types';", true],
  ['src/analysis/x.ts', "const fs = require('fs');", false],
  ['src/analysis/x.ts', "const vscode = await import('vscode');", false],
  ['src/analysis/x.ts', "let g: import('./types').Geometry | null = null;", true],
  ['webview/x.ts', "const os = await import('node:os');", false],
  ['src/shared/x.ts', "import * as vscode from 'vscode';", false],
  ['src/shared/x.ts', "import type { PanelModel } from '../analysis/panelModel';", true],
  ['src/cli/x.ts', "import { analysisCore } from '../editor/core';", false],
  ['src/cli/x.ts', "import { readFileSync } from 'node:fs';", true],
  ['webview/x.ts', "import * as vscode from 'vscode';", false],
  ['webview/components/x.ts', "import { registerPanel } from '../../src/editor/panel';", false],
  ['webview/x.ts', "import { isHostMessage } from '../src/shared/protocol';", true],
  ['src/editor/x.ts', "import * as vscode from 'vscode';", true],
  ['src/editor/x.ts', "import { readFileSync } from 'node:fs';", false],
  ['src/editor/x.ts', "import { main } from '../cli/layerLens';", false],
];

describe('layer rules (eslint.config.mjs)', function () {
  this.timeout(60_000);
  const eslint = new ESLint({ cwd: repoRoot });

  for (const [file, line, allowed] of cases) {
    it(`${allowed ? 'allows' : 'refuses'} in ${file}: ${line}`, async () => {
      const [result] = await eslint.lintText(`${line}\nexport {};\n`, { filePath: `${repoRoot}/${file}` });
      const layerErrors = result.messages.filter((m) => ['no-restricted-imports', 'no-restricted-globals', 'no-restricted-syntax'].includes(m.ruleId ?? ''));
      const parseErrors = result.messages.filter((m) => m.fatal);
      assert.deepEqual(parseErrors, []);
      if (allowed) assert.deepEqual(layerErrors.map((m) => m.message), []);
      else assert.ok(layerErrors.length > 0, `no layer rule fired; all messages: ${JSON.stringify(result.messages)}`);
    });
  }
});
