import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { exportRequest } from '../../common/reports.ts';
import { ffmpegPath } from '../video/ffmpeg.ts';
import { runExport } from './research-export.ts';
import { openTestData, type RecordedSession, type TestData } from '../../testing/sessions.ts';
import { exportedFiles } from '../../testing/zip.ts';

const W = 160;
const H = 120;
let t: TestData;
let recorded: RecordedSession;
let original: Buffer;

/** First frame as 8-bit grey pixels. */
const firstFrame = (video: string): Buffer =>
  execFileSync(ffmpegPath(), [
    '-hide_banner',
    '-loglevel',
    'error',
    '-i',
    video,
    '-frames:v',
    '1',
    '-vf',
    `scale=${W}:${H}`,
    '-f',
    'rawvideo',
    '-pix_fmt',
    'gray',
    '-',
  ]);

/** Mean squared difference of horizontal neighbours: sharp edges make it large, blur spreads them thin. */
function sharpness(gray: Buffer): number {
  let sum = 0;
  for (let y = 0; y < H; y++) for (let x = 1; x < W; x++) sum += (gray[y * W + x]! - gray[y * W + x - 1]!) ** 2;
  return sum / (H * (W - 1));
}

beforeAll(async () => {
  t = openTestData('pulse-blur-');
  const source = path.join(t.dir, 'camera.webm');
  execFileSync(ffmpegPath(), [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=${W}x${H}:rate=10`,
    '-t',
    '2',
    '-c:v',
    'libvpx',
    source,
  ]);
  original = fs.readFileSync(source);
  recorded = await t.record(t.subject({ code: 'V-1' }), 12, 70, { video: original });
}, 60_000);
afterAll(() => t.close());

test('exports the camera video blurred beyond recognition when asked, and as recorded when asked', async () => {
  const destination = fs.mkdtempSync(path.join(t.dir, 'out-'));
  const run = (video: 'blur' | 'include') =>
    runExport(
      t.store,
      exportRequest.parse({
        studyId: t.store.studies.ensureOne().id,
        sessionIds: [recorded.sessionId],
        destination,
        video,
      }),
      { appVersion: 'test' },
    );
  const blurredZip = await exportedFiles((await run('blur')).path);
  const blurred = blurredZip.get('sourcedata/sub-V1/ses-1/sub-V1_ses-1_video-blurred.webm')!;
  expect(blurred).toBeDefined();
  const file = path.join(t.dir, 'blurred.webm');
  fs.writeFileSync(file, blurred);
  const before = sharpness(firstFrame(path.join(t.dir, 'camera.webm')));
  const after = sharpness(firstFrame(file));
  expect(before).toBeGreaterThan(100);
  expect(after).toBeLessThan(before * 0.2);
  expect([...blurredZip.keys()].some((name) => name.endsWith('_video.webm'))).toBe(false);
  const plain = (await exportedFiles((await run('include')).path)).get(
    'sourcedata/sub-V1/ses-1/sub-V1_ses-1_video.webm',
  )!;
  expect(plain.equals(original)).toBe(true);
});
