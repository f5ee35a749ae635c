// Two real panels in headless Chromium, one presenting and one following (issue 8.3): the
// presenter's panel is driven with the keyboard and its view buttons, its reported UI state goes
// through the presenter-sync logic over a loopback, and the follower's panel receives
// `applyUiState`. After the sequence both panels show the same layer, view and step.
import assert from 'node:assert/strict';
import { defaultUiState, type UiState } from '../../src/shared/protocol';
import { PresenterBroadcaster, PresenterFollower, followPresenter, presenterStateOf, type PresenterUpdate } from '../../src/shared/presenterSync';
import { type PanelPage, screenshot, sharedPanelBrowser } from './harness';

const panels = sharedPanelBrowser();

/** The last UI state a panel reported. */
async function lastUi(panel: PanelPage): Promise<UiState> {
  const posted = await panel.posted();
  const states = posted.filter((m) => m.type === 'uiState' || m.type === 'ready') as { ui: UiState }[];
  return states[states.length - 1].ui;
}

/** What a panel shows: its screen-reader sentence for the current step names layer, view and step. */
async function shown(panel: PanelPage): Promise<string> {
  await panel.idle();
  return (await panel.page.locator('.ll-sr-only').textContent()) ?? '';
}

describe('presenter sync between two real panels', () => {
  it('the follower shows the presenter’s frame after a sequence of presenter actions', async () => {
    const presenter = await panels.open({ width: 900, height: 700 });
    const follower = await panels.open({ width: 900, height: 700 });
    const snapshot = { type: 'snapshot', seq: 1, document: null, model: null, requestedView: 'conv', forceLayer: false };
    await presenter.send(snapshot);
    await follower.send(snapshot);
    await presenter.waitFor('rendered');
    await follower.waitFor('rendered');

    // The loopback: the presenter's updates travel as JSON to the follower's sync logic.
    const queue: string[] = [];
    const broadcaster = new PresenterBroadcaster({ send: (u: PresenterUpdate) => queue.push(JSON.stringify(u)), onReceive: () => () => undefined }, 'test');
    let followerUi: UiState = { ...defaultUiState(), speed: 4 };
    let applied = 0;
    const sync = new PresenterFollower(async (state) => {
      followerUi = followPresenter(followerUi, state);
      applied += 1;
      await follower.send({ type: 'applyUiState', ui: followerUi });
    });
    const relay = async () => {
      await presenter.idle();
      // The panel throttles step reports; wait for the report of the state it shows now.
      await presenter.page.waitForFunction(() => {
        const w = window as unknown as { __posted: { type: string; ui?: { step: number; view: string } }[]; layerLensDebug: { app: { ui: { step: number; view: string } } } };
        const reports = w.__posted.filter((m) => m.type === 'uiState');
        const last = reports[reports.length - 1]?.ui;
        const ui = w.layerLensDebug.app.ui;
        return last !== undefined && last.step === ui.step && last.view === ui.view;
      });
      broadcaster.publish(presenterStateOf(await lastUi(presenter), null));
      for (const message of queue.splice(0)) sync.receive(JSON.parse(message));
    };

    await presenter.page.keyboard.press('ArrowRight');
    await relay();
    await presenter.page.keyboard.press('ArrowRight');
    await presenter.page.keyboard.press('ArrowRight');
    await relay();
    await presenter.page.locator('.ll-view-button[data-view="dilation"]').click();
    await relay();
    for (let i = 0; i < 4; i++) await presenter.page.keyboard.press('ArrowRight');
    await relay();

    const presenterUi = await lastUi(presenter);
    assert.equal(presenterUi.view, 'dilation');
    assert.equal(presenterUi.step, 4);
    assert.ok(applied >= 3, `${applied} updates applied`);
    const presenterFrame = await shown(presenter);
    const followerFrame = await shown(follower);
    assert.equal(followerFrame, presenterFrame);
    const followerReported = await lastUi(follower);
    assert.deepEqual(
      { layerId: followerReported.layerId, view: followerReported.view, step: followerReported.step },
      { layerId: presenterUi.layerId, view: presenterUi.view, step: presenterUi.step },
    );
    assert.equal(followerReported.speed, 4, 'the follower keeps its own speed');
    await screenshot(presenter.page, 'presenter-sync-presenter');
    await screenshot(follower.page, 'presenter-sync-follower');
    await presenter.close();
    await follower.close();
  });
});
