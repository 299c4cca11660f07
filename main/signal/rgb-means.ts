// Per-frame mean R, G, B of a face/skin crop (RGB interleaved bytes), the input of the classical methods.

import { CROP_SIZE } from '../../common/capture.ts';
import { SignalError } from './errors.ts';

export interface RgbTrace {
  r: Float64Array;
  g: Float64Array;
  b: Float64Array;
}

/**
 * Mean of each channel over a width×height crop, 3 bytes per pixel (R, G, B). With `mask`, only pixels
 * whose mask byte is non-zero count (e.g. skin); an all-zero mask gives NaN channels, which the timing
 * step then treats as a missing frame.
 */
export function cropMeans(
  crop: Uint8Array,
  width = CROP_SIZE,
  height = CROP_SIZE,
  mask?: Uint8Array,
): [number, number, number] {
  const pixels = width * height;
  if (crop.length !== pixels * 3)
    throw new SignalError('invalid-input', `a ${width}×${height} RGB crop has ${pixels * 3} bytes, got ${crop.length}`);
  if (mask && mask.length !== pixels)
    throw new SignalError('length-mismatch', `mask has ${mask.length} entries for ${pixels} pixels`);
  let r = 0;
  let g = 0;
  let b = 0;
  let count = 0;
  for (let p = 0, i = 0; p < pixels; p++, i += 3) {
    if (mask && !mask[p]) continue;
    r += crop[i]!;
    g += crop[i + 1]!;
    b += crop[i + 2]!;
    count++;
  }
  return count > 0 ? [r / count, g / count, b / count] : [NaN, NaN, NaN];
}

/** Channel means of every crop in order, as three traces. */
export function rgbTraceFromCrops(
  crops: readonly Uint8Array[],
  width = CROP_SIZE,
  height = CROP_SIZE,
  masks?: readonly (Uint8Array | undefined)[],
): RgbTrace {
  const n = crops.length;
  const trace: RgbTrace = { r: new Float64Array(n), g: new Float64Array(n), b: new Float64Array(n) };
  for (let f = 0; f < n; f++) {
    const [r, g, b] = cropMeans(crops[f]!, width, height, masks?.[f]);
    trace.r[f] = r;
    trace.g[f] = g;
    trace.b[f] = b;
  }
  return trace;
}

/**
 * Writes samples [start, start + len) of each channel divided by its mean over that span into `out`
 * (temporal normalisation, shared by POS and CHROM); false when a mean is not positive (no light).
 */
export function normaliseWindow(rgb: RgbTrace, start: number, len: number, out: RgbTrace): boolean {
  let mr = 0;
  let mg = 0;
  let mb = 0;
  for (let i = start; i < start + len; i++) {
    mr += rgb.r[i]!;
    mg += rgb.g[i]!;
    mb += rgb.b[i]!;
  }
  if (!(mr > 0 && mg > 0 && mb > 0)) return false;
  for (let k = 0; k < len; k++) {
    out.r[k] = (rgb.r[start + k]! * len) / mr;
    out.g[k] = (rgb.g[start + k]! * len) / mg;
    out.b[k] = (rgb.b[start + k]! * len) / mb;
  }
  return true;
}

export function emptyTrace(n: number): RgbTrace {
  return { r: new Float64Array(n), g: new Float64Array(n), b: new Float64Array(n) };
}
