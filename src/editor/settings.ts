// Typed reads of the `layerLens.*` settings, per document (they are resource-scoped), so every
// feature reads each setting under one name with one default, the one package.json declares.

import * as vscode from 'vscode';
import type { HintMode, HintWhere } from './format';

/** The settings the editor features read. */
export interface EditorSettings {
  hintMode: HintMode;
  hintWhere: HintWhere;
  hoversEnabled: boolean;
  codeLensEnabled: boolean;
  inferenceGapDiagnostics: boolean;
  inlineShapeErrors: boolean;
  statusBarEnabled: boolean;
  sampleRate: number;
  /** Folders searched for imports after the workspace (`layerLens.analysis.pythonPath`). */
  pythonPath: string[];
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

/** Reads the settings that apply to a document (with its language's overrides), or the workspace's. */
export function editorSettings(scope?: vscode.ConfigurationScope): EditorSettings {
  const c = vscode.workspace.getConfiguration('layerLens', scope);
  const sampleRate = c.get<number>('sampleRate', 16000);
  return {
    hintMode: oneOf(c.get('inlayHints.mode'), ['off', 'shapes', 'notation'] as const, 'notation'),
    hintWhere: oneOf(c.get('inlayHints.where'), ['init', 'forward', 'both'] as const, 'both'),
    hoversEnabled: c.get<boolean>('hovers.enabled', true),
    codeLensEnabled: c.get<boolean>('codeLens.enabled', true),
    inferenceGapDiagnostics: c.get<boolean>('diagnostics.inferenceGaps', true),
    inlineShapeErrors: c.get<boolean>('diagnostics.inlineShapeErrors', true),
    statusBarEnabled: c.get<boolean>('statusBar.enabled', true),
    sampleRate: typeof sampleRate === 'number' && sampleRate > 0 ? sampleRate : 16000,
    pythonPath: (c.get<unknown[]>('analysis.pythonPath', []) ?? []).filter((dir): dir is string => typeof dir === 'string' && dir.length > 0),
  };
}
