// Entry point for the web worker extension host (vscode.dev, github.dev): no Node built-ins.
export { activate, deactivate } from './extension';
