// Presenter sync between two panels' UI states over a loopback transport: the host's actions reach
// the guest in order, late or reordered messages are dropped, a guest can detach and re-attach,
// and a new sharing session restarts the numbering.
import assert from 'node:assert/strict';
import { defaultUiState, type UiState } from '../../src/shared/protocol';
import {
  PresenterBroadcaster,
  PresenterFollower,
  followPresenter,
  isPresenterUpdate,
  presenterStateOf,
  type PresenterTransport,
  type PresenterUpdate,
} from '../../src/shared/presenterSync';

/**
 * A loopback between one sender and any number of receivers. Messages are queued and delivered
 * on flush(), in order or in a given order, as a network might reorder them; they travel as JSON,
 * as they would over Live Share.
 */
class LoopbackTransport implements PresenterTransport {
  readonly queue: string[] = [];
  private receivers: ((message: unknown) => void)[] = [];
  send(update: PresenterUpdate): void {
    this.queue.push(JSON.stringify(update));
  }
  onReceive(receiver: (message: unknown) => void): () => void {
    this.receivers.push(receiver);
    return () => {
      this.receivers = this.receivers.filter((r) => r !== receiver);
    };
  }
  flush(order?: number[]): void {
    const messages = this.queue.splice(0);
    for (const index of order ?? messages.map((_, i) => i)) {
      for (const receive of this.receivers) receive(JSON.parse(messages[index]));
    }
  }
}

/** A panel's UI state, as the host's or a guest's panel would hold it. */
class FakePanel {
  ui: UiState = defaultUiState();
  applied = 0;
}

function hostAndGuest(session = 'session-1') {
  const transport = new LoopbackTransport();
  const host = new FakePanel();
  const guest = new FakePanel();
  guest.ui = { ...guest.ui, speed: 5, presenter: true };
  const broadcaster = new PresenterBroadcaster(transport, session);
  const follower = new PresenterFollower((state) => {
    guest.ui = followPresenter(guest.ui, state);
    guest.applied += 1;
  });
  transport.onReceive((message) => follower.receive(message));
  /** A host action: change the host's UI state and publish it, as the panel hook does. */
  const act = (change: Partial<UiState>) => {
    host.ui = { ...host.ui, ...change };
    broadcaster.publish(presenterStateOf(host.ui, 'file:///work/wavenet.py'));
  };
  return { transport, host, guest, broadcaster, follower, act };
}

/** The part of the UI state that must agree between presenter and follower. */
function frame(ui: UiState) {
  return { layerId: ui.layerId, view: ui.view, step: ui.step, playing: ui.playing, tokens: ui.tokens, sequenceLength: ui.sequenceLength, unit: ui.unit };
}

describe('presenter sync over a loopback', () => {
  it('shows the same frame on both panels after a sequence of host actions', () => {
    const { transport, host, guest, act } = hostAndGuest();
    act({ layerId: 'layers.0', view: 'dilation' });
    act({ step: 1 });
    act({ step: 2, playing: true });
    act({ layerId: 'attention', view: 'attention', step: 0, playing: false, tokens: 'the cat sat', sequenceLength: 3 });
    act({ step: 3, unit: [1] });
    transport.flush();
    assert.deepEqual(frame(guest.ui), frame(host.ui));
    assert.equal(guest.applied, 5);
    // The guest keeps its own display preferences and stops following its own cursor.
    assert.equal(guest.ui.speed, 5);
    assert.equal(guest.ui.presenter, true);
    assert.equal(guest.ui.followCursor, false);
  });

  it('sends nothing when the state did not change', () => {
    const { transport, act } = hostAndGuest();
    act({ step: 4 });
    act({ speed: 9 });
    act({ presenter: true });
    assert.equal(transport.queue.length, 1, 'speed and presenter mode are the host’s own display preferences');
  });

  it('drops updates that arrive after a newer one', () => {
    const { transport, host, guest, follower, act } = hostAndGuest();
    act({ step: 1 });
    act({ step: 2 });
    act({ step: 3 });
    transport.flush([2, 0, 1]);
    assert.equal(guest.ui.step, 3);
    assert.equal(guest.applied, 1, 'the two late updates were not applied');
    assert.equal(follower.lastApplied, 3);
    assert.deepEqual(frame(guest.ui), frame(host.ui));
  });

  it('drops a duplicate delivery', () => {
    const { broadcaster, follower, act } = hostAndGuest();
    act({ step: 1 });
    const update = broadcaster.latest();
    assert.equal(follower.receive(update), 'applied');
    assert.equal(follower.receive(update), 'stale');
  });

  it('lets a guest detach, keeps the newest update, and jumps to it on attach', () => {
    const { transport, host, guest, follower, act } = hostAndGuest();
    act({ step: 1 });
    transport.flush();
    follower.detach();
    guest.ui = { ...guest.ui, step: 7, layerId: 'mine' };
    act({ step: 2 });
    act({ step: 3, view: 'attention' });
    transport.flush();
    assert.equal(guest.ui.step, 7, 'a detached guest explores on its own');
    assert.equal(guest.ui.layerId, 'mine');
    assert.equal(follower.attach(), true);
    assert.deepEqual(frame(guest.ui), frame(host.ui));
    assert.equal(follower.attach(), false, 'attaching twice applies nothing new');
  });

  it('restarts numbering when the host shares again in a new session', () => {
    const transport = new LoopbackTransport();
    let applied: number[] = [];
    const follower = new PresenterFollower((state) => applied.push(state.step));
    transport.onReceive((m) => follower.receive(m));
    const first = new PresenterBroadcaster(transport, 'first');
    for (let step = 1; step <= 5; step++) first.publish(presenterStateOf({ ...defaultUiState(), step }, null));
    transport.flush();
    applied = [];
    const second = new PresenterBroadcaster(transport, 'second');
    second.publish(presenterStateOf({ ...defaultUiState(), step: 9 }, null));
    transport.flush();
    assert.deepEqual(applied, [9], 'seq 1 of a new session is not stale');
  });

  it('forgets the host when it leaves mid-session, and follows whoever shares next', () => {
    const { transport, guest, follower, act } = hostAndGuest('host-a');
    act({ step: 6 });
    transport.flush();
    follower.reset();
    assert.equal(guest.ui.step, 6, 'the guest keeps the last frame it was shown');
    const next = new PresenterBroadcaster(transport, 'host-a');
    next.publish(presenterStateOf({ ...defaultUiState(), step: 2 }, null));
    transport.flush();
    assert.equal(guest.ui.step, 2, 'after a reset even the same session name starts over');
  });

  it('rejects malformed or hostile messages without applying them', () => {
    const { follower, guest } = hostAndGuest();
    const good = {
      type: 'presenterState',
      session: 's',
      seq: 1,
      state: { documentUri: null, layerId: null, view: 'conv', step: 0, playing: false, sample: { tokens: '', sequenceLength: 12, unit: null } },
    };
    assert.equal(isPresenterUpdate(good), true);
    const bad: unknown[] = [
      null,
      'presenterState',
      { ...good, type: 'other' },
      { ...good, seq: -1 },
      { ...good, seq: 1.5 },
      { ...good, state: { ...good.state, view: 'javascript:alert(1)' } },
      { ...good, state: { ...good.state, step: '3' } },
      { ...good, state: { ...good.state, sample: { ...good.state.sample, unit: ['<img onerror>'] } } },
      { ...good, session: 'x'.repeat(1000) },
    ];
    for (const message of bad) assert.equal(follower.receive(message), 'invalid', JSON.stringify(message));
    assert.equal(guest.applied, 0);
  });
});
