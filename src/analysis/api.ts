// The analysis core as the editor loads it: one entry point for the parts the editor adapters call
// at run time. The Node extension host loads it as its own bundle (dist/extension/analysis.js) on
// the first analysis, so activation does not pay for compiling the interpreter and the catalogue;
// the web extension host bundles it in (src/editor/web.ts). Types are imported from their modules.
export { analyze } from './analyze';
export { createIncrementalAnalyzer } from './incremental';
export { lookupLayer } from './layers/catalogue';
