// Shapes of timed inputs and their conversion to uniform, validated channels on a shared grid.

import { BASELINES, type BaselineId } from './baselines.ts';
import type { NotEnoughData } from './errors.ts';
import { bandsFor, filterWaveform, type Filtered } from './heart-rate.ts';
import type { SignalOptions } from './options.ts';
import type { RgbTrace } from './rgb-means.ts';
import { gridFor, inspectFrames, interpolationMask, resampleOnto, type Grid, type KeptFrames } from './timing.ts';

/** A waveform sample per frame; t in seconds on any clock, increasing. */
export interface TimedWaveform {
  t: ArrayLike<number>;
  x: ArrayLike<number>;
}

/** Per-frame mean R, G, B of the face/skin crop (see rgb-means.ts); t in seconds. */
export interface TimedRgb {
  t: ArrayLike<number>;
  r: ArrayLike<number>;
  g: ArrayLike<number>;
  b: ArrayLike<number>;
}

/** Per-frame capture flags (non-zero = yes) from the face tracker; t in seconds on the same clock. */
export interface CaptureFlags {
  t: ArrayLike<number>;
  faceLost?: ArrayLike<number>;
  motion?: ArrayLike<number>;
  /** 1 where an imported video's encoder stored a keyframe (a camera's frames have none). */
  keyframe?: ArrayLike<number>;
}

export interface UniformInput {
  kept: KeptFrames;
  grid: Grid;
  /** Resampled channels in the order given. */
  channels: Float64Array[];
  /** 0 measured, 1 interpolated over dropped frames, 2 gap (see timing.interpolationMask). */
  mask: Uint8Array;
}

/** Validates, then resamples onto `grid` (default: the frames' own span at their nominal rate or options.fs). */
export function toUniform(
  t: ArrayLike<number>,
  channels: ArrayLike<number>[],
  o: SignalOptions,
  grid?: Grid,
): UniformInput | NotEnoughData {
  const kept = inspectFrames(t, channels, o.maxGapS);
  if ('ok' in kept) return kept;
  const g = grid ?? gridFor(kept, o.fs);
  return {
    kept,
    grid: g,
    channels: kept.channels.map((c) => resampleOnto(kept.t, c, g)),
    mask: interpolationMask(kept, g, o.maxGapS),
  };
}

export function rgbChannels(rgb: TimedRgb): ArrayLike<number>[] {
  return [rgb.r, rgb.g, rgb.b];
}

export function traceOf(u: UniformInput): RgbTrace {
  return { r: u.channels[0]!, g: u.channels[1]!, b: u.channels[2]! };
}

/** Runs one classical method on uniform RGB and filters its output like the primary waveform. */
export function baselineFiltered(id: BaselineId, u: UniformInput, o: SignalOptions): Filtered | NotEnoughData {
  const { fs } = u.grid;
  const bands = bandsFor(fs, o);
  if ('ok' in bands) return bands;
  return filterWaveform(BASELINES[id](traceOf(u), fs, [o.hrBandHz[0], bands.hrHigh]), fs, o);
}
