// Serves the built panel (dist/webview) with the HTML and CSP of src/shared/panelHtml.ts over a
// loopback HTTP server and opens it in headless Chromium, with acquireVsCodeApi stubbed so the
// tests see every message the webview posts and can post the extension's messages back.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { makeNonce, panelHtml } from '../../src/shared/panelHtml';
import type { HostMessage, UiState, WebviewMessage } from '../../src/shared/protocol';

const repoRoot = join(__dirname, '..', '..');
const distDir = join(repoRoot, 'dist', 'webview');

/** The Chromium flags of ../shared/VSCODE.md (quiet, sandbox-free, no GPU process). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** A dark theme's variables, as VS Code sets them on the webview's <html> element. */
export const DARK_THEME: Record<string, string> = {
  '--vscode-foreground': '#cccccc',
  '--vscode-editor-background': '#1e1e1e',
  '--vscode-editor-foreground': '#d4d4d4',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-editorWidget-border': '#454545',
  '--vscode-focusBorder': '#007fd4',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-yellow': '#cca700',
  '--vscode-badge-background': '#4d4d4d',
  '--vscode-badge-foreground': '#ffffff',
  '--vscode-button-background': '#0e639c',
  '--vscode-input-background': '#3c3c3c',
  '--vscode-input-foreground': '#cccccc',
  '--vscode-panel-border': '#80808059',
  '--vscode-font-family': 'sans-serif',
  '--vscode-editor-font-family': 'monospace',
  '--vscode-font-size': '13px',
};

/** A high-contrast theme: black background, white text, cyan/orange accents, visible borders. */
export const HIGH_CONTRAST_THEME: Record<string, string> = {
  ...DARK_THEME,
  '--vscode-foreground': '#ffffff',
  '--vscode-editor-background': '#000000',
  '--vscode-editor-foreground': '#ffffff',
  '--vscode-descriptionForeground': '#ffffff',
  '--vscode-contrastBorder': '#6fc3df',
  '--vscode-focusBorder': '#f38518',
  '--vscode-charts-orange': '#f38518',
  '--vscode-badge-background': '#000000',
  '--vscode-input-background': '#000000',
};

/** A running panel page and its server. */
export interface PanelPage {
  page: Page;
  /** Messages the webview posted, in order. */
  posted(): Promise<WebviewMessage[]>;
  /** Posts a message as the extension would (through window.postMessage). */
  send(message: HostMessage | unknown): Promise<void>;
  /** Waits for the n-th message of a type (counting from the start), returning it. */
  waitFor<T extends WebviewMessage['type']>(type: T, count?: number): Promise<Extract<WebviewMessage, { type: T }>>;
  /** Waits until every queued view load has finished. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the static server for dist/webview and the panel HTML (fresh nonce per request). */
export async function startServer(): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/') {
      const origin = `http://${req.headers.host}`;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(panelHtml({ scriptUri: `${origin}/main.js`, styleUri: `${origin}/panel.css`, cspSource: origin, nonce: makeNonce() }));
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const file = { '/main.js': 'main.js', '/panel.css': 'panel.css' }[url.pathname];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/css' });
    res.end(readFileSync(join(distDir, file)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { server, origin: `http://127.0.0.1:${port}` };
}

/** Launches Debian's Chromium through playwright-core. */
export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

/** Options of one page. */
export interface OpenOptions {
  /** State returned by the stubbed getState (a restored panel). */
  savedState?: UiState;
  theme?: Record<string, string>;
  /** The theme kind class VS Code puts on <body> (vscode-dark, vscode-light, vscode-high-contrast). */
  bodyClass?: string;
  width?: number;
  height?: number;
  /** Makes every WebGL context request fail, as on a machine where WebGL is blocked or missing. */
  withoutWebgl?: boolean;
}

/** Opens the panel in a new page and waits for its `ready` message. */
export async function openPanel(browser: Browser, origin: string, o: OpenOptions = {}): Promise<PanelPage> {
  const page = await browser.newPage({ viewport: { width: o.width ?? 1000, height: o.height ?? 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`${e.message}\n${e.stack ?? ''}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') console.error(`  [page ${m.type()}] ${m.text()}`);
  });
  if (o.withoutWebgl) {
    // Chromium's flags do not reliably remove WebGL in headless mode, so the page's canvases refuse it.
    await page.addInitScript(`(() => {
      for (const C of [HTMLCanvasElement, typeof OffscreenCanvas === 'undefined' ? null : OffscreenCanvas]) {
        if (!C) continue;
        const original = C.prototype.getContext;
        C.prototype.getContext = function (kind, ...rest) {
          return /webgl/i.test(String(kind)) ? null : original.call(this, kind, ...rest);
        };
      }
    })();`);
  }
  // A string, not a function: tsx would wrap a function with helpers that do not exist in the page.
  await page.addInitScript(`(() => {
    const saved = ${JSON.stringify(o.savedState ?? null)};
    const theme = ${JSON.stringify(o.theme ?? DARK_THEME)};
    // tsx (esbuild keepNames) may wrap callbacks passed to page.evaluate with __name(...).
    window.__name = (f) => f;
    const posted = [];
    const violations = [];
    window.__posted = posted;
    window.__violations = violations;
    window.__state = saved;
    document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective + ' ' + e.blockedURI));
    window.acquireVsCodeApi = () => ({
      postMessage: (m) => posted.push(JSON.parse(JSON.stringify(m))),
      getState: () => window.__state,
      setState: (s) => { window.__state = JSON.parse(JSON.stringify(s)); },
    });
    // VS Code sets the theme variables on <html> with CSSOM, which the CSP allows.
    document.addEventListener('DOMContentLoaded', () => {
      for (const [k, v] of Object.entries(theme)) document.documentElement.style.setProperty(k, v);
      document.body.classList.add(${JSON.stringify(o.bodyClass ?? 'vscode-dark')});
    });
  })();`);
  await page.goto(`${origin}/`);
  const panel: PanelPage = {
    page,
    posted: () => page.evaluate(() => (window as unknown as { __posted: WebviewMessage[] }).__posted),
    send: async (message) => {
      await page.evaluate((m) => window.postMessage(m, '*'), message as object);
    },
    waitFor: async (type, count = 1) => {
      const handle = await page.waitForFunction(
        ({ type, count }) => {
          const all = (window as unknown as { __posted: { type: string }[] }).__posted.filter((m) => m.type === type);
          return all.length >= count ? all[count - 1] : null;
        },
        { type, count },
        { timeout: 30_000 },
      );
      return (await handle.jsonValue()) as never;
    },
    idle: async () => {
      await page.evaluate(async () => {
        const debug = (window as unknown as { layerLensDebug: { app: { idle: Promise<void> } } }).layerLensDebug;
        // A load may queue another (a snapshot during a load); wait until the queue is stable.
        for (let i = 0; i < 5; i++) await debug.app.idle;
      });
      if (errors.length) throw new Error(`page errors: ${errors.join('\n')}`);
    },
    close: () => page.close(),
  };
  try {
    await panel.waitFor('ready');
  } catch (error) {
    // Say what the page did instead, so a failure under load can be told from a real bug.
    const posted = await page.evaluate(() => JSON.stringify((window as unknown as { __posted?: unknown[] }).__posted ?? null)).catch(() => '?');
    throw new Error(`the panel never said ready: ${(error as Error).message}; posted ${posted}; page errors ${errors.join(' | ') || 'none'}`);
  }
  return panel;
}

/** Saves a screenshot under test-results/webview/. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const path = join(repoRoot, 'test-results', 'webview', `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * The server and browser a suite file shares: started in a `before` hook, closed in an `after`
 * hook. `open` opens a panel page on them, as openPanel does.
 */
export function sharedPanelBrowser(): { open(options?: OpenOptions): Promise<PanelPage> } {
  let browser: Browser | undefined;
  let server: Server | undefined;
  let origin = '';
  before(async () => {
    ({ server, origin } = await startServer());
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    server?.close();
  });
  return {
    open(options?: OpenOptions) {
      if (!browser) throw new Error('the panel browser is not started: call open() inside a test');
      return openPanel(browser, origin, options);
    },
  };
}
