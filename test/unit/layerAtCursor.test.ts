// Issue 17, item 6: the attribute name of a definition, its constructor, its calls and the
// variables a call assigns all name the same layer; a command with the cursor on no layer picks the
// file's own layer for its view; hand-written attention blocks count as attention.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/analysis/analyze';
import { definitionNameSpan, layerAtCursor, layerForView } from '../../src/analysis/layerAtCursor';
import { panelModelAt } from '../../src/analysis/panelModel';
import { userAttentionOf } from '../../src/analysis/userAttention';

const root = join(__dirname, '..', '..');

function example(name: string): { text: string; analysis: ReturnType<typeof analyze> } {
  const text = readFileSync(join(root, 'examples', name), 'utf8');
  return { text, analysis: analyze(text, 'python', { fileName: name }) };
}

/** The offset of a needle's first occurrence plus a delta into it. */
function at(text: string, needle: string, delta = 0): number {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, `${needle} in the text`);
  return i + delta;
}

describe('layerAtCursor: one layer for its name, constructor, calls and variables', () => {
  const { text, analysis } = example('tacotron_attention.py');

  it('finds the attribute name left of a constructor', () => {
    const line = '        self.linear = nn.Linear(4, 2)\n';
    const from = line.indexOf('nn.Linear');
    assert.deepEqual(definitionNameSpan(line, { from, to: line.length - 1 }), { from: 8, to: 19 });
    const annotated = 'x: nn.Module = nn.Linear(4, 2)';
    assert.deepEqual(definitionNameSpan(annotated, { from: annotated.lastIndexOf('nn.'), to: annotated.length }), { from: 0, to: 1 });
    const nested = 'self.prenet = nn.Sequential(nn.Linear(1, 2))';
    assert.equal(definitionNameSpan(nested, { from: nested.indexOf('nn.Linear'), to: nested.length - 1 }), null);
  });

  it('gives the same layer for the name, the constructor and the call', () => {
    const name = layerAtCursor(analysis, text, at(text, 'self.memory_layer =', 7));
    const constructor = layerAtCursor(analysis, text, at(text, 'nn.Linear(memory_dim', 4));
    const call = layerAtCursor(analysis, text, at(text, 'self.memory_layer(memory)', 6));
    assert.equal(name?.via, 'name');
    assert.equal(constructor?.via, 'constructor');
    assert.equal(call?.via, 'call');
    for (const hit of [name, constructor, call]) assert.equal(hit?.path, 'attention.memory_layer');
    assert.deepEqual(name?.span, { from: at(text, 'self.memory_layer ='), to: at(text, 'self.memory_layer =') + 'self.memory_layer'.length });
  });

  it('follows a variable to the call that produced it, tuple targets included', () => {
    const target = layerAtCursor(analysis, text, at(text, 'context, alignment = self.attention', 3));
    assert.deepEqual([target?.path, target?.via], ['attention', 'variable']);
    const use = layerAtCursor(analysis, text, at(text, 'return frames, alignment', 'return frames, al'.length));
    assert.deepEqual([use?.path, use?.via], ['attention', 'variable']);
  });

  it('answers null on a line without a layer, and for a variable no layer produced', () => {
    assert.equal(layerAtCursor(analysis, text, 0), null);
    assert.equal(layerAtCursor(analysis, text, at(text, 'weights = F.softmax', 2)), null);
  });
});

describe('layerForView and the panel: the file own layer when the cursor is on none', () => {
  it('opens the Tacotron additive attention for Show Attention at the top of the file', () => {
    const { text, analysis } = example('tacotron_attention.py');
    const target = layerForView(analysis, 0, 'attention');
    assert.equal(target?.path, 'attention');
    const panel = panelModelAt(analysis, 0, { text, view: 'attention' });
    assert.equal(panel?.cursorLayerId, 'attention');
    assert.equal(panel?.layers.find((l) => l.id === 'attention')?.attention?.kind, 'additive');
  });

  it('follows the cursor from a definition name to that layer in the panel', () => {
    const { text, analysis } = example('spectrogram_cnn.py');
    const panel = panelModelAt(analysis, at(text, 'self.reduce =', 7), { text });
    assert.equal(panel?.cursorLayerId, 'reduce');
    // Without a view and off every layer, nothing is selected.
    assert.equal(panelModelAt(analysis, 0, { text })?.cursorLayerId, null);
    // The receptive-field command picks the deepest convolution.
    assert.equal(panelModelAt(analysis, 0, { text, view: 'conv' })?.cursorLayerId, 'reduce');
  });

  it('picks the model nearest the cursor', () => {
    const { text, analysis } = example('transformer_block.py');
    const last = analysis.models[analysis.models.length - 1];
    const hit = layerForView(analysis, last.span.from, 'attention');
    assert.ok(hit && analysis.models[hit.model].span.from <= last.span.from, JSON.stringify(hit));
    assert.ok(panelModelAt(analysis, last.span.from, { text, view: 'attention' })?.cursorLayerId);
  });
});

describe('userAttentionOf: hand-written attention blocks', () => {
  it('reads a Bahdanau block as additive attention with its attention dimension', () => {
    const { analysis } = example('tacotron_attention.py');
    const model = analysis.models[0];
    const block = model.modules.find((m) => m.path === 'attention')!;
    assert.deepEqual(block.attention, { kind: 'additive', embedDim: 128, numHeads: 1, headDim: 128, causal: false });
    // Its projections are plain layers, not attention.
    assert.equal(model.modules.find((m) => m.path === 'attention.v')?.attention, null);
  });

  it('leaves blocks alone that are not named for attention or have no projection', () => {
    const { analysis } = example('tacotron_attention.py');
    const model = analysis.models[0];
    assert.equal(userAttentionOf(model, model.modules.find((m) => m.path === 'prenet')!), null);
    assert.equal(userAttentionOf(model, model.modules[0]), null);
  });
});
