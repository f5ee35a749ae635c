// Exports of the view on screen: PNG (the canvases composited as laid out), SVG (the same draw
// calls recorded as vector shapes) and a self-contained HTML replay of every step.
import type { AnimatedView, DrawSettings } from '../components/view';
import { replayHtml } from './exportHtml';
import { SvgRecorder, svgDocument, type PlacedDrawing } from './exportSvg';

/** Steps beyond this are left out of a replay, which keeps the file to a few megabytes. */
export const MAX_REPLAY_STEPS = 240;

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

/** The view as laid out, composited onto one canvas at the screen's pixel ratio, as a PNG data URL. */
export function viewAsPng(view: AnimatedView, background: string): string {
  const origin = view.getBoundingClientRect();
  const ratio = Math.max(1, Math.min(3, window.devicePixelRatio || 1));
  const out = document.createElement('canvas');
  out.width = Math.max(1, Math.round(origin.width * ratio));
  out.height = Math.max(1, Math.round(origin.height * ratio));
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, out.width, out.height);
  for (const { canvas, x, y } of placedCanvases(view)) {
    ctx.drawImage(canvas, x * ratio, y * ratio, canvas.offsetWidth * ratio, canvas.offsetHeight * ratio);
  }
  return out.toDataURL('image/png');
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
  for (let step = 0; step < count; step++) {
    frames.push(viewAsSvg(view, step, settings, colours.background, `${title}, step ${step + 1}`));
    captions.push(view.describe(step));
  }
  view.draw(currentStep, settings);
  return replayHtml({ title, frames, captions, speed, startStep: Math.min(currentStep, count - 1), ...colours });
}
