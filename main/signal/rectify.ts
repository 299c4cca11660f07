// Illumination rectification: removes from a skin signal what a non-skin reference region explains, by least
// squares over sliding windows (Hann overlap-added), after Li X, Chen J, Zhao G, Pietikäinen M. Remote heart rate
// measurement from face videos under realistic situations. CVPR 2014 (there with an NLMS filter on the green
// channel; a windowed least-squares fit needs no step size and follows a flicker whose depth changes).

import { solveLinear } from './linear-solve.ts';
import { hann } from './windows.ts';

/** Window of each fit and its hop: long enough that a pulse and the light rarely correlate by chance. */
export const RECTIFY_WINDOW_S = 8;
export const RECTIFY_HOP_S = 2;

/** Least-squares weights of `refs` for `y` over [start, start + len) (normal equations, small ridge). */
function fit(y: Float64Array, refs: Float64Array[], start: number, len: number): number[] {
  const m = refs.length;
  const a = Array.from({ length: m }, () => new Float64Array(m));
  const b = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    for (let j = i; j < m; j++) {
      let s = 0;
      for (let k = start; k < start + len; k++) s += refs[i]![k]! * refs[j]![k]!;
      a[i]![j] = s;
      a[j]![i] = s;
    }
    let s = 0;
    for (let k = start; k < start + len; k++) s += refs[i]![k]! * y[k]!;
    b[i] = s;
  }
  let trace = 0;
  for (let i = 0; i < m; i++) trace += a[i]![i]!;
  for (let i = 0; i < m; i++) a[i]![i] = a[i]![i]! + 1e-9 * trace + 1e-30;
  return solveLinear(a, b);
}

/**
 * `y` minus its least-squares fit on `refs` (same length, both already band-passed), fitted per window of
 * RECTIFY_WINDOW_S and blended with Hann weights. A signal shorter than a window gets one fit.
 */
export function rectify(y: Float64Array, refs: Float64Array[], fs: number): Float64Array {
  const n = y.length;
  if (refs.length === 0 || n === 0) return Float64Array.from(y);
  const len = Math.min(n, Math.max(4, Math.round(RECTIFY_WINDOW_S * fs)));
  const hop = Math.max(1, Math.round(RECTIFY_HOP_S * fs));
  const starts: number[] = [];
  for (let s = 0; s + len <= n; s += hop) starts.push(s);
  if (starts.at(-1)! + len < n) starts.push(n - len);
  const out = new Float64Array(n);
  const weight = new Float64Array(n);
  const taper = hann(len, false);
  for (const start of starts) {
    const w = fit(y, refs, start, len);
    for (let k = 0; k < len; k++) {
      let model = 0;
      for (let i = 0; i < refs.length; i++) model += w[i]! * refs[i]![start + k]!;
      // Hann weights vanish at the edges: the first and last windows keep their outer samples at full weight.
      const edge = (start === 0 && k < len / 2) || (start === starts.at(-1) && k >= len / 2);
      const t = edge ? 1 : taper[k]!;
      out[start + k] = out[start + k]! + t * (y[start + k]! - model);
      weight[start + k] = weight[start + k]! + t;
    }
  }
  for (let i = 0; i < n; i++) out[i] = weight[i]! > 0 ? out[i]! / weight[i]! : y[i]!;
  return out;
}
