// SVG export of the panel's views. The views draw with the canvas 2-D API; for an export we hand
// them a recording context instead, which turns the same calls into SVG elements, so the SVG is
// drawn by the very code that draws the panel (vector shapes and text, not a screenshot).
// Pixel operations (putImageData, drawImage of an offscreen canvas) become embedded PNG images.

/** Text alignment and baseline values of the canvas API (declared here so the unit tests need no DOM types). */
export type TextAlign = 'start' | 'end' | 'left' | 'right' | 'center';
export type TextBaseline = 'top' | 'hanging' | 'middle' | 'alphabetic' | 'ideographic' | 'bottom';

/** The part of CanvasRenderingContext2D the views use, and nothing else. */
export interface RecordedContext {
  fillStyle: string;
  strokeStyle: string;
  lineWidth: number;
  font: string;
  textAlign: TextAlign;
  textBaseline: TextBaseline;
  globalAlpha: number;
  imageSmoothingEnabled: boolean;
  setLineDash(segments: number[]): void;
  setTransform(...args: unknown[]): void;
  scale(x: number, y: number): void;
  save(): void;
  restore(): void;
  clearRect(x: number, y: number, w: number, h: number): void;
  fillRect(x: number, y: number, w: number, h: number): void;
  strokeRect(x: number, y: number, w: number, h: number): void;
  fillText(text: string, x: number, y: number): void;
  measureText(text: string): { width: number };
  beginPath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  arc(x: number, y: number, r: number, start: number, end: number): void;
  closePath(): void;
  stroke(): void;
  fill(): void;
  drawImage(image: { toDataURL?: () => string; width: number; height: number }, x: number, y: number, w?: number, h?: number): void;
  createImageData(w: number, h: number): { width: number; height: number; data: Uint8ClampedArray };
  putImageData(data: { width: number; height: number; data: Uint8ClampedArray }, x: number, y: number): void;
}

/** Escapes text for SVG content and attribute values (layer names come from the user's file). */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

const round = (n: number) => Math.round(n * 100) / 100;

/** Paint values are written into attributes: keep only characters a colour can contain. */
function paint(value: string): string {
  return /^[#\w(),.%\s-]*$/.test(value) ? value : '#000';
}

/**
 * An image's data URL as an SVG `href` attribute value: only base64 PNG, JPEG, GIF or WebP data,
 * escaped, so no URL (remote, javascript:, or one that closes the attribute) reaches the drawing.
 */
export function imageHref(url: string | undefined): string | null {
  if (url === undefined || !/^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/]*={0,2}$/.test(url)) return null;
  return escapeXml(url);
}

/**
 * A recording 2-D context: every drawing call appends an SVG element. `toPng` turns pixel data
 * into a data URL (the browser's canvas in the webview; tests pass a stand-in).
 */
export class SvgRecorder implements RecordedContext {
  fillStyle = '#000';
  strokeStyle = '#000';
  lineWidth = 1;
  font = '10px sans-serif';
  textAlign: TextAlign = 'start';
  textBaseline: TextBaseline = 'alphabetic';
  globalAlpha = 1;
  imageSmoothingEnabled = true;
  private dash: number[] = [];
  private path: string[] = [];
  private readonly elements: string[] = [];
  private readonly stack: { fillStyle: string; strokeStyle: string; lineWidth: number; font: string; globalAlpha: number; dash: number[] }[] = [];

  constructor(
    readonly width: number,
    readonly height: number,
    private readonly toPng: (data: { width: number; height: number; data: Uint8ClampedArray }) => string,
  ) {}

  private alpha(): string {
    return this.globalAlpha < 1 ? ` opacity="${round(this.globalAlpha)}"` : '';
  }

  private strokeAttributes(): string {
    const dash = this.dash.length ? ` stroke-dasharray="${this.dash.map(round).join(' ')}"` : '';
    return `fill="none" stroke="${paint(this.strokeStyle)}" stroke-width="${round(this.lineWidth)}"${dash}${this.alpha()}`;
  }

  setLineDash(segments: number[]): void {
    this.dash = [...segments];
  }
  // The recorder works in CSS pixels already: device-pixel scaling is meaningless in SVG.
  setTransform(): void {}
  scale(): void {}
  save(): void {
    this.stack.push({ fillStyle: this.fillStyle, strokeStyle: this.strokeStyle, lineWidth: this.lineWidth, font: this.font, globalAlpha: this.globalAlpha, dash: this.dash });
  }
  restore(): void {
    const saved = this.stack.pop();
    if (!saved) return;
    ({ fillStyle: this.fillStyle, strokeStyle: this.strokeStyle, lineWidth: this.lineWidth, font: this.font, globalAlpha: this.globalAlpha, dash: this.dash } = saved);
  }
  clearRect(x: number, y: number, w: number, h: number): void {
    // Clearing the whole surface starts a new frame; a partial clear has no SVG equivalent we need.
    if (x <= 0 && y <= 0 && w >= this.width && h >= this.height) this.elements.length = 0;
  }
  fillRect(x: number, y: number, w: number, h: number): void {
    this.elements.push(`<rect x="${round(x)}" y="${round(y)}" width="${round(w)}" height="${round(h)}" fill="${paint(this.fillStyle)}"${this.alpha()}/>`);
  }
  strokeRect(x: number, y: number, w: number, h: number): void {
    this.elements.push(`<rect x="${round(x)}" y="${round(y)}" width="${round(w)}" height="${round(h)}" ${this.strokeAttributes()}/>`);
  }
  fillText(text: string, x: number, y: number): void {
    const anchor = this.textAlign === 'center' ? 'middle' : this.textAlign === 'right' || this.textAlign === 'end' ? 'end' : 'start';
    const baseline = this.textBaseline === 'middle' ? 'middle' : this.textBaseline === 'top' || this.textBaseline === 'hanging' ? 'hanging' : 'auto';
    const size = /(\d+(?:\.\d+)?)px/.exec(this.font)?.[1] ?? '10';
    const bold = /\bbold\b|\b[6-9]00\b/.test(this.font) ? ' font-weight="bold"' : '';
    const family = /monospace/.test(this.font) ? 'monospace' : 'sans-serif';
    this.elements.push(
      `<text x="${round(x)}" y="${round(y)}" font-size="${size}" font-family="${family}"${bold} text-anchor="${anchor}" dominant-baseline="${baseline}" fill="${paint(this.fillStyle)}"${this.alpha()}>${escapeXml(text)}</text>`,
    );
  }
  measureText(text: string): { width: number } {
    const size = Number(/(\d+(?:\.\d+)?)px/.exec(this.font)?.[1] ?? 10);
    return { width: text.length * size * 0.6 };
  }
  beginPath(): void {
    this.path = [];
  }
  moveTo(x: number, y: number): void {
    this.path.push(`M${round(x)} ${round(y)}`);
  }
  lineTo(x: number, y: number): void {
    this.path.push(`L${round(x)} ${round(y)}`);
  }
  arc(x: number, y: number, r: number, start: number, end: number): void {
    if (Math.abs(end - start) >= 2 * Math.PI - 1e-6) {
      // A full circle: two half arcs, since one SVG arc cannot start and end at the same point.
      this.path.push(`M${round(x + r)} ${round(y)}A${round(r)} ${round(r)} 0 1 1 ${round(x - r)} ${round(y)}A${round(r)} ${round(r)} 0 1 1 ${round(x + r)} ${round(y)}`);
      return;
    }
    const sx = x + r * Math.cos(start);
    const sy = y + r * Math.sin(start);
    const ex = x + r * Math.cos(end);
    const ey = y + r * Math.sin(end);
    const large = end - start > Math.PI ? 1 : 0;
    this.path.push(`${this.path.length ? 'L' : 'M'}${round(sx)} ${round(sy)}A${round(r)} ${round(r)} 0 ${large} 1 ${round(ex)} ${round(ey)}`);
  }
  closePath(): void {
    this.path.push('Z');
  }
  stroke(): void {
    if (this.path.length) this.elements.push(`<path d="${this.path.join('')}" ${this.strokeAttributes()}/>`);
  }
  fill(): void {
    if (this.path.length) this.elements.push(`<path d="${this.path.join('')}" fill="${paint(this.fillStyle)}"${this.alpha()}/>`);
  }
  drawImage(image: { toDataURL?: () => string; width: number; height: number }, x: number, y: number, w?: number, h?: number): void {
    const href = imageHref(image.toDataURL?.());
    if (href === null) return;
    const smoothing = this.imageSmoothingEnabled ? '' : ' image-rendering="pixelated"';
    this.elements.push(`<image x="${round(x)}" y="${round(y)}" width="${round(w ?? image.width)}" height="${round(h ?? image.height)}" href="${href}" preserveAspectRatio="none"${smoothing}${this.alpha()}/>`);
  }
  createImageData(w: number, h: number): { width: number; height: number; data: Uint8ClampedArray } {
    return { width: w, height: h, data: new Uint8ClampedArray(w * h * 4) };
  }
  putImageData(data: { width: number; height: number; data: Uint8ClampedArray }, x: number, y: number): void {
    this.elements.push(`<image x="${round(x)}" y="${round(y)}" width="${data.width}" height="${data.height}" href="${imageHref(this.toPng(data)) ?? ''}" image-rendering="pixelated"/>`);
  }

  /** The recorded drawing as the body of an SVG group. */
  body(): string {
    return this.elements.join('');
  }
}

/** One recorded canvas placed within the exported figure. */
export interface PlacedDrawing {
  x: number;
  y: number;
  recorder: SvgRecorder;
}

/** A standalone SVG document of recorded canvases on a background. */
export function svgDocument(width: number, height: number, background: string, drawings: PlacedDrawing[], title: string): string {
  const groups = drawings.map((d) => `<g transform="translate(${round(d.x)} ${round(d.y)})">${d.recorder.body()}</g>`).join('\n');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${round(width)}" height="${round(height)}" viewBox="0 0 ${round(width)} ${round(height)}">\n` +
    `<title>${escapeXml(title)}</title>\n<rect width="100%" height="100%" fill="${paint(background)}"/>\n${groups}\n</svg>\n`
  );
}
