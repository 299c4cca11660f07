// Builds the capture layer's test page (testing/capture-harness) with the locally made MediaPipe assets.
import path from 'node:path';
import { build } from 'vite';
import { writeAssets } from '../scripts/mediapipe-assets.ts';

export async function buildCaptureHarness(outDir: string): Promise<void> {
  writeAssets();
  await build({
    configFile: false,
    logLevel: 'warn',
    root: path.resolve('testing', 'capture-harness'),
    base: './',
    publicDir: path.resolve('renderer', 'public'),
    build: { outDir, emptyOutDir: true, target: 'es2022' },
  });
}
