// Entry point for the Node extension host (desktop, remote, code-server).
export { activate, deactivate } from './extension';
