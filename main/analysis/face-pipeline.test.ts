import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeFaceModel } from '../../scripts/face-model.ts';
import { generateClip, type GeneratedClip } from '../../scripts/synth/generate.ts';
import { analyzeVideo } from './analyze-video.ts';
import { defaultFaceModelPath } from './face-detector.ts';
import { FACES, noiseVideo, sharedAvailable, tempDir } from './test-media.ts';

/** The trained default model, when this checkout has one (tests that need it are skipped otherwise). */
const SSPD = path.resolve(import.meta.dirname, '..', '..', 'models', 'sspd.onnx');

describe.skipIf(!sharedAvailable())('--roi face on synthetic pulsing faces (real videos, real detector)', () => {
  const dir = tempDir('face-pipeline');
  let clips: GeneratedClip[];

  beforeAll(async () => {
    writeFaceModel(defaultFaceModelPath());
    const base = { durationS: 20, fps: 30, width: 320, height: 240, encode: { codec: 'mjpeg' as const }, hrv: 0.02 };
    clips = await Promise.all([
      generateClip({ ...base, name: 'still-72', face: FACES[0]!, bpm: 72, seed: 3 }, dir),
      generateClip({ ...base, name: 'drift-118', face: FACES[1]!, bpm: 118, seed: 4, motion: { driftPx: 12, shakePx: 1 } }, dir),
      generateClip({ ...base, name: 'shake-95', face: FACES[0]!, bpm: 95, seed: 5, motion: { shakePx: 2 }, noiseSigma: 3 }, dir),
    ]);
  }, 120_000);

  it('finds the face in every frame and measures HR with POS within 3 bpm', async () => {
    for (const clip of clips) {
      const a = await analyzeVideo(clip.video, { roi: 'face' });
      expect(a.facesFound / a.frames, clip.spec.name).toBeGreaterThan(0.95);
      expect(a.session.ok && a.session.primary).toBe('pos');
      const hr = a.session.ok ? a.session.summary.hr.bpm : null;
      expect(hr, clip.spec.name).not.toBeNull();
      expect(Math.abs(hr! - clip.referenceBpm), `${clip.spec.name}: ${hr} vs ${clip.referenceBpm}`).toBeLessThan(3);
    }
  }, 120_000);

  it.skipIf(!fs.existsSync(SSPD))('measures HR with the installed SSPD model within 3 bpm', async () => {
    for (const clip of clips) {
      const a = await analyzeVideo(clip.video, { roi: 'face', modelPath: SSPD });
      expect(a.session.ok && a.session.primary).toBe('sspd');
      const hr = a.session.ok ? a.session.summary.hr.bpm : null;
      expect(Math.abs(hr! - clip.referenceBpm), `${clip.spec.name}: ${hr} vs ${clip.referenceBpm}`).toBeLessThan(3);
    }
  }, 300_000);

  it('says plainly that a video without a face has none, instead of inventing a crop', async () => {
    const noise = noiseVideo(path.join(dir, 'noise.avi'));
    await expect(analyzeVideo(noise, { roi: 'face' })).rejects.toMatchObject({ code: 'no-face', message: expect.stringMatching(/no face found in 120 of 120 frames/) });
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
