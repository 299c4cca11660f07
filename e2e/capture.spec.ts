// The capture layer alone in Chromium with a fake camera playing a face photo: face found, 128×128 crops of
// the face region, monotonic ~30 fps timestamps, and not one request leaving the app's own origin.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, expect, test, type Browser } from '@playwright/test';
import config from '../playwright.config.ts';
import { startLocalServer, type LocalServer } from '../main/server/local-server.ts';
import type { HarnessResult } from '../testing/capture-harness/harness.ts';
import { RELAYED_PREVIEW_FPS } from '../renderer/src/capture/capture.ts';
import { FACE_DETECTED, faceSeen } from '../common/capture.ts';
import { buildCaptureHarness } from './capture-harness.ts';

const WORK = path.resolve('test-results', 'capture-e2e');
const HARNESS_OUT = path.join(WORK, 'harness');
const Y4M = path.join(WORK, 'astronaut-640x480-30fps.y4m');
const FACE_PHOTO = path.resolve('..', 'shared', 'faces', 'astronaut.png');
const CAPTURE_MS = 4000;

let server: LocalServer;
let browser: Browser;

test.describe.configure({ mode: 'serial', timeout: 180_000 });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  fs.mkdirSync(WORK, { recursive: true });
  // A still photo, letterboxed into 640×480, as a 5 s 30 fps clip: Chromium's fake camera loops it.
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-loop',
    '1',
    '-i',
    FACE_PHOTO,
    '-t',
    '5',
    '-r',
    '30',
    '-vf',
    'scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2',
    '-pix_fmt',
    'yuv420p',
    Y4M,
  ]);
  await buildCaptureHarness(HARNESS_OUT);
  server = await startLocalServer({ rendererDir: HARNESS_OUT });
  const launch = config.use?.launchOptions ?? {};
  browser = await chromium.launch({
    ...launch,
    args: [
      ...(launch.args ?? []),
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${Y4M}`,
    ],
  });
});

test.afterAll(async () => {
  await browser?.close();
  await server?.close();
});

test('finds the face and delivers 128×128 face crops with monotonic ~30 fps timestamps, all from the app origin', async () => {
  const context = await browser.newContext();
  const requests: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => message.type() === 'error' && problems.push(`console error: ${message.text()}`));

  await page.goto(`${server.url}/`);
  await expect(page.locator('#status')).toHaveText('ready');
  const result = (await page.evaluate((ms) => window.runCapture(ms), CAPTURE_MS)) as HarnessResult;
  await context.close();
  fs.writeFileSync(
    path.join(WORK, 'result-summary.json'),
    JSON.stringify({ ...result, sampleCrop: undefined, cropMeans: result.cropMeans.slice(0, 5) }, null, 1),
  );

  expect(problems).toEqual([]);
  expect(result.errors).toEqual([]);
  expect(result.cameras).toBeGreaterThan(0);
  expect(result.settings).toMatchObject({ width: 640, height: 480 });

  // Timestamps: strictly increasing, about 33 ms apart, in one chunk every ~0.5 s.
  const t = result.timestampsMs;
  expect(t.length, 'frames delivered').toBeGreaterThan((CAPTURE_MS / 1000) * 30 * 0.6);
  const gaps = t.slice(1).map((v, i) => v - t[i]!);
  expect(Math.min(...gaps)).toBeGreaterThan(0);
  const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  expect(median(gaps)).toBeGreaterThan(25);
  expect(median(gaps)).toBeLessThan(45);
  expect(Math.abs(t[0]! - Date.now()), 'timestamps are Unix epoch ms').toBeLessThan(120_000);
  // The preview runs at half rate (painting it cost the capture frames); the crops still come at the camera's.
  expect(result.previewFps).toBe(RELAYED_PREVIEW_FPS);
  // A chunk spans ~0.5 s of the camera's own frames, whatever rate a loaded machine lets the camera keep.
  expect(
    Math.abs(median(result.chunkSizes) - 500 / median(gaps)),
    `chunks of ${median(result.chunkSizes)} frames at ${median(gaps).toFixed(1)} ms per frame`,
  ).toBeLessThanOrEqual(3);
  expect(result.faceFound.length).toBe(t.length);
  expect(result.cropMeans.length).toBe(t.length);

  // The face is found in (nearly) every frame — detected, or tracked between detections, which run on every
  // other frame — and the crop holds face colours, not zeros.
  const found = result.faceFound.filter((f) => faceSeen(f)).length;
  expect(found / t.length).toBeGreaterThan(0.9);
  const detected = result.faceFound.filter((f) => f === FACE_DETECTED).length;
  expect(detected / t.length, 'detector runs on every other frame').toBeGreaterThan(0.4);
  expect(detected / t.length).toBeLessThan(0.6);
  for (const [i, [r, g, b]] of result.cropMeans.entries()) {
    if (!faceSeen(result.faceFound[i])) continue;
    expect(r + g + b, `crop ${i} is not blank`).toBeGreaterThan(150);
    expect(r, `crop ${i} is skin-toned (red over blue)`).toBeGreaterThan(b);
  }

  // A still face gives a still crop: the smoother holds it.
  const last = result.stats.at(-1)!;
  expect(last.faceBox).not.toBeNull();
  expect(last.fps).toBeGreaterThan(15);
  expect(last.brightness).toBeGreaterThan(40);
  const crops = result.stats.map((s) => JSON.stringify(s.cropBox)).filter((c) => c !== 'null');
  expect(new Set(crops.slice(2)).size, 'crop box moves on a still face').toBe(1);

  // The page's main thread only forwards frames: no long tasks while capturing.
  expect(result.longTasksMs, 'main-thread tasks over 50 ms during capture').toEqual([]);

  // Nothing but the app's own origin: no CDN for the wasm or the model, no telemetry.
  expect(requests.length).toBeGreaterThan(0);
  expect(
    requests.filter((url) => !url.startsWith(`${server.url}/`) && !url.startsWith('blob:') && !url.startsWith('data:')),
  ).toEqual([]);
  expect(requests.some((url) => url.endsWith('/mediapipe/blaze_face_short_range.tflite'))).toBe(true);

  // Keep one crop as a PNG for people to look at.
  const raw = path.join(WORK, 'sample-crop.rgb');
  fs.writeFileSync(raw, Uint8Array.from(result.sampleCrop));
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-s',
    '128x128',
    '-i',
    raw,
    path.join(WORK, 'sample-crop.png'),
  ]);
});

test('the track capture reads keeps no frame-rate cap where the camera runs at the rate asked, and keeps it where it runs faster', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  await expect(page.locator('#status')).toHaveText('ready');
  // The fake camera plays its clip at 30 fps: asked for 30, the cap goes (Chromium would drop catch-up frames).
  const at30 = await page.evaluate(() => window.uncappedClone(30));
  expect(at30.constraints.frameRate).toBeUndefined();
  expect(at30.constraints).toMatchObject({ width: 640, height: 480 });
  expect(at30.frameRate).toBe(30);
  // Asked for 15, the 30 fps camera is brought down by the cap, which stays.
  const at15 = await page.evaluate(() => window.uncappedClone(15));
  expect(at15.constraints.frameRate).toBeDefined();
  expect(at15.frameRate).toBe(15);
  await context.close();
});

test('names a camera that is not there as not_found', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  await expect(page.locator('#status')).toHaveText('ready');
  expect(await page.evaluate(() => window.openCameraError('no-such-camera'))).toBe('not_found');
  expect(await page.evaluate(() => window.openCameraError(''))).toBe('');
  await context.close();
});
