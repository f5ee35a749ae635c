// Hand-built Analysis objects that follow src/analysis/types.ts, for the panel model's unit tests
// and the webview tests (which turn them into snapshots through the real panelModelAt).
import type { Analysis, AttentionInfo, Framework, Geometry, ModelInfo, ModuleInfo } from '../../src/analysis/types';

/** A module with only the fields the panel reads set; spans are laid out one per line of 100 characters. */
export function moduleInfo(path: string, type: string, line: number, extra: Partial<ModuleInfo> = {}): ModuleInfo {
  return {
    path,
    type,
    framework: 'pytorch',
    isLayer: true,
    span: { from: line * 100, to: line * 100 + 40 },
    line,
    config: {},
    paramsOwn: null,
    paramsTotal: null,
    inputShapes: null,
    outputShapes: null,
    callSpan: null,
    notation: null,
    formula: null,
    macs: null,
    geometry: null,
    receptiveField: null,
    attention: null,
    ...extra,
  };
}

/** A 2-D convolution geometry with PyTorch's defaults. */
export function conv2d(kernel: number, o: { stride?: number; padding?: number; dilation?: number; groups?: number } = {}): Geometry {
  const s = o.stride ?? 1;
  const p = o.padding ?? 0;
  const d = o.dilation ?? 1;
  return { kind: 'conv', kernel: [kernel, kernel], stride: [s, s], padding: [p, p], dilation: [d, d], groups: o.groups ?? 1 };
}

/** A causal 1-D convolution geometry (padding d·(k−1) on the past side). */
export function causal1d(kernel: number, dilation: number): Geometry {
  return { kind: 'conv', kernel: [kernel], stride: [1], padding: [dilation * (kernel - 1)], dilation: [dilation], causal: true };
}

/** A model wrapping modules, with the container itself first as `named_modules()` lists it. */
export function model(name: string, modules: ModuleInfo[], framework: Framework = 'pytorch', span = { from: 0, to: 100_000 }): ModelInfo {
  return {
    name,
    expr: `${name}()`,
    framework,
    span,
    line: 0,
    inputs: [],
    outputShapes: null,
    totalParams: null,
    modules: [moduleInfo('', name, 0, { isLayer: false, span }), ...modules],
  };
}

/** An analysis of one Python file holding the given models. */
export function analysis(...models: ModelInfo[]): Analysis {
  return { language: 'python', models, annotations: [], findings: [], elapsedMs: 0 };
}

/** A small CNN: two 3×3 convs, a max pool, a strided conv, a grouped conv and a transposed conv. */
export function cnnModel(): ModelInfo {
  return model('SmallCNN', [
    moduleInfo('conv1', 'Conv2d', 1, { geometry: conv2d(3, { padding: 1 }), config: { in_channels: 1, out_channels: 8 }, inputShapes: [['N', 1, 28, 28]] }),
    moduleInfo('conv2', 'Conv2d', 2, { geometry: conv2d(3), config: { in_channels: 8, out_channels: 16 } }),
    moduleInfo('pool', 'MaxPool2d', 3, { geometry: { kind: 'pool', kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1] } }),
    moduleInfo('down', 'Conv2d', 4, { geometry: conv2d(3, { stride: 2, padding: 1, dilation: 2 }), config: { in_channels: 16, out_channels: 16 } }),
    moduleInfo('grouped', 'Conv2d', 5, { geometry: conv2d(3, { padding: 1, groups: 4 }), config: { in_channels: 16, out_channels: 32, groups: 4 } }),
    moduleInfo('fc', 'Linear', 6, { config: { in_features: 32, out_features: 10 } }),
    moduleInfo('up', 'ConvTranspose2d', 7, {
      geometry: { kind: 'convTranspose', kernel: [3, 3], stride: [2, 2], padding: [0, 0], dilation: [1, 1], outputPadding: [0, 0] },
      config: { in_channels: 32, out_channels: 1 },
    }),
  ]);
}

/** WaveNet-like stack: `blocks` blocks of k=2 causal convs with dilations 1, 2, 4 … 2^(layers−1). */
export function waveNetModel(blocks: number, layers: number): ModelInfo {
  const modules: ModuleInfo[] = [moduleInfo('input_proj', 'Conv1d', 1, { geometry: { kind: 'conv', kernel: [1], stride: [1], padding: [0], dilation: [1] } })];
  let line = 2;
  for (let b = 0; b < blocks; b++) {
    for (let l = 0; l < layers; l++) {
      modules.push(moduleInfo(`blocks.${b}.${l}.conv`, 'Conv1d', line++, { geometry: causal1d(2, 2 ** l), config: { in_channels: 16, out_channels: 16, kernel_size: 2, dilation: 2 ** l } }));
    }
  }
  return model('WaveNet', modules);
}

/** A Transformer-ish model with one self-attention layer. */
export function attentionModel(attention: AttentionInfo, type = 'MultiheadAttention', path = 'attn'): ModelInfo {
  return model('Encoder', [moduleInfo(path, type, 1, { attention, inputShapes: [['N', 10, attention.embedDim ?? 'E']] })]);
}
