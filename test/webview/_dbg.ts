import { launch, startServer, openPanel } from './harness';
import { panelModelAt } from '../../src/analysis/panelModel';
import { analysis, attentionModel, cnnModel, waveNetModel } from '../unit/panelModelFixtures';
(async () => {
  const { server, origin } = await startServer();
  const b = await launch();
  const panel = await openPanel(b, origin);
  const n = () => panel.page.evaluate(() => (window as any).layerLensDebug.numTensors());
  let seq = 0; let count = 0;
  const show = async (m: any, name: string) => { await panel.send({ type: 'snapshot', seq: ++seq, document: null, model: m, requestedView: null, forceLayer: false }); await panel.waitFor('rendered', ++count); await panel.idle(); console.log(name, await n()); };
  await show(panelModelAt(analysis(cnnModel()), 105), 'conv1');
  await show(panelModelAt(analysis(cnnModel()), 405), 'down');
  await show(panelModelAt(analysis(cnnModel()), 405), 'down again');
  await show(panelModelAt(analysis(cnnModel()), 705), 'up');
  await show(panelModelAt(analysis(waveNetModel(1, 3)), 205), 'wavenet');
  await show(panelModelAt(analysis(attentionModel({ kind: 'dot', embedDim: 16, numHeads: 2, headDim: 8, causal: true })), 105), 'attn');
  await show(panelModelAt(analysis(cnnModel()), 105), 'conv1');
  await b.close(); server.close();
})();
