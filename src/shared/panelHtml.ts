// The panel's HTML, built in one place so the extension and the webview tests serve the same page
// under the same Content-Security-Policy. Nothing from the user's files goes into this HTML: the
// data arrives later by message (ARCHITECTURE.md, invariant 4).

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

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Web Crypto as both Node 20 and browsers expose it; typed here because src/ shares this file with the DOM-free core. */
interface RandomSource {
  getRandomValues(array: Uint8Array): Uint8Array;
}

/** A random nonce for the script tag: 128 bits from Web Crypto, base64url-encoded (22 characters). */
export function makeNonce(): string {
  const crypto = (globalThis as { crypto?: RandomSource }).crypto;
  if (!crypto) throw new Error('makeNonce: Web Crypto is not available');
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 6) {
      out += BASE64URL[(value >> (bits - 6)) & 63];
      bits -= 6;
    }
  }
  if (bits > 0) out += BASE64URL[(value << (6 - bits)) & 63];
  return out;
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
