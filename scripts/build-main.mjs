// Bundles the Electron main process, the preload and the browser-mode bridge with esbuild.
import { copyFile, mkdir } from 'node:fs/promises';
import { build } from 'esbuild';

// import.meta.url only names the unbundled inference entry; the bundled app always passes its built file.
const common = {
  bundle: true,
  sourcemap: true,
  logLevel: 'warning',
  legalComments: 'none',
  logOverride: { 'empty-import-meta': 'silent' },
};
// Native and Electron modules load at run time from node_modules (unpacked from the asar).
const external = ['electron', 'better-sqlite3', 'onnxruntime-node'];

await Promise.all([
  build({
    ...common,
    entryPoints: ['main/index.ts'],
    outfile: 'dist/main/index.cjs',
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external,
  }),
  // Inference runs in a utility process of its own; its entry is a separate file the main bundle points at.
  build({
    ...common,
    entryPoints: ['main/inference/inference-worker.ts'],
    outfile: 'dist/main/inference-worker.cjs',
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external,
  }),
  // Sandboxed preloads are CommonJS and may require only 'electron'.
  build({
    ...common,
    entryPoints: ['preload/index.ts'],
    outfile: 'dist/preload/index.cjs',
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: ['electron'],
  }),
  build({
    ...common,
    entryPoints: ['preload/browser.ts'],
    outfile: 'dist/preload/browser.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  }),
]);
// Imported .pth checkpoints are written into this weightless graph (main/models/README.md).
await mkdir('dist/main', { recursive: true });
await copyFile('main/models/sspd-template.onnx', 'dist/main/sspd-template.onnx');
