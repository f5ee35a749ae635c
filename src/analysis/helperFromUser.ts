// Helper blocks take their shapes from the model that uses them. A block class that can be built
// with its defaults is also a model of the file; without a binding of its own it would be analysed
// on unknown inputs, although the bound model that builds it (`self.head = Head(64, 4)`) calls it on
// known ones. Such a block shows that use instead: its module subtree, shapes and annotations are
// those of the first module of its class in a bound model, and its input source says which.

import type { Analysis, ModelInfo, ModuleInfo, ShapeAnnotation, ShapesOut } from './types';

function inside(outer: { from: number; to: number }, inner: { from: number; to: number }): boolean {
  return outer.from <= inner.from && inner.to <= outer.to;
}

/** The first called module of a user class in a bound model (not the block itself), with its model. */
function firstUse(analysis: Analysis, block: ModelInfo): { user: number; module: ModuleInfo } | null {
  for (let u = 0; u < analysis.models.length; u++) {
    const user = analysis.models[u];
    if (user === block || !user.inputSource || user.inputSource.kind === 'user') continue;
    const module = user.modules.find((m) => m.path !== '' && !m.isLayer && m.type === block.name && m.inputShapes !== null);
    if (module) return { user: u, module };
  }
  return null;
}

/** The block's model re-rooted at the user's module: paths lose the prefix, the root is the module. */
function reRooted(block: ModelInfo, user: ModelInfo, module: ModuleInfo): ModelInfo {
  const prefix = `${module.path}.`;
  const modules = [
    { ...module, path: '' },
    ...user.modules.filter((m) => m.path.startsWith(prefix)).map((m) => ({ ...m, path: m.path.slice(prefix.length) })),
  ];
  const shapes: ShapesOut[] = module.inputShapes ?? [];
  const inputs = shapes.map((shape, i) => ({ name: block.inputs[i]?.name ?? `input${i}`, shape }));
  return {
    ...block,
    inputs,
    outputShapes: module.outputShapes,
    totalParams: module.paramsTotal,
    modules,
    inputSource: { kind: 'user', text: `${user.name}.${module.path}`, span: module.span, line: module.line, others: [] },
  };
}

/**
 * The analysis with each unbound block model that a bound model of the same file calls replaced by
 * that use. A new analysis object; the given one and its models are not changed.
 */
export function adoptUsersShapes(analysis: Analysis): Analysis {
  const replaced = new Map<number, number>();
  const models = [...analysis.models];
  models.forEach((block, index) => {
    if (block.inputSource) return;
    const use = firstUse(analysis, block);
    if (!use) return;
    models[index] = reRooted(block, analysis.models[use.user], use.module);
    replaced.set(index, use.user);
  });
  if (replaced.size === 0) return analysis;
  // The block's own annotations (from its unbound run) give way to the user's inside its definition.
  const annotations: ShapeAnnotation[] = analysis.annotations.filter((a) => !replaced.has(a.model));
  for (const [index, user] of replaced) {
    const span = models[index].span;
    for (const a of analysis.annotations) if (a.model === user && inside(span, a.span)) annotations.push({ ...a, model: index });
  }
  return { ...analysis, models, annotations };
}
