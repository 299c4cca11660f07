// Live heart rate from the last seconds of the network's waveform and the face crops' colours: the same evidence
// and reliability decision as a whole-session analysis, for the newest window, cheap enough to run every second.

import { ANY_FPS, checkFpsSupport, type FpsSupport } from './fps-support.ts';
import { BASELINE_IDS } from './baselines.ts';
import { BLOCK_VALUES, type TimedBlocks } from './crop-blocks.ts';
import { notEnoughData, type NotEnoughData } from './errors.ts';
import type { Voter } from './evidence.ts';
import { filterWaveform, spectralEstimate } from './heart-rate.ts';
import { toUniform, type TimedRgb, type TimedWaveform } from './inputs.ts';
import { resolveOptions, type SignalOptions } from './options.ts';
import { decideLatest, type WindowDecision } from './reliability.ts';
import { REGIONS } from './skin-signals.ts';
import { median } from './stats.ts';
import { colourSignals, evidenceSeries, informantsOf, methodFiltered } from './window-evidence.ts';

/** Default span of recent signal the live estimate looks at. */
export const LIVE_SPAN_S = 10;
/** Shortest span worth estimating from: three beats at the bottom of the band. */
export const LIVE_MIN_SPAN_S = 5;

export interface LiveInput {
  /** The network's waveform; absent while no model runs (the classical methods then read the HR). */
  waveform?: TimedWaveform;
  rgb?: TimedRgb;
  blocks?: TimedBlocks;
  /** The decisions of earlier live windows, oldest first (for the tracked choice and continuity). */
  previous?: readonly LiveChoice[];
  lastS?: number;
  options?: Partial<SignalOptions>;
}

/** What the next live call needs to know of this one. */
export interface LiveChoice {
  tS: number;
  bpm: number | null;
  best: number | null;
}

export type LiveHr =
  | ({ ok: true; checkBpm: number | null; fps: FpsSupport; spanS: number; choice: LiveChoice } & WindowDecision)
  | NotEnoughData;

/** Index of the first timestamp within `span` seconds of `end` (timestamps assumed increasing). */
function tailStart(t: ArrayLike<number>, end: number, span: number): number {
  let i = t.length;
  while (i > 0 && t[i - 1]! >= end - span) i--;
  return i;
}

function from(a: ArrayLike<number>, start: number): Float64Array {
  const out = new Float64Array(Math.max(0, a.length - start));
  for (let i = 0; i < out.length; i++) out[i] = a[start + i]!;
  return out;
}

/** The last `span` seconds (up to `end`) of each input. */
function tail(
  input: LiveInput,
  end: number,
  span: number,
): { waveform?: TimedWaveform; rgb?: TimedRgb; blocks?: TimedBlocks } {
  const out: { waveform?: TimedWaveform; rgb?: TimedRgb; blocks?: TimedBlocks } = {};
  if (input.waveform) {
    const i = tailStart(input.waveform.t, end, span);
    out.waveform = { t: from(input.waveform.t, i), x: from(input.waveform.x, i) };
  }
  if (input.rgb) {
    const i = tailStart(input.rgb.t, end, span);
    out.rgb = { t: from(input.rgb.t, i), r: from(input.rgb.r, i), g: from(input.rgb.g, i), b: from(input.rgb.b, i) };
  }
  if (input.blocks) {
    const i = tailStart(input.blocks.t, end, span);
    out.blocks = { t: from(input.blocks.t, i), values: input.blocks.values.subarray(i * BLOCK_VALUES) };
  }
  return out;
}

/**
 * The reliability decision over the last `lastS` seconds, as one window of a whole-session analysis would make
 * it: the same evidence, candidates and model (reliability.ts), the choice tracked from the previous calls.
 */
export function liveHeartRate(input: LiveInput): LiveHr {
  const o = resolveOptions(input.options);
  const span = input.lastS ?? LIVE_SPAN_S;
  const ends = [input.waveform?.t, input.rgb?.t, input.blocks?.t].flatMap((t) =>
    t && t.length ? [t[t.length - 1]!] : [],
  );
  if (ends.length === 0) return notEnoughData('empty', 'No frames were given.');
  // The network trails the camera: judge the span its waveform covers, so every method sees the same seconds.
  const end =
    input.waveform && input.waveform.t.length ? input.waveform.t[input.waveform.t.length - 1]! : Math.max(...ends);
  const recent = tail(input, end, span);
  const wave = recent.waveform ? toUniform(recent.waveform.t, [recent.waveform.x], o) : null;
  if (wave && 'ok' in wave) return wave;
  const colour = recent.rgb || recent.blocks ? colourSignals(recent.rgb, recent.blocks, o, wave?.grid) : null;
  if (!wave && (!colour || 'ok' in colour)) return colour ?? notEnoughData('empty', 'No frames were given.');
  const skin = colour && !('ok' in colour) ? colour : null;
  const grid = (wave ?? skin!.input).grid;
  const spanS = (grid.n - 1) / grid.fs;
  if (spanS < LIVE_MIN_SPAN_S)
    return notEnoughData('too-short', `Live HR needs ${LIVE_MIN_SPAN_S} s of signal; have ${spanS.toFixed(1)} s.`);
  const windowO = {
    ...o,
    windowS: Math.min(o.windowS, spanS),
    welchSegmentS: Math.min(o.welchSegmentS, spanS),
    stepS: Math.min(o.stepS, spanS),
  };
  const voters: Partial<Record<Voter, Float64Array>> = {};
  let checkBpm: number | null = null;
  if (wave) {
    const f = filterWaveform(wave.channels[0]!, grid.fs, o);
    if ('ok' in f) return f;
    voters.sspd = f.broad;
  }
  if (skin) {
    for (const id of BASELINE_IDS) {
      const f = methodFiltered(id, skin.skin, grid.fs, o);
      if (!('ok' in f)) voters[id] = f.broad;
    }
    for (const r of REGIONS) {
      const trace = skin.regions[r];
      const f = trace ? methodFiltered('pbv', trace, grid.fs, o) : null;
      if (f && !('ok' in f)) voters[r] = f.broad;
    }
  }
  const mask = wave ? wave.mask : skin!.input.mask;
  const { windows, evidence } = evidenceSeries(
    {
      grid,
      voters,
      informants: informantsOf(skin),
      motion: skin?.motion ?? null,
      mask,
      skinBand: skin?.skinBand ?? null,
    },
    windowO,
  );
  const last = evidence.length - 1;
  if (last < 0)
    return notEnoughData('too-short', `Live HR needs ${LIVE_MIN_SPAN_S} s of signal; have ${spanS.toFixed(1)} s.`);
  if (voters.pos) checkBpm = relativePeakBpm(voters.pos, grid.fs, windowO);
  const tS = (windows[last]!.tStart + windows[last]!.tEnd) / 2;
  const band: [number, number] = [o.hrBandHz[0], Math.min(o.hrBandHz[1], 0.45 * grid.fs)];
  const decision = decideLatest(evidence[last]!, band, input.previous ?? [], tS);
  const fps = checkFpsSupport((wave ?? skin!.input).kept.report.effectiveFps, wave ? o.modelFpsRange : ANY_FPS);
  const reliability = fps.supported ? decision.reliability : 'none';
  return {
    ok: true,
    ...decision,
    reliability,
    checkBpm,
    fps,
    spanS,
    choice: { tS, bpm: decision.bpm, best: decision.best },
  };
}

/** POS's strongest peak over the whole live span (shown beside the decided HR). */
function relativePeakBpm(broad: Float64Array, fs: number, o: SignalOptions): number | null {
  return spectralEstimate(broad, fs, o).bpm;
}

/**
 * Median of the values added over the last `spanS` seconds: what a live display shows so one
 * odd window does not make it jump.
 */
export class RecentMedian {
  readonly #spanS: number;
  #recent: { t: number; value: number }[] = [];

  constructor(spanS: number) {
    this.#spanS = spanS;
  }

  /**
   * Adds the value at time `t` (null: none this time) and returns the median of the span up to
   * `t`, or null when it is empty.
   */
  add(t: number, value: number | null): number | null {
    if (value !== null) this.#recent.push({ t, value });
    this.#recent = this.#recent.filter((e) => e.t > t - this.#spanS);
    return this.#recent.length ? median(this.#recent.map((e) => e.value)) : null;
  }
}
