// tfjs computation behind the WaveNet view: a causal dilated 1-D stack (one channel per layer,
// tanh between layers, seeded weights) generating samples autoregressively, each prediction fed
// back as the next input, as in the tutorial's "to generate x12 we first need all previous samples".
import type { DilationRow } from '../../src/analysis/panelModel';
import { seededNormals } from './seededRandom';
import { checkTensorSize, tf } from './tfBackend';

/** A generated sequence: the seed prefix followed by one new sample per step. */
export interface Generation {
  /** Samples 0..prefix-1 are the seed; sample prefix+i was produced at step i. */
  samples: number[];
  prefix: number;
  /** The kernels used, [layer][tap] with tap 0 the oldest sample, shown beside each row. */
  weights: number[][];
}

/** Per-layer kernels ([layer][tap], tap 0 is the oldest sample), seeded. */
export function dilationWeights(rows: readonly DilationRow[], seed: number): number[][] {
  return rows.map((r, i) => Array.from(seededNormals(seed + 31 * i, r.kernel, 0.9 / Math.sqrt(r.kernel))).map((v, t) => v + (t === r.kernel - 1 ? 0.6 : 0)));
}

/** Runs the stack over a whole sequence; returns the last layer's output at every time step. */
export function runCausalStack(rows: readonly DilationRow[], kernels: readonly number[][], sequence: readonly number[]): Float32Array {
  checkTensorSize('the generated sequence', [sequence.length, rows.length]);
  return tf.tidy(() => {
    let h = tf.tensor3d(Float32Array.from(sequence), [1, sequence.length, 1]);
    rows.forEach((r, l) => {
      const w = tf.tensor3d(Float32Array.from(kernels[l]), [r.kernel, 1, 1]);
      // Causal: pad the past only, so the output at t reads t, t−d, …, t−(k−1)·d.
      const padded = tf.pad(h, [[0, 0], [r.dilation * (r.kernel - 1), 0], [0, 0]]);
      h = tf.tanh(tf.conv1d(padded, w, 1, 'valid', 'NWC', r.dilation));
    });
    return h.dataSync() as Float32Array;
  }).slice();
}

/**
 * Generates `steps` samples after a seed prefix. Work is chunked with tf.nextFrame so a long
 * generation never blocks the panel.
 */
export async function generate(rows: readonly DilationRow[], seed: number, prefix: number, steps: number): Promise<Generation> {
  const kernels = dilationWeights(rows, seed);
  const samples = Array.from({ length: prefix }, (_, t) => Math.sin((2 * Math.PI * t) / Math.max(4, prefix / 2)) * 0.8);
  const started = performance.now();
  for (let i = 0; i < steps; i++) {
    const out = runCausalStack(rows, kernels, samples);
    samples.push(out[out.length - 1]);
    if (performance.now() - started > 12) await tf.nextFrame();
  }
  return { samples, prefix, weights: kernels };
}
