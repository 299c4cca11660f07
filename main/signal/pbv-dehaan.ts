// PBV: the pulse as the combination of normalised R, G, B that follows the blood-volume pulse's own colour
// signature while passing as little of any other colour change (light flicker, motion) as possible:
// w = k · Pbv · Q⁻¹ per short window, Q the window's colour covariance, Hann overlap-added.
// de Haan G, van Leest A. Improved motion robustness of remote-PPG by using the blood volume pulse
// signature. Physiol Meas 35(9):1913–1926, 2014.

import { emptyTrace, normaliseWindow, type RgbTrace } from './rgb-means.ts';
import { hann } from './windows.ts';

/** The normalised blood-volume pulse signature of skin, R, G, B (the paper's Pbv). */
export const PBV_SIGNATURE: readonly [number, number, number] = [0.33, 0.77, 0.53];
/** Window over which the covariance is taken (as POS and CHROM); windows hop by a quarter. */
export const PBV_WINDOW_S = 1.6;
/** Relative ridge on Q, so a window of nearly constant colour does not blow up the weights. */
const RIDGE = 1e-9;

/** Solves the symmetric 3×3 system q·w = p (Cramer's rule); null when q is singular. */
function solve3(q: number[], p: readonly number[]): number[] | null {
  const [a, b, c, d, e, f] = [q[0]!, q[1]!, q[2]!, q[4]!, q[5]!, q[8]!];
  const det = a * (d * f - e * e) - b * (b * f - e * c) + c * (b * e - d * c);
  if (!(Math.abs(det) > 0)) return null;
  const inv = [d * f - e * e, c * e - b * f, b * e - c * d, a * f - c * c, b * c - a * e, a * d - b * b];
  const [i00, i01, i02, i11, i12, i22] = inv.map((v) => v / det) as [number, number, number, number, number, number];
  return [
    i00 * p[0]! + i01 * p[1]! + i02 * p[2]!,
    i01 * p[0]! + i11 * p[1]! + i12 * p[2]!,
    i02 * p[0]! + i12 * p[1]! + i22 * p[2]!,
  ];
}

export function pbvDeHaan(rgb: RgbTrace, fs: number): Float64Array {
  const n = rgb.r.length;
  const win = Math.max(4, Math.round(PBV_WINDOW_S * fs));
  const hop = Math.max(1, Math.floor(win / 4));
  const out = new Float64Array(n);
  const weight = new Float64Array(n);
  const c = emptyTrace(win);
  const taper = hann(win, false);
  const norm = Math.hypot(...PBV_SIGNATURE);
  const pbv = PBV_SIGNATURE.map((v) => v / norm);
  const starts: number[] = [];
  for (let s = 0; s + win <= n; s += hop) starts.push(s);
  if (starts.length && starts.at(-1)! + win < n) starts.push(n - win);
  for (const start of starts) {
    if (!normaliseWindow(rgb, start, win, c)) continue;
    const ch = [c.r, c.g, c.b];
    // Normalised channels have mean 1: centre them, then take their covariance.
    for (const x of ch) for (let k = 0; k < win; k++) x[k] = x[k]! - 1;
    const q = [0, 0, 0, 0, 0, 0, 0, 0, 0];
    for (let i = 0; i < 3; i++)
      for (let j = i; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < win; k++) s += ch[i]![k]! * ch[j]![k]!;
        q[i * 3 + j] = s;
        q[j * 3 + i] = s;
      }
    const trace = q[0]! + q[4]! + q[8]!;
    for (let i = 0; i < 3; i++) q[i * 4] = q[i * 4]! + RIDGE * (trace + 1e-12);
    const w = solve3(q, pbv);
    if (!w) continue;
    const k = 1 / Math.sqrt(Math.max(1e-30, w[0]! * pbv[0]! + w[1]! * pbv[1]! + w[2]! * pbv[2]!));
    let mean = 0;
    const h = new Float64Array(win);
    for (let t = 0; t < win; t++) {
      h[t] = k * (w[0]! * c.r[t]! + w[1]! * c.g[t]! + w[2]! * c.b[t]!);
      mean += h[t]!;
    }
    mean /= win;
    for (let t = 0; t < win; t++) {
      out[start + t] = out[start + t]! + taper[t]! * (h[t]! - mean);
      weight[start + t] = weight[start + t]! + taper[t]!;
    }
  }
  // More blood absorbs more light: flip so the pulse rises with blood volume, as the other methods do.
  for (let i = 0; i < n; i++) out[i] = weight[i]! > 1e-9 ? -out[i]! / weight[i]! : 0;
  return out;
}
