// Experimental respiration rate from three modulations of the pulse waveform — baseline wander, beat
// amplitude (AM) and beat interval (FM, i.e. respiratory sinus arrhythmia) — picking per window the one
// whose spectrum is most concentrated in 0.1–0.5 Hz.

import type { Beats } from './beats.ts';
import { notEnoughData, type NotEnoughData } from './errors.ts';
import { bandpass } from './filtfilt.ts';
import { detrendLinear } from './detrend.ts';
import type { SignalOptions } from './options.ts';
import { fftLengthFor, peakInBand, powerNear, welch } from './spectrum.ts';
import { median } from './stats.ts';
import { resampleOnto, type Grid } from './timing.ts';

/** Common rate of the three modulation series (well above the 0.5 Hz band edge). */
export const RESP_FS = 4;
/** Share of band power within the peak's main lobe needed to call a window's rate. */
export const RESP_MIN_CONCENTRATION = 0.4;
/** Prototype order of the baseline-wander band-pass. */
export const RESP_FILTER_ORDER = 2;

export const RESP_SOURCES = ['baseline', 'amplitude', 'interval'] as const;
export type RespSource = (typeof RESP_SOURCES)[number];

export interface RespWindow {
  tStart: number;
  tEnd: number;
  /** Breaths per minute from the most concentrated source; null when none is clear enough. */
  brpm: number | null;
  source: RespSource | null;
  concentration: number;
  bySource: Record<RespSource, number | null>;
}

export interface Respiration {
  /** Not validated against a reference yet: show as experimental. */
  experimental: true;
  series: RespWindow[];
  summary: { ok: true; brpm: number; windows: number } | NotEnoughData;
}

/** `detrended`: the uniform waveform after detrending, before band-pass (grid `grid`). */
export function estimateRespiration(detrended: Float64Array, grid: Grid, beats: Beats, o: SignalOptions): Respiration {
  const [lo, hi] = o.respBandHz;
  const durationS = (grid.n - 1) / grid.fs;
  if (durationS < o.respWindowS) {
    return {
      experimental: true,
      series: [],
      summary: notEnoughData('too-short', `Respiration needs ${o.respWindowS} s; got ${durationS.toFixed(0)} s.`),
    };
  }
  const out: Grid = { t0: grid.t0, fs: RESP_FS, n: Math.floor(durationS * RESP_FS) + 1 };
  const sources: Record<RespSource, Float64Array | null> = {
    baseline: resampleOnto(
      timesOf(grid),
      bandpass(detrended, lo, Math.min(hi, 0.45 * grid.fs), grid.fs, RESP_FILTER_ORDER),
      out,
    ),
    amplitude: beats.t.length >= 4 ? resampleOnto(beats.t, beats.amplitude, out) : null,
    interval: beats.instantT.length >= 4 ? resampleOnto(beats.instantT, beats.instantBpm, out) : null,
  };
  const win = Math.round(o.respWindowS * RESP_FS);
  const hop = Math.max(1, Math.round(o.respStepS * RESP_FS));
  const nfft = fftLengthFor(win, RESP_FS, 1 / (10 * o.respWindowS));
  const series: RespWindow[] = [];
  for (let start = 0; start + win <= out.n; start += hop) {
    const w: RespWindow = {
      tStart: out.t0 + start / RESP_FS,
      tEnd: out.t0 + (start + win) / RESP_FS,
      brpm: null,
      source: null,
      concentration: 0,
      bySource: { baseline: null, amplitude: null, interval: null },
    };
    for (const s of RESP_SOURCES) {
      const x = sources[s];
      if (!x) continue;
      const spec = welch(detrendLinear(x.subarray(start, start + win)), RESP_FS, { segment: win, overlap: 0, nfft });
      const peak = peakInBand(spec, lo, hi);
      const total = powerNear(spec, (lo + hi) / 2, (hi - lo) / 2);
      if (!peak || !(total > 0)) continue;
      const concentration = powerNear(spec, peak.hz, 2 / o.respWindowS) / total;
      if (concentration < RESP_MIN_CONCENTRATION) continue;
      w.bySource[s] = peak.hz * 60;
      if (concentration > w.concentration) Object.assign(w, { brpm: peak.hz * 60, source: s, concentration });
    }
    series.push(w);
  }
  const rates = series.flatMap((w) => (w.brpm === null ? [] : [w.brpm]));
  const summary =
    rates.length > 0
      ? { ok: true as const, brpm: median(rates), windows: rates.length }
      : notEnoughData('no-modulation-found', 'No window showed a clear respiratory modulation.');
  return { experimental: true, series, summary };
}

function timesOf(grid: Grid): Float64Array {
  return Float64Array.from({ length: grid.n }, (_, i) => grid.t0 + i / grid.fs);
}
