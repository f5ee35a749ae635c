import { readFileSync } from 'node:fs';
import { analyzeTfjs } from '/work/main/src/analysis/typescript/analyzeTfjs';
const f = process.argv[2];
const a = analyzeTfjs(readFileSync(f, 'utf8'), 'typescript', process.argv[3] ? { model: process.argv[3] } : {});
for (const m of a.models) {
  console.log(`MODEL ${m.name} expr=${m.expr} total=${m.totalParams} inputs=${JSON.stringify(m.inputs)} out=${JSON.stringify(m.outputShapes)}`);
  for (const x of m.modules) console.log(`  ${x.path.padEnd(32)} ${x.type.padEnd(20)} ${JSON.stringify(x.outputShapes).padEnd(24)} ${x.paramsOwn}  ${x.notation ?? ''} ${x.receptiveField ? JSON.stringify(x.receptiveField.size) : ''}`);
}
for (const fi of a.findings) console.log(`${fi.severity} ${fi.code} L${fi.line}: ${fi.message}`);
console.log('annotations', a.annotations.length, a.elapsedMs + 'ms');
