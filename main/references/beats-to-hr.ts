// From beats to heart-rate readings: the rate of each interval, placed at the interval's middle. Intervals a detector
// or a sensor got wrong (a missed or an extra beat) differ sharply from their neighbours; they are kept as beats but
// give no reading, and how many is said.
import { REFERENCE_BPM_RANGE } from '../../common/references.ts';

/** An interval further than this share from the median of its neighbours is an artefact (missed/extra beat). */
const MAX_DEVIATION = 0.3;
const NEIGHBOURS = 5;

export interface BeatRates {
  samples: { tS: number; bpm: number | null }[];
  beats: { tS: number; rrMs: number | null }[];
  /** Intervals left without a reading: implausible or far from their neighbours. */
  rejected: number;
}

const median = (x: number[]) => {
  const s = [...x].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * `beatsS`: beat times in increasing order; `rrMs`: the interval ending at each when known (else their differences).
 */
export function beatRates(beatsS: readonly number[], rrMs?: readonly (number | null)[]): BeatRates {
  const rr = beatsS.map((t, i) => rrMs?.[i] ?? (i > 0 ? (t - beatsS[i - 1]!) * 1000 : null));
  let rejected = 0;
  const samples = beatsS.flatMap((tS, i) => {
    const interval = rr[i];
    if (interval == null) return [];
    const around = rr.slice(Math.max(0, i - NEIGHBOURS), i + NEIGHBOURS + 1).filter((v): v is number => v != null);
    const bpm = 60_000 / interval;
    const plausible = bpm >= REFERENCE_BPM_RANGE[0] && bpm <= REFERENCE_BPM_RANGE[1];
    const typical = Math.abs(interval - median(around)) <= MAX_DEVIATION * median(around);
    if (!plausible || !typical) rejected++;
    // The rate of an interval belongs to its middle, not to the beat that ends it (half a beat earlier).
    return [{ tS: tS - interval / 2000, bpm: plausible && typical ? bpm : null }];
  });
  return { samples, beats: beatsS.map((tS, i) => ({ tS, rrMs: rr[i] ?? null })), rejected };
}
