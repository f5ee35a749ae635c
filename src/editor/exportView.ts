// The command layerLens.exportView: the panel's current view as PNG, SVG, or a self-contained HTML
// file that replays every step offline. The webview draws the export (webview/render/export*.ts);
// this side asks for a file name and writes it through workspace.fs (so it works on the web too).
import * as vscode from 'vscode';
import type { ExportFormat } from '../shared/protocol';
import { exportPanelView } from './panel';

/** The command's identifier. */
export const exportViewCommand = 'layerLens.exportView';

/** Arguments for scripted use (tests, keybindings): skip the pickers when given. */
export interface ExportViewArgs {
  format?: ExportFormat;
  /** Where to write; skips the save dialog. */
  uri?: string;
}

const formats: { format: ExportFormat; label: string; detail: string; extension: string }[] = [
  { format: 'png', label: 'PNG image', detail: 'The current step, as on screen.', extension: 'png' },
  { format: 'svg', label: 'SVG drawing', detail: 'The current step as vector shapes and text, for slides.', extension: 'svg' },
  { format: 'html', label: 'HTML replay', detail: 'Every step with a player, in one file that works offline.', extension: 'html' },
];

/** The bytes of what the webview sent: a PNG data URL decoded, or text as UTF-8. */
export function exportBytes(format: ExportFormat, data: string): Uint8Array {
  if (format !== 'png') return new TextEncoder().encode(data);
  const match = /^data:image\/png;base64,([A-Za-z0-9+/=]+)$/.exec(data);
  if (!match) throw new Error('The panel did not return a PNG image.');
  const binary = atob(match[1]);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function exportView(args?: ExportViewArgs): Promise<vscode.Uri | undefined> {
  const choice = args?.format
    ? formats.find((f) => f.format === args.format)
    : await vscode.window.showQuickPick(formats, { title: vscode.l10n.t('Export the Layer Lens view as') });
  if (!choice) return undefined;
  const answer = await exportPanelView(choice.format);
  if (answer.error) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Layer Lens could not export the view: {0}', answer.error));
    return undefined;
  }
  const bytes = exportBytes(choice.format, answer.data);
  let target = args?.uri ? vscode.Uri.parse(args.uri) : undefined;
  if (!target) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, `layer-lens-view.${choice.extension}`) : undefined,
      filters: { [choice.label]: [choice.extension] },
    });
  }
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, bytes);
  return target;
}

/** Registers layerLens.exportView. */
export function registerExportView(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand(exportViewCommand, (args?: ExportViewArgs) => exportView(args)));
}
