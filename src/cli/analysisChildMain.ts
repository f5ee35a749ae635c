// The CLI's analysis child (dist/cli/layerLensAnalysis.js): the analysis core, the table formatter
// and the import reader, loaded only by the child process that src/cli/analysisChild.ts starts
// under the editor's limits. The executable (src/cli/bin.ts) loads this bundle through the V8 code
// cache and calls `serveChild`; the command that spawned it prints what it writes.

import { readFileSync, unlinkSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { analyze } from '../analysis/analyze';
import { formatSummaryTable } from '../analysis/summaryTable';
import type { ChildRequest } from './analysisChild';
import { moduleReader } from './moduleReader';
import { diskParseStore } from './parseCacheDisk';
import { printedSummary } from './summaryOutput';

/**
 * Reads one request on stdin, analyses it (imports read within its roots, parsed files kept in
 * `parseCacheDir` when given: src/cli/parseCacheDisk.ts) and writes the printed summary on stdout.
 */
export function serveChild(parseCacheDir: string | undefined): void {
  const request = JSON.parse(readFileSync(0, 'utf8')) as ChildRequest;
  const parseStore = parseCacheDir ? diskParseStore(parseCacheDir) : undefined;
  const analysis = analyze(request.text, request.language, { ...request.options, readModule: moduleReader(request.roots, request.cwd), parseStore });
  process.stdout.write(printedSummary(analysis, request.print, formatSummaryTable));
}

/** How long a warm analysis server waits for the next request before it exits. */
const SERVER_IDLE_MS = 60_000;

/**
 * The warm analysis child (src/cli/analysisServer.ts starts it): serves one request at a time on a
 * local socket that only this user may open, until it has been idle for a minute. Each request is
 * one line of JSON (a ChildRequest); the answer is `started PID\n` at once, then `done LENGTH\n` and
 * the printed summary. The analysis is synchronous, so requests are served in turn, and a client
 * whose deadline passes kills this process (the next run starts another). `afterFirst` runs once,
 * after the first analysis has been answered (the executable saves the code cache there).
 */
export function serveAnalyses(socketPath: string, parseCacheDir: string | undefined, afterFirst: () => void): void {
  const parseStore = parseCacheDir ? diskParseStore(parseCacheDir) : undefined;
  let served = 0;
  let idle: ReturnType<typeof setTimeout> | undefined;
  const server = createServer((socket) => {
    let received = '';
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: string) => {
      received += chunk;
      const end = received.indexOf('\n');
      if (end < 0) return;
      socket.removeAllListeners('data');
      if (idle) clearTimeout(idle);
      socket.write(`started ${process.pid}\n`);
      let printed: string;
      try {
        const request = JSON.parse(received.slice(0, end)) as ChildRequest;
        const analysis = analyze(request.text, request.language, { ...request.options, readModule: moduleReader(request.roots, request.cwd), parseStore });
        printed = printedSummary(analysis, request.print, formatSummaryTable);
      } catch {
        // A request this process cannot serve: the client falls back to a one-off child.
        socket.destroy();
        return;
      }
      socket.end(`done ${Buffer.byteLength(printed)}\n${printed}`);
      if (served++ === 0) afterFirst();
      idle = setTimeout(() => server.close(), SERVER_IDLE_MS);
    });
  });
  // Only this user may connect: the socket is created without permissions for others.
  process.umask(0o077);
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE') process.exit(1);
    // A socket file is there: a live server keeps it (this one leaves), a dead one's is replaced.
    const probe = connect(socketPath);
    probe.on('connect', () => process.exit(0));
    probe.on('error', () => {
      try {
        unlinkSync(socketPath);
      } catch {
        process.exit(1);
      }
      server.listen(socketPath);
    });
  });
  server.listen(socketPath);
  idle = setTimeout(() => server.close(), SERVER_IDLE_MS);
}
