// Session-level numbers people read: HR over trusted windows, peak-based HR, grade counts and warnings.

import type { Beats } from './beats.ts';
import { notEnoughData, type NotEnoughData } from './errors.ts';
import type { FpsSupport } from './fps-support.ts';
import type { SpectralWindow } from './heart-rate.ts';
import type { Grade, QualityReason, Relation, ReasonCode } from './quality.ts';
import { mean, median } from './stats.ts';
import type { FrameReport } from './timing.ts';

/** Share of windows locked to twice the check's HR above which the session gets a warning. */
export const DOUBLE_WARNING_SHARE = 0.2;
/** Share of dropped frames above which the session gets a warning. */
export const DROPPED_WARNING_SHARE = 0.05;

export interface HrWindow {
  tStart: number;
  tEnd: number;
  /** Primary method's HR (null: no peak); stored even for poor windows. */
  bpm: number | null;
  snrDb: number;
  subharmonicRatio: number;
  /** Classical check (POS) in the same window. */
  checkBpm: number | null;
  checkSnrDb: number | null;
  relation: Relation;
  grade: Grade;
  reasons: QualityReason[];
  faceLostShare: number;
  motionShare: number;
  droppedShare: number;
}

export type HrSummary = { ok: true; medianBpm: number; meanBpm: number; windows: number; usedWindows: number; includesPoor: boolean } | NotEnoughData;

/** Median and mean HR over windows that have one, poor windows left out unless asked for. */
export function summarizeHr(windows: ReadonlyArray<{ bpm: number | null; grade?: Grade }>, includePoor: boolean): HrSummary {
  const used = windows.flatMap((w) => (w.bpm !== null && (includePoor || w.grade !== 'poor') ? [w.bpm] : []));
  if (windows.length === 0) return notEnoughData('too-short', 'The recording is shorter than one analysis window.');
  if (used.length === 0) {
    return notEnoughData('no-good-windows', includePoor ? 'No window had a spectral peak in the heart-rate band.' : 'Every window was graded poor; see the per-window reasons.');
  }
  return { ok: true, medianBpm: median(used), meanBpm: mean(used), windows: windows.length, usedWindows: used.length, includesPoor: includePoor };
}

export function summarizeSeries(series: readonly SpectralWindow[]): HrSummary {
  return summarizeHr(series, true);
}

export interface QualityCounts {
  good: number;
  fair: number;
  poor: number;
  /** Windows where the primary HR is about twice / half the check's. */
  doubleOfCheck: number;
  halfOfCheck: number;
  reasons: Partial<Record<ReasonCode, number>>;
}

export function countQuality(windows: readonly HrWindow[]): QualityCounts {
  const counts: QualityCounts = { good: 0, fair: 0, poor: 0, doubleOfCheck: 0, halfOfCheck: 0, reasons: {} };
  for (const w of windows) {
    counts[w.grade]++;
    if (w.relation === 'double') counts.doubleOfCheck++;
    if (w.relation === 'half') counts.halfOfCheck++;
    for (const r of w.reasons) counts.reasons[r.code] = (counts.reasons[r.code] ?? 0) + 1;
  }
  return counts;
}

/** Median instantaneous HR of beats with an accepted interval on both sides (`beatOk`). */
export function summarizeBeats(beats: Beats, beatOk: Uint8Array): { ok: true; medianBpm: number; intervals: number } | NotEnoughData {
  const rates: number[] = [];
  for (let i = 0; i < beats.instantBpm.length; i++) if (beatOk[i] && beatOk[i + 1]) rates.push(beats.instantBpm[i]!);
  if (rates.length < 2) return notEnoughData('too-few-beats', 'Fewer than two beat intervals in trusted windows.');
  return { ok: true, medianBpm: median(rates), intervals: rates.length };
}

export function sessionWarnings(fps: FpsSupport, timing: FrameReport, counts: QualityCounts, primaryIsNetwork: boolean, hasCheck: boolean): string[] {
  const warnings: string[] = [];
  const total = counts.good + counts.fair + counts.poor;
  if (primaryIsNetwork && !fps.supported) warnings.push(fps.message);
  if (!primaryIsNetwork) warnings.push('No network waveform: the heart rate comes from the classical POS method.');
  if (!hasCheck) warnings.push('No RGB traces: the heart rate has no independent check.');
  if (total > 0 && counts.doubleOfCheck / total > DOUBLE_WARNING_SHARE) {
    warnings.push(`In ${((100 * counts.doubleOfCheck) / total).toFixed(0)} % of windows the network's HR is about twice the classical check's: it may have locked onto a harmonic.`);
  }
  const resolved = counts.reasons['harmonic-resolved'] ?? 0;
  if (total > 0 && resolved / total > DOUBLE_WARNING_SHARE) {
    warnings.push(`In ${((100 * resolved) / total).toFixed(0)} % of windows the network's strongest peak was twice the classical check's HR; the HR was read at its peak at half that frequency.`);
  }
  const expected = timing.validFrames + timing.droppedFrames;
  if (expected > 0 && timing.droppedFrames / expected > DROPPED_WARNING_SHARE) {
    warnings.push(`${timing.droppedFrames} frames (${((100 * timing.droppedFrames) / expected).toFixed(1)} %) were dropped by the camera; effective rate ${timing.effectiveFps.toFixed(1)} fps.`);
  }
  if (total > 0 && counts.poor === total) warnings.push('Every window was graded poor: no heart rate is reported.');
  return warnings;
}
