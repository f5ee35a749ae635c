// Issue 19 in a real editor: a pathological file never blocks the extension host (hovers on
// another file keep answering while its analysis runs in a worker, and it ends in a finding saying
// it was stopped), and a hover link cannot make the editor open a URI. The latency test runs in both
// hosts: worker threads in the Node host, Web Workers in the web host (src/web/).
import * as vscode from 'vscode';
import { slowSymbolicProducts } from '../unit/pathologicalInputs';
import { check, closeDocument, diagnosticsWhen, examplesFolder, hoverText, layerLens, openUntitled, positionOf } from './editorHelpers';

/**
 * Products of symbolic sizes at the edge of the symbolic bounds (src/analysis/shapes.ts) in two
 * nested loops: each `p * p` multiplies two 15-term polynomials over 480-character names before the
 * result is found to exceed the bounds, about half a millisecond for one step of the budget, so the
 * whole budget takes about 25 s, which only the worker's 2 s deadline stops. (The membership bomb
 * this test used before is now charged by the length of the list it walks, and the step budget
 * stops it at once.) Line 13 is the hot one.
 */
const pathological = slowSymbolicProducts();

/**
 * Measures how late the extension host's event loop runs while `during` runs: a chain of zero-delay
 * timers, each noting the gap since the last. A thread busy with an analysis shows a gap as long as
 * the analysis; an idle one, a few milliseconds (browsers clamp nested timers to 4 ms).
 */
async function eventLoopLag<T>(during: () => Promise<T>): Promise<{ result: T; maxLagMs: number }> {
  let running = true;
  let last = performance.now();
  let maxLagMs = 0;
  const tick = () => {
    const now = performance.now();
    maxLagMs = Math.max(maxLagMs, now - last);
    last = now;
    if (running) setTimeout(tick, 0);
  };
  setTimeout(tick, 0);
  try {
    return { result: await during(), maxLagMs };
  } finally {
    running = false;
  }
}

/** Milliseconds with no decimals, for messages. */
const ms = (values: number[]) => values.map((v) => v.toFixed(0)).join(', ');

describe('security: a pathological file never blocks the extension host (issue 19)', function () {
  this.timeout(60_000);

  // Issue 19 asks that a hover on another file answers within 200 ms while a pathological file is
  // open. An absolute bound on every hover failed on a loaded machine (6 helpers on 2 cores), where
  // a single hover of an idle host sometimes takes longer: a hover also crosses the renderer, whose
  // hiccups say nothing about the extension host. What the test must prove is that the analysis
  // does not occupy the host's thread. So it measures, on this machine and in this run, the host's
  // hover latency and event-loop lag with no analysis running, then, during the analysis:
  // - the event-loop lag of the host itself (a timer chain in the host, no renderer in between)
  //   must stay within max(200 ms, 4 × the baseline lag): this is the strict check;
  // - the 90th percentile of the hovers within max(200 ms, 4 × the slowest baseline hover), and
  //   every hover under 1 s, half the deadline.
  // An analysis on the host's thread would hold it for the whole 2 s deadline (the input below
  // takes minutes), failing all three; if the baseline itself is so slow that the bounds reach
  // 2 s, the machine cannot tell the two apart and the test fails saying so.
  it('keeps answering hovers on another file while the pathological analysis runs in a worker', async function () {
    const { extension, api } = await layerLens();
    const runner = api.analysisRunner();
    check(runner.kind !== 'in-thread', `analyses run on the extension host's thread (${JSON.stringify(runner)})`);
    const other = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(examplesFolder(extension), 'linear_classifier.py'));
    await vscode.window.showTextDocument(other);
    await api.settled(other.uri.toString());
    const at = positionOf(other, 'nn.Linear', 4);
    check((await hoverText(other, at)).includes('Linear'), 'the hover on the other file works before');

    const hoverMs = async () => {
      const started = performance.now();
      const text = await hoverText(other, at);
      check(text.includes('Linear'), 'a hover lost its content');
      return performance.now() - started;
    };
    const baseline = await eventLoopLag(async () => {
      const latencies: number[] = [];
      for (let i = 0; i < 6; i++) latencies.push(await hoverMs());
      return latencies;
    });
    const hoverLimit = Math.max(200, 4 * Math.max(...baseline.result));
    const lagLimit = Math.max(200, 4 * baseline.maxLagMs);
    check(hoverLimit < 2000 && lagLimit < 2000, `the machine is too loaded to tell a blocked host from a slow one: baseline hovers ${ms(baseline.result)} ms, lag ${baseline.maxLagMs.toFixed(0)} ms`);

    const bomb = await openUntitled(pathological);
    try {
      const stopped = diagnosticsWhen(bomb.uri, (d) => d.some((x) => /stopped the analysis/.test(x.message)));
      let stoppedYet = false;
      void stopped.then(() => (stoppedYet = true));
      // Asking for the pathological file's hints starts its analysis; the hints wait for it
      // asynchronously (until the deadline), so the request is not awaited. The Node host first
      // waits for a new file's analysis synchronously, at most 1 s (HOST_WAIT_MS): that designed
      // wait is left out of the measurement. The host's thread is held during it, so the test sees
      // a busy worker only once the wait is over: hovers before that are not measured.
      const hints = Promise.resolve(vscode.commands.executeCommand('vscode.executeInlayHintProvider', bomb.uri, new vscode.Range(0, 0, 15, 0))).catch(() => undefined);
      const hintsStarted = performance.now();
      for (let i = 0; i < 400 && api.analysisRunner().busyWorkers === 0 && !stoppedYet; i++) await hoverMs();
      const hintsMs = performance.now() - hintsStarted;
      check(!stoppedYet && api.analysisRunner().busyWorkers > 0, `no worker was busy with the pathological analysis before it ended (${hintsMs.toFixed(0)} ms after asking for its hints)`);
      // Hovers until the analysis is stopped; only those answered while a worker was busy count.
      const during = await eventLoopLag(async () => {
        const latencies: number[] = [];
        for (let i = 0; i < 400 && !stoppedYet; i++) {
          const latency = await hoverMs();
          if (api.analysisRunner().busyWorkers > 0 && !stoppedYet) latencies.push(latency);
        }
        return latencies;
      });
      const diagnostics = await stopped;
      await hints;
      const state = api.analysisRunner();
      const measured =
        `${state.kind}: baseline hovers ${ms(baseline.result)} ms, lag ${baseline.maxLagMs.toFixed(0)} ms; ` +
        `during the analysis ${during.result.length} hovers, max ${Math.max(...during.result).toFixed(0)} ms, 90th percentile ${[...during.result].sort((a, b) => a - b)[Math.floor(during.result.length * 0.9)]?.toFixed(0)} ms, median ${[...during.result].sort((a, b) => a - b)[Math.floor(during.result.length / 2)]?.toFixed(0)} ms, ` +
        `lag ${during.maxLagMs.toFixed(0)} ms; worker busy ${hintsMs.toFixed(0)} ms after the hints were asked; first worker ready in ${state.firstStartMs?.toFixed(0)} ms, ${state.workersStarted} workers started`;
      // The numbers go into the test's title: the spec reporter prints it in both hosts (a Node
      // host's console output ends up in the browser, not in the run's log).
      if (this.test) this.test.title += ` [${measured}]`;
      check(during.result.length >= 3, `only ${during.result.length} hovers were answered while a worker was busy with the pathological file (${measured})`);
      const sorted = [...during.result].sort((a, b) => a - b);
      const p90 = sorted[Math.floor(sorted.length * 0.9)];
      check(p90 <= hoverLimit, `90% of the hovers took up to ${p90.toFixed(0)} ms (limit ${hoverLimit.toFixed(0)}: ${measured})`);
      check(sorted[sorted.length - 1] < 1000, `a hover took ${sorted[sorted.length - 1].toFixed(0)} ms, half the deadline (${measured})`);
      check(during.maxLagMs <= lagLimit, `the host's event loop lagged ${during.maxLagMs.toFixed(0)} ms (limit ${lagLimit.toFixed(0)}: ${measured})`);
      check(diagnostics.some((d) => /after 2 s/.test(d.message)), 'the finding names the deadline');
      check(api.analysisRunner().analysesStopped >= 1, 'the runner counted the stopped analysis');
    } finally {
      await closeDocument(bomb);
    }
  });
});

describe('security: command links (issue 19)', function () {
  this.timeout(60_000);

  it('opens no document that is not already open when a panel command names one', async () => {
    await layerLens();
    const foreign = 'untitled:/layerLensForeign-never-opened.py';
    await vscode.commands.executeCommand('layerLens.showAttention', { uri: foreign, offset: 0 });
    check(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === foreign), 'the command opened the URI of its arguments');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});

/**
 * True in the integration step's second run (scripts/test.mjs): code-server started without
 * `--disable-workspace-trust`, with test/fixtures/restrictedMode/ as a workspace nobody trusted.
 */
const untrustedRun = typeof process !== 'undefined' && process.env?.LAYER_LENS_UNTRUSTED_RUN === '1';

if (untrustedRun) {
  describe('security: Restricted Mode (issue 19)', function () {
    this.timeout(60_000);

    // The production path: AnalysisCache.readModule asks importGuard.mayFollowImport, which reads
    // `workspace.isTrusted` itself; nothing in the extension is switched for the test. The fixture
    // net.py imports WIDTH from helper.py beside it, inside the workspace. The cache records every
    // module it decides to read before reading it (heldModules), so an empty record after the
    // analysis means no import was followed. Run once with trust (the same folder, code-server with
    // --disable-workspace-trust), this test failed with "the cache holds imported modules:
    // …/restrictedMode/helper.py, …/helper/__init__.py, …".
    it('follows no imports when the workspace is not trusted', async () => {
      const { api } = await layerLens();
      check(!vscode.workspace.isTrusted, 'the workspace of the untrusted run is trusted: the test would prove nothing');
      const folder = vscode.workspace.workspaceFolders?.[0];
      check(folder, 'the untrusted run has no workspace folder');
      const net = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, 'net.py'));
      await vscode.window.showTextDocument(net);
      await api.settled(net.uri.toString());
      check(api.heldModules().length === 0, `the cache holds imported modules: ${api.heldModules().join(', ')}`);
      const hover = await hoverText(net, positionOf(net, 'nn.Linear', 4));
      check(hover.includes('Linear'), `the file is analysed all the same: no hover on the layer (${hover})`);
      check(!/\b14\b/.test(hover), `the hover counts the parameters of Linear(6, 2), so helper.py was read: ${hover}`);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });
  });
}
