// The reliability decision, one module for live recording and every offline analysis: how likely each candidate
// heart rate of a window is right (a logistic model over the evidence, calibrated on generated clips by
// scripts/calibrate-reliability.ts), the tracked choice across windows, and per window a calibrated probability,
// a level — reliable, use with caution, no reliable HR — and the main reasons in plain words.
import {
  candidateFeatures,
  candidatesOf,
  FEATURES,
  relativeSupport,
  supportShare,
  topPeaks,
  VOTERS,
  type Feature,
  type Voter,
  type WindowEvidence,
} from './evidence.ts';
import { trackHeartRate, transitionLogP } from './hr-track.ts';
import type { Reliability } from '../../common/session-hr.ts';
import model from './reliability-model.json' with { type: 'json' };

export { RELIABILITY_LEVELS, type Reliability } from '../../common/session-hr.ts';

/**
 * What a window adds to its chosen candidate's own evidence: how likely it looked on its own, how steady it is across
 * windows, and how far ahead of the next candidate.
 */
export const WINDOW_LEVEL = ['emission', 'continuity', 'margin'] as const;
export type WindowFeature = (typeof WINDOW_LEVEL)[number];
type DecisionFeature = Feature | WindowFeature;

/**
 * What the window-level model reads, unless told otherwise: the window-level values and the evidence that best
 * tells right readings from wrong ones on the calibration clips (the crop moving at this rate, agreeing voters,
 * PBV's peak share, the light reference, the weakest skin region, nearness to an imported video's keyframe rhythm and
 * how much of the skin's change there the encoder's jumps at keyframes make).
 */
export const WINDOW_FEATURES: readonly DecisionFeature[] = [
  ...WINDOW_LEVEL,
  'motionHere',
  'votes',
  'pbvShare',
  'lightOverSkin',
  'regionsMin',
  'keyframeNear',
  'keyframeStepNear',
];

/** Windows on each side whose best candidates say whether the chosen rate is steady. */
export const CONTINUITY_WINDOWS = 4;
/** Agreement distance (bpm): the accuracy asked of a reading. */
export const AGREE_BPM = 5;

interface Logistic<F extends string> {
  features: readonly F[];
  weights: readonly number[];
  bias: number;
}

export interface ReliabilityModel {
  candidate: Logistic<Feature>;
  window: Logistic<DecisionFeature>;
  /** Probability at or above which a window is reliable, and use with caution. */
  thresholds: { reliable: number; caution: number };
}

export const RELIABILITY_MODEL = model as ReliabilityModel;

const logistic = (z: number) => 1 / (1 + Math.exp(-z));
const logit = (p: number) => Math.log(Math.max(1e-6, p) / Math.max(1e-6, 1 - p));

function score<F extends string>(m: Logistic<F>, values: readonly number[]): number {
  let z = m.bias;
  for (let i = 0; i < values.length; i++) z += m.weights[i]! * values[i]!;
  return logistic(z);
}

export interface ScoredCandidate {
  bpm: number;
  p: number;
  features: number[];
}

/**
 * Probability that a candidate with these features (FEATURES order) is the true heart rate (±5 bpm); the model reads
 * the features it names, so a model calibrated before a feature existed ignores it.
 */
export function candidateProbability(features: readonly number[], m: ReliabilityModel = RELIABILITY_MODEL): number {
  return score(
    m.candidate,
    m.candidate.features.map((f) => features[FEATURES.indexOf(f)]!),
  );
}

/** Every candidate of a window with the probability that it is the true heart rate (±5 bpm). */
export function scoreCandidates(
  e: WindowEvidence,
  bandHz: readonly [number, number],
  m: ReliabilityModel = RELIABILITY_MODEL,
): ScoredCandidate[] {
  return candidatesOf(e, bandHz).map((hz) => {
    const features = candidateFeatures(e, hz, bandHz);
    return { bpm: hz * 60, p: candidateProbability(features, m), features };
  });
}

export const REASON_CODES = [
  'face-lost',
  'frames-missing',
  'light',
  'movement',
  'harmonic',
  'keyframes',
  'disagree',
  'weak',
  'no-signal',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** Plain words for each reason, as the app shows them. */
export const REASON_WORDS: Record<ReasonCode, string> = {
  'face-lost': 'face not found',
  'frames-missing': 'frames missing',
  light: 'light flicker',
  movement: 'too much movement',
  harmonic: 'possible double or half of the heart rate',
  keyframes: 'in step with the video’s compression (keyframes)',
  disagree: 'the methods disagree',
  weak: 'signal too weak',
  'no-signal': 'no signal',
};

export interface WindowDecision {
  /** The heart rate read in this window (bpm), null without any candidate. */
  bpm: number | null;
  /** Whose reading it is: the network's, or the classical methods' where the network was unreliable. */
  source: 'sspd' | 'evidence' | null;
  /** The network's own strongest peak (bpm), when a network ran. */
  sspdBpm: number | null;
  /** Calibrated probability that `bpm` is within 5 bpm of the true heart rate. */
  probability: number;
  reliability: Reliability;
  /** Most important first; empty for a reliable window read by the network. */
  reasons: ReasonCode[];
  /** What the choice rested on, for exports and debugging. */
  features: Record<Feature | WindowFeature, number> | null;
}

/** The reasons a chosen candidate is not beyond doubt, most important first (by its evidence, not by the model). */
function reasonsFor(f: Record<Feature, number>, windowF: Record<WindowFeature, number>): ReasonCode[] {
  const out: ReasonCode[] = [];
  if (f.faceLost > MISSING_CAUTION_SHARE) out.push('face-lost');
  if (f.gap > MISSING_CAUTION_SHARE / 2) out.push('frames-missing');
  out.push(...sourceReasons(f));
  const classical = Math.max(f.pbvRel, f.posRel, f.chromRel, f.greenRel);
  if (windowF.margin < 0.2 || (f.noSspd === 0 && Math.abs(f.sspdRel - classical) > 0.5)) out.push('disagree');
  if (f.sspdShare < 0.15 && f.pbvShare < 0.15) out.push('weak');
  return out;
}

/** What other than a pulse a candidate's rate looks like: the light, the head's motion, a harmonic. */
function sourceReasons(f: Record<Feature, number>): ReasonCode[] {
  const out: ReasonCode[] = [];
  if (f.lightRel > 0.5 && f.lightOverSkin > 0.25) out.push('light');
  // ≈ 0.7 levels per frame of content change: a still face stays near 0.05, ±5 px of head motion reaches it.
  if (f.motion > 0.15) out.push('movement');
  if (f.sspdDoubleRel > 0.8 || f.sspdHalfRel > 0.8) out.push('harmonic');
  if (f.keyframeComb >= KEYFRAME_LOCK) out.push('keyframes');
  return out;
}

const named = <F extends string>(names: readonly F[], values: readonly number[]) =>
  Object.fromEntries(names.map((n, i) => [n, values[i]!])) as Record<F, number>;

/** The level of a probability under the model's thresholds. */
export function levelOf(p: number, m: ReliabilityModel = RELIABILITY_MODEL): Reliability {
  return p >= m.thresholds.reliable ? 'reliable' : p >= m.thresholds.caution ? 'caution' : 'none';
}

/**
 * Limits for what the calibration clips never hold (the face lost, frames missing): a window that lacks much of
 * its own data is never more than use with caution, and one that lacks most of it has no reliable HR.
 */
export const MISSING_CAUTION_SHARE = 0.2;
export const MISSING_NONE_SHARE = 0.5;

/**
 * A rate this much in step with an imported video's keyframes (evidence.keyframeComb) cannot be told from the
 * encoder's own rhythm, which every skin region, the network and the light share: never more than use with caution.
 */
export const KEYFRAME_LOCK = 0.5;

/** Whether a window with these features may be called reliable at all, whatever its probability. */
export function mayBeReliable(f: Record<Feature, number>): boolean {
  return Math.max(f.faceLost, f.gap) <= MISSING_CAUTION_SHARE && f.keyframeComb < KEYFRAME_LOCK;
}

/** The level of a window's probability, for a window that may not be reliable judged against caution's threshold. */
function levelFor(p: number, f: Record<Feature, number>, m: ReliabilityModel): Reliability {
  if (Math.max(f.faceLost, f.gap) > MISSING_NONE_SHARE) return 'none';
  if (mayBeReliable(f)) return levelOf(p, m);
  return p >= m.thresholds.caution ? 'caution' : 'none';
}

/**
 * Decides one window given its scored candidates, the chosen one, and the best candidates of its neighbours
 * (offline: the windows around it; live: the windows before it).
 */
export function decideWindow(
  e: WindowEvidence,
  candidates: readonly ScoredCandidate[],
  chosen: number,
  neighbourBest: readonly (number | null)[],
  m: ReliabilityModel = RELIABILITY_MODEL,
): WindowDecision {
  const sspdPeak = e.voters.sspd ? topPeaks(e.voters.sspd, 1)[0] : undefined;
  const sspdBpm = sspdPeak === undefined ? null : sspdPeak * 60;
  const pick = candidates[chosen];
  if (!pick)
    return {
      bpm: null,
      source: null,
      sspdBpm,
      probability: 0,
      reliability: 'none',
      reasons: ['no-signal'],
      features: null,
    };
  const steady = neighbourBest.filter((b): b is number => b !== null);
  const others = candidates.filter((c) => Math.abs(c.bpm - pick.bpm) > (8 / 5) * AGREE_BPM).map((c) => c.p);
  const f = named(FEATURES, pick.features);
  const windowValues: Record<WindowFeature, number> = {
    emission: Math.max(-8, Math.min(8, logit(pick.p))) / 8,
    continuity: steady.length ? steady.filter((b) => Math.abs(b - pick.bpm) <= AGREE_BPM).length / steady.length : 0.5,
    margin: pick.p - Math.max(0, ...others),
  };
  const all = { ...f, ...windowValues };
  const probability = score(
    m.window,
    m.window.features.map((k) => all[k]),
  );
  const reliability = levelFor(probability, f, m);
  // The network is primary: its reading stands wherever the chosen rate is its own.
  const bySspd =
    sspdBpm !== null &&
    (Math.abs(sspdBpm - pick.bpm) <= AGREE_BPM || relativeSupport(e.voters.sspd, pick.bpm / 60) > 0.9);
  const reasons = reliability === 'reliable' && (bySspd || sspdBpm === null) ? [] : reasonsFor(f, windowValues);
  // Where the network's rate was passed over, say what that rate looked like (a lamp, a sway) as well.
  const networkPick =
    bySspd || sspdBpm === null ? undefined : candidates.find((c) => Math.abs(c.bpm - sspdBpm) <= AGREE_BPM);
  if (networkPick)
    reasons.unshift(...sourceReasons(named(FEATURES, networkPick.features)).filter((r) => !reasons.includes(r)));
  if (reliability !== 'reliable' && reasons.length === 0) reasons.push(pick.p < 0.5 ? 'weak' : 'disagree');
  const bpm = bySspd
    ? refinedBpm(e, pick.bpm, ['sspd'])
    : refinedBpm(
        e,
        pick.bpm,
        VOTERS.filter((v) => v !== 'sspd'),
      );
  return {
    bpm,
    source: sspdBpm === null || bySspd ? (sspdBpm === null ? 'evidence' : 'sspd') : 'evidence',
    sspdBpm,
    probability,
    reliability,
    reasons,
    features: all,
  };
}

/**
 * The chosen rate read more finely: the mean of the strongest peaks of `voters` that lie within 5 bpm of it,
 * weighted by how much of each one's band power they hold (the candidate itself where none does).
 */
function refinedBpm(e: WindowEvidence, bpm: number, voters: readonly Voter[]): number {
  let sum = 0;
  let weight = 0;
  for (const v of voters) {
    const s = e.voters[v];
    const top = s ? topPeaks(s, 1)[0] : undefined;
    if (top === undefined || Math.abs(top * 60 - bpm) > AGREE_BPM) continue;
    const w = supportShare(s, top);
    sum += w * top * 60;
    weight += w;
  }
  return weight > 0 ? sum / weight : bpm;
}

/** Decisions for a whole series of windows `stepS` apart: tracked across windows, each judged with its neighbours. */
export function decideSeries(
  windows: readonly WindowEvidence[],
  bandHz: readonly [number, number],
  stepS: number,
  m: ReliabilityModel = RELIABILITY_MODEL,
): WindowDecision[] {
  const scored = windows.map((e) => scoreCandidates(e, bandHz, m));
  const choice = trackHeartRate(
    scored.map((c) => ({ bpm: c.map((x) => x.bpm), logP: c.map((x) => Math.log(Math.max(1e-6, x.p))) })),
    stepS,
  );
  const best = scored.map((c) => (c.length ? c.reduce((a, b) => (b.p > a.p ? b : a)).bpm : null));
  return windows.map((e, w) => {
    const around: (number | null)[] = [];
    for (let k = Math.max(0, w - CONTINUITY_WINDOWS); k <= Math.min(windows.length - 1, w + CONTINUITY_WINDOWS); k++)
      if (k !== w) around.push(best[k]!);
    return decideWindow(e, scored[w]!, choice[w]!, around, m);
  });
}

/**
 * Live: decides the newest window given the rates chosen in the windows before it (newest last), choosing the
 * candidate that best combines its own probability with a plausible move from the previous choice.
 */
export function decideLatest(
  e: WindowEvidence,
  bandHz: readonly [number, number],
  previous: readonly { bpm: number | null; best: number | null; tS: number }[],
  tS: number,
  m: ReliabilityModel = RELIABILITY_MODEL,
): WindowDecision & { best: number | null } {
  const scored = scoreCandidates(e, bandHz, m);
  const last = [...previous].reverse().find((p) => p.bpm !== null);
  let chosen = -1;
  let bestScore = -Infinity;
  scored.forEach((c, i) => {
    const s = Math.log(Math.max(1e-6, c.p)) + (last ? transitionLogP(last.bpm!, c.bpm, tS - last.tS) : 0);
    if (s > bestScore) {
      bestScore = s;
      chosen = i;
    }
  });
  const best = scored.length ? scored.reduce((a, b) => (b.p > a.p ? b : a)).bpm : null;
  const decision = decideWindow(
    e,
    scored,
    chosen,
    previous.slice(-CONTINUITY_WINDOWS).map((p) => p.best),
    m,
  );
  return { ...decision, best };
}
