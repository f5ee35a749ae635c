// The layer panel in the real editor: open an example, put the cursor on a layer, run the command,
// and receive the webview's `ready` and its report of what it drew; then move the cursor and see
// the panel follow. Waits are on the panel's real messages (layerLens._panelState), never sleeps.
import * as vscode from 'vscode';
import type { PanelState } from '../../src/editor/panel';
import { check, checkEqual, layerLens, positionOf } from './editorHelpers';

/** The panel's state once it has drawn more than `renderedAfter` views (optionally of one layer). */
async function panelState(renderedAfter?: number, layerId?: string): Promise<PanelState> {
  const state = await vscode.commands.executeCommand<PanelState | null>('layerLens._panelState', renderedAfter === undefined ? undefined : { renderedAfter, layerId });
  check(state, 'no panel is open');
  return state;
}

/** The panel's state once its webview has sent more than `after` UI state reports. */
async function nextUiReport(after: number): Promise<PanelState> {
  const state = await vscode.commands.executeCommand<PanelState | null>('layerLens._panelState', { uiReportsAfter: after });
  check(state, 'the panel closed while waiting for its UI state');
  return state;
}

/**
 * Follows the webview's UI state reports until it has drawn `count` different steps while playing
 * (a report follows every drawn step); fails if playback stops first. Returns the last state.
 */
async function stepsWhilePlaying(from: PanelState, count: number): Promise<{ state: PanelState; steps: number[] }> {
  const steps = new Set<number>();
  let state = from;
  for (;;) {
    check(state.open && state.ui?.playing, `playback stopped after steps ${[...steps].join(', ')}: ${JSON.stringify(state.ui)}`);
    steps.add(state.ui.step);
    if (steps.size >= count) return { state, steps: [...steps] };
    state = await nextUiReport(state.uiReports);
  }
}

/** Closes every editor and the panel (examples are files on disk: nothing to revert). */
async function closeEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Opens an example in the first column with the cursor inside the layer call `layer` begins. */
async function openExample(name: string, layer: string): Promise<{ document: vscode.TextDocument; editor: vscode.TextEditor; at: vscode.Position }> {
  const { extension } = await layerLens();
  const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(extension.extensionUri, 'examples', name));
  const editor = await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
  const at = positionOf(document, layer, 4);
  editor.selection = new vscode.Selection(at, at);
  return { document, editor, at };
}

describe('panel: the layer panel in VS Code', function () {
  this.timeout(60_000);

  after(closeEditors);

  it('opens from "Visualise Receptive Field" with the cursor on a layer and receives ready', async () => {
    await openExample('laplacian_edge.py', 'nn.Conv2d');
    const started = Date.now();
    const result = await vscode.commands.executeCommand<PanelState>('layerLens.visualiseReceptiveField');
    check(result && result.ready, `the command resolved without the webview's ready: ${JSON.stringify(result)}`);
    check(typeof result.readyMs === 'number', 'ready time is recorded');
    const drawn = await panelState(0);
    checkEqual(drawn.cursorLayerId, 'conv', 'layer under the cursor');
    checkEqual(drawn.rendered?.view, 'conv', 'view drawn');
    checkEqual(drawn.rendered?.layerId, 'conv', 'layer drawn');
    const backend = drawn.backend ?? (await panelState()).backend;
    console.log(`      panel ready in ${result.readyMs?.toFixed(0)} ms (command → first view drawn ${Date.now() - started} ms, backend ${backend?.backend ?? 'pending'})`);
    await closeEditors();
  });

  it('draws a layer of a subclassed Keras model (keras_subclassed.py), where Keras prints "multiple"', async () => {
    await openExample('keras_subclassed.py', 'layers.Conv2D(32');
    const result = await vscode.commands.executeCommand<PanelState>('layerLens.visualiseReceptiveField');
    check(result && result.ready, `the command resolved without the webview's ready: ${JSON.stringify(result)}`);
    const drawn = await panelState(0);
    checkEqual(drawn.cursorLayerId, 'conv2d', 'layer under the cursor (Keras names it conv2d)');
    checkEqual(drawn.rendered?.view, 'conv', 'view drawn');
    await closeEditors();
  });

  it('follows the cursor to another layer', async () => {
    // `self.reduce = nn.Conv2d(...)` first, then the conv built by conv_block() (block1.0).
    const { document, editor } = await openExample('spectrogram_cnn.py', 'nn.Conv2d');
    await vscode.commands.executeCommand('layerLens.showPanel');
    const before = await panelState(0, 'reduce');
    const count = before.rendered?.count ?? 0;
    const target = positionOf(document, 'nn.Conv2d', 4, 1);
    await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
    editor.selection = new vscode.Selection(target, target);
    const after = await panelState(count, 'block1.0');
    checkEqual(after.rendered?.layerId, 'block1.0', 'the panel switched to the layer under the cursor');
    checkEqual(after.ui?.followCursor, true, 'follow cursor is on by default');
    console.log(`      cursor move → redrawn in ${after.rendered?.ms.toFixed(0)} ms (webview side)`);
    await closeEditors();
  });

  it('opens the attention view from "Show Attention"', async () => {
    await openExample('transformer_block.py', 'nn.MultiheadAttention(d_model');
    await vscode.commands.executeCommand('layerLens.showAttention');
    const state = await panelState(0);
    checkEqual(state.rendered?.view, 'attention', 'view drawn');
    checkEqual(state.dropped, 0, 'no malformed messages from the webview');
    await closeEditors();
  });

  it('survives being closed while it has work pending, and opens again', async () => {
    const { document, editor } = await openExample('spectrogram_cnn.py', 'nn.Conv2d');
    const opened = await vscode.commands.executeCommand<PanelState>('layerLens.visualiseReceptiveField');
    check(opened?.ready, 'ready before the close');
    // A cursor move schedules a snapshot (debounced) and presenter mode posts a message; the panel
    // is closed before either is delivered, so both land on a disposed webview.
    await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
    const target = positionOf(document, 'nn.Conv2d', 4, 1);
    editor.selection = new vscode.Selection(target, target);
    const toggled = vscode.commands.executeCommand('layerLens.togglePresenterMode');
    await closeEditors();
    await toggled;
    const closed = await vscode.commands.executeCommand<PanelState | null>('layerLens._panelState');
    check(!closed || !closed.open, `the panel is gone: ${JSON.stringify(closed)}`);
    // Opening again gives a fresh, working panel.
    await openExample('laplacian_edge.py', 'nn.Conv2d');
    const reopened = await vscode.commands.executeCommand<PanelState>('layerLens.visualiseReceptiveField');
    check(reopened?.ready, `ready after reopening: ${JSON.stringify(reopened)}`);
    const drawn = await panelState(0);
    checkEqual(drawn.rendered?.layerId, 'conv', 'the reopened panel draws the layer under the cursor');
    await closeEditors();
  });

  it('plays from "Play/Pause Animation", is closed mid-animation cleanly, and reopens paused', async () => {
    const { editor, at } = await openExample('laplacian_edge.py', 'nn.Conv2d');
    const opened = await vscode.commands.executeCommand<PanelState>('layerLens.visualiseReceptiveField');
    check(opened?.ready, 'ready before playing');
    const drawn = await panelState(0);
    checkEqual(drawn.ui?.playing, false, 'a new panel starts paused');
    const started = await vscode.commands.executeCommand<PanelState | null>('layerLens.togglePlayback');
    check(started?.open && started.ui?.playing === true, `the webview reported playing: ${JSON.stringify(started?.ui)}`);
    const { steps } = await stepsWhilePlaying(started, 2);
    const playing = await panelState();
    checkEqual(playing.ui?.playing, true, "the host's recorded UI state agrees with the webview");
    // A cursor move schedules the panel's debounce timer just before the close; the close must cancel it.
    editor.selection = new vscode.Selection(at.translate(0, 1), at.translate(0, 1));
    await closeEditors();
    const gone = await vscode.commands.executeCommand<PanelState | null>('layerLens._panelState');
    checkEqual(gone, null, 'no panel is open after the close');
    const closed = await vscode.commands.executeCommand<PanelState | null>('layerLens._panelState', { closed: true });
    check(closed, 'the closed panel is recorded');
    checkEqual(closed.open, false, 'closed');
    checkEqual(closed.ui?.playing, true, 'it was closed while playing');
    checkEqual(closed.errorsLogged, 0, 'errors logged');
    checkEqual(closed.postsAfterClose, 0, 'messages posted to the closed webview');
    checkEqual(closed.pendingTimers, 0, 'host timers left after the close');
    checkEqual(closed.dropped, 0, 'malformed messages');
    console.log(`      drew steps ${steps.join(', ')} while playing, then closed`);
    // A new panel is a fresh one: it draws and starts paused at the first step, as a new panel always does.
    await openExample('laplacian_edge.py', 'nn.Conv2d');
    const reopened = await vscode.commands.executeCommand<PanelState>('layerLens.visualiseReceptiveField');
    check(reopened?.ready, `ready after reopening: ${JSON.stringify(reopened)}`);
    const redrawn = await panelState(0);
    checkEqual(redrawn.rendered?.layerId, 'conv', 'the reopened panel draws the layer under the cursor');
    checkEqual([redrawn.ui?.playing, redrawn.ui?.step], [false, 0], 'the reopened panel is paused at the first step');
    checkEqual(redrawn.errorsLogged, 0, 'errors logged by the reopened panel');
    await closeEditors();
  });

  it('"Play/Pause Animation" with no panel open opens one and plays; again, it pauses', async () => {
    await closeEditors();
    check((await vscode.commands.executeCommand<PanelState | null>('layerLens._panelState')) === null, 'no panel before the command');
    await openExample('laplacian_edge.py', 'nn.Conv2d');
    const started = await vscode.commands.executeCommand<PanelState | null>('layerLens.togglePlayback');
    check(started?.open && started.ready, `the command opened the panel: ${JSON.stringify(started)}`);
    checkEqual(started.rendered?.layerId, 'conv', 'it shows the layer under the cursor');
    checkEqual(started.ui?.playing, true, 'and plays it');
    const { state } = await stepsWhilePlaying(started, 2);
    const paused = await vscode.commands.executeCommand<PanelState | null>('layerLens.togglePlayback');
    check(paused?.open && paused.ui, 'the panel is still open');
    checkEqual(paused.ui.playing, false, 'the second press pauses');
    const lastSeen = state.ui?.step ?? 0;
    check(paused.ui.step >= lastSeen, `paused where it was (step ${paused.ui.step}, last seen ${lastSeen})`);
    checkEqual((await panelState()).ui?.playing, false, "the host's recorded UI state agrees");
    checkEqual(paused.errorsLogged, 0, 'errors logged');
    await closeEditors();
  });

  it('"Play/Pause Animation" on a panel hidden behind another tab shows it again and plays', async () => {
    await openExample('laplacian_edge.py', 'nn.Conv2d');
    const opened = await vscode.commands.executeCommand<PanelState>('layerLens.visualiseReceptiveField');
    check(opened?.ready, 'ready before hiding');
    await panelState(0);
    // The panel opened beside the editor, in column two; another tab there hides it, and VS Code
    // tears a hidden webview down, so playing it means showing it and waiting for it to load again.
    // A file that is not a model (and not dirty, so closing all editors asks nothing).
    const { extension } = await layerLens();
    const other = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(extension.extensionUri, 'examples', 'README.md'));
    await vscode.window.showTextDocument(other, { viewColumn: vscode.ViewColumn.Two, preserveFocus: false });
    const hidden = await panelState();
    checkEqual([hidden.open, hidden.visible], [true, false], 'the panel is open but hidden');
    const started = await vscode.commands.executeCommand<PanelState | null>('layerLens.togglePlayback');
    check(started?.open && started.ui?.playing === true, `playing after the command: ${JSON.stringify(started?.ui)}`);
    checkEqual(started.visible, true, 'the command showed the panel');
    await stepsWhilePlaying(started, 2);
    checkEqual(started.errorsLogged, 0, 'errors logged');
    await closeEditors();
  });
});
