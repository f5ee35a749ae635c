import { readFileSync } from 'node:fs';
import { analyze } from './src/analysis/analyze';
const a = analyze(readFileSync(process.argv[2], 'utf8'), 'python', process.argv[3] ? { model: process.argv[3] } : {});
for (const m of a.models) { console.log(`MODEL ${m.name} ${m.expr} fw=${m.framework} total=${m.totalParams} out=${JSON.stringify(m.outputShapes)}`);
  for (const x of m.modules) console.log(`  ${x.path.padEnd(24)} ${x.type.padEnd(20)} ${x.framework} ${JSON.stringify(x.outputShapes).padEnd(24)} ${x.paramsOwn} ${x.notation ?? ''}`); }
for (const f of a.findings) console.log(f.severity, f.code, 'L' + f.line, f.message);
