import { readFileSync } from 'node:fs';
import { analyzeTfjs } from './src/analysis/typescript/analyzeTfjs';
const t = readFileSync(process.argv[2], 'utf8');
const s = performance.now(); for (let i = 0; i < 50; i++) analyzeTfjs(t, 'typescript'); console.log(((performance.now() - s)/50).toFixed(1) + 'ms avg');
