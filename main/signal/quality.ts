// Grades each HR window good / fair / poor with the reasons: SNR, harmonic locking (the network's known
// failure: twice the true HR, resolved where its own spectrum allows), agreement with the classical check,
// capture problems and frame timing.

import { SignalError } from './errors.ts';
import type { SpectralEstimate } from './heart-rate.ts';
import type { SignalOptions } from './options.ts';

/** Relative tolerance on a 2:1 (or 1:2) ratio between the network's and the check's HR. */
export const HARMONIC_RATIO_TOLERANCE = 0.1;

export const GRADES = ['good', 'fair', 'poor'] as const;
export type Grade = (typeof GRADES)[number];

export const REASON_CODES = [
  'no-peak',
  'low-snr',
  'very-low-snr',
  'subharmonic-peak',
  'harmonic-resolved',
  'double-of-check',
  'half-of-check',
  'check-disagrees',
  'check-weak-agreement',
  'weak-check',
  'unverified',
  'face-lost',
  'motion',
  'dropped-frames',
  'gap',
  'fps-unsupported',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export interface QualityReason {
  code: ReasonCode;
  severity: 'fair' | 'poor';
  message: string;
}

/** How the primary HR relates to the check method's HR in a window. */
export type Relation = 'agree' | 'weak' | 'double' | 'half' | 'disagree' | 'unverified';

/** Why a window without a check is unconfirmed when the classical check is the primary method itself. */
export const PRIMARY_IS_CHECK = 'Unconfirmed: POS is the method in use, so there is no independent check (no SSPD model running).';

/** A primary estimate, possibly moved from a harmonic to the peak at half its frequency (see resolveHarmonic). */
export interface ResolvedEstimate extends SpectralEstimate {
  /** The strongest peak it was read instead of, and that peak's subharmonic ratio. */
  resolvedFrom?: { bpm: number; subharmonicRatio: number };
}

export interface WindowEvidence {
  primary: ResolvedEstimate;
  /** The independent method's estimate; null when there is no RGB input, or when POS itself is primary. */
  check: SpectralEstimate | null;
  /** The primary method is the classical check (no network): nothing independent to compare with. */
  primaryIsCheck?: boolean;
  faceLostShare: number;
  motionShare: number;
  /** Share of grid samples interpolated over dropped frames, and of those inside gaps (holes > maxGapS). */
  droppedShare: number;
  gapShare: number;
  fpsSupported: boolean;
}

export interface WindowQuality {
  grade: Grade;
  reasons: QualityReason[];
  relation: Relation;
}

/** How two heart rates relate by their values alone, whatever the check's own confidence. */
function relateBpm(primaryBpm: number, checkBpm: number, o: SignalOptions): Exclude<Relation, 'unverified'> {
  const ratio = primaryBpm / checkBpm;
  if (Math.abs(primaryBpm - checkBpm) <= o.agreeBpm) return 'agree';
  if (Math.abs(ratio - 2) <= 2 * HARMONIC_RATIO_TOLERANCE) return 'double';
  if (Math.abs(ratio - 0.5) <= 0.5 * HARMONIC_RATIO_TOLERANCE) return 'half';
  return Math.abs(primaryBpm - checkBpm) <= o.disagreeBpm ? 'weak' : 'disagree';
}

export function relate(primaryBpm: number, check: SpectralEstimate | null, o: SignalOptions): Relation {
  if (!check || check.bpm === null || check.snrDb < o.snrPoorDb) return 'unverified';
  return relateBpm(primaryBpm, check.bpm, o);
}

/**
 * The network's known failure is a lock onto twice the HR. When its strongest peak is about twice the
 * check's HR and its own spectrum has a real peak near half that frequency, holding more than
 * o.subharmonicRatio of the strongest peak's power and within agreeBpm of the check, the HR is half the
 * strongest peak's frequency (sharper than the half peak itself, which only confirms it). Both conditions
 * are needed: the check alone would overrule the network, and a subharmonic alone also appears under true
 * high heart rates (head motion, beat shape). The check's own SNR is not required: it only chooses between
 * two peaks the network already has (a drifting face leaves POS with a weak but well-placed peak), and the
 * window is marked either way.
 */
export function resolveHarmonic(primary: SpectralEstimate, check: SpectralEstimate | null, o: SignalOptions): ResolvedEstimate {
  const half = primary.halfPeak;
  const c = check?.bpm ?? null;
  if (!o.resolveHarmonics || primary.bpm === null || half?.bpm == null || c === null || primary.subharmonicRatio <= o.subharmonicRatio) return primary;
  if (relateBpm(primary.bpm, c, o) !== 'double' || relateBpm(half.bpm, c, o) !== 'agree') return primary;
  return { ...half, bpm: primary.bpm / 2, halfPeak: null, resolvedFrom: { bpm: primary.bpm, subharmonicRatio: primary.subharmonicRatio } };
}

const pct = (share: number): string => `${(share * 100).toFixed(0)} %`;

export function gradeWindow(e: WindowEvidence, o: SignalOptions): WindowQuality {
  const reasons: QualityReason[] = [];
  const add = (code: ReasonCode, severity: 'fair' | 'poor', message: string): void => {
    reasons.push({ code, severity, message });
  };
  const { primary, check } = e;
  let relation: Relation = 'unverified';
  if (primary.bpm === null) add('no-peak', 'poor', 'No spectral peak in the heart-rate band.');
  else {
    if (primary.snrDb < o.snrPoorDb) add('very-low-snr', 'poor', `SNR ${primary.snrDb.toFixed(1)} dB is below ${o.snrPoorDb} dB.`);
    else if (primary.snrDb < o.snrGoodDb) add('low-snr', 'fair', `SNR ${primary.snrDb.toFixed(1)} dB is below ${o.snrGoodDb} dB.`);
    if (primary.subharmonicRatio > o.subharmonicRatio) {
      add('subharmonic-peak', 'fair', `Strong power at half the peak frequency (${primary.subharmonicRatio.toFixed(2)}×): the peak may be a harmonic.`);
    }
    relation = relate(primary.bpm, check, o);
    const c = check?.bpm?.toFixed(0) ?? '?';
    const p = primary.bpm.toFixed(0);
    if (primary.resolvedFrom) {
      const { bpm, subharmonicRatio } = primary.resolvedFrom;
      add('harmonic-resolved', 'fair', `Read at ${p} bpm, half the strongest peak's ${bpm.toFixed(0)} bpm: that one is about twice the classical check's ${c} bpm, and the spectrum has a peak at half it holding ${subharmonicRatio.toFixed(2)}× its power (harmonic lock resolved).`);
    }
    if (relation === 'double') add('double-of-check', 'poor', `HR ${p} bpm is about twice the classical check's ${c} bpm (harmonic lock).`);
    else if (relation === 'half') add('half-of-check', 'poor', `HR ${p} bpm is about half the classical check's ${c} bpm.`);
    else if (relation === 'disagree') add('check-disagrees', 'poor', `HR ${p} bpm differs from the classical check's ${c} bpm by more than ${o.disagreeBpm} bpm.`);
    else if (relation === 'weak') add('check-weak-agreement', 'fair', `HR ${p} bpm differs from the classical check's ${c} bpm by more than ${o.agreeBpm} bpm.`);
    else if (relation === 'agree' && check && check.snrDb < o.snrGoodDb) {
      add('weak-check', 'fair', `The classical check agrees, but its own SNR (${check.snrDb.toFixed(1)} dB) is below ${o.snrGoodDb} dB.`);
    } else if (relation === 'unverified') {
      add('unverified', 'fair', check ? 'The classical check found no clear pulse, so this HR is unconfirmed.' : e.primaryIsCheck ? PRIMARY_IS_CHECK : 'No classical check available (no RGB input).');
    }
  }
  const capture = (code: 'face-lost' | 'motion', share: number, what: string): void => {
    if (share > o.capturePoorShare) add(code, 'poor', `${what} in ${pct(share)} of frames.`);
    else if (share > o.captureFairShare) add(code, 'fair', `${what} in ${pct(share)} of frames.`);
  };
  capture('face-lost', e.faceLostShare, 'Face lost');
  capture('motion', e.motionShare, 'Motion');
  // A short stall (a busy machine, a camera hiccup) is bridged; the window keeps its HR, marked fair.
  if (e.gapShare > 0) {
    const bridged = e.gapShare <= o.gapPoorShare;
    add('gap', bridged ? 'fair' : 'poor', `Frames missing for ${pct(e.gapShare)} of the window (a hole longer than ${o.maxGapS} s)${bridged ? ', bridged by interpolation' : ''}.`);
  } else if (e.droppedShare > o.droppedFairShare) add('dropped-frames', 'fair', `${pct(e.droppedShare)} of samples interpolated over dropped frames.`);
  if (!e.fpsSupported) add('fps-unsupported', 'poor', "Frame rate outside the model's supported range.");
  const grade: Grade = reasons.some((r) => r.severity === 'poor') ? 'poor' : reasons.length > 0 ? 'fair' : 'good';
  return { grade, reasons, relation };
}

/** Share of flagged capture frames (non-zero flag) inside each [start, end) time span. */
export function flaggedShare(t: ArrayLike<number>, flags: ArrayLike<number> | undefined, spans: ReadonlyArray<{ tStart: number; tEnd: number }>): Float64Array {
  const out = new Float64Array(spans.length);
  if (!flags) return out;
  if (flags.length !== t.length) throw new SignalError('length-mismatch', `capture flags (${flags.length}) and times (${t.length}) differ in length`);
  const prefix = new Float64Array(t.length + 1);
  for (let i = 0; i < t.length; i++) {
    if (i > 0 && !(t[i]! >= t[i - 1]!)) throw new SignalError('non-monotonic-timestamps', `capture time ${i} is earlier than the one before`);
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
