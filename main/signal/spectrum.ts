// Power spectra: Welch's method (scipy-compatible), sliding Welch windows sharing segment spectra,
// interpolated peak picking in a band and band-power ratios such as SNR.

import { realFft } from './fft.ts';
import { assertOption } from './errors.ts';
import { nextPow2, parabolicOffset, parabolicPeak } from './stats.ts';
import { hann } from './windows.ts';

export interface WelchOptions {
  /** Samples per segment. */
  segment: number;
  /** Samples shared by consecutive segments (default half a segment). */
  overlap?: number;
  /** FFT length ≥ segment (power of two), zero-padding for a finer grid. */
  nfft?: number;
}

export interface Psd {
  /** One-sided power spectral density (units²/Hz) at k·df, k = 0..bins−1. */
  psd: Float64Array;
  df: number;
  segments: number;
}

/** FFT length giving bins no wider than `resolutionHz` and at least one segment long. */
export function fftLengthFor(segment: number, fs: number, resolutionHz: number): number {
  return nextPow2(Math.max(segment, Math.ceil(fs / resolutionHz)));
}

/** Spectrum of one constant-detrended, Hann-windowed segment into `out` (density scaling, one-sided). */
function segmentPsd(
  x: ArrayLike<number>,
  start: number,
  segment: number,
  nfft: number,
  fs: number,
  out: Float64Array,
  buf: Float64Array,
): void {
  const w = hann(segment);
  let m = 0;
  for (let i = 0; i < segment; i++) m += x[start + i]!;
  m /= segment;
  let wss = 0;
  for (let i = 0; i < segment; i++) {
    buf[i] = (x[start + i]! - m) * w[i]!;
    wss += w[i]! * w[i]!;
  }
  realFft(nfft).power(buf, out, out.length);
  const scale = 1 / (fs * wss);
  const nyquist = nfft / 2;
  for (let k = 0; k < out.length; k++) out[k] = out[k]! * scale * (k === 0 || k === nyquist ? 1 : 2);
}

/** Welch PSD like scipy.signal.welch(x, fs, 'hann', nperseg, noverlap, nfft, detrend='constant'). */
export function welch(x: ArrayLike<number>, fs: number, options: WelchOptions): Psd {
  const { segment } = options;
  const overlap = options.overlap ?? Math.floor(segment / 2);
  const nfft = options.nfft ?? nextPow2(segment);
  assertOption(segment >= 2 && segment <= x.length, `Welch segment (${segment}) must be 2..${x.length} samples`);
  assertOption(overlap >= 0 && overlap < segment, 'Welch overlap must be smaller than the segment');
  assertOption(nfft >= segment && (nfft & (nfft - 1)) === 0, 'nfft must be a power of two ≥ the segment');
  const bins = nfft / 2 + 1;
  const psd = new Float64Array(bins);
  const one = new Float64Array(bins);
  const buf = new Float64Array(segment);
  const hop = segment - overlap;
  let segments = 0;
  for (let start = 0; start + segment <= x.length; start += hop) {
    segmentPsd(x, start, segment, nfft, fs, one, buf);
    for (let k = 0; k < bins; k++) psd[k] = psd[k]! + one[k]!;
    segments++;
  }
  for (let k = 0; k < bins; k++) psd[k] = psd[k]! / segments;
  return { psd, df: fs / nfft, segments };
}

export interface SlidingWelchOptions {
  window: number;
  segment: number;
  /** Window step, also the segment hop: each segment spectrum is computed once and shared. */
  hop: number;
  nfft: number;
  /** Keep bins below this frequency only (saves averaging work). */
  maxHz: number;
}

/**
 * Welch spectra of windows starting every `hop` samples; calls `visit(windowIndex, startSample, psd)`.
 * Each window's PSD equals welch(x[start:start+window], segment, overlap = segment − hop).
 */
export function slidingWelch(
  x: ArrayLike<number>,
  fs: number,
  o: SlidingWelchOptions,
  visit: (w: number, start: number, psd: Psd) => void,
): number {
  assertOption(o.segment <= o.window && o.hop >= 1 && o.hop <= o.segment, 'sliding Welch needs hop ≤ segment ≤ window');
  const df = fs / o.nfft;
  const bins = Math.min(o.nfft / 2 + 1, Math.ceil(o.maxHz / df) + 2);
  const perWindow = Math.floor((o.window - o.segment) / o.hop) + 1;
  const windows = x.length >= o.window ? Math.floor((x.length - o.window) / o.hop) + 1 : 0;
  const ring = Array.from({ length: perWindow }, () => new Float64Array(bins));
  const buf = new Float64Array(o.segment);
  const avg: Psd = { psd: new Float64Array(bins), df, segments: perWindow };
  for (let w = 0; w < windows; w++) {
    const first = w === 0 ? 0 : perWindow - 1;
    for (let s = first; s < perWindow; s++)
      segmentPsd(x, (w + s) * o.hop, o.segment, o.nfft, fs, ring[(w + s) % perWindow]!, buf);
    avg.psd.fill(0);
    for (const seg of ring) for (let k = 0; k < bins; k++) avg.psd[k] = avg.psd[k]! + seg[k]!;
    for (let k = 0; k < bins; k++) avg.psd[k] = avg.psd[k]! / perWindow;
    visit(w, w * o.hop, avg);
  }
  return windows;
}

export interface SpectralPeak {
  hz: number;
  power: number;
}

/** Highest local maximum in [lowHz, highHz] with parabolic interpolation; null when the band is flat or empty. */
export function peakInBand(spec: Psd, lowHz: number, highHz: number): SpectralPeak | null {
  const { psd, df } = spec;
  const lo = Math.max(1, Math.ceil(lowHz / df));
  const hi = Math.min(psd.length - 2, Math.floor(highHz / df));
  let best = -1;
  for (let k = lo; k <= hi; k++) {
    if (psd[k]! > psd[k - 1]! && psd[k]! >= psd[k + 1]! && (best < 0 || psd[k]! > psd[best]!)) best = k;
  }
  if (best < 0 || !(psd[best]! > 0)) return null;
  const d = parabolicOffset(psd[best - 1]!, psd[best]!, psd[best + 1]!);
  return { hz: (best + d) * df, power: parabolicPeak(psd[best - 1]!, psd[best]!, psd[best + 1]!, d) };
}

/** Summed PSD bins within ±halfWidthHz of `hz` (0 when outside the spectrum). */
export function powerNear(spec: Psd, hz: number, halfWidthHz: number): number {
  const lo = Math.max(0, Math.ceil((hz - halfWidthHz) / spec.df));
  const hi = Math.min(spec.psd.length - 1, Math.floor((hz + halfWidthHz) / spec.df));
  let p = 0;
  for (let k = lo; k <= hi; k++) p += spec.psd[k]!;
  return p;
}

export interface SnrOptions {
  bandLowHz: number;
  bandHighHz: number;
  /** Half-width of the signal template around the fundamental and the first harmonic. */
  halfWidthHz: number;
}

/**
 * SNR in dB as in de Haan & Jeanne (2013): power within ±halfWidth of f0 and 2·f0 over the rest of the
 * band. Clamped to ±60 dB so a silent band gives a number, not ±Infinity.
 */
export function snrDb(spec: Psd, f0: number, o: SnrOptions): number {
  const { psd, df } = spec;
  const lo = Math.max(0, Math.ceil(o.bandLowHz / df));
  const hi = Math.min(psd.length - 1, Math.floor(o.bandHighHz / df));
  let signal = 0;
  let noise = 0;
  for (let k = lo; k <= hi; k++) {
    const f = k * df;
    if (Math.abs(f - f0) <= o.halfWidthHz || Math.abs(f - 2 * f0) <= o.halfWidthHz) signal += psd[k]!;
    else noise += psd[k]!;
  }
  if (!(signal > 0)) return -60;
  if (!(noise > 0)) return 60;
  return Math.max(-60, Math.min(60, 10 * Math.log10(signal / noise)));
}
