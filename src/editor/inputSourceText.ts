// The line a hover adds about where a model's input shapes came from: the file's own call of the
// model, the model that uses a helper block, or the setting. Pure (no `vscode` import), so the unit
// tests check the Markdown; the hover passes in `vscode.l10n.t` and a link maker.

import type { InputSource, ModelInfo } from '../analysis/types';
import { escapeMarkdown, type Translate } from './format';

/**
 * Markdown naming the source of the model's input shapes (the comment, the call of the model, the
 * model that uses the block, the setting), or null when nothing bound them. `linkToLine` gives a link to a line of the document, or null for a
 * line it does not hold (in a notebook cell: the use is in another cell).
 */
export function inputSourceMarkdown(model: ModelInfo, t: Translate, linkToLine: (line: number) => string | null): string | null {
  const source: InputSource | undefined = model.inputSource;
  // A jaxtyping annotation has no comment to point at; it sits on the parameter itself.
  if (!source || (source.kind === 'comment' && source.text === '')) return null;
  if (source.kind === 'setting') return t('Input shapes from the `layerLens.analysis.inputs` setting.');
  const code = `\`${source.text.replace(/`/g, "'")}\``;
  const at = (line: number) => {
    const link = linkToLine(line);
    return link ? `[${t('line {0}', line)}](${link})` : t('another cell');
  };
  const others = source.others.map((o) => at(o.line));
  if (source.kind === 'user') return t('Shapes of its use in {0}, {1}.', escapeMarkdown(source.text), at(source.line));
  const first = t('Input shapes from {0}, {1}.', code, at(source.line));
  return others.length === 0 ? first : `${first} ${t('Also used at {0}.', others.join(', '))}`;
}
