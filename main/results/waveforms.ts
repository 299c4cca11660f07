// The pulse waveforms of one analysis on one uniform time grid (SSPD and each classical method), band-passed
// to the heart-rate band, for the waveform CSV, the plots and the SNR against a reference.
import { welch, snrDb, BASELINE_IDS } from '../signal/index.ts';
import type { VideoAnalysis } from '../video/analyze-video.ts';

export const METHOD_IDS = ['sspd', ...BASELINE_IDS] as const;
export type MethodId = (typeof METHOD_IDS)[number];

export interface Waveforms {
  t0: number;
  fs: number;
  n: number;
  /** Only methods that produced a waveform. */
  pulses: Partial<Record<MethodId, Float64Array>>;
}

/** The pulse of every method the analysis ran, on its grid (what it decided from: skin colour, the network). */
export function pulseWaveforms(a: Pick<VideoAnalysis, 'session'>): Waveforms | null {
  const s = a.session;
  if (!s.ok) return null;
  const { t0, fs, n } = s.timing.grid;
  return { t0, fs, n, pulses: s.pulses };
}

/** Welch segment for whole-clip SNR: long enough for 0.1 Hz resolution, never longer than the clip. */
const SNR_SEGMENT_S = 10;

/**
 * SNR of a pulse against a known heart rate (de Haan & Jeanne 2013): power within ±0.1 Hz of the reference
 * frequency and its first harmonic over the rest of 0.5–4 Hz, in dB.
 */
export function snrAgainst(pulse: Float64Array, fs: number, referenceBpm: number): number {
  const segment = Math.min(pulse.length, Math.round(SNR_SEGMENT_S * fs));
  if (segment < 8) return Number.NaN;
  const spec = welch(pulse, fs, { segment, nfft: Math.max(1024, 2 ** Math.ceil(Math.log2(segment))) });
  return snrDb(spec, referenceBpm / 60, { bandLowHz: 0.5, bandHighHz: 4, halfWidthHz: 0.1 });
}
