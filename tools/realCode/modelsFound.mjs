// Which files of the real-code corpora give at least one model when analysed as a user opens them
// (no --model, no --input): every .py file of the PyTorch corpus (/work/corpus), the Keras corpus
// (/work/corpus-keras) and torchvision's installed sources. Written to measure module-level models
// (a script's `model = Head(40, 21); model(x)`): run it on the sources before and after a change and
// compare the two outputs.
//
// usage: node --import tsx tools/realCode/modelsFound.mjs [--src DIR] [--out FILE]
//        (--src: the `src` folder to load the analysis from, default this repository's)

import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(new URL('.', import.meta.url).pathname, '../..');
const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const src = resolve(opt('--src', join(root, 'src')));
const out = opt('--out', '/tmp/modelsFound.json');
const sitePackages = '/usr/lib/python3/dist-packages';

const { analyze } = await import(pathToFileURL(join(src, 'analysis/analyze.ts')).href);
const { moduleReader } = await import(pathToFileURL(join(src, 'cli/moduleReader.ts')).href);

function pyFiles(dir) {
  const found = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) found.push(...pyFiles(path));
    else if (name.endsWith('.py')) found.push(path);
  }
  return found;
}

/** The folders a file's imports resolve in: its repository (the corpus's first level) and site-packages. */
function rootsOf(file) {
  for (const corpus of ['/work/corpus', '/work/corpus-keras']) {
    if (file.startsWith(`${corpus}/`)) return [join(corpus, file.slice(corpus.length + 1).split('/')[0]), sitePackages];
  }
  return [sitePackages];
}

const files = [...pyFiles('/work/corpus'), ...pyFiles('/work/corpus-keras'), ...pyFiles(join(sitePackages, 'torchvision'))];
const results = [];
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const roots = rootsOf(file);
  const t0 = performance.now();
  const a = analyze(text, 'python', { fileName: file, readModule: moduleReader(roots, roots[0]), pythonPath: [sitePackages] });
  results.push({
    file,
    ms: Math.round(performance.now() - t0),
    models: a.models.map((m) => ({ name: m.name, expr: m.expr, line: m.line, inputs: m.inputs, output: m.outputShapes, params: m.totalParams, source: m.inputSource?.kind ?? null, modules: m.modules.length })),
    errors: a.findings.filter((f) => f.severity === 'error').map((f) => `${f.line}: ${f.message}`),
    others: a.findings.filter((f) => f.severity !== 'error').map((f) => `${f.severity} ${f.line}: ${f.message}`),
  });
}
writeFileSync(out, JSON.stringify(results, null, 1));
const withModels = results.filter((r) => r.models.length > 0).length;
console.log(`${files.length} files, ${withModels} with at least one model, ${results.reduce((n, r) => n + r.errors.length, 0)} error findings; written to ${out}`);
