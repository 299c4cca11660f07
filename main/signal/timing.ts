// Real frame timestamps → a uniform grid: validates order, drops duplicates and invalid samples, counts
// dropped frames, measures the effective frame rate and marks grid samples that were interpolated.

import { notEnoughData, SignalError, type NotEnoughData } from './errors.ts';
import { median } from './stats.ts';

/** Intervals shorter than this share of the nominal frame interval count as duplicated frames. */
export const DUPLICATE_INTERVAL_SHARE = 0.5;
/** Intervals longer than this share of the nominal interval hide dropped frames. */
export const DROP_INTERVAL_SHARE = 1.5;
/** Holes longer than this are gaps: windows over them are graded down, not just counted. */
export const DEFAULT_MAX_GAP_S = 0.5;
/** Below this share of usable frames the recording is not analysed at all. */
export const MIN_VALID_SHARE = 0.5;

export interface FrameReport {
  /** Frames given. */
  frames: number;
  /** Frames kept: finite values, strictly later than the previous kept frame. */
  validFrames: number;
  /** Frames whose value was NaN/±Infinity. */
  invalidSamples: number;
  /** Frames at (nearly) the same time as the previous one. */
  duplicatedFrames: number;
  /** Frames estimated missing from long intervals, round(interval / nominal) − 1 each. */
  droppedFrames: number;
  /** 1 / median frame interval: the rate the camera claims to run at. */
  nominalFps: number;
  /** Distinct frames per second of recording (valid or not): what the camera actually delivered. */
  effectiveFps: number;
  durationS: number;
  longestGapS: number;
  /** Holes longer than maxGapS, in input time units (seconds). */
  gaps: Array<{ startS: number; endS: number }>;
}

export interface KeptFrames {
  report: FrameReport;
  t: Float64Array;
  channels: Float64Array[];
}

export interface Grid {
  t0: number;
  fs: number;
  n: number;
}

/** Validates timestamps (seconds) and keeps the usable frames of every channel. */
export function inspectFrames(
  t: ArrayLike<number>,
  channels: ArrayLike<number>[],
  maxGapS = DEFAULT_MAX_GAP_S,
): KeptFrames | NotEnoughData {
  const n = t.length;
  for (const c of channels) {
    if (c.length !== n)
      throw new SignalError('length-mismatch', `timestamps (${n}) and samples (${c.length}) differ in length`);
  }
  if (n === 0) return notEnoughData('empty', 'No frames were given.');
  const intervals: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(t[i]!)) throw new SignalError('non-finite-timestamps', `timestamp ${i} is ${t[i]}`);
    if (i > 0) {
      const dt = t[i]! - t[i - 1]!;
      if (dt < 0)
        throw new SignalError(
          'non-monotonic-timestamps',
          `timestamp ${i} (${t[i]}) is earlier than the one before (${t[i - 1]})`,
        );
      if (dt > 0) intervals.push(dt);
    }
  }
  if (intervals.length === 0) return notEnoughData('too-short', 'Fewer than two distinct frame times.');
  const nominal = median(intervals);
  const keepT: number[] = [];
  const keepIdx: number[] = [];
  let invalid = 0;
  let duplicated = 0;
  let dropped = 0;
  let lastFrameT = t[0]!;
  for (let i = 0; i < n; i++) {
    if (i > 0) {
      const dt = t[i]! - lastFrameT;
      if (dt < DUPLICATE_INTERVAL_SHARE * nominal) {
        duplicated++;
        continue;
      }
      if (dt > DROP_INTERVAL_SHARE * nominal) dropped += Math.round(dt / nominal) - 1;
      lastFrameT = t[i]!;
    }
    if (!channels.every((c) => Number.isFinite(c[i]!))) {
      invalid++;
      continue;
    }
    keepT.push(t[i]!);
    keepIdx.push(i);
  }
  const valid = keepT.length;
  if (valid < 2 || valid < MIN_VALID_SHARE * (n - duplicated)) {
    return notEnoughData(
      'too-few-valid-samples',
      `Only ${valid} of ${n} frames carry finite values and distinct times.`,
    );
  }
  const gaps: Array<{ startS: number; endS: number }> = [];
  let longest = 0;
  for (let i = 1; i < valid; i++) {
    const dt = keepT[i]! - keepT[i - 1]!;
    longest = Math.max(longest, dt);
    if (dt > maxGapS) gaps.push({ startS: keepT[i - 1]!, endS: keepT[i]! });
  }
  const durationS = keepT[valid - 1]! - keepT[0]!;
  const report: FrameReport = {
    frames: n,
    validFrames: valid,
    invalidSamples: invalid,
    duplicatedFrames: duplicated,
    droppedFrames: dropped,
    nominalFps: 1 / nominal,
    effectiveFps: (n - duplicated - 1) / (t[n - 1]! - t[0]!),
    durationS,
    longestGapS: longest,
    gaps,
  };
  const kept = channels.map((c) => Float64Array.from(keepIdx, (i) => c[i]!));
  return { report, t: Float64Array.from(keepT), channels: kept };
}

/** Grid over the kept frames' time span at `fs` (default: the nominal frame rate). */
export function gridFor(kept: KeptFrames, fs = kept.report.nominalFps): Grid {
  const t0 = kept.t[0]!;
  const span = kept.t[kept.t.length - 1]! - t0;
  return { t0, fs, n: Math.floor(span * fs + 1e-9) + 1 };
}

/** Linear interpolation of (t, x) onto the grid; values outside the frames' span hold the edge value. */
export function resampleOnto(t: Float64Array, x: Float64Array, grid: Grid): Float64Array {
  const out = new Float64Array(grid.n);
  const last = t.length - 1;
  let j = 0;
  for (let i = 0; i < grid.n; i++) {
    const ti = grid.t0 + i / grid.fs;
    while (j < last - 1 && t[j + 1]! <= ti) j++;
    if (ti <= t[0]!) out[i] = x[0]!;
    else if (ti >= t[last]!) out[i] = x[last]!;
    else {
      const a = (ti - t[j]!) / (t[j + 1]! - t[j]!);
      out[i] = x[j]! + a * (x[j + 1]! - x[j]!);
    }
  }
  return out;
}

/**
 * Per grid sample: 1 at the sample nearest each missing (dropped or invalid) frame, 2 inside a gap longer
 * than maxGapS or outside the frames' span, else 0. The share of 1s thus tracks the share of lost frames.
 */
export function interpolationMask(kept: KeptFrames, grid: Grid, maxGapS = DEFAULT_MAX_GAP_S): Uint8Array {
  const { t } = kept;
  const nominal = 1 / kept.report.nominalFps;
  const mask = new Uint8Array(grid.n);
  const index = (time: number): number => Math.round((time - grid.t0) * grid.fs);
  const markSpan = (from: number, to: number): void => {
    for (let i = Math.max(0, Math.ceil((from - grid.t0) * grid.fs)); i < grid.n && grid.t0 + i / grid.fs < to; i++)
      mask[i] = 2;
  };
  markSpan(-Infinity, t[0]!);
  markSpan(t[t.length - 1]! + 1e-9, Infinity);
  for (let j = 0; j + 1 < t.length; j++) {
    const dt = t[j + 1]! - t[j]!;
    if (dt > maxGapS) markSpan(t[j]! + 1e-9, t[j + 1]!);
    else if (dt > DROP_INTERVAL_SHARE * nominal) {
      const missing = Math.round(dt / nominal) - 1;
      for (let m = 1; m <= missing; m++) {
        const i = index(t[j]! + (m * dt) / (missing + 1));
        if (i >= 0 && i < grid.n && mask[i] === 0) mask[i] = 1;
      }
    }
  }
  return mask;
}
