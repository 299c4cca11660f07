import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openVideo } from '../../main/video/decode-video.ts';
import { FACES, sharedAvailable, tempDir } from '../../testing/media.ts';
import { FaceScene, PULSE_SIGNATURE, skinMask } from './face-scene.ts';
import { generateClip, loadPhoto, setSpecs } from './generate.ts';
import { pulseTrack } from './pulse-signal.ts';
import { aliasedMainsHz, variedSpecs } from './varied-set.ts';

describe('synthetic pulse', () => {
  it('varies the heart rate a little around its mean and keeps the pulse PPG-shaped', () => {
    const track = pulseTrack({ bpm: 90, hrv: 0.03, seed: 4 }, 60);
    const rates = Array.from({ length: 600 }, (_, i) => track.bpmAt(i / 10));
    expect(Math.min(...rates)).toBeGreaterThan(90 * 0.96);
    expect(Math.max(...rates)).toBeLessThan(90 * 1.04);
    expect(Math.max(...rates) - Math.min(...rates)).toBeGreaterThan(1);
    expect(track.meanBpm(60)).toBeCloseTo(90, 0);
    const beat = Array.from({ length: 200 }, (_, i) => track.pulseAt(i / 200 / 1.5));
    expect(Math.max(...beat) - Math.min(...beat)).toBeCloseTo(1, 1);
  });
});

describe.skipIf(!sharedAvailable())('synthetic faces', () => {
  it('pulses skin only, green strongest', async () => {
    const photo = await loadPhoto(FACES[0]!);
    const mask = skinMask(photo);
    const share = mask.reduce((s, v) => s + v, 0) / mask.length;
    expect(share).toBeGreaterThan(0.05);
    expect(share).toBeLessThan(0.6);
    expect(PULSE_SIGNATURE[1]).toBe(Math.max(...PULSE_SIGNATURE));
    const still = { driftPx: 0, shakePx: 0, rotateDeg: 0, zoom: 0 };
    const scene = new FaceScene(
      photo,
      {
        width: 128,
        height: 128,
        pulseAmplitude: 0.05,
        motion: still,
        lighting: { driftShare: 0, flickerShare: 0, flickerHz: 0 },
        noiseSigma: 0,
        seed: 1,
      },
      { bpmAt: () => 60, pulseAt: (t) => (t === 0 ? 0.5 : -0.5), meanBpm: () => 60 },
    );
    const [a, b] = [new Uint8Array(128 * 128 * 3), new Uint8Array(128 * 128 * 3)];
    scene.render(0, a);
    scene.render(1, b);
    const channelChange = [0, 1, 2].map((c) => {
      let sum = 0;
      for (let i = c; i < a.length; i += 3) sum += a[i]! - b[i]!;
      return sum;
    });
    expect(channelChange[1]).toBeGreaterThan(channelChange[0]!);
    expect(channelChange[1]).toBeGreaterThan(channelChange[2]!);
    expect(channelChange[0]).toBeGreaterThan(0);
  });

  it('makes the same frames from the same seed, and different noise from another', async () => {
    const dir = tempDir('synth');
    const spec = {
      face: FACES[1]!,
      bpm: 80,
      durationS: 1,
      fps: 30,
      width: 64,
      height: 48,
      encode: { codec: 'lossless' as const },
      motion: { driftPx: 4, shakePx: 1 },
    };
    const digest = async (name: string, seed: number) => {
      const clip = await generateClip({ ...spec, name, seed }, dir);
      const hash = createHash('sha256');
      for await (const f of openVideo(clip.video).frames()) hash.update(f.rgb);
      return hash.digest('hex');
    };
    const first = await digest('a', 5);
    expect(await digest('b', 5)).toBe(first);
    expect(await digest('c', 6)).not.toBe(first);
    expect(fs.readFileSync(path.join(dir, 'a.hr.csv'), 'utf8')).toMatch(/^time_s,bpm\n0\.00,/);
    expect(fs.readFileSync(path.join(dir, 'a.ppg.csv'), 'utf8').trim().split('\n')).toHaveLength(31);
  });

  it('writes a y4m for Chromium’s fake camera', async () => {
    const dir = tempDir('synth-y4m');
    const clip = await generateClip(
      {
        name: 'cam',
        face: FACES[0]!,
        bpm: 72,
        durationS: 0.5,
        fps: 30,
        width: 64,
        height: 48,
        encode: { codec: 'y4m' },
        seed: 1,
      },
      dir,
    );
    expect(fs.readFileSync(clip.video).subarray(0, 10).toString('latin1')).toBe('YUV4MPEG2 ');
  });
});

/** Amplitude of harmonic k of one steady beat of `track` at `bpm` (DFT over 8 beats). */
function harmonic(track: ReturnType<typeof pulseTrack>, bpm: number, k: number): number {
  const n = 8 * 200;
  let re = 0;
  let im = 0;
  for (let i = 0; i < n; i++) {
    const t = (i / 200) * (60 / bpm);
    re += track.pulseAt(t) * Math.cos((2 * Math.PI * k * i) / 200);
    im += track.pulseAt(t) * Math.sin((2 * Math.PI * k * i) / 200);
  }
  return Math.hypot(re, im);
}

describe('beat shapes of the calibration sets', () => {
  it('vary from clip to clip with harmonics that fall off as a PPG’s do', () => {
    const specs = variedSpecs({ count: 40, seed: 3, faces: ['a.png'], beatShapes: true });
    const ratios = specs.map((s) => {
      const track = pulseTrack({ bpm: 60, hrv: 0, seed: 1, shape: s.beat! }, 10);
      const h1 = harmonic(track, 60, 1);
      return { h2: harmonic(track, 60, 2) / h1, h3: harmonic(track, 60, 3) / h1 };
    });
    for (const r of ratios) {
      expect(r.h3).toBeLessThan(0.6);
      expect(r.h2, 'a strong dicrotic wave may match the fundamental, not far exceed it').toBeLessThan(1.1);
    }
    expect(Math.max(...ratios.map((r) => r.h2)) - Math.min(...ratios.map((r) => r.h2))).toBeGreaterThan(0.3);
    // The fixed shape of the older sets: a third harmonic nearly as strong as the fundamental.
    const old = pulseTrack({ bpm: 60, hrv: 0, seed: 1 }, 10);
    expect(harmonic(old, 60, 3) / harmonic(old, 60, 1)).toBeGreaterThan(0.7);
  });
});

describe('synthetic sets', () => {
  it('spreads heart rates over the range and cycles conditions and codecs', () => {
    const specs = setSpecs({ outDir: '/unused', count: 12, faces: ['a.png', 'b.png'], codecs: ['h264', 'mjpeg'] });
    const bpms = specs.map((s) => s.bpm);
    expect(Math.min(...bpms)).toBeGreaterThanOrEqual(60);
    expect(Math.max(...bpms)).toBeLessThanOrEqual(150);
    expect(bpms).toEqual([...bpms].sort((x, y) => x - y));
    expect(new Set(specs.map((s) => s.encode.codec))).toEqual(new Set(['h264', 'mjpeg']));
    expect(specs.filter((s) => s.motion?.driftPx).length).toBeGreaterThan(0);
    expect(new Set(specs.map((s) => s.seed)).size).toBe(12);
  });
});

describe('aliased mains flicker', () => {
  it('lands where a 30 fps camera sees a 100 or 120 Hz lamp: near 10 Hz or below 0.5 Hz, never in the heart-rate band', () => {
    const rates = Array.from({ length: 200 }, (_, i) => aliasedMainsHz((i + 0.5) / 200, 30));
    const lamp100 = rates.slice(0, 100);
    const lamp120 = rates.slice(100);
    for (const hz of lamp100) expect(Math.abs(hz - 10)).toBeLessThanOrEqual(0.4);
    for (const hz of lamp120) expect(hz).toBeLessThan(0.5);
    expect(Math.max(...lamp100) - Math.min(...lamp100), 'the clock mismatch spreads the alias').toBeGreaterThan(0.5);
  });
});
