// tfjs computations behind the attention view: scaled dot-product self-attention with the layer's
// dimensions on a sample sequence, and additive (Bahdanau/Tacotron) alignment decoded step by step.
// Long sequences are computed in chunks of query rows (awaiting tf.nextFrame between them) and
// reduced to at most MAX_DISPLAY × MAX_DISPLAY cells (one query per row, keys averaged per bin),
// so a 4096-token map never freezes the panel.
import { hashString, seededNormals } from './seededRandom';
import { checkTensorSize, tf } from './tfBackend';

/** Largest heat map side drawn cell by cell; longer sequences are averaged into bins. */
export const MAX_DISPLAY = 512;

/** Longest sample sequence the attention view accepts. */
export const MAX_SEQUENCE = 8192;

/** Self-attention weights of every head, possibly averaged into bins. */
export interface AttentionRun {
  length: number;
  /** The layer's heads; `maps` holds only the first `maps.length` of them (the heads drawn). */
  heads: number;
  headDim: number;
  embedDim: number;
  causal: boolean;
  /** Side of each display map; equals `length` unless aggregated. */
  display: number;
  /** Sequence positions per display cell along each axis (1 when not aggregated). */
  bin: number;
  /**
   * Per head drawn, display × display weights, row = query, column = key. Aggregated maps show
   * query bin·i in row i, with its weights averaged over each bin of keys.
   */
  maps: Float32Array[];
}

/** Sinusoidal position encoding plus a per-token embedding, [T, E], from a stable hash of each token. */
function embed(tokens: readonly string[], embedDim: number, seed: number, offset = 0): tf.Tensor2D {
  const T = tokens.length;
  const values = new Float32Array(T * embedDim);
  tokens.forEach((token, n) => {
    const t = offset + n;
    const noise = seededNormals((hashString(token) ^ seed) >>> 0, embedDim, 0.5);
    for (let i = 0; i < embedDim; i++) {
      const rate = 1 / Math.pow(10000, (2 * Math.floor(i / 2)) / embedDim);
      values[(t - offset) * embedDim + i] = (i % 2 === 0 ? Math.sin(t * rate) : Math.cos(t * rate)) + noise[i];
    }
  });
  return tf.tensor2d(values, [T, embedDim]);
}

/** Options of a self-attention run. */
export interface SelfAttentionOptions {
  tokens: readonly string[];
  embedDim: number;
  numHeads: number;
  causal: boolean;
  seed: number;
  /** How many heads the view draws (default all): only those are computed and kept. */
  headsDrawn?: number;
}

/** Values of one chunk of scores (heads drawn × query rows × keys): bounds a chunk's memory. */
const CHUNK_VALUES = 1 << 21;

/** Runs softmax(Q·Kᵀ/√d_head [+ causal mask]) per head on the embedded sample sequence. */
export async function runSelfAttention(o: SelfAttentionOptions): Promise<AttentionRun> {
  const T = o.tokens.length;
  const heads = Math.max(1, o.numHeads);
  const headDim = Math.max(1, Math.floor(o.embedDim / heads));
  const E = headDim * heads;
  checkTensorSize('the projection weights', [E, E]);
  checkTensorSize('the embedded sequence', [T, E]);
  const bin = Math.ceil(T / MAX_DISPLAY);
  const display = Math.ceil(T / bin);
  // Only the heads drawn are computed: a layer with thousands of heads must not cost heads × display² floats.
  const drawn = Math.max(1, Math.min(heads, o.headsDrawn ?? heads));
  checkTensorSize('the attention maps', [drawn, display, display]);
  const maps = Array.from({ length: drawn }, () => new Float32Array(display * display));
  const wq = tf.tensor2d(seededNormals(o.seed + 1, E * E, 1.6 / Math.sqrt(E)), [E, E]);
  const wk = tf.tensor2d(seededNormals(o.seed + 2, E * E, 1.6 / Math.sqrt(E)), [E, E]);
  // Embedding and projection also run in slices of the sequence, a frame apart, for long inputs.
  const qParts: tf.Tensor2D[] = [];
  const kParts: tf.Tensor2D[] = [];
  const slice = Math.max(16, Math.floor(32768 / E));
  for (let from = 0; from < T; from += slice) {
    const [qp, kp] = tf.tidy(() => {
      const x = embed(o.tokens.slice(from, from + slice), E, o.seed, from);
      return [tf.matMul(x, wq), tf.matMul(x, wk)];
    });
    qParts.push(qp);
    kParts.push(kp);
    if (from + slice < T) await tf.nextFrame();
  }
  // [T, E] → [H, T, d_head]
  const split = (parts: tf.Tensor2D[]) => tf.tidy(() => tf.transpose(tf.reshape(parts.length === 1 ? parts[0] : tf.concat(parts, 0), [T, heads, headDim]), [1, 0, 2]) as tf.Tensor3D);
  // Only the heads drawn go on: [drawn, T, d_head].
  const firstHeads = (all: tf.Tensor3D) => (drawn === heads ? all : tf.tidy(() => tf.slice(all, [0, 0, 0], [drawn, T, headDim])));
  const qAll = split(qParts);
  const kAll = split(kParts);
  const q = firstHeads(qAll);
  const k = firstHeads(kAll);
  tf.dispose([...qParts, ...kParts, wq, wk, ...(drawn === heads ? [] : [qAll, kAll])]);
  // Query rows computed: all of them, or for long sequences one representative per display row
  // (query bin·i), so the work is display × T instead of T × T; keys are then averaged per bin.
  const queries = Array.from({ length: display }, (_, i) => Math.min(T - 1, i * bin));
  try {
    // Chunks adapt to the machine: start small, then size each chunk to about 40 ms of work.
    const maxRows = Math.max(1, Math.floor(CHUNK_VALUES / (drawn * T)));
    let chunk = Math.max(1, Math.min(display, maxRows, Math.floor(16384 / T)));
    for (let start = 0; start < display; ) {
      const rows = Math.min(chunk, display - start);
      const chunkStarted = performance.now();
      const rowIndex = queries.slice(start, start + rows);
      const data = tf.tidy(() => {
        const qc = bin === 1 ? tf.slice(q, [0, start, 0], [drawn, rows, headDim]) : tf.gather(q, rowIndex, 1);
        let scores: tf.Tensor = tf.div(tf.matMul(qc, k, false, true), Math.sqrt(headDim));
        if (o.causal) {
          // An additive mask: −1e9 on keys after the query, broadcast over heads.
          const mask = new Float32Array(rows * T);
          rowIndex.forEach((query, r) => mask.fill(-1e9, r * T + query + 1, (r + 1) * T));
          scores = tf.add(scores, tf.tensor2d(mask, [rows, T]));
        }
        return tf.softmax(scores).dataSync() as Float32Array;
      });
      for (let h = 0; h < drawn; h++) {
        const target = maps[h];
        for (let r = 0; r < rows; r++) {
          const base = (h * rows + r) * T;
          const out = (start + r) * display;
          for (let c = 0; c < T; c++) target[out + Math.floor(c / bin)] += data[base + c];
        }
      }
      start += rows;
      const elapsed = Math.max(1, performance.now() - chunkStarted);
      chunk = Math.max(1, Math.min(256, maxRows, Math.round((rows * 40) / elapsed)));
      if (start < display) await tf.nextFrame();
    }
  } finally {
    q.dispose();
    k.dispose();
  }
  // Averages over the keys of each bin (the last bin may be short).
  if (bin > 1) {
    for (const m of maps) {
      for (let c = 0; c < display; c++) {
        const width = Math.min(bin, T - c * bin);
        for (let r = 0; r < display; r++) m[r * display + c] /= width;
      }
    }
  }
  return { length: T, heads, headDim, embedDim: E, causal: o.causal, display, bin, maps };
}

/** Options of an additive alignment run. */
export interface AdditiveOptions {
  encoderFrames: number;
  decoderSteps: number;
  /** Width of the additive score's hidden layer (`attention_dim` in Tacotron). */
  attentionDim: number;
  /** Apply the forward-attention recursion (Zhang et al. 2018), which keeps the alignment monotonic. */
  forward: boolean;
  seed: number;
}

/**
 * Decodes step by step: e_tj = vᵀ·tanh(W·s_t + U·h_j), α_t = softmax(e_t), the context fed back into
 * the next decoder state. Returns the alignment [decoder step][encoder frame].
 */
export async function runAdditiveAlignment(o: AdditiveOptions): Promise<number[][]> {
  const Te = o.encoderFrames;
  const A = Math.max(2, o.attentionDim);
  checkTensorSize('the alignment', [o.decoderSteps, Te]);
  checkTensorSize('the encoder projection', [Te, A]);
  const positions = Array.from({ length: Te }, (_, j) => String(j));
  const keep = tf.tidy(() => {
    const h = embed(positions, A, o.seed);
    const U = tf.tensor2d(seededNormals(o.seed + 3, A * A, 1 / Math.sqrt(A)), [A, A]);
    return { projected: tf.matMul(h, U), encoder: h };
  });
  const W = tf.tensor2d(seededNormals(o.seed + 4, A * A, 1 / Math.sqrt(A)), [A, A]);
  const Wc = tf.tensor2d(seededNormals(o.seed + 5, A * A, 1 / Math.sqrt(A)), [A, A]);
  // Mild energies (std ≈ 1): content matters, but no single frame captures the alignment for good.
  const v = tf.tensor2d(seededNormals(o.seed + 6, A, 1.5 / Math.sqrt(A)), [A, 1]);
  const alignment: number[][] = [];
  let previous: Float32Array = new Float32Array(Te);
  previous[0] = 1;
  let context = tf.zeros([1, A]) as tf.Tensor2D;
  try {
    for (let t = 0; t < o.decoderSteps; t++) {
      const [weights, nextContext] = tf.tidy(() => {
        const step = embed([`step${t}`], A, o.seed + 9);
        const state = tf.tanh(tf.add(tf.matMul(context, Wc), step)) as tf.Tensor2D;
        const energies = tf.reshape(tf.matMul(tf.tanh(tf.add(keep.projected, tf.matMul(state, W))) as tf.Tensor2D, v), [Te]);
        const alpha = tf.softmax(energies).dataSync() as Float32Array;
        let weights: Float32Array = Float32Array.from(alpha);
        if (o.forward) {
          // α'_t(j) ∝ (α'_{t−1}(j) + α'_{t−1}(j−1)) · α_t(j): attention may stay or move one frame on.
          let total = 0;
          for (let j = 0; j < Te; j++) {
            weights[j] = (previous[j] + (j > 0 ? previous[j - 1] : 0)) * alpha[j];
            total += weights[j];
          }
          if (total > 0) for (let j = 0; j < Te; j++) weights[j] /= total;
          else weights = Float32Array.from(previous);
        }
        const ctx = tf.matMul(tf.tensor2d(weights, [1, Te]), keep.encoder) as tf.Tensor2D;
        return [weights, ctx] as [Float32Array, tf.Tensor2D];
      });
      context.dispose();
      context = nextContext;
      previous = weights;
      alignment.push(Array.from(weights));
      if (t % 32 === 31) await tf.nextFrame();
    }
  } finally {
    context.dispose();
    tf.dispose([keep.projected, keep.encoder, W, Wc, v]);
  }
  return alignment;
}
