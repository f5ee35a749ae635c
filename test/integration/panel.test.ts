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

/** Closes every editor and the panel (examples are files on disk: nothing to revert). */
async function closeEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

async function openExample(name: string): Promise<{ document: vscode.TextDocument; editor: vscode.TextEditor }> {
  const { extension } = await layerLens();
  const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(extension.extensionUri, 'examples', name));
  const editor = await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
  return { document, editor };
}

describe('panel: the layer panel in VS Code', function () {
  this.timeout(60_000);

  after(closeEditors);

  it('opens from "Visualise Receptive Field" with the cursor on a layer and receives ready', async () => {
    const { document, editor } = await openExample('laplacian_edge.py');
    const at = positionOf(document, 'nn.Conv2d', 4);
    editor.selection = new vscode.Selection(at, at);
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

  it('follows the cursor to another layer', async () => {
    const { document, editor } = await openExample('spectrogram_cnn.py');
    // `self.reduce = nn.Conv2d(...)` first, then the conv built by conv_block() (block1.0).
    const first = positionOf(document, 'nn.Conv2d', 4);
    editor.selection = new vscode.Selection(first, first);
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
    const { document, editor } = await openExample('transformer_block.py');
    const at = positionOf(document, 'nn.MultiheadAttention(d_model', 4);
    editor.selection = new vscode.Selection(at, at);
    await vscode.commands.executeCommand('layerLens.showAttention');
    const state = await panelState(0);
    checkEqual(state.rendered?.view, 'attention', 'view drawn');
    checkEqual(state.dropped, 0, 'no malformed messages from the webview');
    await closeEditors();
  });

  it('survives being closed while it has work pending, and opens again', async () => {
    const { document, editor } = await openExample('spectrogram_cnn.py');
    const first = positionOf(document, 'nn.Conv2d', 4);
    editor.selection = new vscode.Selection(first, first);
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
    const { document: again, editor: againEditor } = await openExample('laplacian_edge.py');
    const at = positionOf(again, 'nn.Conv2d', 4);
    againEditor.selection = new vscode.Selection(at, at);
    const reopened = await vscode.commands.executeCommand<PanelState>('layerLens.visualiseReceptiveField');
    check(reopened?.ready, `ready after reopening: ${JSON.stringify(reopened)}`);
    const drawn = await panelState(0);
    checkEqual(drawn.rendered?.layerId, 'conv', 'the reopened panel draws the layer under the cursor');
    await closeEditors();
  });
});
