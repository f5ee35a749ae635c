import './src/analysis/layers/index';
import { bindConfig, lookupLayer } from './src/analysis/layers/catalogue';
import { symDim } from './src/analysis/shapes';
const spec = lookupLayer('tfjs', 'conv1d')!;
const ctx = { mismatch() {}, invalid() {}, gap() {} };
const input = { kind: 'tensor' as const, shape: [symDim('N'), 100000, 16], dtype: 'float' as const };
for (let k = 0; k < 30; k++) {
  let t0 = performance.now(); const cfgs = [];
  for (let i = 0; i < 1000; i++) cfgs.push(bindConfig(spec, [], { filters: 16, kernelSize: 2, dilationRate: 1 }).config);
  let t1 = performance.now();
  for (const c of cfgs) spec.forward(c, [input], {}, ctx);
  let t2 = performance.now();
  for (const c of cfgs) spec.geometry!(c, [input]);
  let t3 = performance.now();
  for (const c of cfgs) spec.params(c, [input]);
  let t4 = performance.now();
  for (const c of cfgs) spec.notation!(c, [input], input);
  let t5 = performance.now();
  console.log('bind', (t1-t0).toFixed(1), 'forward', (t2-t1).toFixed(1), 'geom', (t3-t2).toFixed(1), 'params', (t4-t3).toFixed(1), 'notation', (t5-t4).toFixed(1));
}
