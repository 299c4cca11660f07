// Reads ../shared/models/fixtures: the authors' 151 BGR frames and their 150-sample waveform.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { SHARED_MODELS } from './dev-export.ts';
import { BYTES_PER_FRAME, CHANNELS, FRAME_SIZE } from '../main/inference/sspd-contract.ts';

export interface ParityFixture {
  /** THWC uint8, channel 0 = blue. */
  readonly framesBgr: Uint8Array;
  readonly frameCount: number;
  readonly expected: Float32Array;
  readonly expectedStd: number;
}

interface ParityMeta {
  frames_file: string;
  frames_shape_THWC: number[];
  expected_file: string;
  expected_shape: number[];
  expected_stats: { std: number };
}

export const FIXTURE_DIR = join(SHARED_MODELS, 'fixtures');

export async function readParityFixture(): Promise<ParityFixture> {
  const meta = JSON.parse(await readFile(join(FIXTURE_DIR, 'parity.json'), 'utf8')) as ParityMeta;
  const [frameCount = 0, h, w, c] = meta.frames_shape_THWC;
  if (h !== FRAME_SIZE || w !== FRAME_SIZE || c !== CHANNELS)
    throw new Error(`unexpected fixture shape ${meta.frames_shape_THWC.join('×')}`);
  const framesBgr = new Uint8Array(gunzipSync(await readFile(join(FIXTURE_DIR, meta.frames_file))));
  if (framesBgr.length !== frameCount * BYTES_PER_FRAME) throw new Error('fixture frames have the wrong size');
  const raw = await readFile(join(FIXTURE_DIR, meta.expected_file));
  // Copy into an aligned buffer: a Buffer may start at any byte offset of its pool.
  const expected = new Float32Array(new Uint8Array(raw).buffer);
  return { framesBgr, frameCount, expected, expectedStd: meta.expected_stats.std };
}

/** Same frames in RGB order, as the app's capture delivers them. */
export function toRgb(framesBgr: Uint8Array): Uint8Array {
  const rgb = new Uint8Array(framesBgr.length);
  for (let i = 0; i < framesBgr.length; i += CHANNELS) {
    rgb[i] = framesBgr[i + 2]!;
    rgb[i + 1] = framesBgr[i + 1]!;
    rgb[i + 2] = framesBgr[i]!;
  }
  return rgb;
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}
