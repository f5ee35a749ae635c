import * as m from './custom2';
import { describeModel } from '../test/fixtures/tfjs/realTfjs';
for (const [k, f] of Object.entries(m)) { try { console.log(k, JSON.stringify(describeModel((f as () => any)()))); } catch (e) { console.log(k, 'throws', (e as Error).message); } }
