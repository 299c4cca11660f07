// Small numeric helpers over typed arrays shared by every module (mean, spread, order statistics).

export type Numeric = ArrayLike<number>;

export function mean(x: Numeric, start = 0, end = x.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += x[i]!;
  return end > start ? sum / (end - start) : 0;
}

/** Standard deviation; ddof = 0 is the population value (numpy's default), 1 the sample value. */
export function std(x: Numeric, ddof = 0, start = 0, end = x.length): number {
  const n = end - start;
  if (n - ddof <= 0) return 0;
  const m = mean(x, start, end);
  let ss = 0;
  for (let i = start; i < end; i++) {
    const d = x[i]! - m;
    ss += d * d;
  }
  return Math.sqrt(ss / (n - ddof));
}

/** Linear-interpolated quantile (numpy's default), q in [0, 1]; 0 for an empty input. */
export function quantile(x: Numeric, q: number): number {
  const n = x.length;
  if (n === 0) return 0;
  const sorted = Float64Array.from(x).sort();
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function median(x: Numeric): number {
  return quantile(x, 0.5);
}

export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}

export function isConstant(x: Numeric): boolean {
  for (let i = 1; i < x.length; i++) if (x[i] !== x[0]) return false;
  return true;
}

/** Vertex offset (in samples, within ±0.5 for a true local maximum) of the parabola through three points. */
export function parabolicOffset(a: number, b: number, c: number): number {
  const denom = a - 2 * b + c;
  if (denom >= 0) return 0;
  const d = (0.5 * (a - c)) / denom;
  return d > 0.5 ? 0.5 : d < -0.5 ? -0.5 : d;
}

/** Value of that parabola at its vertex. */
export function parabolicPeak(a: number, b: number, c: number, offset: number): number {
  return b - 0.25 * (a - c) * offset;
}

export function toFloat64(x: Numeric): Float64Array {
  return x instanceof Float64Array ? x : Float64Array.from(x);
}
