// Public API of the signal package: pure TypeScript, no Electron, shared by app, CLI and tests.

export { analyzeSession, type BaselineResult, type SessionAnalysis, type SessionInput } from './analyze-session.ts';
export { liveHeartRate, LIVE_SPAN_S, RecentMedian, type LiveChoice, type LiveHr, type LiveInput } from './live.ts';
export { DEFAULT_OPTIONS, resolveOptions, type SignalOptions } from './options.ts';
export {
  SignalError,
  notEnoughData,
  type NotEnoughData,
  type NotEnoughDataCode,
  type SignalErrorCode,
} from './errors.ts';
export { checkFpsSupport, SSPD_FPS_RANGE, type FpsRange, type FpsSupport } from './fps-support.ts';
export type { CaptureFlags, TimedRgb, TimedWaveform } from './inputs.ts';
export {
  inspectFrames,
  gridFor,
  resampleOnto,
  interpolationMask,
  type FrameReport,
  type Grid,
  type KeptFrames,
} from './timing.ts';
export { butterBandpass, sosMagnitude, type Sos } from './butterworth.ts';
export { sosfilt, sosfiltfilt, sosfiltZi, bandpass } from './filtfilt.ts';
export { detrendLinear, detrendSmoothnessPriors, smoothnessLambda } from './detrend.ts';
export { welch, peakInBand, snrDb, type Psd } from './spectrum.ts';
export {
  filterWaveform,
  spectralSeries,
  spectralEstimate,
  type SpectralEstimate,
  type SpectralWindow,
} from './heart-rate.ts';
export { findPeaks, type PeakOptions, type Peaks } from './peaks.ts';
export { detectBeats, type Beats } from './beats.ts';
export { computeHrv, type Hrv, type HrvResult } from './hrv.ts';
export { estimateRespiration, type Respiration, type RespWindow } from './respiration.ts';
export { GRADES, type Grade } from './quality.ts';
export {
  decideSeries,
  decideLatest,
  levelOf,
  REASON_WORDS,
  RELIABILITY_MODEL,
  type ReasonCode,
  type WindowDecision,
} from './reliability.ts';
export { BLOCK_VALUES, BlockTrace, blockMeans, type TimedBlocks } from './crop-blocks.ts';
export type { HrSummary, HrWindow, QualityCounts, WindowReason } from './summary.ts';
export { BASELINES, BASELINE_IDS, type BaselineFn, type BaselineId } from './baselines.ts';
export { cropMeans, rgbTraceFromCrops, type RgbTrace } from './rgb-means.ts';
export { greenVerkruysse } from './green-verkruysse.ts';
export { chromDeHaan } from './chrom-dehaan.ts';
export { posWang } from './pos-wang.ts';
export { pbvDeHaan } from './pbv-dehaan.ts';
