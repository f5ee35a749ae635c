import { tf } from '../test/fixtures/tfjs/realTfjs';
import * as m from '../test/fixtures/tfjs/functional';
const lines: string[] = [];
m.twoTowers().summary(undefined, undefined, (l: string) => lines.push(l));
console.log(lines.join('\n'));
const s: string[] = [];
tf.sequential({layers:[tf.layers.dense({inputShape:[3], units: 2})]}).summary(undefined, undefined, (l: string) => s.push(l));
console.log(s.join('\n'));
