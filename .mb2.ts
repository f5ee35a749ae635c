import { parser } from '@lezer/javascript';
import { TfjsRuntime } from './src/analysis/typescript/tfjsRuntime';
import './src/analysis/layers/index';
const rt = new TfjsRuntime('', {}, () => 1) as any;
const node = parser.parse('x').topNode;
for (let k = 0; k < 3; k++) {
let x = rt.input({ t: 'object', props: new Map([['shape', { t: 'array', items: [{ t: 'num', v: 100000 }, { t: 'num', v: 1 }] }]]) }, node);
const s = performance.now();
for (let i = 0; i < 330; i++) {
  const cfg = { t: 'object', props: new Map<string, any>([['filters', { t: 'num', v: 16 }], ['kernelSize', { t: 'num', v: 2 }], ['dilationRate', { t: 'num', v: 1 }]]) };
  const a = rt.createLayer('conv1d', [cfg], node).layer; const b = rt.createLayer('conv1d', [cfg], node).layer; const m = rt.createLayer('multiply', [], node).layer;
  const fa = rt.apply(a, x, { from: 0, to: 0 }, false); const fb = rt.apply(b, x, { from: 0, to: 0 }, false);
  x = rt.apply(m, { t: 'array', items: [fa, fb] }, { from: 0, to: 0 }, false);
}
console.log('990 layers direct', (performance.now() - s).toFixed(1), 'ms');
}
console.log('heap MB', (process.memoryUsage().heapUsed / 1e6).toFixed(1));
