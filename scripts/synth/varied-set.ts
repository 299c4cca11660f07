// Clip specs drawn at random over the conditions a lab meets (and the reliability decision is calibrated on):
// weak pulses, compression, head motion, light drift, aliased mains flicker, uneven light, skin tones, mirrored
// faces on a blurred backdrop, and clips with no pulse at all. Deterministic per seed.
import path from 'node:path';
import { seeded } from '../../main/signal/test-helpers.ts';
import type { ClipSpec } from './generate.ts';

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
}

/** Motion levels: peak shake in pixels (at 640×480), roll in degrees and zoom share. */
const MOTION_LEVELS = [
  { name: 'still', shakePx: 0, rotateDeg: 0, zoom: 0 },
  { name: 'mild', shakePx: 5, rotateDeg: 1, zoom: 0.01 },
  { name: 'moderate', shakePx: 10, rotateDeg: 2, zoom: 0.02 },
  { name: 'strong', shakePx: 15, rotateDeg: 3, zoom: 0.03 },
] as const;

export function variedSpecs(o: VariedOptions): ClipSpec[] {
  const rnd = seeded(o.seed * 7919 + 17);
  const between = (lo: number, hi: number) => lo + (hi - lo) * rnd.uniform();
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd.uniform() * items.length)]!;
  const [lo, hi] = o.bpmRange ?? [45, 170];
  const width = o.width ?? 640;
  const scale = width / 640;
  return Array.from({ length: o.count }, (_, i) => {
    const noPulse = rnd.uniform() < (o.noPulseShare ?? 0.15);
    const motion = pick(MOTION_LEVELS);
    // Peak depth of an aliased mains flicker: up to ≈ 1 %, as much as a weak pulse (lamps on dimmers, LED drivers).
    const flicker = rnd.uniform() < 0.5 ? between(0.001, 0.011) : 0;
    const bpm = between(lo, hi);
    const face = pick(o.faces);
    const codec = rnd.uniform() < 0.85 ? ('h264' as const) : ('mjpeg' as const);
    // x264's CRF 17–30, or an MJPEG qscale of similar quality.
    const quality = codec === 'h264' ? Math.round(between(17, 29)) : Math.round(between(3, 12));
    return {
      name: `varied-${String(o.seed)}-${String(i + 1).padStart(3, '0')}-${path.parse(face).name}-${motion.name}-${noPulse ? 'nopulse' : `${Math.round(bpm)}bpm`}`,
      face,
      bpm,
      hrv: between(0.01, 0.05),
      durationS: o.durationS ?? 20,
      fps: 30,
      width,
      height: o.height ?? 480,
      // Peak-to-peak green modulation: 0.2 % (dark skin, far away) to 0.9 % (a clear forehead close up).
      pulseAmplitude: noPulse ? 0 : between(0.002, 0.009),
      // Mostly a slow sway (below 0.3 Hz) with a little frame-to-frame jitter, as a seated subject or a hand-held
      // camera moves; in a quarter of the moving clips the shake falls inside the heart-rate band, the hard case.
      motion: {
        driftPx: between(0, 8) * scale,
        shakePx: motion.shakePx * scale * between(0.6, 1),
        shakeHz: rnd.uniform() < 0.25 ? [0.3, 1.5] : [0.03, 0.3],
        jitterPx: motion.shakePx * scale * between(0, 0.08),
        rotateDeg: motion.rotateDeg,
        zoom: motion.zoom,
      },
      lighting: {
        driftShare: between(0, 0.06),
        flickerShare: flicker,
        flickerHz: flicker ? between(0.5, 4.2) : 0,
        flickerSpread: between(0, 0.9),
        rollingShutterRad: rnd.uniform() < 0.3 ? between(0, Math.PI) : 0,
        gradientShare: between(0, 0.1),
      },
      noiseSigma: between(0.5, 3.5),
      subject: { mirror: rnd.uniform() < 0.5, skinTone: rnd.uniform() < 0.5 ? 0 : between(0, 0.8), backdrop: rnd.uniform() < 0.7 ? 'blurred' : 'flat', framing: between(1, 2.2) },
      // Encoded as cameras and screen recorders do: x264's medium preset, a keyframe every 1–4 s.
      encode: { codec, quality, preset: 'medium', keyint: pick([30, 60, 60, 120]) },
      seed: o.seed * 100_000 + i,
    } satisfies ClipSpec;
  });
}
