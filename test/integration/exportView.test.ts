// The export command in a real editor: the panel draws the tutorial's convolution, and
// layerLens.exportView writes PNG, SVG, an animated GIF and the offline HTML replay through workspace.fs.
import * as vscode from 'vscode';
import type { PanelState } from '../../src/editor/panel';
import { check, checkEqual, examplesFolder, layerLens, positionOf } from './editorHelpers';

describe('export: the panel view to files', function () {
  this.timeout(60_000);
  const written: vscode.Uri[] = [];
  let folder: vscode.Uri;

  before(async () => {
    const { extension } = await layerLens();
    const examples = examplesFolder(extension);
    folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? examples;
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(examples, 'laplacian_edge.py'));
    const editor = await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
    const at = positionOf(document, 'nn.Conv2d', 4);
    editor.selection = new vscode.Selection(at, at);
    await vscode.commands.executeCommand('layerLens.visualiseReceptiveField');
    const drawn = await vscode.commands.executeCommand<PanelState>('layerLens._panelState', { renderedAfter: 0 });
    checkEqual(drawn.rendered?.view, 'conv', 'view drawn before exporting');
  });

  after(async () => {
    for (const uri of written) await vscode.workspace.fs.delete(uri, { recursive: true }).then(undefined, () => undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  async function exportTo(format: 'png' | 'svg' | 'html' | 'gif'): Promise<Uint8Array> {
    const target = vscode.Uri.joinPath(folder, `.layer-lens-export-test.${format}`);
    written.push(target);
    const result = await vscode.commands.executeCommand<vscode.Uri | undefined>('layerLens.exportView', { format, uri: target.toString() });
    checkEqual(result?.toString(), target.toString(), 'written to');
    return vscode.workspace.fs.readFile(target);
  }

  it('writes a PNG', async () => {
    const bytes = await exportTo('png');
    checkEqual([...bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'PNG signature');
    check(bytes.length > 1000, `${bytes.length} bytes`);
  });

  it('writes an animated GIF', async () => {
    const bytes = await exportTo('gif');
    checkEqual(String.fromCharCode(...bytes.subarray(0, 6)), 'GIF89a', 'GIF signature');
    checkEqual(bytes[bytes.length - 1], 0x3b, 'GIF trailer');
    check(bytes.length > 1000, `${bytes.length} bytes`);
  });

  it('writes an SVG of the layer', async () => {
    const text = new TextDecoder().decode(await exportTo('svg'));
    check(text.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'), text.slice(0, 80));
    check(text.includes('laplacian_edge.py') && text.includes('<text'), text.slice(0, 300));
  });

  it('exports the whole lesson, every view of every layer, into a folder', async () => {
    const lesson = vscode.Uri.joinPath(folder, '.layer-lens-lesson-test');
    written.push(lesson);
    const index = await vscode.commands.executeCommand<vscode.Uri | undefined>('layerLens.exportLesson', { folder: lesson.toString() });
    check(index, 'no index was written');
    const files = (await vscode.workspace.fs.readDirectory(lesson)).map(([name]) => name).sort();
    check(files.includes('index.html'), files.join(', '));
    const replays = files.filter((f) => f.endsWith('.html') && f !== 'index.html');
    check(replays.length >= 1 && replays.some((f) => /-conv\.html$/.test(f)), files.join(', '));
    checkEqual(files.filter((f) => f.endsWith('.png')).length, replays.length, 'one PNG per replay');
    const gifs = files.filter((f) => f.endsWith('.gif'));
    checkEqual(gifs.length, replays.length, 'one GIF per replay');
    const html = new TextDecoder().decode(await vscode.workspace.fs.readFile(index));
    for (const file of [...replays, ...gifs]) check(html.includes(`href="${file}"`), `index does not link ${file}`);
    const gif = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(lesson, gifs[0]));
    checkEqual(String.fromCharCode(...gif.subarray(0, 6)), 'GIF89a', `${gifs[0]} is a GIF`);
  });

  it('writes an offline HTML replay', async () => {
    const text = new TextDecoder().decode(await exportTo('html'));
    // The frames travel in an inert JSON block, read by the hashed player script (issue 19).
    check(text.startsWith('<!DOCTYPE html>') && text.includes('<script type="application/json" id="replay-data">{"frames":["data:image/svg+xml;'), text.slice(0, 80));
    check(!/(src|href)="https?:/.test(text), 'the replay references the network');
  });
});
