// Where the desktop app finds what it ships, from Electron's app path (…/app.asar when packaged) and the main
// bundle's folder: one function, so a test can check every path against the packaged layout.
import path from 'node:path';
import { faceModelPath } from './video/face-detector.ts';

export interface AppPaths {
  renderer: string;
  preload: string;
  /** Built beside the main bundle (scripts/build-main.mjs). */
  inferenceWorker: string;
  sspdTemplate: string;
  /** Read by onnxruntime from disk: unpacked from the archive (electron-builder.yml asarUnpack). */
  bundledModel: string;
  faceModel: string;
  /** models/python, unpacked: Settings → Models runs adapt.py with the user's Python. */
  adaptScript: string;
  /** Report templates, read through Electron's archive support. */
  resources: string;
}

export function appPaths(appPath: string, mainDir: string): AppPaths {
  const unpacked = appPath.replace(/app\.asar$/, 'app.asar.unpacked');
  return {
    renderer: path.join(mainDir, '..', 'renderer'),
    preload: path.join(mainDir, '..', 'preload', 'index.cjs'),
    inferenceWorker: path.join(mainDir, 'inference-worker.cjs'),
    sspdTemplate: path.join(mainDir, 'sspd-template.onnx'),
    bundledModel: path.join(unpacked, 'models', 'sspd.onnx'),
    faceModel: faceModelPath(unpacked),
    adaptScript: path.join(unpacked, 'models', 'python', 'adapt.py'),
    resources: path.join(appPath, 'resources'),
  };
}
