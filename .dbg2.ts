import { kerasEquivalents } from './test/fixtures/keras/tfjsEquivalents';
import { describeModel } from './test/fixtures/tfjs/realTfjs';
for (const e of kerasEquivalents) { const d = describeModel(e.build()); console.log(e.expr, d.length, JSON.stringify(d.slice(0,4).map(l=>[l.name,l.outputShapes,l.params]))); }
