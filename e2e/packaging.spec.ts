// The installers' contents, checked on the real build output without packaging: electron-builder.yml's `files`
// and `asarUnpack` applied to this checkout, and every path the packaged main computes (main/app-paths.ts)
// found where it will be — inside the archive, or unpacked beside it where native code reads from disk.
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { parse } from 'yaml';
import { expect, test } from '@playwright/test';
import { appPaths } from '../main/app-paths.ts';

const config = parse(fs.readFileSync('electron-builder.yml', 'utf8')) as { files: string[]; asarUnpack: string[] };
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as {
  main: string;
  dependencies: Record<string, string>;
};
const ASAR = '/opt/Pulse Studio/resources/app.asar';

/** The app's own files electron-builder packs (production node_modules are added by it separately). */
function packedFiles(): Set<string> {
  const include = config.files.filter((p) => !p.startsWith('!'));
  const exclude = config.files.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  const files = include.flatMap((pattern) => fs.globSync(pattern)).filter((f) => fs.statSync(f).isFile());
  return new Set(
    files
      .filter((f) => !exclude.some((pattern) => path.matchesGlob(f, pattern)))
      .map((f) => f.split(path.sep).join('/')),
  );
}
const unpacked = (file: string) => config.asarUnpack.some((pattern) => path.matchesGlob(file, pattern));
/** A path the packaged app computes, as a file of the checkout: inside app.asar or app.asar.unpacked. */
const inCheckout = (packaged: string) => {
  const match = /app\.asar(\.unpacked)?\/(.*)$/.exec(packaged.split(path.sep).join('/'));
  if (!match) throw new Error(`${packaged} is outside the app`);
  return { file: match[2]!, unpacked: match[1] !== undefined };
};

test.beforeAll(() => {
  expect(fs.existsSync('dist/renderer/index.html'), 'build first: npm run build').toBe(true);
});

test('packs the main bundle package.json names, the preload, the renderer and every asset its page loads', () => {
  const packed = packedFiles();
  expect(packed).toContain(pkg.main);
  const paths = appPaths(ASAR, path.join(ASAR, 'dist', 'main'));
  for (const file of [paths.preload, paths.inferenceWorker, paths.sspdTemplate].map((p) => inCheckout(p).file))
    expect(packed, file).toContain(file);
  const renderer = inCheckout(paths.renderer).file;
  const page = fs.readFileSync(path.join(renderer, 'index.html'), 'utf8');
  for (const [, ref] of page.matchAll(/(?:src|href)="\.\/([^"]+)"/g))
    expect(packed, ref).toContain(`${renderer}/${ref}`);
  for (const asset of fs.globSync('dist/renderer/mediapipe/*.{js,wasm,tflite}')) expect(packed, asset).toContain(asset);
  expect([...packed].filter((f) => f.endsWith('.map') || f.endsWith('.ts') || f.endsWith('.db'))).toEqual([]);
});

test('finds the models unpacked, where onnxruntime (and Python, for adapt.py) reads them from disk, and the report templates in the archive', () => {
  const packed = packedFiles();
  const paths = appPaths(ASAR, path.join(ASAR, 'dist', 'main'));
  for (const model of [paths.bundledModel, paths.faceModel, paths.adaptScript]) {
    const { file, unpacked: fromDisk } = inCheckout(model);
    expect(fromDisk, `${file} is read from app.asar.unpacked`).toBe(true);
    expect(packed, file).toContain(file);
    expect(unpacked(file), `${file} must match asarUnpack`).toBe(true);
  }
  const resources = inCheckout(paths.resources).file;
  for (const template of ['reports/participant-report.html', 'reports/strings.en.json'])
    expect(packed).toContain(`${resources}/${template}`);
});

test('unpacks every native module and the ffmpeg binary the main bundle loads at run time', () => {
  const bundle = fs.readFileSync(pkg.main, 'utf8');
  const required = [...bundle.matchAll(/require\("([^".][^"]*)"\)/g)].map((m) => m[1]!);
  const external = [...new Set(required.filter((m) => !builtinModules.includes(m.replace(/^node:/, ''))))];
  // pg requires pg-native only behind its lazy `pg.native` getter, which the app never touches: not shipped.
  expect(external.sort()).toEqual(['better-sqlite3', 'electron', 'onnxruntime-node', 'pg-native']);
  expect(pkg.dependencies['pg-native']).toBeUndefined();
  for (const native of ['better-sqlite3', 'onnxruntime-node']) {
    expect(pkg.dependencies[native]).toBeDefined();
    const binaries = fs.globSync(`node_modules/${native}/**/*.node`);
    expect(binaries.length, native).toBeGreaterThan(0);
    for (const binary of binaries) expect(unpacked(binary), binary).toBe(true);
  }
  const ffmpeg = fs.globSync('node_modules/@ffmpeg-installer/*/ffmpeg{,.exe}');
  expect(ffmpeg.length).toBeGreaterThan(0);
  for (const binary of ffmpeg) expect(unpacked(binary), binary).toBe(true);
});
