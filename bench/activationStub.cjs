// Activation of the Node extension bundle in plain Node with a minimal stand-in for the `vscode`
// module: `node bench/activationStub.cjs dist/extension/node.js`. It measures what our code costs
// (loading the bundle and running activate()), not VS Code's own extension-host overhead; the
// code-server probe (bench/hostProbe.ts) measures inside the real host. Prints one JSON line.
'use strict';
const Module = require('node:module');
const path = require('node:path');
const fs = require('node:fs');

/** An object that accepts any property access, call or construction and returns another such object. */
function anything(name) {
  const target = function () {};
  const assigned = new Map();
  return new Proxy(target, {
    set(_, key, value) {
      assigned.set(key, value);
      return true;
    },
    get(_, key) {
      if (assigned.has(key)) return assigned.get(key);
      if (key === Symbol.iterator) return function* () {};
      if (key === Symbol.toPrimitive) return () => name;
      if (key === 'then') return undefined;
      if (key === 'dispose') return () => {};
      if (key === 'event') return () => ({ dispose() {} });
      return anything(`${name}.${String(key)}`);
    },
    apply: () => anything(`${name}()`),
    construct: () => anything(`new ${name}`),
  });
}

const overrides = {
  version: '1.100.3',
  l10n: { t: (message, ...args) => (typeof message === 'string' ? message.replace(/\{(\d+)\}/g, (_, i) => String(args[i])) : message.message) },
  workspace: new Proxy(
    {
      textDocuments: [],
      workspaceFolders: [],
      getConfiguration: () => ({ get: (_key, fallback) => fallback, has: () => false, inspect: () => undefined, update: async () => {} }),
    },
    { get: (t, key) => (key in t ? t[key] : anything(`workspace.${String(key)}`)) },
  ),
  env: { language: 'en', uiKind: 1, appName: 'stub' },
  // A fresh host has no other extension installed (the code-server probe's has none): Live Share
  // is absent, so activation must not load what presenter sync needs.
  extensions: new Proxy(
    { getExtension: () => undefined, all: [] },
    { get: (t, key) => (key in t ? t[key] : anything(`extensions.${String(key)}`)) },
  ),
};
// Bundlers copy the module's own keys (esbuild's __toESM), so the stub lists every name the real
// API exports, read from @types/vscode.
const apiNames = [...fs.readFileSync(require.resolve('@types/vscode/index.d.ts'), 'utf8').matchAll(/^\s{1,4}export (?:namespace|class|enum|function|const|let) (\w+)/gm)].map((m) => m[1]);
for (const name of apiNames) if (!(name in overrides)) overrides[name] = anything(name);
const vscodeStub = overrides;

const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === 'vscode') return vscodeStub;
  return load.call(this, request, parent, isMain);
};

const bundle = path.resolve(process.argv[2] ?? 'dist/extension/node.js');
const context = new Proxy(
  { subscriptions: [], extensionPath: path.dirname(path.dirname(bundle)), extensionUri: anything('extensionUri'), globalState: anything('globalState'), workspaceState: anything('workspaceState') },
  { get: (t, key) => (key in t ? t[key] : anything(`context.${String(key)}`)) },
);

const t0 = performance.now();
const extension = require(bundle);
const t1 = performance.now();
let api;
let error = null;
try {
  api = extension.activate(context);
} catch (e) {
  error = String(e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : e);
}
const t2 = performance.now();
// The Node bundle leaves the analysis core to a sibling bundle that the first analysis requires.
const core = path.join(path.dirname(bundle), 'analysis.js');
let coreLoadMs = null;
if (fs.existsSync(core)) {
  const t3 = performance.now();
  require(core);
  coreLoadMs = performance.now() - t3;
}
process.stdout.write(
  JSON.stringify({
    requireMs: t1 - t0,
    activateMs: t2 - t1,
    totalMs: t2 - t0,
    coreLoadMs,
    insideActivateMs: api && typeof api.activationMs === 'number' ? api.activationMs : null,
    subscriptions: context.subscriptions.length,
    error,
  }) + '\n',
);
