// The SSPD resize rule and the two OpenCV resamplers it is made of, on interleaved 8-bit images.
//
// The authors stored each crop at 151×151 (bilinear) and fed the network 128×128 made from those with
// OpenCV's area interpolation (models/SSPD-SPEC.md, "Input"). We repeat both steps, rounding to 8 bits in
// between as their stored images did, so live crops match what the released weights saw. The resamplers
// follow OpenCV's INTER_LINEAR and INTER_AREA definitions in floating point; OpenCV's 8-bit linear path
// uses fixed-point weights, so results can differ from it by 1 LSB here and there.

/** An interleaved image: `channels` bytes per pixel, rows packed with no padding. */
export interface Image {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: number;
}

/** What the resamplers return: always a fresh Uint8Array. */
export type ResizedImage = Image & { data: Uint8Array };

/** The size the authors stored crops at. */
export const SSPD_STORED_SIZE = 151;
/** The network's input size. */
export const SSPD_INPUT_SIZE = 128;

/** Crop (any size, RGB or RGBA) → 128×128 RGB: bilinear to 151×151, then area to 128×128. */
export function sspdResize(crop: Image): ResizedImage {
  const stored = resizeBilinear(crop, SSPD_STORED_SIZE, SSPD_STORED_SIZE, 3);
  return resizeArea(stored, SSPD_INPUT_SIZE, SSPD_INPUT_SIZE);
}

/** OpenCV INTER_LINEAR: pixel centres at +0.5, edges clamped. Keeps the first `outChannels` channels. */
export function resizeBilinear(src: Image, width: number, height: number, outChannels = src.channels): ResizedImage {
  checkSizes(src, width, height, outChannels);
  const xs = linearTaps(src.width, width);
  const ys = linearTaps(src.height, height);
  const out = new Uint8Array(width * height * outChannels);
  const { data, channels } = src;
  const row = src.width * channels;
  for (let dy = 0; dy < height; dy++) {
    const y = ys[dy]!;
    const r0 = y.i0 * row;
    const r1 = y.i1 * row;
    for (let dx = 0; dx < width; dx++) {
      const x = xs[dx]!;
      const c0 = x.i0 * channels;
      const c1 = x.i1 * channels;
      const o = (dy * width + dx) * outChannels;
      for (let c = 0; c < outChannels; c++) {
        const top = data[r0 + c0 + c]! * (1 - x.f) + data[r0 + c1 + c]! * x.f;
        const bottom = data[r1 + c0 + c]! * (1 - x.f) + data[r1 + c1 + c]! * x.f;
        out[o + c] = Math.round(top * (1 - y.f) + bottom * y.f);
      }
    }
  }
  return { data: out, width, height, channels: outChannels };
}

/**
 * OpenCV INTER_AREA for shrinking: each output pixel is the mean of the source area it covers, partial
 * pixels weighted by the fraction covered (separable, so done as a horizontal then a vertical pass).
 * Enlarging falls back to bilinear, which is what area interpolation amounts to there.
 */
export function resizeArea(src: Image, width: number, height: number, outChannels = src.channels): ResizedImage {
  checkSizes(src, width, height, outChannels);
  if (width > src.width || height > src.height) return resizeBilinear(src, width, height, outChannels);
  const xs = areaTaps(src.width, width);
  const ys = areaTaps(src.height, height);
  const { data, channels } = src;
  // Horizontal pass into floats: src.height rows of `width` pixels.
  const mid = new Float64Array(src.height * width * outChannels);
  for (let sy = 0; sy < src.height; sy++) {
    const rowIn = sy * src.width * channels;
    const rowOut = sy * width * outChannels;
    for (let dx = 0; dx < width; dx++) {
      const tap = xs[dx]!;
      for (let k = 0; k < tap.index.length; k++) {
        const i = rowIn + tap.index[k]! * channels;
        const w = tap.weight[k]!;
        const o = rowOut + dx * outChannels;
        for (let c = 0; c < outChannels; c++) mid[o + c] = mid[o + c]! + data[i + c]! * w;
      }
    }
  }
  const out = new Uint8Array(width * height * outChannels);
  const stride = width * outChannels;
  for (let dy = 0; dy < height; dy++) {
    const tap = ys[dy]!;
    for (let j = 0; j < stride; j++) {
      let sum = 0;
      for (let k = 0; k < tap.index.length; k++) sum += mid[tap.index[k]! * stride + j]! * tap.weight[k]!;
      out[dy * stride + j] = Math.min(255, Math.round(sum));
    }
  }
  return { data: out, width, height, channels: outChannels };
}

/** Mean of each of the first three channels, and Rec. 601 luma of that mean (0–255). */
export function meanColor(image: Image): { r: number; g: number; b: number; luma: number } {
  const { data, channels } = image;
  let r = 0;
  let g = 0;
  let b = 0;
  const n = image.width * image.height;
  for (let i = 0; i < n * channels; i += channels) {
    r += data[i]!;
    g += data[i + 1]!;
    b += data[i + 2]!;
  }
  const k = n > 0 ? 1 / n : 0;
  r *= k;
  g *= k;
  b *= k;
  return { r, g, b, luma: 0.299 * r + 0.587 * g + 0.114 * b };
}

const linearTaps = remembered(function linearTaps(
  srcLen: number,
  dstLen: number,
): Array<{ i0: number; i1: number; f: number }> {
  const scale = srcLen / dstLen;
  return Array.from({ length: dstLen }, (_, d) => {
    const fx = (d + 0.5) * scale - 0.5;
    let i0 = Math.floor(fx);
    let f = fx - i0;
    if (i0 < 0) {
      i0 = 0;
      f = 0;
    }
    if (i0 >= srcLen - 1) {
      i0 = srcLen - 1;
      f = 0;
    }
    return { i0, i1: Math.min(i0 + 1, srcLen - 1), f };
  });
});

const areaTaps = remembered(function areaTaps(
  srcLen: number,
  dstLen: number,
): Array<{ index: number[]; weight: number[] }> {
  const scale = srcLen / dstLen;
  return Array.from({ length: dstLen }, (_, d) => {
    const start = d * scale;
    const end = start + scale;
    const index: number[] = [];
    const weight: number[] = [];
    for (let s = Math.floor(start); s < Math.min(srcLen, Math.ceil(end)); s++) {
      const cover = Math.min(end, s + 1) - Math.max(start, s);
      // OpenCV ignores slivers below 1e-3 of a pixel (float noise in start/end).
      if (cover > 1e-3) {
        index.push(s);
        weight.push(cover);
      }
    }
    const total = weight.reduce((a, b) => a + b, 0);
    return { index, weight: weight.map((w) => w / total) };
  });
});

/** Kept taps for the last few sizes: a tracked face's box keeps its size frame after frame (read-only results). */
function remembered<T>(make: (srcLen: number, dstLen: number) => T, keep = 16): (srcLen: number, dstLen: number) => T {
  const cache = new Map<string, T>();
  return (srcLen, dstLen) => {
    const key = `${srcLen}:${dstLen}`;
    let taps = cache.get(key);
    if (!taps) {
      taps = make(srcLen, dstLen);
      if (cache.size >= keep) cache.delete(cache.keys().next().value!);
      cache.set(key, taps);
    }
    return taps;
  };
}

function checkSizes(src: Image, width: number, height: number, outChannels: number): void {
  if (!(width >= 1 && height >= 1 && src.width >= 1 && src.height >= 1))
    throw new RangeError('image sizes must be ≥ 1');
  if (outChannels > src.channels) throw new RangeError(`cannot take ${outChannels} channels from ${src.channels}`);
  if (src.data.length < src.width * src.height * src.channels) throw new RangeError('image data shorter than its size');
}
