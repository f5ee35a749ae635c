// The warm analysis child: the analysis child of src/cli/analysisChild.ts kept alive between runs.
// A one-off child costs every run a second Node start, a load of the analysis bundle and an analysis
// in code that has not warmed up; a child that stays (for a minute after its last request) answers
// the next run with all three done. It keeps the one-off child's guarantees: it is a process of its
// own with the same heap limit, its analysis has the same deadline (the run that waits kills it when
// the deadline passes), and a V8 fatal error in it ends it, not the command. Anything that goes
// wrong before it starts a request (no server, a server that dies or goes away) makes the run use a
// one-off child, so the server only ever saves time. Not on Windows (a named pipe's default access
// is wider than a socket file's), nor with LAYER_LENS_CACHE=off or LAYER_LENS_SERVER=off.

import { spawn } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { contentHash } from '../node/codeCache';
import { ANALYSIS_LIMITS, deadlineMessage, stoppedAnalysis, type AnalysisLimits } from '../shared/analysisWorker';
import { childFlags, type ChildOutcome, type ChildRequest } from './analysisChild';

/** The argument that makes the CLI's executable serve analyses on a socket (the path follows). */
export const SERVER_FLAG = '--layer-lens-analysis-server';

/** How long a run waits for a server it started to listen, before it uses a one-off child. */
const SERVER_START_MS = 5000;

/** The longest socket path every platform we serve accepts (sockaddr_un holds 104 bytes on macOS). */
const MAX_SOCKET_PATH = 100;

/**
 * The socket of the server for the analysis bundle whose content key is `bundleKey`, run by this
 * Node, in the user's cache folder; undefined when no server is used.
 */
export function serverSocketPath(cacheDir: string | undefined, bundleKey: string, limits: AnalysisLimits = ANALYSIS_LIMITS, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!cacheDir || process.platform === 'win32' || env.LAYER_LENS_SERVER === 'off') return undefined;
  const engine = contentHash(Buffer.from([process.version, process.arch, ...childFlags(limits)].join('\0'), 'utf8'));
  const path = join(cacheDir, 'servers', `${bundleKey}-${engine}.sock`);
  return path.length <= MAX_SOCKET_PATH ? path : undefined;
}

/**
 * Makes the sockets' folder, private to this user (some systems do not check a socket file's own
 * permissions); false when it is anyone else's or open to others.
 */
function privateFolder(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = statSync(dir);
    return stat.isDirectory() && (stat.mode & 0o077) === 0 && (process.getuid === undefined || stat.uid === process.getuid());
  } catch {
    return false;
  }
}

/** A connected socket, or undefined when nothing listens at `path`. */
function connectTo(path: string): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', () => resolve(undefined));
  });
}

/** Connects to the server at `path`, starting one (detached, running `entry`) when none listens. */
async function serverConnection(entry: string, path: string, limits: AnalysisLimits): Promise<Socket | undefined> {
  const socket = await connectTo(path);
  if (socket) return socket;
  // Detached, without our stdio, in the sockets' folder: it outlives this run and holds no one's pipes or working folder.
  const server = spawn(process.execPath, [...childFlags(limits), entry, SERVER_FLAG, path], { cwd: dirname(path), detached: true, stdio: 'ignore', windowsHide: true });
  let exited = false;
  server.once('exit', () => (exited = true));
  server.once('error', () => (exited = true));
  server.unref();
  const until = performance.now() + SERVER_START_MS;
  while (!exited && performance.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    const started = await connectTo(path);
    if (started) return started;
  }
  return undefined;
}

/** Kills a warm child (it may have ended already). */
function stopServer(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone already.
  }
}

/**
 * Analyses and prints in the warm server, starting it if needed. Undefined when the server could
 * not serve the request (the caller then uses a one-off child); a deadline that passes once the
 * server started the request kills the server and ends in the deadline finding.
 */
export async function analyzeInServer(entry: string, path: string, request: ChildRequest, limits: AnalysisLimits = ANALYSIS_LIMITS): Promise<ChildOutcome | undefined> {
  if (!privateFolder(dirname(path))) return undefined;
  const socket = await serverConnection(entry, path, limits);
  if (!socket) return undefined;
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    let pid: number | undefined;
    let startedAt = 0;
    let settled = false;
    let deadline: ReturnType<typeof setTimeout> | undefined;
    // A server busy with another run's request answers once that one ends (or its deadline kills the server).
    const waiting = setTimeout(() => settle(undefined), limits.deadlineMs + SERVER_START_MS);
    // Interrupted while the warm child works on this run's request: the child (detached, so not
    // reached by the terminal's signal) is stopped too, as a one-off child would be.
    const interrupted = () => {
      if (pid !== undefined) stopServer(pid);
      process.exit(130);
    };
    process.once('SIGINT', interrupted);
    const settle = (outcome: ChildOutcome | undefined) => {
      if (settled) return;
      settled = true;
      process.removeListener('SIGINT', interrupted);
      clearTimeout(waiting);
      if (deadline) clearTimeout(deadline);
      socket.destroy();
      resolve(outcome);
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (pid === undefined) {
        const line = received.indexOf(10);
        if (line < 0) return;
        const started = /^started (\d+)$/.exec(received.subarray(0, line).toString('latin1'));
        if (!started) return settle(undefined);
        clearTimeout(waiting);
        pid = Number(started[1]);
        startedAt = performance.now();
        received = received.subarray(line + 1);
        deadline = setTimeout(() => {
          stopServer(pid!);
          settle({ stopped: stoppedAnalysis(request.language, deadlineMessage(limits), performance.now() - startedAt) });
        }, limits.deadlineMs);
      }
      const header = received.indexOf(10);
      if (header < 0) return;
      const done = /^done (\d+)$/.exec(received.subarray(0, header).toString('latin1'));
      if (!done) return settle(undefined);
      const body = received.subarray(header + 1);
      const log = process.env.LAYER_LENS_CACHE === 'report' ? `layer-lens: warm analysis child ${pid}\n` : '';
      if (body.length >= Number(done[1])) settle({ printed: body.subarray(0, Number(done[1])).toString('utf8'), log });
    });
    // Closed before the whole answer: the server stopped (a fatal error, or another run's deadline);
    // a one-off child analyses again and says why, if it stops too.
    socket.on('close', () => settle(undefined));
    socket.on('error', () => settle(undefined));
    socket.write(`${JSON.stringify(request)}\n`);
  });
}
