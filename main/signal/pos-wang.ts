// POS baseline: projection of temporally normalised RGB onto the plane orthogonal to skin tone.
// Wang W, den Brinker AC, Stuijk S, de Haan G. Algorithmic principles of remote PPG.
// IEEE Trans Biomed Eng 64(7):1479–1491, 2017 (Algorithm 1).

import type { RgbTrace } from './rgb-means.ts';

/** Window over which colour is normalised and the two projections are tuned (paper: 1.6 s at 20 fps). */
export const POS_WINDOW_S = 1.6;

/** Overlap-adds the tuned projection h = S1 + (σ(S1)/σ(S2))·S2 of every window ending at each sample. */
export function posWang(rgb: RgbTrace, fs: number): Float64Array {
  const { r, g, b } = rgb;
  const n = r.length;
  const l = Math.max(2, Math.round(POS_WINDOW_S * fs));
  const out = new Float64Array(n);
  const s1 = new Float64Array(l);
  const s2 = new Float64Array(l);
  for (let m = 0; m + l <= n; m++) {
    let mr = 0;
    let mg = 0;
    let mb = 0;
    for (let i = m; i < m + l; i++) {
      mr += r[i]!;
      mg += g[i]!;
      mb += b[i]!;
    }
    if (!(mr > 0 && mg > 0 && mb > 0)) continue;
    mr = l / mr;
    mg = l / mg;
    mb = l / mb;
    let sum1 = 0;
    let sum2 = 0;
    for (let k = 0; k < l; k++) {
      const cr = r[m + k]! * mr;
      const cg = g[m + k]! * mg;
      const cb = b[m + k]! * mb;
      s1[k] = cg - cb;
      s2[k] = -2 * cr + cg + cb;
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
