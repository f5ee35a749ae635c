import { launch, startServer, openPanel, screenshot } from './harness';
import { panelModelAt } from '../../src/analysis/panelModel';
import { analysis, cnnModel, model, moduleInfo } from '../unit/panelModelFixtures';
(async () => {
  const { server, origin } = await startServer();
  const b = await launch();
  const panel = await openPanel(b, origin);
  panel.page.on('pageerror', (e) => console.log('pageerror', e.message, e.stack));
  const m = model('Seq', [moduleInfo('conv', 'Conv1d', 1, { geometry: { kind: 'conv', kernel: [3], stride: [2], padding: [1], dilation: [2] } })]);
  await panel.send({ type: 'snapshot', seq: 1, document: null, model: panelModelAt(analysis(m), 105), requestedView: null, forceLayer: false });
  await panel.page.waitForTimeout(2000);
  console.log(JSON.stringify(await panel.posted()).slice(0, 1500));
  console.log(await panel.page.textContent('.ll-alert'));
  await panel.send({ type: 'snapshot', seq: 2, document: null, model: panelModelAt(analysis(cnnModel()), 205), requestedView: null, forceLayer: false });
  await panel.page.waitForTimeout(2000);
  console.log(await panel.page.textContent('.ll-alert'), await panel.page.textContent('.ll-stack'));
  await b.close(); server.close();
})();
