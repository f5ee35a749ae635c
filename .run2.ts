import { readFileSync } from 'node:fs';
import { analyzeTfjs } from './src/analysis/typescript/analyzeTfjs';
const a = analyzeTfjs(readFileSync(process.argv[2], 'utf8'), 'typescript');
for (const m of a.models) console.log(m.expr, JSON.stringify(m.outputShapes), m.modules.map(x => x.path + JSON.stringify(x.outputShapes)).join(' '));
for (const f of a.findings) console.log(f.severity, f.code, 'L' + f.line, f.message, JSON.stringify(f.related.map(r => [r.line, r.message])));
