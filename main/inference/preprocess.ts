// Turns 128×128 uint8 HWC crops into the network input: raw B,G,R frame differences, NCTHW.

import { BYTES_PER_FRAME, CHANNELS, PIXELS_PER_FRAME } from './sspd-contract.ts';

/** Channel order of incoming frames; browsers and ffmpeg give RGB, OpenCV gives BGR. */
export type ChannelOrder = 'rgb' | 'bgr';

/**
 * Differences of `frameCount` consecutive frames starting at `firstFrame` in `frames`
 * (contiguous HWC frames), as a (1, 3, frameCount−1, 128, 128) float32 tensor body with channel 0
 * = blue: the released weights were trained on OpenCV frames that were never converted.
 * Writes into `into` when it is large enough (a streaming caller reuses one buffer).
 */
export function frameDiffTensor(frames: Uint8Array, firstFrame: number, frameCount: number, order: ChannelOrder, into?: Float32Array): Float32Array {
  const steps = frameCount - 1;
  if (steps < 1) throw new RangeError('at least two frames are needed for one difference');
  if ((firstFrame + frameCount) * BYTES_PER_FRAME > frames.length) throw new RangeError('frame range is outside the buffer');
  const size = CHANNELS * steps * PIXELS_PER_FRAME;
  const out = into && into.length >= size ? into.subarray(0, size) : new Float32Array(size);
  // Source channel for each output channel (B, G, R).
  const source = order === 'rgb' ? [2, 1, 0] : [0, 1, 2];
  const plane = steps * PIXELS_PER_FRAME;
  for (let t = 0; t < steps; t++) {
    const prev = (firstFrame + t) * BYTES_PER_FRAME;
    const next = prev + BYTES_PER_FRAME;
    for (let c = 0; c < CHANNELS; c++) {
      const src = source[c]!;
      const base = c * plane + t * PIXELS_PER_FRAME;
      for (let p = 0, i = src; p < PIXELS_PER_FRAME; p++, i += CHANNELS) {
        out[base + p] = frames[next + i]! - frames[prev + i]!;
      }
    }
  }
  return out;
}
