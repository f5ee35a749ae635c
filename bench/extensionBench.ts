// The extension's own costs: bundle sizes of a production build and of the .vsix, activation time
// (plain Node with a vscode stand-in, bench/activationStub.cjs), and, in a real extension host
// (code-server through scripts/runInWorkbench.mjs), activation and memory with 1/20/100 files open.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { torchvisionRoot } from './analysisBench';
import { spreadOf, type Spread } from './stats';

const repoRoot = join(__dirname, '..');

/** Size of one shipped file. */
export interface BundleSize {
  target: string;
  file: string;
  bytes: number;
  gzipBytes: number;
}

/** Activation in plain Node, one fresh process per sample. */
export interface StubActivation {
  bundle: string;
  require: Spread;
  activate: Spread;
  total: Spread;
  error: string | null;
}

/** What the probe reported from the real extension host. */
export interface HostProbe {
  ok: boolean;
  error: string | null;
  activateCallMs?: number;
  /** `extension.activate()` in further fresh hosts (activation only), for a median. */
  activateCallSamples?: number[];
  /** The same call on an extension that does nothing, in fresh hosts launched in turn with ours: VS Code's own share. */
  emptyActivateCallSamples?: number[];
  activationMs?: number;
  /** What the first analysis spent requiring the core bundle (dist/extension/analysis.js). */
  coreLoadMs?: number | null;
  /** The extension folder the host loaded: the production bundles, as the .vsix ships them. */
  extensionPath?: string;
  /** Keystroke to fresh hints through VS Code's commands in the host (bench/hostProbe.ts `keystrokes`). */
  editor?: { lines: number; coldVisibleMs: number; coldHints: number; focusedPath: boolean; focusedOnOpen?: number; keystrokeMs: number[]; repeatMs?: number[]; plainRepeatMs?: number[]; plainColdMs?: number; plainKeystrokeMs?: number[]; hintsOffColdMs?: number; hintsOffKeystrokeMs?: number[]; analyses?: { count: number; meanMs: number; hintCalls?: number; hintMeanMs?: number } | null };
  wasActiveBefore?: boolean;
  baseline?: { rssMb: number; heapUsedMb: number };
  steps?: { open: number; rssMb: number; heapUsedMb: number; heapGrowthMb: number; rssGrowthMb: number; held: number }[];
}

export interface ExtensionResults {
  bundles: BundleSize[];
  bundleError: string | null;
  vsix: { bytes: number } | null;
  vsixError: string | null;
  activation: StubActivation | null;
  host: HostProbe;
}

const shipped: Record<string, string> = {
  'extension-node': 'dist/extension/node.js',
  'extension-core': 'dist/extension/analysis.js',
  'extension-features': 'dist/extension/features.js',
  'extension-web': 'dist/extension/web.js',
  webview: 'dist/webview/main.js',
  cli: 'dist/cli/layerLens.js',
  'cli-analysis': 'dist/cli/layerLensAnalysis.js',
};

/** A production build in a staging copy (never over the working tree's dist/, which others use). */
function productionBuild(staging: string): { bundles: BundleSize[]; error: string | null } {
  for (const name of ['src', 'webview', 'node_modules', 'esbuild.mjs', 'tsconfig.json', 'media']) symlinkSync(join(repoRoot, name), join(staging, name));
  const bundles: BundleSize[] = [];
  const errors: string[] = [];
  // One target at a time, so a target whose entry does not exist yet does not hide the others.
  for (const [target, file] of Object.entries(shipped)) {
    const run = spawnSync(process.execPath, ['esbuild.mjs', '--production', target], { cwd: staging, encoding: 'utf8' });
    if (run.status !== 0 || !existsSync(join(staging, file))) {
      errors.push(`${target}: ${(run.stderr || run.stdout).trim().split('\n').find((l) => l.includes('ERROR') || l.includes('error')) ?? 'failed'}`);
      continue;
    }
    const text = readFileSync(join(staging, file));
    bundles.push({ target, file, bytes: text.length, gzipBytes: gzipSync(text).length });
  }
  return { bundles, error: errors.length ? errors.join('; ') : null };
}

function stubActivation(bundle: string, repeats: number): StubActivation {
  const samples: { requireMs: number; activateMs: number; totalMs: number; error: string | null }[] = [];
  for (let i = 0; i < repeats; i++) {
    const run = spawnSync(process.execPath, [join(repoRoot, 'bench/activationStub.cjs'), bundle], { cwd: repoRoot, encoding: 'utf8' });
    const line = run.stdout.trim().split('\n').pop() ?? '';
    try {
      samples.push(JSON.parse(line));
    } catch {
      samples.push({ requireMs: NaN, activateMs: NaN, totalMs: NaN, error: run.stderr.trim().split('\n').slice(0, 3).join(' | ') });
    }
  }
  const ok = samples.filter((s) => !s.error);
  return {
    bundle,
    require: spreadOf(ok.map((s) => s.requireMs)),
    activate: spreadOf(ok.map((s) => s.activateMs)),
    total: spreadOf(ok.map((s) => s.totalMs)),
    error: samples.find((s) => s.error)?.error ?? null,
  };
}

/** A workspace of 100 model files: the examples and torchvision's model files, copied round-robin. */
function modelWorkspace(dir: string): void {
  const sources = [
    ...readdirSync(join(repoRoot, 'examples')).filter((f) => f.endsWith('.py')).map((f) => join(repoRoot, 'examples', f)),
    ...(existsSync(join(torchvisionRoot, 'models')) ? readdirSync(join(torchvisionRoot, 'models')).filter((f) => f.endsWith('.py') && !f.startsWith('_')).map((f) => join(torchvisionRoot, 'models', f)) : []),
  ];
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < 100; i++) {
    const source = sources[i % sources.length];
    copyFileSync(source, join(dir, `m${String(i).padStart(3, '0')}_${source.split('/').pop()}`));
  }
}

/**
 * The extension as installed: the manifest and assets of the working tree beside the staging
 * copy's production bundles (the working tree's dist/ holds whatever the last test build left).
 */
function productionExtension(temp: string, staging: string): string {
  const dir = join(temp, 'extension');
  mkdirSync(dir);
  for (const name of readdirSync(repoRoot)) {
    if (name === 'package.json' || /^package\.nls.*\.json$/.test(name) || ['media', 'l10n', 'examples', 'README.md', 'LICENSE'].includes(name)) symlinkSync(join(repoRoot, name), join(dir, name));
  }
  symlinkSync(join(staging, 'dist'), join(dir, 'dist'));
  return dir;
}

/** Fresh hosts that only activate the extension, for a median of the one-per-launch figure. */
const ACTIVATION_LAUNCHES = 9;

/** An extension whose activate() does nothing, with our activation events: what VS Code itself costs. */
function emptyExtension(temp: string): string {
  const dir = join(temp, 'empty-extension');
  mkdirSync(dir);
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { activationEvents?: string[]; engines: unknown };
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'layer-lens-empty', publisher: 'layer-lens', version: '0.0.0', engines: manifest.engines, main: './extension.js', activationEvents: manifest.activationEvents ?? [] }),
  );
  writeFileSync(join(dir, 'extension.js'), 'exports.activate = () => ({});\nexports.deactivate = () => {};\n');
  return dir;
}

async function hostProbe(temp: string, extensionPath: string, quick: boolean): Promise<HostProbe> {
  const probe = join(temp, 'hostProbe.js');
  await esbuild.build({ entryPoints: [join(repoRoot, 'bench/hostProbe.ts')], outfile: probe, bundle: true, platform: 'node', format: 'cjs', external: ['vscode'], logLevel: 'error' });
  const folder = join(temp, 'workspace');
  modelWorkspace(folder);
  const { runExtensionTests } = (await import(join(repoRoot, 'scripts/runInWorkbench.mjs'))) as {
    runExtensionTests(o: { extensionTestsPath: string; extensionDevelopmentPath: string; folder: string; timeoutMs: number }): Promise<{ exitCode: number | null; results: Record<string, unknown> | null; diagnostics: string }>;
  };
  const empty = emptyExtension(temp);
  const launch = async (activationOnly: boolean, which: 'ours' | 'empty' = 'ours'): Promise<HostProbe> => {
    writeFileSync(join(temp, 'hostProbe.json'), JSON.stringify({ folder, activationOnly, extensionName: which === 'ours' ? 'layer-lens' : 'layer-lens-empty' }));
    const outcome = await runExtensionTests({ extensionTestsPath: probe, extensionDevelopmentPath: which === 'ours' ? extensionPath : empty, folder, timeoutMs: 6 * 60_000 });
    const r = outcome.results;
    if (!r) return { ok: false, error: `no result from the host (exit ${outcome.exitCode}): ${outcome.diagnostics.slice(0, 600)}` };
    if (r.failed) return { ok: false, error: String(r.error).slice(0, 600) };
    return { ok: true, error: null, ...(r as object) } as HostProbe;
  };
  const full = await launch(false);
  if (!full.ok || quick) return { ...full, extensionPath };
  // The first launch also warmed the disk cache; the figures come from the launches after it,
  // ours and the empty extension's in turn so that both see the same machine.
  const samples: number[] = [];
  const emptySamples: number[] = [];
  const activated = (p: HostProbe) => (p.ok && p.wasActiveBefore === false && typeof p.activateCallMs === 'number' ? p.activateCallMs : null);
  for (let i = 0; i < ACTIVATION_LAUNCHES; i++) {
    const ours = activated(await launch(true, 'ours'));
    if (ours !== null) samples.push(ours);
    const baseline = activated(await launch(true, 'empty'));
    if (baseline !== null) emptySamples.push(baseline);
  }
  return { ...full, activateCallSamples: samples, emptyActivateCallSamples: emptySamples, extensionPath };
}

/** Runs the extension measurements; `withHost` starts code-server (a minute or two). */
export async function runExtensionBench(quick: boolean, withHost: boolean, log: (s: string) => void): Promise<ExtensionResults> {
  const temp = mkdtempSync(join(tmpdir(), 'layer-lens-bench-'));
  try {
    const staging = join(temp, 'staging');
    mkdirSync(staging);
    const { bundles, error: bundleError } = productionBuild(staging);
    log('production bundles built');
    const nodeBundle = join(staging, shipped['extension-node']);
    const activation = existsSync(nodeBundle) ? stubActivation(nodeBundle, quick ? 5 : 20) : null;
    log('activation (stub) measured');

    let vsix: ExtensionResults['vsix'] = null;
    let vsixError: string | null = null;
    if (!quick) {
      try {
        const { packageExtension } = (await import(join(repoRoot, 'scripts/package.mjs'))) as { packageExtension(out: string): unknown };
        const out = join(temp, 'layer-lens.vsix');
        packageExtension(out);
        vsix = { bytes: statSync(out).size };
      } catch (error) {
        vsixError = String((error as Error).message).split('\n').slice(0, 3).join(' ');
      }
      log('vsix packaged');
    } else {
      vsixError = 'not packaged in --quick mode';
    }

    let host: HostProbe = { ok: false, error: 'skipped (--quick or --no-host)' };
    if (withHost) {
      try {
        host = await hostProbe(temp, productionExtension(temp, staging), quick);
      } catch (error) {
        host = { ok: false, error: String((error as Error).message).slice(0, 600) };
      }
      log('extension host probed');
    }
    return { bundles, bundleError, vsix, vsixError, activation, host };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}
