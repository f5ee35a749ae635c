// Runs inside the real extension host (code-server, through scripts/runInWorkbench.mjs): activates
// Layer Lens, then opens 1, 20 and 100 model files of the workspace and samples the extension
// host's memory once each batch is analysed. Bundled by bench/extensionBench.ts; reports JSON to
// the file the runner names in LAYER_LENS_TEST_RESULTS.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

interface Api {
  activationMs: number;
  coreLoadMs?(): number | undefined;
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
    out.passed = 1;
  } catch (error) {
    out.failed = 1;
    out.error = String((error as Error).stack ?? error);
  }
  writeFileSync(process.env.LAYER_LENS_TEST_RESULTS!, JSON.stringify(out));
}
