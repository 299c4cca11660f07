// Clip specs drawn at random over the conditions a lab meets (and the reliability decision is calibrated on):
// weak pulses, compression, head motion, light drift, aliased mains flicker, uneven light, skin tones, mirrored
// faces on a blurred backdrop, and clips with no pulse at all. Each condition drawn on its own over its whole range,
// or — in a levelled set — all of a clip's conditions from one level (easy, medium, hard), as recordings come:
// a clean lab session is clean in every respect, a poor one poor in several. Deterministic per seed.
import path from 'node:path';
import { seeded } from './seeded-random.ts';
import type { ClipSpec } from './generate.ts';
import type { BeatShape } from './pulse-signal.ts';

export interface VariedOptions {
  count: number;
  faces: string[];
  seed: number;
  durationS?: number;
  width?: number;
  height?: number;
  /** Share of clips without any pulse (default 0.15). */
  noPulseShare?: number;
  bpmRange?: readonly [number, number];
  /** Draw each clip's conditions from one level (easy, medium, hard) instead of each over its whole range. */
  levelled?: boolean;
  /** Give each clip its own beat shape (beatShapeFor) instead of pulse-signal.ts's fixed BEAT_SHAPE. */
  beatShapes?: boolean;
}

/** Motion levels: peak shake in pixels (at 640×480), roll in degrees and zoom share. */
const MOTION_LEVELS = [
  { name: 'still', shakePx: 0, rotateDeg: 0, zoom: 0 },
  { name: 'mild', shakePx: 5, rotateDeg: 1, zoom: 0.01 },
  { name: 'moderate', shakePx: 10, rotateDeg: 2, zoom: 0.02 },
  { name: 'strong', shakePx: 15, rotateDeg: 3, zoom: 0.03 },
] as const;
type MotionLevel = (typeof MOTION_LEVELS)[number];

/** The ranges a clip's conditions are drawn from. */
interface Conditions {
  /** Peak-to-peak green modulation by the pulse (share). */
  amplitude: readonly [number, number];
  /** x264 CRF (an MJPEG clip gets a qscale of similar quality). */
  crf: readonly [number, number];
  noiseSigma: readonly [number, number];
  driftShare: readonly [number, number];
  /** Chance of an aliased mains flicker, and its peak depth. */
  flickerChance: number;
  flickerShare: readonly [number, number];
  gradientShare: readonly [number, number];
  motion: readonly MotionLevel[];
  /** Chance that a moving clip shakes inside the heart-rate band rather than swaying slowly. */
  inBandShake: number;
}

const [STILL, MILD, MODERATE, STRONG] = MOTION_LEVELS;

/** How far a camera's frame clock and the mains may be off their nominal rates together (share). */
const CLOCK_MISMATCH = 0.004;

/**
 * The rate at which a camera sees a mains lamp flicker: a lamp flickers at twice the mains frequency (100 or 120 Hz),
 * far above any frame rate, so the frames sample it aliased — near 10 Hz (100 Hz at 30 fps) or near 0 Hz (120 Hz),
 * moved by the small mismatch of the camera's clock and the mains. One draw `u` picks both the lamp and the mismatch.
 */
export function aliasedMainsHz(u: number, fps: number): number {
  const lampHz = u < 0.5 ? 100 : 120;
  const mismatch = CLOCK_MISMATCH * (4 * (u % 0.5) - 1);
  const actualFps = fps * (1 + mismatch);
  const alias = Math.abs(lampHz - Math.round(lampHz / actualFps) * actualFps);
  return Math.min(alias, actualFps - alias);
}

/** Every condition over its whole range, each on its own. */
const ANY: Conditions = {
  amplitude: [0.002, 0.009],
  crf: [17, 29],
  noiseSigma: [0.5, 3.5],
  driftShare: [0, 0.06],
  // Peak depth of an aliased mains flicker: up to ≈ 1 %, as much as a weak pulse (lamps on dimmers, LED drivers).
  flickerChance: 0.5,
  flickerShare: [0.001, 0.011],
  gradientShare: [0, 0.1],
  motion: MOTION_LEVELS,
  inBandShake: 0.25,
};

/** A clean session (still, strong pulse, light compression), an ordinary one, and a poor one in several respects. */
const LEVELS: readonly Conditions[] = [
  {
    amplitude: [0.005, 0.009],
    crf: [17, 20],
    noiseSigma: [0.5, 1.8],
    driftShare: [0.01, 0.03],
    flickerChance: 0.1,
    flickerShare: [0.001, 0.004],
    gradientShare: [0, 0.02],
    motion: [STILL],
    inBandShake: 0,
  },
  {
    amplitude: [0.0025, 0.006],
    crf: [19, 26],
    noiseSigma: [1.2, 2.8],
    driftShare: [0.02, 0.05],
    flickerChance: 0.6,
    flickerShare: [0.002, 0.01],
    gradientShare: [0.02, 0.07],
    motion: [MILD, MODERATE],
    inBandShake: 0.15,
  },
  {
    amplitude: [0.002, 0.0035],
    crf: [25, 29],
    noiseSigma: [2, 3.5],
    driftShare: [0.04, 0.06],
    flickerChance: 0.7,
    flickerShare: [0.004, 0.011],
    gradientShare: [0.06, 0.1],
    motion: [STRONG],
    inBandShake: 0.25,
  },
];

/**
 * A beat shape over a physiological range: the second harmonic 0.15–1.0 of the fundamental, the third 0.15–0.55 (a
 * PPG's harmonics fall off; the old fixed shape's narrow systolic peak made the third nearly as strong as the first).
 * Drawn from its own stream, so a seed's other conditions are the same as before shapes were drawn.
 */
function beatShapeFor(seed: number, index: number): BeatShape {
  const rnd = seeded(seed * 104_729 + index * 31 + 7);
  const between = (lo: number, hi: number) => lo + (hi - lo) * rnd.uniform();
  return {
    systoleWidth: between(0.12, 0.16),
    dicroticHeight: between(0.2, 0.6),
    dicroticAt: between(0.45, 0.58),
    dicroticWidth: between(0.12, 0.16),
  };
}

export function variedSpecs(o: VariedOptions): ClipSpec[] {
  const rnd = seeded(o.seed * 7919 + 17);
  const between = (range: readonly [number, number]) => range[0] + (range[1] - range[0]) * rnd.uniform();
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd.uniform() * items.length)]!;
  const [lo, hi] = o.bpmRange ?? [45, 170];
  const width = o.width ?? 640;
  const scale = width / 640;
  return Array.from({ length: o.count }, (_, i) => {
    const c = o.levelled ? pick(LEVELS) : ANY;
    const noPulse = rnd.uniform() < (o.noPulseShare ?? 0.15);
    const motion = pick(c.motion);
    const flicker = rnd.uniform() < c.flickerChance ? between(c.flickerShare) : 0;
    const bpm = between([lo, hi]);
    const face = pick(o.faces);
    const codec = rnd.uniform() < 0.85 ? ('h264' as const) : ('mjpeg' as const);
    const crf = between(c.crf);
    // An MJPEG qscale of about the same quality as the CRF.
    const quality = Math.round(codec === 'h264' ? crf : 3 + ((crf - 17) * 9) / 12);
    return {
      name: `varied-${String(o.seed)}-${String(i + 1).padStart(3, '0')}-${path.parse(face).name}-${motion.name}-${noPulse ? 'nopulse' : `${Math.round(bpm)}bpm`}`,
      face,
      bpm,
      hrv: between([0.01, 0.05]),
      ...(o.beatShapes ? { beat: beatShapeFor(o.seed, i) } : {}),
      durationS: o.durationS ?? 20,
      fps: 30,
      width,
      height: o.height ?? 480,
      pulseAmplitude: noPulse ? 0 : between(c.amplitude),
      // Mostly a slow sway (below 0.3 Hz) with a little frame-to-frame jitter, as a seated subject or a hand-held
      // camera moves; some moving clips shake inside the heart-rate band, the hard case.
      motion: {
        driftPx: between([0, 8]) * scale,
        shakePx: motion.shakePx * scale * between([0.6, 1]),
        shakeHz: rnd.uniform() < c.inBandShake ? [0.3, 1.5] : [0.03, 0.3],
        jitterPx: motion.shakePx * scale * between([0, 0.08]),
        rotateDeg: motion.rotateDeg,
        zoom: motion.zoom,
      },
      lighting: {
        driftShare: between(c.driftShare),
        flickerShare: flicker,
        flickerHz: flicker ? aliasedMainsHz(rnd.uniform(), 30) : 0,
        flickerSpread: between([0, 0.9]),
        rollingShutterRad: rnd.uniform() < 0.3 ? between([0, Math.PI]) : 0,
        gradientShare: between(c.gradientShare),
      },
      noiseSigma: between(c.noiseSigma),
      subject: {
        mirror: rnd.uniform() < 0.5,
        skinTone: rnd.uniform() < 0.5 ? 0 : between([0, 0.8]),
        backdrop: rnd.uniform() < 0.7 ? 'blurred' : 'flat',
        framing: between([1, 2.2]),
      },
      // Encoded as cameras and screen recorders do: x264's medium preset, a keyframe every 1–4 s.
      encode: { codec, quality, preset: 'medium', keyint: pick([30, 60, 60, 120]) },
      seed: o.seed * 100_000 + i,
    } satisfies ClipSpec;
  });
}
