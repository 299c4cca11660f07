// Peak finding with scipy.signal.find_peaks semantics (plateau midpoints, distance by priority,
// prominence within a window), plus a per-peak distance for refractory periods that follow the heart rate.

export interface PeakOptions {
  /** Minimum samples between peaks; a number, or a function of the peak's sample index. */
  distance?: number | ((index: number) => number);
  /** Minimum prominence. */
  prominence?: number;
  /** Window (samples) the prominence search may span, like scipy's wlen; default: whole signal. */
  wlen?: number;
}

export interface Peaks {
  indices: Int32Array;
  prominences: Float64Array;
  /** Sample index of the lower of the two bases each prominence was measured from. */
  bases: Int32Array;
}

/** Local maxima; a flat top counts once, at its middle (rounded down). */
export function localMaxima(x: ArrayLike<number>): number[] {
  const peaks: number[] = [];
  const last = x.length - 1;
  let i = 1;
  while (i < last) {
    if (x[i - 1]! < x[i]!) {
      let ahead = i + 1;
      while (ahead < last && x[ahead] === x[i]) ahead++;
      if (x[ahead]! < x[i]!) {
        peaks.push((i + ahead - 1) >> 1);
        i = ahead;
      }
    }
    i++;
  }
  return peaks;
}

/** Keeps the highest peaks first, dropping neighbours closer than the distance (scipy's rule). */
function selectByDistance(x: ArrayLike<number>, peaks: number[], distance: (index: number) => number): number[] {
  const keep = new Uint8Array(peaks.length).fill(1);
  const order = peaks.map((_, i) => i).sort((a, b) => x[peaks[a]!]! - x[peaks[b]!]!);
  for (let r = order.length - 1; r >= 0; r--) {
    const j = order[r]!;
    if (!keep[j]) continue;
    const d = Math.ceil(distance(peaks[j]!));
    for (let k = j - 1; k >= 0 && peaks[j]! - peaks[k]! < d; k--) keep[k] = 0;
    for (let k = j + 1; k < peaks.length && peaks[k]! - peaks[j]! < d; k++) keep[k] = 0;
  }
  return peaks.filter((_, i) => keep[i]);
}

/** Height of a peak over the higher of the lowest points reached on each side before higher ground. */
function prominence(x: ArrayLike<number>, peak: number, wlen: number): { value: number; base: number } {
  const half = wlen >= 2 ? Math.floor(Math.ceil(wlen) / 2) : x.length;
  const lo = Math.max(0, peak - half);
  const hi = Math.min(x.length - 1, peak + half);
  const h = x[peak]!;
  let leftMin = h;
  let leftBase = peak;
  for (let i = peak; i >= lo && x[i]! <= h; i--) {
    if (x[i]! < leftMin) {
      leftMin = x[i]!;
      leftBase = i;
    }
  }
  let rightMin = h;
  let rightBase = peak;
  for (let i = peak; i <= hi && x[i]! <= h; i++) {
    if (x[i]! < rightMin) {
      rightMin = x[i]!;
      rightBase = i;
    }
  }
  return leftMin > rightMin ? { value: h - leftMin, base: leftBase } : { value: h - rightMin, base: rightBase };
}

export function findPeaks(x: ArrayLike<number>, options: PeakOptions = {}): Peaks {
  let peaks = localMaxima(x);
  const { distance } = options;
  if (distance !== undefined)
    peaks = selectByDistance(x, peaks, typeof distance === 'number' ? () => distance : distance);
  const wlen = options.wlen ?? 0;
  const indices: number[] = [];
  const proms: number[] = [];
  const bases: number[] = [];
  for (const p of peaks) {
    const prom = prominence(x, p, wlen);
    if (options.prominence !== undefined && prom.value < options.prominence) continue;
    indices.push(p);
    proms.push(prom.value);
    bases.push(prom.base);
  }
  return { indices: Int32Array.from(indices), prominences: Float64Array.from(proms), bases: Int32Array.from(bases) };
}
