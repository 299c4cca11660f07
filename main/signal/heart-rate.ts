// Spectral heart rate: detrend and band-pass a uniform waveform, then Welch + interpolated peak per
// sliding window (the HR time series) or over one stretch (live use), with SNR and a subharmonic check.

import { notEnoughData, type NotEnoughData } from './errors.ts';
import { detrendSmoothnessPriors, smoothnessLambda } from './detrend.ts';
import { bandpass } from './filtfilt.ts';
import { snrHalfWidth, type SignalOptions } from './options.ts';
import { fftLengthFor, peakInBand, powerNear, slidingWelch, snrDb, welch, type Psd } from './spectrum.ts';
import { isConstant } from './stats.ts';

/** Highest usable frequency as a share of the sampling rate (keeps band edges off Nyquist). */
export const MAX_BAND_SHARE_OF_FS = 0.45;
/** Decimated Nyquist over the highest analysed frequency. */
export const DECIMATION_NYQUIST_MARGIN = 1.2;

export interface PeakEstimate {
  /** Null when the band holds no spectral peak (flat or silent signal). */
  bpm: number | null;
  snrDb: number;
  /** Power near f0/2 over power near f0: high values hint that f0 is a harmonic. */
  subharmonicRatio: number;
}

export interface SpectralEstimate extends PeakEstimate {
  /** The spectrum's own local peak within the template half-width of f0/2 (in the HR band), if it has one. */
  halfPeak: PeakEstimate | null;
}

export interface SpectralWindow extends SpectralEstimate {
  tStart: number;
  tEnd: number;
  /** Index of the window's first sample on the analysis grid. */
  start: number;
}

export interface Filtered {
  /** After the smoothness-priors detrend only (respiration reads its low frequencies). */
  detrended: Float64Array;
  /** Band-passed over the SNR band (for spectra: keeps the first harmonic). */
  broad: Float64Array;
  /** Band-passed over the HR band (finds beats robustly). */
  pulse: Float64Array;
  /** Band-passed over the wider beat band (times beats without smoothing their variability). */
  beat: Float64Array;
}

/** Checks the frame rate can carry the HR band; returns the usable upper edges. */
export function bandsFor(
  fs: number,
  o: SignalOptions,
): { limit: number; hrHigh: number; broadLow: number; broadHigh: number } | NotEnoughData {
  const limit = MAX_BAND_SHARE_OF_FS * fs;
  if (limit <= o.hrBandHz[0] * 1.5) {
    return notEnoughData(
      'fps-too-low',
      `${fs.toFixed(1)} Hz sampling cannot carry the ${o.hrBandHz[0]}–${o.hrBandHz[1]} Hz heart-rate band.`,
    );
  }
  return {
    limit,
    hrHigh: Math.min(o.hrBandHz[1], limit),
    broadLow: Math.min(o.hrBandHz[0], o.snrBandHz[0]),
    broadHigh: Math.min(Math.max(o.hrBandHz[1], o.snrBandHz[1]), limit),
  };
}

/** Detrend (smoothness priors) then zero-phase band-pass: broad for spectra, HR and beat bands for beats. */
export function filterWaveform(x: Float64Array, fs: number, o: SignalOptions): Filtered | NotEnoughData {
  const bands = bandsFor(fs, o);
  if ('ok' in bands) return bands;
  if (x.length < 3) return notEnoughData('too-short', `Only ${x.length} samples.`);
  if (isConstant(x)) return notEnoughData('constant', 'The waveform is constant: there is no pulse to measure.');
  const detrended = detrendSmoothnessPriors(x, smoothnessLambda(o.detrendCutoffHz, fs));
  return {
    detrended,
    broad: bandpass(detrended, bands.broadLow, bands.broadHigh, fs, o.filterOrder),
    pulse: bandpass(detrended, o.hrBandHz[0], bands.hrHigh, fs, o.filterOrder),
    beat: bandpass(detrended, o.beatBandHz[0], Math.min(o.beatBandHz[1], bands.limit), fs, o.beatFilterOrder),
  };
}

/** HR, SNR and subharmonic ratio at the spectral peak `hz`. */
function estimateAt(spec: Psd, hz: number, o: SignalOptions): PeakEstimate {
  const half = snrHalfWidth(o);
  const atPeak = powerNear(spec, hz, half);
  const sub = hz / 2 >= o.snrBandHz[0] ? powerNear(spec, hz / 2, half) : 0;
  return {
    bpm: hz * 60,
    snrDb: snrDb(spec, hz, { bandLowHz: o.snrBandHz[0], bandHighHz: o.snrBandHz[1], halfWidthHz: half }),
    subharmonicRatio: atPeak > 0 ? sub / atPeak : 0,
  };
}

/** HR, SNR and subharmonic ratio read off one spectrum, with the local peak near half the HR if there is one. */
export function estimateFromPsd(spec: Psd, o: SignalOptions, hrHigh = o.hrBandHz[1]): SpectralEstimate {
  const peak = peakInBand(spec, o.hrBandHz[0], hrHigh);
  if (!peak) return { bpm: null, snrDb: -60, subharmonicRatio: 0, halfPeak: null };
  const half = snrHalfWidth(o);
  const low = Math.max(o.hrBandHz[0], peak.hz / 2 - half);
  const halfPeak = low < peak.hz / 2 + half ? peakInBand(spec, low, peak.hz / 2 + half) : null;
  return { ...estimateAt(spec, peak.hz, o), halfPeak: halfPeak ? estimateAt(spec, halfPeak.hz, o) : null };
}

function samples(o: SignalOptions, fs: number): { window: number; segment: number; hop: number } {
  return {
    window: Math.round(o.windowS * fs),
    segment: Math.round(o.welchSegmentS * fs),
    hop: Math.max(1, Math.round(o.stepS * fs)),
  };
}

/**
 * Rate the broad-band signal is decimated to before spectra: its Nyquist stays above `maxHz` with a
 * margin, and the band-pass has already removed what would alias (≈ −56 dB at 1.5× the upper edge).
 */
export function decimationFactor(fs: number, maxHz: number): number {
  return Math.max(1, Math.floor(fs / (DECIMATION_NYQUIST_MARGIN * 2 * maxHz)));
}

/** Welch spectra of the sliding HR windows of one signal: each window's span and its PSD (bins up to the SNR band). */
export interface WindowSpectra {
  windows: { tStart: number; tEnd: number; start: number }[];
  psd: Psd[];
}

/** Sliding-window Welch spectra of a broad-band-filtered uniform signal starting at time t0. */
export function windowSpectra(broad: Float64Array, t0: number, fs: number, o: SignalOptions): WindowSpectra {
  const hrHigh = Math.min(o.hrBandHz[1], MAX_BAND_SHARE_OF_FS * fs);
  const maxHz = Math.max(o.snrBandHz[1], hrHigh) + snrHalfWidth(o);
  const q = decimationFactor(fs, maxHz);
  const fsd = fs / q;
  const x = q === 1 ? broad : Float64Array.from({ length: Math.ceil(broad.length / q) }, (_, i) => broad[i * q]!);
  const { window, segment, hop } = samples(o, fsd);
  const nfft = fftLengthFor(segment, fsd, o.resolutionHz);
  const out: WindowSpectra = { windows: [], psd: [] };
  slidingWelch(x, fsd, { window, segment, hop, nfft, maxHz }, (_w, start, psd) => {
    out.windows.push({ tStart: t0 + start / fsd, tEnd: t0 + (start + window) / fsd, start: start * q });
    out.psd.push({ psd: Float64Array.from(psd.psd), df: psd.df, segments: psd.segments });
  });
  return out;
}

/** Sliding-window spectral HR over a broad-band-filtered uniform signal starting at time t0. */
export function spectralSeries(broad: Float64Array, t0: number, fs: number, o: SignalOptions): SpectralWindow[] {
  const hrHigh = Math.min(o.hrBandHz[1], MAX_BAND_SHARE_OF_FS * fs);
  const { windows, psd } = windowSpectra(broad, t0, fs, o);
  return windows.map((w, k) => ({ ...w, ...estimateFromPsd(psd[k]!, o, hrHigh) }));
}

/** One Welch estimate over the whole of a broad-band-filtered stretch (live use, short clips). */
export function spectralEstimate(broad: Float64Array, fs: number, o: SignalOptions): SpectralEstimate {
  const { segment: wanted, hop } = samples(o, fs);
  const segment = Math.min(wanted, broad.length);
  const nfft = fftLengthFor(segment, fs, o.resolutionHz);
  const psd = welch(broad, fs, { segment, overlap: Math.max(0, segment - hop), nfft });
  return estimateFromPsd(psd, o, Math.min(o.hrBandHz[1], MAX_BAND_SHARE_OF_FS * fs));
}
