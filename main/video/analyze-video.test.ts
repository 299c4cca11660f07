import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeVideo } from './analyze-video.ts';
import type { FaceDetector } from './crop-frames.ts';
import { noiseVideo, tempDir } from '../../testing/media.ts';

describe('headless pipeline', () => {
  const dir = tempDir('pipeline');
  const video = noiseVideo(path.join(dir, 'noise.avi'));

  it('refuses a face analysis of a video in which no face is found, naming the way out', async () => {
    let calls = 0;
    const nobody: FaceDetector = { detect: async () => (calls++, null) };
    await expect(analyzeVideo(video, { roi: 'face', detector: nobody })).rejects.toMatchObject({
      code: 'no-face',
      message: expect.stringMatching(/no face found in 120 of 120 frames.*--roi full/),
    });
    // The detector runs on every other frame (DETECT_EVERY), as live capture does.
    expect(calls).toBe(60);
  });

  it('crops a face box per the shared SSPD rule and hands 128×128 crops on in chunks', async () => {
    const centre: FaceDetector = { detect: async () => ({ x: 50, y: 40, width: 60, height: 50 }) };
    const chunks: number[] = [];
    const a = await analyzeVideo(video, {
      roi: 'face',
      detector: centre,
      onCrops: (c) => chunks.push(c.timestampsMs.length),
    });
    expect(a.facesFound).toBe(120);
    expect(chunks.reduce((s, n) => s + n, 0)).toBe(120);
    expect(Math.max(...chunks)).toBeLessThanOrEqual(64);
    // A pulse-free video: the decision reports no HR rather than inventing one.
    expect(a.session.ok ? a.session.summary.hr.bpm : null).toBeNull();
  });
});
