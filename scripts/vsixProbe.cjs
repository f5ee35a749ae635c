// The package suite's check, run as extensionTestsPath inside code-server with the built .vsix
// installed into a fresh extensions directory and no extensionDevelopmentPath: it proves the
// installed copy (not the repo) loads, activates and registers its commands.
// Plain CommonJS with no dependencies, so it needs no build and cannot load anything from the repo.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

const extensionId = 'layer-lens.layer-lens';

/** Every file below dir, relative to it. */
function listFiles(dir) {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath ?? entry.path, entry.name)));
}

const checks = [
  ['the installed copy is the one loaded', async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension, `${extensionId} is not installed`);
    const extensionsDir = process.env.LAYER_LENS_EXPECTED_EXTENSIONS_DIR;
    assert.ok(extensionsDir, 'LAYER_LENS_EXPECTED_EXTENSIONS_DIR is not set');
    assert.ok(
      extension.extensionPath.startsWith(fs.realpathSync(extensionsDir)) || extension.extensionPath.startsWith(extensionsDir),
      `loaded from ${extension.extensionPath}, not from ${extensionsDir}`,
    );
  }],
  ['it activates', async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    await extension.activate();
    assert.equal(extension.isActive, true);
  }],
  ['every contributed command is registered', async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    const contributed = (extension.packageJSON.contributes?.commands ?? []).map((c) => c.command);
    assert.ok(contributed.includes('layerLens.showPanel'), 'layerLens.showPanel is not contributed');
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(contributed.filter((c) => !registered.has(c)), []);
  }],
  ['every contributed command has a real title (package.nls.json shipped)', async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    const untitled = (extension.packageJSON.contributes?.commands ?? [])
      .filter((c) => typeof c.title !== 'string' || /^%.*%$/.test(c.title))
      .map((c) => `${c.command}: ${JSON.stringify(c.title)}`);
    assert.deepEqual(untitled, []);
  }],
  ['the package holds its entry points and the examples, and no source maps, sources or tests', async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    const files = listFiles(extension.extensionPath);
    const manifest = extension.packageJSON;
    for (const entry of [manifest.main, manifest.browser]) {
      assert.ok(fs.existsSync(path.join(extension.extensionPath, entry)), `entry point ${entry} missing from the package`);
    }
    // The Node host loads its sibling bundles by name: the analysis core on the first analysis, the
    // panel, export, walkthrough and Live Share implementations on the first use of their commands.
    for (const sibling of ['dist/extension/analysis.js', 'dist/extension/features.js']) assert.ok(files.includes(sibling), `${sibling} missing from the package`);
    // The tutorial's examples ship for the walkthrough, TensorFlow.js ones included; no other TypeScript.
    const unwanted = files.filter((f) => /\.map$|^src\/|^test\/|^dist\/test\/|^node_modules\/|\.ts$/.test(f) && !/^examples\/[\w/]+\.(py|ts|md)$/.test(f));
    assert.deepEqual(unwanted, []);
    assert.ok(files.includes('examples/linear_classifier.py'), 'the walkthrough examples are packaged');
  }],
  ['a Python document opens with the extension active, and the installed core analyses it', async () => {
    const content = [
      'import torch.nn as nn',
      'class Classifier(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.fc = nn.Linear(4, 2)',
      '    # layer-lens: x: (8, 4)',
      '    def forward(self, x):',
      '        return self.fc(x)',
      '',
    ].join('\n');
    const document = await vscode.workspace.openTextDocument({ language: 'python', content });
    await vscode.window.showTextDocument(document);
    const extension = vscode.extensions.getExtension(extensionId);
    assert.equal(extension.isActive, true);
    // The Node host requires dist/extension/analysis.js on the first analysis: a package without it
    // would activate and then show nothing.
    const hints = await vscode.commands.executeCommand('vscode.executeInlayHintProvider', document.uri, new vscode.Range(0, 0, document.lineCount, 0));
    const labels = (hints ?? []).map((h) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('')));
    assert.ok(labels.some((l) => l.includes('(8,2)')), `hints from the installed copy: ${JSON.stringify(labels)}`);
    assert.equal(typeof extension.exports.coreLoadMs(), 'number', 'the core was loaded');
  }],
];

/** Runs the checks in order, writes counts to LAYER_LENS_TEST_RESULTS, and fails if any failed. */
async function run() {
  const results = { passed: 0, failed: 0, pending: 0, failures: [] };
  const lines = [];
  for (const [title, check] of checks) {
    try {
      await check();
      results.passed++;
      lines.push(`  ✔ ${title}`);
    } catch (error) {
      results.failed++;
      results.failures.push({ title, message: String(error?.message ?? error) });
      lines.push(`  ✘ ${title}\n      ${String(error?.message ?? error).replace(/\n/g, '\n      ')}`);
    }
  }
  if (process.env.LAYER_LENS_TEST_LOG) fs.writeFileSync(process.env.LAYER_LENS_TEST_LOG, lines.join('\n') + '\n');
  if (process.env.LAYER_LENS_TEST_RESULTS) fs.writeFileSync(process.env.LAYER_LENS_TEST_RESULTS, JSON.stringify(results, null, 2));
  if (results.failed > 0) throw new Error(`${results.failed} package check(s) failed`);
}

module.exports = { run };
