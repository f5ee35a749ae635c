import { readFileSync } from 'node:fs';
import { parser } from '@lezer/javascript';
import { Interpreter } from './src/analysis/typescript/jsInterpreter';
import { Scope } from './src/analysis/typescript/jsValues';
import { TfjsRuntime } from './src/analysis/typescript/tfjsRuntime';
import './src/analysis/layers/index';
const t = readFileSync(process.argv[2], 'utf8');
for (let k = 0; k < 3; k++) {
let s = performance.now();
const tree = parser.configure({ dialect: 'ts' }).parse(t);
const p1 = performance.now() - s; s = performance.now();
const rt = new TfjsRuntime(t, {}, () => 1);
const it = new Interpreter(t, rt, { steps: 200000, loopIterations: 10000, callDepth: 64 });
const sc = new Scope(null);
const stmts = []; for (let c = tree.topNode.firstChild; c; c = c.nextSibling) stmts.push(c);
it.runBody(stmts, sc);
const p2 = performance.now() - s; s = performance.now();
const fn = sc.lookup('dilatedStack')!.value as any;
const v = it.callFunction(fn, [], fn.node);
const p3 = performance.now() - s;
console.log(p1.toFixed(1), p2.toFixed(1), p3.toFixed(1), rt.layers.length, (v as any).t);
}
{
const proto = TfjsRuntime.prototype as any;
const timers: Record<string, number> = {};
for (const m of ['apply', 'createLayer', 'functionalModel', 'input', 'fieldAfter']) {
  const orig = proto[m]; proto[m] = function (...a: any[]) { const s = performance.now(); try { return orig.apply(this, a); } finally { timers[m] = (timers[m] ?? 0) + performance.now() - s; } };
}
const tree = parser.configure({ dialect: 'ts' }).parse(t);
const rt = new TfjsRuntime(t, {}, () => 1);
const it = new Interpreter(t, rt, { steps: 200000, loopIterations: 10000, callDepth: 64 });
const sc = new Scope(null);
const stmts: any[] = []; for (let c = tree.topNode.firstChild; c; c = c.nextSibling) stmts.push(c);
it.runBody(stmts, sc);
const fn = sc.lookup('dilatedStack')!.value as any;
const s = performance.now(); it.callFunction(fn, [], fn.node); console.log('total', performance.now() - s, timers);
}
