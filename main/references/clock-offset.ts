// Automatic clock alignment of a reference recorded on another device: the lag within ± a bounded search at which
// the camera's HR curve and the reference's (averaged over the same windows) correlate best (Pearson r). Only a
// clear match is applied; otherwise it says why and the user sets the offset.
import type { OffsetEstimate } from '../../common/references.ts';
import { pearson } from './metrics.ts';
import { GRID_STEP_S, ReferenceGrid } from './reference-grid.ts';

/** One camera window: its centre (s since the first frame) and HR; only windows with a usable HR are passed. */
export interface CameraWindow {
  tS: number;
  bpm: number;
}

/** Below this peak correlation the curves do not match well enough at any lag to trust it. */
export const MIN_OFFSET_R = 0.5;
/** Windows and seconds of overlap the correlation needs at a lag to count. */
const MIN_PAIRS = 10;
const MIN_OVERLAP_S = 30;
/** Curves flatter than this (SD, bpm) carry no shape to align on: any lag fits about as well. */
const MIN_SPREAD_BPM = 1;
/** Lags in the plotted curve are this far apart (the search itself steps by the grid). */
const CURVE_STEP_S = 0.5;

const sd = (x: readonly number[]) => {
  const m = x.reduce((s, v) => s + v, 0) / x.length;
  return Math.sqrt(x.reduce((s, v) => s + (v - m) ** 2, 0) / x.length);
};

/**
 * `offset` = the seconds to add to the reference's times to put them on the session clock: the camera window at
 * session time t is compared with the reference's mean over the same window at its own time t − offset.
 */
export function estimateOffset(
  camera: readonly CameraWindow[],
  refT: readonly number[],
  refBpm: readonly (number | null)[],
  windowS: number,
  searchS: number,
): OffsetEstimate {
  const grid = new ReferenceGrid(refT, refBpm);
  const steps = Math.round(searchS / GRID_STEP_S);
  const rAt = (lag: number): number | null => {
    const x: number[] = [];
    const y: number[] = [];
    const t: number[] = [];
    for (const w of camera) {
      const ref = grid.mean(w.tS - lag - windowS / 2, w.tS - lag + windowS / 2);
      if (ref === null) continue;
      x.push(w.bpm);
      y.push(ref);
      t.push(w.tS);
    }
    if (x.length < MIN_PAIRS || t.at(-1)! - t[0]! < MIN_OVERLAP_S) return null;
    const r = pearson(x, y);
    return Number.isFinite(r) ? r : null;
  };
  const rs: (number | null)[] = [];
  for (let k = -steps; k <= steps; k++) rs.push(rAt(k * GRID_STEP_S));
  const every = Math.max(1, Math.round(CURVE_STEP_S / GRID_STEP_S));
  const curve = { lagS: [] as number[], r: [] as (number | null)[] };
  for (let k = 0; k < rs.length; k += every) {
    curve.lagS.push(Number(((k - steps) * GRID_STEP_S).toFixed(3)));
    curve.r.push(rs[k] === null ? null : Number(rs[k]!.toFixed(4)));
  }
  const none = (note: string): OffsetEstimate => ({ offsetS: null, r: null, searchS, note, curve });
  if (camera.length < MIN_PAIRS || lastT(camera) - firstT(camera) < MIN_OVERLAP_S) {
    return none(
      `the camera has too few usable heart-rate windows (${camera.length}) to align on: set the offset by hand`,
    );
  }
  const spread = sd(camera.map((w) => w.bpm));
  if (spread < MIN_SPREAD_BPM)
    return none(
      `the heart rate hardly changed (SD ${spread.toFixed(1)} bpm), so the curves have no shape to align on: set the offset by hand`,
    );
  let best = -1;
  for (let k = 0; k < rs.length; k++) if (rs[k] !== null && (best < 0 || rs[k]! > rs[best]!)) best = k;
  if (best < 0) return none('the reference does not overlap the camera recording at any offset within the search');
  const lag = (best - steps) * GRID_STEP_S;
  const r = rs[best]!;
  if (r < MIN_OFFSET_R)
    return {
      ...none(
        `the curves do not match well at any offset (best r = ${r.toFixed(2)} at ${lag.toFixed(1)} s): set the offset by hand`,
      ),
      r,
    };
  if (best === 0 || best === rs.length - 1) {
    return {
      ...none(
        `the best match lies at the edge of the search (${lag.toFixed(1)} s): search further or set the offset by hand`,
      ),
      r,
    };
  }
  return { offsetS: Number(lag.toFixed(2)), r, searchS, note: null, curve };
}

const firstT = (c: readonly CameraWindow[]) => c[0]?.tS ?? 0;
const lastT = (c: readonly CameraWindow[]) => c.at(-1)?.tS ?? 0;
