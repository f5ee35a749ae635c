// A small deterministic generator so sample inputs and weights are the same on every run and in
// tests (mulberry32; public-domain algorithm by Tommy Ettinger).

/** Returns a function giving uniform numbers in [0, 1) for a 32-bit seed. */
export function seededUniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` normal samples (Box–Muller) with the given standard deviation. */
export function seededNormals(seed: number, count: number, std = 1): Float32Array {
  const next = seededUniform(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const u = Math.max(next(), 1e-12);
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u)) * std;
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < count) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/** `count` integers drawn uniformly from `choices`. */
export function seededChoices(seed: number, count: number, choices: readonly number[]): Float32Array {
  const next = seededUniform(seed);
  return Float32Array.from({ length: count }, () => choices[Math.floor(next() * choices.length)]);
}

/** A stable 32-bit hash of a string (FNV-1a), for per-token embeddings. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
