import { readFileSync } from 'node:fs';
import { analyzeTfjs } from './src/analysis/typescript/analyzeTfjs';
const t = readFileSync(process.argv[2], 'utf8');
for (let i = 0; i < 3; i++) { const s = performance.now(); const a = analyzeTfjs(t, 'typescript'); console.log((performance.now() - s).toFixed(0) + 'ms', a.findings.map(f => f.message).slice(0,3)); }
