// `layer-lens summary FILE [--model EXPR] [--input SHAPE]... [--json]`: the same Analysis the
// editor shows, printed as a torchinfo-like table or as JSON. Reading files is the CLI's job
// (the core never touches the file system): imports resolve through `readModule`.

import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { delimiter, dirname, extname, join, resolve, sep } from 'node:path';
import { ipynbCells, notebookProgram } from '../analysis/notebook';
import { analyzeInChild, CHILD_FLAG, serveChildAnalysis } from './analysisChild';
import { parseShapeSpec } from '../analysis/python/inputs';
import { formatDim } from '../analysis/shapes';
import { formatSummaryTable } from '../analysis/summaryTable';
import type { InputBinding, Language } from '../analysis/types';
import { importRoots, isWithinFolder, MAX_IMPORTED_FILE_BYTES, mayImport } from '../shared/importScope';
import { summaryJson } from './summaryJson';

const USAGE = `usage: layer-lens summary FILE [--model EXPR] [--input SHAPE]... [--python-path DIR]... [--root DIR] [--json]

  FILE           a PyTorch/Keras .py file, a Jupyter .ipynb notebook (its code cells in order, as
                 one program) or a TensorFlow.js .ts/.js file
  --model EXPR   constructor or factory call to analyse, e.g. "WaveNet(stacks=2)" or "resnet18()"
                 (default: the file's last model class constructible with default arguments)
  --input SHAPE  an input shape such as "(1,3,224,224)" or "x=(N,3,224,224)"; repeat for several
                 inputs; a ":long" suffix marks token ids, e.g. "tokens=(1,32):long"
  --python-path DIR
                 a folder searched for imports (as on sys.path), e.g. a site-packages holding
                 torchvision; repeat or join with '${delimiter}'. PYTHONPATH is searched too, then
                 the site-packages of VIRTUAL_ENV or CONDA_PREFIX when set
  --root DIR     the project folder imports may read from (default: the current folder when FILE
                 lies in it, else FILE's folder); imports never leave it, nor FILE's Python environment
  --json         print JSON: {file, model, inputs, modules, total_params, findings}
  --verbose      list every inference gap on its own (default: gaps are hints, grouped by cause)
  --help         show this help
`;

/** Parsed command line. */
interface CliArgs {
  file: string;
  model?: string;
  inputs: InputBinding[];
  pythonPath: string[];
  root?: string;
  json: boolean;
  verbose: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): CliArgs | 'help' {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) return 'help';
  const [command, ...rest] = argv;
  if (command !== 'summary') throw new UsageError(`unknown command '${command}' (expected 'summary')`);
  const args: CliArgs = { file: '', inputs: [], pythonPath: [], json: false, verbose: false };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const value = (flag: string) => {
      const eq = a.indexOf('=');
      if (a.startsWith(`${flag}=`)) return a.slice(eq + 1);
      const v = rest[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (a === '--json') args.json = true;
    else if (a === '--verbose') args.verbose = true;
    else if (a === '--model' || a.startsWith('--model=')) args.model = value('--model');
    else if (a === '--root' || a.startsWith('--root=')) args.root = value('--root');
    else if (a === '--input' || a.startsWith('--input=')) {
      const spec = value('--input');
      const b = parseShapeSpec(spec);
      if (!b) throw new UsageError(`bad --input '${spec}': expected a shape like (1,3,224,224) or x=(N,3,224,224):long`);
      args.inputs.push({ name: b.name, shape: b.dims.map((d) => (typeof d === 'number' ? d : formatDim(d))), dtype: b.dtype });
    } else if (a === '--python-path' || a.startsWith('--python-path=')) args.pythonPath.push(...value('--python-path').split(delimiter).filter(Boolean));
    else if (a.startsWith('--')) throw new UsageError(`unknown option '${a}'`);
    else if (!args.file) args.file = a;
    else throw new UsageError(`unexpected argument '${a}'`);
  }
  if (!args.file) throw new UsageError('missing FILE');
  return args;
}

function languageOf(file: string): Language {
  const ext = extname(file).toLowerCase();
  if (ext === '.ts' || ext === '.tsx' || ext === '.mts') return 'typescript';
  if (ext === '.js' || ext === '.mjs' || ext === '.cjs' || ext === '.jsx') return 'javascript';
  return 'python';
}

/** A path with `/` separators, as the analysis core writes them. */
function portable(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/**
 * Reads the modules a file imports, only within the roots: a path outside them, or one whose real
 * location (symbolic links followed) is outside them, or a file too large, is simply absent.
 */
export function moduleReader(roots: readonly string[]): (path: string) => string | undefined {
  const realRoots = roots.flatMap((root) => {
    try {
      return [portable(realpathSync.native(root))];
    } catch {
      return [];
    }
  });
  return (path) => {
    try {
      if (!mayImport(portable(resolve(path)), roots) || !existsSync(path)) return undefined;
      if (!realRoots.some((root) => isWithinFolder(portable(realpathSync.native(path)), root))) return undefined;
      const stat = statSync(path);
      return stat.isFile() && stat.size <= MAX_IMPORTED_FILE_BYTES ? readFileSync(path, 'utf8') : undefined;
    } catch {
      return undefined;
    }
  };
}

/** The folders imports of the file may read: --root, else the current folder if it holds the file, else the file's folder. */
function cliImportRoots(file: string, root: string | undefined): string[] {
  const cwd = process.cwd();
  const project = root !== undefined ? resolve(root) : isWithinFolder(portable(file), portable(cwd)) ? cwd : dirname(file);
  return importRoots(portable(file), [portable(project)]);
}

/** How a run may keep work for the next one (the bin, src/cli/bin.ts, fills it in). */
export interface CliCaches {
  /** A folder for parsed Python files (src/cli/parseCacheDisk.ts); none: every file is parsed. */
  parseCacheDir?: string;
  /**
   * The script the analysis child runs (the bin, so that the child too starts from the code
   * cache); none: this bundle itself.
   */
  childEntry?: string;
}

/** The argument that starts the analysis child, for the bin (src/cli/bin.ts). */
export { CHILD_FLAG };

/** The analysis child's side, for a bin that loaded this bundle: one request on stdin, the analysis on stdout. */
export function serveChild(): void {
  process.stdout.write(serveChildAnalysis(readFileSync(0, 'utf8'), moduleReader));
}

/**
 * The folders Python would search for installed packages, after the importing file's own
 * package: `--python-path` folders, then `PYTHONPATH`, then the site-packages of the active
 * virtual environment or conda environment (`lib/python3.X/site-packages`, or `Lib/site-packages`
 * on Windows).
 */
export function pythonSearchPath(explicit: readonly string[], env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs = [...explicit, ...(env.PYTHONPATH ?? '').split(delimiter).filter(Boolean)];
  for (const prefix of [env.VIRTUAL_ENV, env.CONDA_PREFIX]) {
    if (!prefix) continue;
    dirs.push(...sitePackagesOf(prefix));
  }
  return [...new Set(dirs.map((d) => resolve(d)))];
}

/** The site-packages folders of an environment prefix that exist on disk. */
function sitePackagesOf(prefix: string): string[] {
  const found: string[] = [];
  const lib = join(prefix, 'lib');
  try {
    for (const name of readdirSync(lib).sort()) {
      const site = join(lib, name, 'site-packages');
      if (/^python\d/.test(name) && existsSync(site)) found.push(site);
    }
  } catch {
    // No lib folder: not a POSIX environment, or not an environment at all.
  }
  const windows = join(prefix, 'Lib', 'site-packages');
  if (existsSync(windows)) found.push(windows);
  return found;
}

/** Runs the CLI; returns the exit status. Output goes through the given writers (tests use them). */
export function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s), caches: CliCaches = {}): number {
  let args: CliArgs | 'help';
  try {
    args = parseArgs(argv);
  } catch (e) {
    err(`layer-lens: ${(e as Error).message}\n`);
    return 2;
  }
  if (args === 'help') {
    out(USAGE);
    return 0;
  }
  const path = resolve(args.file);
  let text: string;
  try {
    if (!statSync(path).isFile()) throw new Error('not a file');
    text = readFileSync(path, 'utf8');
  } catch {
    err(`layer-lens: cannot read ${args.file}: no such file\n`);
    return 1;
  }
  // A notebook is its code cells in order, analysed as one program (src/analysis/notebook.ts).
  if (extname(path).toLowerCase() === '.ipynb') {
    const cells = ipynbCells(text);
    if (cells === null) {
      err(`layer-lens: ${args.file} is not a Jupyter notebook (no cells)\n`);
      return 1;
    }
    text = notebookProgram(cells).text;
  }
  const pythonPath = pythonSearchPath(args.pythonPath);
  // The analysis runs in a child process with the editor's limits (2 s, 256 MB): a hostile file
  // ends in a finding, not in a crash or a hang of this process. Imports read within the project,
  // the file's Python environment and the search path.
  const analysis = analyzeInChild(
    caches.childEntry ?? __filename,
    text,
    languageOf(path),
    {
      fileName: path,
      model: args.model,
      inputs: args.inputs.length ? args.inputs : undefined,
      verboseFindings: args.verbose,
      pythonPath,
      ...{ inputsOverrideComments: true },
    },
    [...cliImportRoots(path, args.root), ...pythonPath.map(portable)],
    undefined,
    caches.parseCacheDir,
  );
  // Without --model the file's last model is the one a user means (the top of the file holds its parts).
  const model = analysis.models.length ? analysis.models[analysis.models.length - 1] : null;
  if (args.json) {
    out(JSON.stringify(summaryJson(args.file, analysis, model), null, 2) + '\n');
    return 0;
  }
  if (!model) {
    out(`No model found in ${args.file}${args.model ? ` for ${args.model}` : ''}.\n`);
    for (const f of analysis.findings) out(`${f.severity} line ${f.line}: ${f.message}\n`);
    return 0;
  }
  out(formatSummaryTable(model, { file: args.file, findings: analysis.findings }));
  return 0;
}

// Run when executed as the bundled bin (not when imported by tests).
const invokedDirectly = typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module;
if (invokedDirectly && process.argv[2] === CHILD_FLAG) process.stdout.write(serveChildAnalysis(readFileSync(0, 'utf8'), moduleReader));
else if (invokedDirectly) process.exitCode = main(process.argv.slice(2));
