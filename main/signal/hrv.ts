// Time-domain HRV (mean NN, SDNN, RMSSD, pNN50) from beat times, after gating out implausible intervals;
// refuses to report from recordings too short or with too many rejected beats, and says which.

import type { HrvGating } from '../../common/results.ts';
import { notEnoughData, type NotEnoughData } from './errors.ts';
import type { SignalOptions } from './options.ts';
import { mean, median, std } from './stats.ts';

/** Intervals on each side used for the local median an interval is compared with. */
export const HRV_MEDIAN_HALF_SPAN = 5;
/** pNN50's threshold on successive NN differences. */
export const PNN_THRESHOLD_MS = 50;

export type HrvOptions = Pick<
  SignalOptions,
  'hrBandHz' | 'hrvMaxDeviationShare' | 'hrvMinDurationS' | 'hrvMinIntervals' | 'hrvMaxRejectedShare'
>;

export interface Hrv extends HrvGating {
  ok: true;
  meanNnMs: number;
  sdnnMs: number;
  rmssdMs: number;
  /** Percent of successive NN differences above 50 ms. */
  pnn50: number;
  successivePairs: number;
}

export type HrvResult = Hrv | (NotEnoughData & { gating: HrvGating });

/**
 * `beatOk[i]` = 0 marks beat i as untrustworthy (e.g. it lies in a poor window): both intervals
 * touching it are rejected. Successive differences use only pairs of adjacent accepted intervals.
 */
export function computeHrv(beatTimes: ArrayLike<number>, o: HrvOptions, beatOk?: ArrayLike<number>): HrvResult {
  const beats = beatTimes.length;
  const intervals = Math.max(0, beats - 1);
  const rr = new Float64Array(intervals);
  for (let i = 0; i < intervals; i++) rr[i] = beatTimes[i + 1]! - beatTimes[i]!;
  const minRr = 1 / o.hrBandHz[1];
  const maxRr = 1 / o.hrBandHz[0];
  // 0 accepted, 1 quality, 2 out of band, 3 deviant
  const verdict = new Uint8Array(intervals);
  for (let i = 0; i < intervals; i++) {
    if (beatOk && (!beatOk[i] || !beatOk[i + 1])) verdict[i] = 1;
    else if (!(rr[i]! >= minRr && rr[i]! <= maxRr)) verdict[i] = 2;
  }
  const neighbours: number[] = [];
  for (let i = 0; i < intervals; i++) {
    if (verdict[i] !== 0) continue;
    neighbours.length = 0;
    for (let j = Math.max(0, i - HRV_MEDIAN_HALF_SPAN); j <= Math.min(intervals - 1, i + HRV_MEDIAN_HALF_SPAN); j++) {
      if (verdict[j] !== 1 && verdict[j] !== 2) neighbours.push(rr[j]!);
    }
    const local = median(neighbours);
    if (Math.abs(rr[i]! - local) > o.hrvMaxDeviationShare * local) verdict[i] = 3;
  }
  const nn: number[] = [];
  const diffs: number[] = [];
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < intervals; i++) {
    counts[verdict[i]!]!++;
    if (verdict[i] !== 0) continue;
    nn.push(rr[i]! * 1000);
    if (i > 0 && verdict[i - 1] === 0) diffs.push((rr[i]! - rr[i - 1]!) * 1000);
  }
  const gating: HrvGating = {
    beats,
    intervals,
    accepted: counts[0]!,
    rejectedQuality: counts[1]!,
    rejectedOutOfBand: counts[2]!,
    rejectedDeviant: counts[3]!,
    rejectedShare: intervals > 0 ? 1 - counts[0]! / intervals : 1,
    durationS: beats > 1 ? beatTimes[beats - 1]! - beatTimes[0]! : 0,
  };
  const refuse = (e: NotEnoughData) => ({ ...e, gating });
  if (gating.durationS < o.hrvMinDurationS) {
    return refuse(
      notEnoughData(
        'too-short',
        `HRV needs at least ${o.hrvMinDurationS} s of beats; got ${gating.durationS.toFixed(1)} s.`,
      ),
    );
  }
  if (gating.rejectedShare > o.hrvMaxRejectedShare) {
    return refuse(
      notEnoughData(
        'too-many-rejected-beats',
        `${(gating.rejectedShare * 100).toFixed(0)} % of intervals were rejected (limit ${(o.hrvMaxRejectedShare * 100).toFixed(0)} %): the beat series is too noisy for HRV.`,
      ),
    );
  }
  if (nn.length < o.hrvMinIntervals || diffs.length < 2) {
    return refuse(
      notEnoughData('too-few-beats', `HRV needs at least ${o.hrvMinIntervals} accepted intervals; got ${nn.length}.`),
    );
  }
  let sumSq = 0;
  let over = 0;
  for (const d of diffs) {
    sumSq += d * d;
    if (Math.abs(d) > PNN_THRESHOLD_MS) over++;
  }
  return {
    ok: true,
    ...gating,
    meanNnMs: mean(nn),
    sdnnMs: std(nn, 1),
    rmssdMs: Math.sqrt(sumSq / diffs.length),
    pnn50: (100 * over) / diffs.length,
    successivePairs: diffs.length,
  };
}
