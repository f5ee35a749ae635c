// The walkthrough (package.json contributes.walkthroughs): every step's media exists, every
// command its links name is registered, and the "Open <example>" links open the example.
import * as vscode from 'vscode';
import { check, checkEqual, layerLens } from './editorHelpers';

interface WalkthroughStep {
  id: string;
  description: string;
  media: { markdown?: string };
}

/** The `command:` links of a step's description, with their decoded arguments. */
function commandLinks(description: string): { command: string; args: unknown[] }[] {
  return [...description.matchAll(/\(command:([\w.]+)(?:\?([^)]*))?\)/g)].map((m) => ({
    command: m[1],
    args: m[2] ? (JSON.parse(decodeURIComponent(m[2])) as unknown[]) : [],
  }));
}

describe('walkthrough: from the linear classifier to attention', () => {
  let extension: vscode.Extension<unknown>;
  let steps: WalkthroughStep[];

  before(async () => {
    extension = (await layerLens()).extension;
    steps = extension.packageJSON.contributes.walkthroughs[0].steps;
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('starts at the linear classifier and ends at attention', () => {
    check(steps.length >= 5, `${steps.length} steps`);
    check(steps[0].description.includes('linear_classifier.py'), steps[0].description);
    check(steps[steps.length - 1].description.includes('layerLens.showAttention'), steps[steps.length - 1].description);
  });

  it('has markdown media for every step, read through workspace.fs', async () => {
    for (const step of steps) {
      check(step.media.markdown, `${step.id} has no markdown media`);
      const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extension.extensionUri, step.media.markdown));
      check(new TextDecoder().decode(bytes).startsWith('# '), `${step.media.markdown} is not a titled markdown page`);
    }
  });

  it('links only to registered commands', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const links = steps.flatMap((s) => commandLinks(s.description));
    check(links.length >= steps.length, `${links.length} links`);
    checkEqual(links.filter((l) => !registered.has(l.command)).map((l) => l.command), [], 'unregistered commands');
  });

  it('opens every example it links to', async () => {
    const names = steps.flatMap((s) => commandLinks(s.description)).filter((l) => l.command === 'layerLens.openExample').map((l) => l.args[0] as string);
    check(names.length >= 6, names.join(', '));
    for (const name of names) {
      const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('layerLens.openExample', name);
      check(uri, `${name} was not found`);
      checkEqual(vscode.window.activeTextEditor?.document.uri.toString(), uri.toString(), `active editor after opening ${name}`);
    }
  });

  it('refuses names outside examples/', async () => {
    checkEqual(await vscode.commands.executeCommand('layerLens.openExample', '../package.json'), undefined, 'result');
  });
});
