// The entry of the Node host's third bundle (dist/extension/features.js, see esbuild.mjs): what
// the commands registered at activation do, loaded on the first use of one of them (the panel and
// its controller, the export commands, Live Share's presenter sync, the walkthrough's examples).
// Activation then compiles only what registers providers and commands (src/editor/lazyFeatures.ts).
// The web host bundles this module into its one bundle (src/editor/web.ts).
export { LayerPanelController } from './panelController';
export { panelProbeAnswer } from './panelProbe';
export { exportLesson, exportView } from './exportCommands';
export { registerLiveShare } from './liveShare';
export { openExample } from './walkthrough';
