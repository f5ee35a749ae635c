import { readFileSync } from 'node:fs';
import { analyzeTfjs } from '../src/analysis/typescript/analyzeTfjs';
for (const f of process.argv.slice(2)) {
  const a = analyzeTfjs(readFileSync(f, 'utf8'), 'typescript');
  console.log('=====', f);
  for (const m of a.models) { console.log('model', m.expr, m.totalParams); for (const x of m.modules) console.log('   ', x.path, x.type, JSON.stringify(x.outputShapes), x.paramsOwn); }
  for (const fd of a.findings) console.log('  F', fd.severity, fd.line, fd.message.slice(0, 200));
}
