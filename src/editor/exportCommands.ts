// The command layerLens.exportView: the panel's current view as PNG, SVG, an animated GIF of every
// step, or a self-contained HTML file that replays every step offline. The webview draws the export (webview/render/export*.ts);
// this side asks for a file name and writes it through workspace.fs (so it works on the web too).
import * as vscode from 'vscode';
import type { ExportFormat } from '../shared/protocol';
import type { PanelController } from './panelController';

/** The command's identifier. */
export const exportViewCommand = 'layerLens.exportView';

/** The command that exports every view of every layer of the model into a folder. */
export const exportLessonCommand = 'layerLens.exportLesson';

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
  { format: 'gif', label: 'Animated GIF', detail: 'Every step at the panel\'s playback speed, looping, for slides and chats.', extension: 'gif' },
];

/** The bytes of what the webview sent: a PNG or GIF data URL decoded, or text as UTF-8. */
export function exportBytes(format: ExportFormat, data: string): Uint8Array {
  if (format !== 'png' && format !== 'gif') return new TextEncoder().encode(data);
  const match = new RegExp(`^data:image/${format};base64,([A-Za-z0-9+/=]+)$`).exec(data);
  if (!match) throw new Error(`The panel did not return a ${format.toUpperCase()} image.`);
  const binary = atob(match[1]);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** layerLens.exportView: the panel's current view, written where the user (or `args.file`) says. */
export async function exportView(panel: PanelController, args?: ExportViewArgs): Promise<vscode.Uri | undefined> {
  const choice = args?.format
    ? formats.find((f) => f.format === args.format)
    : await vscode.window.showQuickPick(formats, { title: vscode.l10n.t('Export the Layer Lens view as') });
  if (!choice) return undefined;
  const answer = await panel.exportView(choice.format);
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

function escapeHtml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A file name from a layer path such as `blocks.0.attention` (nothing that could leave the folder). */
function safeName(text: string): string {
  return text.replace(/[^\w.-]+/g, '_').replace(/^\.+/, '_').slice(0, 80);
}

/**
 * Every view of every layer of the model on the panel, each as an HTML replay, a PNG and an
 * animated GIF (the one a slide deck can embed), with an index.html that links them: a whole lesson
 * for guests without the extension. Returns the index.
 */
export async function exportLesson(panel: PanelController, args?: { folder?: string }): Promise<vscode.Uri | undefined> {
  let folder = args?.folder ? vscode.Uri.parse(args.folder) : undefined;
  if (!folder) {
    const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: vscode.l10n.t('Export the lesson here') });
    folder = picked?.[0];
  }
  if (!folder) return undefined;
  const pages = await panel.exportLesson(['html', 'png', 'gif']);
  const entries: string[] = [];
  const numbers = new Map<string, number>();
  // The entry of each view, by its key, so that the GIF written after its replay can be linked from it.
  const entryOf = new Map<string, number>();
  for (const page of pages) {
    if (page.exported.error) continue;
    const extension = page.exported.format;
    const key = `${page.layerId}|${page.view}`;
    if (!numbers.has(key)) numbers.set(key, numbers.size + 1);
    const name = `${String(numbers.get(key)).padStart(2, '0')}-${safeName(page.layerId)}-${page.view}.${extension}`;
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, name), exportBytes(extension, page.exported.data));
    if (extension === 'html') {
      entryOf.set(key, entries.length);
      entries.push(`<li><a href="${escapeHtml(name)}">${escapeHtml(page.label)}</a> · ${escapeHtml(page.view)}</li>`);
    } else if (extension === 'gif' && entryOf.has(key)) {
      const at = entryOf.get(key)!;
      entries[at] = `${entries[at].slice(0, -'</li>'.length)} · <a href="${escapeHtml(name)}">GIF</a></li>`;
    }
  }
  if (entries.length === 0) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Layer Lens could not export the lesson: the panel shows no model views.'));
    return undefined;
  }
  const html = `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Layer Lens lesson</title></head>\n<body><h1>Layer Lens lesson</h1><ol>\n${entries.join('\n')}\n</ol></body></html>\n`;
  const indexUri = vscode.Uri.joinPath(folder, 'index.html');
  await vscode.workspace.fs.writeFile(indexUri, new TextEncoder().encode(html));
  return indexUri;
}
