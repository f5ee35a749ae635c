// Writes the truth for every entry of tools/realCode/tfjsCorpus.json: the entry's lines are copied
// verbatim from the repository snapshot (a bare git dir under /work/.mirror) into
// $CORPUS/tfjs/<id>.<ext> between the manifest's header and footer, the file is compiled by esbuild
// and run in Node with real @tensorflow/tfjs 4.22, its builder expression is evaluated, and
// model.layers (name, class, output shapes, parameters) and countParams() are written to
// test/fixtures/realCode/tfjs/<id>.json. The repositories' code stays outside the project.
//
// usage: node tools/realCode/measureTfjs.mjs [ID...]

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const root = resolve(new URL('.', import.meta.url).pathname, '../..');
const require = createRequire(join(root, 'package.json'));
const esbuild = require('esbuild');
const tf = require('@tensorflow/tfjs');
tf.enableProdMode();
const corpus = join(process.env.CORPUS ?? '/work/corpus-keras', 'tfjs');
const only = new Set(process.argv.slice(2));

function extract(entry) {
  const [repo, commit] = entry.source.split('@');
  const gitDir = join('/work/.mirror', repo.replace('/', '+'), 'repo');
  const text = execFileSync('git', ['-C', gitDir, 'show', `${commit}:${entry.path}`], { encoding: 'utf8', maxBuffer: 1 << 26 });
  let lines = text.split('\n').slice(entry.lines[0] - 1, entry.lines[1]);
  // JSDoc examples: the comment's leading " * " is not part of the example's code.
  if (entry.strip === 'jsdoc') lines = lines.map((l) => l.replace(/^\s*\* ?/, ''));
  const parts = [`// Lines ${entry.lines[0]}-${entry.lines[1]} of ${repo}/${entry.path} at ${commit.slice(0, 12)}, verbatim${entry.strip === 'jsdoc' ? ' (JSDoc markers stripped)' : ''}; the code around them is the corpus harness.`];
  if (entry.header) parts.push(entry.header);
  parts.push(lines.join('\n'));
  if (entry.footer) parts.push(entry.footer);
  const file = join(corpus, `${entry.id}.${entry.ext}`);
  mkdirSync(corpus, { recursive: true });
  writeFileSync(file, parts.join('\n') + '\n');
  return file;
}

function describe(model) {
  return model.layers.map((layer) => {
    const shape = layer.outputShape;
    const shapes = Array.isArray(shape[0]) ? shape : [shape];
    return { name: layer.name, class: layer.getClassName(), kind: 'builtin', output_shapes: shapes, params: layer.countParams() };
  });
}

async function measure(entry) {
  const file = extract(entry);
  const source = readFileSync(file, 'utf8') + `\n;module.exports.__model = (${entry.builder});\n`;
  const { code } = await esbuild.transform(source, { loader: entry.ext === 'ts' ? 'ts' : 'js', format: 'cjs', target: 'node20' });
  const module = { exports: {} };
  const log = console.log;
  console.log = () => {};
  globalThis.tf = tf;
  try {
    new Function('require', 'module', 'exports', code)(require, module, module.exports);
  } finally {
    console.log = log;
  }
  const model = module.exports.__model;
  const layers = describe(model);
  const inputs = model.inputs.map((t) => t.shape);
  return { id: entry.id, source: entry.source, path: entry.path, builder: entry.builder, method: 'measureTfjs.mjs: the lines run in Node with @tensorflow/tfjs 4.22; model.layers and countParams()', layers, total_params: model.countParams(), inputs };
}

const manifest = JSON.parse(readFileSync(join(root, 'tools/realCode/tfjsCorpus.json'), 'utf8'));
const outDir = join(root, 'test/fixtures/realCode/tfjs');
mkdirSync(outDir, { recursive: true });
for (const entry of manifest.entries) {
  if (only.size && !only.has(entry.id)) continue;
  try {
    const truth = await measure(entry);
    writeFileSync(join(outDir, `${entry.id}.json`), JSON.stringify(truth, null, 1) + '\n');
    console.log(`${entry.id}: ${truth.layers.length} layers, total ${truth.total_params.toLocaleString('en-US')}`);
  } catch (e) {
    console.log(`${entry.id}: FAILED ${String(e && e.message ? e.message : e).split('\n')[0]}`);
  }
}
