// A screenshot of the workbench `npm start` shows, taken in headless chromium: it opens a model file
// from examples/ (if there is one) and the Command Palette filtered to "Layer Lens", so the picture
// shows the extension loaded.
//
//   node scripts/screenshot.mjs [URL] [OUT.png]
// Without URL it starts its own code-server with Layer Lens under development (build first).
// OUT defaults to docs/screenshots/workbench.png.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isolateWebviews, launchChromium, makeTempDir, repoRoot, startCodeServer, workbenchUrl } from './codeServer.mjs';

const args = process.argv.slice(2);
const urlArgument = args.find((a) => /^https?:/.test(a));
const out = resolve(args.find((a) => a.endsWith('.png')) ?? join(repoRoot, 'docs/screenshots/workbench.png'));
const examples = join(repoRoot, 'examples');

/** The example to open: a PyTorch file if there is one, else any model file, else none. */
function exampleToOpen() {
  if (!existsSync(examples)) return undefined;
  const files = readdirSync(examples, { recursive: true }).map(String).filter((f) => /\.(py|ts|js)$/.test(f)).sort();
  return files.find((f) => /linear|classifier/i.test(f)) ?? files.find((f) => f.endsWith('.py')) ?? files[0];
}

let server;
let temp;
let url = urlArgument;
if (!url) {
  temp = makeTempDir('layer-lens-screenshot-');
  mkdirSync(examples, { recursive: true });
  server = await startCodeServer({
    userDataDir: join(temp.dir, 'user-data'),
    extensionsDir: join(temp.dir, 'extensions'),
    folder: examples,
  });
  url = workbenchUrl(server.origin, { folder: examples, extensionDevelopmentPath: repoRoot });
}

const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await isolateWebviews(page, new URL(url).origin);
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench .part.editor', { timeout: 60_000 });
  // The explorer lists the folder once the remote file system answers.
  await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 30_000 }).catch(() => {});

  const example = exampleToOpen();
  if (example) {
    // Open it from the Explorer, as a person would (top-level files only; nested ones stay unopened).
    const row = page.locator(`.explorer-folders-view .monaco-list-row[aria-label^="${example.split('/').pop()}"]`);
    await row.first().click({ timeout: 30_000 });
    await page.waitForSelector('.editor-instance .monaco-editor .view-lines .view-line', { timeout: 30_000 });
    // Inlay hints and CodeLens arrive after the analysis; wait for either, but don't insist.
    await page.waitForSelector('.monaco-editor .codelens-decoration, .monaco-editor [class*="dyn-rule"]', { timeout: 10_000 }).catch(() => {});
  }

  await page.keyboard.press('F1');
  await page.waitForSelector('.quick-input-widget:not([style*="display: none"]) input', { timeout: 15_000 });
  await page.keyboard.type('Layer Lens');
  await page.waitForFunction(
    () => [...document.querySelectorAll('.quick-input-list .monaco-list-row')].some((row) => row.textContent?.includes('Layer Lens')),
    undefined,
    { timeout: 30_000 },
  );
  const commands = await page.$$eval('.quick-input-list .monaco-list-row', (rows) => rows.map((row) => row.getAttribute('aria-label') ?? row.textContent));
  mkdirSync(dirname(out), { recursive: true });
  await page.screenshot({ path: out });
  console.log(`screenshot: ${out}${example ? ` (opened examples/${example})` : ' (examples/ has no model file yet)'}`);
  console.log(`palette shows:\n  ${commands.join('\n  ')}`);
} finally {
  await browser.close();
  await server?.stop();
  temp?.remove();
}
