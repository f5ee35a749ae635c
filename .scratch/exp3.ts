import * as m from '../test/fixtures/tfjs/brokenFamilies';
import '../test/fixtures/tfjs/realTfjs';
for (const [k, f] of Object.entries(m)) { try { (f as () => unknown)(); console.log(k, 'BUILDS'); } catch (e) { console.log(k, 'throws:', String((e as Error).message).slice(0, 120)); } }
