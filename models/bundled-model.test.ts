// The shipped default model: its hash is the manifest's, and it finds a still synthetic
// face's HR at 60, 75 and 100 bpm.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUTHORS_CHECKPOINT } from '../common/models.ts';
import { analyzeVideo } from '../main/video/analyze-video.ts';
import { summarize } from '../main/evaluation/analysis-outputs.ts';
import { FACES, sharedAvailable, tempDir } from '../testing/media.ts';
import { generateClip } from '../scripts/synth/generate.ts';

const MODELS = import.meta.dirname;
const manifest = JSON.parse(fs.readFileSync(path.join(MODELS, 'manifest.json'), 'utf8')) as {
  bundled: { file: string; sha256: string; frameRatesHz: number[] };
  known: { file: string; sha256: string }[];
};
const bundled = path.join(MODELS, manifest.bundled.file);
const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('models/manifest.json', () => {
  it('records the SHA-256 of the bundled model file', () => {
    expect(sha256(bundled)).toBe(manifest.bundled.sha256);
  });

  it('agrees with the app on the authors’ checkpoint hash', () => {
    expect(manifest.known.find((k) => k.file === 'ubfc.pth')?.sha256).toBe(AUTHORS_CHECKPOINT.sha256);
  });
});

describe.skipIf(!sharedAvailable())('the bundled model on a still synthetic pulsing face', () => {
  const dir = tempDir('bundled-model');
  for (const [i, bpm] of [60, 75, 100].entries()) {
    it(`finds ${bpm} bpm within 3 bpm`, async () => {
      const clip = await generateClip(
        // hrv 0: the truth is one number; the face is the public-domain astronaut photo, MJPEG-compressed.
        {
          name: `still-${bpm}`,
          face: FACES[0]!,
          bpm,
          hrv: 0,
          durationS: 20,
          fps: 30,
          width: 256,
          height: 192,
          encode: { codec: 'mjpeg' },
          seed: 40 + i,
        },
        dir,
      );
      const analysis = await analyzeVideo(clip.video, { roi: 'full', modelPath: bundled, threads: 2 });
      expect(analysis.model?.sha256).toBe(manifest.bundled.sha256);
      const sspd = summarize(analysis).methods.sspd?.bpm;
      expect(sspd, 'SSPD gave no HR').toBeTypeOf('number');
      expect(Math.abs(sspd! - clip.referenceBpm)).toBeLessThanOrEqual(3);
    }, 120_000);
  }
});
