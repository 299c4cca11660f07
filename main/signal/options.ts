// Analysis settings with their defaults, validated once so the modules below can trust them.

import { assertOption } from './errors.ts';
import { SSPD_FPS_RANGE, type FpsRange } from './fps-support.ts';
import { DEFAULT_MAX_GAP_S } from './timing.ts';

export interface SignalOptions {
  /** Heart-rate search band in Hz (0.7–3.5 Hz = 42–210 bpm). */
  hrBandHz: readonly [number, number];
  /** Butterworth prototype order of every band-pass (scipy convention: 2·order poles). */
  filterOrder: number;
  /** Sliding HR window length and step, seconds. */
  windowS: number;
  stepS: number;
  /** Welch segment inside a window, seconds (at most the window); segments hop by stepS so neighbours share them. */
  welchSegmentS: number;
  /** Finest spectral bin before peak interpolation (zero-padding), Hz. */
  resolutionHz: number;
  /** Band over which SNR is measured (de Haan & Jeanne used 30–240 bpm). */
  snrBandHz: readonly [number, number];
  /** Signal template half-width around f0 and 2·f0; undefined: max(0.1 Hz, 1 / welchSegmentS). */
  snrHalfWidthHz?: number;
  /** Corner of the smoothness-priors detrend applied before filtering, Hz. */
  detrendCutoffHz: number;
  /** Resampling rate; undefined: the waveform's nominal frame rate. */
  fs?: number;
  maxGapS: number;
  /** Frame rates the model producing the waveform supports. */
  modelFpsRange: FpsRange;
  /**
   * Band and prototype order that time the beats found in the HR band: wider and gentler, because a
   * narrow band-pass smooths beat-to-beat timing (it cost 12 % of RMSSD on the fixture series).
   */
  beatBandHz: readonly [number, number];
  beatFilterOrder: number;
  /** Beat detection: minimum beat-to-beat distance as a share of the local spectral beat period. */
  refractoryShare: number;
  /** Beat detection: minimum peak prominence in units of the local RMS amplitude. */
  minProminenceRms: number;
  /** HRV: an interval further than this share from its local median is rejected. */
  hrvMaxDeviationShare: number;
  hrvMinDurationS: number;
  hrvMinIntervals: number;
  hrvMaxRejectedShare: number;
  /** Respiration band (Hz), window and step (s). */
  respBandHz: readonly [number, number];
  respWindowS: number;
  respStepS: number;
  /** Classical methods' windows in records older than the reliability decision: graded by SNR (dB). */
  snrGoodDb: number;
  snrPoorDb: number;
}

export const DEFAULT_OPTIONS: Readonly<SignalOptions> = {
  hrBandHz: [0.7, 3.5],
  filterOrder: 4,
  // 15 s windows of 8 s segments: on the calibration clips, more of the weak pulses pass the reliability
  // decision than with 10 s / 6 s, at the same precision and with no more no-pulse windows (README, Reliability).
  windowS: 15,
  stepS: 1,
  welchSegmentS: 8,
  resolutionHz: 1 / 30,
  snrBandHz: [0.5, 4],
  detrendCutoffHz: 0.05,
  maxGapS: DEFAULT_MAX_GAP_S,
  modelFpsRange: SSPD_FPS_RANGE,
  beatBandHz: [0.5, 8],
  beatFilterOrder: 2,
  refractoryShare: 0.5,
  minProminenceRms: 0.6,
  hrvMaxDeviationShare: 0.2,
  hrvMinDurationS: 60,
  hrvMinIntervals: 40,
  hrvMaxRejectedShare: 0.2,
  respBandHz: [0.1, 0.5],
  respWindowS: 60,
  respStepS: 10,
  snrGoodDb: 3,
  snrPoorDb: -3,
};

export function resolveOptions(partial: Partial<SignalOptions> = {}): SignalOptions {
  const o: SignalOptions = { ...DEFAULT_OPTIONS, ...partial };
  // A shorter window chosen by the user keeps its segments inside it.
  if (partial.welchSegmentS === undefined) o.welchSegmentS = Math.min(DEFAULT_OPTIONS.welchSegmentS, o.windowS);
  const [lo, hi] = o.hrBandHz;
  assertOption(lo > 0 && hi > lo, `hrBandHz must be increasing and positive, got ${lo}–${hi}`);
  assertOption(
    o.windowS > 0 && o.stepS > 0 && o.welchSegmentS > 0 && o.welchSegmentS <= o.windowS,
    'need 0 < welchSegmentS ≤ windowS and stepS > 0',
  );
  assertOption(o.stepS <= o.welchSegmentS, 'stepS must not exceed welchSegmentS (segments hop by the step)');
  assertOption(o.resolutionHz > 0, 'resolutionHz must be positive');
  assertOption(o.snrGoodDb >= o.snrPoorDb, 'SNR grades must be ordered');
  assertOption(o.beatBandHz[0] > 0 && o.beatBandHz[1] > o.beatBandHz[0], 'beatBandHz must be increasing and positive');
  assertOption(o.respBandHz[0] > 0 && o.respBandHz[1] > o.respBandHz[0], 'respBandHz must be increasing and positive');
  assertOption(o.fs === undefined || (Number.isFinite(o.fs) && o.fs > 0), 'fs must be a positive number');
  return o;
}

export function snrHalfWidth(o: SignalOptions): number {
  return o.snrHalfWidthHz ?? Math.max(0.1, 1 / o.welchSegmentS);
}
