// CHROM baseline: chrominance signals X = 3R − 2G and Y = 1.5R + G − 1.5B, band-passed per window and
// combined as X − αY with α = σ(X)/σ(Y), then Hann overlap-added.
// de Haan G, Jeanne V. Robust pulse rate from chrominance-based rPPG. IEEE Trans Biomed Eng
// 60(10):2878–2886, 2013.

import { bandpass } from './filtfilt.ts';
import { emptyTrace, normaliseWindow, type RgbTrace } from './rgb-means.ts';
import { std } from './stats.ts';
import { hann } from './windows.ts';

/** Window length (even, halves overlap) as in the paper's implementation. */
export const CHROM_WINDOW_S = 1.6;
/** Prototype order of the per-window band-pass (rPPG-Toolbox uses 3). */
export const CHROM_FILTER_ORDER = 3;

export function chromDeHaan(rgb: RgbTrace, fs: number, bandHz: readonly [number, number]): Float64Array {
  const n = rgb.r.length;
  let win = Math.round(CHROM_WINDOW_S * fs);
  if (win % 2) win++;
  const half = win / 2;
  const out = new Float64Array(n);
  const c = emptyTrace(win);
  const x = new Float64Array(win);
  const y = new Float64Array(win);
  const taper = hann(win, false);
  for (let start = 0; start + win <= n; start += half) {
    if (!normaliseWindow(rgb, start, win, c)) continue;
    for (let k = 0; k < win; k++) {
      x[k] = 3 * c.r[k]! - 2 * c.g[k]!;
      y[k] = 1.5 * c.r[k]! + c.g[k]! - 1.5 * c.b[k]!;
    }
    const xf = bandpass(x, bandHz[0], bandHz[1], fs, CHROM_FILTER_ORDER);
    const yf = bandpass(y, bandHz[0], bandHz[1], fs, CHROM_FILTER_ORDER);
    const sy = std(yf);
    const alpha = sy > 0 ? std(xf) / sy : 0;
    // First half adds to the previous window's tail; the second half is written fresh.
    for (let k = 0; k < win; k++) {
      const v = (xf[k]! - alpha * yf[k]!) * taper[k]!;
      out[start + k] = k < half ? out[start + k]! + v : v;
    }
  }
  return out;
}
