import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateClip, type GeneratedClip } from '../../scripts/synth/generate.ts';
import { analyzeVideo } from './analyze-video.ts';
import { FACES, noiseVideo, sharedAvailable, tempDir } from '../../testing/media.ts';

/** The trained default model, when this checkout has one (tests that need it are skipped otherwise). */
const SSPD = path.resolve(import.meta.dirname, '..', '..', 'models', 'sspd.onnx');

describe.skipIf(!sharedAvailable())('--roi face on synthetic pulsing faces (real videos, real detector)', () => {
  const dir = tempDir('face-pipeline');
  let clips: GeneratedClip[];

  beforeAll(async () => {
    const base = { durationS: 20, fps: 30, width: 320, height: 240, encode: { codec: 'mjpeg' as const }, hrv: 0.02 };
    clips = await Promise.all([
      generateClip({ ...base, name: 'still-72', face: FACES[0]!, bpm: 72, seed: 3 }, dir),
      generateClip(
        { ...base, name: 'drift-118', face: FACES[1]!, bpm: 118, seed: 4, motion: { driftPx: 12, shakePx: 1 } },
        dir,
      ),
      generateClip(
        { ...base, name: 'shake-95', face: FACES[0]!, bpm: 95, seed: 5, motion: { shakePx: 2 }, noiseSigma: 3 },
        dir,
      ),
    ]);
  }, 120_000);

  /**
   * The windows' readings (median, reliable or not) within 3 bpm of the truth; the session's HR where the app
   * reports one within 3 bpm too, and reported on the still face. (Measured 2026-12-04: the drift and shake clips
   * read right but are withheld as "methods disagree" / "too much movement".)
   */
  async function expectRightReadings(primary: 'pos' | 'sspd', modelPath?: string) {
    for (const clip of clips) {
      const a = await analyzeVideo(clip.video, { roi: 'face', ...(modelPath ? { modelPath } : {}) });
      expect(a.facesFound / a.frames, clip.spec.name).toBeGreaterThan(0.95);
      if (!a.session.ok) throw new Error(`${clip.spec.name}: ${a.session.reason}`);
      expect(a.session.primary).toBe(primary);
      const readings = a.session.hrSeries
        .map((w) => w.bpm)
        .filter((b): b is number => b !== null)
        .sort((x, y) => x - y);
      const median = readings[readings.length >> 1]!;
      expect(
        Math.abs(median - clip.referenceBpm),
        `${clip.spec.name}: read ${median} vs ${clip.referenceBpm}`,
      ).toBeLessThan(3);
      const hr = a.session.summary.hr;
      if (clip.spec.name.startsWith('still')) expect(hr.reliability, clip.spec.name).toBe('reliable');
      if (hr.bpm !== null)
        expect(
          Math.abs(hr.bpm - clip.referenceBpm),
          `${clip.spec.name}: ${hr.bpm} vs ${clip.referenceBpm}`,
        ).toBeLessThan(3);
      else expect(hr.reason, clip.spec.name).toBeTruthy();
    }
  }

  it('finds the face in every frame and reads HR with POS within 3 bpm', () => expectRightReadings('pos'), 120_000);

  it.skipIf(!fs.existsSync(SSPD))(
    'reads HR with the installed SSPD model within 3 bpm',
    () => expectRightReadings('sspd', SSPD),
    300_000,
  );

  it('says plainly that a video without a face has none, instead of inventing a crop', async () => {
    const noise = noiseVideo(path.join(dir, 'noise.avi'));
    await expect(analyzeVideo(noise, { roi: 'face' })).rejects.toMatchObject({
      code: 'no-face',
      message: expect.stringMatching(/no face found in 120 of 120 frames/),
    });
  });

  it('flags frames after the face leaves as held, then as lost, never as detected', async () => {
    // The face for 4 s, then a flat grey frame: the smoother holds the box for a second, then lets go.
    const clip = clips[0]!;
    const flags: number[] = [];
    let frame = 0;
    await analyzeVideo(clip.video, {
      roi: 'face',
      // Asked on every other frame (DETECT_EVERY): 60 answers cover the first 120 frames.
      detector: { detect: async () => (frame++ < 60 ? { x: 120, y: 60, width: 70, height: 70 } : null) },
      onCrops: (chunk) => flags.push(...chunk.faceFound),
    });
    // Detected on every other frame (DETECT_EVERY), tracked between.
    expect(flags.slice(0, 120).every((f) => f === 1 || f === 3)).toBe(true);
    expect(flags.slice(121, 145).every((f) => f === 2)).toBe(true);
    expect(flags.slice(160).every((f) => f === 0)).toBe(true);
  });
});
