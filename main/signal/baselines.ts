// The classical methods behind one signature, dispatched by id, so every session gets independent checks.

import { chromDeHaan } from './chrom-dehaan.ts';
import { greenVerkruysse } from './green-verkruysse.ts';
import { pbvDeHaan } from './pbv-dehaan.ts';
import { posWang } from './pos-wang.ts';
import type { RgbTrace } from './rgb-means.ts';

export const BASELINE_IDS = ['green', 'chrom', 'pos', 'pbv'] as const;
export type BaselineId = (typeof BASELINE_IDS)[number];

/** RGB means on a uniform grid at fs → a pulse waveform of the same length (before detrend/band-pass). */
export type BaselineFn = (rgb: RgbTrace, fs: number, hrBandHz: readonly [number, number]) => Float64Array;

export const BASELINES: Record<BaselineId, BaselineFn> = {
  green: (rgb) => greenVerkruysse(rgb),
  chrom: (rgb, fs, band) => chromDeHaan(rgb, fs, band),
  pos: (rgb, fs) => posWang(rgb, fs),
  pbv: (rgb, fs) => pbvDeHaan(rgb, fs),
};

/** The method quality compares the network with: POS held up best in Wang et al.'s benchmark. */
export const CHECK_METHOD: BaselineId = 'pos';
