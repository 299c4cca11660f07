// The one session heart-rate statistic every view, export and report shows: the median over the windows the
// reliability decision accepts, with its coverage, or no number at all when too few windows are reliable.

/** The reliability decision per window and per session. */
export const RELIABILITY_LEVELS = ['reliable', 'caution', 'none'] as const;
export type Reliability = (typeof RELIABILITY_LEVELS)[number];

/** How a window's decision is stored (hr_series.quality): reliable = good, use with caution = fair, none = poor. */
export type QualityGrade = 'good' | 'fair' | 'poor';
export const GRADE_OF: Record<Reliability, QualityGrade> = { reliable: 'good', caution: 'fair', none: 'poor' };
export const RELIABILITY_OF: Record<QualityGrade, Reliability> = { good: 'reliable', fair: 'caution', poor: 'none' };

/** The words the app uses for each level. */
export const RELIABILITY_WORDS: Record<Reliability, string> = {
  reliable: 'Reliable',
  caution: 'Use with caution',
  none: 'No reliable heart rate',
};

/** Share of windows that must be reliable for the session's HR to be reliable; or reliable + caution, for caution. */
export const MIN_ACCEPTED_SHARE = 0.5;
/**
 * A quarter of the recording reliable still gives a number, marked use with caution: the median of those windows
 * alone (each window was judged on its own evidence; what is missing is how well they stand for the rest).
 */
export const MIN_RELIABLE_SHARE_FOR_CAUTION = 0.25;
/** Accepted windows spread wider than this (interquartile range, bpm) make the session's median doubtful. */
export const MAX_SPREAD_BPM = 15;

export interface SessionHr {
  /** Median HR (bpm) over the accepted windows; null: no reliable heart rate. */
  bpm: number | null;
  reliability: Reliability;
  /** Share of all windows that are reliable. */
  coverage: number;
  /** Windows the median is taken over, and all windows. */
  usedWindows: number;
  windows: number;
  /** Range of the accepted windows' HR. */
  minBpm: number | null;
  maxBpm: number | null;
  /** Why the HR is not reliable, in plain words (the most frequent reason of the windows); null when reliable. */
  reason: string | null;
}

export interface WindowReading {
  bpm: number | null;
  quality: QualityGrade;
  /** Plain-word reasons, most important first, joined by '; ' (as stored). */
  reasons?: string;
}

function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** The most frequent first reason of the windows that are not reliable. */
function mainReason(windows: readonly WindowReading[]): string | null {
  const counts = new Map<string, number>();
  for (const w of windows) {
    if (w.quality === 'good') continue;
    const first = w.reasons?.split(';')[0]?.trim();
    if (first) counts.set(first, (counts.get(first) ?? 0) + 1);
  }
  let best: string | null = null;
  for (const [reason, n] of counts) if (best === null || n > counts.get(best)!) best = reason;
  return best;
}

export function sessionHr(windows: readonly WindowReading[]): SessionHr {
  const n = windows.length;
  const reliable = windows.filter((w) => w.quality === 'good' && w.bpm !== null).map((w) => w.bpm!);
  const usable = windows.filter((w) => w.quality !== 'poor' && w.bpm !== null).map((w) => w.bpm!);
  const coverage = n ? reliable.length / n : 0;
  const none: SessionHr = {
    bpm: null,
    reliability: 'none',
    coverage,
    usedWindows: 0,
    windows: n,
    minBpm: null,
    maxBpm: null,
    reason: n ? (mainReason(windows) ?? 'signal too weak') : 'recording too short',
  };
  const enough = (share: number, xs: readonly number[]) => xs.length > 0 && xs.length >= share * n;
  const fromReliable =
    enough(MIN_ACCEPTED_SHARE, reliable) ||
    (!enough(MIN_ACCEPTED_SHARE, usable) && enough(MIN_RELIABLE_SHARE_FOR_CAUTION, reliable));
  let level: Reliability = enough(MIN_ACCEPTED_SHARE, reliable)
    ? 'reliable'
    : enough(MIN_ACCEPTED_SHARE, usable) || enough(MIN_RELIABLE_SHARE_FOR_CAUTION, reliable)
      ? 'caution'
      : 'none';
  if (level === 'none') return none;
  const used = (fromReliable ? reliable : usable).sort((a, b) => a - b);
  let reason = level === 'reliable' ? null : mainReason(windows);
  // A median hides two clusters (e.g. a rate and its double): a wide spread makes the number doubtful.
  if (quantile(used, 0.75) - quantile(used, 0.25) > MAX_SPREAD_BPM) {
    if (level === 'caution') return { ...none, reason: 'heart rate inconsistent across the recording' };
    level = 'caution';
    reason = 'heart rate varied widely across the recording';
  }
  return {
    bpm: quantile(used, 0.5),
    reliability: level,
    coverage,
    usedWindows: used.length,
    windows: n,
    minBpm: used[0]!,
    maxBpm: used.at(-1)!,
    reason,
  };
}
