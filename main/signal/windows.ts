// Taper windows and a centred moving average used by spectra, baselines and beat detection.

const hannCache = new Map<string, Float64Array>();

/** Hann window; periodic (scipy's default for spectra) or symmetric (numpy.hanning). Cached, do not mutate. */
export function hann(n: number, periodic = true): Float64Array {
  const key = `${n}:${periodic}`;
  let w = hannCache.get(key);
  if (!w) {
    w = new Float64Array(n);
    const denom = periodic ? n : n - 1;
    if (n === 1) w[0] = 1;
    else for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / denom);
    hannCache.set(key, w);
  }
  return w;
}

/** Centred moving average over `len` samples (shrinking at the edges), O(n) with a running sum. */
export function movingAverage(x: ArrayLike<number>, len: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  const half = Math.max(0, Math.floor(len / 2));
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + x[i]!;
  for (let i = 0; i < n; i++) {
    const lo = Math.max(0, i - half);
    const hi = Math.min(n, i + half + 1);
    out[i] = (prefix[hi]! - prefix[lo]!) / (hi - lo);
  }
  return out;
}
