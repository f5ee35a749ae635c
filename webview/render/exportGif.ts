// The panel's animation as an animated GIF (issue 8.4), encoded here from the GIF89a specification:
// no dependency, and no DOM, so the unit tests run it under Node on plain RGBA arrays. The webview
// composites each step (render/captureView.ts) and hands the pixels to encodeAnimatedGif.
//
// Layout of the file written: header, logical screen with one global colour table, the NETSCAPE2.0
// looping extension, then per frame a graphic control extension (delay, disposal) and an image
// whose rectangle covers only the pixels that changed since the previous frame, and the trailer.

/** One frame: RGBA pixels covering the whole logical screen (alpha is ignored) and how long it shows. */
export interface RgbaFrame {
  rgba: Uint8Array | Uint8ClampedArray;
  /** Display time in hundredths of a second (GIF's unit). */
  delayCs: number;
}

/** What encodeAnimatedGif needs besides the frames. */
export interface GifOptions {
  width: number;
  height: number;
  /** Times the animation repeats after the first play; 0 (the default) loops forever. */
  loopCount?: number;
  /** The encoder throws GifTooLargeError as soon as the file grows past this many bytes. */
  maxBytes?: number;
}

/** Thrown when the file would exceed GifOptions.maxBytes, so the caller can retry smaller. */
export class GifTooLargeError extends Error {
  constructor(
    readonly limit: number,
    /** The whole file's size projected from the frames written before stopping. */
    readonly projectedBytes: number,
  ) {
    super(`The GIF would exceed ${limit} bytes.`);
    this.name = 'GifTooLargeError';
  }
}

/** A GIF's palette: `colours[i]` is the 0xRRGGBB of index i; `indexOf` gives the entry for any colour seen. */
export interface GifPalette {
  colours: number[];
  indexOf(colour: number): number;
}

/** The largest number of colours a GIF colour table holds. */
export const GIF_MAX_COLOURS = 256;

/** LZW codes are at most 12 bits wide in GIF, so the code table holds 4096 entries. */
const MAX_CODE = 4095;

/** A growable byte buffer. */
class ByteWriter {
  private buffer = new Uint8Array(1 << 16);
  length = 0;

  byte(value: number): void {
    if (this.length === this.buffer.length) this.grow(1);
    this.buffer[this.length++] = value;
  }

  /** A 16-bit unsigned integer, least significant byte first, as everywhere in GIF. */
  word(value: number): void {
    this.byte(value & 0xff);
    this.byte((value >> 8) & 0xff);
  }

  bytes(values: ArrayLike<number>): void {
    if (this.length + values.length > this.buffer.length) this.grow(values.length);
    this.buffer.set(values, this.length);
    this.length += values.length;
  }

  ascii(text: string): void {
    for (let i = 0; i < text.length; i++) this.byte(text.charCodeAt(i));
  }

  result(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  private grow(extra: number): void {
    const next = new Uint8Array(Math.max(this.buffer.length * 2, this.length + extra));
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
  }
}

/**
 * The LZW dictionary of the encoder: the code of (prefix code, next index) pairs. A direct table
 * of 4096 × 256 slots is faster than hashing; a generation stamp per slot empties it in O(1) at
 * each clear code, which matters because a busy image clears every few thousand codes.
 */
class LzwTable {
  private readonly codes = new Int16Array((MAX_CODE + 1) << 8);
  private readonly stamps = new Int32Array((MAX_CODE + 1) << 8);
  private generation = 1;

  get(prefix: number, index: number): number {
    const slot = (prefix << 8) | index;
    return this.stamps[slot] === this.generation ? this.codes[slot] : -1;
  }

  set(prefix: number, index: number, code: number): void {
    const slot = (prefix << 8) | index;
    this.stamps[slot] = this.generation;
    this.codes[slot] = code;
  }

  clear(): void {
    this.generation++;
  }
}

/**
 * Writes one image's data: the minimum code size, then the variable-width LZW codes packed least
 * significant bit first into data sub-blocks of at most 255 bytes, then the block terminator.
 */
function writeLzwImageData(out: ByteWriter, indices: Uint8Array, minCodeSize: number, table: LzwTable): void {
  const clearCode = 1 << minCodeSize;
  const endCode = clearCode + 1;
  let codeSize = minCodeSize + 1;
  let nextCode = endCode + 1;
  const block = new Uint8Array(255);
  let blockLength = 0;
  let bitBuffer = 0;
  let bitCount = 0;

  const emit = (code: number): void => {
    bitBuffer |= code << bitCount;
    bitCount += codeSize;
    while (bitCount >= 8) {
      block[blockLength++] = bitBuffer & 0xff;
      bitBuffer >>>= 8;
      bitCount -= 8;
      if (blockLength === 255) {
        out.byte(255);
        out.bytes(block);
        blockLength = 0;
      }
    }
  };

  out.byte(minCodeSize);
  table.clear();
  emit(clearCode);
  let prefix = indices[0];
  for (let i = 1; i < indices.length; i++) {
    const index = indices[i];
    const known = table.get(prefix, index);
    if (known >= 0) {
      prefix = known;
      continue;
    }
    emit(prefix);
    if (nextCode <= MAX_CODE) {
      table.set(prefix, index, nextCode++);
      // The decoder adds each entry one code later than we do, so it widens its codes when its
      // table reaches 2^codeSize; we are one entry ahead and widen one entry later to match.
      if (nextCode > 1 << codeSize && codeSize < 12) codeSize++;
    } else {
      // The table is full at 4095: start over rather than keep emitting with a frozen dictionary.
      emit(clearCode);
      table.clear();
      codeSize = minCodeSize + 1;
      nextCode = endCode + 1;
    }
    prefix = index;
  }
  emit(prefix);
  // After the last data code the decoder has caught up with our table, so it widens on reaching
  // 2^codeSize exactly; the end code must be written at the width it will then read.
  if (nextCode === 1 << codeSize && codeSize < 12) codeSize++;
  emit(endCode);
  if (bitCount > 0) {
    block[blockLength++] = bitBuffer & 0xff;
    if (blockLength === 255) {
      out.byte(255);
      out.bytes(block);
      blockLength = 0;
    }
  }
  if (blockLength > 0) {
    out.byte(blockLength);
    out.bytes(block.subarray(0, blockLength));
  }
  out.byte(0);
}

/** 32-bit words over RGBA bytes, for fast whole-pixel comparison (copied only when misaligned). */
function pixelWords(rgba: Uint8Array | Uint8ClampedArray, pixels: number): Uint32Array {
  if (rgba.byteOffset % 4 === 0) return new Uint32Array(rgba.buffer, rgba.byteOffset, pixels);
  return new Uint32Array(new Uint8Array(rgba.subarray(0, pixels * 4)).buffer);
}

/** A frame's rectangle on the logical screen. */
interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The smallest rectangle holding every pixel that differs between two frames (1×1 when none does). */
function changedRect(previous: Uint32Array, current: Uint32Array, width: number, height: number): Rect {
  let top = -1;
  let bottom = -1;
  let left = width;
  let right = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let first = -1;
    for (let x = 0; x < width; x++) {
      if (previous[row + x] !== current[row + x]) {
        first = x;
        break;
      }
    }
    if (first < 0) continue;
    let last = first;
    for (let x = width - 1; x > first; x--) {
      if (previous[row + x] !== current[row + x]) {
        last = x;
        break;
      }
    }
    if (top < 0) top = y;
    bottom = y;
    if (first < left) left = first;
    if (last > right) right = last;
  }
  // A frame must still be written so that frames and steps stay one to one: one unchanged pixel.
  if (top < 0) return { left: 0, top: 0, width: 1, height: 1 };
  return { left, top, width: right - left + 1, height: bottom - top + 1 };
}

/** Calls `visit(colour, runLength)` for each run of equal pixels in a rectangle (colour as 0xRRGGBB). */
function forEachRun(rgba: Uint8Array | Uint8ClampedArray, words: Uint32Array, width: number, rect: Rect, visit: (colour: number, run: number) => void): void {
  for (let y = rect.top; y < rect.top + rect.height; y++) {
    let p = y * width + rect.left;
    const end = p + rect.width;
    while (p < end) {
      const word = words[p];
      let q = p + 1;
      while (q < end && words[q] === word) q++;
      const o = p * 4;
      visit((rgba[o] << 16) | (rgba[o + 1] << 8) | rgba[o + 2], q - p);
      p = q;
    }
  }
}

/** Squared colour distance, weighted roughly by the eye's sensitivity (green most, blue least). */
function colourDistance(a: number, b: number): number {
  const dr = ((a >> 16) & 0xff) - ((b >> 16) & 0xff);
  const dg = ((a >> 8) & 0xff) - ((b >> 8) & 0xff);
  const db = (a & 0xff) - (b & 0xff);
  return 3 * dr * dr + 4 * dg * dg + 2 * db * db;
}

/**
 * Median cut over colours weighted by pixel count: repeatedly split the box with the largest
 * weighted squared error, along its channel of largest variance, at the weighted median. Returns
 * the weighted mean colour of each box (at most `boxes` of them).
 */
function medianCut(colours: number[], counts: number[], boxes: number): number[] {
  const order = colours.map((_, i) => i);
  type Box = { start: number; end: number; error: number; channel: number; mean: number };
  const measure = (start: number, end: number): Box => {
    let w = 0;
    const sum = [0, 0, 0];
    const sumSq = [0, 0, 0];
    for (let i = start; i < end; i++) {
      const c = colours[order[i]];
      const n = counts[order[i]];
      w += n;
      for (let ch = 0; ch < 3; ch++) {
        const v = (c >> (16 - 8 * ch)) & 0xff;
        sum[ch] += n * v;
        sumSq[ch] += n * v * v;
      }
    }
    const variance = sum.map((s, ch) => sumSq[ch] - (s * s) / w);
    const channel = variance.indexOf(Math.max(...variance));
    const mean = sum.reduce((acc, s) => (acc << 8) | Math.round(s / w), 0);
    return { start, end, error: end - start > 1 ? variance[0] + variance[1] + variance[2] : 0, channel, mean };
  };
  const result: Box[] = [measure(0, order.length)];
  while (result.length < boxes) {
    let worst = 0;
    for (let i = 1; i < result.length; i++) if (result[i].error > result[worst].error) worst = i;
    const box = result[worst];
    if (box.error <= 0) break;
    const shift = 16 - 8 * box.channel;
    const slice = order.slice(box.start, box.end).sort((a, b) => ((colours[a] >> shift) & 0xff) - ((colours[b] >> shift) & 0xff));
    // Written back one by one: spreading tens of thousands of arguments into splice overflows the stack.
    for (let i = 0; i < slice.length; i++) order[box.start + i] = slice[i];
    let total = 0;
    for (let i = box.start; i < box.end; i++) total += counts[order[i]];
    let split = box.start + 1;
    for (let acc = counts[order[box.start]]; split < box.end - 1 && acc * 2 < total; split++) acc += counts[order[split]];
    result.splice(worst, 1, measure(box.start, split), measure(split, box.end));
  }
  return result.map((b) => b.mean);
}

/** The 15-bit bucket (5 bits per primary) of a 0xRRGGBB colour. */
function bucketOf(colour: number): number {
  return ((colour >> 9) & 0x7c00) | ((colour >> 6) & 0x3e0) | ((colour >> 3) & 0x1f);
}

/**
 * The palette for a histogram of colours (0xRRGGBB → pixel count).
 *
 * The panel draws flat colours from its theme palette, antialiased edges of text and strokes
 * between them, and heat maps. With at most 256 colours every colour is kept exactly (and the
 * round trip is lossless). Beyond that, the colours covering at least 1/2000 of the pixels keep an
 * exact entry (up to 128 of them): backgrounds, cell fills and text must not shift, and they are
 * few. The remaining slots come from a median cut over the rest, weighted by pixel count, which
 * spends entries where edge blends and heat-map ramps actually are. The rest is first gathered
 * into 5-bit-per-primary buckets (32768 at most), which bounds the median cut and the nearest-entry
 * search however many colours a frame holds (a noisy image has millions) at an error far below
 * what 128 entries cost anyway. No dithering: it would put noise on flat fills and along every
 * edge, and cost LZW its long runs.
 */
export function buildPalette(histogram: Map<number, number>, maxColours = GIF_MAX_COLOURS): GifPalette {
  if (histogram.size <= maxColours) {
    const colours = [...histogram.keys()];
    const exact = new Map(colours.map((c, i) => [c, i]));
    return { colours, indexOf: (c) => exact.get(c) ?? 0 };
  }
  let total = 0;
  for (const n of histogram.values()) total += n;
  // At most 2000 colours can each cover 1/2000 of the pixels, so only those few are sorted.
  const frequent = [...histogram].filter(([, n]) => n * 2000 >= total).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const colours = frequent.slice(0, Math.floor(maxColours / 2)).map(([c]) => c);
  const exact = new Map(colours.map((c, i) => [c, i]));

  // Each bucket of the rest is represented by the count-weighted mean of its colours.
  const weight = new Float64Array(32768);
  const sums = new Float64Array(32768 * 3);
  for (const [c, n] of histogram) {
    if (exact.has(c)) continue;
    const b = bucketOf(c);
    weight[b] += n;
    sums[b * 3] += n * ((c >> 16) & 0xff);
    sums[b * 3 + 1] += n * ((c >> 8) & 0xff);
    sums[b * 3 + 2] += n * (c & 0xff);
  }
  const buckets: number[] = [];
  const bucketColours: number[] = [];
  const bucketCounts: number[] = [];
  for (let b = 0; b < 32768; b++) {
    if (weight[b] === 0) continue;
    buckets.push(b);
    bucketColours.push((Math.round(sums[b * 3] / weight[b]) << 16) | (Math.round(sums[b * 3 + 1] / weight[b]) << 8) | Math.round(sums[b * 3 + 2] / weight[b]));
    bucketCounts.push(weight[b]);
  }
  const known = new Set(colours);
  for (const c of medianCut(bucketColours, bucketCounts, maxColours - colours.length)) {
    if (!known.has(c)) {
      known.add(c);
      colours.push(c);
    }
  }
  // Every bucket maps to the entry nearest its mean, exact entries included: a blend that is
  // almost the background becomes the background.
  const bucketIndex = new Uint8Array(32768);
  buckets.forEach((b, k) => {
    let best = 0;
    let bestDistance = Infinity;
    for (let i = 0; i < colours.length; i++) {
      const d = colourDistance(bucketColours[k], colours[i]);
      if (d < bestDistance) {
        bestDistance = d;
        best = i;
      }
    }
    bucketIndex[b] = best;
  });
  return { colours, indexOf: (c) => exact.get(c) ?? bucketIndex[bucketOf(c)] };
}

/** Bits needed for `count` palette indices, at least 1. */
function bitsFor(count: number): number {
  let bits = 1;
  while (1 << bits < count) bits++;
  return bits;
}

/**
 * Frames produced on demand. The encoder asks for each frame twice, in order (once to gather its
 * colours for the global palette, once to encode it), so a caller that draws frames need never
 * hold more than one: 240 full frames of 800×600 would be 460 MB of RGBA.
 */
export interface RgbaFrameSource {
  count: number;
  frame(index: number): RgbaFrame;
}

/**
 * Encodes frames of RGBA pixels as an animated GIF89a that loops. Each frame after the first
 * stores only the rectangle that changed and keeps the rest of the previous frame (disposal 1),
 * which for the panel's animations (a window sliding over a grid) shrinks the file many times.
 */
export function encodeAnimatedGif(frames: RgbaFrame[] | RgbaFrameSource, options: GifOptions): Uint8Array {
  const { width, height } = options;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > 0xffff || height > 0xffff) {
    throw new RangeError(`A GIF is 1 to 65535 pixels wide and high, not ${width}×${height}.`);
  }
  const source: RgbaFrameSource = Array.isArray(frames) ? { count: frames.length, frame: (i) => frames[i] } : frames;
  if (source.count < 1) throw new RangeError('A GIF needs at least one frame.');
  const pixels = width * height;
  const maxBytes = options.maxBytes ?? Infinity;
  const frameAt = (i: number): { frame: RgbaFrame; words: Uint32Array } => {
    const frame = source.frame(i);
    if (frame.rgba.length !== pixels * 4) throw new RangeError(`Each frame needs ${pixels * 4} RGBA bytes, not ${frame.rgba.length}.`);
    return { frame, words: pixelWords(frame.rgba, pixels) };
  };

  // First pass: what changed in each frame, and one global palette over everything written, so
  // that colours stay identical from step to step.
  const rects: Rect[] = [];
  const histogram = new Map<number, number>();
  let previous: Uint32Array | null = null;
  for (let i = 0; i < source.count; i++) {
    const { frame, words } = frameAt(i);
    const rect = previous ? changedRect(previous, words, width, height) : { left: 0, top: 0, width, height };
    rects.push(rect);
    forEachRun(frame.rgba, words, width, rect, (c, run) => histogram.set(c, (histogram.get(c) ?? 0) + run));
    // A copy, in case the source hands out one buffer redrawn for every frame.
    previous = words.slice();
  }
  const palette = buildPalette(histogram);
  const colourBits = bitsFor(palette.colours.length);

  const out = new ByteWriter();
  out.ascii('GIF89a');
  out.word(width);
  out.word(height);
  // Global colour table present, 8 bits per primary in the source, unsorted, 2^colourBits entries.
  out.byte(0x80 | (7 << 4) | (colourBits - 1));
  out.byte(0); // background colour index
  out.byte(0); // pixel aspect ratio: not given
  for (let i = 0; i < 1 << colourBits; i++) {
    const c = palette.colours[i] ?? 0;
    out.byte((c >> 16) & 0xff);
    out.byte((c >> 8) & 0xff);
    out.byte(c & 0xff);
  }
  // NETSCAPE2.0 application extension: sub-block id 1, then the loop count.
  out.bytes([0x21, 0xff, 0x0b]);
  out.ascii('NETSCAPE2.0');
  out.bytes([0x03, 0x01]);
  out.word(Math.max(0, Math.min(0xffff, Math.round(options.loopCount ?? 0))));
  out.byte(0);

  // Second pass: each frame's rectangle as palette indices, LZW-compressed.
  const table = new LzwTable();
  // GIF's LZW needs a minimum code size of at least 2 even for a two-colour palette.
  const minCodeSize = Math.max(2, colourBits);
  for (let i = 0; i < source.count; i++) {
    const { frame, words } = frameAt(i);
    const rect = rects[i];
    // Graphic control extension: disposal 1 (leave the frame in place), no input, no transparency.
    out.bytes([0x21, 0xf9, 0x04, 1 << 2]);
    out.word(Math.max(0, Math.min(0xffff, Math.round(frame.delayCs))));
    out.bytes([0, 0]);
    out.byte(0x2c);
    out.word(rect.left);
    out.word(rect.top);
    out.word(rect.width);
    out.word(rect.height);
    out.byte(0); // no local colour table, not interlaced
    const indices = new Uint8Array(rect.width * rect.height);
    let k = 0;
    forEachRun(frame.rgba, words, width, rect, (c, run) => {
      indices.fill(palette.indexOf(c), k, k + run);
      k += run;
    });
    writeLzwImageData(out, indices, minCodeSize, table);
    if (out.length > maxBytes) throw new GifTooLargeError(maxBytes, (out.length / (i + 1)) * source.count);
  }
  out.byte(0x3b);
  return out.result();
}
