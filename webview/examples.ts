// The tutorial's own examples, shown when no model is under the cursor and always listed in the
// layer picker. Their fields and contexts come from the same core functions as a user's layers.
import { dilationStackOfLayers, type DilationStack, type PanelLayer } from '../src/analysis/panelModel';
import { composeField, identityField } from '../src/analysis/receptiveField';
import type { Geometry } from '../src/analysis/types';

/** The tutorial's 6×6 image (rows 000000 / 111111 / 000010 / 000100 / 001000 / 010000). */
export const LAPLACIAN_IMAGE: number[][] = ['000000', '111111', '000010', '000100', '001000', '010000'].map((row) => [...row].map(Number));

/** The Laplacian edge kernel of the tutorial. */
export const LAPLACIAN_KERNEL: number[][] = [
  [0, 1, 0],
  [1, -4, 1],
  [0, 1, 0],
];

const laplacianGeometry: Geometry = { kind: 'conv', kernel: [3, 3], stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 };

function exampleLayer(id: string, label: string, type: string, partial: Partial<PanelLayer>): PanelLayer {
  return {
    id,
    label,
    type,
    line: 0,
    span: { from: 0, to: 0 },
    views: ['conv'],
    geometry: null,
    rank: 2,
    channels: { in: 1, out: 1, groups: 1 },
    inputSize: null,
    stack: [],
    attention: null,
    sequenceLength: null,
    ...partial,
  };
}

function causalConv(dilation: number): Geometry {
  return { kind: 'conv', kernel: [2], stride: [1], padding: [dilation], dilation: [dilation], causal: true };
}

/** The WaveNet diagram of the tutorial: `blocks` blocks of k=2 causal convolutions with d = 1, 2, 4. */
export function waveNetExample(blocks: number, dilations: readonly number[] = [1, 2, 4]): DilationStack {
  const layers = [];
  for (let b = 0; b < blocks; b++) {
    for (const d of dilations) layers.push({ id: `example:wavenet.${b}.${d}`, label: `block ${b + 1} · d=${d}`, geometry: causalConv(d) });
  }
  return dilationStackOfLayers(layers);
}

/** Built-in examples by id. */
export const EXAMPLES: readonly PanelLayer[] = [
  exampleLayer('example:laplacian', 'Tutorial · Laplacian over the 6×6 image', 'Conv2d', {
    geometry: laplacianGeometry,
    inputSize: [6, 6],
    stack: [{ id: 'example:laplacian', label: 'Laplacian 3×3', geometry: laplacianGeometry, field: composeField(identityField(2), laplacianGeometry) }],
  }),
  exampleLayer('example:wavenet', 'Tutorial · WaveNet, k=2, d=1,2,4', 'Conv1d', { views: ['dilation'], rank: 1, geometry: causalConv(4) }),
  exampleLayer('example:wavenet2', 'Tutorial · WaveNet, two blocks', 'Conv1d', { views: ['dilation'], rank: 1, geometry: causalConv(4) }),
  exampleLayer('example:attention', 'Tutorial · self-attention, E=16, 2 heads', 'MultiheadAttention', {
    views: ['attention'],
    rank: 0,
    attention: { kind: 'dot', embedDim: 16, numHeads: 2, headDim: 8, causal: false },
    sequenceLength: 12,
  }),
  exampleLayer('example:tacotron', 'Tutorial · Tacotron additive alignment', 'Attention', {
    views: ['attention'],
    rank: 0,
    attention: { kind: 'additive', embedDim: 32, numHeads: 1, headDim: 32, causal: false },
    sequenceLength: 24,
  }),
];

/** The dilation stack an example stands for. */
export function exampleDilation(id: string): DilationStack | null {
  if (id === 'example:wavenet') return waveNetExample(1);
  if (id === 'example:wavenet2') return waveNetExample(2);
  return null;
}

/** The example shown for a view when nothing else is selected. */
export function defaultExampleFor(view: 'conv' | 'dilation' | 'attention'): PanelLayer {
  const id = view === 'conv' ? 'example:laplacian' : view === 'dilation' ? 'example:wavenet' : 'example:attention';
  return EXAMPLES.find((e) => e.id === id) as PanelLayer;
}
