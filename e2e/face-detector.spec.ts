// The headless face detector (BlazeFace converted to ONNX, main/video) against the renderer's MediaPipe
// detector in Chromium, on the same frames: the public-domain photos as they are, letterboxed to 640×480
// like a camera frame, and small off-centre on a grey 640×480 frame. Measured: every edge within 1.3 px.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, expect, test, type Browser } from '@playwright/test';
import type { Box } from '../common/geometry/box.ts';
import { OnnxFaceDetector } from '../main/video/face-detector.ts';
import { ffmpegPath } from '../main/video/ffmpeg.ts';
import { startLocalServer, type LocalServer } from '../main/server/local-server.ts';
import config from '../playwright.config.ts';
import { writeFaceModel } from '../scripts/face-model.ts';
import { buildCaptureHarness } from './capture-harness.ts';

const WORK = path.resolve('test-results', 'face-detector-e2e');
const FACES = path.resolve('..', 'shared', 'faces');
/** Largest allowed difference of any box edge, in pixels. */
const TOLERANCE_PX = 2;

const LAYOUTS: Record<string, string | null> = {
  photo: null,
  letterboxed: 'scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2',
  'small off-centre': 'scale=-2:240,pad=640:480:360:200:color=gray',
};

interface Frame {
  name: string;
  width: number;
  height: number;
  rgb: Uint8Array;
}

/** Decodes one image (after `filter`) as binary PPM, whose header carries the size. */
function decode(file: string, filter: string | null): { width: number; height: number; rgb: Uint8Array } {
  const ppm = execFileSync(ffmpegPath(), [
    '-v',
    'error',
    '-i',
    file,
    ...(filter ? ['-vf', filter] : []),
    '-frames:v',
    '1',
    '-f',
    'image2pipe',
    '-c:v',
    'ppm',
    '-pix_fmt',
    'rgb24',
    '-',
  ]);
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 32).toString('latin1'));
  if (!header) throw new Error(`${file}: not a PPM`);
  return { width: Number(header[1]), height: Number(header[2]), rgb: new Uint8Array(ppm.subarray(header[0].length)) };
}

function frames(): Frame[] {
  return fs
    .readdirSync(FACES)
    .filter((f) => /\.(png|jpe?g)$/i.test(f))
    .flatMap((photo) =>
      Object.entries(LAYOUTS).map(([layout, filter]) => ({
        name: `${photo} (${layout})`,
        ...decode(path.join(FACES, photo), filter),
      })),
    );
}

function rgba(rgb: Uint8Array): Uint8Array {
  const out = new Uint8Array((rgb.length / 3) * 4).fill(255);
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) out.set(rgb.subarray(i, i + 3), j);
  return out;
}

let server: LocalServer;
let browser: Browser;

test.describe.configure({ timeout: 180_000 });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  fs.mkdirSync(WORK, { recursive: true });
  await buildCaptureHarness(path.join(WORK, 'harness'));
  server = await startLocalServer({ rendererDir: path.join(WORK, 'harness') });
  browser = await chromium.launch(config.use?.launchOptions ?? {});
});

test.afterAll(async () => {
  await browser?.close();
  await server?.close();
});

test('finds the same face boxes as the renderer’s MediaPipe detector, within a few pixels', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}/`);
  await expect(page.locator('#status')).toHaveText('ready');
  const detector = await OnnxFaceDetector.open({ modelPath: writeFaceModel() });
  const rows: Array<{ frame: string; mediapipe: Box | null; onnx: Box | null; maxEdgeDiffPx: number | null }> = [];
  try {
    for (const f of frames()) {
      const b64 = Buffer.from(rgba(f.rgb)).toString('base64');
      const mediapipe = await page.evaluate(([data, w, h]) => window.detectFace(data, w, h), [
        b64,
        f.width,
        f.height,
      ] as const);
      const onnx = await detector.detect({ data: f.rgb, width: f.width, height: f.height, channels: 3 }, null);
      const edges = (b: Box) => [b.x, b.y, b.x + b.width, b.y + b.height];
      const diff =
        mediapipe && onnx ? Math.max(...edges(mediapipe).map((v, i) => Math.abs(v - edges(onnx)[i]!))) : null;
      rows.push({ frame: f.name, mediapipe, onnx, maxEdgeDiffPx: diff });
    }
  } finally {
    await detector.close();
    await page.close();
  }
  fs.writeFileSync(path.join(WORK, 'boxes.json'), JSON.stringify(rows, null, 1));
  expect(rows.length).toBeGreaterThanOrEqual(6);
  // Both find a face, or neither does (a face ~45 px high in 640×480 is below the short-range model's reach).
  for (const row of rows)
    expect(row.onnx === null, `${row.frame}: ${JSON.stringify(row)}`).toBe(row.mediapipe === null);
  const found = rows.filter((row) => row.mediapipe !== null);
  expect(found.length).toBeGreaterThanOrEqual(5);
  for (const row of found)
    expect(row.maxEdgeDiffPx, `${row.frame}: ${JSON.stringify(row)}`).toBeLessThanOrEqual(TOLERANCE_PX);
});
