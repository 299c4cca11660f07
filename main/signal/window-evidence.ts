// Every signal the reliability decision reads, on one uniform grid: the network's waveform, the classical
// methods on light-rectified skin colour, three skin regions, the light reference, motion, frame gaps and an
// imported video's keyframes; then their sliding-window spectra (and the skin's colour change, for its direction)
// as one WindowEvidence per HR window. Used by whole-session and live analysis alike.
import type { BaselineId } from './baselines.ts';
import { BASELINES } from './baselines.ts';
import { notEnoughData, type NotEnoughData } from './errors.ts';
import { supportOf, VOTERS, type Informant, type Voter, type WindowEvidence } from './evidence.ts';
import { keyframeSteps } from './keyframe-steps.ts';
import { bandsFor, filterWaveform, windowSpectra, type Filtered, type WindowSpectra } from './heart-rate.ts';
import type { TimedBlocks } from './crop-blocks.ts';
import type { CaptureFlags, TimedRgb, UniformInput } from './inputs.ts';
import { toUniform } from './inputs.ts';
import type { SignalOptions } from './options.ts';
import { flaggedShare } from './quality.ts';
import { rectify } from './rectify.ts';
import type { RgbTrace } from './rgb-means.ts';
import { REGIONS, skinSignals, type Region } from './skin-signals.ts';
import type { Grid } from './timing.ts';

/**
 * The colour signals on the analysis grid: skin (rectified), regions, light, motion, and which samples were filled in.
 */
export interface ColourSignals {
  input: UniformInput;
  skin: RgbTrace;
  regions: Partial<Record<Region, RgbTrace>>;
  /** Relative brightness of the non-skin reference, band-passed; null without one. */
  light: Float64Array | null;
  /**
   * Relative change of the skin's green (where the pulse is strongest), band-passed: what the light is compared with.
   */
  skinLevel: Float64Array | null;
  /**
   * The skin green's jumps at an imported video's keyframes, held (keyframe-steps.ts); relative and band-passed like
   * skinLevel. Null for a camera's frames.
   */
  keyframeSteps: Float64Array | null;
  /** The rectified skin's relative change per channel, band-passed: the colour direction of a rhythm is read on it. */
  skinBand: RgbTrace | null;
  motion: Float64Array | null;
  /** The content centre's movement across and down the crop, band-passed (cells); null without cells. */
  centre: { x: Float64Array; y: Float64Array } | null;
}

/** Channels packed for one resampling: skin R, G, B, then optional keyframe steps, light, motion and regions. */
function colourChannels(
  rgb: TimedRgb | undefined,
  blocks: TimedBlocks | undefined,
  keyframes: readonly number[],
):
  | {
      t: ArrayLike<number>;
      channels: ArrayLike<number>[];
      layout: {
        light: number;
        motion: number;
        centre: number;
        steps: number;
        regions: Partial<Record<Region, number>>;
      };
    }
  | NotEnoughData {
  const signals = blocks ? skinSignals(blocks.values) : null;
  if (!signals || !blocks) {
    if (!rgb) return notEnoughData('no-skin', 'The face crops show too little skin to read a pulse from.');
    const steps = keyframeSteps(rgb.t, rgb.g, keyframes);
    const channels = [rgb.r, rgb.g, rgb.b, ...(steps ? [steps] : [])];
    return { t: rgb.t, channels, layout: { light: -1, motion: -1, centre: -1, steps: steps ? 3 : -1, regions: {} } };
  }
  const channels: ArrayLike<number>[] = [signals.skin.r, signals.skin.g, signals.skin.b];
  const layout = { light: -1, motion: -1, centre: -1, steps: -1, regions: {} as Partial<Record<Region, number>> };
  const steps = keyframeSteps(blocks.t, signals.skin.g, keyframes);
  if (steps) layout.steps = channels.push(steps) - 1;
  if (signals.light) layout.light = channels.push(signals.light) - 1;
  // The first frame has no predecessor to move from: count it as still, not as a missing frame.
  signals.motion[0] = 0;
  layout.motion = channels.push(signals.motion) - 1;
  layout.centre = channels.push(signals.centre.x, signals.centre.y) - 2;
  for (const r of REGIONS) {
    const trace = signals.regions[r];
    if (!trace) continue;
    layout.regions[r] = channels.length;
    channels.push(trace.r, trace.g, trace.b);
  }
  return { t: blocks.t, channels, layout };
}

/**
 * Detrended, band-passed relative change of `x` (x / mean(level) − 1; level: x itself unless given), as the spectra
 * want it.
 */
function relativeBand(x: Float64Array, fs: number, o: SignalOptions, level: Float64Array = x): Float64Array | null {
  let m = 0;
  for (const v of level) m += v;
  m /= level.length;
  if (!(m > 0)) return null;
  const f = filterWaveform(
    Float64Array.from(x, (v) => v / m - 1),
    fs,
    o,
  );
  return 'ok' in f ? null : f.broad;
}

/**
 * Skin colour with what the light reference explains removed from its heart-rate band (illumination
 * rectification); the slow part is kept, as the classical methods normalise by it.
 */
function rectifiedSkin(skin: RgbTrace, light: Float64Array | null, fs: number, o: SignalOptions): RgbTrace {
  if (!light) return skin;
  const out = {} as RgbTrace;
  for (const c of ['r', 'g', 'b'] as const) {
    const x = skin[c];
    let m = 0;
    for (const v of x) m += v;
    m /= x.length;
    const band = relativeBand(x, fs, o);
    if (!band || !(m > 0)) return skin;
    const clean = rectify(band, [light], fs);
    out[c] = Float64Array.from(x, (v, i) => v + m * (clean[i]! - band[i]!));
  }
  return out;
}

/** Resamples the colour signals onto `grid` (or their own) and rectifies the skin. */
export function colourSignals(
  rgb: TimedRgb | undefined,
  blocks: TimedBlocks | undefined,
  o: SignalOptions,
  grid?: Grid,
  keyframes: readonly number[] = [],
): ColourSignals | NotEnoughData {
  const packed = colourChannels(rgb, blocks, keyframes);
  if ('ok' in packed) return packed;
  const input = toUniform(packed.t, packed.channels, o, grid);
  if ('ok' in input) return input;
  const { fs } = input.grid;
  const ch = input.channels;
  const raw: RgbTrace = { r: ch[0]!, g: ch[1]!, b: ch[2]! };
  const light = packed.layout.light >= 0 ? relativeBand(ch[packed.layout.light]!, fs, o) : null;
  const regions: ColourSignals['regions'] = {};
  for (const [r, at] of Object.entries(packed.layout.regions) as [Region, number][])
    regions[r] = { r: ch[at]!, g: ch[at + 1]!, b: ch[at + 2]! };
  const skin = rectifiedSkin(raw, light, fs, o);
  const [r, g, b] = [skin.r, skin.g, skin.b].map((x) => relativeBand(x, fs, o));
  return {
    input: { ...input, channels: [raw.r, raw.g, raw.b] },
    skin,
    regions,
    light,
    skinLevel: relativeBand(raw.g, fs, o),
    keyframeSteps: packed.layout.steps >= 0 ? relativeBand(ch[packed.layout.steps]!, fs, o, raw.g) : null,
    skinBand: r && g && b ? { r, g, b } : null,
    motion: packed.layout.motion >= 0 ? ch[packed.layout.motion]! : null,
    centre: packed.layout.centre >= 0 ? bandOf(ch[packed.layout.centre]!, ch[packed.layout.centre + 1]!, fs, o) : null,
  };
}

/** Both centre coordinates detrended and band-passed like every other signal (absolute, not relative, change). */
function bandOf(x: Float64Array, y: Float64Array, fs: number, o: SignalOptions): ColourSignals['centre'] {
  const fx = filterWaveform(x, fs, o);
  const fy = filterWaveform(y, fs, o);
  return 'ok' in fx || 'ok' in fy ? null : { x: fx.broad, y: fy.broad };
}

/** The spectra that inform without voting: the light reference, the skin's green, the content centre's movement. */
export function informantsOf(skin: ColourSignals | null): Partial<Record<Informant, Float64Array>> {
  const out: Partial<Record<Informant, Float64Array>> = {};
  if (skin?.light) out.light = skin.light;
  if (skin?.skinLevel) out.skinLevel = skin.skinLevel;
  if (skin?.keyframeSteps) out.keyframeSteps = skin.keyframeSteps;
  if (skin?.centre) {
    out.motionX = skin.centre.x;
    out.motionY = skin.centre.y;
  }
  return out;
}

/** A classical method on a colour trace, detrended and band-passed like the network's waveform. */
export function methodFiltered(id: BaselineId, rgb: RgbTrace, fs: number, o: SignalOptions): Filtered | NotEnoughData {
  const bands = bandsFor(fs, o);
  if ('ok' in bands) return bands;
  return filterWaveform(BASELINES[id](rgb, fs, [o.hrBandHz[0], bands.hrHigh]), fs, o);
}

export interface EvidenceInputs {
  grid: Grid;
  /** Band-passed waveforms per voter (the network's and the classical methods'). */
  voters: Partial<Record<Voter, Float64Array>>;
  informants: Partial<Record<Informant, Float64Array>>;
  motion: Float64Array | null;
  /** Per grid sample: 0 measured, 1 interpolated over dropped frames, 2 inside a gap. */
  mask: Uint8Array;
  capture?: CaptureFlags;
  /** The skin's band-passed relative colour change (ColourSignals.skinBand). */
  skinBand?: RgbTrace | null;
}

/** The HR windows of the grid and the evidence about each. */
export function evidenceSeries(
  inp: EvidenceInputs,
  o: SignalOptions,
): { windows: WindowSpectra['windows']; evidence: WindowEvidence[] } {
  const { grid } = inp;
  const band: [number, number] = [o.hrBandHz[0], Math.min(o.hrBandHz[1], 0.45 * grid.fs)];
  const spectra = new Map<Voter | Informant, WindowSpectra>();
  for (const [id, x] of [...Object.entries(inp.voters), ...Object.entries(inp.informants)] as [
    Voter | Informant,
    Float64Array,
  ][]) {
    spectra.set(id, windowSpectra(x, grid.t0, grid.fs, o));
  }
  const windows = spectra.values().next().value?.windows ?? [];
  const windowLen = Math.round(o.windowS * grid.fs);
  const faceLost = inp.capture ? flaggedShare(inp.capture.t, inp.capture.faceLost, windows) : null;
  const keyframes = keyframeTimes(inp.capture);
  const { upper, left, right } = inp.voters;
  const regions = upper && left && right ? { upper, left, right } : null;
  // Windows come in time order: the first keyframe at or after a window's start only moves forward.
  let firstKey = 0;
  const keyframesIn = (w: { tStart: number; tEnd: number }) => {
    while (firstKey < keyframes.length && keyframes[firstKey]! < w.tStart) firstKey++;
    let end = firstKey;
    while (end < keyframes.length && keyframes[end]! < w.tEnd) end++;
    return keyframes.slice(firstKey, end);
  };
  const evidence = windows.map((w, k): WindowEvidence => {
    const voters: WindowEvidence['voters'] = {};
    const informants: WindowEvidence['informants'] = {};
    for (const [id, s] of spectra) {
      const psd = s.psd[k];
      if (!psd) continue;
      if ((VOTERS as readonly string[]).includes(id)) voters[id as Voter] = supportOf(psd, band);
      else informants[id as Informant] = supportOf(psd, band);
    }
    const end = Math.min(inp.mask.length, w.start + windowLen);
    let dropped = 0;
    let gaps = 0;
    let moved = 0;
    for (let i = w.start; i < end; i++) {
      if (inp.mask[i]! >= 1) dropped++;
      if (inp.mask[i] === 2) gaps++;
      if (inp.motion) moved += inp.motion[i]!;
    }
    const len = Math.max(1, end - w.start);
    const span = { start: w.start, length: end - w.start, fs: grid.fs };
    return {
      voters,
      informants,
      motion: moved / len,
      faceLostShare: faceLost?.[k] ?? 0,
      droppedShare: dropped / len,
      gapShare: gaps / len,
      keyframes: keyframesIn(w),
      skinColour: inp.skinBand ? { ...inp.skinBand, ...span } : null,
      regionWaves: regions ? { ...regions, ...span } : null,
    };
  });
  return { windows, evidence };
}

/**
 * Times of the frames flagged as keyframes; none where most frames are (an intra-only codec such as MJPEG has no
 * rhythm of keyframes).
 */
export function keyframeTimes(capture: CaptureFlags | undefined): number[] {
  const out: number[] = [];
  const flags = capture?.keyframe;
  if (!capture || !flags) return out;
  const n = Math.min(flags.length, capture.t.length);
  for (let i = 0; i < n; i++) if (flags[i]) out.push(capture.t[i]!);
  return out.length > n / 2 ? [] : out;
}
