// `npm start`: build every bundle, then open a real VS Code with Layer Lens loaded from this working
// tree (as an extension under development) on the examples/ folder. Runs until Ctrl-C.
//
// Where VSCODE_EXECUTABLE (or a desktop `code` on PATH) exists, that VS Code opens with
// --extensionDevelopmentPath. Otherwise code-server serves VS Code on a free loopback port; the URL
// is printed and, when a display exists, opened with `chromium --app=URL`.
//
//   node scripts/start.mjs [--no-browser] [--code-server] [FOLDER]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from './build.mjs';
import { chromiumArgs, chromiumPath, makeTempDir, repoRoot, startCodeServer, workbenchUrl } from './codeServer.mjs';

const args = process.argv.slice(2);
const noBrowser = args.includes('--no-browser');
const forceCodeServer = args.includes('--code-server');
const folder = resolve(args.find((a) => !a.startsWith('--')) ?? join(repoRoot, 'examples'));

function desktopVsCode() {
  if (forceCodeServer) return undefined;
  if (process.env.VSCODE_EXECUTABLE) return process.env.VSCODE_EXECUTABLE;
  const which = spawnSync('sh', ['-c', 'command -v code'], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() : undefined;
}

if (!build()) {
  // A broken CLI or test bundle should not keep the editor from opening: retry with what it loads.
  const editorTargets = ['extension-node', 'webview'];
  console.error(`\nlayer-lens: the full build failed (see above); building only ${editorTargets.join(', ')}`);
  if (!build(editorTargets)) {
    console.error('layer-lens: the extension does not build; fix it and run `npm start` again.');
    process.exit(1);
  }
}
mkdirSync(folder, { recursive: true });

const desktop = desktopVsCode();
if (desktop) {
  console.log(`layer-lens: opening ${folder} in ${desktop} with Layer Lens under development`);
  const code = spawn(desktop, ['--extensionDevelopmentPath', repoRoot, '--disable-workspace-trust', folder], { stdio: 'inherit' });
  code.on('exit', (status) => process.exit(status ?? 0));
} else {
  // Fresh settings and extensions per run, so several people can run `npm start` side by side.
  const temp = makeTempDir('layer-lens-start-');
  let server;
  try {
    server = await startCodeServer({
      userDataDir: join(temp.dir, 'user-data'),
      extensionsDir: join(temp.dir, 'extensions'),
      folder,
    });
  } catch (error) {
    console.error(`layer-lens: ${error.message}`);
    temp.remove();
    process.exit(1);
  }
  const url = workbenchUrl(server.origin, { folder, extensionDevelopmentPath: repoRoot });
  console.log(`\nLayer Lens is running in VS Code at:\n\n  ${url}\n`);
  console.log('Open a model file from examples/, then run "Layer Lens: …" commands from the Command Palette (Ctrl+Shift+P).');
  console.log('After changing the code: `npm run build`, then "Developer: Reload Window". Ctrl-C stops.\n');

  let browser;
  if (!noBrowser && process.env.DISPLAY && existsSync(chromiumPath)) {
    browser = spawn(chromiumPath, [...chromiumArgs, `--user-data-dir=${join(temp.dir, 'chromium')}`, `--app=${url}`], {
      stdio: 'ignore',
    });
    browser.on('error', (error) => console.error(`layer-lens: could not open chromium: ${error.message}`));
  } else if (!noBrowser) {
    console.log('(no display: open the URL in a browser on this machine)');
  }

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    browser?.kill();
    await server.stop();
    temp.remove();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.child.on('exit', (code) => {
    if (stopping) return;
    console.error(`layer-lens: code-server exited (${code}):\n${server.output()}`);
    browser?.kill();
    temp.remove();
    process.exit(1);
  });
}
