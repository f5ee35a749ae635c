// The GIF encoder (webview/render/exportGif.ts) checked against a small GIF decoder written here,
// independently of the encoder, from the GIF89a specification: block structure, colour tables,
// graphic control and NETSCAPE2.0 extensions, LZW with clear codes and code widths up to 12 bits,
// and frames composed with their disposal method. Headless Chromium's own decoder reads the
// panel's GIF in test/webview/export.test.ts.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildPalette, encodeAnimatedGif, GifTooLargeError, type RgbaFrame } from '../../webview/render/exportGif';

interface DecodedFrame {
  left: number;
  top: number;
  width: number;
  height: number;
  delayCs: number;
  disposal: number;
  /** Clear codes met in this frame's LZW stream (the first one included). */
  clearCodes: number;
  /** The widest code read, in bits. */
  widestCode: number;
}

interface DecodedGif {
  width: number;
  height: number;
  /** Entries in the global colour table (a power of two). */
  tableSize: number;
  loopCount: number | null;
  frames: DecodedFrame[];
  /** The screen after each frame, as RGBA. */
  screens: Uint8Array[];
}

/** Reads the variable-width codes of one image and expands them into palette indices. */
function lzwDecode(data: Uint8Array, minCodeSize: number, pixelCount: number): { indices: number[]; clearCodes: number; widestCode: number } {
  const clear = 1 << minCodeSize;
  const end = clear + 1;
  let width = minCodeSize + 1;
  let widestCode = width;
  let available = end + 1;
  // The dictionary as (prefix, last index) pairs; roots are the single indices.
  const prefix = new Int32Array(4096).fill(-1);
  const suffix = new Int32Array(4096);
  for (let i = 0; i < clear; i++) suffix[i] = i;
  const expand = (code: number): number[] => {
    const out: number[] = [];
    for (let c = code; c >= 0; c = prefix[c]) out.push(suffix[c]);
    return out.reverse();
  };
  const indices: number[] = [];
  let clearCodes = 0;
  let previous = -1;
  let bit = 0;
  while (bit + width <= data.length * 8) {
    let code = 0;
    for (let i = 0; i < width; i++, bit++) code |= ((data[bit >> 3] >> (bit & 7)) & 1) << i;
    if (code === clear) {
      clearCodes++;
      width = minCodeSize + 1;
      available = end + 1;
      previous = -1;
      continue;
    }
    if (code === end) return { indices, clearCodes, widestCode };
    let sequence: number[];
    if (previous < 0) {
      assert.ok(code < clear, `first code after a clear must be a root, got ${code}`);
      sequence = [code];
    } else {
      if (code < available) sequence = expand(code);
      else {
        assert.equal(code, available, 'a code may be at most the next free one');
        const head = expand(previous);
        sequence = [...head, head[0]];
      }
      if (available < 4096) {
        prefix[available] = previous;
        suffix[available] = sequence[0];
        available++;
        if (available === 1 << width && width < 12) width++;
      }
    }
    widestCode = Math.max(widestCode, width);
    indices.push(...sequence);
    previous = code;
    assert.ok(indices.length <= pixelCount, 'more pixels than the image holds');
  }
  assert.fail('the image data ends without an end code');
}

function decodeGif(bytes: Uint8Array): DecodedGif {
  let p = 0;
  const u8 = () => bytes[p++];
  const u16 = () => bytes[p++] | (bytes[p++] << 8);
  const ascii = (n: number) => String.fromCharCode(...bytes.subarray(p, (p += n)));
  const subBlocks = (): Uint8Array => {
    const parts: number[] = [];
    for (let size = u8(); size !== 0; size = u8()) for (let i = 0; i < size; i++) parts.push(u8());
    return Uint8Array.from(parts);
  };
  assert.equal(ascii(6), 'GIF89a');
  const width = u16();
  const height = u16();
  const packed = u8();
  u8();
  u8();
  assert.ok(packed & 0x80, 'a global colour table');
  const tableSize = 2 << (packed & 7);
  const table = bytes.subarray(p, (p += 3 * tableSize));
  const screen = new Uint8Array(width * height * 4);
  const result: DecodedGif = { width, height, tableSize, loopCount: null, frames: [], screens: [] };
  let control = { delayCs: 0, disposal: 0 };
  for (;;) {
    const introducer = u8();
    if (introducer === 0x3b) break;
    if (introducer === 0x21) {
      const label = u8();
      if (label === 0xf9) {
        assert.equal(u8(), 4);
        const flags = u8();
        control = { delayCs: u16(), disposal: (flags >> 2) & 7 };
        u8();
        assert.equal(u8(), 0);
      } else if (label === 0xff) {
        assert.equal(u8(), 11);
        const id = ascii(11);
        const data = subBlocks();
        if (id === 'NETSCAPE2.0' && data[0] === 1) result.loopCount = data[1] | (data[2] << 8);
      } else subBlocks();
      continue;
    }
    assert.equal(introducer, 0x2c, `unexpected block 0x${introducer.toString(16)} at ${p - 1}`);
    const left = u16();
    const top = u16();
    const w = u16();
    const h = u16();
    const flags = u8();
    assert.equal(flags & 0x40, 0, 'not interlaced');
    const colours = flags & 0x80 ? bytes.subarray(p, (p += 3 * (2 << (flags & 7)))) : table;
    const minCodeSize = u8();
    const { indices, clearCodes, widestCode } = lzwDecode(subBlocks(), minCodeSize, w * h);
    assert.equal(indices.length, w * h, 'pixel count of the image');
    assert.ok(left + w <= width && top + h <= height, 'the image lies on the screen');
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const index = indices[y * w + x];
        const o = ((top + y) * width + left + x) * 4;
        screen.set([colours[index * 3], colours[index * 3 + 1], colours[index * 3 + 2], 255], o);
      }
    }
    result.frames.push({ left, top, width: w, height: h, ...control, clearCodes, widestCode });
    result.screens.push(screen.slice());
    control = { delayCs: 0, disposal: 0 };
  }
  assert.equal(p, bytes.length, 'nothing after the trailer');
  return result;
}

/** A deterministic pseudo-random sequence (tests must not depend on Math.random). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** An RGBA frame whose pixel (x, y) has colour `colourAt(x, y)` (0xRRGGBB). */
function frame(width: number, height: number, colourAt: (x: number, y: number) => number, delayCs = 10): RgbaFrame {
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = colourAt(x, y);
      rgba.set([(c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff, 255], (y * width + x) * 4);
    }
  }
  return { rgba, delayCs };
}

function assertRoundTrip(frames: RgbaFrame[], width: number, height: number): DecodedGif {
  const decoded = decodeGif(encodeAnimatedGif(frames, { width, height }));
  assert.equal(decoded.width, width);
  assert.equal(decoded.height, height);
  assert.equal(decoded.frames.length, frames.length);
  frames.forEach((f, i) => {
    assert.ok(Buffer.from(decoded.screens[i]).equals(Buffer.from(f.rgba)), `frame ${i} differs after the round trip`);
    assert.equal(decoded.frames[i].delayCs, f.delayCs);
  });
  return decoded;
}

describe('GIF encoder', () => {
  it('encodes a 1×1 image', () => {
    const bytes = encodeAnimatedGif([frame(1, 1, () => 0x336699)], { width: 1, height: 1 });
    assert.equal(Buffer.from(bytes.subarray(0, 6)).toString('latin1'), 'GIF89a');
    assert.equal(bytes[bytes.length - 1], 0x3b, 'trailer');
    const decoded = assertRoundTrip([frame(1, 1, () => 0x336699)], 1, 1);
    // One colour still needs a two-entry table and GIF's minimum code size of 2.
    assert.equal(decoded.tableSize, 2);
  });

  it('round-trips frames of odd sizes exactly, with their delays and a forever loop', () => {
    const colours = [0x1e1e1e, 0xd4d4d4, 0xd18616, 0x3794ff, 0xf14c4c];
    for (const [w, h] of [[7, 3], [3, 7], [13, 17], [1, 9], [9, 1], [31, 5]]) {
      const frames = [0, 1, 2, 3].map((step) => frame(w, h, (x, y) => colours[(x === step % w ? 2 : 0) + ((x * 7 + y * 3) % 3)], 5 + step * 7));
      const decoded = assertRoundTrip(frames, w, h);
      assert.equal(decoded.loopCount, 0, 'NETSCAPE2.0 loop count 0 loops forever');
      assert.ok(decoded.frames.every((f) => f.disposal === 1), 'each frame stays under the next');
    }
  });

  it('writes the requested loop count', () => {
    const bytes = encodeAnimatedGif([frame(2, 2, () => 0), frame(2, 2, () => 0xffffff)], { width: 2, height: 2, loopCount: 3 });
    assert.equal(decodeGif(bytes).loopCount, 3);
  });

  it('stores only the changed rectangle of later frames, and keeps unchanged frames', () => {
    const base = (x: number, y: number) => ((x + y) % 2 ? 0xffffff : 0x000000);
    const moved = (x: number, y: number) => (x >= 5 && x <= 7 && y >= 2 && y <= 3 ? 0xff0000 : base(x, y));
    const frames = [frame(20, 10, base), frame(20, 10, moved), frame(20, 10, moved), frame(20, 10, base)];
    const decoded = assertRoundTrip(frames, 20, 10);
    assert.deepEqual(
      decoded.frames.map(({ left, top, width, height }) => [left, top, width, height]),
      [[0, 0, 20, 10], [5, 2, 3, 2], [0, 0, 1, 1], [5, 2, 3, 2]],
    );
  });

  it('reads frames from a source twice, in order, even when it redraws one buffer', () => {
    const w = 9;
    const h = 5;
    const expected = [0, 1, 2].map((step) => frame(w, h, (x) => (x === step * 3 ? 0xff8800 : 0x202020), 20));
    const shared = new Uint8Array(w * h * 4);
    const calls: number[] = [];
    const bytes = encodeAnimatedGif({ count: 3, frame: (i) => (calls.push(i), shared.set(expected[i].rgba), { rgba: shared, delayCs: 20 }) }, { width: w, height: h });
    assert.deepEqual(calls, [0, 1, 2, 0, 1, 2]);
    const decoded = decodeGif(bytes);
    expected.forEach((f, i) => assert.ok(Buffer.from(decoded.screens[i]).equals(Buffer.from(f.rgba)), `frame ${i}`));
  });

  it('widens codes to 12 bits and emits clear codes when the table fills, losslessly', () => {
    const next = random(7);
    const noise = frame(128, 128, () => Math.floor(next() * 256) * 0x010101);
    const decoded = assertRoundTrip([noise], 128, 128);
    assert.equal(decoded.tableSize, 256);
    assert.equal(decoded.frames[0].widestCode, 12);
    assert.ok(decoded.frames[0].clearCodes >= 3, `${decoded.frames[0].clearCodes} clear codes in 16384 noisy pixels`);
  });

  it('round-trips long runs, where codes cover many pixels (the KwKwK case)', () => {
    const w = 300;
    const h = 40;
    const decoded = assertRoundTrip([frame(w, h, (x) => (x < 250 ? 0x101010 : 0xfefefe)), frame(w, h, () => 0x101010)], w, h);
    assert.equal(decoded.frames[0].clearCodes, 1, 'a flat image never fills the table');
  });

  it('round-trips any small animation of at most 256 colours', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 256 }),
        fc.integer(),
        (w, h, count, colourCount, seed) => {
          const next = random(seed);
          const colours = Array.from({ length: colourCount }, () => Math.floor(next() * 0x1000000));
          const frames = Array.from({ length: count }, (_, i) => frame(w, h, () => colours[Math.floor(next() * colourCount)], i + 1));
          assertRoundTrip(frames, w, h);
        },
      ),
      { numRuns: 120, seed: 20261125 },
    );
  });

  it('quantises more than 256 colours: frequent colours exactly, a ramp closely', () => {
    const w = 400;
    const h = 60;
    // A flat background, a text colour, and a heat-map ramp of 320 × 40 distinct colours.
    const colourAt = (x: number, y: number) => (y < 10 ? 0x1e1e1e : y < 20 ? (x % 5 ? 0x1e1e1e : 0xd4d4d4) : x < 80 ? 0x3794ff : (Math.round(((x - 80) / 320) * 255) << 16) | ((y - 20) * 6) << 8 | 0x40);
    const original = frame(w, h, colourAt);
    const decoded = decodeGif(encodeAnimatedGif([original], { width: w, height: h }));
    const screen = decoded.screens[0];
    let worst = 0;
    let total = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const o = (y * w + x) * 4;
        const c = colourAt(x, y);
        const error = Math.abs(screen[o] - (c >> 16)) + Math.abs(screen[o + 1] - ((c >> 8) & 0xff)) + Math.abs(screen[o + 2] - (c & 0xff));
        if (y < 20 || x < 80) assert.equal(error, 0, `flat colour at ${x},${y} changed`);
        worst = Math.max(worst, error);
        total += error;
      }
    }
    assert.equal(decoded.tableSize, 256);
    assert.ok(total / (w * h) < 6, `mean error ${total / (w * h)} per pixel (sum over channels)`);
    assert.ok(worst < 40, `worst error ${worst}`);
  });

  it('maps every colour of the histogram to a palette entry', () => {
    const next = random(3);
    const histogram = new Map<number, number>();
    for (let i = 0; i < 5000; i++) histogram.set(Math.floor(next() * 0x1000000), 1 + Math.floor(next() * 50));
    histogram.set(0x123456, 1_000_000);
    const palette = buildPalette(histogram);
    assert.ok(palette.colours.length <= 256 && palette.colours.length > 200, `${palette.colours.length} colours`);
    assert.equal(palette.colours[palette.indexOf(0x123456)], 0x123456, 'the dominant colour is exact');
    for (const c of histogram.keys()) assert.ok(palette.indexOf(c) < palette.colours.length);
  });

  it('stops with GifTooLargeError past maxBytes, and rejects impossible sizes', () => {
    const next = random(11);
    const noise = frame(64, 64, () => Math.floor(next() * 256));
    assert.throws(
      () => encodeAnimatedGif([noise, noise], { width: 64, height: 64, maxBytes: 1000 }),
      (error: unknown) => error instanceof GifTooLargeError && error.limit === 1000 && error.projectedBytes > 2 * 64 * 64,
    );
    assert.throws(() => encodeAnimatedGif([], { width: 1, height: 1 }), RangeError);
    assert.throws(() => encodeAnimatedGif([frame(2, 2, () => 0)], { width: 3, height: 2 }), RangeError);
    assert.throws(() => encodeAnimatedGif([frame(1, 1, () => 0)], { width: 0, height: 1 }), RangeError);
  });
});
