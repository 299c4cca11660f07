// The synthetic subject's physiology: a heart rate that varies slightly over time and a PPG-shaped pulse
// (systolic peak, dicrotic wave, so harmonics are present as in real skin) sampled at any time.
import { seeded } from './seeded-random.ts';

export interface PulseSpec {
  /** Mean heart rate of the clip, bpm. */
  bpm: number;
  /** Relative heart-rate variability: peak deviation of the slow HR oscillations as a share of bpm. */
  hrv: number;
  seed: number;
  /** The beat's shape (default BEAT_SHAPE). */
  shape?: BeatShape;
}

/** One beat as a systolic peak and a dicrotic wave: two Gaussians over the beat's phase (0–1). */
export interface BeatShape {
  /** Width of the systolic peak (phase); a narrow one makes strong higher harmonics. */
  systoleWidth: number;
  /** Height of the dicrotic wave relative to the systolic peak, where it lies and its width. */
  dicroticHeight: number;
  dicroticAt: number;
  dicroticWidth: number;
}

/** Respiratory sinus arrhythmia and a slower Mayer-wave rhythm: the two familiar HRV oscillations. */
const RSA_HZ = 0.25;
const MAYER_HZ = 0.1;

/**
 * The shape every clip had until 2026-12-05 (and still the default): its third harmonic is stronger than a real
 * PPG's (0.77 of the fundamental; finger and camera PPG fall off with each harmonic).
 */
export const BEAT_SHAPE: BeatShape = { systoleWidth: 0.08, dicroticHeight: 0.45, dicroticAt: 0.5, dicroticWidth: 0.12 };
const SYSTOLE_AT = 0.2;

export interface PulseTrack {
  /** Instantaneous HR (bpm) at t seconds. */
  bpmAt(t: number): number;
  /** Pulse at t seconds, zero-mean over a beat, peak-to-peak ≈ 1. */
  pulseAt(t: number): number;
  /** Mean HR over [0, durationS]. */
  meanBpm(durationS: number): number;
}

function beatValue(s: BeatShape, phase: number): number {
  const g = (at: number, width: number, height: number) => {
    // Wrapped distance, so the shape is periodic.
    const d = ((phase - at + 1.5) % 1) - 0.5;
    return height * Math.exp(-((d / width) ** 2));
  };
  return g(SYSTOLE_AT, s.systoleWidth, 1) + g(s.dicroticAt, s.dicroticWidth, s.dicroticHeight);
}

/** Mean and range of one beat's shape, to centre and scale it. */
function shapeStats(s: BeatShape): { mean: number; range: number } {
  let sum = 0;
  let lo = Infinity;
  let hi = -Infinity;
  const n = 1000;
  for (let i = 0; i < n; i++) {
    const v = beatValue(s, i / n);
    sum += v;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return { mean: sum / n, range: hi - lo };
}

/** Phase is integrated on a fine grid, so the pulse stays continuous while its rate changes. */
const PHASE_STEP_S = 1 / 600;

export function pulseTrack(spec: PulseSpec, durationS: number): PulseTrack {
  const rnd = seeded(spec.seed);
  const p1 = rnd.uniform() * 2 * Math.PI;
  const p2 = rnd.uniform() * 2 * Math.PI;
  const start = rnd.uniform();
  const bpmAt = (t: number): number =>
    spec.bpm *
    (1 + spec.hrv * (0.6 * Math.sin(2 * Math.PI * MAYER_HZ * t + p1) + 0.4 * Math.sin(2 * Math.PI * RSA_HZ * t + p2)));
  const steps = Math.ceil(durationS / PHASE_STEP_S) + 2;
  const phase = new Float64Array(steps + 1);
  phase[0] = start;
  for (let i = 1; i <= steps; i++) phase[i] = phase[i - 1]! + (bpmAt((i - 0.5) * PHASE_STEP_S) / 60) * PHASE_STEP_S;
  const phaseAt = (t: number): number => {
    const x = Math.min(Math.max(t / PHASE_STEP_S, 0), steps - 1);
    const i = Math.floor(x);
    return phase[i]! + (phase[i + 1]! - phase[i]!) * (x - i);
  };
  const shape = spec.shape ?? BEAT_SHAPE;
  const stats = shapeStats(shape);
  return {
    bpmAt,
    pulseAt: (t) => (beatValue(shape, phaseAt(t) % 1) - stats.mean) / stats.range,
    meanBpm: (d) => ((phase[Math.round(d / PHASE_STEP_S)]! - phase[0]!) / d) * 60,
  };
}
