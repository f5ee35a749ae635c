// Attention blocks written by hand. The catalogue knows nn.MultiheadAttention and Keras's
// attention layers; a file about attention usually writes its own (a Bahdanau `AdditiveAttention`
// of three Linears, a `CausalSelfAttention` of projections and a softmax). Such a block is marked
// as attention, so the panel's attention view, the hover's link and the CodeLens action open the
// file's own attention instead of a tutorial example.

import type { Analysis, AttentionInfo, ModelInfo, ModuleInfo } from './types';

const attentionName = /attention|attn|align/i;
const additiveName = /additive|bahdanau|location|concat/i;

function numberOf(config: Record<string, unknown>, ...keys: string[]): number | null {
  for (const k of keys) {
    const v = config[k];
    if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  }
  return null;
}

/** Direct children of a module (one more path segment). */
function childrenOf(model: ModelInfo, module: ModuleInfo): ModuleInfo[] {
  const prefix = `${module.path}.`;
  return model.modules.filter((m) => m.path.startsWith(prefix) && !m.path.slice(prefix.length).includes('.'));
}

function isProjection(m: ModuleInfo): boolean {
  return m.isLayer && (m.type === 'Linear' || m.type === 'Dense' || m.type === 'LazyLinear');
}

function outFeatures(m: ModuleInfo): number | null {
  return numberOf(m.config, 'out_features', 'units');
}

/**
 * The attention dimensions of a hand-written block, or null when it does not look like one: a
 * user module whose class is named for attention or alignment and that projects with linear layers
 * of its own. Additive when one projection scores to a single energy (`v = Linear(A, 1)`) or the
 * name says so; dot-product otherwise.
 */
export function userAttentionOf(model: ModelInfo, module: ModuleInfo): AttentionInfo | null {
  if (module.isLayer || module.path === '' || module.attention !== null || !attentionName.test(module.type)) return null;
  const projections = childrenOf(model, module).filter(isProjection);
  if (projections.length === 0) return null;
  // A block that wraps a catalogue attention layer is shown through that layer.
  if (model.modules.some((m) => m.path.startsWith(`${module.path}.`) && m.attention !== null)) return null;
  const energy = projections.find((p) => outFeatures(p) === 1);
  const additive = energy !== undefined || additiveName.test(module.type);
  const embedDim = additive
    ? (energy ? numberOf(energy.config, 'in_features') : null) ?? outFeatures(projections[0])
    : outFeatures(projections[0]);
  const numHeads = additive ? 1 : numberOf(module.config, 'num_heads', 'n_heads', 'heads');
  const headDim = embedDim !== null && numHeads !== null && embedDim % numHeads === 0 ? embedDim / numHeads : null;
  return { kind: additive ? 'additive' : 'dot', embedDim, numHeads, headDim, causal: /causal|masked/i.test(module.type) };
}

/**
 * The analysis with every hand-written attention block marked. Models and modules are copied where
 * they change, never changed in place: an incremental analysis keeps the previous version's objects.
 */
export function markUserAttention(analysis: Analysis): Analysis {
  let changed = false;
  const models = analysis.models.map((model) => {
    let modules: ModuleInfo[] | null = null;
    model.modules.forEach((module, i) => {
      const attention = userAttentionOf(model, module);
      if (attention === null) return;
      modules ??= [...model.modules];
      modules[i] = { ...module, attention };
    });
    if (modules === null) return model;
    changed = true;
    return { ...model, modules };
  });
  return changed ? { ...analysis, models } : analysis;
}
