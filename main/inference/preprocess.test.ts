import { describe, expect, it } from 'vitest';
import { frameDiffTensor } from './preprocess.ts';
import { BYTES_PER_FRAME, PIXELS_PER_FRAME } from './sspd-contract.ts';

/** Frames whose pixel p in frame t has R = t, G = 10·t, B = 100·t (mod 256) plus p-dependent R. */
function frames(count: number): Uint8Array {
  const data = new Uint8Array(count * BYTES_PER_FRAME);
  for (let t = 0; t < count; t++) {
    for (let p = 0; p < PIXELS_PER_FRAME; p++) {
      const i = t * BYTES_PER_FRAME + p * 3;
      data[i] = (t * (p % 7)) & 255;
      data[i + 1] = 10 * t;
      data[i + 2] = 100 * t;
    }
  }
  return data;
}

describe('frame differences', () => {
  it('puts blue first and keeps raw 0–255 differences for RGB input, in NCTHW layout', () => {
    const x = frameDiffTensor(frames(3), 0, 3, 'rgb');
    expect(x.length).toBe(3 * 2 * PIXELS_PER_FRAME);
    const at = (c: number, t: number, p: number): number => x[(c * 2 + t) * PIXELS_PER_FRAME + p]!;
    expect(at(0, 0, 5)).toBe(100); // blue: 100 − 0
    expect(at(1, 1, 5)).toBe(10); // green
    expect(at(2, 1, 5)).toBe(5); // red: 2·5 − 1·5
  });

  it('keeps the order of BGR input and gives negative differences when a channel darkens', () => {
    // Reversing the bytes swaps the two frames and turns each R,G,B pixel into B,G,R.
    const x = frameDiffTensor(frames(2).reverse(), 0, 2, 'bgr');
    expect(x[0]).toBe(-100); // blue
    expect(x[2 * PIXELS_PER_FRAME - 1]).toBe(-10); // green, last pixel
  });

  it('reads a frame range out of a longer buffer', () => {
    const all = frameDiffTensor(frames(5), 0, 5, 'rgb');
    const tail = frameDiffTensor(frames(5), 2, 3, 'rgb');
    for (let c = 0; c < 3; c++) {
      expect(tail.subarray(c * 2 * PIXELS_PER_FRAME, (c + 1) * 2 * PIXELS_PER_FRAME)).toEqual(
        all.subarray((c * 4 + 2) * PIXELS_PER_FRAME, (c * 4 + 4) * PIXELS_PER_FRAME),
      );
    }
  });

  it('rejects a range with fewer than two frames or outside the buffer', () => {
    expect(() => frameDiffTensor(frames(2), 0, 1, 'rgb')).toThrow(RangeError);
    expect(() => frameDiffTensor(frames(2), 1, 2, 'rgb')).toThrow(RangeError);
  });
});
