// The TypeScript sources the house rules look at (src/ and webview/), for the tidy and import-graph
// tests. Paths are relative to the repository and use forward slashes.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = join(__dirname, '..', '..');

/** Every .ts file under src/ and webview/, sorted, relative to the repository. */
export function sourceFiles(): string[] {
  return ['src', 'webview']
    .flatMap((dir) =>
      readdirSync(join(repoRoot, dir), { recursive: true })
        .map(String)
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
        .map((f) => `${dir}/${f.split('\\').join('/')}`),
    )
    .sort();
}
