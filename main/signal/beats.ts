// Beat detection on the HR-band pulse: amplitude-normalised peaks with a refractory period that follows
// the local spectral heart rate, refined to sub-sample times → beat times and instantaneous HR.

import type { SignalOptions } from './options.ts';
import { findPeaks } from './peaks.ts';
import { parabolicOffset } from './stats.ts';
import { movingAverage } from './windows.ts';

/** Span of the running RMS that normalises amplitude, so weak stretches still yield beats. */
export const ENVELOPE_S = 4;
/** How far (s, and share of the local beat period) a beat may move when timed on the wide-band signal. */
export const REFINE_MAX_S = 0.1;
export const REFINE_MAX_PERIOD_SHARE = 0.2;

export interface Beats {
  /** Beat times in seconds, sub-sample (parabolic refinement of the sampled peak). */
  t: Float64Array;
  /** Peak prominence in waveform units (for respiration's amplitude modulation). */
  amplitude: Float64Array;
  /** Instantaneous HR 60 / interval (bpm) at each interval's midpoint time. */
  instantBpm: Float64Array;
  instantT: Float64Array;
}

export const NO_BEATS: Beats = {
  t: new Float64Array(0),
  amplitude: new Float64Array(0),
  instantBpm: new Float64Array(0),
  instantT: new Float64Array(0),
};

/**
 * Beats are found on `pulse` (HR band: robust to noise) and timed on `wide` (beat band: keeps beat-to-beat
 * variability) at the highest wide-band sample near each pulse peak. `localBpm(sample)` gives the spectral
 * HR around a sample (or null); the refractory period is refractoryShare of that beat period, never
 * shorter than the period at the top of the HR band.
 */
export function detectBeats(
  pulse: Float64Array,
  wide: Float64Array,
  t0: number,
  fs: number,
  o: SignalOptions,
  localBpm: (sample: number) => number | null = () => null,
): Beats {
  const n = pulse.length;
  if (n < 3) return NO_BEATS;
  const sq = new Float64Array(n);
  for (let i = 0; i < n; i++) sq[i] = pulse[i]! * pulse[i]!;
  const power = movingAverage(sq, Math.round(ENVELOPE_S * fs));
  const normalised = new Float64Array(n);
  for (let i = 0; i < n; i++) normalised[i] = power[i]! > 0 ? pulse[i]! / Math.sqrt(power[i]!) : 0;
  const minDistance = fs / o.hrBandHz[1];
  const peaks = findPeaks(normalised, {
    distance: (i) => {
      const bpm = localBpm(i);
      return bpm ? Math.max(minDistance, (o.refractoryShare * fs * 60) / bpm) : minDistance;
    },
    prominence: o.minProminenceRms,
    wlen: Math.ceil((2 * fs) / o.hrBandHz[0]),
  });
  const count = peaks.indices.length;
  const t = new Float64Array(count);
  const amplitude = new Float64Array(count);
  for (let b = 0; b < count; b++) {
    const i = peaks.indices[b]!;
    const bpm = localBpm(i);
    const reach = Math.floor(Math.min(REFINE_MAX_S * fs, bpm ? (REFINE_MAX_PERIOD_SHARE * 60 * fs) / bpm : Infinity));
    let j = i;
    for (let k = Math.max(1, i - reach); k <= Math.min(n - 2, i + reach); k++) if (wide[k]! > wide[j]!) j = k;
    const d = j > 0 && j < n - 1 ? parabolicOffset(wide[j - 1]!, wide[j]!, wide[j + 1]!) : 0;
    t[b] = t0 + (j + d) / fs;
    amplitude[b] = peaks.prominences[b]! * Math.sqrt(power[i]!);
  }
  const intervals = Math.max(0, count - 1);
  const instantBpm = new Float64Array(intervals);
  const instantT = new Float64Array(intervals);
  for (let b = 0; b < intervals; b++) {
    instantBpm[b] = 60 / (t[b + 1]! - t[b]!);
    instantT[b] = 0.5 * (t[b + 1]! + t[b]!);
  }
  return { t, amplitude, instantBpm, instantT };
}
