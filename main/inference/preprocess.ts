// Turns 128×128 uint8 HWC crops into the network input: raw B,G,R frame differences, NCTHW.

import { contiguousFrames, type FrameSource } from './frame-store.ts';
import { BYTES_PER_FRAME, CHANNELS, PIXELS_PER_FRAME } from './sspd-contract.ts';

/** Channel order of incoming frames; browsers and ffmpeg give RGB, OpenCV gives BGR. */
export type ChannelOrder = 'rgb' | 'bgr';

/**
 * Differences of `frameCount` consecutive frames starting at `firstFrame` in `frames`
 * (back-to-back HWC frames, or a FrameSource), as a (1, 3, frameCount−1, 128, 128) float32 tensor body with channel 0
 * = blue: the released weights were trained on OpenCV frames that were never converted.
 * Writes into `into` when it is large enough (a streaming caller reuses one buffer).
 */
export function frameDiffTensor(frames: Uint8Array | FrameSource, firstFrame: number, frameCount: number, order: ChannelOrder, into?: Float32Array): Float32Array {
  const steps = frameCount - 1;
  if (steps < 1) throw new RangeError('at least two frames are needed for one difference');
  if (frames instanceof Uint8Array && (firstFrame + frameCount) * BYTES_PER_FRAME > frames.length) throw new RangeError('frame range is outside the buffer');
  const frame = frames instanceof Uint8Array ? contiguousFrames(frames) : frames;
  const size = CHANNELS * steps * PIXELS_PER_FRAME;
  const out = into && into.length >= size ? into.subarray(0, size) : new Float32Array(size);
  // Source channel for each output channel (B, G, R).
  const source = order === 'rgb' ? [2, 1, 0] : [0, 1, 2];
  const plane = steps * PIXELS_PER_FRAME;
  let next = frame(firstFrame);
  for (let t = 0; t < steps; t++) {
    const prev = next;
    next = frame(firstFrame + t + 1);
    for (let c = 0; c < CHANNELS; c++) {
      const src = source[c]!;
      const base = c * plane + t * PIXELS_PER_FRAME;
      for (let p = 0, i = src; p < PIXELS_PER_FRAME; p++, i += CHANNELS) {
        out[base + p] = next[i]! - prev[i]!;
      }
    }
  }
  return out;
}
