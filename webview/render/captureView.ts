// Exports of the view on screen: PNG (the canvases composited as laid out), SVG (the same draw
// calls recorded as vector shapes), a self-contained HTML replay of every step, and an animated GIF.
import { MAX_EXPORT_CHARS } from '../../src/shared/protocol';
import type { AnimatedView, DrawSettings } from '../components/view';
import { encodeAnimatedGif, GifTooLargeError } from './exportGif';
import { replayHtml } from './exportHtml';
import { SvgRecorder, svgDocument, type PlacedDrawing } from './exportSvg';

/** Steps beyond this are left out of a replay, which keeps the file to a few megabytes. */
export const MAX_REPLAY_STEPS = 240;

/** Characters of SVG frames a replay holds at most: half of what the extension accepts in one message. */
export const MAX_REPLAY_CHARS = MAX_EXPORT_CHARS / 2;

/** The visible canvases of a view with their offsets from the view's top-left corner. */
function placedCanvases(view: AnimatedView): { canvas: HTMLCanvasElement; x: number; y: number }[] {
  const origin = view.getBoundingClientRect();
  return [...view.querySelectorAll('canvas')]
    .filter((canvas) => canvas.offsetWidth > 0 && canvas.offsetHeight > 0)
    .map((canvas) => {
      const rect = canvas.getBoundingClientRect();
      return { canvas, x: rect.left - origin.left, y: rect.top - origin.top };
    });
}

/** Pixel data as a PNG data URL, through a scratch canvas. */
function pixelsToPng(data: { width: number; height: number; data: Uint8ClampedArray }): string {
  const scratch = document.createElement('canvas');
  scratch.width = data.width;
  scratch.height = data.height;
  const ctx = scratch.getContext('2d')!;
  const image = ctx.createImageData(data.width, data.height);
  image.data.set(data.data);
  ctx.putImageData(image, 0, 0);
  return scratch.toDataURL('image/png');
}

/**
 * Draws `step` once into SVG recorders instead of the canvases (each canvas's getContext is
 * redirected for the duration of one draw), then redraws the canvases as they were.
 */
export function viewAsSvg(view: AnimatedView, step: number, settings: DrawSettings, background: string, title: string): string {
  const placed = placedCanvases(view);
  const drawings: PlacedDrawing[] = placed.map(({ canvas, x, y }) => ({ x, y, recorder: new SvgRecorder(canvas.offsetWidth, canvas.offsetHeight, pixelsToPng) }));
  placed.forEach(({ canvas }, i) => {
    Object.defineProperty(canvas, 'getContext', { configurable: true, value: () => drawings[i].recorder });
  });
  try {
    view.draw(step, settings);
  } finally {
    for (const { canvas } of placed) delete (canvas as unknown as { getContext?: unknown }).getContext;
  }
  view.draw(step, settings);
  const origin = view.getBoundingClientRect();
  return svgDocument(origin.width, origin.height, background, drawings, title);
}

/** Draws the view's visible canvases, as laid out, onto `ctx` over the background at `scale` pixels per CSS pixel. */
function composite(view: AnimatedView, ctx: CanvasRenderingContext2D, background: string, scale: number): void {
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  for (const { canvas, x, y } of placedCanvases(view)) {
    ctx.drawImage(canvas, x * scale, y * scale, canvas.offsetWidth * scale, canvas.offsetHeight * scale);
  }
}

/** The view as laid out, composited onto one canvas at the screen's pixel ratio, as a PNG data URL. */
export function viewAsPng(view: AnimatedView, background: string): string {
  const origin = view.getBoundingClientRect();
  const ratio = Math.max(1, Math.min(3, window.devicePixelRatio || 1));
  const out = document.createElement('canvas');
  out.width = Math.max(1, Math.round(origin.width * ratio));
  out.height = Math.max(1, Math.round(origin.height * ratio));
  composite(view, out.getContext('2d')!, background, ratio);
  return out.toDataURL('image/png');
}

/** Steps beyond this are left out of a GIF, as of a replay. */
export const MAX_GIF_FRAMES = MAX_REPLAY_STEPS;

/**
 * The largest GIF frame in pixels (1280×960). A GIF is drawn at one pixel per CSS pixel, not at
 * the screen's ratio: GIF has no notion of density, and twice the pixels would cost four times the
 * encoding for slides that show it at this size anyway. A view in a panel of ordinary size is
 * never scaled; a larger one is scaled down to this area, which bounds memory (two frames of RGBA
 * at a time) and the work per frame (about 10 ms drawn, composited and encoded).
 */
export const MAX_GIF_PIXELS = 1280 * 960;

/**
 * The largest GIF the panel sends: its base64 data URL is then at most half of MAX_EXPORT_CHARS.
 * Typical drawings stay far below it (the tutorial's convolution, 16 steps at 876×795, is about
 * 90 KB, since later frames store only what changed), but LZW on noise-like pixels costs about
 * 1.4 bytes per pixel, so 240 full-size frames could reach 400 MB. Past this budget the GIF is
 * encoded again, smaller by the overshoot the encoder projected, rather than refused.
 */
export const MAX_GIF_BYTES = Math.floor((MAX_EXPORT_CHARS / 2 / 4) * 3);

/** A frame's display time in hundredths of a second for a playback speed in steps per second. */
export function gifDelayCs(speed: number): number {
  const delay = Number.isFinite(speed) && speed > 0 ? Math.round(100 / speed) : 50;
  // Browsers show delays under 2 cs as 10 cs, so 2 cs (50 steps per second) is the fastest honest one.
  return Math.max(2, Math.min(6000, delay));
}

/**
 * Every step (up to MAX_GIF_FRAMES) as an animated GIF data URL that loops forever, each step
 * shown for 1/speed seconds and the last one for at least a second so the finished result is seen
 * before the loop restarts. The view is left on `currentStep`.
 */
export function viewAsGif(view: AnimatedView, currentStep: number, settings: DrawSettings, background: string, speed: number): string {
  const count = Math.min(view.stepCount, MAX_GIF_FRAMES);
  const origin = view.getBoundingClientRect();
  const cssWidth = Math.max(1, origin.width);
  const cssHeight = Math.max(1, origin.height);
  const delay = gifDelayCs(speed);
  let scale = Math.min(1, Math.sqrt(MAX_GIF_PIXELS / (cssWidth * cssHeight)));
  try {
    for (;;) {
      const out = document.createElement('canvas');
      out.width = Math.max(1, Math.round(cssWidth * scale));
      out.height = Math.max(1, Math.round(cssHeight * scale));
      const ctx = out.getContext('2d', { willReadFrequently: true })!;
      const frameScale = scale;
      try {
        const bytes = encodeAnimatedGif(
          {
            count,
            frame: (step) => {
              view.draw(step, settings);
              composite(view, ctx, background, frameScale);
              return { rgba: ctx.getImageData(0, 0, out.width, out.height).data, delayCs: step === count - 1 ? Math.max(delay, 100) : delay };
            },
          },
          { width: out.width, height: out.height, maxBytes: MAX_GIF_BYTES },
        );
        return `data:image/gif;base64,${base64(bytes)}`;
      } catch (error) {
        if (!(error instanceof GifTooLargeError) || out.width * out.height <= 64 * 64) throw error;
        // Bytes grow with the area, so the linear scale shrinks by the square root of the overshoot
        // (with a margin), and at least by 0.7 so that a poor projection still converges.
        scale *= Math.min(0.7, Math.sqrt((0.8 * error.limit) / error.projectedBytes));
      }
    }
  } finally {
    view.draw(currentStep, settings);
  }
}

/** Base64 of bytes, in chunks (String.fromCharCode with millions of arguments overflows the stack). */
function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Every step (up to MAX_REPLAY_STEPS) as an offline HTML page; the view is left on `currentStep`. */
export function viewAsReplay(
  view: AnimatedView,
  currentStep: number,
  settings: DrawSettings,
  colours: { background: string; foreground: string },
  title: string,
  speed: number,
): string {
  const count = Math.min(view.stepCount, MAX_REPLAY_STEPS);
  const frames: string[] = [];
  const captions: string[] = [];
  let chars = 0;
  for (let step = 0; step < count; step++) {
    const frame = viewAsSvg(view, step, settings, colours.background, `${title}, step ${step + 1}`);
    // A busy view draws a few hundred KiB of shapes per step: stop before the file outgrows what
    // the extension accepts, and say so in the title (the first frame is always kept).
    if (step > 0 && chars + frame.length > MAX_REPLAY_CHARS) break;
    chars += frame.length;
    frames.push(frame);
    captions.push(view.describe(step));
  }
  view.draw(currentStep, settings);
  const shown = frames.length < view.stepCount ? `${title} (steps 1–${frames.length} of ${view.stepCount})` : title;
  return replayHtml({ title: shown, frames, captions, speed, startStep: Math.min(currentStep, frames.length - 1), ...colours });
}
