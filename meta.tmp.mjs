import * as esbuild from 'esbuild';
const r = await esbuild.build({entryPoints:['src/editor/node.ts'],bundle:true,minify:true,platform:'node',format:'cjs',external:['vscode','./analysis.js','./features.js'],write:false,metafile:true,target:'es2022',outfile:'/tmp/x.js'});
const o = Object.values(r.metafile.outputs)[0];
console.log('total', o.bytes);
Object.entries(o.inputs).sort((a,b)=>b[1].bytesInOutput-a[1].bytesInOutput).slice(0,40).forEach(([k,v])=>console.log(v.bytesInOutput,k));
