// Radix-2 FFT of real input (via a half-size complex transform) returning one-sided power |X[k]|².

import { SignalError } from './errors.ts';

export interface RealFft {
  readonly size: number;
  /** |X[k]|² for k = 0..size/2 of `input` (length ≤ size, zero-padded), written into `out`. */
  power(input: Float64Array, out: Float64Array, bins?: number): void;
}

const plans = new Map<number, RealFft>();

/** Plans are cached per size: twiddles and bit reversal are computed once. */
export function realFft(size: number): RealFft {
  let plan = plans.get(size);
  if (!plan) {
    plan = createPlan(size);
    plans.set(size, plan);
  }
  return plan;
}

function createPlan(size: number): RealFft {
  if (size < 4 || (size & (size - 1)) !== 0)
    throw new SignalError('invalid-option', `FFT size must be a power of two ≥ 4, got ${size}`);
  const half = size >> 1;
  const rev = new Uint32Array(half);
  const bits = Math.log2(half);
  for (let i = 0; i < half; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    rev[i] = r;
  }
  // Twiddles of the full size: the complex stages use every other one, the real split uses all.
  const cos = new Float64Array(half);
  const sin = new Float64Array(half);
  for (let k = 0; k < half; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / size);
    sin[k] = -Math.sin((2 * Math.PI * k) / size);
  }
  const re = new Float64Array(half);
  const im = new Float64Array(half);

  function power(input: Float64Array, out: Float64Array, bins = half + 1): void {
    const n = Math.min(input.length, size);
    // Pack even/odd samples as real/imaginary parts, bit-reversed.
    for (let i = 0; i < half; i++) {
      const j = rev[i]!;
      const a = 2 * i;
      re[j] = a < n ? input[a]! : 0;
      im[j] = a + 1 < n ? input[a + 1]! : 0;
    }
    // Stage of length 2 has unit twiddles.
    for (let p = 0; p < half; p += 2) {
      const xr = re[p + 1]!;
      const xi = im[p + 1]!;
      re[p + 1] = re[p]! - xr;
      im[p + 1] = im[p]! - xi;
      re[p] = re[p]! + xr;
      im[p] = im[p]! + xi;
    }
    for (let len = 4, stride = half >> 1; len <= half; len <<= 1, stride >>= 1) {
      const h = len >> 1;
      for (let k = 0; k < h; k++) {
        const wr = cos[k * stride]!;
        const wi = sin[k * stride]!;
        for (let p = k; p < half; p += len) {
          const q = p + h;
          const xr = re[q]! * wr - im[q]! * wi;
          const xi = re[q]! * wi + im[q]! * wr;
          re[q] = re[p]! - xr;
          im[q] = im[p]! - xi;
          re[p] = re[p]! + xr;
          im[p] = im[p]! + xi;
        }
      }
    }
    const last = Math.min(bins, half + 1);
    for (let k = 0; k < last; k++) {
      const k1 = k === half ? 0 : k;
      const k2 = k === 0 ? 0 : half - k;
      const zr = re[k1]!;
      const zi = im[k1]!;
      const cr = re[k2]!;
      const ci = -im[k2]!;
      // X[k] = (Z[k] + conj Z[N/2-k])/2 − i·W^k·(Z[k] − conj Z[N/2-k])/2
      const er = 0.5 * (zr + cr);
      const ei = 0.5 * (zi + ci);
      const or = 0.5 * (zr - cr);
      const oi = 0.5 * (zi - ci);
      const wr = k === half ? -1 : cos[k]!;
      const wi = k === half ? 0 : sin[k]!;
      // (or + i·oi)·(wr + i·wi)·(−i)
      const tr = or * wr - oi * wi;
      const ti = or * wi + oi * wr;
      const xr = er + ti;
      const xi = ei - tr;
      out[k] = xr * xr + xi * xi;
    }
  }

  return { size, power };
}
