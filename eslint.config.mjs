// The layer rules of ARCHITECTURE.md, checked by ESLint (`node scripts/test.mjs lint`, part of
// `npm test`). Only import rules are on: the code's style is kept by review and by the formatter
// check, and a linter that reports hundreds of unrelated findings would be ignored.
import tseslint from 'typescript-eslint';

// Node's built-in modules, with and without the `node:` prefix, for the layers that must run in a
// browser or a web worker.
const nodeBuiltins = [
  'assert',
  'buffer',
  'child_process',
  'crypto',
  'events',
  'fs',
  'fs/promises',
  'http',
  'https',
  'module',
  'net',
  'os',
  'path',
  'process',
  'stream',
  'url',
  'util',
  'worker_threads',
  'zlib',
];

/** One `no-restricted-imports` rule: forbidden module names and path patterns, each with its reason. */
function restrict({ vscode = false, node = false, editor = false, cli = false, webview = false, dom = false }) {
  const paths = [];
  const patterns = [];
  if (vscode) paths.push({ name: 'vscode', message: 'Only src/editor imports vscode (ARCHITECTURE.md, invariant 1).' });
  if (node) {
    paths.push(
      ...nodeBuiltins.map((name) => ({
        name,
        message: 'This layer runs in a browser or a web worker too: no Node built-ins (invariant 1).',
      })),
    );
    patterns.push({ group: ['node:*'], message: 'This layer runs in a browser or a web worker too: no Node built-ins (invariant 1).' });
  }
  if (editor) patterns.push({ group: ['**/editor/*', '**/editor'], message: 'Nothing outside src/editor imports it (invariant 1).' });
  if (cli) patterns.push({ group: ['**/cli/*', '**/cli'], message: 'Nothing imports the CLI (invariant 1).' });
  if (webview)
    patterns.push({ group: ['**/webview/*', '**/webview/**'], message: 'The webview is reached by message only (invariant 4).' });
  if (dom)
    patterns.push({
      group: ['@vscode-elements/*', 'lit', 'lit/*', '@tensorflow/*'],
      message: 'The core has no DOM and no tfjs (invariants 1 and 7).',
    });
  return { 'no-restricted-imports': ['error', { paths, patterns }] };
}

/**
 * `require()` and `import()` reach modules past `no-restricted-imports`: in the layers that must run
 * in a browser or a web worker, neither may name vscode or a Node built-in.
 */
const noDynamicEscape = {
  'no-restricted-syntax': [
    'error',
    {
      selector: "CallExpression[callee.name='require']",
      message: 'No require() in a layer that runs in a browser or a web worker (invariant 1).',
    },
    {
      selector: 'ImportExpression[source.value=/^(vscode|node:|fs|path|child_process|os)/]',
      message: 'No dynamic import of vscode or a Node built-in in this layer (invariant 1).',
    },
  ],
};

export default [
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.vscode-test/**',
      'bench/out/**',
      'test/**',
      'scripts/**',
      'bench/**',
      'tools/**',
      'examples/**',
    ],
  },
  {
    files: ['src/**/*.ts', 'webview/**/*.ts'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  // The core: text in, plain data out, in any host.
  {
    files: ['src/analysis/**/*.ts'],
    rules: {
      ...restrict({ vscode: true, node: true, editor: true, cli: true, webview: true, dom: true }),
      ...noDynamicEscape,
      // The DOM's globals: the core's tsconfig has no DOM lib, and this says so at lint time too.
      'no-restricted-globals': [
        'error',
        ...['window', 'document', 'navigator', 'HTMLElement', 'fetch', 'localStorage'].map((name) => ({
          name,
          message: 'The core has no DOM (invariant 1).',
        })),
      ],
    },
  },
  // Shared between the extension and the webview: neither vscode nor Node nor either side.
  {
    files: ['src/shared/**/*.ts'],
    rules: { ...restrict({ vscode: true, node: true, editor: true, cli: true, webview: true }), ...noDynamicEscape },
  },
  // Node-only start-up helpers for the CLI and the Node host's entry: Node is fine, no side is reached.
  { files: ['src/node/**/*.ts'], rules: restrict({ vscode: true, editor: true, cli: true, webview: true }) },
  // The CLI reads files (Node is fine) but never reaches the editor.
  { files: ['src/cli/**/*.ts'], rules: restrict({ vscode: true, editor: true, webview: true }) },
  // The editor adapters run in the web worker host too, so Node built-ins stay out of them
  // (node.ts, the Node host's entry, is the exception below).
  { files: ['src/editor/**/*.ts'], rules: restrict({ cli: true, webview: true, node: true }) },
  { files: ['src/editor/node.ts'], rules: restrict({ cli: true, webview: true }) },
  // Node-only code of the Node extension host (worker threads): reached from src/editor/node.ts
  // and the CLI; it never reaches vscode, the editor, the CLI or the webview.
  { files: ['src/node/**/*.ts'], rules: restrict({ vscode: true, editor: true, cli: true, webview: true }) },
  // Web-only code of the web extension host (Web Workers): reached from src/editor/web.ts only; it
  // never reaches vscode, Node, the editor, the CLI or the webview.
  {
    files: ['src/web/**/*.ts'],
    rules: { ...restrict({ vscode: true, node: true, editor: true, cli: true, webview: true }), ...noDynamicEscape },
  },
  // The panel app: a sandboxed web page.
  { files: ['webview/**/*.ts'], rules: { ...restrict({ vscode: true, node: true, editor: true, cli: true }), ...noDynamicEscape } },
];
