// R-peak detection in an ECG after Pan & Tompkins, "A real-time QRS detection algorithm", IEEE Trans. Biomed.
// Eng. 32(3):230–236, 1985: band-pass 5–15 Hz, five-point derivative, squaring, 150 ms moving-window integration,
// adaptive signal/noise thresholds with search-back for missed beats and T-wave rejection. Offline here, so the
// filters are zero-phase (the paper's delays need no compensation) and each R peak is placed on the band-passed ECG.
import { bandpass } from '../signal/index.ts';

const BAND_HZ = [5, 15] as const;
const INTEGRATION_S = 0.15;
/** No two QRS complexes closer than the refractory period. */
const REFRACTORY_S = 0.2;
/** A candidate within this time of the last QRS is checked for being a T wave (slope under half the QRS's). */
const T_WAVE_S = 0.36;
/** A gap past this share of the mean RR triggers a search back at half the threshold. */
const SEARCH_BACK_RR = 1.66;
/** The first seconds train the thresholds. */
const LEARN_S = 2;

/** Beat times (s from the first sample) of the R peaks of `ecg` sampled at `fs`. */
export function detectRPeaks(ecg: ArrayLike<number>, fs: number): number[] {
  const n = ecg.length;
  if (n < fs * LEARN_S) return [];
  const filtered = bandpass(ecg, BAND_HZ[0], Math.min(BAND_HZ[1], fs * 0.45), fs, 2);
  // Five-point derivative, centred: (−x[n−2] − 2x[n−1] + 2x[n+1] + x[n+2]) · fs / 8.
  const slope = new Float64Array(n);
  for (let i = 2; i < n - 2; i++)
    slope[i] = ((-filtered[i - 2]! - 2 * filtered[i - 1]! + 2 * filtered[i + 1]! + filtered[i + 2]!) * fs) / 8;
  const squared = slope.map((v) => v * v);
  const half = Math.max(1, Math.round((INTEGRATION_S * fs) / 2));
  const integrated = movingMean(squared, half);

  // Candidates: local maxima of the integrated signal at least the refractory period apart (largest wins).
  const refractory = Math.round(REFRACTORY_S * fs);
  const candidates: number[] = [];
  for (let i = 1; i < n - 1; i++) {
    if (integrated[i]! <= integrated[i - 1]! || integrated[i]! < integrated[i + 1]!) continue;
    const last = candidates.at(-1);
    if (last !== undefined && i - last < refractory) {
      if (integrated[i]! > integrated[last]!) candidates[candidates.length - 1] = i;
    } else candidates.push(i);
  }

  const learn = Math.min(n, Math.round(LEARN_S * fs));
  let spk = 0.25 * max(integrated, 0, learn);
  let npk = 0.5 * mean(integrated, 0, learn);
  const threshold = () => npk + 0.25 * (spk - npk);
  const maxSlope = (i: number) => max(squared, Math.max(0, i - half * 2), Math.min(n, i + 1));
  const qrs: number[] = [];
  const rr: number[] = [];
  const accept = (i: number, weight: number) => {
    spk = weight * integrated[i]! + (1 - weight) * spk;
    const last = qrs.at(-1);
    if (last !== undefined) rr.push(i - last);
    qrs.push(i);
  };
  for (let c = 0; c < candidates.length; c++) {
    const i = candidates[c]!;
    const last = qrs.at(-1);
    // Search back: a long silence since the last QRS hides a beat the threshold missed; take the largest candidate
    // in the gap above half the threshold.
    if (last !== undefined && rr.length >= 2) {
      const meanRr = rr.slice(-8).reduce((s, v) => s + v, 0) / Math.min(8, rr.length);
      if (i - last > SEARCH_BACK_RR * meanRr) {
        let missed = -1;
        for (let k = c - 1; k >= 0 && candidates[k]! > last; k--) {
          const j = candidates[k]!;
          if (
            j - last >= refractory &&
            integrated[j]! > 0.5 * threshold() &&
            (missed < 0 || integrated[j]! > integrated[missed]!)
          )
            missed = j;
        }
        if (missed >= 0) accept(missed, 0.25);
      }
    }
    const prev = qrs.at(-1);
    if (integrated[i]! > threshold() && (prev === undefined || i - prev >= refractory)) {
      if (prev !== undefined && i - prev < T_WAVE_S * fs && maxSlope(i) < 0.5 * maxSlope(prev)) {
        npk = 0.125 * integrated[i]! + 0.875 * npk;
        continue;
      }
      accept(i, 0.125);
    } else npk = 0.125 * integrated[i]! + 0.875 * npk;
  }
  return qrs.map((i) => locatePeak(filtered, i, Math.round(INTEGRATION_S * fs)) / fs);
}

/** The R peak near an integrated-signal peak: the band-passed ECG's largest deflection in ± `reach` samples. */
function locatePeak(filtered: Float64Array, at: number, reach: number): number {
  let best = at;
  for (let i = Math.max(0, at - reach); i < Math.min(filtered.length, at + reach + 1); i++)
    if (Math.abs(filtered[i]!) > Math.abs(filtered[best]!)) best = i;
  // Sub-sample timing by a parabola through the peak and its neighbours.
  if (best <= 0 || best >= filtered.length - 1) return best;
  const [a, b, c] = [Math.abs(filtered[best - 1]!), Math.abs(filtered[best]!), Math.abs(filtered[best + 1]!)];
  const denom = a - 2 * b + c;
  return denom === 0 ? best : best + (0.5 * (a - c)) / denom;
}

/** Centred moving mean over ± `half` samples (shorter at the ends). */
export function movingMean(x: ArrayLike<number>, half: number): Float64Array {
  const n = x.length;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + x[i]!;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - half);
    const b = Math.min(n, i + half + 1);
    out[i] = (prefix[b]! - prefix[a]!) / (b - a);
  }
  return out;
}

function max(x: ArrayLike<number>, from: number, to: number): number {
  let m = -Infinity;
  for (let i = from; i < to; i++) if (x[i]! > m) m = x[i]!;
  return m;
}

function mean(x: ArrayLike<number>, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]!;
  return to > from ? s / (to - from) : 0;
}
