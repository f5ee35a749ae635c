// Where activation gets the implementations of the commands it registers (src/editor/features.ts).
// The entry points say how they load: the Node host requires a sibling bundle on first use, so
// activation compiles only the registrations; the web host hands over the module it bundled.
import * as vscode from 'vscode';
import type * as FeaturesModule from './features';
import { exportLessonCommand, exportViewCommand, type ExportViewArgs } from './exportCommands';
import { liveShareExtensionId } from './liveShare';
import type { PanelController } from './panelController';
import { openExampleCommand } from './walkthrough';

/** The run-time surface of the lazily loaded features. */
export type Features = typeof FeaturesModule;

let load: (() => Features) | undefined;
let loaded: Features | undefined;

/** Called once by an entry point (src/editor/node.ts, web.ts) before activation. */
export function provideFeatures(loader: () => Features): void {
  load = loader;
  loaded = undefined;
}

/** The features, loaded on the first call. */
export function features(): Features {
  if (loaded) return loaded;
  if (!load) throw new Error('Layer Lens: no features module was provided by the entry point.');
  loaded = load();
  return loaded;
}

/** Registers layerLens.exportView and layerLens.exportLesson over the panel's controller. */
export function registerExportView(context: vscode.ExtensionContext, panel: PanelController): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(exportViewCommand, (args?: ExportViewArgs) => features().exportView(panel, args)),
    vscode.commands.registerCommand(exportLessonCommand, (args?: { folder?: string }) => features().exportLesson(panel, args)),
  );
}

/** Registers layerLens.openExample, which opens an example file in an editor beside the walkthrough. */
export function registerWalkthrough(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand(openExampleCommand, (name?: unknown) => features().openExample(name, context.extensionUri)));
}

/**
 * Starts presenter sync when Live Share is installed; loads nothing of it (nor the features) otherwise.
 * Resolves to whether it started.
 */
export async function registerLiveShare(context: vscode.ExtensionContext, panel: PanelController, log?: vscode.LogOutputChannel): Promise<boolean> {
  if (!vscode.extensions.getExtension(liveShareExtensionId)) return false;
  return features().registerLiveShare(context, panel, log);
}
