// Shared by the signal tests: fixture loading (main/signal/fixtures), a seeded random source and synthetic recordings.

import { readFileSync } from 'node:fs';
import { seeded } from '../scripts/synth/seeded-random.ts';

export { seeded };

export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../main/signal/fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

export interface SyntheticOptions {
  durationS: number;
  fps?: number;
  jitterS?: number;
  dropShare?: number;
  seed?: number;
}

/**
 * Frame times with jitter and random drops; `value(t, gauss)` gives the sample at each kept time. Times and
 * noise come from separate streams, so recordings with the same seed share their frames.
 */
export function synthesize(
  o: SyntheticOptions,
  value: (t: number, gauss: () => number) => number,
): { t: Float64Array; x: Float64Array } {
  const fps = o.fps ?? 30;
  const rnd = seeded(o.seed ?? 1);
  const noise = seeded((o.seed ?? 1) + 7777);
  const t: number[] = [];
  const x: number[] = [];
  for (let i = 0; i < Math.round(o.durationS * fps); i++) {
    if (rnd.uniform() < (o.dropShare ?? 0)) continue;
    const ti = i / fps + (rnd.uniform() * 2 - 1) * (o.jitterS ?? 0);
    t.push(ti);
    x.push(value(ti, noise.gauss));
  }
  return { t: Float64Array.from(t), x: Float64Array.from(x) };
}

/** RGB means of skin pulsing at `bpm` along the skin-tone direction, with light flicker and noise. */
export function syntheticRgb(
  o: SyntheticOptions,
  bpm: number | null,
): { t: Float64Array; r: Float64Array; g: Float64Array; b: Float64Array } {
  const { t } = synthesize(o, () => 0);
  const noise = seeded((o.seed ?? 1) + 1000);
  const channel = (level: number, tone: number): Float64Array =>
    t.map((ti) => {
      const pulse = bpm === null ? 0 : 0.01 * tone * Math.sin((2 * Math.PI * bpm * ti) / 60);
      return level * (1 + 0.02 * Math.sin(2 * Math.PI * 0.13 * ti)) * (1 + pulse) + 0.3 * noise.gauss();
    });
  return { t, r: channel(150, 0.33), g: channel(110, 0.77), b: channel(90, 0.53) };
}

/** Every number reachable in a result, for "never NaN" checks. */
export function allNumbers(value: unknown, out: number[] = []): number[] {
  if (typeof value === 'number') out.push(value);
  else if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const view = value as unknown as ArrayLike<number>;
    for (let i = 0; i < view.length; i++) out.push(Number(view[i]));
  } else if (Array.isArray(value)) for (const v of value) allNumbers(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) allNumbers(v, out);
  return out;
}

export interface SceneCells {
  /** The skin's pulse rate (null: no pulse), and its peak-to-peak share of green. */
  bpm: number | null;
  pulse?: number;
  /** A flicker of the whole scene's light: rate and peak share. */
  flickerBpm?: number;
  flicker?: number;
  /** Head movement: each cell's brightness swings by up to this many 8-bit levels at `motionBpm`. */
  motionLevels?: number;
  motionBpm?: number;
  /** Sensor noise per cell mean, 8-bit levels. */
  noise?: number;
  seed?: number;
}

/**
 * Colours of the face crop's 8×8 grid (crop-blocks.ts) for a synthetic scene: skin cells in the middle (pulsing
 * along the blood-volume signature), non-skin cells around them (blue background), under a light that may
 * flicker, with content that may move. The known answer for every window is the scene's own.
 */
export function syntheticCells(o: SyntheticOptions, scene: SceneCells): { t: Float64Array; values: Float32Array } {
  const { t } = synthesize(o, () => 0);
  const noise = seeded((scene.seed ?? o.seed ?? 1) + 2000);
  const rnd = seeded((scene.seed ?? o.seed ?? 1) + 3000);
  const skin = [180, 130, 105];
  const background = [60, 90, 170];
  const phases = Array.from({ length: 64 }, () => 2 * Math.PI * rnd.uniform());
  const values = new Float32Array(t.length * 64 * 3);
  const signature = [0.33 / 0.77, 1, 0.53 / 0.77];
  t.forEach((ti, f) => {
    const light =
      1 +
      (scene.flicker ?? 0) * Math.sin((2 * Math.PI * (scene.flickerBpm ?? 0) * ti) / 60) +
      0.02 * Math.sin(2 * Math.PI * 0.07 * ti);
    const beat = scene.bpm === null ? 0 : 0.5 * (scene.pulse ?? 0.01) * Math.sin((2 * Math.PI * scene.bpm * ti) / 60);
    for (let k = 0; k < 64; k++) {
      const row = Math.floor(k / 8);
      const col = k % 8;
      const isSkin = row >= 2 && row <= 6 && col >= 2 && col <= 5;
      const move = (scene.motionLevels ?? 0) * Math.sin((2 * Math.PI * (scene.motionBpm ?? 0) * ti) / 60 + phases[k]!);
      for (let c = 0; c < 3; c++) {
        const base = (isSkin ? skin : background)[c]!;
        const dim = isSkin ? 1 - signature[c]! * beat : 1;
        values[(f * 64 + k) * 3 + c] = base * light * dim + move + (scene.noise ?? 0.05) * noise.gauss();
      }
    }
  });
  return { t, values };
}
