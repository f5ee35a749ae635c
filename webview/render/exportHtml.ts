// A self-contained HTML file that replays a view offline: one SVG per step (drawn by the panel's
// own code through the SVG recorder), a caption per step, and a few lines of player script. No
// network, no CDN: the page's CSP allows only its own player script (by hash), inline style and
// data: images.
import { escapeXml } from './exportSvg';

/** What the replay shows. */
export interface ReplayInput {
  title: string;
  /** One standalone SVG document per step. */
  frames: string[];
  /** One sentence per step (the screen-reader description). */
  captions: string[];
  /** Steps per second when playing. */
  speed: number;
  /** The step shown first. */
  startStep: number;
  background: string;
  foreground: string;
}

/** JSON that is safe inside a <script> element (no "</script>", no line separators). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function cssColour(value: string): string {
  return /^[#\w(),.%\s-]*$/.test(value) ? value : 'inherit';
}

/**
 * The player: constant text, so the page's CSP can allow exactly this script by its SHA-256 hash
 * instead of 'unsafe-inline'. It reads the frames from an inert JSON block and shows each as an
 * <img> of an SVG data URL (no innerHTML: a frame is never parsed into the page, and an SVG in an
 * image runs no script and loads nothing).
 */
export const PLAYER_SCRIPT = `
const data = JSON.parse(document.getElementById('replay-data').textContent);
const frames = data.frames;
const captions = data.captions;
let step = data.start;
let timer = null;
const image = document.getElementById('frame-image');
const slider = document.getElementById('step');
const counter = document.getElementById('counter');
const caption = document.getElementById('caption');
const play = document.getElementById('play');
function show(n) {
  step = Math.max(0, Math.min(frames.length - 1, n));
  image.setAttribute('src', frames[step]);
  slider.value = String(step);
  counter.textContent = (step + 1) + ' / ' + frames.length;
  caption.textContent = captions[step] || '';
  image.setAttribute('alt', caption.textContent);
}
function stop() { clearInterval(timer); timer = null; play.textContent = 'Play'; }
function start() {
  if (step >= frames.length - 1) show(0);
  play.textContent = 'Pause';
  timer = setInterval(() => { if (step >= frames.length - 1) stop(); else show(step + 1); }, 1000 / data.speed);
}
document.getElementById('back').addEventListener('click', () => { stop(); show(step - 1); });
document.getElementById('forward').addEventListener('click', () => { stop(); show(step + 1); });
play.addEventListener('click', () => (timer ? stop() : start()));
slider.addEventListener('input', () => { stop(); show(Number(slider.value)); });
document.addEventListener('keydown', (e) => {
  // The slider moves itself with the arrow keys (and reports it through 'input').
  if (e.target === slider) return;
  if (e.key === 'ArrowRight') { stop(); show(step + 1); }
  else if (e.key === 'ArrowLeft') { stop(); show(step - 1); }
  else if (e.key === ' ') { e.preventDefault(); timer ? stop() : start(); }
});
show(step);
`;

/** The CSP source of PLAYER_SCRIPT: 'sha256-' and its base64 digest (test/unit/exportSvg.test.ts checks it). */
export const PLAYER_SCRIPT_HASH = "'sha256-vPw2qnS515SQyI6Ni3+fB0E1rndraTLUbjdzPnRSwj0='";

/** An SVG document as a data URL for an <img>. */
export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/** The replay page. */
export function replayHtml(input: ReplayInput): string {
  const count = input.frames.length;
  const start = Math.max(0, Math.min(count - 1, input.startStep));
  const speed = Number.isFinite(input.speed) && input.speed > 0 ? input.speed : 2;
  const data = { frames: input.frames.map(svgDataUrl), captions: input.captions, speed, start };
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src ${PLAYER_SCRIPT_HASH}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(input.title)}</title>
<style>
  body { margin: 0; padding: 16px; background: ${cssColour(input.background)}; color: ${cssColour(input.foreground)}; font-family: system-ui, sans-serif; }
  h1 { font-size: 18px; font-weight: 600; margin: 0 0 12px; }
  #frame img { max-width: 100%; height: auto; }
  .controls { display: flex; gap: 8px; align-items: center; margin: 12px 0; }
  button { font-size: 16px; min-width: 40px; }
  #counter { font-variant-numeric: tabular-nums; min-width: 64px; }
  #step { flex: 1; max-width: 480px; }
</style>
</head>
<body>
<h1>${escapeXml(input.title)}</h1>
<div id="frame" aria-live="polite"><img id="frame-image" alt=""></div>
<div class="controls">
  <button id="back" aria-label="Previous step">&#9664;</button>
  <button id="play">Play</button>
  <button id="forward" aria-label="Next step">&#9654;</button>
  <input id="step" type="range" min="0" max="${count - 1}" value="${start}" aria-label="Step">
  <span id="counter"></span>
</div>
<p id="caption"></p>
<script type="application/json" id="replay-data">${scriptJson(data)}</script>
<script>${PLAYER_SCRIPT}</script>
</body>
</html>
`;
}
