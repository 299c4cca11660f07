import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFaceModel } from '../../scripts/face-model.ts';
import { AnalysisError } from './errors.ts';
import { letterbox, OnnxFaceDetector } from './face-detector.ts';
import { ffmpegPath } from './ffmpeg.ts';
import { SHARED, sharedAvailable } from '../../testing/media.ts';

/** The photo (after `filter`) as RGB, decoded by ffmpeg to PPM. */
function photo(name: string, filter?: string) {
  const ppm = execFileSync(ffmpegPath(), [
    '-v',
    'error',
    '-i',
    path.join(SHARED, 'faces', name),
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
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 32).toString('latin1'))!;
  return {
    width: Number(header[1]),
    height: Number(header[2]),
    channels: 3,
    data: new Uint8Array(ppm.subarray(header[0].length)),
  };
}

describe('letterbox', () => {
  it('centres a wide frame with black (-1) above and below, samples corner-aligned', () => {
    const frame = { width: 256, height: 128, channels: 3, data: new Uint8Array(256 * 128 * 3).fill(255) };
    const l = letterbox(frame);
    expect([l.x0, l.y0, l.side]).toEqual([0, -64, 256]);
    expect(l.tensor[0]).toBe(-1);
    expect(l.tensor[(40 * 128 + 5) * 3]).toBe(1);
    expect(l.tensor[(100 * 128 + 5) * 3]).toBe(-1);
  });
});

describe.skipIf(!sharedAvailable())('OnnxFaceDetector on real photos', () => {
  let dir: string;
  let detector: OnnxFaceDetector;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'face-detector-'));
    detector = await OnnxFaceDetector.open({ modelPath: writeFaceModel(path.join(dir, 'face.onnx')) });
  });
  afterAll(async () => {
    await detector?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds the face in each photo where the hand-read box says it is, with eyes above the mouth', async () => {
    const boxes = JSON.parse(fs.readFileSync(path.join('models', 'python', 'face_boxes.json'), 'utf8')) as Record<
      string,
      [number, number, number, number]
    >;
    for (const name of ['astronaut.png', 'grace_hopper.jpg']) {
      const faces = await detector.detectAll(photo(name));
      expect(faces, name).toHaveLength(1);
      const [f] = faces;
      const [x, y, w, h] = boxes[name]!;
      const centre = [x + w / 2, y + h / 2];
      expect(Math.abs(f!.x + f!.width / 2 - centre[0]!), name).toBeLessThan(0.15 * w);
      expect(Math.abs(f!.y + f!.height / 2 - centre[1]!), name).toBeLessThan(0.15 * h);
      expect(f!.score).toBeGreaterThan(0.8);
      const [rightEye, leftEye, , mouth] = f!.keypoints;
      expect(rightEye![1]).toBeLessThan(mouth![1]);
      expect(leftEye![1]).toBeLessThan(mouth![1]);
    }
  });

  it('finds the same face wherever the frame puts it (boxes move with the picture)', async () => {
    const still = (
      await detector.detectAll(photo('grace_hopper.jpg', 'scale=-2:300,pad=640:480:40:90:color=gray'))
    )[0]!;
    const moved = (
      await detector.detectAll(photo('grace_hopper.jpg', 'scale=-2:300,pad=640:480:340:150:color=gray'))
    )[0]!;
    expect(moved.x - still.x).toBeCloseTo(300, -1);
    expect(moved.y - still.y).toBeCloseTo(60, -1);
  });

  it('finds no face in a frame without one', async () => {
    const blank = { width: 320, height: 240, channels: 3, data: new Uint8Array(320 * 240 * 3).fill(120) };
    expect(await detector.detectAll(blank)).toEqual([]);
    expect(await detector.detect(blank, null)).toBeNull();
  });

  it('says how to get the model when it is missing', async () => {
    const error = await OnnxFaceDetector.open({ modelPath: path.join(dir, 'missing.onnx') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AnalysisError);
    expect((error as AnalysisError).code).toBe('no-face-model');
    expect((error as Error).message).toMatch(/scripts\/face-model\.ts/);
  });
});
