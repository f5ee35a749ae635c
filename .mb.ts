import { composeField, identityField, mergeFields } from './src/analysis/receptiveField';
let f = identityField(1);
const g = { kind: 'conv' as const, kernel: [2], stride: [1], padding: [0], dilation: [1] };
let s = performance.now();
for (let i = 0; i < 1000; i++) { f = composeField(f, g); f = mergeFields(f, f); }
console.log('1000 compose+merge', performance.now() - s, JSON.stringify(f));
