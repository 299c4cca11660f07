// Whole-session analysis: timing → skin signals and the network's waveform → evidence per window → the
// reliability decision tracked across windows → beats, HRV and respiration from reliable stretches, and the
// classical methods' own series. One call shared by the app, the command line and the tests.

import { GRADE_OF, type SessionHr } from '../../common/session-hr.ts';
import { BASELINE_IDS, CHECK_METHOD, type BaselineId } from './baselines.ts';
import { detectBeats, type Beats } from './beats.ts';
import type { TimedBlocks } from './crop-blocks.ts';
import { notEnoughData, type NotEnoughData } from './errors.ts';
import type { Voter, WindowEvidence } from './evidence.ts';
import { ANY_FPS, checkFpsSupport, type FpsSupport } from './fps-support.ts';
import { filterWaveform, spectralSeries, type Filtered, type SpectralWindow } from './heart-rate.ts';
import { computeHrv, type HrvResult } from './hrv.ts';
import { toUniform, type CaptureFlags, type TimedRgb, type TimedWaveform, type UniformInput } from './inputs.ts';
import { resolveOptions, type SignalOptions } from './options.ts';
import { decideSeries, REASON_WORDS, type WindowDecision } from './reliability.ts';
import { estimateRespiration, type Respiration } from './respiration.ts';
import { REGIONS } from './skin-signals.ts';
import {
  countQuality,
  sessionWarnings,
  summarizeBeats,
  summarizeHr,
  summarizeSeries,
  type HrSummary,
  type HrWindow,
  type QualityCounts,
  type WindowReason,
} from './summary.ts';
import type { FrameReport, Grid } from './timing.ts';
import {
  colourSignals,
  evidenceSeries,
  informantsOf,
  keyframeTimes,
  methodFiltered,
  type ColourSignals,
} from './window-evidence.ts';

export interface SessionInput {
  /** The network's (SSPD) waveform; without it the classical methods read the heart rate. */
  waveform?: TimedWaveform;
  /** Mean colour of each face crop (used where the crops' cell colours are not given). */
  rgb?: TimedRgb;
  /** Cell colours of each face crop (crop-blocks.ts): skin, regions and the light reference come from them. */
  blocks?: TimedBlocks;
  capture?: CaptureFlags;
  options?: Partial<SignalOptions>;
}

export type BaselineResult = { ok: true; id: BaselineId; series: SpectralWindow[]; summary: HrSummary } | NotEnoughData;

export interface SessionAnalysis {
  ok: true;
  /** Whose waveform the beats come from and whose key the decided series is stored under ('pos': no network ran). */
  primary: 'sspd' | 'pos';
  timing: { waveform: FrameReport | null; rgb: FrameReport | null; grid: Grid; fps: FpsSupport };
  /** The decided heart rate per window, with its reliability. */
  hrSeries: HrWindow[];
  /** Peak-based beats; `ok[i]` = 0 unless beat i lies in a reliable window. */
  beats: Beats & { ok: Uint8Array };
  hrv: HrvResult;
  respiration: Respiration;
  baselines: Record<BaselineId, BaselineResult>;
  /** Each method's pulse on the grid, band-passed to the HR band (the waveforms that are stored and plotted). */
  pulses: Partial<Record<'sspd' | BaselineId, Float64Array>>;
  quality: QualityCounts;
  summary: {
    hr: SessionHr;
    beatHr: ReturnType<typeof summarizeBeats>;
    checkHr: HrSummary;
    warnings: string[];
  };
  options: SignalOptions;
}

/** Everything the decision is made from, before it is made: the calibration script reads this too. */
export interface SessionEvidence {
  grid: Grid;
  wave: UniformInput | null;
  skin: ColourSignals | null;
  methods: Methods;
  primaryFiltered: Filtered;
  fps: FpsSupport;
  windows: { tStart: number; tEnd: number; start: number }[];
  evidence: WindowEvidence[];
  /** The HR band the candidates lie in (Hz), as far as the frame rate carries it. */
  bandHz: [number, number];
  options: SignalOptions;
}

export function sessionEvidence(input: SessionInput): SessionEvidence | NotEnoughData {
  const o = resolveOptions(input.options);
  const { waveform, rgb, blocks } = input;
  if (!waveform && !rgb && !blocks) return notEnoughData('empty', 'Neither a waveform nor RGB traces were given.');
  const wave = waveform ? toUniform(waveform.t, [waveform.x], o) : null;
  if (wave && 'ok' in wave) return wave;
  // The colour signals share the waveform's grid so every method's windows cover the same seconds.
  const colour = rgb || blocks ? colourSignals(rgb, blocks, o, wave?.grid, keyframeTimes(input.capture)) : null;
  if (!wave && colour && 'ok' in colour) return colour;
  const skin = colour && !('ok' in colour) ? colour : null;
  const grid = (wave ?? skin!.input).grid;
  const methods = runMethods(skin, colour && 'ok' in colour ? colour : null, o);
  const primaryFiltered = wave ? filterWaveform(wave.channels[0]!, grid.fs, o) : methods.filtered[CHECK_METHOD];
  if (!primaryFiltered) return methods.baselines[CHECK_METHOD] as NotEnoughData;
  if ('ok' in primaryFiltered) return primaryFiltered;
  const fps = wave
    ? checkFpsSupport(wave.kept.report.effectiveFps, o.modelFpsRange)
    : { ...checkFpsSupport(grid.fs, ANY_FPS), message: 'Classical methods accept any frame rate.' };
  const voters: Partial<Record<Voter, Float64Array>> = {};
  if (wave) voters.sspd = primaryFiltered.broad;
  for (const id of BASELINE_IDS)
    if (methods.filtered[id] && !('ok' in methods.filtered[id])) voters[id] = methods.filtered[id].broad;
  for (const r of REGIONS) if (methods.regions[r]) voters[r] = methods.regions[r];
  const { windows, evidence } = evidenceSeries(
    {
      grid,
      voters,
      informants: informantsOf(skin),
      motion: skin?.motion ?? null,
      mask: skin && wave ? combineMasks(wave.mask, skin.input.mask) : (wave ?? skin!.input).mask,
      skinBand: skin?.skinBand ?? null,
      ...(input.capture ? { capture: input.capture } : {}),
    },
    o,
  );
  return {
    grid,
    wave,
    skin,
    methods,
    primaryFiltered,
    fps,
    windows,
    evidence,
    bandHz: [o.hrBandHz[0], Math.min(o.hrBandHz[1], 0.45 * grid.fs)],
    options: o,
  };
}

export function analyzeSession(input: SessionInput): SessionAnalysis | NotEnoughData {
  const ev = sessionEvidence(input);
  if ('ok' in ev) return ev;
  const { grid, wave, skin, methods, primaryFiltered, fps, windows, evidence, options: o } = ev;
  const decisions = decideSeries(evidence, ev.bandHz, o.stepS);
  const primarySpectra = spectralSeries(primaryFiltered.broad, grid.t0, grid.fs, o);
  const check = methods.baselines[CHECK_METHOD].ok ? methods.baselines[CHECK_METHOD].series : null;
  const hrSeries = windows.map((w, k) =>
    hrWindow(w, decisions[k]!, evidence[k]!, primarySpectra[k], check?.[k], fps.supported || !wave),
  );
  const beats = beatsOf(primaryFiltered, grid, hrSeries, o);
  const quality = countQuality(hrSeries);
  const timing = (wave?.kept.report ?? skin?.input.kept.report)!;
  const pulses: SessionAnalysis['pulses'] = {};
  if (wave) pulses.sspd = primaryFiltered.pulse;
  for (const id of BASELINE_IDS)
    if (methods.filtered[id] && !('ok' in methods.filtered[id])) pulses[id] = methods.filtered[id].pulse;
  return {
    ok: true,
    primary: wave ? 'sspd' : 'pos',
    timing: { waveform: wave?.kept.report ?? null, rgb: skin?.input.kept.report ?? null, grid, fps },
    hrSeries,
    beats,
    hrv: computeHrv(beats.t, o, beats.ok),
    respiration: estimateRespiration(primaryFiltered.detrended, grid, beats, o),
    baselines: methods.baselines,
    pulses,
    quality,
    summary: {
      hr: summarizeHr(hrSeries),
      beatHr: summarizeBeats(beats, beats.ok),
      checkHr: methods.baselines[CHECK_METHOD].ok
        ? methods.baselines[CHECK_METHOD].summary
        : methods.baselines[CHECK_METHOD],
      warnings: sessionWarnings(fps, timing, quality, wave !== null, skin !== null),
    },
    options: o,
  };
}

/** Per sample, the worse of two masks (0 measured, 1 interpolated, 2 gap). */
function combineMasks(a: Uint8Array, b: Uint8Array): Uint8Array {
  return Uint8Array.from(a, (v, i) => Math.max(v, b[i] ?? 0));
}

export interface Methods {
  baselines: Record<BaselineId, BaselineResult>;
  filtered: Partial<Record<BaselineId, Filtered | NotEnoughData>>;
  /** PBV of each skin region, band-passed. */
  regions: Partial<Record<(typeof REGIONS)[number], Float64Array>>;
}

/** The classical methods on the rectified skin colour (each with its own HR series) and PBV on each region. */
function runMethods(skin: ColourSignals | null, failure: NotEnoughData | null, o: SignalOptions): Methods {
  const missing = failure ?? notEnoughData('no-rgb-input', 'No RGB traces were given, so no classical method ran.');
  const out: Methods = { baselines: {} as Methods['baselines'], filtered: {}, regions: {} };
  for (const id of BASELINE_IDS) {
    const filtered = skin ? methodFiltered(id, skin.skin, skin.input.grid.fs, o) : missing;
    out.filtered[id] = filtered;
    if ('ok' in filtered) {
      out.baselines[id] = filtered;
      continue;
    }
    const series = spectralSeries(filtered.broad, skin!.input.grid.t0, skin!.input.grid.fs, o);
    out.baselines[id] = { ok: true, id, series, summary: summarizeSeries(series) };
  }
  for (const r of REGIONS) {
    const trace = skin?.regions[r];
    if (!trace) continue;
    const filtered = methodFiltered('pbv', trace, skin!.input.grid.fs, o);
    if (!('ok' in filtered)) out.regions[r] = filtered.broad;
  }
  return out;
}

/** One decided window as the app stores and shows it. */
function hrWindow(
  span: { tStart: number; tEnd: number },
  d: WindowDecision,
  e: WindowEvidence,
  primary: SpectralWindow | undefined,
  check: SpectralWindow | undefined,
  fpsSupported: boolean,
): HrWindow {
  const reasons: WindowReason[] = d.reasons.map((code) => ({ code, message: REASON_WORDS[code] }));
  let reliability = d.reliability;
  if (!fpsSupported) {
    reliability = 'none';
    reasons.unshift({ code: 'fps-unsupported', message: "frame rate outside the model's range" });
  }
  if (d.source === 'evidence' && d.sspdBpm !== null && d.bpm !== null && reliability !== 'none') {
    reasons.push({
      code: 'read-by-evidence',
      message: `the network read ${d.sspdBpm.toFixed(0)} bpm; the classical methods agree on ${d.bpm.toFixed(0)} bpm`,
    });
  }
  return {
    tStart: span.tStart,
    tEnd: span.tEnd,
    bpm: d.bpm,
    source: d.source,
    sspdBpm: d.sspdBpm,
    probability: d.probability,
    reliability,
    grade: GRADE_OF[reliability],
    reasons,
    snrDb: primary?.snrDb ?? -60,
    checkBpm: check?.bpm ?? null,
    faceLostShare: e.faceLostShare,
    motionShare: e.motion,
    droppedShare: e.droppedShare,
  };
}

/** Beats on the HR-band pulse; a beat is trusted only when the window centred nearest to it is reliable. */
function beatsOf(
  filtered: Filtered,
  grid: Grid,
  windows: readonly HrWindow[],
  o: SignalOptions,
): Beats & { ok: Uint8Array } {
  const hop = Math.max(1, Math.round(o.stepS * grid.fs));
  const halfWindow = Math.round((o.windowS * grid.fs) / 2);
  const nearest = (sample: number): number =>
    Math.min(windows.length - 1, Math.max(0, Math.round((sample - halfWindow) / hop)));
  const beats = detectBeats(filtered.pulse, filtered.beat, grid.t0, grid.fs, o, (i) =>
    windows.length ? windows[nearest(i)]!.bpm : null,
  );
  const ok = new Uint8Array(beats.t.length);
  for (let b = 0; b < ok.length; b++) {
    ok[b] = windows.length && windows[nearest((beats.t[b]! - grid.t0) * grid.fs)]!.reliability === 'reliable' ? 1 : 0;
  }
  return { ...beats, ok };
}
