// Session-level numbers people read: HR over trusted windows, peak-based HR, grade counts and warnings.

import type { Beats } from './beats.ts';
import { notEnoughData, type NotEnoughData } from './errors.ts';
import type { FpsSupport } from './fps-support.ts';
import { sessionHr, type Reliability, type SessionHr } from '../../common/session-hr.ts';
import type { Grade } from './quality.ts';
import type { ReasonCode } from './reliability.ts';
import { mean, median } from './stats.ts';
import type { FrameReport } from './timing.ts';

/** Share of dropped frames above which the session gets a warning. */
export const DROPPED_WARNING_SHARE = 0.05;

/** A reason a window's HR is not beyond doubt: a code and the plain words the app shows. */
export interface WindowReason {
  code: ReasonCode | 'fps-unsupported' | 'read-by-evidence';
  message: string;
}

export interface HrWindow {
  tStart: number;
  tEnd: number;
  /** The window's heart rate (null: no candidate at all); kept for every window, whatever its reliability. */
  bpm: number | null;
  /** Whose reading it is: the network's, or the classical methods' where the network was unreliable. */
  source: 'sspd' | 'evidence' | null;
  /** The network's own strongest peak, when a network ran. */
  sspdBpm: number | null;
  /** Calibrated probability that bpm is within 5 bpm of the true HR. */
  probability: number;
  reliability: Reliability;
  /** How the reliability is stored: good = reliable, fair = use with caution, poor = no reliable HR. */
  grade: Grade;
  reasons: WindowReason[];
  /** SNR of the primary waveform at bpm (de Haan & Jeanne). */
  snrDb: number;
  /** POS's HR in the same window. */
  checkBpm: number | null;
  faceLostShare: number;
  motionShare: number;
  droppedShare: number;
}

/** A classical method's median HR over all its windows (a like-for-like comparison, no reliability decision). */
export type HrSummary =
  { ok: true; medianBpm: number; meanBpm: number; windows: number; usedWindows: number } | NotEnoughData;

export function summarizeSeries(series: ReadonlyArray<{ bpm: number | null }>): HrSummary {
  const used = series.flatMap((w) => (w.bpm !== null ? [w.bpm] : []));
  if (series.length === 0) return notEnoughData('too-short', 'The recording is shorter than one analysis window.');
  if (used.length === 0)
    return notEnoughData('no-good-windows', 'No window had a spectral peak in the heart-rate band.');
  return { ok: true, medianBpm: median(used), meanBpm: mean(used), windows: series.length, usedWindows: used.length };
}

/** The session's HR (common/session-hr.ts): the median of the windows the decision accepts, with coverage. */
export function summarizeHr(windows: readonly HrWindow[]): SessionHr {
  return sessionHr(
    windows.map((w) => ({ bpm: w.bpm, quality: w.grade, reasons: w.reasons.map((r) => r.message).join('; ') })),
  );
}

export interface QualityCounts {
  /** Windows per level, and windows read by the classical methods where the network was unreliable. */
  reliable: number;
  caution: number;
  none: number;
  byEvidence: number;
  reasons: Partial<Record<WindowReason['code'], number>>;
}

export function countQuality(windows: readonly HrWindow[]): QualityCounts {
  const counts: QualityCounts = { reliable: 0, caution: 0, none: 0, byEvidence: 0, reasons: {} };
  for (const w of windows) {
    counts[w.reliability]++;
    if (w.source === 'evidence' && w.reliability !== 'none') counts.byEvidence++;
    for (const r of w.reasons) counts.reasons[r.code] = (counts.reasons[r.code] ?? 0) + 1;
  }
  return counts;
}

/** Median instantaneous HR of beats with an accepted interval on both sides (`beatOk`). */
export function summarizeBeats(
  beats: Beats,
  beatOk: Uint8Array,
): { ok: true; medianBpm: number; intervals: number } | NotEnoughData {
  const rates: number[] = [];
  for (let i = 0; i < beats.instantBpm.length; i++) if (beatOk[i] && beatOk[i + 1]) rates.push(beats.instantBpm[i]!);
  if (rates.length < 2) return notEnoughData('too-few-beats', 'Fewer than two beat intervals in trusted windows.');
  return { ok: true, medianBpm: median(rates), intervals: rates.length };
}

export function sessionWarnings(
  fps: FpsSupport,
  timing: FrameReport,
  counts: QualityCounts,
  primaryIsNetwork: boolean,
  hasCheck: boolean,
): string[] {
  const warnings: string[] = [];
  const total = counts.reliable + counts.caution + counts.none;
  if (primaryIsNetwork && !fps.supported) warnings.push(fps.message);
  if (!primaryIsNetwork) warnings.push('No network waveform: the heart rate comes from the classical methods.');
  if (!hasCheck) warnings.push('No skin colour traces: the heart rate has no independent check.');
  if (total > 0 && counts.byEvidence > 0) {
    warnings.push(
      `In ${counts.byEvidence} of ${total} windows the network was unreliable and the classical methods agreed on another heart rate: those windows show theirs.`,
    );
  }
  const expected = timing.validFrames + timing.droppedFrames;
  if (expected > 0 && timing.droppedFrames / expected > DROPPED_WARNING_SHARE) {
    warnings.push(
      `${timing.droppedFrames} frames (${((100 * timing.droppedFrames) / expected).toFixed(1)} %) were dropped by the camera; effective rate ${timing.effectiveFps.toFixed(1)} fps.`,
    );
  }
  if (total > 0 && counts.none === total) warnings.push('No window gave a reliable heart rate.');
  return warnings;
}
