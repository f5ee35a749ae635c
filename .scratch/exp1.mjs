import * as tf from '@tensorflow/tfjs';
tf.enableProdMode();
const show = (m) => { for (const l of m.layers) console.log(l.name, l.getClassName(), JSON.stringify(l.outputShape), l.countParams()); };
function tryit(label, f) { try { const m = f(); console.log('--', label); show(m); m.summary(); try { const x = tf.zeros([2, ...m.inputs[0].shape.slice(1)]); const y = m.predict(x); console.log('predict', Array.isArray(y) ? y.map(t=>t.shape) : y.shape);} catch(e) { console.log('predict fails:', e.message.slice(0,200)); } } catch (e) { console.log('--', label, 'THROWS', e.message.slice(0, 300)); } }
tryit('resizing', () => tf.sequential({layers: [tf.layers.resizing({inputShape: [20, 30, 3], height: 10, width: 12}), tf.layers.conv2d({filters: 4, kernelSize: 3})]}));
tryit('resizing alone', () => tf.sequential({layers: [tf.layers.resizing({inputShape: [20, 30, 3], height: 10, width: 12})]}));
tryit('centerCrop', () => tf.sequential({layers: [tf.layers.centerCrop({inputShape: [20, 30, 3], height: 10, width: 12}), tf.layers.conv2d({filters: 4, kernelSize: 3})]}));
tryit('randomWidth', () => tf.sequential({layers: [tf.layers.randomWidth({inputShape: [20, 30, 3], factor: 0.2})]}));
tryit('catenc', () => tf.sequential({layers: [tf.layers.categoryEncoding({inputShape: [5], numTokens: 10})]}));
tryit('catenc onehot', () => tf.sequential({layers: [tf.layers.categoryEncoding({inputShape: [5], numTokens: 10, outputMode: 'oneHot'})]}));
tryit('catenc onehot1', () => tf.sequential({layers: [tf.layers.categoryEncoding({inputShape: [1], numTokens: 10, outputMode: 'oneHot'})]}));
tryit('catenc count', () => tf.sequential({layers: [tf.layers.categoryEncoding({inputShape: [5], numTokens: 10, outputMode: 'count'}), tf.layers.dense({units: 3})]}));
