// Turns 128×128 uint8 HWC crops into the network input: raw B,G,R frame differences, NCTHW.

import { BYTES_PER_FRAME, CHANNELS, PIXELS_PER_FRAME } from './sspd-contract.ts';

/** Channel order of incoming frames; browsers and ffmpeg give RGB, OpenCV gives BGR. */
export type ChannelOrder = 'rgb' | 'bgr';

/**
 * `next − prev` into `out` as three planes B, G, R (channel c at `offset + c·planeStride`): the released
 * weights were trained on OpenCV frames that were never converted, so channel 0 is blue.
 */
export function diffStep(
  prev: Uint8Array,
  next: Uint8Array,
  order: ChannelOrder,
  out: Float32Array,
  planeStride: number,
  offset: number,
): void {
  for (let c = 0; c < CHANNELS; c++) {
    const src = order === 'rgb' ? 2 - c : c;
    const base = offset + c * planeStride;
    for (let p = 0, i = src; p < PIXELS_PER_FRAME; p++, i += CHANNELS) out[base + p] = next[i]! - prev[i]!;
  }
}

/**
 * Differences of `frameCount` consecutive frames starting at `firstFrame` in `frames` (back-to-back HWC
 * frames) as a (1, 3, frameCount−1, 128, 128) float32 tensor body, unfiltered: whole-recording input.
 */
export function frameDiffTensor(
  frames: Uint8Array,
  firstFrame: number,
  frameCount: number,
  order: ChannelOrder,
): Float32Array {
  const steps = frameCount - 1;
  if (steps < 1) throw new RangeError('at least two frames are needed for one difference');
  if ((firstFrame + frameCount) * BYTES_PER_FRAME > frames.length)
    throw new RangeError('frame range is outside the buffer');
  const frame = (i: number) =>
    frames.subarray((firstFrame + i) * BYTES_PER_FRAME, (firstFrame + i + 1) * BYTES_PER_FRAME);
  const out = new Float32Array(CHANNELS * steps * PIXELS_PER_FRAME);
  for (let t = 0; t < steps; t++)
    diffStep(frame(t), frame(t + 1), order, out, steps * PIXELS_PER_FRAME, t * PIXELS_PER_FRAME);
  return out;
}
