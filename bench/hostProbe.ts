// Runs inside the real extension host (code-server, through scripts/runInWorkbench.mjs): activates
// Layer Lens, then opens 1, 20 and 100 model files of the workspace and samples the extension
// host's memory once each batch is analysed. Bundled by bench/extensionBench.ts; reports JSON to
// the file the runner names in LAYER_LENS_TEST_RESULTS.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { syntheticModel } from './syntheticModel';

interface Api {
  activationMs: number;
  coreLoadMs?(): number | undefined;
  analysisCounts?(): { all: number; focused: number; ms: number; hintCalls: number; hintMs: number };
  settled(uri: string): Promise<void>;
  heldDocuments(): string[];
}

function sample(): { rssMb: number; heapUsedMb: number } {
  const m = process.memoryUsage();
  return { rssMb: m.rss / 2 ** 20, heapUsedMb: m.heapUsed / 2 ** 20 };
}

/** Samples after a pause, several times, keeping the lowest heap (garbage not yet collected inflates it). */
async function settledSample(): Promise<{ rssMb: number; heapUsedMb: number }> {
  const samples = [];
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 400));
    (globalThis as { gc?: () => void }).gc?.();
    samples.push(sample());
  }
  return samples.reduce((a, b) => (b.heapUsedMb < a.heapUsedMb ? b : a));
}

export async function run(): Promise<void> {
  const out: Record<string, unknown> = { passed: 0, failed: 0 };
  try {
    // The model files' folder and the mode are written beside this bundle by bench/extensionBench.ts.
    const { folder, activationOnly, extensionName = 'layer-lens' } = JSON.parse(readFileSync(join(__dirname, 'hostProbe.json'), 'utf8')) as { folder: string; activationOnly?: boolean; extensionName?: string };
    const extension = vscode.extensions.all.find((e) => e.packageJSON?.name === extensionName);
    if (!extension) throw new Error(`${extensionName} is not loaded in this host`);
    out.wasActiveBefore = extension.isActive;
    const before = sample();
    const started = performance.now();
    const api = (await extension.activate()) as Api;
    out.activateCallMs = performance.now() - started;
    out.activationMs = api?.activationMs ?? null;
    out.memoryBeforeActivation = before;
    if (activationOnly) {
      out.passed = 1;
      writeFileSync(process.env.LAYER_LENS_TEST_RESULTS!, JSON.stringify(out));
      return;
    }
    // In code-server the workspace lives behind the vscode-remote scheme, so URIs come from the folder's URI.
    const root = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(folder);
    const files = readdirSync(folder).filter((f) => f.endsWith('.py')).sort().map((f) => vscode.Uri.joinPath(root, f));
    out.filesAvailable = files.length;
    const baseline = await settledSample();
    out.baseline = baseline;
    const steps: unknown[] = [];
    const openFailures: string[] = [];
    out.openFailures = openFailures;
    let opened = 0;
    for (const target of [1, 20, 100]) {
      const batch = files.slice(opened, target);
      // One at a time, retried once: under load the host has been seen to fail an open now and then.
      const documents: vscode.TextDocument[] = [];
      for (const uri of batch) {
        try {
          documents.push(await vscode.workspace.openTextDocument(uri));
        } catch {
          try {
            documents.push(await vscode.workspace.openTextDocument(uri));
          } catch (error) {
            openFailures.push(`${uri.path.split('/').pop()}: ${String((error as Error).message).slice(0, 120)}`);
          }
        }
      }
      await Promise.all(documents.map((d) => api.settled(d.uri.toString())));
      // The first analysis loaded the core (dist/extension/analysis.js): what activation no longer pays.
      if (target === 1) out.coreLoadMs = api.coreLoadMs?.() ?? null;
      opened = target;
      const m = await settledSample();
      steps.push({ open: target, ...m, heapGrowthMb: m.heapUsedMb - baseline.heapUsedMb, rssGrowthMb: m.rssMb - baseline.rssMb, held: api.heldDocuments().length });
    }
    out.steps = steps;
    out.editor = await keystrokes(api);
    out.passed = 1;
  } catch (error) {
    out.failed = 1;
    out.error = String((error as Error).stack ?? error);
  }
  writeFileSync(process.env.LAYER_LENS_TEST_RESULTS!, JSON.stringify(out));
}

/** Hint labels of a range, through VS Code's command (as the editor asks for them). */
async function hintsOf(document: vscode.TextDocument, range: vscode.Range): Promise<number> {
  const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', document.uri, range);
  return hints.length;
}

/**
 * Keystroke to fresh hints in the real host, IPC included: a 2,000-line synthetic model opened as an
 * untitled document, its visible 60 lines' hints asked at once (the cold, focused path), then
 * one-character edits in the middle, each followed by the same request (the incremental path). The
 * same text as plain text, which no provider reads, measures what VS Code's round trips cost alone.
 */
async function keystrokes(api: Api): Promise<Record<string, unknown>> {
  const { text } = syntheticModel(2000);
  const run = async (language: string) => {
    const focusedAtOpen = api.analysisCounts?.().focused ?? 0;
    const document = await vscode.workspace.openTextDocument({ language, content: text });
    await vscode.window.showTextDocument(document);
    const lines = document.lineCount;
    const middle = Math.floor(lines / 2);
    let line = middle;
    while (line < lines - 1 && !/^\s{8}\S/.test(document.lineAt(line).text)) line++;
    const visible = new vscode.Range(middle - 30, 0, middle + 30, 0);
    const focusedBefore = api.analysisCounts?.().focused ?? 0;
    let started = performance.now();
    const coldHints = await hintsOf(document, visible);
    const coldVisibleMs = performance.now() - started;
    const focusedPath = (api.analysisCounts?.().focused ?? 0) > focusedBefore;
    // VS Code asks for the shown editor's hints by itself as it opens: whether that took the focused path.
    const focusedOnOpen = (api.analysisCounts?.().focused ?? 0) - focusedAtOpen;
    await api.settled(document.uri.toString());
    const times: number[] = [];
    const repeats: number[] = [];
    const before = api.analysisCounts?.();
    for (let i = 0; i < 21; i++) {
      const end = document.lineAt(line).range.end;
      const edit = new vscode.WorkspaceEdit();
      if (i % 2 === 0) edit.insert(document.uri, end, ' ');
      else edit.delete(document.uri, new vscode.Range(end.translate(0, -1), end));
      started = performance.now();
      await vscode.workspace.applyEdit(edit);
      await hintsOf(document, visible);
      if (i > 0) times.push(performance.now() - started);
      // The same request again, answered from the cached analysis: the round trip and hint building alone.
      started = performance.now();
      await hintsOf(document, visible);
      if (i > 0) repeats.push(performance.now() - started);
    }
    const after = api.analysisCounts?.();
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    // What the analyses themselves took over the 21 edits, as the core measured them.
    const analyses =
      before && after
        ? {
            count: after.all - before.all,
            meanMs: (after.ms - before.ms) / Math.max(1, after.all - before.all),
            hintCalls: after.hintCalls - before.hintCalls,
            hintMeanMs: (after.hintMs - before.hintMs) / Math.max(1, after.hintCalls - before.hintCalls),
          }
        : null;
    return { lines, coldVisibleMs, coldHints, focusedPath, focusedOnOpen, keystrokeMs: times, repeatMs: repeats, analyses };
  };
  const plain = await run('plaintext');
  // Python with our hints off: VS Code's round trips and Python tokenization, without our analysis.
  const config = vscode.workspace.getConfiguration('layerLens');
  await config.update('inlayHints.mode', 'off', vscode.ConfigurationTarget.Global);
  const hintsOff = await run('python');
  await config.update('inlayHints.mode', undefined, vscode.ConfigurationTarget.Global);
  const python = await run('python');
  return {
    ...python,
    plainColdMs: plain.coldVisibleMs,
    plainKeystrokeMs: plain.keystrokeMs,
    plainRepeatMs: plain.repeatMs,
    hintsOffColdMs: hintsOff.coldVisibleMs,
    hintsOffKeystrokeMs: hintsOff.keystrokeMs,
  };
}
