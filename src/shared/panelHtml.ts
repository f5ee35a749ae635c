// The panel's HTML, built in one place so the extension and the webview tests serve the same page
// under the same Content-Security-Policy. Nothing from the user's files goes into this HTML: the
// data arrives later by message (STYLE.md invariant 4).

/** What the page needs to know about where it is served from. */
export interface PanelHtmlOptions {
  /** URI of dist/webview/main.js as the webview may load it. */
  scriptUri: string;
  /** URI of dist/webview/panel.css. */
  styleUri: string;
  /** The webview's CSP source (`webview.cspSource`), or the test server's origin. */
  cspSource: string;
  /** A fresh random nonce for this page load. */
  nonce: string;
}

const NONCE_PATTERN = /^[A-Za-z0-9+/=_-]{16,128}$/;

/** A random nonce for the script tag (base64url, 128 bits), from Web Crypto. */
export function makeNonce(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The Content-Security-Policy of the panel: nonce scripts only, no eval, no inline handlers. */
export function panelCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data: blob:`,
    // vscode-elements adopts constructed stylesheets, which style-src does not govern; no inline styles.
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    // tfjs's WebGL backend needs no network; worker-src covers a future off-thread path.
    "connect-src 'none'",
    "worker-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** The complete HTML document of the panel. */
export function panelHtml(o: PanelHtmlOptions): string {
  if (!NONCE_PATTERN.test(o.nonce)) throw new Error('panelHtml: the nonce must be 16–128 base64 characters');
  const csp = panelCsp(o.cspSource, o.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${attr(o.styleUri)}">
<title>Layer Lens</title>
</head>
<body>
<ll-app></ll-app>
<script nonce="${attr(o.nonce)}" src="${attr(o.scriptUri)}"></script>
</body>
</html>`;
}
