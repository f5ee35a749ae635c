import { launch, startServer, openPanel } from './harness';
import { panelModelAt } from '../../src/analysis/panelModel';
import { analysis, attentionModel } from '../unit/panelModelFixtures';
(async () => {
  const { server, origin } = await startServer();
  const b = await launch();
  const panel = await openPanel(b, origin);
  panel.page.on('console', (m) => m.type() === 'log' && console.log(m.text()));
  await panel.send({ type: 'snapshot', seq: 1, document: null, model: panelModelAt(analysis(attentionModel({ kind: 'dot', embedDim: 64, numHeads: 2, headDim: 32, causal: true })), 105), requestedView: null, forceLayer: false });
  await panel.waitFor('rendered');
  const t0 = Date.now();
  await panel.page.fill('#ll-length', '2048');
  await panel.page.locator('#ll-length').blur();
  const r = await panel.waitFor('rendered', 2);
  console.log('rendered', r.ms, Date.now() - t0);
  const prof = await panel.page.evaluate(async () => {
    const app = (window as any).layerLensDebug.app;
    const view = app.view;
    const s = performance.now();
    view.draw(5, (app as any).settings());
    return performance.now() - s;
  });
  console.log('draw ms', prof);
  await b.close(); server.close();
})();
