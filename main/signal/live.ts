// Live heart rate from the last seconds of waveform (and RGB for the classical check): one Welch
// spectrum, cheap enough to call about once a second during recording.

import { notEnoughData, type NotEnoughData } from './errors.ts';
import { checkFpsSupport, type FpsSupport } from './fps-support.ts';
import { filterWaveform, spectralEstimate, type SpectralEstimate } from './heart-rate.ts';
import { baselineFiltered, rgbChannels, toUniform, type TimedRgb, type TimedWaveform } from './inputs.ts';
import { CHECK_METHOD } from './baselines.ts';
import { resolveOptions, type SignalOptions } from './options.ts';
import { gradeWindow, resolveHarmonic, type WindowQuality } from './quality.ts';
import { median } from './stats.ts';

/** Default span of recent signal the live estimate looks at. */
export const LIVE_SPAN_S = 10;
/** Shortest span worth estimating from: three beats at the bottom of the band. */
export const LIVE_MIN_SPAN_S = 5;

export interface LiveInput {
  waveform: TimedWaveform;
  rgb?: TimedRgb;
  /** The waveform is the classical check's own (no network): there is nothing independent to compare with. */
  primaryIsCheck?: boolean;
  lastS?: number;
  options?: Partial<SignalOptions>;
}

export type LiveHr = ({ ok: true; bpm: number | null; snrDb: number; checkBpm: number | null; fps: FpsSupport; spanS: number } & WindowQuality) | NotEnoughData;

/** Index of the first timestamp within `span` seconds of the last one (timestamps assumed increasing). */
function tailStart(t: ArrayLike<number>, span: number): number {
  const n = t.length;
  if (n === 0) return 0;
  const from = t[n - 1]! - span;
  let i = n - 1;
  while (i > 0 && t[i - 1]! >= from) i--;
  return i;
}

function from(a: ArrayLike<number>, start: number): Float64Array {
  const out = new Float64Array(Math.max(0, a.length - start));
  for (let i = 0; i < out.length; i++) out[i] = a[start + i]!;
  return out;
}

export function liveHeartRate(input: LiveInput): LiveHr {
  const o = resolveOptions(input.options);
  const span = input.lastS ?? LIVE_SPAN_S;
  const start = tailStart(input.waveform.t, span);
  const wave = toUniform(from(input.waveform.t, start), [from(input.waveform.x, start)], o);
  if ('ok' in wave) return wave;
  const spanS = (wave.grid.n - 1) / wave.grid.fs;
  if (spanS < LIVE_MIN_SPAN_S) return notEnoughData('too-short', `Live HR needs ${LIVE_MIN_SPAN_S} s of signal; have ${spanS.toFixed(1)} s.`);
  const filtered = filterWaveform(wave.channels[0]!, wave.grid.fs, o);
  if ('ok' in filtered) return filtered;
  const check = input.rgb ? liveCheck(input.rgb, span, o, wave.grid) : null;
  const primary = resolveHarmonic(spectralEstimate(filtered.broad, wave.grid.fs, o), check, o);
  const fps = checkFpsSupport(wave.kept.report.effectiveFps, o.modelFpsRange);
  const share = (least: number) => wave.mask.reduce((a, m) => a + (m >= least ? 1 : 0), 0) / wave.mask.length;
  const quality = gradeWindow({ primary, check, faceLostShare: 0, motionShare: 0, droppedShare: share(1), gapShare: share(2), fpsSupported: fps.supported, primaryIsCheck: input.primaryIsCheck }, o);
  return { ok: true, bpm: primary.bpm, snrDb: primary.snrDb, checkBpm: check?.bpm ?? null, fps, spanS, ...quality };
}

function liveCheck(rgb: TimedRgb, span: number, o: SignalOptions, grid: { t0: number; fs: number; n: number }): SpectralEstimate | null {
  const start = tailStart(rgb.t, span);
  const u = toUniform(from(rgb.t, start), rgbChannels(rgb).map((c) => from(c, start)), o, grid);
  if ('ok' in u) return null;
  const filtered = baselineFiltered(CHECK_METHOD, u, o);
  return 'ok' in filtered ? null : spectralEstimate(filtered.broad, grid.fs, o);
}

/** Median of the values added over the last `spanS` seconds: what a live display shows so one odd window does not make it jump. */
export class RecentMedian {
  readonly #spanS: number;
  #recent: { t: number; value: number }[] = [];

  constructor(spanS: number) {
    this.#spanS = spanS;
  }

  /** Adds the value at time `t` (null: none this time) and returns the median of the span up to `t`, or null when it is empty. */
  add(t: number, value: number | null): number | null {
    if (value !== null) this.#recent.push({ t, value });
    this.#recent = this.#recent.filter((e) => e.t > t - this.#spanS);
    return this.#recent.length ? median(this.#recent.map((e) => e.value)) : null;
  }
}
