// Every user-facing string of src/editor goes through vscode.l10n.t (or the `t` passed to the pure
// formatters) and appears in l10n/bundle.l10n.json, the file translators start from.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const editorDir = join(import.meta.dirname, '../../src/editor');
const bundle: Record<string, string> = JSON.parse(readFileSync(join(import.meta.dirname, '../../l10n/bundle.l10n.json'), 'utf8'));

/** The first-argument string literals of `l10n.t(...)` and `t(...)` calls. */
function localisedMessages(): Map<string, string> {
  const found = new Map<string, string>();
  // The text side of "Set input shape…" is pure core, but its messages reach the user through the editor's `t`.
  const files = [...readdirSync(editorDir).filter((f) => f.endsWith('.ts')).map((f) => join(editorDir, f)), join(import.meta.dirname, '../../src/analysis/inputComment.ts')];
  for (const path of files) {
    const file = path.slice(path.lastIndexOf('/') + 1);
    const text = readFileSync(path, 'utf8');
    for (const m of text.matchAll(/(?:\bl10n\.t|[^.\w]t)\(\s*(['"])((?:\\.|(?!\1).)*)\1/g)) found.set(m[2].replace(/\\(.)/g, '$1'), file);
  }
  return found;
}

describe('editor localisation', () => {
  const messages = localisedMessages();

  it('finds the messages (the scan itself works)', () => {
    assert.ok(messages.size > 20, `only ${messages.size} messages found`);
  });

  it('lists every message in l10n/bundle.l10n.json', () => {
    const missing = [...messages.keys()].filter((m) => !(m in bundle));
    assert.deepEqual(missing, [], `add to l10n/bundle.l10n.json:\n${missing.map((m) => `  ${JSON.stringify(m)}: ${JSON.stringify(m)},`).join('\n')}`);
  });

  it('keeps no message the code no longer uses', () => {
    const unused = Object.keys(bundle).filter((m) => !messages.has(m));
    assert.deepEqual(unused, []);
  });

  it('keeps placeholders intact in the bundle', () => {
    for (const [key, value] of Object.entries(bundle)) {
      const placeholders = (s: string) => (s.match(/\{\d+\}/g) ?? []).sort().join();
      assert.equal(placeholders(value), placeholders(key), key);
    }
  });
});
