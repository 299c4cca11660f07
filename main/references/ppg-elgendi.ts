// Systolic-peak detection in a contact PPG after Elgendi et al., "Systolic peak detection in acceleration
// photoplethysmograms measured from emergency responders in tropical conditions", PLoS ONE 8(10):e76585, 2013:
// band-pass 0.5–8 Hz, keep the positive part and square it, then two moving averages — one a systolic peak long
// (111 ms), one a beat long (667 ms) — mark blocks of interest where the first rises above the second plus an offset
// (β = 0.02 of the mean), and take the largest sample of each block at least a peak long.
import { bandpass } from '../signal/index.ts';
import { movingMean } from './ecg-pan-tompkins.ts';

const BAND_HZ = [0.5, 8] as const;
const PEAK_S = 0.111;
const BEAT_S = 0.667;
const BETA = 0.02;

/** Beat times (s from the first sample) of the systolic peaks of `ppg` sampled at `fs`. */
export function detectPulsePeaks(ppg: ArrayLike<number>, fs: number): number[] {
  const n = ppg.length;
  if (n < fs * 2) return [];
  const s = bandpass(ppg, BAND_HZ[0], Math.min(BAND_HZ[1], fs * 0.45), fs, 2);
  const y = s.map((v) => (v > 0 ? v * v : 0));
  const maPeak = movingMean(y, Math.max(1, Math.round((PEAK_S * fs) / 2)));
  const maBeat = movingMean(y, Math.max(1, Math.round((BEAT_S * fs) / 2)));
  const alpha = BETA * (y.reduce((a, v) => a + v, 0) / n);
  const minWidth = Math.round(PEAK_S * fs);
  const peaks: number[] = [];
  let start = -1;
  for (let i = 0; i <= n; i++) {
    const inside = i < n && maPeak[i]! > maBeat[i]! + alpha;
    if (inside && start < 0) start = i;
    if (!inside && start >= 0) {
      if (i - start >= minWidth) {
        let best = start;
        for (let k = start; k < i; k++) if (s[k]! > s[best]!) best = k;
        peaks.push(best / fs);
      }
      start = -1;
    }
  }
  return peaks;
}
