// Whole-session analysis: timing → filtering → windowed HR with quality → beats, HRV, respiration and the
// classical baselines, one call shared by the app, the command line and the tests.

import { BASELINE_IDS, CHECK_METHOD, type BaselineId } from './baselines.ts';
import { detectBeats, type Beats } from './beats.ts';
import { notEnoughData, type NotEnoughData } from './errors.ts';
import { ANY_FPS, checkFpsSupport, type FpsSupport } from './fps-support.ts';
import { filterWaveform, spectralSeries, type Filtered, type SpectralWindow } from './heart-rate.ts';
import { computeHrv, type HrvResult } from './hrv.ts';
import { baselineFiltered, rgbChannels, toUniform, type CaptureFlags, type TimedRgb, type TimedWaveform, type UniformInput } from './inputs.ts';
import { resolveOptions, type SignalOptions } from './options.ts';
import { flaggedShare, gradeWindow, resolveHarmonic } from './quality.ts';
import { estimateRespiration, type Respiration } from './respiration.ts';
import { countQuality, sessionWarnings, summarizeBeats, summarizeHr, summarizeSeries, type HrSummary, type HrWindow, type QualityCounts } from './summary.ts';
import type { FrameReport, Grid } from './timing.ts';

export interface SessionInput {
  /** The network's (SSPD) waveform; without it POS becomes the primary method. */
  waveform?: TimedWaveform;
  rgb?: TimedRgb;
  capture?: CaptureFlags;
  options?: Partial<SignalOptions>;
}

export type BaselineResult = { ok: true; id: BaselineId; series: SpectralWindow[]; summary: HrSummary } | NotEnoughData;

export interface SessionAnalysis {
  ok: true;
  primary: 'sspd' | 'pos';
  timing: { waveform: FrameReport | null; rgb: FrameReport | null; grid: Grid; fps: FpsSupport };
  hrSeries: HrWindow[];
  /** Peak-based beats; `ok[i]` = 0 when beat i lies in a poor window. */
  beats: Beats & { ok: Uint8Array };
  hrv: HrvResult;
  respiration: Respiration;
  baselines: Record<BaselineId, BaselineResult>;
  quality: QualityCounts;
  summary: {
    hr: HrSummary;
    beatHr: ReturnType<typeof summarizeBeats>;
    checkHr: HrSummary;
    warnings: string[];
  };
  options: SignalOptions;
}

export function analyzeSession(input: SessionInput): SessionAnalysis | NotEnoughData {
  const o = resolveOptions(input.options);
  const { waveform, rgb } = input;
  if (!waveform && !rgb) return notEnoughData('empty', 'Neither a waveform nor RGB traces were given.');
  const wave = waveform ? toUniform(waveform.t, [waveform.x], o) : null;
  if (wave && 'ok' in wave) return wave;
  // RGB shares the waveform's grid so every method's windows cover the same seconds.
  const colour = rgb ? toUniform(rgb.t, rgbChannels(rgb), o, wave?.grid) : null;
  if (!wave && colour && 'ok' in colour) return colour;
  const rgbInput = colour && !('ok' in colour) ? colour : null;
  const base = (wave ?? rgbInput)!;
  const { grid } = base;
  const baselines = runBaselines(rgbInput, colour && 'ok' in colour ? colour : null, o);
  const primaryFiltered = wave ? filterWaveform(wave.channels[0]!, grid.fs, o) : baselineFiltered(CHECK_METHOD, rgbInput!, o);
  if ('ok' in primaryFiltered) return primaryFiltered;
  const fps = wave ? checkFpsSupport(wave.kept.report.effectiveFps, o.modelFpsRange) : { ...checkFpsSupport(grid.fs, ANY_FPS), message: 'Classical methods accept any frame rate.' };
  const spectral = spectralSeries(primaryFiltered.broad, grid.t0, grid.fs, o);
  // POS checks the network; with POS itself primary, comparing it with itself would confirm every window.
  const check = wave && baselines[CHECK_METHOD].ok ? baselines[CHECK_METHOD].series : null;
  const masks = { primary: base.mask, check: wave && rgbInput ? rgbInput.mask : null };
  const hrSeries = gradeSeries(spectral, check, masks, Math.round(o.windowS * grid.fs), input.capture, { fpsSupported: fps.supported, primaryIsCheck: !wave }, o);
  const beats = beatsOf(primaryFiltered, grid, spectral, hrSeries, o);
  const quality = countQuality(hrSeries);
  const timing = (wave ?? rgbInput)!.kept.report;
  return {
    ok: true,
    primary: wave ? 'sspd' : 'pos',
    timing: { waveform: wave?.kept.report ?? null, rgb: rgbInput?.kept.report ?? null, grid, fps },
    hrSeries,
    beats,
    hrv: computeHrv(beats.t, o, beats.ok),
    respiration: estimateRespiration(primaryFiltered.detrended, grid, beats, o),
    baselines,
    quality,
    summary: {
      hr: summarizeHr(hrSeries, o.includePoorInSummary),
      beatHr: summarizeBeats(beats, beats.ok),
      checkHr: baselines[CHECK_METHOD].ok ? baselines[CHECK_METHOD].summary : baselines[CHECK_METHOD],
      warnings: sessionWarnings(fps, timing, quality, wave !== null, rgbInput !== null),
    },
    options: o,
  };
}

function runBaselines(rgb: UniformInput | null, failure: NotEnoughData | null, o: SignalOptions): Record<BaselineId, BaselineResult> {
  const missing = failure ?? notEnoughData('no-rgb-input', 'No RGB traces were given, so no classical method ran.');
  const out = {} as Record<BaselineId, BaselineResult>;
  for (const id of BASELINE_IDS) {
    const filtered = rgb ? baselineFiltered(id, rgb, o) : missing;
    if ('ok' in filtered) {
      out[id] = filtered;
      continue;
    }
    const series = spectralSeries(filtered.broad, rgb!.grid.t0, rgb!.grid.fs, o);
    out[id] = { ok: true, id, series, summary: summarizeSeries(series) };
  }
  return out;
}

/** Running counts of lost (≥ 1) and gap (2) samples, so any window's share is two lookups. */
function maskCounts(mask: Uint8Array): { lost: Float64Array; gaps: Float64Array } {
  const lost = new Float64Array(mask.length + 1);
  const gaps = new Float64Array(mask.length + 1);
  for (let i = 0; i < mask.length; i++) {
    lost[i + 1] = lost[i]! + (mask[i]! >= 1 ? 1 : 0);
    gaps[i + 1] = gaps[i]! + (mask[i] === 2 ? 1 : 0);
  }
  return { lost, gaps };
}

/** The primary stream's lost frames grade the window; the check stream's gaps only void the check. */
function gradeSeries(spectral: SpectralWindow[], check: SpectralWindow[] | null, masks: { primary: Uint8Array; check: Uint8Array | null }, windowLen: number, capture: CaptureFlags | undefined, context: { fpsSupported: boolean; primaryIsCheck: boolean }, o: SignalOptions): HrWindow[] {
  const faceLost = capture ? flaggedShare(capture.t, capture.faceLost, spectral) : null;
  const motion = capture ? flaggedShare(capture.t, capture.motion, spectral) : null;
  const lost = maskCounts(masks.primary);
  const checkGaps = masks.check ? maskCounts(masks.check).gaps : null;
  return spectral.map((w, k) => {
    const end = Math.min(masks.primary.length, w.start + windowLen);
    const len = Math.max(1, end - w.start);
    const c = checkGaps && checkGaps[end]! - checkGaps[w.start]! > 0 ? null : (check?.[k] ?? null);
    const evidence = {
      primary: resolveHarmonic(w, c, o),
      check: c,
      faceLostShare: faceLost?.[k] ?? 0,
      motionShare: motion?.[k] ?? 0,
      droppedShare: (lost.lost[end]! - lost.lost[w.start]!) / len,
      gapShare: (lost.gaps[end]! - lost.gaps[w.start]!) / len,
      ...context,
    };
    const q = gradeWindow(evidence, o);
    return {
      tStart: w.tStart,
      tEnd: w.tEnd,
      bpm: evidence.primary.bpm,
      snrDb: evidence.primary.snrDb,
      subharmonicRatio: evidence.primary.subharmonicRatio,
      checkBpm: c?.bpm ?? null,
      checkSnrDb: c ? c.snrDb : null,
      ...q,
      faceLostShare: evidence.faceLostShare,
      motionShare: evidence.motionShare,
      droppedShare: evidence.droppedShare,
    };
  });
}

/** Beats on the HR-band pulse; a beat is trusted when the window centred nearest to it is not poor. */
function beatsOf(filtered: Filtered, grid: Grid, spectral: SpectralWindow[], graded: HrWindow[], o: SignalOptions): Beats & { ok: Uint8Array } {
  const hop = Math.max(1, Math.round(o.stepS * grid.fs));
  const halfWindow = Math.round((o.windowS * grid.fs) / 2);
  const nearest = (sample: number): number => Math.min(spectral.length - 1, Math.max(0, Math.round((sample - halfWindow) / hop)));
  const beats = detectBeats(filtered.pulse, filtered.beat, grid.t0, grid.fs, o, (i) => (spectral.length ? spectral[nearest(i)]!.bpm : null));
  const ok = new Uint8Array(beats.t.length);
  for (let b = 0; b < ok.length; b++) {
    ok[b] = spectral.length && graded[nearest((beats.t[b]! - grid.t0) * grid.fs)]!.grade !== 'poor' ? 1 : 0;
  }
  return { ...beats, ok };
}
