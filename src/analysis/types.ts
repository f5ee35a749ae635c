// The plain-data contract between the analysis core and everything that consumes it
// (editor adapters, CLI, panel, benchmarks). Offsets are UTF-16 code-unit offsets into the
// analysed text, exactly what `TextDocument.positionAt` expects; lines are 1-based.

import type { ParseStore } from './python/parseStore';

/** A language the core can read. */
export type Language = 'python' | 'typescript' | 'javascript';

/** The framework a layer or model belongs to. */
export type Framework = 'pytorch' | 'keras' | 'tfjs';

/** A half-open range of character offsets `[from, to)` in the analysed text. */
export interface Span {
  from: number;
  to: number;
}

/** One dimension as printed: an exact integer, or a symbolic expression such as `"N"`, `"H-2"`, `"?"`. */
export type DimOut = number | string;

/** One tensor's shape as printed. */
export type ShapeOut = DimOut[];

/** A value's shapes: a tensor's shape, or a (nested) tuple of them for multi-output layers. */
export type ShapesOut = ShapeOut | { tuple: ShapesOut[] };

/** Kernel geometry of a convolution-like layer, per spatial axis, as used for receptive fields. */
export interface Geometry {
  /** What slides: a convolution, a pooling window, or a transposed convolution. */
  kind: 'conv' | 'pool' | 'convTranspose';
  kernel: number[];
  stride: number[];
  /** Padding on the leading side of each axis (for 'same' and causal padding, the resolved amount). */
  padding: number[];
  dilation: number[];
  /** Transposed convolutions only. */
  outputPadding?: number[];
  groups?: number;
  /** True when all padding is on the past side (causal 1-D convolutions). */
  causal?: boolean;
  /** True when one window covers the whole input (global or adaptive pooling to size 1). */
  global?: boolean;
}

/** Receptive field of one output unit in input pixels/samples (Araujo et al., Distill 2019). */
export interface ReceptiveField {
  size: number[];
  stride: number[];
  padding: number[];
  /** Set when branches that merge here are not centred alike. */
  misaligned?: boolean;
  /**
   * Set when one output unit depends on the whole input (after global pooling, or a branch such as
   * squeeze-and-excitation that does): size, stride and padding then describe the local path only.
   */
  global?: boolean;
  /**
   * The tensor axes the spatial entries describe, in order, when they are not the trailing ones:
   * a channels-last view (`x.permute(0, 2, 3, 1)` before a LayerNorm over channels) keeps its
   * field here until it is permuted back. Absent for the usual channels-first layout.
   */
  axes?: number[];
}

/** Attention dimensions of a layer, for the panel's attention view and the hover. */
export interface AttentionInfo {
  kind: 'dot' | 'additive';
  embedDim: number | null;
  numHeads: number | null;
  headDim: number | null;
  causal: boolean;
  /**
   * Whether the sequence axis follows the batch axis, (N, T, E); false for PyTorch's (T, N, E)
   * without `batch_first=True`. Absent means batch-first (Keras, tfjs, hand-written attention).
   */
  batchFirst?: boolean;
}

/** A module (layer or user-defined block) constructed by a model, as `named_modules()` lists it. */
export interface ModuleInfo {
  /** Qualified name (`layer1.0.conv1`); the model itself is `""`. Keras/tfjs: the layer name. */
  path: string;
  /** Class name (`Conv2d`, `ResidualBlock`, `Dense`). */
  type: string;
  framework: Framework;
  /** True for catalogue layers, false for user-defined containers. */
  isLayer: boolean;
  /** Where the module was constructed (the constructor call); line of that call. */
  span: Span;
  line: number;
  /** Resolved constructor arguments, as plain JSON values, for hovers and the panel. */
  config: Record<string, unknown>;
  paramsOwn: number | null;
  paramsTotal: number | null;
  /** Shapes of the first call; null when the module was never called. */
  inputShapes: ShapesOut[] | null;
  outputShapes: ShapesOut[] | null;
  /** Where the first call happened (in forward/call), if any. */
  callSpan: Span | null;
  /** The tutorial's notation for the first call, e.g. `(N,64)·(64,2)=(N,2)`. */
  notation: string | null;
  /** The layer's formula with numbers substituted, e.g. `L_out = ⌊(100 + 2·0 − 1·(3−1) − 1)/1⌋ + 1 = 98`. */
  formula: string | null;
  /** Multiply-accumulate count of the first call, when all dims are known. */
  macs: number | null;
  geometry: Geometry | null;
  receptiveField: ReceptiveField | null;
  attention: AttentionInfo | null;
}

/** One model found in the file: a module class instantiated with default arguments, a factory, or EXPR. */
export interface ModelInfo {
  /** The class or factory name. */
  name: string;
  /** The expression evaluated to build it (`WaveNet()`, `resnet18()`). */
  expr: string;
  framework: Framework;
  /** The class or function definition. */
  span: Span;
  line: number;
  /** Inputs of forward/call, with the shapes they were bound to (symbolic where unbound). */
  inputs: { name: string; shape: ShapesOut }[];
  outputShapes: ShapesOut[] | null;
  totalParams: number | null;
  modules: ModuleInfo[];
  /** Where the input shapes came from, when something bound them (absent: symbols). */
  inputSource?: InputSource;
  /** The input size a layer's fixed size implies, offered as the binding (solveInputs.ts). */
  inputSolution?: InputSolution;
}

/** The binding a layer implies: `Linear(9216, 128)` after a flatten of (N,64,(H-4)//2,(W-4)//2) → H = W = 28. */
export interface InputSolution {
  /** The forward() parameter it binds. */
  input: string;
  /** Its shape with the solved symbols replaced (the batch stays symbolic). */
  shape: DimOut[];
  /** The smallest value of each solved symbol. */
  values: Record<string, number>;
  /** The largest value that fits as well (floor divisions admit a run of sizes). */
  last: number;
  /** True when two symbols were solved together as a square input (H = W). */
  square: boolean;
  /** The module whose fixed size implies it, and where it is defined. */
  from: string;
  span: Span;
  line: number;
}

/** A place in the file that bound a model's inputs. */
export interface InputSourcePlace {
  /** The text there, shortened: the comment, or the call (`model(x)`, `model.build((None, 784))`). */
  text: string;
  span: Span;
  line: number;
}

/**
 * Where a model's input shapes came from, by precedence: a `# layer-lens:` comment (or jaxtyping
 * annotation), the file's own use of the model (`model(torch.randn(8, 1, 28, 28))`), the setting or
 * the CLI's --input, or the model that uses this block (`user`: the block was analysed as part of it).
 */
export interface InputSource extends InputSourcePlace {
  kind: 'comment' | 'usage' | 'setting' | 'user';
  /** Further uses of the model that were not taken (the first one binds). */
  others: InputSourcePlace[];
}

/** The shape of one expression in forward()/call() or of one layer definition, for inline hints. */
export interface ShapeAnnotation {
  /** The expression; hints go at `span.to`. */
  span: Span;
  kind: 'layer' | 'op' | 'assign';
  shape: ShapesOut;
  /** Matmul-like steps carry the tutorial's notation. */
  notation: string | null;
  /** The module this annotates, when it is a module call or definition. */
  modulePath: string | null;
  /** The model this belongs to (index into `Analysis.models`). */
  model: number;
}

/** Severity of a finding, mapped one-to-one onto editor diagnostics. */
export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** A place in a text as the Language Server Protocol counts it: 0-based line, UTF-16 code units into it. */
export interface TextPosition {
  line: number;
  character: number;
}

/** One replacement of a fix: an LSP TextEdit (`range`, `newText`) that also keeps its offsets (`span`). */
export interface FixEdit {
  /** Offsets in the analysed text; `range` is derived from them once the analysis is done. */
  span: Span;
  range: { start: TextPosition; end: TextPosition };
  newText: string;
}

/** A repair of a finding: edits of the analysed document, offered and never applied unasked. */
export interface Fix {
  /** What the fix does, in words (the editor's quick-fix title). */
  title: string;
  edits: FixEdit[];
  /** The fix the data flow points to first (at most one per finding). */
  preferred?: boolean;
}

/**
 * A shape error, an inference gap, a syntax problem, an exhausted budget, or an internal error: a
 * crash inside the engine itself, kept apart from inference gaps so that hiding gaps never hides
 * a bug of the analysis.
 */
export interface Finding {
  severity: Severity;
  code: 'shape-mismatch' | 'inference-gap' | 'syntax' | 'budget' | 'invalid-argument' | 'unknown-layer' | 'internal' | 'input-solution';
  span: Span;
  line: number;
  message: string;
  /** Where the values involved came from (the module that made the arriving dimension first). */
  related: { span: Span; line: number; message: string }[];
  /** What the code at the site expects, in words or a shape (`in_features=64`). */
  expected?: string;
  /** What arrived instead (`(N,128)`). */
  got?: string;
  /** The repair in words (`set in_features to 128`), when the data flow determines one. */
  hint?: string;
  /** Repairs as edits, the preferred one first; a handful at most. */
  fixes?: Fix[];
}

/** Everything the core knows about one document version. Plain data: serialisable as JSON. */
export interface Analysis {
  language: Language;
  models: ModelInfo[];
  annotations: ShapeAnnotation[];
  findings: Finding[];
  /** Wall time of the analysis in milliseconds (informational). */
  elapsedMs: number;
  /**
   * Set when `AnalyzeOptions.focus` limited the analysis: only models defined in that range were
   * built, so models, annotations and findings elsewhere are missing, not absent.
   */
  partial?: Span;
}

/** A user binding of an input's shape: `x=(N,3,224,224)`, `:long` marking token ids. */
export interface InputBinding {
  /** Parameter name; undefined binds the inputs in order. */
  name?: string;
  shape: DimOut[];
  dtype?: 'float' | 'long' | 'bool';
}

/** Options of `analyze`. All optional. */
export interface AnalyzeOptions {
  /** The document's path or URI, used to resolve relative imports. */
  fileName?: string;
  /** A constructor or factory expression to analyse as the model, e.g. `WaveNet(stacks=2)`. */
  model?: string;
  /** Input shapes bound from a setting or the CLI. Comments in the file take precedence, except where the caller (the CLI's explicit `--input`) asks otherwise. */
  inputs?: InputBinding[];
  /** Sample rate in Hz for temporal context in milliseconds (default 16000). */
  sampleRate?: number;
  /** Returns the text of another module of the workspace, by resolved path, or undefined. */
  readModule?: (path: string) => string | undefined;
  /**
   * Folders searched, in order, for absolute imports that the importing file's own package does
   * not answer, as Python searches `sys.path`: `PYTHONPATH` entries and the environment's
   * site-packages (so `from torchvision.models import resnet18` reads the installed sources).
   */
  pythonPath?: readonly string[];
  /** Interpreter step budget (default generous; lowered in fuzz tests). */
  stepBudget?: number;
  /**
   * Build only the models whose definitions overlap this range of the text (an editor's visible
   * lines), so a cold document shows its visible hints before the whole file is interpreted. The
   * whole file is still parsed and its top level run. Python only; ignored with `model`.
   */
  focus?: Span;
  /**
   * Every inference gap as its own Information finding, as the interpreter reported it. By default
   * gaps are hints, and gaps with one cause are grouped into one finding (quietFindings.ts).
   */
  verboseFindings?: boolean;
  /**
   * Where parsed Python files are kept between analyses (python/parseStore.ts). Given, it answers
   * the file itself when its text was parsed before and every imported module (the CLI passes one
   * on disk); otherwise imported modules use the process's store in memory and the file is parsed.
   */
  parseStore?: ParseStore;
}
