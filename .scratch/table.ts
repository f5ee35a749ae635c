import { readdirSync, readFileSync } from 'node:fs';
import { lookupLayer } from '../src/analysis/layers/catalogue';
const dts = readFileSync('node_modules/@tensorflow/tfjs-layers/dist/exports_layers.d.ts', 'utf8');
const names = [...dts.matchAll(/export declare (?:function|const) (\w+)/g)].map((m) => m[1]);
const dir = 'test/fixtures/tfjs';
const ok = new Map<string, number>(), bad = new Map<string, number>();
for (const f of readdirSync(dir)) {
  if (!/\.(ts|js)$/.test(f) || f === 'realTfjs.ts') continue;
  const target = f.startsWith('broken') ? bad : ok;
  for (const m of readFileSync(`${dir}/${f}`, 'utf8').matchAll(/\blayers\.(\w+)\(/g)) target.set(m[1], (target.get(m[1]) ?? 0) + 1);
}
for (const f of readdirSync('examples').filter((f) => /^tfjs_/.test(f))) for (const m of readFileSync(`examples/${f}`, 'utf8').matchAll(/\blayers\.(\w+)\(/g)) ok.set(m[1], (ok.get(m[1]) ?? 0) + 1);
console.log('| factory | catalogued | built in fixtures vs real tfjs | rejected-config cases |');
for (const n of names) console.log(`| ${n} | ${n === 'inputLayer' || lookupLayer('tfjs', n) ? 'yes' : 'NO'} | ${ok.get(n) ?? 0} | ${bad.get(n) ?? 0} |`);
