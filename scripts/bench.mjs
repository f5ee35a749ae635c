// `npm run bench [-- --quick] [-- --check] [-- --no-host] [-- --only analysis,baseline,extension,panel]`:
// runs the benchmarks of bench/ (TypeScript, through tsx) and writes docs/benchmarks.md with plots.
// `--check` exits non-zero when a median misses its budget in bench/budgets.json.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/main.ts', ...process.argv.slice(2)], { cwd: repoRoot, stdio: 'inherit' });
process.exit(run.status ?? 1);
