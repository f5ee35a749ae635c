// Hover Markdown built from a hostile model file renders no image and no link but the panel's own
// command links (issue 19, item 1). The Markdown is rendered with `marked`, the parser VS Code's
// hovers use (GitHub-flavoured, so bare URLs, `www.` and e-mail addresses would become links).
import assert from 'node:assert/strict';
import { marked } from 'marked';
import * as analysisApi from '../../src/analysis/api';
import { analyze } from '../../src/analysis/analyze';
import type { ModuleInfo } from '../../src/analysis/types';
import { provideAnalysisCore } from '../../src/editor/core';
import { code, codeBlock, commandLink, escapeMarkdown, hoverMarkdown, type Translate } from '../../src/editor/format';

provideAnalysisCore(() => analysisApi);

/** vscode.l10n.t's placeholder substitution, without an editor. */
const t: Translate = (message, ...args) => message.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)]));

const link = { uri: 'file:///work/net.py', offset: 0 };
const ourLinks = new Set([commandLink('layerLens.visualiseReceptiveField', link), commandLink('layerLens.showAttention', link)]);

/** Renders Markdown as a VS Code hover does (marked, GFM) and returns the HTML. */
function render(markdown: string): string {
  return marked.parse(markdown, { gfm: true, breaks: false, async: false });
}

/** Fails when the HTML holds an image, raw HTML from the file, or a link other than the panel's. */
function assertInert(html: string, markdown: string): void {
  assert.doesNotMatch(html, /<img/i, `an image in\n${markdown}\n---\n${html}`);
  assert.doesNotMatch(html, /<(script|iframe|svg|object)/i, html);
  for (const match of html.matchAll(/<a\b[^>]*href="([^"]*)"/gi)) {
    const href = match[1].replace(/&amp;/g, '&');
    assert.ok(ourLinks.has(href), `a foreign link ${href} in\n${markdown}\n---\n${html}`);
  }
}

const hostileNames = [
  '``![](https://attacker.example/p.png)``',
  '`![](https://attacker.example/p.png)`',
  '![x](https://attacker.example/i.png)',
  '[click](command:layerLens.showAttention?%5B%7B%22uri%22%3A%22file%3A%2F%2F%2Fetc%2Fpasswd%22%2C%22offset%22%3A0%7D%5D)',
  '<img src=https://attacker.example/h.png>',
  'https://attacker.example/auto',
  'www.attacker.example',
  'someone@attacker.example',
  '<https://attacker.example/angle>',
  'x\n```\n![](https://attacker.example/fence.png)\n```',
  '\n\n[ref]: https://attacker.example/ref\n\n[ref]',
];

/** A model whose configs, module paths and formula carry a hostile text. */
function hostileSource(name: string): string {
  const literal = JSON.stringify(name);
  return [
    'import torch',
    'import torch.nn as nn',
    'class Net(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    `        self.conv = nn.Conv2d(3, 8, 3, padding_mode=${literal})`,
    `        self.add_module(${literal}, nn.Conv2d(8, 8, 3))`,
    `        self.norm = nn.LayerNorm(4, eps=${literal})`,
    '        self.layers = nn.ModuleList()',
    '        for i in range(3):',
    `            self.layers.add_module(${literal} + str(i), nn.Conv1d(1, 1, 3, dilation=2 ** i))`,
    '    def forward(self, x):',
    '        x = self.conv(x)',
    `        x = getattr(self, ${literal})(x)`,
    '        return self.norm(x[..., :4])',
  ].join('\n');
}

describe('hover Markdown from hostile names (issue 19)', () => {
  it('renders no image and no foreign link for any module of a hostile file', () => {
    let hovers = 0;
    for (const name of hostileNames) {
      const text = hostileSource(name);
      const analysis = analyze(text, 'python', { inputs: [{ name: 'x', shape: [1, 3, 16, 16] }] });
      assert.ok(analysis.models.length > 0, `no model for ${JSON.stringify(name)}`);
      for (const model of analysis.models) {
        for (const module of model.modules) {
          const instances = model.modules.filter((m) => m.span.from === module.span.from && m.span.to === module.span.to);
          const markdown = hoverMarkdown({ model, module, annotation: null, instances }, { t, sampleRate: 16000, link });
          assertInert(render(markdown), markdown);
          hovers++;
        }
        for (const annotation of analysis.annotations) {
          const markdown = hoverMarkdown(
            { model, module: null, annotation, expressionText: text.slice(annotation.span.from, annotation.span.to) },
            { t, sampleRate: 16000, link },
          );
          assertInert(render(markdown), markdown);
        }
      }
    }
    assert.ok(hovers > hostileNames.length * 3, `only ${hovers} hovers were built`);
  });

  it('keeps hostile strings inside the hover, as text', () => {
    const analysis = analyze(hostileSource(hostileNames[0]), 'python', { inputs: [{ name: 'x', shape: [1, 3, 16, 16] }] });
    const conv = analysis.models[0].modules.find((m) => m.path === 'conv') as ModuleInfo;
    const html = render(hoverMarkdown({ model: analysis.models[0], module: conv, annotation: null }, { t, sampleRate: 16000, link }));
    assert.match(html, /<code>[^<]*``!\[\]\(https:\/\/attacker\.example\/p\.png\)``[^<]*<\/code>/, html);
  });

  it('builds code spans and blocks that their content cannot close', () => {
    for (const text of ['a`b', '``x``', '`lead', 'trail`', '````', 'plain']) {
      const html = render(`before ${code(text)} after`);
      assert.equal(html, `<p>before <code>${text.replace(/\s+/g, ' ').replace(/&/g, '&amp;')}</code> after</p>\n`, text);
    }
    const block = render(codeBlock('1\n```\n![](https://attacker.example/x.png)\n````'));
    assertInert(block, 'block');
    assert.equal((block.match(/<pre>/g) ?? []).length, 1, block);
  });

  it('escapes autolinks, e-mail addresses and line breaks in plain text', () => {
    for (const text of ['https://attacker.example/a', 'www.attacker.example', 'a@attacker.example', 'line\n===', '<b>x</b>']) {
      const html = render(`**${escapeMarkdown(text)}**`);
      assertInert(html, text);
      assert.doesNotMatch(html, /<h1|<b>/, html);
    }
  });
});
