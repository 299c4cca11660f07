// How well the reliability decision works, for `evaluate`: per window, the app's decided reading and each method's
// own peak with a confidence, against the truth; then per method the confidence's AUROC for |error| ≤ 5 bpm,
// coverage, the MAE of reliable readings and how many reliable readings were wrong by more than 10 bpm; and per
// group of clips (difficulty) how often the session HR was reported reliable, or at all, and how right it was.
import { candidateFeatures, topPeaks } from '../signal/evidence.ts';
import { candidateProbability, levelOf } from '../signal/reliability.ts';
import { sessionEvidence } from '../signal/analyze-session.ts';
import type { Reliability } from '../../common/session-hr.ts';
import type { VideoAnalysis } from '../video/analyze-video.ts';
import { auroc } from '../references/metrics.ts';
import { referenceBpm, type Reference } from './reference.ts';
import { METHOD_IDS, type MethodId } from '../results/waveforms.ts';

/**
 * 'app': the reading the app shows (tracked, possibly from the classical methods); the others: each method's own peak.
 */
export const SCORED = ['app', ...METHOD_IDS] as const;
export type Scored = (typeof SCORED)[number];

export interface WindowScore {
  /** True HR in the window; null for a clip without a pulse. */
  truth: number | null;
  bpm: number | null;
  /** Confidence that bpm is within 5 bpm of the truth. */
  p: number;
  level: Reliability;
}

/** Each method's own strongest peak per window, scored by the candidate model (the app's thresholds give its level). */
function methodScores(
  a: VideoAnalysis,
  truthAt: (w: { tStart: number; tEnd: number }) => number | null,
): Partial<Record<MethodId, WindowScore[]>> {
  const ev = sessionEvidence({
    rgb: a.rgb,
    ...(a.blocks ? { blocks: a.blocks } : {}),
    ...(a.sspd ? { waveform: a.sspd } : {}),
    capture: { t: a.rgb.t, faceLost: a.faceLost, keyframe: a.keyframe },
  });
  if ('ok' in ev) return {};
  const out: Partial<Record<MethodId, WindowScore[]>> = {};
  for (const id of METHOD_IDS) {
    if (!ev.evidence[0]?.voters[id]) continue;
    out[id] = ev.evidence.map((e, k) => {
      const hz = topPeaks(e.voters[id]!, 1)[0];
      const truth = truthAt(ev.windows[k]!);
      if (hz === undefined) return { truth, bpm: null, p: 0, level: 'none' };
      const p = candidateProbability(candidateFeatures(e, hz, ev.bandHz));
      return { truth, bpm: hz * 60, p, level: levelOf(p) };
    });
  }
  return out;
}

/** Window scores of the app's decision and of every method of one analysed clip. */
export function windowScores(a: VideoAnalysis, truth: Reference | null): Partial<Record<Scored, WindowScore[]>> {
  const truthAt = (w: { tStart: number; tEnd: number }) => (truth ? referenceBpm(truth, w.tStart, w.tEnd) : null);
  const s = a.session;
  if (!s.ok) return {};
  return {
    app: s.hrSeries.map((w) => ({ truth: truthAt(w), bpm: w.bpm, p: w.probability, level: w.reliability })),
    ...methodScores(a, truthAt),
  };
}

export interface WindowFigures {
  /** Windows of clips with a pulse, and how many the confidence could be judged on. */
  windows: number;
  /** Confidence AUROC for |error| ≤ 5 bpm. */
  auroc: number;
  /** Share of windows reliable; the MAE of those and how many were wrong by more than 10 bpm. */
  coverage: number;
  reliableMaeBpm: number;
  reliableWrong10: number;
  /** The same for windows reported at all (reliable or use with caution). */
  reportedCoverage: number;
  reportedMaeBpm: number;
  reportedWrong10: number;
  /** Windows of clips without a pulse, and the share of them called reliable (should be ~0). */
  noPulseWindows: number;
  noPulseReliableShare: number;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);

export function windowFigures(scores: readonly WindowScore[]): WindowFigures {
  const pulse = scores.filter((w) => w.truth !== null);
  const error = (w: WindowScore) => (w.bpm === null ? Infinity : Math.abs(w.bpm - w.truth!));
  const reliable = pulse.filter((w) => w.level === 'reliable' && w.bpm !== null);
  const reported = pulse.filter((w) => w.level !== 'none' && w.bpm !== null);
  const noPulse = scores.filter((w) => w.truth === null);
  return {
    windows: pulse.length,
    auroc: auroc(
      pulse.map((w) => w.p),
      pulse.map((w) => error(w) <= 5),
    ),
    coverage: pulse.length ? reliable.length / pulse.length : Number.NaN,
    reliableMaeBpm: mean(reliable.map(error)),
    reliableWrong10: reliable.filter((w) => error(w) > 10).length,
    reportedCoverage: pulse.length ? reported.length / pulse.length : Number.NaN,
    reportedMaeBpm: mean(reported.map(error)),
    reportedWrong10: reported.filter((w) => error(w) > 10).length,
    noPulseWindows: noPulse.length,
    noPulseReliableShare: noPulse.length
      ? noPulse.filter((w) => w.level === 'reliable').length / noPulse.length
      : Number.NaN,
  };
}

/** A clip's session HR as the app reports it, against its mean true HR (null: no pulse). */
export interface ClipDecision {
  group: string;
  referenceBpm: number | null;
  bpm: number | null;
  reliability: Reliability;
}

export interface ClipFigures {
  clips: number;
  /** Clips reported reliable, their MAE, and how many of them were wrong by more than 10 bpm. */
  reliable: number;
  reliableMaeBpm: number;
  reliableWrong10: number;
  /** Clips with any HR reported (reliable or use with caution). */
  reported: number;
  reportedMaeBpm: number;
  reportedWrong10: number;
}

export function clipFigures(clips: readonly ClipDecision[]): ClipFigures {
  const error = (c: ClipDecision) => (c.referenceBpm === null ? Infinity : Math.abs(c.bpm! - c.referenceBpm));
  const reliable = clips.filter((c) => c.reliability === 'reliable' && c.bpm !== null);
  const reported = clips.filter((c) => c.reliability !== 'none' && c.bpm !== null);
  const finite = (xs: number[]) => xs.filter(Number.isFinite);
  return {
    clips: clips.length,
    reliable: reliable.length,
    reliableMaeBpm: mean(finite(reliable.map(error))),
    reliableWrong10: reliable.filter((c) => error(c) > 10).length,
    reported: reported.length,
    reportedMaeBpm: mean(finite(reported.map(error))),
    reportedWrong10: reported.filter((c) => error(c) > 10).length,
  };
}
