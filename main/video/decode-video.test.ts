import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateClip } from '../../scripts/synth/generate.ts';
import { openVideo } from './decode-video.ts';
import { AnalysisError } from './errors.ts';
import { badInputs, FACES, ffmpeg, sharedAvailable, tempDir } from '../../testing/media.ts';

async function readAll(file: string): Promise<number[]> {
  const stream = openVideo(file);
  const times: number[] = [];
  for await (const frame of stream.frames()) times.push(frame.tMs);
  return times;
}

async function failureOf(file: string): Promise<AnalysisError> {
  const error = await readAll(file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AnalysisError);
  return error as AnalysisError;
}

describe('video decoding', () => {
  const dir = tempDir('decode');

  it('reads every frame with its size and constant-rate times', async () => {
    const file = path.join(dir, 'cfr.mkv');
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc=s=64x48:r=25:d=2', '-c:v', 'ffv1', file]);
    const stream = openVideo(file);
    expect(await stream.info).toMatchObject({ width: 64, height: 48, codec: 'ffv1' });
    const frames = [];
    for await (const f of stream.frames()) frames.push(f);
    expect(frames).toHaveLength(50);
    expect(frames[0]!.rgb).toHaveLength(64 * 48 * 3);
    expect(frames[10]!.tMs).toBeCloseTo(400, 3);
  });

  it('says which frames the encoder stored as keyframes', async () => {
    const file = path.join(dir, 'gop.mp4');
    ffmpeg([
      '-f',
      'lavfi',
      '-i',
      'testsrc=s=64x48:r=30:d=3',
      '-c:v',
      'libx264',
      '-g',
      '30',
      '-sc_threshold',
      '0',
      file,
    ]);
    const keys: number[] = [];
    for await (const f of openVideo(file).frames()) if (f.key) keys.push(f.index);
    expect(keys).toEqual([0, 30, 60]);
  });

  it.skipIf(!sharedAvailable())('keeps the real times of a variable-frame-rate file, gaps included', async () => {
    const clip = await generateClip(
      {
        name: 'vfr',
        face: FACES[0]!,
        bpm: 70,
        durationS: 4,
        fps: 30,
        width: 96,
        height: 72,
        encode: { codec: 'h264', dropShare: 0.2 },
        seed: 3,
      },
      dir,
    );
    const times = await readAll(clip.video);
    expect(times.length).toBeLessThan(110);
    expect(times.length).toBeGreaterThan(70);
    const steps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.min(...steps)).toBeCloseTo(1000 / 30, 1);
    expect(Math.max(...steps), 'a dropped frame leaves a 2-frame step').toBeGreaterThan(60);
    // Every time lies on the 30 fps grid the frames were made on.
    for (const t of times) expect(Math.abs(t / (1000 / 30) - Math.round(t / (1000 / 30)))).toBeLessThan(0.05);
  });

  it('names the problem with a missing, empty, audio-only or non-video file', async () => {
    const bad = badInputs(dir);
    expect(() => openVideo(bad.missing)).toThrow(/no such file/);
    expect(() => openVideo(bad.empty)).toThrow(/empty \(0 bytes\)/);
    expect((await failureOf(bad.audioOnly)).code).toBe('no-video-stream');
    const notVideo = await failureOf(bad.notVideo);
    expect(notVideo.code).toBe('unreadable');
    expect(notVideo.message).toMatch(/notes\.mp4/);
  });

  it('stops ffmpeg when the reader stops early', async () => {
    const file = path.join(dir, 'long.mkv');
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc=s=64x48:r=25:d=20', '-c:v', 'ffv1', file]);
    const stream = openVideo(file);
    let n = 0;
    for await (const frame of stream.frames()) if (++n === 3 || frame.index > 3) break;
    expect(n).toBe(3);
  });
});
