// POS baseline: projection of temporally normalised RGB onto the plane orthogonal to skin tone.
// Wang W, den Brinker AC, Stuijk S, de Haan G. Algorithmic principles of remote PPG.
// IEEE Trans Biomed Eng 64(7):1479–1491, 2017 (Algorithm 1).

import { emptyTrace, normaliseWindow, type RgbTrace } from './rgb-means.ts';

/** Window over which colour is normalised and the two projections are tuned (paper: 1.6 s at 20 fps). */
export const POS_WINDOW_S = 1.6;

/** Overlap-adds the tuned projection h = S1 + (σ(S1)/σ(S2))·S2 of every window ending at each sample. */
export function posWang(rgb: RgbTrace, fs: number): Float64Array {
  const n = rgb.r.length;
  const l = Math.max(2, Math.round(POS_WINDOW_S * fs));
  const out = new Float64Array(n);
  const c = emptyTrace(l);
  const s1 = new Float64Array(l);
  const s2 = new Float64Array(l);
  for (let m = 0; m + l <= n; m++) {
    if (!normaliseWindow(rgb, m, l, c)) continue;
    let sum1 = 0;
    let sum2 = 0;
    for (let k = 0; k < l; k++) {
      s1[k] = c.g[k]! - c.b[k]!;
      s2[k] = -2 * c.r[k]! + c.g[k]! + c.b[k]!;
      sum1 += s1[k]!;
      sum2 += s2[k]!;
    }
    const m1 = sum1 / l;
    const m2 = sum2 / l;
    let v1 = 0;
    let v2 = 0;
    for (let k = 0; k < l; k++) {
      v1 += (s1[k]! - m1) * (s1[k]! - m1);
      v2 += (s2[k]! - m2) * (s2[k]! - m2);
    }
    const alpha = v2 > 0 ? Math.sqrt(v1 / v2) : 0;
    const hMean = m1 + alpha * m2;
    for (let k = 0; k < l; k++) out[m + k] = out[m + k]! + s1[k]! + alpha * s2[k]! - hMean;
  }
  return out;
}
