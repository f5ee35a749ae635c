// `layer-lens summary FILE [--model EXPR] [--input SHAPE]... [--json]`: the same Analysis the
// editor shows, printed as a torchinfo-like table or as JSON. This is the command's side: it reads
// the arguments and the file, and has the analysis child (src/cli/analysisChild.ts) analyse and
// print under the editor's limits. It loads none of the analysis core (only the small modules that
// read shapes and notebooks), so a run loads the core once, in the child.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { delimiter, dirname, extname, join, resolve } from 'node:path';
import { ipynbCells, notebookProgram } from '../analysis/notebook';
import { analyzeInChild, type ChildRequest } from './analysisChild';
import { analyzeInServer } from './analysisServer';
import { parseShapeSpec } from '../analysis/python/inputs';
import { formatDim } from '../analysis/shapes';
import type { InputBinding, Language } from '../analysis/types';
import { importRoots, isWithinFolder } from '../shared/importScope';
import { portable } from './moduleReader';
import { printedSummary } from './summaryOutput';

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

/** The folders imports of the file may read: --root, else the current folder if it holds the file, else the file's folder. */
function cliImportRoots(file: string, root: string | undefined): string[] {
  const cwd = process.cwd();
  const project = root !== undefined ? resolve(root) : isWithinFolder(portable(file), portable(cwd)) ? cwd : dirname(file);
  return importRoots(portable(file), [portable(project)]);
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

/** Where the analysis runs (src/cli/bin.ts fills it in). */
export interface AnalysisPlace {
  /** The socket of the warm analysis child (src/cli/analysisServer.ts); none: a one-off child every run. */
  socketPath?: string;
}

/**
 * Runs the CLI; resolves to the exit status. Output goes through the given writers; `childEntry` is
 * the executable an analysis child runs (src/cli/bin.ts, which serves it from the analysis bundle).
 */
export async function main(
  childEntry: string,
  argv: string[],
  place: AnalysisPlace = {},
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
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
  // the file's Python environment and the search path. The child prints the summary too, so this
  // process never loads the table's formatter. The warm child serves it when it can.
  const print = { file: args.file, json: args.json, model: args.model };
  const request: ChildRequest = {
    text,
    language: languageOf(path),
    options: {
      fileName: path,
      model: args.model,
      inputs: args.inputs.length ? args.inputs : undefined,
      verboseFindings: args.verbose,
      pythonPath,
      ...{ inputsOverrideComments: true },
    },
    roots: [...cliImportRoots(path, args.root), ...pythonPath.map(portable)],
    cwd: process.cwd(),
    print,
  };
  const outcome = (place.socketPath ? await analyzeInServer(childEntry, place.socketPath, request) : undefined) ?? analyzeInChild(childEntry, request);
  if ('stopped' in outcome) {
    out(printedSummary(outcome.stopped, print));
    return 0;
  }
  // The child's diagnostics (LAYER_LENS_CACHE=report) pass through.
  if (outcome.log) err(outcome.log);
  out(outcome.printed);
  return 0;
}
