// Window grades as stored (good = reliable, fair = use with caution, poor = no reliable HR; the decision itself is
// reliability.ts) and the share of flagged capture frames inside each window.

import type { QualityGrade } from '../../common/session-hr.ts';
import { SignalError } from './errors.ts';

export const GRADES = ['good', 'fair', 'poor'] as const;
export type Grade = QualityGrade;

/** Share of flagged capture frames (non-zero flag) inside each [start, end) time span. */
export function flaggedShare(
  t: ArrayLike<number>,
  flags: ArrayLike<number> | undefined,
  spans: ReadonlyArray<{ tStart: number; tEnd: number }>,
): Float64Array {
  const out = new Float64Array(spans.length);
  if (!flags) return out;
  if (flags.length !== t.length)
    throw new SignalError(
      'length-mismatch',
      `capture flags (${flags.length}) and times (${t.length}) differ in length`,
    );
  const prefix = new Float64Array(t.length + 1);
  for (let i = 0; i < t.length; i++) {
    if (i > 0 && !(t[i]! >= t[i - 1]!))
      throw new SignalError('non-monotonic-timestamps', `capture time ${i} is earlier than the one before`);
    prefix[i + 1] = prefix[i]! + (flags[i] ? 1 : 0);
  }
  const lowerBound = (v: number): number => {
    let lo = 0;
    let hi = t.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (t[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  spans.forEach((s, w) => {
    const a = lowerBound(s.tStart);
    const b = lowerBound(s.tEnd);
    out[w] = b > a ? (prefix[b]! - prefix[a]!) / (b - a) : 0;
  });
  return out;
}
