// The synthetic subject's physiology: a heart rate that varies slightly over time and a PPG-shaped pulse
// (systolic peak, dicrotic wave, so harmonics are present as in real skin) sampled at any time.
import { seeded } from './seeded-random.ts';

export interface PulseSpec {
  /** Mean heart rate of the clip, bpm. */
  bpm: number;
  /** Relative heart-rate variability: peak deviation of the slow HR oscillations as a share of bpm. */
  hrv: number;
  seed: number;
}

/** Respiratory sinus arrhythmia and a slower Mayer-wave rhythm: the two familiar HRV oscillations. */
const RSA_HZ = 0.25;
const MAYER_HZ = 0.1;

/** Systolic peak and dicrotic wave as two Gaussians over one beat's phase (0–1). */
const SYSTOLE = { at: 0.2, width: 0.08, height: 1 };
const DIASTOLE = { at: 0.5, width: 0.12, height: 0.45 };

export interface PulseTrack {
  /** Instantaneous HR (bpm) at t seconds. */
  bpmAt(t: number): number;
  /** Pulse at t seconds, zero-mean over a beat, peak-to-peak ≈ 1. */
  pulseAt(t: number): number;
  /** Mean HR over [0, durationS]. */
  meanBpm(durationS: number): number;
}

function beatShape(phase: number): number {
  const g = (p: { at: number; width: number; height: number }) => {
    // Wrapped distance, so the shape is periodic.
    const d = ((phase - p.at + 1.5) % 1) - 0.5;
    return p.height * Math.exp(-((d / p.width) ** 2));
  };
  return g(SYSTOLE) + g(DIASTOLE);
}

/** Mean and range of one beat's shape, to centre and scale it once. */
const SHAPE_STATS = (() => {
  let sum = 0;
  let lo = Infinity;
  let hi = -Infinity;
  const n = 1000;
  for (let i = 0; i < n; i++) {
    const v = beatShape(i / n);
    sum += v;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return { mean: sum / n, range: hi - lo };
})();

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
  return {
    bpmAt,
    pulseAt: (t) => (beatShape(phaseAt(t) % 1) - SHAPE_STATS.mean) / SHAPE_STATS.range,
    meanBpm: (d) => ((phase[Math.round(d / PHASE_STEP_S)]! - phase[0]!) / d) * 60,
  };
}
